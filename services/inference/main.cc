// goalpost-inference: the InferenceService and the Open Inference Protocol.
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

#include "absl/flags/flag.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/server.h"
#include "services/inference/inference_server.h"

ABSL_FLAG(std::string, datasets_address, "127.0.0.1:50051",
          "host:port of the datasets service, which PredictDataset reads from and writes to");
ABSL_FLAG(int, database_connections, 8, "database connections in the pool");
ABSL_FLAG(int, prediction_threads, 0, "threads that run predictions; 0 uses every core");

int main(int argc, char** argv) {
  goalpost::ServerOptions server_options;
  goalpost::LoggingOptions logging_options;
  goalpost::ParseServiceFlags(argc, argv, "inference", 50052, &server_options, &logging_options);
  goalpost::InitLogging(logging_options);

  goalpost::inference::InferenceOptions options;
  options.database_url = goalpost::DatabaseUrl();
  options.datasets_address = absl::GetFlag(FLAGS_datasets_address);
  options.database_connections = absl::GetFlag(FLAGS_database_connections);
  options.worker_threads = absl::GetFlag(FLAGS_prediction_threads);
  if (options.database_url.empty()) {
    spdlog::critical("no database: set --database_url or GOALPOST_DATABASE_URL");
    return EXIT_FAILURE;
  }

  auto server = goalpost::inference::InferenceServer::Create(options);
  if (!server.ok()) {
    spdlog::critical("cannot start the inference service: {}", server.status().ToString());
    return EXIT_FAILURE;
  }
  goalpost::ServiceHost host(server_options);
  (*server)->AddTo(host);
  const absl::Status started = host.Start();
  if (!started.ok()) {
    spdlog::critical("cannot listen on {}: {}", server_options.listen_address,
                     started.ToString());
    return EXIT_FAILURE;
  }
  host.Wait();
  return EXIT_SUCCESS;
}

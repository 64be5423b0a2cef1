// goalpost-explain: LIME explanations of single predictions.
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

#include "absl/flags/flag.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/server.h"
#include "services/explain/explain_server.h"

ABSL_FLAG(std::string, datasets_address, "127.0.0.1:50051",
          "host:port of the datasets service, which holds the rows and training sets");
ABSL_FLAG(std::string, inference_address, "127.0.0.1:50052",
          "host:port of the inference service, which runs the models");
ABSL_FLAG(int, parallel_rows, 0, "rows that ExplainRows explains at once; 0 uses every core");
ABSL_FLAG(int, call_timeout_seconds, 120,
          "deadline of each call to the datasets or inference service, in seconds");

int main(int argc, char** argv) {
  goalpost::ServerOptions server_options;
  goalpost::LoggingOptions logging_options;
  goalpost::ParseServiceFlags(argc, argv, "explain", 50054, &server_options, &logging_options);
  goalpost::InitLogging(logging_options);

  goalpost::explain::ExplainServerOptions options;
  options.datasets_address = absl::GetFlag(FLAGS_datasets_address);
  options.inference_address = absl::GetFlag(FLAGS_inference_address);
  options.parallel_rows = absl::GetFlag(FLAGS_parallel_rows);
  options.call_timeout = absl::Seconds(absl::GetFlag(FLAGS_call_timeout_seconds));
  options.max_message_bytes = server_options.max_message_bytes;

  auto server = goalpost::explain::ExplainServer::Create(options);
  if (!server.ok()) {
    spdlog::critical("cannot start the explain service: {}", server.status().ToString());
    return EXIT_FAILURE;
  }
  goalpost::ServiceHost host(server_options);
  (*server)->AddTo(host);
  const absl::Status started = host.Start();
  if (!started.ok()) {
    spdlog::critical("cannot listen on {}: {}", server_options.listen_address, started.ToString());
    return EXIT_FAILURE;
  }
  host.Wait();
  return EXIT_SUCCESS;
}

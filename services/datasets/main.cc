// goalpost-datasets: the DatasetService server.
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "absl/flags/flag.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/server.h"
#include "services/datasets/dataset_service.h"

ABSL_FLAG(int64_t, max_upload_bytes, int64_t{16} << 30,
          "largest dataset upload accepted, in bytes of CSV or row batches; 0 means no limit");
ABSL_FLAG(int, database_connections, 8,
          "database connections in the pool; each running upload or streaming read holds one");

int main(int argc, char** argv) {
  goalpost::ServerOptions server_options;
  goalpost::LoggingOptions logging_options;
  goalpost::ParseServiceFlags(argc, argv, "datasets", 50051, &server_options, &logging_options);
  goalpost::InitLogging(logging_options);

  goalpost::datasets::DatasetServiceOptions options;
  options.database_url = goalpost::DatabaseUrl();
  options.connection_pool_size = absl::GetFlag(FLAGS_database_connections);
  options.upload.max_upload_bytes = absl::GetFlag(FLAGS_max_upload_bytes);
  if (options.database_url.empty()) {
    spdlog::critical("no database: set --database_url or GOALPOST_DATABASE_URL");
    return EXIT_FAILURE;
  }

  auto service = goalpost::datasets::DatasetServiceImpl::Create(options);
  if (!service.ok()) {
    spdlog::critical("cannot start the datasets service: {}", std::string(service.status().message()));
    return EXIT_FAILURE;
  }

  goalpost::ServiceHost host(server_options);
  host.AddService(service->get(), "goalpost.datasets.v1.DatasetService");
  host.SetReadinessCheck([&service] { return (*service)->CheckReadiness(); });
  const absl::Status started = host.Start();
  if (!started.ok()) {
    spdlog::critical("cannot listen on {}: {}", server_options.listen_address, std::string(started.message()));
    return EXIT_FAILURE;
  }
  host.Wait();
  return EXIT_SUCCESS;
}

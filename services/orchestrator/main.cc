// goalpost-orchestrator: the GoalOrchestrator server and its run workers.
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/server.h"
#include "services/orchestrator/orchestrator_server.h"

ABSL_FLAG(std::string, datasets_address, "127.0.0.1:50051", "host:port of the datasets service");
ABSL_FLAG(std::string, inference_address, "127.0.0.1:50052",
          "host:port of the inference service");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:50053", "host:port of the metrics service");
ABSL_FLAG(std::string, explain_address, "127.0.0.1:50054", "host:port of the explain service");
ABSL_FLAG(int, workers, 2, "run worker threads in this process; 0 serves requests only");
ABSL_FLAG(double, lease_seconds, 30,
          "seconds a worker's claim on a run lasts without renewal; workers renew every third "
          "of it, and a run whose lease expires is claimed again");
ABSL_FLAG(int, max_attempts, 5, "claims of a run before it fails for good; at least 1");
ABSL_FLAG(int, database_connections, 8,
          "database connections in the pool; raised to workers + 2 when lower");

namespace {

std::string WorkerPrefix() {
  char host[HOST_NAME_MAX + 1] = {};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, ":", getpid());
}

}  // namespace

int main(int argc, char** argv) {
  goalpost::ServerOptions server_options;
  goalpost::LoggingOptions logging_options;
  goalpost::ParseServiceFlags(argc, argv, "orchestrator", 50055, &server_options,
                              &logging_options);
  goalpost::InitLogging(logging_options);

  goalpost::orchestrator::OrchestratorOptions options;
  options.database_url = goalpost::DatabaseUrl();
  options.connection_pool_size = absl::GetFlag(FLAGS_database_connections);
  options.peers.datasets = absl::GetFlag(FLAGS_datasets_address);
  options.peers.inference = absl::GetFlag(FLAGS_inference_address);
  options.peers.metrics = absl::GetFlag(FLAGS_metrics_address);
  options.peers.explain = absl::GetFlag(FLAGS_explain_address);
  options.workers.workers = absl::GetFlag(FLAGS_workers);
  options.workers.worker_prefix = WorkerPrefix();
  options.queue.lease = absl::Seconds(absl::GetFlag(FLAGS_lease_seconds));
  options.queue.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  if (options.database_url.empty()) {
    spdlog::critical("no database: set --database_url or GOALPOST_DATABASE_URL");
    return EXIT_FAILURE;
  }
  if (options.workers.workers < 0 || options.queue.max_attempts < 1 ||
      absl::GetFlag(FLAGS_lease_seconds) <= 0) {
    spdlog::critical("--workers must be >= 0, --max_attempts >= 1 and --lease_seconds > 0");
    return EXIT_FAILURE;
  }

  auto server = goalpost::orchestrator::OrchestratorServer::Create(options);
  if (!server.ok()) {
    spdlog::critical("cannot start the orchestrator: {}", server.status().message());
    return EXIT_FAILURE;
  }

  goalpost::ServiceHost host(server_options);
  host.AddService((*server)->service(), "goalpost.orchestrator.v1.GoalOrchestrator");
  host.SetReadinessCheck([&server] { return (*server)->CheckReadiness(); });
  const absl::Status started = host.Start();
  if (!started.ok()) {
    spdlog::critical("cannot listen on {}: {}", server_options.listen_address, started.message());
    return EXIT_FAILURE;
  }
  (*server)->StartWorkers();
  host.Wait();
  (*server)->StopWorkers();
  return EXIT_SUCCESS;
}

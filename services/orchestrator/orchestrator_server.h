#ifndef GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_SERVER_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/postgres.h"
#include "services/orchestrator/catalog_store.h"
#include "services/orchestrator/orchestrator.h"
#include "services/orchestrator/orchestrator_service.h"
#include "services/orchestrator/peer_clients.h"
#include "services/orchestrator/report_store.h"
#include "services/orchestrator/run_executor.h"
#include "services/orchestrator/run_queue.h"
#include "services/orchestrator/worker_pool.h"

namespace goalpost::orchestrator {

struct OrchestratorOptions {
  // libpq URL of the database (may hold a password: never logged).
  std::string database_url;
  // Connections in the pool; each worker and each request uses one at a
  // time. At least workers + 2.
  int connection_pool_size = 8;
  PeerAddresses peers;
  RunQueueOptions queue;
  WorkerPoolOptions workers;
  RetryPolicy retry;
  // How long the readiness check waits for each called service.
  absl::Duration health_timeout = absl::Seconds(2);
};

// Everything one orchestrator process runs besides the gRPC server: the
// connection pool, the stores, the clients of the other services, the run
// workers and the GoalOrchestrator service.
class OrchestratorServer {
 public:
  // Connects to the database and applies the orchestrator schema's
  // migrations. Workers do not run until StartWorkers().
  static absl::StatusOr<std::unique_ptr<OrchestratorServer>> Create(
      const OrchestratorOptions& options);
  ~OrchestratorServer();

  void StartWorkers();
  // Cancels the runs in progress (they go back to the queue) and joins the
  // workers.
  void StopWorkers();

  // OK while the database and all four called services respond.
  absl::Status CheckReadiness() const;

  OrchestratorServiceImpl* service() { return service_.get(); }

 private:
  OrchestratorServer(const OrchestratorOptions& options, std::unique_ptr<ConnectionPool> pool);

  OrchestratorOptions options_;
  std::unique_ptr<ConnectionPool> pool_;
  CatalogStore catalog_;
  ReportStore reports_;
  RunQueue queue_;
  PeerClients peers_;
  RunExecutor executor_;
  WorkerPool workers_;
  Orchestrator orchestrator_;
  std::unique_ptr<OrchestratorServiceImpl> service_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_SERVER_H_

#include "services/orchestrator/orchestrator_server.h"

#include <algorithm>

#include "common/migrations.h"
#include "common/status.h"
#include "orchestrator_migrations.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {

absl::StatusOr<std::unique_ptr<OrchestratorServer>> OrchestratorServer::Create(
    const OrchestratorOptions& options) {
  const int pool_size = std::max(options.connection_pool_size, options.workers.workers + 2);
  auto pool = ConnectionPool::Create(options.database_url, pool_size);
  if (!pool.ok()) return Annotate(pool.status(), "connecting to the database");
  absl::Status migrated = ApplyMigrations(**pool, "orchestrator", orchestratorMigrations());
  if (!migrated.ok()) return Annotate(migrated, "applying the orchestrator migrations");
  return std::unique_ptr<OrchestratorServer>(new OrchestratorServer(options, *std::move(pool)));
}

OrchestratorServer::OrchestratorServer(const OrchestratorOptions& options,
                                       std::unique_ptr<ConnectionPool> pool)
    : options_(options),
      pool_(std::move(pool)),
      catalog_(*pool_),
      reports_(*pool_),
      queue_(*pool_, options.queue),
      peers_(options.peers),
      executor_(catalog_, peers_, options.retry),
      workers_(queue_, executor_, options.workers),
      orchestrator_(catalog_, reports_, queue_, peers_, options.retry,
                    [this] { workers_.Wake(); }),
      service_(std::make_unique<OrchestratorServiceImpl>(orchestrator_)) {}

OrchestratorServer::~OrchestratorServer() { StopWorkers(); }

void OrchestratorServer::StartWorkers() { workers_.Start(); }

void OrchestratorServer::StopWorkers() { workers_.Stop(); }

absl::Status OrchestratorServer::CheckReadiness() const {
  absl::Status database = pool_->Ping();
  if (!database.ok()) return Annotate(database, "the database");
  return peers_.CheckHealth(options_.health_timeout);
}

}  // namespace goalpost::orchestrator

#include "services/inference/inference_server.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/migrations.h"
#include "common/status.h"
#include "inference_migrations.h"

namespace goalpost::inference {

absl::StatusOr<std::unique_ptr<InferenceServer>> InferenceServer::Create(
    const InferenceOptions& options) {
  if (options.database_url.empty()) {
    return absl::InvalidArgumentError("database_url is empty; the model registry needs it");
  }
  auto server = std::unique_ptr<InferenceServer>(new InferenceServer());
  server->options_ = options;
  GOALPOST_ASSIGN_OR_RETURN(server->pool_,
                            ConnectionPool::Create(options.database_url,
                                                   options.database_connections));
  GOALPOST_RETURN_IF_ERROR(ApplyMigrations(*server->pool_, "inference", inferenceMigrations()));

  server->registry_ = std::make_unique<ModelRegistry>(server->pool_.get());
  server->workers_ = std::make_unique<WorkerPool>(options.worker_threads);
  // Without a datasets address the channel points at a port nothing
  // listens on, so PredictDataset fails with UNAVAILABLE.
  server->datasets_channel_ = MakeChannel(
      options.datasets_address.empty() ? std::string("127.0.0.1:1") : options.datasets_address);
  server->dataset_predictor_ = std::make_unique<DatasetPredictor>(
      server->registry_.get(), server->datasets_channel_, server->workers_.get());
  server->inference_service_ = std::make_unique<InferenceServiceImpl>(
      server->registry_.get(), server->dataset_predictor_.get(), server->workers_.get());
  InferenceServer* self = server.get();
  server->open_inference_service_ = std::make_unique<OpenInferenceServiceImpl>(
      server->registry_.get(), server->workers_.get(), [self] { return self->CheckReadiness(); });
  spdlog::info("inference service ready: {} prediction threads, datasets at {}",
               server->workers_->size(),
               options.datasets_address.empty() ? "(none)" : options.datasets_address);
  return server;
}

void InferenceServer::AddTo(ServiceHost& host) {
  host.AddService(inference_service_.get(), "goalpost.inference.v1.InferenceService");
  host.AddService(open_inference_service_.get(), "inference.GRPCInferenceService");
  host.SetReadinessCheck([this] { return CheckReadiness(); });
}

absl::Status InferenceServer::CheckReadiness() {
  if (absl::Status database = pool_->Ping(); !database.ok()) {
    return Annotate(database, "database");
  }
  if (!options_.datasets_address.empty()) {
    absl::Status datasets = CheckPeerHealth(*datasets_channel_, "", absl::Seconds(2));
    if (!datasets.ok()) return Annotate(datasets, "datasets service");
  }
  return absl::OkStatus();
}

}  // namespace goalpost::inference

#ifndef GOALPOST_SERVICES_INFERENCE_MODEL_REGISTRY_H_
#define GOALPOST_SERVICES_INFERENCE_MODEL_REGISTRY_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "services/inference/model_runtime.h"

namespace goalpost::inference {

// A registered model with its loaded runtime.
struct HostedModel {
  v1::Model model;
  std::shared_ptr<const ModelRuntime> runtime;
};

// Registered models, stored in the inference schema of PostgreSQL so that a
// restarted process or another replica serves the same models. Runtimes are
// built on first use and cached in memory. Every Get checks with one indexed
// query that the cached model is still the registered one, so a model
// deleted or registered again through another replica is not served from a
// stale cache.
class ModelRegistry {
 public:
  explicit ModelRegistry(ConnectionPool* pool) : pool_(pool) {}

  // Validates the spec, builds the runtime from the artifact (which checks
  // the artifact against the spec, or the remote model's metadata), and
  // stores both in one transaction. Nothing is stored on error.
  // INVALID_ARGUMENT or FAILED_PRECONDITION as ValidateModelSpec and
  // BuildModelRuntime; RESOURCE_EXHAUSTED above kMaxArtifactBytes;
  // ALREADY_EXISTS when the project already has a model with that id.
  absl::StatusOr<v1::Model> Register(const v1::ModelSpec& spec, const std::string& artifact);

  // The model named "projects/{project}/models/{model}", loaded from the
  // database on first use. NOT_FOUND when it is not registered (any more).
  absl::StatusOr<std::shared_ptr<const HostedModel>> Get(const std::string& name);

  // The registered model's description, read without building its runtime,
  // so it succeeds while a remote model's server is down. NOT_FOUND when it
  // is not registered.
  absl::StatusOr<v1::Model> Describe(const std::string& name);

  // Models of `project`, newest first. page_size defaults to 50, at most
  // 1,000; page_token is the previous response's next_page_token.
  absl::StatusOr<v1::ListModelsResponse> List(const std::string& project, int page_size,
                                              const std::string& page_token);

  // Deletes the model and the records of its prediction sets. NOT_FOUND
  // when it is not registered.
  absl::Status Delete(const std::string& name);

  ConnectionPool& pool() { return *pool_; }

 private:
  absl::StatusOr<std::shared_ptr<const HostedModel>> Load(const std::string& name);

  // Returns whether the database still contains `hosted` (same artifact and
  // registration time).
  absl::StatusOr<bool> IsStillRegistered(const HostedModel& hosted);

  ConnectionPool* pool_;
  std::mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const HostedModel>> cache_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_MODEL_REGISTRY_H_

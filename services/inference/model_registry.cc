#include "services/inference/model_registry.h"

#include <openssl/sha.h>

#include <cstdio>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_cat.h"
#include "services/inference/model_factory.h"

namespace goalpost::inference {
namespace {

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (unsigned char byte : digest) absl::StrAppendFormat(&hex, "%02x", byte);
  return hex;
}

void SetTimestamp(int64_t micros, google::protobuf::Timestamp* timestamp) {
  timestamp->set_seconds(micros / 1000000);
  timestamp->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

// Builds a Model from a row of (project, model_id, spec, artifact_sha256,
// artifact_bytes, create_time_micros).
absl::StatusOr<v1::Model> ModelFromRow(const pqxx::row& row) {
  v1::Model model;
  pqxx::binarystring spec_bytes(row["spec"]);
  if (!model.mutable_spec()->ParseFromString(spec_bytes.str())) {
    return absl::InternalError(absl::StrCat("stored spec of model ", row["model_id"].c_str(),
                                            " does not parse"));
  }
  model.set_name(ModelResourceName(model.spec()));
  model.set_artifact_sha256(row["artifact_sha256"].as<std::string>());
  model.set_artifact_bytes(row["artifact_bytes"].as<int64_t>());
  SetTimestamp(row["create_micros"].as<int64_t>(), model.mutable_create_time());
  return model;
}

constexpr char kModelColumns[] =
    "project, model_id, spec, artifact_sha256, octet_length(artifact) AS artifact_bytes, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_micros";

}  // namespace

absl::StatusOr<v1::Model> ModelRegistry::Register(const v1::ModelSpec& spec,
                                                  const std::string& artifact) {
  if (absl::Status status = ValidateModelSpec(spec); !status.ok()) return status;
  if (artifact.size() > kMaxArtifactBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the artifact has ", artifact.size(), " bytes, more than the limit of ",
        kMaxArtifactBytes));
  }
  auto runtime = BuildModelRuntime(spec, artifact);
  if (absl::IsUnavailable(runtime.status())) {
    // At registration an unreachable remote model is a spec to fix (the
    // address or name) before anything is stored, not a call to retry.
    return absl::FailedPreconditionError(runtime.status().message());
  }
  if (!runtime.ok()) return runtime.status();

  const std::string name = ModelResourceName(spec);
  const std::string sha256 = Sha256Hex(artifact);
  const std::string spec_bytes = spec.SerializeAsString();
  absl::StatusOr<v1::Model> stored;
  absl::Status status = pool_->RunTransaction([&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_params(
        absl::StrCat("INSERT INTO inference.models (project, model_id, spec, artifact, "
                     "artifact_sha256) VALUES ($1, $2, $3, $4, $5) RETURNING ",
                     kModelColumns),
        spec.project(), spec.model_id(),
        pqxx::binarystring(spec_bytes.data(), spec_bytes.size()),
        pqxx::binarystring(artifact.data(), artifact.size()), sha256);
    stored = ModelFromRow(rows[0]);
    return stored.status();
  });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat("model ", name, " already exists"));
  }
  if (!status.ok()) return status;

  auto hosted = std::make_shared<HostedModel>();
  hosted->model = *stored;
  hosted->runtime = std::shared_ptr<const ModelRuntime>(std::move(*runtime));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cache_[name] = hosted;
  }
  spdlog::info("registered model {} (kind {}, {} artifact bytes)", name,
               v1::ModelKind_Name(spec.kind()), artifact.size());
  return *stored;
}

absl::StatusOr<std::shared_ptr<const HostedModel>> ModelRegistry::Get(const std::string& name) {
  std::shared_ptr<const HostedModel> cached;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(name);
    if (it != cache_.end()) cached = it->second;
  }
  if (cached != nullptr) {
    absl::StatusOr<bool> current = IsStillRegistered(*cached);
    if (!current.ok()) return current.status();
    if (*current) return cached;

    spdlog::info("model {} was deleted or registered again; dropping the cached runtime", name);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(name);
    if (it != cache_.end() && it->second == cached) cache_.erase(it);
  }

  auto loaded = Load(name);
  if (!loaded.ok()) return loaded.status();
  std::lock_guard<std::mutex> lock(mutex_);
  // Another thread may have loaded it meanwhile; keep the first.
  auto [it, inserted] = cache_.emplace(name, *loaded);
  return it->second;
}

absl::StatusOr<bool> ModelRegistry::IsStillRegistered(const HostedModel& hosted) {
  const v1::ModelSpec& spec = hosted.model.spec();
  bool same = false;
  absl::Status status = pool_->RunTransaction([&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_params(
        "SELECT artifact_sha256, "
        "(extract(epoch FROM create_time) * 1000000)::bigint AS create_micros "
        "FROM inference.models WHERE project = $1 AND model_id = $2",
        spec.project(), spec.model_id());
    same = false;
    if (rows.empty()) return absl::OkStatus();
    v1::Model stored;
    SetTimestamp(rows[0]["create_micros"].as<int64_t>(), stored.mutable_create_time());
    same = rows[0]["artifact_sha256"].as<std::string>() == hosted.model.artifact_sha256() &&
           stored.create_time().seconds() == hosted.model.create_time().seconds() &&
           stored.create_time().nanos() == hosted.model.create_time().nanos();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return same;
}

absl::StatusOr<std::shared_ptr<const HostedModel>> ModelRegistry::Load(const std::string& name) {
  std::string project;
  std::string model_id;
  if (absl::Status status = ParseModelName(name, "model name", &project, &model_id);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<v1::Model> model = absl::NotFoundError(absl::StrCat("model ", name, " not found"));
  std::string artifact;
  absl::Status status = pool_->RunTransaction([&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_params(
        absl::StrCat("SELECT ", kModelColumns,
                     ", artifact FROM inference.models WHERE project = $1 AND model_id = $2"),
        project, model_id);
    if (rows.empty()) return absl::OkStatus();
    model = ModelFromRow(rows[0]);
    artifact = pqxx::binarystring(rows[0]["artifact"]).str();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!model.ok()) return model.status();

  // A stored artifact passed the same checks when it was registered. A
  // failure now (for example, an unreachable remote server) is returned as
  // is, and the next request tries again.
  auto runtime = BuildModelRuntime(model->spec(), artifact);
  if (!runtime.ok()) {
    spdlog::warn("cannot load model {}: {}", name, runtime.status().ToString());
    return runtime.status();
  }
  auto hosted = std::make_shared<HostedModel>();
  hosted->model = std::move(*model);
  hosted->runtime = std::shared_ptr<const ModelRuntime>(std::move(*runtime));
  spdlog::info("loaded model {} from the database", name);
  return std::shared_ptr<const HostedModel>(std::move(hosted));
}

absl::StatusOr<v1::Model> ModelRegistry::Describe(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second->model;
  }
  std::string project;
  std::string model_id;
  if (absl::Status status = ParseModelName(name, "name", &project, &model_id); !status.ok()) {
    return status;
  }
  absl::StatusOr<v1::Model> model = absl::NotFoundError(absl::StrCat("model ", name, " not found"));
  absl::Status status = pool_->RunTransaction([&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_params(
        absl::StrCat("SELECT ", kModelColumns,
                     " FROM inference.models WHERE project = $1 AND model_id = $2"),
        project, model_id);
    if (!rows.empty()) model = ModelFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return model;
}

absl::StatusOr<v1::ListModelsResponse> ModelRegistry::List(const std::string& project,
                                                           int page_size,
                                                           const std::string& page_token) {
  if (project.rfind("projects/", 0) != 0 || project.size() <= 9 ||
      project.find('/', 9) != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("project '", project, "' is not of the form projects/{project}"));
  }
  if (page_size < 0) return absl::InvalidArgumentError("page_size must not be negative");
  if (page_size == 0) page_size = 50;
  page_size = std::min(page_size, 1000);
  int64_t offset = 0;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &offset) || offset < 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token '", page_token, "' is not from a ListModels response"));
  }

  v1::ListModelsResponse response;
  absl::Status status = pool_->RunTransaction([&](pqxx::work& txn) {
    response.Clear();
    pqxx::result rows = txn.exec_params(
        absl::StrCat("SELECT ", kModelColumns,
                     " FROM inference.models WHERE project = $1 "
                     "ORDER BY create_time DESC, model_id LIMIT $2 OFFSET $3"),
        project, page_size + 1, offset);
    for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(page_size); ++i) {
      auto model = ModelFromRow(rows[i]);
      if (!model.ok()) return model.status();
      *response.add_models() = std::move(*model);
    }
    if (rows.size() > static_cast<size_t>(page_size)) {
      response.set_next_page_token(absl::StrCat(offset + page_size));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::Status ModelRegistry::Delete(const std::string& name) {
  std::string project;
  std::string model_id;
  if (absl::Status status = ParseModelName(name, "name", &project, &model_id); !status.ok()) {
    return status;
  }
  bool deleted = false;
  absl::Status status = pool_->RunTransaction([&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_params(
        "DELETE FROM inference.models WHERE project = $1 AND model_id = $2 RETURNING model_id",
        project, model_id);
    deleted = !rows.empty();
    txn.exec_params("DELETE FROM inference.prediction_sets WHERE model = $1", name);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cache_.erase(name);
  }
  if (!deleted) return absl::NotFoundError(absl::StrCat("model ", name, " not found"));
  spdlog::info("deleted model {}", name);
  return absl::OkStatus();
}

}  // namespace goalpost::inference

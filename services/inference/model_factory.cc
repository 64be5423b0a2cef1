#include "services/inference/model_factory.h"

#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/inference/kserve_v2_model.h"
#include "services/inference/tfidf_logistic_regression.h"
#include "services/inference/xgboost_model.h"

namespace goalpost::inference {
namespace {

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) return false;
  }
  return true;
}

absl::Status ValidateFeatures(const v1::ModelSpec& spec) {
  if (spec.features_size() == 0) {
    return absl::InvalidArgumentError(
        "spec.features is empty; a tabular model needs its features in the model's order");
  }
  std::set<std::string> names;
  for (int i = 0; i < spec.features_size(); ++i) {
    const v1::Feature& feature = spec.features(i);
    if (feature.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("spec.features[", i, "].name is empty"));
    }
    if (!names.insert(feature.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.features[", i, "].name '", feature.name(), "' is repeated"));
    }
    if (feature.type() == v1::FEATURE_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec.features[", i, "].type is unspecified; use NUMERIC or CATEGORICAL"));
    }
    if (feature.type() == v1::FEATURE_TYPE_CATEGORICAL && feature.categories_size() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec.features[", i, "].categories is empty; list the levels in code order"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateInputs(const v1::ModelSpec& spec) {
  switch (spec.kind()) {
    case v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION:
      if (spec.text_column().empty()) {
        return absl::InvalidArgumentError("spec.text_column is empty; a text model needs it");
      }
      if (spec.features_size() > 0) {
        return absl::InvalidArgumentError("spec.features must be empty for a text model");
      }
      return absl::OkStatus();
    case v1::MODEL_KIND_XGBOOST:
      return ValidateFeatures(spec);
    case v1::MODEL_KIND_KSERVE_V2:
      if (spec.text_column().empty() == (spec.features_size() == 0)) {
        return absl::InvalidArgumentError(
            "a kserve_v2 model needs exactly one of spec.text_column and spec.features");
      }
      return spec.features_size() > 0 ? ValidateFeatures(spec) : absl::OkStatus();
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "spec.kind ", static_cast<int>(spec.kind()),
          " is unknown; use TFIDF_LOGISTIC_REGRESSION, XGBOOST or KSERVE_V2"));
  }
}

}  // namespace

absl::Status ValidateModelSpec(const v1::ModelSpec& spec) {
  std::vector<std::string> project_parts = absl::StrSplit(spec.project(), '/');
  if (project_parts.size() != 2 || project_parts[0] != "projects" || project_parts[1].empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.project '", spec.project(), "' is not of the form projects/{project}"));
  }
  if (!IsValidId(spec.model_id())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.model_id '", spec.model_id(),
        "' is invalid; use 1 to 63 letters, digits, '-', '_' or '.'"));
  }
  if (spec.class_names_size() < 2) {
    return absl::InvalidArgumentError("spec.class_names needs at least two class names");
  }
  std::set<std::string> classes;
  for (const std::string& name : spec.class_names()) {
    if (name.empty() || !classes.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec.class_names has an empty or repeated name '", name, "'"));
    }
  }
  return ValidateInputs(spec);
}

absl::StatusOr<std::unique_ptr<ModelRuntime>> BuildModelRuntime(const v1::ModelSpec& spec,
                                                                absl::string_view artifact) {
  const std::vector<std::string> class_names(spec.class_names().begin(),
                                             spec.class_names().end());
  switch (spec.kind()) {
    case v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION: {
      auto model = TfidfLogisticRegression::FromJson(std::string_view(artifact.data(), artifact.size()), class_names);
      if (!model.ok()) return model.status();
      return std::unique_ptr<ModelRuntime>(std::move(*model));
    }
    case v1::MODEL_KIND_XGBOOST: {
      std::vector<TabularFeature> features;
      for (const v1::Feature& feature : spec.features()) {
        features.push_back({feature.name(), feature.type() == v1::FEATURE_TYPE_CATEGORICAL});
      }
      auto model = XgboostModel::FromJson(std::string_view(artifact.data(), artifact.size()), class_names, features);
      if (!model.ok()) return model.status();
      return std::unique_ptr<ModelRuntime>(std::move(*model));
    }
    case v1::MODEL_KIND_KSERVE_V2: {
      if (!artifact.empty()) {
        return absl::InvalidArgumentError(
            "a kserve_v2 model takes no artifact; send only the spec");
      }
      auto model = KserveV2Model::Connect(spec);
      if (!model.ok()) return model.status();
      return std::unique_ptr<ModelRuntime>(std::move(*model));
    }
    default:
      return ValidateInputs(spec);
  }
}

std::string ModelResourceName(const v1::ModelSpec& spec) {
  return absl::StrCat(spec.project(), "/models/", spec.model_id());
}

absl::Status ParseModelName(absl::string_view name, absl::string_view field, std::string* project,
                            std::string* model_id) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "projects" || parts[1].empty() || parts[2] != "models" ||
      !IsValidId(parts[3])) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " '", name, "' is not of the form projects/{project}/models/{model}"));
  }
  *project = absl::StrCat("projects/", parts[1]);
  *model_id = std::string(parts[3]);
  return absl::OkStatus();
}

}  // namespace goalpost::inference

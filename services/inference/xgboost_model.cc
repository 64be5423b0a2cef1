#include "services/inference/xgboost_model.h"

#include <cmath>
#include <cstdint>
#include <utility>

#include <nlohmann/json.hpp>
#include <xgboost/c_api.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace goalpost::inference {
namespace {

using nlohmann::json;

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("invalid xgboost artifact: ", what));
}

// XGBoost writes its learner parameters as strings ("0", "13").
int64_t ParameterAsInteger(const json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) return std::stoll(value.get<std::string>());
  throw std::invalid_argument("not an integer");
}

absl::Status CheckShapes(const json& learner, const std::vector<std::string>& class_names,
                         const std::vector<TabularFeature>& features, int* class_count) {
  const std::string objective = learner.at("objective").at("name").get<std::string>();
  const json& parameters = learner.at("learner_model_param");
  const int64_t num_class = ParameterAsInteger(parameters.at("num_class"));
  const int64_t num_feature = ParameterAsInteger(parameters.at("num_feature"));

  if (objective == "binary:logistic") {
    *class_count = 2;
  } else if (objective == "multi:softprob") {
    *class_count = static_cast<int>(num_class);
  } else {
    return Invalid(absl::StrCat("objective '", objective,
                                "' is not supported; use binary:logistic or multi:softprob"));
  }
  if (static_cast<size_t>(*class_count) != class_names.size()) {
    return Invalid(absl::StrCat("the model has ", *class_count, " classes (objective ",
                                objective, ", num_class ", num_class, ") but the spec names ",
                                class_names.size()));
  }
  if (static_cast<size_t>(num_feature) != features.size()) {
    return Invalid(absl::StrCat("the model has ", num_feature, " features but the spec lists ",
                                features.size()));
  }

  // feature_types is "c" for categorical and "float"/"int"/"q" otherwise;
  // models trained without names or types leave it out.
  if (learner.contains("feature_types")) {
    const json& types = learner["feature_types"];
    for (size_t i = 0; i < types.size() && i < features.size(); ++i) {
      const bool categorical = types[i] == "c";
      if (categorical != features[i].categorical) {
        return Invalid(absl::StrCat("feature ", i, " ('", features[i].name, "') is ",
                                    categorical ? "categorical" : "numeric",
                                    " in the model but not in the spec"));
      }
    }
  }
  return absl::OkStatus();
}

// XGBoost writes NaN (and Infinity) as bare words, which strict JSON parsers
// reject. This copy replaces them with null outside strings, only for the
// checks below; libxgboost reads the original bytes.
std::string ReplaceNonFiniteLiterals(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view word : {"-Infinity", "Infinity", "-NaN", "NaN"}) {
      if (text.compare(i, word.size(), word) == 0) {
        out += "null";
        i += word.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

absl::StatusOr<void*> LoadBooster(const std::string& artifact) {
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0) {
    return absl::InternalError(absl::StrCat("XGBoosterCreate failed: ", XGBGetLastError()));
  }
  if (XGBoosterLoadModelFromBuffer(booster, artifact.data(), artifact.size()) != 0) {
    std::string message = XGBGetLastError();
    XGBoosterFree(booster);
    return Invalid(absl::StrCat("libxgboost cannot load it: ", message));
  }
  // Parallelism comes from the callers' threads, one booster each.
  XGBoosterSetParam(booster, "nthread", "1");
  return booster;
}

}  // namespace

absl::StatusOr<std::unique_ptr<XgboostModel>> XgboostModel::FromJson(
    std::string_view artifact_text, const std::vector<std::string>& class_names,
    const std::vector<TabularFeature>& features) {
  json artifact = json::parse(ReplaceNonFiniteLiterals(artifact_text), nullptr,
                              /*allow_exceptions=*/false);
  if (artifact.is_discarded() || !artifact.is_object()) return Invalid("not a JSON object");

  auto model = std::unique_ptr<XgboostModel>(new XgboostModel());
  try {
    absl::Status shapes = CheckShapes(artifact.at("learner"), class_names, features,
                                      &model->class_count_);
    if (!shapes.ok()) return shapes;
  } catch (const std::exception& error) {
    return Invalid(absl::StrCat("missing or malformed learner parameters: ", error.what()));
  }
  model->feature_count_ = static_cast<int>(features.size());
  model->artifact_.assign(artifact_text.data(), artifact_text.size());

  // Loading once here proves that libxgboost accepts the artifact before it
  // is registered; the booster is kept for the first prediction.
  auto booster = LoadBooster(model->artifact_);
  if (!booster.ok()) return booster.status();
  model->all_boosters_.push_back(*booster);
  model->idle_boosters_.push_back(*booster);
  return model;
}

XgboostModel::~XgboostModel() {
  for (BoosterHandle booster : all_boosters_) XGBoosterFree(booster);
}

absl::StatusOr<XgboostModel::BoosterHandle> XgboostModel::AcquireBooster() const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_boosters_.empty()) {
      BoosterHandle booster = idle_boosters_.back();
      idle_boosters_.pop_back();
      return booster;
    }
  }
  auto booster = LoadBooster(artifact_);
  if (!booster.ok()) return booster.status();
  std::lock_guard<std::mutex> lock(mutex_);
  all_boosters_.push_back(*booster);
  return *booster;
}

void XgboostModel::ReleaseBooster(BoosterHandle booster) const {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_boosters_.push_back(booster);
}

absl::StatusOr<ClassProbabilities> XgboostModel::PredictTabular(
    absl::Span<const double> values) const {
  if (values.size() % feature_count_ != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("tabular values hold ", values.size(), " numbers, not a multiple of the ",
                     feature_count_, " features"));
  }
  const size_t rows = values.size() / feature_count_;
  ClassProbabilities result;
  result.class_count = class_count_;
  if (rows == 0) return result;

  // XGBoost computes in float32; python3-xgboost passes float32 as well.
  std::vector<float> matrix(values.begin(), values.end());
  const std::string array_interface = absl::StrCat(
      R"({"data":[)", reinterpret_cast<uintptr_t>(matrix.data()), R"(,true],"shape":[)", rows,
      ",", feature_count_, R"(],"typestr":"<f4","version":3})");
  const char* config =
      R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";

  auto booster = AcquireBooster();
  if (!booster.ok()) return booster.status();
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* output = nullptr;
  const int failed = XGBoosterPredictFromDense(*booster, array_interface.c_str(), config, nullptr,
                                               &shape, &dimensions, &output);
  if (failed != 0) {
    std::string message = XGBGetLastError();
    ReleaseBooster(*booster);
    return absl::InternalError(absl::StrCat("XGBoosterPredictFromDense failed: ", message));
  }

  // binary:logistic returns P(class 1) per row; the complement is taken in
  // float32, as XGBClassifier.predict_proba does.
  result.probabilities.resize(rows * class_count_);
  if (class_count_ == 2 && dimensions == 1) {
    for (size_t row = 0; row < rows; ++row) {
      result.probabilities[2 * row] = static_cast<double>(1.0f - output[row]);
      result.probabilities[2 * row + 1] = static_cast<double>(output[row]);
    }
  } else {
    for (size_t i = 0; i < rows * class_count_; ++i) result.probabilities[i] = output[i];
  }
  ReleaseBooster(*booster);
  SetPredictedClasses(result);
  return result;
}

}  // namespace goalpost::inference

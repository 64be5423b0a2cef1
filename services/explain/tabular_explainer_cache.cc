#include "services/explain/tabular_explainer_cache.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"

namespace goalpost::explain {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Explainers kept in memory; each takes a few hundred bytes per feature.
constexpr size_t kMaxCachedExplainers = 64;

double CategoryCode(const inference::v1::Feature& feature, const std::string& value) {
  for (int i = 0; i < feature.categories_size(); ++i) {
    if (feature.categories(i) == value) return i;
  }
  return kNaN;
}

const datasets::v1::Column* FindColumn(const datasets::v1::Dataset& dataset, const std::string& name) {
  for (const auto& column : dataset.columns()) {
    if (column.name() == name) return &column;
  }
  return nullptr;
}

absl::StatusOr<TabularFeature> FeatureWithQuartiles(const inference::v1::Feature& spec,
                                                    const datasets::v1::Dataset& training) {
  TabularFeature feature;
  feature.name = spec.name();
  feature.categorical = spec.type() == inference::v1::FEATURE_TYPE_CATEGORICAL;
  feature.categories.assign(spec.categories().begin(), spec.categories().end());

  const datasets::v1::Column* column = FindColumn(training, spec.name());
  if (column == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("training set ", training.name(),
                                                      " has no column ", spec.name(),
                                                      ", which the model needs"));
  }
  const bool is_double = column->type() == datasets::v1::COLUMN_TYPE_DOUBLE;
  if (feature.categorical == is_double) {
    return absl::FailedPreconditionError(absl::StrCat(
        "column ", spec.name(), " of training set ", training.name(), " is ",
        is_double ? "numeric" : "not numeric", " but the model's feature is ",
        feature.categorical ? "categorical" : "numeric"));
  }
  if (!feature.categorical) {
    const datasets::v1::NumericStatistics& statistics = column->statistics().numeric();
    feature.quartile_1 = statistics.quartile_1();
    feature.median = statistics.median();
    feature.quartile_3 = statistics.quartile_3();
  }
  return feature;
}

std::vector<double> ColumnValues(const datasets::v1::ColumnData& column,
                                 const inference::v1::Feature& spec) {
  if (spec.type() != inference::v1::FEATURE_TYPE_CATEGORICAL) {
    return std::vector<double>(column.doubles().begin(), column.doubles().end());
  }
  std::vector<double> codes;
  codes.reserve(column.strings_size());
  for (const std::string& value : column.strings()) codes.push_back(CategoryCode(spec, value));
  for (int missing : column.missing_rows()) {
    if (missing < static_cast<int>(codes.size())) codes[missing] = kNaN;
  }
  return codes;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const TabularExplainer>> TabularExplainerCache::Get(
    const inference::v1::Model& model, const std::string& training_dataset) {
  const std::string key = absl::StrCat(model.name(), "@", model.artifact_sha256(), "|", training_dataset);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = explainers_.find(key);
    if (found != explainers_.end()) return found->second;
  }

  absl::StatusOr<std::shared_ptr<const TabularExplainer>> explainer = Build(model, training_dataset);
  if (!explainer.ok()) return explainer.status();
  std::lock_guard<std::mutex> lock(mutex_);
  if (explainers_.size() >= kMaxCachedExplainers) explainers_.clear();
  explainers_[key] = *explainer;
  return explainer;
}

absl::StatusOr<std::shared_ptr<const TabularExplainer>> TabularExplainerCache::Build(
    const inference::v1::Model& model, const std::string& training_dataset) const {
  absl::StatusOr<datasets::v1::Dataset> training = datasets_->GetDataset(training_dataset);
  if (!training.ok()) return training.status();

  std::vector<TabularFeature> features;
  std::vector<std::string> names;
  for (const inference::v1::Feature& spec : model.spec().features()) {
    absl::StatusOr<TabularFeature> feature = FeatureWithQuartiles(spec, *training);
    if (!feature.ok()) return feature.status();
    features.push_back(*std::move(feature));
    names.push_back(spec.name());
  }

  absl::StatusOr<std::vector<datasets::v1::ColumnData>> columns =
      datasets_->ReadColumns(training_dataset, names);
  if (!columns.ok()) return columns.status();
  std::vector<std::vector<double>> values;
  for (int f = 0; f < model.spec().features_size(); ++f) {
    values.push_back(ColumnValues((*columns)[f], model.spec().features(f)));
  }

  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(std::move(features), values);
  if (!explainer.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("training set ", training_dataset,
                                                      " cannot drive explanations: ",
                                                      explainer.status().message()));
  }
  return std::make_shared<const TabularExplainer>(*std::move(explainer));
}

absl::StatusOr<std::vector<double>> TabularRowValues(const datasets::v1::Row& row,
                                                     const inference::v1::Model& model) {
  std::vector<double> values;
  for (const inference::v1::Feature& feature : model.spec().features()) {
    const datasets::v1::Cell* cell = nullptr;
    for (const auto& candidate : row.cells()) {
      if (candidate.column() == feature.name()) cell = &candidate;
    }
    if (cell == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "row ", row.row_id(), " has no column ", feature.name(), ", which the model needs"));
    }
    if (cell->missing()) {
      values.push_back(kNaN);
    } else if (feature.type() == inference::v1::FEATURE_TYPE_CATEGORICAL) {
      values.push_back(CategoryCode(feature, cell->string_value()));
    } else {
      values.push_back(cell->double_value());
    }
  }
  return values;
}

}  // namespace goalpost::explain

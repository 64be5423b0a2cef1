#include "services/explain/lime/tabular_explainer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/explain/lime/local_model.h"
#include "services/explain/lime/random.h"

namespace goalpost::explain {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// lime adds this to every bin's standard deviation so that a bin holding a
// single value still divides.
constexpr double kStandardDeviationFloor = 0.00000000001;

std::vector<double> CumulativeCounts(const std::vector<double>& counts) {
  std::vector<double> cumulative(counts.size());
  double sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) cumulative[i] = sum += counts[i];
  return cumulative;
}

std::string MissingCondition(const std::string& name) { return absl::StrCat(name, " is missing"); }

}  // namespace

TabularExplainer::FeatureLevels TabularExplainer::NumericLevels(TabularFeature feature,
                                                                 const std::vector<double>& values) {
  FeatureLevels result;
  result.edges = {feature.quartile_1, feature.median, feature.quartile_3};
  std::sort(result.edges.begin(), result.edges.end());
  result.edges.erase(std::unique(result.edges.begin(), result.edges.end()), result.edges.end());
  const std::vector<double>& edges = result.edges;
  const size_t bin_count = edges.size() + 1;
  const std::string& name = feature.name;

  // Bin names as lime's discretizer writes them ('%.2f').
  result.levels.resize(bin_count + 1);
  result.levels[0].condition = absl::StrFormat("%s <= %.2f", name, edges[0]);
  for (size_t b = 1; b + 1 < bin_count; ++b) {
    result.levels[b].condition = absl::StrFormat("%.2f < %s <= %.2f", edges[b - 1], name, edges[b]);
  }
  result.levels[bin_count - 1].condition = absl::StrFormat("%s > %.2f", name, edges.back());
  result.levels[bin_count].condition = MissingCondition(name);

  // Per bin: count, mean and population standard deviation of the training
  // values, and the bounds [minimum or lower edge, upper edge or maximum].
  std::vector<std::vector<double>> members(bin_count);
  double minimum = std::numeric_limits<double>::infinity();
  double maximum = -minimum;
  for (double value : values) {
    if (std::isnan(value)) {
      result.levels[bin_count].training_count += 1;
      continue;
    }
    const size_t bin = std::lower_bound(edges.begin(), edges.end(), value) - edges.begin();
    members[bin].push_back(value);
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
  }
  for (size_t b = 0; b < bin_count; ++b) {
    Level& level = result.levels[b];
    level.training_count = static_cast<double>(members[b].size());
    if (!members[b].empty()) {
      double sum = 0;
      for (double value : members[b]) sum += value;
      level.mean = sum / members[b].size();
      double squares = 0;
      for (double value : members[b]) squares += (value - level.mean) * (value - level.mean);
      level.standard_deviation = std::sqrt(squares / members[b].size());
    }
    level.standard_deviation += kStandardDeviationFloor;
    level.lower = b == 0 ? minimum : edges[b - 1];
    level.upper = b + 1 == bin_count ? maximum : edges[b];
  }

  std::vector<double> counts;
  for (const Level& level : result.levels) counts.push_back(level.training_count);
  result.cumulative_counts = CumulativeCounts(counts);
  result.feature = std::move(feature);
  return result;
}

TabularExplainer::FeatureLevels TabularExplainer::CategoricalLevels(TabularFeature feature,
                                                                     const std::vector<double>& values) {
  FeatureLevels result;
  const size_t category_count = feature.categories.size();
  result.levels.resize(category_count + 1);
  for (size_t c = 0; c < category_count; ++c) {
    result.levels[c].condition = absl::StrCat(feature.name, "=", feature.categories[c]);
  }
  result.levels[category_count].condition = MissingCondition(feature.name);
  result.feature = std::move(feature);

  for (double value : values) result.levels[LevelOf(result, value)].training_count += 1;
  std::vector<double> counts;
  for (const Level& level : result.levels) counts.push_back(level.training_count);
  result.cumulative_counts = CumulativeCounts(counts);
  return result;
}

absl::StatusOr<TabularExplainer> TabularExplainer::Create(
    std::vector<TabularFeature> features, const std::vector<std::vector<double>>& training_columns) {
  if (features.empty()) return absl::InvalidArgumentError("the model has no features to explain");
  if (training_columns.size() != features.size()) {
    return absl::InvalidArgumentError(absl::StrCat("the training set has ", training_columns.size(),
                                                   " feature columns; the model has ",
                                                   features.size(), " features"));
  }

  std::vector<FeatureLevels> levels;
  for (size_t f = 0; f < features.size(); ++f) {
    if (training_columns[f].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("training column ", features[f].name, " has no rows"));
    }
    const TabularFeature& feature = features[f];
    if (!feature.categorical && !(std::isfinite(feature.quartile_1) && std::isfinite(feature.median) &&
                                  std::isfinite(feature.quartile_3))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the quartiles of numeric feature ", feature.name,
          " are not finite numbers; the training set needs non-missing values there"));
    }
    if (features[f].categorical) {
      levels.push_back(CategoricalLevels(std::move(features[f]), training_columns[f]));
    } else {
      levels.push_back(NumericLevels(std::move(features[f]), training_columns[f]));
    }
  }
  return TabularExplainer(std::move(levels));
}

int TabularExplainer::LevelOf(const FeatureLevels& feature, double value) {
  const int missing = static_cast<int>(feature.levels.size()) - 1;
  if (std::isnan(value)) return missing;
  if (!feature.feature.categorical) {
    // numpy.searchsorted(edges, value), side "left".
    return static_cast<int>(std::lower_bound(feature.edges.begin(), feature.edges.end(), value) -
                            feature.edges.begin());
  }
  if (value < 0 || value >= missing || value != std::floor(value)) return missing;
  return static_cast<int>(value);
}

double TabularExplainer::ValueInLevel(const FeatureLevels& feature, int level, Random& random) {
  const int missing = static_cast<int>(feature.levels.size()) - 1;
  if (level == missing) return kNaN;
  if (feature.feature.categorical) return level;

  const Level& bin = feature.levels[level];
  const double lower = (bin.lower - bin.mean) / bin.standard_deviation;
  const double upper = (bin.upper - bin.mean) / bin.standard_deviation;
  // NOTE: lime returns the standardised bound itself when a bin's bounds
  // coincide; the value they both name (the bin's mean) is returned here.
  if (lower == upper) return bin.mean;
  return bin.mean + bin.standard_deviation * random.TruncatedNormal(lower, upper);
}

std::string TabularExplainer::ValueText(const FeatureLevels& feature, double value) {
  const int level = LevelOf(feature, value);
  if (level == static_cast<int>(feature.levels.size()) - 1) return "missing";
  if (feature.feature.categorical) return feature.feature.categories[level];
  return absl::StrFormat("%.2f", value);
}

absl::StatusOr<LimeExplanation> TabularExplainer::Explain(const std::vector<double>& row,
                                                          const TabularClassifier& classifier,
                                                          const LimeOptions& options) const {
  if (absl::Status status = ValidateLimeOptions(options); !status.ok()) return status;
  const int feature_count = static_cast<int>(features_.size());
  if (static_cast<int>(row.size()) != feature_count) {
    return absl::InvalidArgumentError(absl::StrCat("the row has ", row.size(), " values; the model has ",
                                                   feature_count, " features"));
  }
  const int num_samples = options.num_samples;
  Random random(options.seed);

  // As lime: every feature's level for every sample (the first sample's draw
  // is replaced by the row), then the numeric values inside the levels.
  Eigen::MatrixXd binary(num_samples, feature_count);
  Eigen::MatrixXi levels(num_samples, feature_count);
  std::vector<int> row_levels(feature_count);
  for (int f = 0; f < feature_count; ++f) {
    row_levels[f] = LevelOf(features_[f], row[f]);
    for (int i = 0; i < num_samples; ++i) {
      levels(i, f) = random.ChooseWeighted(features_[f].cumulative_counts);
      binary(i, f) = levels(i, f) == row_levels[f] ? 1 : 0;
    }
    binary(0, f) = 1;
  }
  Eigen::MatrixXd samples(num_samples, feature_count);
  for (int f = 0; f < feature_count; ++f) {
    samples(0, f) = row[f];
    for (int i = 1; i < num_samples; ++i) samples(i, f) = ValueInLevel(features_[f], levels(i, f), random);
  }

  absl::StatusOr<Eigen::MatrixXd> probabilities = classifier(samples);
  if (!probabilities.ok()) return probabilities.status();
  absl::StatusOr<int> class_index = ResolveClassIndex(*probabilities, num_samples, options);
  if (!class_index.ok()) return class_index.status();

  // Euclidean distance of a binary sample to the all-ones row.
  const Eigen::VectorXd distances = (feature_count - binary.rowwise().sum().array()).sqrt();
  const double kernel_width =
      options.kernel_width > 0 ? options.kernel_width : 0.75 * std::sqrt(double(feature_count));
  const LocalModel model = FitLocalModel(binary, probabilities->col(*class_index),
                                         KernelWeights(distances, kernel_width),
                                         options.num_features, options.feature_selection);

  LimeExplanation explanation;
  explanation.class_index = *class_index;
  for (const auto& [f, weight] : model.feature_weights) {
    explanation.features.push_back({features_[f].levels[row_levels[f]].condition, weight,
                                    ValueText(features_[f], row[f])});
  }
  explanation.intercept = model.intercept;
  explanation.local_prediction = model.local_prediction;
  explanation.score = model.score;
  explanation.class_probabilities = probabilities->row(0).transpose();
  explanation.model_probability = (*probabilities)(0, *class_index);
  return explanation;
}

}  // namespace goalpost::explain

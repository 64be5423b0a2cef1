#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_TABULAR_EXPLAINER_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_TABULAR_EXPLAINER_H_

#include <functional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"
#include "services/explain/lime/explanation.h"

namespace goalpost::explain {

class Random;

// A tabular classifier: class probabilities, rows x classes, for a batch of
// rows (rows x features in the model's feature order; a categorical feature
// carries its category code, a missing value is NaN). It is called once per
// explanation with every sample.
using TabularClassifier =
    std::function<absl::StatusOr<Eigen::MatrixXd>(const Eigen::MatrixXd& rows)>;

// One input feature of a tabular model.
struct TabularFeature {
  std::string name;
  bool categorical = false;
  // Categorical features: code i is categories[i].
  std::vector<std::string> categories;
  // Numeric features: the training set's 25th, 50th and 75th percentiles
  // (numpy's linear interpolation), the bin edges.
  double quartile_1 = 0;
  double median = 0;
  double quartile_3 = 0;
};

// LIME for tabular rows as the reference `lime` package's
// LimeTabularExplainer does with its defaults (discretize_continuous=True,
// the quartile discretizer): a numeric feature becomes its quartile bin; a
// sample draws every feature's bin (or category) independently with the
// training set's frequencies, and a numeric value inside the bin from a
// normal with the bin's training mean and standard deviation truncated to
// the bin; the regression sees 1 where a sample's bin equals the row's and 0
// elsewhere; distances are Euclidean on that binary representation; the
// kernel width defaults to 0.75 * sqrt(feature count).
//
// Missing values, which the reference package does not handle, form a bin
// of their own: a row with a missing value is explained with the condition
// "<feature> is missing", and samples carry NaN with the training set's
// frequency of missing values.
class TabularExplainer {
 public:
  // `training_columns` holds, per feature, the training set's values (the
  // model's encoding: numbers, category codes, NaN for missing).
  // INVALID_ARGUMENT when the columns do not match the features or a
  // feature has no values.
  static absl::StatusOr<TabularExplainer> Create(
      std::vector<TabularFeature> features, const std::vector<std::vector<double>>& training_columns);

  // Explains the classifier's prediction for `row` (one value per feature,
  // in the model's encoding). INVALID_ARGUMENT for a row of the wrong width,
  // invalid options or an unknown class; the classifier's errors unchanged.
  absl::StatusOr<LimeExplanation> Explain(const std::vector<double>& row,
                                          const TabularClassifier& classifier,
                                          const LimeOptions& options) const;

  int feature_count() const { return static_cast<int>(features_.size()); }

 private:
  // One bin of a numeric feature or one category; the last level of every
  // feature is "missing".
  struct Level {
    std::string condition;
    double training_count = 0;
    // Numeric bins: the training values' mean and standard deviation in the
    // bin, and the bin's bounds.
    double mean = 0;
    double standard_deviation = 0;
    double lower = 0;
    double upper = 0;
  };
  struct FeatureLevels {
    TabularFeature feature;
    // Numeric: the distinct quartiles.
    std::vector<double> edges;
    std::vector<Level> levels;
    // Running sum of training counts over the levels, for sampling.
    std::vector<double> cumulative_counts;
  };

  explicit TabularExplainer(std::vector<FeatureLevels> features) : features_(std::move(features)) {}

  static FeatureLevels NumericLevels(TabularFeature feature, const std::vector<double>& values);
  static FeatureLevels CategoricalLevels(TabularFeature feature, const std::vector<double>& values);
  static int LevelOf(const FeatureLevels& feature, double value);
  static double ValueInLevel(const FeatureLevels& feature, int level, Random& random);
  static std::string ValueText(const FeatureLevels& feature, double value);

  std::vector<FeatureLevels> features_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_TABULAR_EXPLAINER_H_

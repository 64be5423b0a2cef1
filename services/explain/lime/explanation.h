#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_EXPLANATION_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_EXPLANATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/explain/lime/local_model.h"

namespace goalpost::explain {

// Bounds of LimeOptions::num_samples.
inline constexpr int kMinNumSamples = 100;
inline constexpr int kMaxNumSamples = 100000;

// Parameters of one explanation; the defaults are the reference `lime`
// package's.
struct LimeOptions {
  // Perturbed samples, the row itself included; in [100, 100000].
  int num_samples = 5000;
  // Features in the explanation; at least 1.
  int num_features = 10;
  // The same seed, row and model give the same explanation bit for bit.
  uint64_t seed = 0;
  // Kernel width; 0 selects the default (25 for text, 0.75 * sqrt(feature
  // count) for tabular rows).
  double kernel_width = 0;
  FeatureSelection feature_selection = FeatureSelection::kAuto;
  // Class to explain, an index into the model's classes; -1 explains the
  // class the model predicts for the row (arg-max, lower index on ties).
  int class_index = -1;
};

// Returns INVALID_ARGUMENT naming the first option out of range.
absl::Status ValidateLimeOptions(const LimeOptions& options);

struct FeatureExplanation {
  // Text: the word. Tabular: the condition, e.g. "Age <= 28.00" or
  // "Home=owner".
  std::string feature;
  double weight = 0;
  // Tabular: the row's own value as text; empty for words.
  std::string value;
};

struct LimeExplanation {
  int class_index = 0;
  // Sorted by absolute weight, largest first.
  std::vector<FeatureExplanation> features;
  double intercept = 0;
  double local_prediction = 0;
  // Weighted R^2 of the surrogate on its samples.
  double score = 0;
  // The model's probability of class_index for the row.
  double model_probability = 0;
  // The model's probabilities of every class for the row.
  Eigen::VectorXd class_probabilities;
};

// Checks what a classifier callback returned for `rows` samples and
// resolves the class to explain; INVALID_ARGUMENT when options.class_index
// is not a class of the model, INTERNAL when the shape is wrong.
absl::StatusOr<int> ResolveClassIndex(const Eigen::MatrixXd& probabilities, int rows,
                                      const LimeOptions& options);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_EXPLANATION_H_

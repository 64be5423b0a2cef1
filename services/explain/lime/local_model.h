#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_LOCAL_MODEL_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_LOCAL_MODEL_H_

#include <utility>
#include <vector>

#include <Eigen/Dense>

namespace goalpost::explain {

// Feature selection methods of the surrogate model, as in lime_base.py of
// the reference `lime` package 0.2.0.1.
enum class FeatureSelection {
  // kForwardSelection when at most 6 features are asked for,
  // kHighestWeights above.
  kAuto,
  // Adds, one at a time, the feature whose unpenalised least-squares fit
  // (together with those already chosen) has the best weighted R^2.
  kForwardSelection,
  // Ridge fit with alpha 0.01 on every feature; the features with the
  // largest |coefficient x the row's own value| are kept.
  kHighestWeights,
  // Every feature; the requested feature count is ignored.
  kNone,
};

// The surrogate linear model around one row.
struct LocalModel {
  // (feature index, weight), sorted by absolute weight, largest first; ties
  // keep the order of selection.
  std::vector<std::pair<int, double>> feature_weights;
  double intercept = 0;
  // Weighted R^2 of the surrogate on the samples.
  double score = 0;
  // The surrogate's prediction for the row itself (the first sample).
  double local_prediction = 0;
};

// The kernel lime uses on distances: sqrt(exp(-d^2 / width^2)).
Eigen::VectorXd KernelWeights(const Eigen::VectorXd& distances, double kernel_width);

// Fits the surrogate as LimeBase.explain_instance_with_data does: selects
// features, then fits Ridge(alpha=1) with the kernel weights. `data` is the
// interpretable representation of the samples (row 0 is the explained row).
// `labels` is the model's probability of the explained class per sample.
LocalModel FitLocalModel(const Eigen::MatrixXd& data, const Eigen::VectorXd& labels,
                         const Eigen::VectorXd& weights, int num_features,
                         FeatureSelection feature_selection);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_LOCAL_MODEL_H_

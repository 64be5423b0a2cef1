#include "services/explain/lime/local_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "services/explain/lime/weighted_regression.h"

namespace goalpost::explain {
namespace {

// lime's forward selection keeps the first feature with the strictly best
// score, trying features in index order.
std::vector<int> ForwardSelection(const WeightedRegression& regression, int num_features) {
  const int column_count = regression.column_count();
  std::vector<int> used;
  std::vector<bool> is_used(column_count, false);
  const int rounds = std::min(num_features, column_count);
  for (int round = 0; round < rounds; ++round) {
    double best_score = -100000000;
    int best = 0;
    std::vector<int> candidate = used;
    candidate.push_back(0);
    for (int feature = 0; feature < column_count; ++feature) {
      if (is_used[feature]) continue;
      candidate.back() = feature;
      const RidgeFit fit = regression.Fit(candidate, /*alpha=*/0);
      const double score = regression.Score(candidate, fit);
      if (score > best_score) {
        best = feature;
        best_score = score;
      }
    }
    used.push_back(best);
    is_used[best] = true;
  }
  return used;
}

std::vector<int> HighestWeights(const WeightedRegression& regression, const Eigen::VectorXd& row,
                                int num_features) {
  std::vector<int> all(regression.column_count());
  std::iota(all.begin(), all.end(), 0);
  const RidgeFit fit = regression.Fit(all, /*alpha=*/0.01);

  // A stable sort, like Python's sorted(..., reverse=True), keeps index
  // order among equal magnitudes.
  std::stable_sort(all.begin(), all.end(), [&](int a, int b) {
    return std::abs(fit.coefficients(a) * row(a)) > std::abs(fit.coefficients(b) * row(b));
  });
  all.resize(std::min<size_t>(all.size(), std::max(num_features, 0)));
  return all;
}

std::vector<int> SelectFeatures(const WeightedRegression& regression, const Eigen::VectorXd& row,
                                int num_features, FeatureSelection feature_selection) {
  switch (feature_selection) {
    case FeatureSelection::kNone: {
      std::vector<int> all(regression.column_count());
      std::iota(all.begin(), all.end(), 0);
      return all;
    }
    case FeatureSelection::kForwardSelection:
      return ForwardSelection(regression, num_features);
    case FeatureSelection::kHighestWeights:
      return HighestWeights(regression, row, num_features);
    case FeatureSelection::kAuto:
      break;
  }
  if (num_features <= 6) return ForwardSelection(regression, num_features);
  return HighestWeights(regression, row, num_features);
}

}  // namespace

Eigen::VectorXd KernelWeights(const Eigen::VectorXd& distances, double kernel_width) {
  return (-(distances.array().square()) / (kernel_width * kernel_width)).exp().sqrt();
}

LocalModel FitLocalModel(const Eigen::MatrixXd& data, const Eigen::VectorXd& labels,
                         const Eigen::VectorXd& weights, int num_features,
                         FeatureSelection feature_selection) {
  const WeightedRegression regression(data, labels, weights);
  const Eigen::VectorXd row = data.row(0).transpose();
  const std::vector<int> used = SelectFeatures(regression, row, num_features, feature_selection);

  const RidgeFit fit = regression.Fit(used, /*alpha=*/1);
  LocalModel model;
  model.intercept = fit.intercept;
  model.score = regression.Score(used, fit);
  model.local_prediction = fit.intercept;
  for (size_t i = 0; i < used.size(); ++i) {
    model.local_prediction += fit.coefficients(i) * row(used[i]);
    model.feature_weights.emplace_back(used[i], fit.coefficients(i));
  }
  std::stable_sort(model.feature_weights.begin(), model.feature_weights.end(),
                   [](const auto& a, const auto& b) { return std::abs(a.second) > std::abs(b.second); });
  return model;
}

}  // namespace goalpost::explain

#include "services/explain/lime/weighted_regression.h"

#include <cmath>

namespace goalpost::explain {

WeightedRegression::WeightedRegression(const Eigen::MatrixXd& data,
                                       const Eigen::VectorXd& labels,
                                       const Eigen::VectorXd& weights) {
  const double weight_sum = weights.sum();
  means_ = data.transpose() * weights / weight_sum;
  label_mean_ = labels.dot(weights) / weight_sum;

  // Scaling the centred rows by sqrt(w) turns the weighted sums into plain
  // products, and only the lower triangle of the Gram matrix is computed.
  const Eigen::VectorXd root_weights = weights.cwiseSqrt();
  const Eigen::MatrixXd centered =
      (data.rowwise() - means_.transpose()).array().colwise() * root_weights.array();
  const Eigen::VectorXd centered_labels =
      (labels.array() - label_mean_) * root_weights.array();

  const Eigen::Index columns = data.cols();
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(columns, columns);
  lower.selfadjointView<Eigen::Lower>().rankUpdate(centered.transpose());
  gram_ = lower.selfadjointView<Eigen::Lower>();
  cross_ = centered.transpose() * centered_labels;
  label_sum_of_squares_ = centered_labels.squaredNorm();
}

RidgeFit WeightedRegression::Fit(const std::vector<int>& columns, double alpha) const {
  const Eigen::Index size = static_cast<Eigen::Index>(columns.size());
  Eigen::MatrixXd system(size, size);
  Eigen::VectorXd right_side(size);
  for (Eigen::Index i = 0; i < size; ++i) {
    right_side(i) = cross_(columns[i]);
    for (Eigen::Index j = 0; j < size; ++j) system(i, j) = gram_(columns[i], columns[j]);
    system(i, i) += alpha;
  }

  RidgeFit fit;
  Eigen::LLT<Eigen::MatrixXd> cholesky(system);
  if (cholesky.info() == Eigen::Success) {
    fit.coefficients = cholesky.solve(right_side);
  } else {
    fit.coefficients = system.completeOrthogonalDecomposition().solve(right_side);
  }

  fit.intercept = label_mean_;
  for (Eigen::Index i = 0; i < size; ++i) {
    fit.intercept -= means_(columns[i]) * fit.coefficients(i);
  }
  return fit;
}

double WeightedRegression::Score(const std::vector<int>& columns, const RidgeFit& fit) const {
  // The intercept absorbs the means, so the residuals are those of the
  // centred problem: RSS = yc'W yc - 2 c'(Xc'W yc) + c'(Xc'W Xc)c.
  const Eigen::Index size = static_cast<Eigen::Index>(columns.size());
  double residual_sum_of_squares = label_sum_of_squares_;
  for (Eigen::Index i = 0; i < size; ++i) {
    const double coefficient = fit.coefficients(i);
    residual_sum_of_squares -= 2 * coefficient * cross_(columns[i]);
    for (Eigen::Index j = 0; j < size; ++j) {
      residual_sum_of_squares += coefficient * gram_(columns[i], columns[j]) * fit.coefficients(j);
    }
  }
  residual_sum_of_squares = std::max(residual_sum_of_squares, 0.0);

  if (label_sum_of_squares_ == 0) return residual_sum_of_squares == 0 ? 1.0 : 0.0;
  return 1 - residual_sum_of_squares / label_sum_of_squares_;
}

}  // namespace goalpost::explain

#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_WEIGHTED_REGRESSION_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_WEIGHTED_REGRESSION_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace goalpost::explain {

// A linear model fitted on some columns of the data.
struct RidgeFit {
  // One per fitted column, in the order of the columns asked for.
  Eigen::VectorXd coefficients;
  double intercept = 0;
};

// Weighted ridge regression with an intercept, as scikit-learn 1.2's
// Ridge(alpha, fit_intercept=True).fit(X, y, sample_weight=w) computes it:
// X and y are centred on their weighted means, and the coefficients solve
// (Xc' W Xc + alpha I) c = Xc' W yc; the intercept is
// mean(y) - mean(X) . c. The weights are used as given (not normalised).
//
// The constructor computes the weighted means and the centred Gram matrix
// once, so fits on any subset of the columns (forward selection tries many)
// cost no further pass over the samples.
class WeightedRegression {
 public:
  // data: samples x columns; labels and weights: one per sample, weights
  // positive.
  WeightedRegression(const Eigen::MatrixXd& data, const Eigen::VectorXd& labels,
                     const Eigen::VectorXd& weights);

  int column_count() const { return static_cast<int>(means_.size()); }

  // Fits on `columns` (indices into the data's columns) with penalty
  // alpha >= 0. With alpha 0 a singular system falls back to the
  // minimum-norm least-squares solution, as scikit-learn does.
  RidgeFit Fit(const std::vector<int>& columns, double alpha) const;

  // Weighted R^2 of `fit` on the samples it was fitted on, as
  // sklearn.metrics.r2_score with sample_weight: 1 - RSS / TSS, and 1 or 0
  // when the labels are constant (as the fit is exact or not).
  double Score(const std::vector<int>& columns, const RidgeFit& fit) const;

 private:
  Eigen::VectorXd means_;
  double label_mean_ = 0;
  // Xc' W Xc and Xc' W yc and yc' W yc.
  Eigen::MatrixXd gram_;
  Eigen::VectorXd cross_;
  double label_sum_of_squares_ = 0;
};

namespace internal {

// The kernel of the Gram matrix of 0/1 data, exposed for tests: adds
// weights[w] * popcount(bits[w][i] & bits[w][j]) over every word w to
// gram(j, i) for j <= i (bits word-major, gram column-major). `use_avx2`
// picks the AVX2 loop, which needs a processor with AVX2, or the portable
// one; both give identical sums.
void AddWeightedCommonBits(bool use_avx2, const uint64_t* bits, const double* weights,
                           size_t words, size_t columns, double* gram);

}  // namespace internal

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_WEIGHTED_REGRESSION_H_

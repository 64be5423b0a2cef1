#include "services/explain/lime/weighted_regression.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace goalpost::explain {
namespace {

class WeightedRegressionTest : public ::testing::Test {
 protected:
  WeightedRegressionTest() : data_(6, 3), labels_(6), weights_(6) {
    data_ << 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0;
    labels_ << 0.9, 0.4, 0.7, 0.8, 0.2, 0.6;
    weights_ << 1.0, 0.8, 0.7, 0.9, 0.5, 0.6;
  }

  Eigen::MatrixXd data_;
  Eigen::VectorXd labels_;
  Eigen::VectorXd weights_;
};

// Expected values: scikit-learn 1.2.1,
// Ridge(alpha).fit(X, y, sample_weight=w) and .score(X, y, sample_weight=w).
TEST_F(WeightedRegressionTest, MatchesScikitLearnRidgeWithAlphaOne) {
  const WeightedRegression regression(data_, labels_, weights_);
  const std::vector<int> columns = {0, 1, 2};
  const RidgeFit fit = regression.Fit(columns, 1);

  EXPECT_NEAR(fit.coefficients(0), 0.21394216738072167, 1e-12);
  EXPECT_NEAR(fit.coefficients(1), 0.10109559776327619, 1e-12);
  EXPECT_NEAR(fit.coefficients(2), -0.011979197067510317, 1e-12);
  EXPECT_NEAR(fit.intercept, 0.4374143425829724, 1e-12);
  EXPECT_NEAR(regression.Score(columns, fit), 0.7052161930190962, 1e-12);
}

// The data repeated 20 times has 6 distinct weights for 120 samples, so the
// Gram matrix is counted with bitsets. Repeating every sample 20 times scales
// X'WX and X'Wy by 20, so alpha 20 gives the same fit as alpha 1 once.
TEST_F(WeightedRegressionTest, RepeatedBinarySamplesMatchScikitLearn) {
  const int copies = 20;
  Eigen::MatrixXd data(6 * copies, 3);
  Eigen::VectorXd labels(6 * copies);
  Eigen::VectorXd weights(6 * copies);
  for (int copy = 0; copy < copies; ++copy) {
    data.middleRows(copy * 6, 6) = data_;
    labels.segment(copy * 6, 6) = labels_;
    weights.segment(copy * 6, 6) = weights_;
  }
  const WeightedRegression regression(data, labels, weights);
  const std::vector<int> columns = {0, 1, 2};
  const RidgeFit fit = regression.Fit(columns, 1.0 * copies);

  EXPECT_NEAR(fit.coefficients(0), 0.21394216738072167, 1e-12);
  EXPECT_NEAR(fit.coefficients(1), 0.10109559776327619, 1e-12);
  EXPECT_NEAR(fit.coefficients(2), -0.011979197067510317, 1e-12);
  EXPECT_NEAR(fit.intercept, 0.4374143425829724, 1e-12);
  EXPECT_NEAR(regression.Score(columns, fit), 0.7052161930190962, 1e-12);
}

TEST_F(WeightedRegressionTest, MatchesScikitLearnRidgeWithSmallAlpha) {
  const WeightedRegression regression(data_, labels_, weights_);
  const std::vector<int> columns = {0, 1, 2};
  const RidgeFit fit = regression.Fit(columns, 0.01);

  EXPECT_NEAR(fit.coefficients(0), 0.49269441251408197, 1e-12);
  EXPECT_NEAR(fit.coefficients(1), 0.198031090137873, 1e-12);
  EXPECT_NEAR(fit.coefficients(2), 0.09587549051759293, 1e-12);
  EXPECT_NEAR(fit.intercept, 0.10912610333997819, 1e-12);
  EXPECT_NEAR(regression.Score(columns, fit), 0.9998149713904944, 1e-12);
}

TEST_F(WeightedRegressionTest, SubsetFitEqualsFitOnSubsetData) {
  const WeightedRegression all(data_, labels_, weights_);
  Eigen::MatrixXd subset(6, 2);
  subset << data_.col(2), data_.col(0);
  const WeightedRegression direct(subset, labels_, weights_);

  const RidgeFit from_all = all.Fit({2, 0}, 1);
  const RidgeFit from_subset = direct.Fit({0, 1}, 1);

  EXPECT_NEAR(from_all.coefficients(0), from_subset.coefficients(0), 1e-14);
  EXPECT_NEAR(from_all.coefficients(1), from_subset.coefficients(1), 1e-14);
  EXPECT_NEAR(from_all.intercept, from_subset.intercept, 1e-14);
}

TEST_F(WeightedRegressionTest, SingularSystemWithoutPenaltyStillFits) {
  // Column 1 duplicates column 0, so the unpenalised system is singular.
  Eigen::MatrixXd data(6, 2);
  data << data_.col(0), data_.col(0);
  const WeightedRegression regression(data, labels_, weights_);

  const RidgeFit fit = regression.Fit({0, 1}, 0);

  // The minimum-norm solution splits the weight evenly.
  EXPECT_NEAR(fit.coefficients(0), fit.coefficients(1), 1e-9);
  const RidgeFit single = regression.Fit({0}, 0);
  EXPECT_NEAR(fit.coefficients(0) + fit.coefficients(1), single.coefficients(0), 1e-9);
}

TEST_F(WeightedRegressionTest, ConstantLabelsScoreOne) {
  const Eigen::VectorXd labels = Eigen::VectorXd::Constant(6, 0.5);
  const WeightedRegression regression(data_, labels, weights_);
  const RidgeFit fit = regression.Fit({0, 1, 2}, 1);

  EXPECT_DOUBLE_EQ(regression.Score({0, 1, 2}, fit), 1.0);
  EXPECT_NEAR(fit.intercept, 0.5, 1e-15);
}

TEST(GramKernelTest, Avx2AndPortableLoopsAgree) {
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this processor has no AVX2";
  const size_t words = 7;
  const size_t columns = 13;
  std::mt19937_64 random(42);
  std::vector<uint64_t> bits(words * columns);
  for (uint64_t& word : bits) word = random();
  const std::vector<double> weights = {0.5, 0.25, 1.0 / 3, 0.9, 0.01, 0.7, 0.125};

  std::vector<double> portable(columns * columns, 0.0);
  std::vector<double> avx2(columns * columns, 0.0);
  internal::AddWeightedCommonBits(false, bits.data(), weights.data(), words, columns,
                                  portable.data());
  internal::AddWeightedCommonBits(true, bits.data(), weights.data(), words, columns, avx2.data());

  EXPECT_EQ(avx2, portable);
  double expected = 0;
  for (size_t w = 0; w < words; ++w) {
    expected += weights[w] * __builtin_popcountll(bits[w * columns + 12] & bits[w * columns + 3]);
  }
  EXPECT_EQ(portable[12 * columns + 3], expected);
}

}  // namespace
}  // namespace goalpost::explain

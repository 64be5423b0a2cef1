#include "services/explain/lime/weighted_regression.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

namespace goalpost::explain {

namespace {

// Samples with one weight, as a range of positions in a sample order.
struct WeightGroup {
  double weight = 0;
  size_t begin = 0;
  size_t end = 0;
};

// Sorts the samples by weight and returns the runs of equal weight.
std::vector<WeightGroup> GroupByWeight(const Eigen::VectorXd& weights, std::vector<Eigen::Index>& order) {
  order.resize(static_cast<size_t>(weights.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return weights(a) < weights(b); });
  std::vector<WeightGroup> groups;
  for (size_t i = 0; i < order.size(); ++i) {
    if (groups.empty() || weights(order[i]) != groups.back().weight) {
      if (!groups.empty()) groups.back().end = i;
      groups.push_back({weights(order[i]), i, i});
    }
  }
  if (!groups.empty()) groups.back().end = order.size();
  return groups;
}

// Adds weights[w] * popcount(bits[w][i] & bits[w][j]) over every word w to
// gram(j, i) for j <= i, where bits is word-major (words x columns) and gram
// column-major (columns x columns). Along j the additions go to different
// entries, so none waits on another. This clone is for processors with the
// popcnt instruction (x86-64 since 2008); the default clone counts bits in
// software.
__attribute__((target_clones("popcnt", "default"))) void AddWeightedCommonBits(
    const uint64_t* bits, const double* weights, size_t words, size_t columns, double* gram) {
  for (size_t w = 0; w < words; ++w) {
    const uint64_t* word_bits = bits + w * columns;
    const double weight = weights[w];
    for (size_t i = 0; i < columns; ++i) {
      const uint64_t a = word_bits[i];
      if (a == 0) continue;
      double* column = gram + i * columns;
      for (size_t j = 0; j <= i; ++j) column[j] += weight * __builtin_popcountll(a & word_bits[j]);
    }
  }
}

// AddWeightedCommonBits four columns at a time with AVX2: the bytes' bit
// counts come from a 16-entry table (two lookups per byte), and psadbw sums
// them per 64-bit lane. Every entry gets the same products in the same order
// as the scalar loop, so the results are identical.
__attribute__((target("avx2,popcnt"))) void AddWeightedCommonBitsAvx2(
    const uint64_t* bits, const double* weights, size_t words, size_t columns, double* gram) {
  const __m256i nibble_counts =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                       0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
  // Adding 2^52 as bits and subtracting it as a double turns a small integer
  // into a double exactly.
  const __m256i exponent_bits = _mm256_set1_epi64x(0x4330000000000000);
  const __m256d two_to_52 = _mm256_set1_pd(4503599627370496.0);
  for (size_t w = 0; w < words; ++w) {
    const uint64_t* word_bits = bits + w * columns;
    const __m256d weight = _mm256_set1_pd(weights[w]);
    for (size_t i = 0; i < columns; ++i) {
      const uint64_t a = word_bits[i];
      if (a == 0) continue;
      const __m256i broadcast = _mm256_set1_epi64x(static_cast<long long>(a));
      double* column = gram + i * columns;
      size_t j = 0;
      for (; j + 4 <= i + 1; j += 4) {
        const __m256i both = _mm256_and_si256(
            broadcast, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(word_bits + j)));
        const __m256i low = _mm256_shuffle_epi8(nibble_counts, _mm256_and_si256(both, low_nibbles));
        const __m256i high = _mm256_shuffle_epi8(
            nibble_counts, _mm256_and_si256(_mm256_srli_epi16(both, 4), low_nibbles));
        const __m256i counts =
            _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256());
        const __m256d as_double = _mm256_sub_pd(
            _mm256_castsi256_pd(_mm256_or_si256(counts, exponent_bits)), two_to_52);
        const __m256d sum =
            _mm256_add_pd(_mm256_loadu_pd(column + j), _mm256_mul_pd(weight, as_double));
        _mm256_storeu_pd(column + j, sum);
      }
      for (; j <= i; ++j) column[j] += weights[w] * __builtin_popcountll(a & word_bits[j]);
    }
  }
}

// Returns X' W X for data of zeros and ones whose weights take few distinct
// values, or nullopt for other data. Within a group of equal weight, a
// popcount of the AND of two columns' bitsets counts the samples that have
// both columns. A pair of columns then costs one word per 64 samples of a
// group instead of a multiply-add per sample. LIME's text
// samples are such data: 0/1 word presence, and a weight that depends only
// on how many words the sample keeps.
std::optional<Eigen::MatrixXd> BinaryWeightedGram(const Eigen::MatrixXd& data,
                                                  const Eigen::VectorXd& weights) {
  std::vector<Eigen::Index> order;
  const std::vector<WeightGroup> groups = GroupByWeight(weights, order);
  // Each group starts a new word, so a bitset word may be mostly empty. Past
  // about one group per 10 samples (an estimate) the dense product is cheaper.
  if (groups.size() * 10 > order.size()) return std::nullopt;

  // Word w of every column belongs to one group: word_weights[w].
  std::vector<double> word_weights;
  std::vector<size_t> group_first_word;
  for (const WeightGroup& group : groups) {
    group_first_word.push_back(word_weights.size());
    word_weights.resize(word_weights.size() + (group.end - group.begin + 63) / 64, group.weight);
  }
  const size_t words = word_weights.size();
  const Eigen::Index columns = data.cols();
  std::vector<uint64_t> bits(static_cast<size_t>(columns) * words, 0);
  for (Eigen::Index column = 0; column < columns; ++column) {
    for (size_t g = 0; g < groups.size(); ++g) {
      for (size_t i = groups[g].begin; i < groups[g].end; ++i) {
        const double value = data(order[i], column);
        if (value == 0.0) continue;
        if (value != 1.0) return std::nullopt;
        const size_t position = i - groups[g].begin;
        const size_t word = group_first_word[g] + position / 64;
        bits[word * columns + column] |= uint64_t{1} << (position % 64);
      }
    }
  }

  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(columns, columns);
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  internal::AddWeightedCommonBits(has_avx2, bits.data(), word_weights.data(), words,
                                  static_cast<size_t>(columns), gram.data());
  return gram.selfadjointView<Eigen::Upper>();
}

}  // namespace

namespace internal {

void AddWeightedCommonBits(bool use_avx2, const uint64_t* bits, const double* weights,
                           size_t words, size_t columns, double* gram) {
  if (use_avx2) {
    AddWeightedCommonBitsAvx2(bits, weights, words, columns, gram);
  } else {
    ::goalpost::explain::AddWeightedCommonBits(bits, weights, words, columns, gram);
  }
}

}  // namespace internal

WeightedRegression::WeightedRegression(const Eigen::MatrixXd& data,
                                       const Eigen::VectorXd& labels,
                                       const Eigen::VectorXd& weights) {
  const double weight_sum = weights.sum();
  means_ = data.transpose() * weights / weight_sum;
  label_mean_ = labels.dot(weights) / weight_sum;
  const Eigen::VectorXd centered_labels = labels.array() - label_mean_;
  const Eigen::VectorXd weighted_labels = weights.array() * centered_labels.array();
  label_sum_of_squares_ = weighted_labels.dot(centered_labels);

  // Xc' W Xc = X' W X - s m m', with s the weight sum and m the weighted
  // means; Xc' W yc = X' W yc because the weighted yc sum to zero.
  if (std::optional<Eigen::MatrixXd> gram = BinaryWeightedGram(data, weights)) {
    gram_ = *std::move(gram) - weight_sum * means_ * means_.transpose();
    cross_ = data.transpose() * weighted_labels;
    return;
  }

  // Scaling the centred rows by sqrt(w) turns the weighted sums into plain
  // products, and only the lower triangle of the Gram matrix is computed.
  const Eigen::VectorXd root_weights = weights.cwiseSqrt();
  const Eigen::MatrixXd centered =
      (data.rowwise() - means_.transpose()).array().colwise() * root_weights.array();
  const Eigen::Index columns = data.cols();
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(columns, columns);
  lower.selfadjointView<Eigen::Lower>().rankUpdate(centered.transpose());
  gram_ = lower.selfadjointView<Eigen::Lower>();
  cross_ = centered.transpose() * (centered_labels.array() * root_weights.array()).matrix();
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

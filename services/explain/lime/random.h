#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_RANDOM_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_RANDOM_H_

#include <cstdint>
#include <random>
#include <vector>

namespace goalpost::explain {

// The random numbers of one explanation. std::mt19937_64's output sequence is
// fixed by the C++ standard, and every mapping from it to integers and reals
// is written here instead of taken from <random>'s distributions (whose
// output differs between standard libraries), so a seed gives the same
// explanation on every platform with IEEE doubles and the same libm.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform integer in [0, bound); bound must be positive.
  uint64_t UniformIndex(uint64_t bound);

  // Uniform integer in [low, high], both included.
  int64_t UniformInt(int64_t low, int64_t high);

  // Uniform double in [0, 1) with 53 random bits.
  double UniformDouble();

  // `count` distinct integers of [0, population) in random order
  // (a partial Fisher-Yates shuffle); count <= population.
  std::vector<int> ChooseWithoutReplacement(int population, int count);

  // Index i drawn with probability cumulative[i] - cumulative[i - 1], where
  // `cumulative` is a non-decreasing running sum whose last entry is the
  // total (need not be 1).
  int ChooseWeighted(const std::vector<double>& cumulative);

  // A standard normal draw truncated to [lower, upper] (in standard units),
  // by inversion of the normal distribution function as
  // scipy.stats.truncnorm does.
  double TruncatedNormal(double lower, double upper);

 private:
  std::mt19937_64 engine_;
  // The identity permutation between calls of ChooseWithoutReplacement,
  // which undoes its swaps so that a call costs O(count), not O(population).
  std::vector<int> pool_;
};

// The standard normal distribution function and its inverse.
double NormalCdf(double x);
double NormalQuantile(double p);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_RANDOM_H_

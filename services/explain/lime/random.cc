#include "services/explain/lime/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace goalpost::explain {

uint64_t Random::UniformIndex(uint64_t bound) {
  // Lemire's multiply-and-shift mapping (ACM TOMACS 2019): the high 64 bits
  // of value * bound, rejecting the (2^64 mod bound) low products that would
  // make some results more likely, so the result is exactly uniform. It
  // divides only when a rejection is possible.
  unsigned __int128 product = static_cast<unsigned __int128>(engine_()) * bound;
  uint64_t low = static_cast<uint64_t>(product);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(engine_()) * bound;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

int64_t Random::UniformInt(int64_t low, int64_t high) {
  const uint64_t span = static_cast<uint64_t>(high - low) + 1;
  return low + static_cast<int64_t>(UniformIndex(span));
}

double Random::UniformDouble() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

std::vector<int> Random::ChooseWithoutReplacement(int population, int count) {
  if (pool_.size() < static_cast<size_t>(population)) {
    const size_t old_size = pool_.size();
    pool_.resize(population);
    std::iota(pool_.begin() + old_size, pool_.end(), static_cast<int>(old_size));
  }

  std::vector<int> chosen(count);
  std::vector<int> partners(count);
  for (int i = 0; i < count; ++i) {
    const int j = i + static_cast<int>(UniformIndex(population - i));
    std::swap(pool_[i], pool_[j]);
    chosen[i] = pool_[i];
    partners[i] = j;
  }
  for (int i = count - 1; i >= 0; --i) std::swap(pool_[i], pool_[partners[i]]);
  return chosen;
}

int Random::ChooseWeighted(const std::vector<double>& cumulative) {
  const double target = UniformDouble() * cumulative.back();
  const auto found = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  const int index = static_cast<int>(found - cumulative.begin());
  return std::min(index, static_cast<int>(cumulative.size()) - 1);
}

double Random::TruncatedNormal(double lower, double upper) {
  // Sampling in the lower tail keeps precision: for an interval above the
  // mean, draw from the mirrored interval and flip the sign.
  if (lower > 0) return -TruncatedNormal(-upper, -lower);

  const double cdf_lower = NormalCdf(lower);
  const double cdf_upper = NormalCdf(upper);
  const double p = cdf_lower + UniformDouble() * (cdf_upper - cdf_lower);
  if (p <= 0) return lower;
  return std::clamp(NormalQuantile(p), lower, upper);
}

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();

  // Acklam's rational approximation (relative error 1.15e-9), then one
  // Halley step against erfc, which brings it to full double precision.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;

  double x;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - kLow) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }

  const double error = NormalCdf(x) - p;
  const double u = error * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

}  // namespace goalpost::explain

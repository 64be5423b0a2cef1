#ifndef GOALPOST_SERVICES_METRICS_COMPENSATED_SUM_H_
#define GOALPOST_SERVICES_METRICS_COMPENSATED_SUM_H_

#include <cmath>

namespace goalpost::metrics {

// A floating-point sum with Neumaier's compensation, so that sums over
// millions of rows, and merges of sums over shards of them, agree with the
// exact sum to within a few units in the last place whatever the order.
class CompensatedSum {
 public:
  void Add(double x) {
    const double t = sum_ + x;
    if (std::fabs(sum_) >= std::fabs(x)) {
      compensation_ += (sum_ - t) + x;
    } else {
      compensation_ += (x - t) + sum_;
    }
    sum_ = t;
  }

  void Add(const CompensatedSum& other) {
    Add(other.sum_);
    compensation_ += other.compensation_;
  }

  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_COMPENSATED_SUM_H_

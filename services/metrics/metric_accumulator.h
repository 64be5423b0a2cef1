#ifndef GOALPOST_SERVICES_METRICS_METRIC_ACCUMULATOR_H_
#define GOALPOST_SERVICES_METRICS_METRIC_ACCUMULATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "services/metrics/class_scores.h"
#include "services/metrics/compensated_sum.h"

namespace goalpost::metrics {

// Bins of the expected calibration error: 15 equal-width bins on [0, 1].
inline constexpr int kCalibrationBinCount = 15;

struct AccumulatorOptions {
  // Number of class names; at least 2, at most kMaxClassCount.
  int class_count = 2;
  // Equal-width bins on [0, 1] of the confidence histograms; 1 to 1,000.
  int histogram_bin_count = 20;
  // Keeps every row's class probabilities for exact ROC AUC. Memory then
  // grows by 10 bytes per class and row; without it ROC AUC is undefined.
  bool keep_scores = true;
  // Sums log_loss, brier and the top-k ranks; without it those metrics are
  // reported as undefined, so a caller sets it whenever one is requested.
  bool probability_sums = true;

  bool operator==(const AccumulatorOptions& other) const {
    return class_count == other.class_count &&
           histogram_bin_count == other.histogram_bin_count &&
           keep_scores == other.keep_scores && probability_sums == other.probability_sums;
  }
};

// The streaming, mergeable state of one subpopulation: every sum and count
// the metrics need. Add() takes one row at a time; Merge() of the states of
// any split of the rows gives the state of one pass (integer counts exactly,
// floating-point sums within rounding of compensated summation).
class MetricAccumulator {
 public:
  explicit MetricAccumulator(AccumulatorOptions options);

  // Adds one row. `label` and `prediction` are class indices in
  // [0, class_count). `probabilities` points to class_count values in [0, 1]
  // or is null when the rows have no class probabilities.
  void Add(int label, int prediction, const double* probabilities);

  // Adds the state of a disjoint set of rows. INVALID_ARGUMENT when the
  // options differ.
  absl::Status Merge(const MetricAccumulator& other);

  // The state as a protobuf message (the key is left empty), and back.
  // FromPartialState fails with INVALID_ARGUMENT when the state's class
  // count or bin count differ from `options` or its arrays do not fit.
  goalpost::metrics::v1::PartialState ToPartialState() const;
  static absl::StatusOr<MetricAccumulator> FromPartialState(
      const goalpost::metrics::v1::PartialState& state, const AccumulatorOptions& options);

  const AccumulatorOptions& options() const { return options_; }
  int class_count() const { return options_.class_count; }
  int64_t row_count() const { return row_count_; }
  // Rows that came with class probabilities.
  int64_t scored_row_count() const { return scored_row_count_; }
  // Row-major class_count x class_count: rows are labels, columns predictions.
  const std::vector<int64_t>& confusion_counts() const { return confusion_counts_; }
  // Sum over scored rows of -log(p[label]) after clipping and renormalising.
  double log_loss_sum() const { return log_loss_sum_.value(); }
  // Sum over scored rows of the squared error (see docs/metrics.md).
  double brier_sum() const { return brier_sum_.value(); }
  const std::vector<int64_t>& calibration_counts() const { return calibration_counts_; }
  std::vector<double> calibration_confidence_sums() const;
  const std::vector<int64_t>& calibration_correct_counts() const {
    return calibration_correct_counts_;
  }
  // rank_counts()[r]: scored rows whose label has rank r (0 is the top) in
  // scikit-learn's top_k_accuracy_score ordering.
  const std::vector<int64_t>& rank_counts() const { return rank_counts_; }
  // Histogram counts, histogram_bin_count each.
  const std::vector<int64_t>& confidence_counts() const { return confidence_counts_; }
  const std::vector<int64_t>& confidence_correct_counts() const {
    return confidence_correct_counts_;
  }
  const std::vector<int64_t>& confidence_incorrect_counts() const {
    return confidence_incorrect_counts_;
  }
  // Row-major class_count x histogram_bin_count.
  const std::vector<int64_t>& confidence_by_label_counts() const {
    return confidence_by_label_counts_;
  }
  // One per class when keep_scores, otherwise empty.
  const std::vector<ClassScores>& class_scores() const { return class_scores_; }

 private:
  int BinIndex(double confidence, int bin_count) const;
  int LabelRank(int label, const double* probabilities) const;
  void AddProbabilities(int label, int prediction, const double* probabilities);
  void AddProbabilitySums(int label, const double* probabilities);

  AccumulatorOptions options_;
  int64_t row_count_ = 0;
  int64_t scored_row_count_ = 0;
  std::vector<int64_t> confusion_counts_;
  CompensatedSum log_loss_sum_;
  CompensatedSum brier_sum_;
  std::vector<int64_t> calibration_counts_;
  std::vector<CompensatedSum> calibration_confidence_sums_;
  std::vector<int64_t> calibration_correct_counts_;
  std::vector<int64_t> rank_counts_;
  std::vector<int64_t> confidence_counts_;
  std::vector<int64_t> confidence_correct_counts_;
  std::vector<int64_t> confidence_incorrect_counts_;
  std::vector<int64_t> confidence_by_label_counts_;
  std::vector<ClassScores> class_scores_;
};

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_METRIC_ACCUMULATOR_H_

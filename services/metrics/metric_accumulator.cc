#include "services/metrics/metric_accumulator.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::metrics::v1::PartialState;

// scikit-learn 1.2.1's log_loss(eps="auto") clips to [eps, 1 - eps] with
// eps the machine epsilon of float64.
constexpr double kLogLossEpsilon = 2.220446049250313e-16;

void AddCounts(std::vector<int64_t>& to, const std::vector<int64_t>& from) {
  for (size_t i = 0; i < to.size(); ++i) to[i] += from[i];
}

absl::Status ReadCounts(const google::protobuf::RepeatedField<int64_t>& from, size_t size,
                        const char* field, std::vector<int64_t>& to) {
  if (static_cast<size_t>(from.size()) != size) {
    return absl::InvalidArgumentError(absl::StrCat("partial state field ", field, " has ",
                                                   from.size(), " values; expected ", size));
  }
  to.assign(from.begin(), from.end());
  return absl::OkStatus();
}

}  // namespace

MetricAccumulator::MetricAccumulator(AccumulatorOptions options) : options_(options) {
  const size_t k = options_.class_count;
  const size_t bins = options_.histogram_bin_count;
  confusion_counts_.assign(k * k, 0);
  calibration_counts_.assign(kCalibrationBinCount, 0);
  calibration_confidence_sums_.assign(kCalibrationBinCount, CompensatedSum());
  calibration_correct_counts_.assign(kCalibrationBinCount, 0);
  rank_counts_.assign(k, 0);
  confidence_counts_.assign(bins, 0);
  confidence_correct_counts_.assign(bins, 0);
  confidence_incorrect_counts_.assign(bins, 0);
  confidence_by_label_counts_.assign(k * bins, 0);
  if (options_.keep_scores) class_scores_.resize(k);
}

void MetricAccumulator::Add(int label, int prediction, const double* probabilities) {
  ++row_count_;
  ++confusion_counts_[label * options_.class_count + prediction];
  if (probabilities != nullptr) AddProbabilities(label, prediction, probabilities);
}

// Equal-width bins on [0, 1]; the last bin includes 1.
int MetricAccumulator::BinIndex(double confidence, int bin_count) const {
  const int index = static_cast<int>(confidence * bin_count);
  return std::clamp(index, 0, bin_count - 1);
}

// scikit-learn's top_k_accuracy_score ranks classes by a stable ascending
// argsort reversed, so among equal probabilities the higher class index
// ranks first. With two classes it instead predicts class 1 when its
// probability exceeds 0.5, and every row is a hit for k >= 2.
int MetricAccumulator::LabelRank(int label, const double* probabilities) const {
  const int k = options_.class_count;
  if (k == 2) {
    const int predicted = probabilities[1] > 0.5 ? 1 : 0;
    return predicted == label ? 0 : 1;
  }

  const double own = probabilities[label];
  int rank = 0;
  for (int j = 0; j < k; ++j) {
    if (probabilities[j] > own || (j > label && probabilities[j] == own)) ++rank;
  }
  return rank;
}

void MetricAccumulator::AddProbabilities(int label, int prediction,
                                         const double* probabilities) {
  const int k = options_.class_count;
  ++scored_row_count_;

  const double confidence = probabilities[prediction];
  const bool correct = label == prediction;
  const int calibration_bin = BinIndex(confidence, kCalibrationBinCount);
  ++calibration_counts_[calibration_bin];
  calibration_confidence_sums_[calibration_bin].Add(confidence);
  if (correct) ++calibration_correct_counts_[calibration_bin];

  const int bins = options_.histogram_bin_count;
  const int bin = BinIndex(confidence, bins);
  ++confidence_counts_[bin];
  ++(correct ? confidence_correct_counts_ : confidence_incorrect_counts_)[bin];
  ++confidence_by_label_counts_[label * bins + bin];

  if (options_.keep_scores) {
    for (int j = 0; j < k; ++j) {
      class_scores_[j].scores.push_back(probabilities[j]);
      class_scores_[j].labels.push_back(static_cast<uint16_t>(label));
    }
  }
  if (options_.probability_sums) AddProbabilitySums(label, probabilities);
}

void MetricAccumulator::AddProbabilitySums(int label, const double* probabilities) {
  const int k = options_.class_count;

  // log_loss clips every probability, renormalises the row and takes the
  // label's share, in scikit-learn 1.2.1's order of operations.
  double clipped_sum = 0.0;
  for (int j = 0; j < k; ++j) {
    clipped_sum += std::clamp(probabilities[j], kLogLossEpsilon, 1.0 - kLogLossEpsilon);
  }
  const double clipped = std::clamp(probabilities[label], kLogLossEpsilon, 1.0 - kLogLossEpsilon);
  log_loss_sum_.Add(-std::log(clipped / clipped_sum));

  // Brier: the positive class's squared error for two classes, the squared
  // distance to the one-hot label for more.
  if (k == 2) {
    const double error = (label == 1 ? 1.0 : 0.0) - probabilities[1];
    brier_sum_.Add(error * error);
  } else {
    double squared = 0.0;
    for (int j = 0; j < k; ++j) {
      const double error = probabilities[j] - (j == label ? 1.0 : 0.0);
      squared += error * error;
    }
    brier_sum_.Add(squared);
  }

  ++rank_counts_[LabelRank(label, probabilities)];
}

std::vector<double> MetricAccumulator::calibration_confidence_sums() const {
  std::vector<double> sums;
  for (const CompensatedSum& sum : calibration_confidence_sums_) sums.push_back(sum.value());
  return sums;
}

absl::Status MetricAccumulator::Merge(const MetricAccumulator& other) {
  if (!(other.options_ == options_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot merge partial states with different class counts (", options_.class_count,
        " and ", other.options_.class_count, "), histogram bin counts (",
        options_.histogram_bin_count, " and ", other.options_.histogram_bin_count,
        ") or kept sums"));
  }

  row_count_ += other.row_count_;
  scored_row_count_ += other.scored_row_count_;
  AddCounts(confusion_counts_, other.confusion_counts_);
  log_loss_sum_.Add(other.log_loss_sum_);
  brier_sum_.Add(other.brier_sum_);
  AddCounts(calibration_counts_, other.calibration_counts_);
  for (int b = 0; b < kCalibrationBinCount; ++b) {
    calibration_confidence_sums_[b].Add(other.calibration_confidence_sums_[b]);
  }
  AddCounts(calibration_correct_counts_, other.calibration_correct_counts_);
  AddCounts(rank_counts_, other.rank_counts_);
  AddCounts(confidence_counts_, other.confidence_counts_);
  AddCounts(confidence_correct_counts_, other.confidence_correct_counts_);
  AddCounts(confidence_incorrect_counts_, other.confidence_incorrect_counts_);
  AddCounts(confidence_by_label_counts_, other.confidence_by_label_counts_);
  for (size_t c = 0; c < class_scores_.size(); ++c) {
    ClassScores& to = class_scores_[c];
    const ClassScores& from = other.class_scores_[c];
    to.scores.insert(to.scores.end(), from.scores.begin(), from.scores.end());
    to.labels.insert(to.labels.end(), from.labels.begin(), from.labels.end());
  }
  return absl::OkStatus();
}

PartialState MetricAccumulator::ToPartialState() const {
  PartialState state;
  const int k = options_.class_count;
  state.set_class_count(k);
  state.set_row_count(row_count_);
  state.set_histogram_bin_count(options_.histogram_bin_count);
  state.mutable_confusion_counts()->Assign(confusion_counts_.begin(), confusion_counts_.end());
  state.set_scored_row_count(scored_row_count_);
  state.set_log_loss_sum(log_loss_sum_.value());
  state.set_brier_sum(brier_sum_.value());
  state.mutable_calibration_counts()->Assign(calibration_counts_.begin(),
                                             calibration_counts_.end());
  for (const CompensatedSum& sum : calibration_confidence_sums_) {
    state.add_calibration_confidence_sums(sum.value());
  }
  state.mutable_calibration_correct_counts()->Assign(calibration_correct_counts_.begin(),
                                                     calibration_correct_counts_.end());

  int64_t hits = 0;
  for (int64_t count : rank_counts_) {
    hits += count;
    state.add_top_k_hits(hits);
  }

  for (int c = 0; c < static_cast<int>(class_scores_.size()); ++c) {
    WriteScoreCounts(class_scores_[c], k, c, state.add_score_counts());
  }

  auto* histograms = state.mutable_histograms();
  histograms->mutable_confidence()->mutable_counts()->Assign(confidence_counts_.begin(),
                                                             confidence_counts_.end());
  histograms->mutable_confidence_correct()->mutable_counts()->Assign(
      confidence_correct_counts_.begin(), confidence_correct_counts_.end());
  histograms->mutable_confidence_incorrect()->mutable_counts()->Assign(
      confidence_incorrect_counts_.begin(), confidence_incorrect_counts_.end());
  const int bins = options_.histogram_bin_count;
  for (int c = 0; c < k; ++c) {
    auto* by_label = histograms->add_confidence_by_label()->mutable_histogram();
    by_label->mutable_counts()->Assign(confidence_by_label_counts_.begin() + c * bins,
                                       confidence_by_label_counts_.begin() + (c + 1) * bins);
  }
  return state;
}

absl::StatusOr<MetricAccumulator> MetricAccumulator::FromPartialState(
    const PartialState& state, const AccumulatorOptions& options) {
  const int k = state.class_count();
  const int bins = state.histogram_bin_count();
  if (k != options.class_count || bins != options.histogram_bin_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("partial state has class_count ", k, " and histogram_bin_count ", bins,
                     "; expected ", options.class_count, " and ", options.histogram_bin_count));
  }
  const bool keep_scores = options.keep_scores;
  MetricAccumulator accumulator(options);
  const size_t classes = k;

  accumulator.row_count_ = state.row_count();
  accumulator.scored_row_count_ = state.scored_row_count();
  accumulator.log_loss_sum_.Add(state.log_loss_sum());
  accumulator.brier_sum_.Add(state.brier_sum());
  absl::Status status = ReadCounts(state.confusion_counts(), classes * classes,
                                   "confusion_counts", accumulator.confusion_counts_);
  if (status.ok()) {
    status = ReadCounts(state.calibration_counts(), kCalibrationBinCount, "calibration_counts",
                        accumulator.calibration_counts_);
  }
  if (status.ok()) {
    status = ReadCounts(state.calibration_correct_counts(), kCalibrationBinCount,
                        "calibration_correct_counts", accumulator.calibration_correct_counts_);
  }
  if (status.ok() && state.calibration_confidence_sums_size() != kCalibrationBinCount) {
    status = absl::InvalidArgumentError("partial state has the wrong number of calibration sums");
  }
  if (status.ok()) {
    status = ReadCounts(state.top_k_hits(), classes, "top_k_hits", accumulator.rank_counts_);
  }
  if (!status.ok()) return status;

  for (int b = 0; b < kCalibrationBinCount; ++b) {
    accumulator.calibration_confidence_sums_[b].Add(state.calibration_confidence_sums(b));
  }
  for (size_t r = classes - 1; r > 0; --r) {
    accumulator.rank_counts_[r] -= accumulator.rank_counts_[r - 1];
  }

  const auto& histograms = state.histograms();
  status = ReadCounts(histograms.confidence().counts(), bins, "histograms.confidence",
                      accumulator.confidence_counts_);
  if (status.ok()) {
    status = ReadCounts(histograms.confidence_correct().counts(), bins,
                        "histograms.confidence_correct", accumulator.confidence_correct_counts_);
  }
  if (status.ok()) {
    status = ReadCounts(histograms.confidence_incorrect().counts(), bins,
                        "histograms.confidence_incorrect",
                        accumulator.confidence_incorrect_counts_);
  }
  if (status.ok() && histograms.confidence_by_label_size() != k) {
    status = absl::InvalidArgumentError("partial state has the wrong number of label histograms");
  }
  if (!status.ok()) return status;
  for (int c = 0; c < k; ++c) {
    const auto& counts = histograms.confidence_by_label(c).histogram().counts();
    if (counts.size() != bins) {
      return absl::InvalidArgumentError("partial state has a label histogram of the wrong size");
    }
    std::copy(counts.begin(), counts.end(),
              accumulator.confidence_by_label_counts_.begin() + c * bins);
  }

  if (keep_scores) {
    if (state.score_counts_size() != k && state.scored_row_count() > 0) {
      return absl::InvalidArgumentError(absl::StrCat("partial state has ",
                                                     state.score_counts_size(),
                                                     " score_counts; expected one per class"));
    }
    for (int c = 0; c < state.score_counts_size(); ++c) {
      status = AppendScoreCounts(state.score_counts(c), k, &accumulator.class_scores_[c]);
      if (!status.ok()) return status;
    }
  }
  return accumulator;
}

}  // namespace goalpost::metrics

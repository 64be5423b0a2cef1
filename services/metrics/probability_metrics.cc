// Metrics from the class probabilities: log_loss, brier, ece,
// top_k_accuracy[k] and every ROC AUC.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/metrics/class_scores.h"
#include "services/metrics/metric_table.h"

namespace goalpost::metrics {
namespace {

constexpr char kNoProbabilities[] = "the rows have no class probabilities";

// Area under the ROC curve of one split, or NaN when a side is empty.
double Auc(int64_t twice_u, int64_t positives, int64_t negatives) {
  if (positives == 0 || negatives == 0) return std::nan("");
  return static_cast<double>(twice_u) /
         (2.0 * static_cast<double>(positives) * static_cast<double>(negatives));
}

// Expected calibration error: the bin-weighted |accuracy - mean
// confidence| over the 15 calibration bins.
double CalibrationError(const MetricAccumulator& accumulator) {
  const double rows = static_cast<double>(accumulator.scored_row_count());
  const std::vector<double> confidence_sums = accumulator.calibration_confidence_sums();
  double calibration_error = 0.0;
  for (int b = 0; b < kCalibrationBinCount; ++b) {
    if (accumulator.calibration_counts()[b] == 0) continue;
    const double bin_rows = static_cast<double>(accumulator.calibration_counts()[b]);
    const double accuracy =
        static_cast<double>(accumulator.calibration_correct_counts()[b]) / bin_rows;
    calibration_error += bin_rows / rows * std::fabs(accuracy - confidence_sums[b] / bin_rows);
  }
  return calibration_error;
}

}  // namespace

void AddProbabilityMetrics(const MetricAccumulator& accumulator, MetricTable& table) {
  const int k = accumulator.class_count();
  const int64_t scored = accumulator.scored_row_count();
  if (scored == 0) {
    for (const char* name : {"log_loss", "brier", "ece"}) table.Undefined(name, kNoProbabilities);
    for (int top = 1; top <= k; ++top) {
      table.Undefined(absl::StrCat("top_k_accuracy[", top, "]"), kNoProbabilities);
    }
    return;
  }

  table.Defined("ece", CalibrationError(accumulator));
  if (!accumulator.options().probability_sums) {
    const char* reason = "not computed, because the request did not ask for it";
    for (const char* name : {"log_loss", "brier"}) table.Undefined(name, reason);
    for (int top = 1; top <= k; ++top) {
      table.Undefined(absl::StrCat("top_k_accuracy[", top, "]"), reason);
    }
    return;
  }

  const double rows = static_cast<double>(scored);
  table.Defined("log_loss", accumulator.log_loss_sum() / rows);
  table.Defined("brier", accumulator.brier_sum() / rows);

  int64_t hits = 0;
  for (int top = 1; top <= k; ++top) {
    hits += accumulator.rank_counts()[top - 1];
    table.Defined(absl::StrCat("top_k_accuracy[", top, "]"), static_cast<double>(hits) / rows);
  }
}

void AddRocAucMetrics(const MetricAccumulator& accumulator,
                      const std::vector<std::string>& class_names, MetricTable& table) {
  const int k = accumulator.class_count();
  std::vector<std::string> names;
  for (const std::string& class_name : class_names) {
    names.push_back(absl::StrCat("roc_auc[", class_name, "]"));
  }
  const std::vector<std::string> averages = {"roc_auc[ovr_macro]", "roc_auc[ovr_weighted]",
                                             "roc_auc[ovo_macro]", "roc_auc[ovo_weighted]"};
  if (accumulator.scored_row_count() == 0 || !accumulator.options().keep_scores) {
    const char* reason = accumulator.scored_row_count() == 0
                             ? kNoProbabilities
                             : "ROC AUC was not requested, so the scores were not kept";
    for (const std::string& name : names) table.Undefined(name, reason);
    for (const std::string& name : averages) table.Undefined(name, reason);
    table.Undefined("roc_auc", reason);
    return;
  }

  const AucCounts counts = ComputeAucCounts(accumulator.class_scores(), k);
  const int64_t rows = accumulator.scored_row_count();

  // One-vs-rest: scikit-learn raises when a class has no rows or covers
  // every row, and so does every one-vs-rest average.
  double ovr_sum = 0.0;
  double ovr_weighted_sum = 0.0;
  std::vector<std::string> undefined_reasons;
  for (int c = 0; c < k; ++c) {
    const int64_t positives = counts.label_counts[c];
    const double auc = Auc(counts.twice_ovr_u[c], positives, rows - positives);
    if (std::isnan(auc)) {
      const std::string reason =
          absl::StrCat("only one class is present when class \"", class_names[c],
                       "\" is scored against the rest; ROC AUC is not defined");
      table.Undefined(names[c], reason);
      undefined_reasons.push_back(reason);
      continue;
    }
    table.Defined(names[c], auc);
    ovr_sum += auc;
    ovr_weighted_sum += auc * static_cast<double>(positives);
  }
  if (undefined_reasons.empty()) {
    table.Defined("roc_auc[ovr_macro]", ovr_sum / k);
    table.Defined("roc_auc[ovr_weighted]", ovr_weighted_sum / static_cast<double>(rows));
  } else {
    table.Undefined("roc_auc[ovr_macro]", absl::StrJoin(undefined_reasons, "; "));
    table.Undefined("roc_auc[ovr_weighted]", absl::StrJoin(undefined_reasons, "; "));
  }

  // One-vs-one over the pairs of classes present in the labels, as
  // scikit-learn's _average_multiclass_ovo_score: each pair scores the mean
  // of its two directed AUCs, weighted by the pair's share of the rows.
  double pair_sum = 0.0;
  double pair_weighted_sum = 0.0;
  double weight_total = 0.0;
  int pairs = 0;
  for (int a = 0; a < k; ++a) {
    for (int b = a + 1; b < k; ++b) {
      const int64_t rows_a = counts.label_counts[a];
      const int64_t rows_b = counts.label_counts[b];
      if (rows_a == 0 || rows_b == 0) continue;
      const double score = (Auc(counts.twice_pair_u[a * k + b], rows_a, rows_b) +
                            Auc(counts.twice_pair_u[b * k + a], rows_b, rows_a)) /
                           2;
      const double prevalence = static_cast<double>(rows_a + rows_b) / static_cast<double>(rows);
      pair_sum += score;
      pair_weighted_sum += score * prevalence;
      weight_total += prevalence;
      ++pairs;
    }
  }
  if (pairs == 0) {
    const char* reason = "fewer than two classes are present; one-vs-one ROC AUC is not defined";
    table.Undefined("roc_auc[ovo_macro]", reason);
    table.Undefined("roc_auc[ovo_weighted]", reason);
  } else {
    table.Defined("roc_auc[ovo_macro]", pair_sum / pairs);
    table.Defined("roc_auc[ovo_weighted]", pair_weighted_sum / weight_total);
  }

  table.Set("roc_auc", table.Get(k == 2 ? names[1] : "roc_auc[ovr_macro]"));
}

}  // namespace goalpost::metrics

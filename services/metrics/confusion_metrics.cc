// Metrics from the confusion matrix, computed with the same floating-point
// steps as scikit-learn 1.2.1's precision_recall_fscore_support,
// balanced_accuracy_score, matthews_corrcoef and cohen_kappa_score.
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/metrics/metric_table.h"

namespace goalpost::metrics {
namespace {

// Per-class counts and the values of one per-class metric.
struct ClassCounts {
  int class_count = 0;
  double rows = 0;
  std::vector<double> true_positives;
  std::vector<double> supports;
  std::vector<double> predicted;
};

struct PerClass {
  std::vector<double> values;
  // Classes whose value came from the zero-division convention.
  std::vector<bool> zero_division;
  std::vector<std::string> reasons;
};

ClassCounts CountClasses(const MetricAccumulator& accumulator) {
  ClassCounts counts;
  const int k = accumulator.class_count();
  counts.class_count = k;
  counts.rows = static_cast<double>(accumulator.row_count());
  counts.true_positives.assign(k, 0.0);
  counts.supports.assign(k, 0.0);
  counts.predicted.assign(k, 0.0);
  const std::vector<int64_t>& confusion = accumulator.confusion_counts();
  for (int label = 0; label < k; ++label) {
    for (int prediction = 0; prediction < k; ++prediction) {
      const double cell = static_cast<double>(confusion[label * k + prediction]);
      counts.supports[label] += cell;
      counts.predicted[prediction] += cell;
      if (label == prediction) counts.true_positives[label] += cell;
    }
  }
  return counts;
}

// numerator / denominator, or 0 marked as zero division.
PerClass Divide(const std::vector<double>& numerators, const std::vector<double>& denominators,
                const std::vector<std::string>& class_names, const std::string& why) {
  PerClass result;
  for (size_t c = 0; c < numerators.size(); ++c) {
    const bool zero = denominators[c] == 0.0;
    result.values.push_back(zero ? 0.0 : numerators[c] / denominators[c]);
    result.zero_division.push_back(zero);
    result.reasons.push_back(zero ? absl::StrCat("class \"", class_names[c], "\" ", why,
                                                 "; scikit-learn's zero_division=0 gives 0")
                                  : "");
  }
  return result;
}

// F1 as scikit-learn computes it from the rounded precision and recall.
PerClass F1(const PerClass& precision, const PerClass& recall,
            const std::vector<std::string>& class_names) {
  PerClass result;
  for (size_t c = 0; c < precision.values.size(); ++c) {
    const double p = precision.values[c];
    const double r = recall.values[c];
    const double denominator = p + r;
    const bool zero = denominator == 0.0;
    result.values.push_back(zero ? 0.0 : 2.0 * p * r / denominator);
    result.zero_division.push_back(zero);
    result.reasons.push_back(
        zero ? absl::StrCat("precision and recall of class \"", class_names[c],
                            "\" are both 0; scikit-learn's F-score convention gives 0")
             : "");
  }
  return result;
}

// Stores metric[class], metric[macro], metric[weighted] and the bare name
// (the second class for two classes, macro for more). An average is marked
// zero division when a class it gives weight to was.
void AddPerClass(const std::string& metric, const PerClass& per_class,
                 const std::vector<double>& weights, const std::vector<std::string>& class_names,
                 MetricTable& table) {
  const int k = static_cast<int>(class_names.size());
  double sum = 0.0;
  double weighted_sum = 0.0;
  double weight_total = 0.0;
  std::vector<std::string> macro_reasons;
  std::vector<std::string> weighted_reasons;
  for (int c = 0; c < k; ++c) {
    const std::string name = absl::StrCat(metric, "[", class_names[c], "]");
    if (per_class.zero_division[c]) {
      table.ZeroDivision(name, per_class.values[c], per_class.reasons[c]);
      macro_reasons.push_back(per_class.reasons[c]);
      if (weights[c] > 0) weighted_reasons.push_back(per_class.reasons[c]);
    } else {
      table.Defined(name, per_class.values[c]);
    }
    sum += per_class.values[c];
    weighted_sum += per_class.values[c] * weights[c];
    weight_total += weights[c];
  }

  const std::string macro = absl::StrCat(metric, "[macro]");
  if (macro_reasons.empty()) {
    table.Defined(macro, sum / k);
  } else {
    table.ZeroDivision(macro, sum / k, absl::StrJoin(macro_reasons, "; "));
  }

  const std::string weighted = absl::StrCat(metric, "[weighted]");
  if (weighted_reasons.empty()) {
    table.Defined(weighted, weighted_sum / weight_total);
  } else {
    table.ZeroDivision(weighted, weighted_sum / weight_total,
                       absl::StrJoin(weighted_reasons, "; "));
  }

  table.Set(metric, table.Get(k == 2 ? absl::StrCat(metric, "[", class_names[1], "]") : macro));
}

void AddPrecisionRecallF1(const ClassCounts& counts, const std::vector<std::string>& class_names,
                          MetricTable& table) {
  const PerClass precision = Divide(counts.true_positives, counts.predicted, class_names,
                                    "is never predicted in the subpopulation");
  const PerClass recall = Divide(counts.true_positives, counts.supports, class_names,
                                 "has no rows in the subpopulation");
  const PerClass f1 = F1(precision, recall, class_names);
  AddPerClass("precision", precision, counts.supports, class_names, table);
  AddPerClass("recall", recall, counts.supports, class_names, table);
  AddPerClass("f1", f1, counts.supports, class_names, table);

  // Micro averages pool the counts: every row is one prediction and one
  // label, so precision, recall and F1 all equal the accuracy.
  double true_positives = 0.0;
  for (double count : counts.true_positives) true_positives += count;
  const double micro = true_positives / counts.rows;
  table.Defined("precision[micro]", micro);
  table.Defined("recall[micro]", micro);
  table.Defined("f1[micro]", 2.0 * micro * micro / (micro + micro + (micro == 0.0 ? 1.0 : 0.0)));
}

// False positive rate FP / (FP + TN) of each class against the rest.
void AddFalsePositiveRate(const ClassCounts& counts, const std::vector<std::string>& class_names,
                          MetricTable& table) {
  std::vector<double> false_positives;
  std::vector<double> negatives;
  double false_positive_total = 0.0;
  double negative_total = 0.0;
  for (int c = 0; c < counts.class_count; ++c) {
    false_positives.push_back(counts.predicted[c] - counts.true_positives[c]);
    negatives.push_back(counts.rows - counts.supports[c]);
    false_positive_total += false_positives.back();
    negative_total += negatives.back();
  }

  const PerClass rate = Divide(false_positives, negatives, class_names,
                               "covers every row of the subpopulation (no negatives)");
  AddPerClass("false_positive_rate", rate, counts.supports, class_names, table);
  table.Defined("false_positive_rate[micro]", false_positive_total / negative_total);
}

// balanced_accuracy_score: the mean recall over the classes present in
// the labels (scikit-learn drops the classes only predicted).
void AddBalancedAccuracy(const ClassCounts& counts, MetricTable& table) {
  double sum = 0.0;
  int present = 0;
  for (int c = 0; c < counts.class_count; ++c) {
    if (counts.supports[c] == 0.0) continue;
    sum += counts.true_positives[c] / counts.supports[c];
    ++present;
  }
  table.Defined("balanced_accuracy", sum / present);
}

void AddMatthews(const ClassCounts& counts, MetricTable& table) {
  double correct = 0.0;
  double true_dot_predicted = 0.0;
  double predicted_dot_predicted = 0.0;
  double true_dot_true = 0.0;
  for (int c = 0; c < counts.class_count; ++c) {
    correct += counts.true_positives[c];
    true_dot_predicted += counts.supports[c] * counts.predicted[c];
    predicted_dot_predicted += counts.predicted[c] * counts.predicted[c];
    true_dot_true += counts.supports[c] * counts.supports[c];
  }
  const double n = counts.rows;
  const double covariance = correct * n - true_dot_predicted;
  const double predicted_variance = n * n - predicted_dot_predicted;
  const double true_variance = n * n - true_dot_true;

  if (predicted_variance * true_variance == 0.0) {
    table.ZeroDivision("mcc", 0.0,
                       "the labels or the predictions hold a single class; scikit-learn's "
                       "matthews_corrcoef returns 0");
    return;
  }
  table.Defined("mcc", covariance / std::sqrt(true_variance * predicted_variance));
}

void AddCohenKappa(const MetricAccumulator& accumulator, const ClassCounts& counts,
                   MetricTable& table) {
  const int k = counts.class_count;
  const std::vector<int64_t>& confusion = accumulator.confusion_counts();
  double observed = 0.0;
  double expected = 0.0;
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      if (i == j) continue;
      observed += static_cast<double>(confusion[i * k + j]);
      expected += counts.predicted[i] * counts.supports[j] / counts.rows;
    }
  }

  if (expected == 0.0) {
    table.Undefined("cohen_kappa",
                    "the labels and the predictions hold the same single class, so the "
                    "chance agreement is 1; scikit-learn returns NaN");
    return;
  }
  table.Defined("cohen_kappa", 1.0 - observed / expected);
}

// Geometric mean of the per-class recalls over every class name, as
// imbalanced-learn's geometric_mean_score(labels=class_names) computes it
// (exp of the mean log); a class without rows has recall 0, so the mean is 0.
void AddGeometricMean(const ClassCounts& counts, const std::vector<std::string>& class_names,
                      MetricTable& table) {
  double log_sum = 0.0;
  std::vector<std::string> absent;
  for (int c = 0; c < counts.class_count; ++c) {
    const double recall =
        counts.supports[c] == 0.0 ? 0.0 : counts.true_positives[c] / counts.supports[c];
    if (counts.supports[c] == 0.0) absent.push_back(absl::StrCat("\"", class_names[c], "\""));
    log_sum += recall == 0.0 ? -std::numeric_limits<double>::infinity() : std::log(recall);
  }

  const double value = std::exp(log_sum / counts.class_count);
  if (absent.empty()) {
    table.Defined("geometric_mean", value);
  } else {
    table.ZeroDivision("geometric_mean", value,
                       absl::StrCat("classes ", absl::StrJoin(absent, ", "),
                                    " have no rows, so their recall is 0 by zero_division=0"));
  }
}

}  // namespace

void AddConfusionMetrics(const MetricAccumulator& accumulator,
                         const std::vector<std::string>& class_names, MetricTable& table) {
  const ClassCounts counts = CountClasses(accumulator);

  double correct = 0.0;
  for (double count : counts.true_positives) correct += count;
  const double accuracy = correct / counts.rows;
  table.Defined("accuracy", accuracy);
  table.Defined("error_rate", 1.0 - accuracy);

  AddPrecisionRecallF1(counts, class_names, table);
  AddFalsePositiveRate(counts, class_names, table);
  AddBalancedAccuracy(counts, table);
  AddMatthews(counts, table);
  AddCohenKappa(accumulator, counts, table);
  AddGeometricMean(counts, class_names, table);
}

}  // namespace goalpost::metrics

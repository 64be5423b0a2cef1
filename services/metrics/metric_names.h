#ifndef GOALPOST_SERVICES_METRICS_METRIC_NAMES_H_
#define GOALPOST_SERVICES_METRICS_METRIC_NAMES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace goalpost::metrics {

// Every metric name of a dataset with these class names, in the order of
// docs/metrics.md: scalar metrics, top_k_accuracy[1] to [k-1], then
// precision, recall, f1, false_positive_rate and roc_auc, each bare, per
// class and averaged.
std::vector<std::string> AllMetricNames(const std::vector<std::string>& class_names);

// OK when `name` is a metric name for these classes (top_k_accuracy[k]
// accepts k from 1 to the class count); INVALID_ARGUMENT otherwise.
absl::Status CheckMetricName(const std::string& name,
                             const std::vector<std::string>& class_names);

// True when any of `names` (or the full set, when empty) is a ROC AUC,
// which needs every row's class probabilities kept until the end.
bool NeedsScores(const std::vector<std::string>& names);

// True when any of `names` (or the full set, when empty) is log_loss, brier
// or top_k_accuracy[k], which need per-row sums of the probabilities.
bool NeedsProbabilitySums(const std::vector<std::string>& names);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_METRIC_NAMES_H_

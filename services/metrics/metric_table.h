#ifndef GOALPOST_SERVICES_METRICS_METRIC_TABLE_H_
#define GOALPOST_SERVICES_METRICS_METRIC_TABLE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "services/metrics/metric_accumulator.h"

namespace goalpost::metrics {

// Finished metric values by name, filled by the functions below.
class MetricTable {
 public:
  using MetricValue = goalpost::metrics::v1::MetricValue;

  void Defined(const std::string& name, double value);
  void ZeroDivision(const std::string& name, double value, const std::string& reason);
  void Undefined(const std::string& name, const std::string& reason);
  // Stores `value` under `name` with the value's status and reason.
  void Set(const std::string& name, const MetricValue& value);

  // The value of `name`, or UNDEFINED when nothing set it.
  MetricValue Get(const std::string& name) const;

 private:
  absl::flat_hash_map<std::string, MetricValue> values_;
};

// Metrics from the confusion matrix: accuracy, error_rate,
// balanced_accuracy, mcc, cohen_kappa, geometric_mean, and precision,
// recall, f1 and false_positive_rate per class and averaged.
void AddConfusionMetrics(const MetricAccumulator& accumulator,
                         const std::vector<std::string>& class_names, MetricTable& table);

// Metrics from the class probabilities: log_loss, brier, ece and
// top_k_accuracy[k].
void AddProbabilityMetrics(const MetricAccumulator& accumulator, MetricTable& table);

// roc_auc per class and every average.
void AddRocAucMetrics(const MetricAccumulator& accumulator,
                      const std::vector<std::string>& class_names, MetricTable& table);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_METRIC_TABLE_H_

#ifndef GOALPOST_SERVICES_METRICS_METRIC_REPORT_H_
#define GOALPOST_SERVICES_METRICS_METRIC_REPORT_H_

#include <string>
#include <vector>

#include "goalpost/metrics/v1/metrics.pb.h"
#include "services/metrics/metric_accumulator.h"

namespace goalpost::metrics {

// Computes the finished metrics of one subpopulation with scikit-learn 1.2
// semantics (definitions in docs/metrics.md): the requested `metric_names`
// in request order (every name of AllMetricNames when empty; callers check
// names with CheckMetricName first), the confusion matrix and the
// histograms. Fills row_count, metrics, confusion_matrix and histograms of
// the result; key and filter_text are the caller's.
//
// A metric without a value (zero rows, one class present for ROC AUC, no
// class probabilities) has status UNDEFINED, value NaN and a reason; a
// value set by scikit-learn's zero_division=0 convention has status
// ZERO_DIVISION and a reason.
goalpost::metrics::v1::SubpopulationResult FinishMetrics(
    const MetricAccumulator& accumulator, const std::vector<std::string>& class_names,
    const std::vector<std::string>& metric_names);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_METRIC_REPORT_H_

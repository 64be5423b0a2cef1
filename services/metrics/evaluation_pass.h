#ifndef GOALPOST_SERVICES_METRICS_EVALUATION_PASS_H_
#define GOALPOST_SERVICES_METRICS_EVALUATION_PASS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "services/metrics/dataset_source.h"
#include "services/metrics/evaluation_plan.h"
#include "services/metrics/metric_accumulator.h"

namespace goalpost::metrics {

// Reads rows [row_offset, row_offset + row_limit) of the plan's dataset
// once (row_limit 0 reads to the end) and returns one accumulator per
// subpopulation, in plan order. Only one chunk of columns is held at a
// time. INTERNAL when the datasets service streams a chunk that does not
// match the request (missing columns, wrong sizes, class indices out of
// range).
absl::StatusOr<std::vector<MetricAccumulator>> RunEvaluationPass(const EvaluationPlan& plan,
                                                                 DatasetSource& source,
                                                                 int64_t row_offset,
                                                                 int64_t row_limit);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_EVALUATION_PASS_H_

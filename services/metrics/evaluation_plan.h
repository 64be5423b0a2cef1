#ifndef GOALPOST_SERVICES_METRICS_EVALUATION_PLAN_H_
#define GOALPOST_SERVICES_METRICS_EVALUATION_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/filter/filter.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "services/metrics/dataset_source.h"
#include "services/metrics/metric_accumulator.h"

namespace goalpost::metrics {

// At most this many subpopulations per request.
inline constexpr int kMaxSubpopulations = 1000;

// One subpopulation, checked and ready for the pass.
struct SubpopulationPlan {
  std::string key;
  // Canonical text form of the filter.
  std::string filter_text;
  filter::CompiledFilter filter;
  // True for the filter that matches every row; the pass then skips it.
  bool matches_every_row = false;
  // Rows of each of filter.token_queries(), in the same order.
  std::vector<std::vector<int64_t>> token_query_rows;
  // As requested; empty means every metric.
  std::vector<std::string> metric_names;
  AccumulatorOptions accumulator_options;
};

// Everything an evaluation needs before it reads a row.
struct EvaluationPlan {
  goalpost::datasets::v1::Dataset dataset;
  std::string prediction_set;
  std::vector<std::string> class_names;
  // Columns to read, by role. prediction_column is empty when predictions
  // come from the arg-max of the probabilities; probability_columns is
  // empty when there are none.
  std::string label_column;
  std::string prediction_column;
  std::vector<std::string> probability_columns;
  // Further columns that filters read, without repeats.
  std::vector<std::string> filter_columns;
  std::vector<SubpopulationPlan> subpopulations;
};

// Checks a request, reads the dataset (and prediction set) header, compiles
// every filter and looks up its token conditions in the token index.
// INVALID_ARGUMENT names the field (e.g. "subpopulations[2].filter_text");
// NOT_FOUND and UNAVAILABLE come from the datasets service;
// FAILED_PRECONDITION when the dataset has neither predictions nor class
// probabilities.
absl::StatusOr<EvaluationPlan> PlanEvaluation(const goalpost::metrics::v1::EvaluateRequest& request,
                                              DatasetSource& source);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_EVALUATION_PLAN_H_

#include "services/metrics/metrics_evaluator.h"

#include <algorithm>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/metrics/evaluation_pass.h"
#include "services/metrics/evaluation_plan.h"
#include "services/metrics/metric_names.h"
#include "services/metrics/metric_report.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::metrics::v1::EvaluatePartialRequest;
using ::goalpost::metrics::v1::EvaluatePartialResponse;
using ::goalpost::metrics::v1::EvaluateRequest;
using ::goalpost::metrics::v1::EvaluateResponse;
using ::goalpost::metrics::v1::ListMetricNamesRequest;
using ::goalpost::metrics::v1::ListMetricNamesResponse;

struct RowRange {
  int64_t offset = 0;
  int64_t limit = 0;
};

// Splits [0, row_count) into `parts` ranges of whole chunks.
std::vector<RowRange> SplitRows(int64_t row_count, int parts) {
  const int64_t chunks = (row_count + kChunkRows - 1) / kChunkRows;
  std::vector<RowRange> ranges;
  for (int p = 0; p < parts; ++p) {
    const int64_t first = chunks * p / parts * kChunkRows;
    const int64_t end = std::min(row_count, chunks * (p + 1) / parts * kChunkRows);
    if (end > first) ranges.push_back({first, end - first});
  }
  return ranges;
}

// Adds a peer's partial states into the local accumulators.
absl::Status MergePeerStates(const EvaluationPlan& plan, const EvaluatePartialResponse& response,
                             std::vector<MetricAccumulator>& accumulators) {
  if (response.states_size() != static_cast<int>(accumulators.size())) {
    return absl::InternalError(absl::StrCat("a metrics peer returned ", response.states_size(),
                                            " partial states for ", accumulators.size(),
                                            " subpopulations"));
  }
  for (size_t s = 0; s < accumulators.size(); ++s) {
    auto state = MetricAccumulator::FromPartialState(
        response.states(s), plan.subpopulations[s].accumulator_options);
    if (!state.ok()) return Annotate(state.status(), "merging a metrics peer's partial state");
    GOALPOST_RETURN_IF_ERROR(accumulators[s].Merge(*state));
  }
  return absl::OkStatus();
}

}  // namespace

MetricsEvaluator::MetricsEvaluator(DatasetSource* source,
                                   std::vector<std::unique_ptr<PeerEvaluator>> peers,
                                   EvaluatorOptions options)
    : source_(source), peers_(std::move(peers)), options_(options) {}

absl::StatusOr<EvaluateResponse> MetricsEvaluator::Evaluate(const EvaluateRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(EvaluationPlan plan, PlanEvaluation(request, *source_));
  const int64_t row_count = plan.dataset.row_count();

  const bool split = !peers_.empty() && row_count >= options_.min_rows_to_split;
  const std::vector<RowRange> ranges =
      split ? SplitRows(row_count, static_cast<int>(peers_.size()) + 1)
            : std::vector<RowRange>{{0, 0}};

  // Peers take every range but the first, concurrently with the local pass.
  std::vector<absl::StatusOr<EvaluatePartialResponse>> peer_results(
      ranges.size(), absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (size_t r = 1; r < ranges.size(); ++r) {
    threads.emplace_back([&, r] {
      EvaluatePartialRequest partial;
      *partial.mutable_request() = request;
      partial.set_row_offset(ranges[r].offset);
      partial.set_row_limit(ranges[r].limit);
      peer_results[r] = peers_[r - 1]->EvaluatePartial(partial);
    });
  }
  auto local = RunEvaluationPass(plan, *source_, ranges[0].offset, ranges[0].limit);
  for (std::thread& thread : threads) thread.join();
  if (!local.ok()) return local.status();

  std::vector<MetricAccumulator> accumulators = *std::move(local);
  for (size_t r = 1; r < ranges.size(); ++r) {
    if (!peer_results[r].ok()) {
      spdlog::warn("metrics peer {} failed on rows [{}, {}) of {}: {}", r - 1, ranges[r].offset,
                   ranges[r].offset + ranges[r].limit, request.dataset(),
                   peer_results[r].status().ToString());
      return Annotate(peer_results[r].status(), absl::StrCat("metrics peer ", r - 1));
    }
    GOALPOST_RETURN_IF_ERROR(MergePeerStates(plan, *peer_results[r], accumulators));
  }

  EvaluateResponse response;
  response.set_dataset_row_count(row_count);
  for (size_t s = 0; s < accumulators.size(); ++s) {
    const SubpopulationPlan& subpopulation = plan.subpopulations[s];
    auto* result = response.add_results();
    *result = FinishMetrics(accumulators[s], plan.class_names, subpopulation.metric_names);
    result->set_key(subpopulation.key);
    result->set_filter_text(subpopulation.filter_text);
  }
  spdlog::debug("evaluated {} subpopulations of {} ({} rows, {} row ranges)",
                accumulators.size(), request.dataset(), row_count, ranges.size());
  return response;
}

absl::StatusOr<EvaluatePartialResponse> MetricsEvaluator::EvaluatePartial(
    const EvaluatePartialRequest& request) {
  if (request.row_offset() < 0 || request.row_limit() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "row_offset (", request.row_offset(), ") and row_limit (", request.row_limit(),
        ") must not be negative; row_limit 0 reads to the end"));
  }
  GOALPOST_ASSIGN_OR_RETURN(EvaluationPlan plan, PlanEvaluation(request.request(), *source_));
  GOALPOST_ASSIGN_OR_RETURN(
      std::vector<MetricAccumulator> accumulators,
      RunEvaluationPass(plan, *source_, request.row_offset(), request.row_limit()));

  spdlog::debug("evaluated rows [{}, {}) of {} for {} subpopulations", request.row_offset(),
                request.row_limit() == 0 ? plan.dataset.row_count()
                                         : request.row_offset() + request.row_limit(),
                request.request().dataset(), accumulators.size());
  EvaluatePartialResponse response;
  for (size_t s = 0; s < accumulators.size(); ++s) {
    auto* state = response.add_states();
    *state = accumulators[s].ToPartialState();
    state->set_key(plan.subpopulations[s].key);
  }
  return response;
}

absl::StatusOr<ListMetricNamesResponse> MetricsEvaluator::ListMetricNames(
    const ListMetricNamesRequest& request) {
  const std::vector<std::string> class_names(request.class_names().begin(),
                                             request.class_names().end());
  if (class_names.size() < 2 || class_names.size() > static_cast<size_t>(kMaxClassCount)) {
    return absl::InvalidArgumentError(absl::StrCat("class_names has ", class_names.size(),
                                                   " entries; give 2 to ", kMaxClassCount));
  }
  absl::flat_hash_set<std::string> seen;
  for (const std::string& class_name : class_names) {
    if (class_name.empty() || !seen.insert(class_name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "class_names must be unique and non-empty; \"", class_name, "\" is not"));
    }
  }

  ListMetricNamesResponse response;
  for (const std::string& name : AllMetricNames(class_names)) response.add_metric_names(name);
  return response;
}

}  // namespace goalpost::metrics

#include "services/orchestrator/run_executor.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "common/filter/filter.h"
#include "common/logging.h"
#include "services/orchestrator/goal_judgement.h"
#include "services/orchestrator/resource_names.h"

namespace goalpost::orchestrator {
namespace {

namespace datasets = ::goalpost::datasets::v1;
namespace inference = ::goalpost::inference::v1;
namespace metrics = ::goalpost::metrics::v1;

// The key of the whole-set result in an Evaluate request; goal ids are hex
// digits, so it cannot clash with one.
constexpr char kWholeSetKey[] = "whole-set";

absl::Status Cancelled(const RunRecord& run) {
  return absl::AbortedError(absl::StrCat("run ", RunName(run.project_id, run.run_id),
                                         " stopped: its lease was lost or the worker stopped"));
}

absl::flat_hash_map<std::string, const metrics::SubpopulationResult*> ResultsByKey(
    const metrics::EvaluateResponse& response) {
  absl::flat_hash_map<std::string, const metrics::SubpopulationResult*> results;
  for (const metrics::SubpopulationResult& result : response.results()) {
    results[result.key()] = &result;
  }
  return results;
}

absl::StatusOr<const metrics::SubpopulationResult*> FindResult(
    const absl::flat_hash_map<std::string, const metrics::SubpopulationResult*>& results,
    const std::string& key, const std::string& dataset) {
  auto found = results.find(key);
  if (found == results.end()) {
    return absl::InternalError(absl::StrFormat(
        "the metrics service returned no result for subpopulation key %s of %s", key, dataset));
  }
  return found->second;
}

// Returns why `goal`'s subpopulation cannot be evaluated on `dataset` (an
// unknown column, a condition that does not fit the column's type), or "".
// Such a goal gets an error report and the run's other goals go on.
std::string SubpopulationError(const v1::Goal& goal, const datasets::Dataset& dataset,
                               bool has_probabilities) {
  absl::StatusOr<filter::Filter> parsed = filter::Parse(goal.subpopulation());
  if (!parsed.ok()) return std::string(parsed.status().message());

  filter::Schema schema = filter::SchemaFromDataset(dataset);
  absl::StatusOr<filter::CompiledFilter> compiled =
      filter::CompiledFilter::Compile(*parsed, schema, has_probabilities);
  if (!compiled.ok()) {
    return absl::StrFormat("subpopulation cannot be evaluated on %s: %s", dataset.name(),
                           compiled.status().message());
  }
  return "";
}

}  // namespace

absl::StatusOr<datasets::Dataset> RunExecutor::GetDataset(const std::string& dataset,
                                                          const CancelledFn& cancelled) {
  datasets::GetDatasetRequest request;
  request.set_name(dataset);
  datasets::GetDatasetResponse response;
  absl::Status status = CallWithRetry(
      retry_, absl::StrCat("GetDataset ", dataset),
      [&](grpc::ClientContext& context) {
        return peers_.datasets->GetDataset(&context, request, &response);
      },
      cancelled);
  if (!status.ok()) return status;
  return response.dataset();
}

absl::StatusOr<std::string> RunExecutor::ResolvePredictionSet(const v1::Commit& commit,
                                                              const datasets::Dataset& stored,
                                                              const ProgressFn& progress,
                                                              const CancelledFn& cancelled) {
  if (commit.model().empty()) return std::string();

  const std::string& dataset = stored.name();
  const datasets::DatasetSpec& spec = stored.spec();
  if (!spec.prediction_column().empty() || !spec.probability_columns().empty()) {
    return std::string();
  }

  progress(absl::StrFormat("predicting %s with %s", dataset, commit.model()));
  inference::PredictDatasetRequest request;
  request.set_model(commit.model());
  request.set_dataset(dataset);
  inference::PredictDatasetResponse response;
  absl::Status status = CallWithRetry(
      retry_, absl::StrCat("PredictDataset ", dataset),
      [&](grpc::ClientContext& context) {
        return peers_.inference->PredictDataset(&context, request, &response);
      },
      cancelled);
  if (!status.ok()) return status;
  return response.prediction_set();
}

absl::StatusOr<metrics::EvaluateResponse> RunExecutor::EvaluateSet(
    const std::string& dataset, const std::string& prediction_set,
    const std::vector<std::pair<std::string, v1::Goal>>& goals, const CancelledFn& cancelled) {
  metrics::EvaluateRequest request;
  request.set_dataset(dataset);
  request.set_prediction_set(prediction_set);
  request.add_subpopulations()->set_key(kWholeSetKey);
  for (const auto& [goal_id, goal] : goals) {
    metrics::SubpopulationRequest* subpopulation = request.add_subpopulations();
    subpopulation->set_key(goal_id);
    subpopulation->set_filter_text(goal.subpopulation());
  }

  metrics::EvaluateResponse response;
  absl::Status status = CallWithRetry(
      retry_, absl::StrCat("Evaluate ", dataset),
      [&](grpc::ClientContext& context) {
        response.Clear();
        return peers_.metrics->Evaluate(&context, request, &response);
      },
      cancelled);
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<RunResult> RunExecutor::Execute(const RunRecord& run, const ProgressFn& progress,
                                               const CancelledFn& cancelled) {
  auto commit = catalog_.GetCommit(run.project_id, run.commit_id);
  if (!commit.ok()) return commit.status();
  std::vector<std::pair<std::string, v1::Goal>> goals;
  for (const std::string& goal_id : run.goal_ids) {
    auto goal = catalog_.GetGoal(run.project_id, goal_id);
    if (!goal.ok()) return goal.status();
    goals.emplace_back(goal_id, *std::move(goal));
  }

  RunResult result;
  CommitEvaluation& evaluation = result.evaluation;
  auto validation_dataset = GetDataset(commit->validation_dataset(), cancelled);
  if (!validation_dataset.ok()) return validation_dataset.status();
  auto training_dataset = GetDataset(commit->training_dataset(), cancelled);
  if (!training_dataset.ok()) return training_dataset.status();

  auto validation_set = ResolvePredictionSet(*commit, *validation_dataset, progress, cancelled);
  if (!validation_set.ok()) return validation_set.status();
  evaluation.validation_prediction_set = *validation_set;
  auto training_set = ResolvePredictionSet(*commit, *training_dataset, progress, cancelled);
  if (!training_set.ok()) return training_set.status();
  evaluation.training_prediction_set = *training_set;
  if (cancelled()) return Cancelled(run);

  // A goal whose subpopulation does not fit the commit's datasets gets an
  // error report of its own instead of failing the whole run.
  const bool validation_has_probabilities =
      !validation_set->empty() || validation_dataset->spec().probability_columns_size() > 0;
  const bool training_has_probabilities =
      !training_set->empty() || training_dataset->spec().probability_columns_size() > 0;

  std::vector<std::pair<std::string, v1::Goal>> evaluable;
  struct Unevaluable {
    std::string goal_id;
    const v1::Goal* goal;
    std::string error;
  };
  std::vector<Unevaluable> unevaluable;
  for (const auto& [goal_id, goal] : goals) {
    std::string error =
        SubpopulationError(goal, *validation_dataset, validation_has_probabilities);
    if (error.empty()) {
      error = SubpopulationError(goal, *training_dataset, training_has_probabilities);
    }
    if (error.empty()) {
      evaluable.emplace_back(goal_id, goal);
    } else {
      spdlog::info("goal {} of run {} cannot be evaluated: {}", goal.name(),
                   RunName(run.project_id, run.run_id), error);
      unevaluable.push_back({goal_id, &goal, error});
    }
  }

  progress(absl::StrFormat("evaluating %d goals on the validation set",
                           static_cast<int>(evaluable.size())));
  auto validation =
      EvaluateSet(commit->validation_dataset(), *validation_set, evaluable, cancelled);
  if (!validation.ok()) return validation.status();
  progress(absl::StrFormat("evaluating %d goals on the training set",
                           static_cast<int>(evaluable.size())));
  auto training = EvaluateSet(commit->training_dataset(), *training_set, evaluable, cancelled);
  if (!training.ok()) return training.status();
  if (cancelled()) return Cancelled(run);

  auto validation_results = ResultsByKey(*validation);
  auto training_results = ResultsByKey(*training);
  auto whole_validation =
      FindResult(validation_results, kWholeSetKey, commit->validation_dataset());
  if (!whole_validation.ok()) return whole_validation.status();
  auto whole_training = FindResult(training_results, kWholeSetKey, commit->training_dataset());
  if (!whole_training.ok()) return whole_training.status();
  *evaluation.metrics.mutable_validation() = **whole_validation;
  *evaluation.metrics.mutable_training() = **whole_training;

  const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
  auto finish_report = [&](const std::string& goal_id, v1::GoalReport report) {
    report.set_name(ReportName(run.project_id, run.commit_id, goal_id));
    report.set_commit(CommitName(run.project_id, run.commit_id));
    report.set_run(RunName(run.project_id, run.run_id));
    *report.mutable_create_time() = now;
    result.reports.push_back(std::move(report));
  };
  for (const Unevaluable& skipped : unevaluable) {
    finish_report(skipped.goal_id, ErrorReport(*skipped.goal, skipped.error));
  }
  for (const auto& [goal_id, goal] : evaluable) {
    auto on_validation = FindResult(validation_results, goal_id, commit->validation_dataset());
    if (!on_validation.ok()) return on_validation.status();
    auto on_training = FindResult(training_results, goal_id, commit->training_dataset());
    if (!on_training.ok()) return on_training.status();

    finish_report(goal_id, JudgeGoal(goal, **on_validation, **on_training));
  }
  return result;
}

}  // namespace goalpost::orchestrator

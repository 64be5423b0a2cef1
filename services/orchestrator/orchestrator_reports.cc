// Goal reports, their rows and explanations, and commit metrics.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "services/orchestrator/orchestrator.h"
#include "services/orchestrator/resource_names.h"
#include "services/orchestrator/storage_util.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {
namespace {

namespace explain = ::goalpost::explain::v1;

constexpr int kDefaultReportPageSize = 50;
constexpr int kMaxReportPageSize = 1000;
constexpr int kDefaultRowPageSize = 20;
constexpr int kMaxRowPageSize = 500;

const std::string& TargetDataset(const v1::Commit& commit, v1::TargetSet target) {
  return target == v1::TARGET_SET_TRAINING ? commit.training_dataset()
                                           : commit.validation_dataset();
}

const std::string& TargetPredictionSet(const CommitEvaluation& evaluation, v1::TargetSet target) {
  return target == v1::TARGET_SET_TRAINING ? evaluation.training_prediction_set
                                           : evaluation.validation_prediction_set;
}

}  // namespace

absl::StatusOr<v1::ListGoalReportsResponse> Orchestrator::ListGoalReports(
    const v1::ListGoalReportsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName commit, ParseCommitName(request.commit(), "commit"));
  GOALPOST_ASSIGN_OR_RETURN(
      int page_size, PageSize(request.page_size(), kDefaultReportPageSize, kMaxReportPageSize));
  GOALPOST_ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(request.page_token()));
  GOALPOST_RETURN_IF_ERROR(catalog_.GetCommit(commit.project_id, commit.child_id).status());
  GOALPOST_ASSIGN_OR_RETURN(
      auto reports, reports_.ListReports(commit.project_id, commit.child_id, offset, page_size + 1));

  v1::ListGoalReportsResponse response;
  if (static_cast<int>(reports.size()) > page_size) {
    reports.resize(page_size);
    response.set_next_page_token(EncodePageToken(offset + page_size));
  }
  for (v1::GoalReport& report : reports) *response.add_reports() = std::move(report);
  return response;
}

absl::StatusOr<v1::GetGoalReportResponse> Orchestrator::GetGoalReport(
    const v1::GetGoalReportRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ReportKey key, ParseReportName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(v1::GoalReport report,
                            reports_.GetReport(key.project_id, key.commit_id, key.goal_id));
  v1::GetGoalReportResponse response;
  *response.mutable_report() = std::move(report);
  return response;
}

absl::StatusOr<v1::ListReportRowsResponse> Orchestrator::ListReportRows(
    const v1::ListReportRowsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ReportKey key, ParseReportName(request.report(), "report"));
  GOALPOST_ASSIGN_OR_RETURN(int page_size,
                            PageSize(request.page_size(), kDefaultRowPageSize, kMaxRowPageSize));
  GOALPOST_ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(request.page_token()));
  GOALPOST_ASSIGN_OR_RETURN(v1::GoalReport report,
                            reports_.GetReport(key.project_id, key.commit_id, key.goal_id));
  GOALPOST_ASSIGN_OR_RETURN(v1::Commit commit, catalog_.GetCommit(key.project_id, key.commit_id));
  GOALPOST_ASSIGN_OR_RETURN(CommitEvaluation evaluation,
                            reports_.GetCommitEvaluation(key.project_id, key.commit_id));

  ReportRowSource source;
  source.dataset = TargetDataset(commit, report.target());
  source.prediction_set = TargetPredictionSet(evaluation, report.target());
  source.subpopulation = report.subpopulation();
  return report_rows_.List(source, offset, page_size);
}

absl::StatusOr<v1::ExplainReportRowResponse> Orchestrator::ExplainReportRow(
    const v1::ExplainReportRowRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ReportKey key, ParseReportName(request.report(), "report"));
  if (request.row_id().empty()) {
    return absl::InvalidArgumentError(
        "row_id is empty; pass the row_id of a row from ListReportRows");
  }
  GOALPOST_ASSIGN_OR_RETURN(v1::GoalReport report,
                            reports_.GetReport(key.project_id, key.commit_id, key.goal_id));
  GOALPOST_ASSIGN_OR_RETURN(v1::Commit commit, catalog_.GetCommit(key.project_id, key.commit_id));
  if (commit.model().empty()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "explanations need a full model; commit %s has a shell model (its predictions are "
        "dataset columns), so create a commit with a model registered in the inference service",
        commit.name()));
  }

  ExplanationKey cache_key{key.project_id, key.commit_id, TargetDataset(commit, report.target()),
                           request.row_id(), request.options()};
  GOALPOST_ASSIGN_OR_RETURN(auto cached, reports_.FindExplanation(cache_key));
  v1::ExplainReportRowResponse response;
  if (cached.has_value()) {
    *response.mutable_explanation() = *std::move(cached);
    response.set_cached(true);
    return response;
  }

  explain::ExplainRowRequest explain_request;
  explain_request.set_model(commit.model());
  explain_request.set_dataset(cache_key.dataset);
  explain_request.set_row_id(request.row_id());
  explain_request.set_training_dataset(commit.training_dataset());
  *explain_request.mutable_options() = request.options();
  explain::ExplainRowResponse explain_response;
  GOALPOST_RETURN_IF_ERROR(CallWithRetry(
      retry_, absl::StrCat("ExplainRow ", request.row_id(), " of ", cache_key.dataset),
      [&](grpc::ClientContext& context) {
        return peers_.explain->ExplainRow(&context, explain_request, &explain_response);
      }));
  GOALPOST_RETURN_IF_ERROR(reports_.StoreExplanation(cache_key, explain_response.explanation()));
  spdlog::debug("explained row {} of {}", request.row_id(), request.report());

  *response.mutable_explanation() = explain_response.explanation();
  response.set_cached(false);
  return response;
}

absl::StatusOr<v1::GetCommitMetricsResponse> Orchestrator::GetCommitMetrics(
    const v1::GetCommitMetricsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName name, ParseCommitName(request.commit(), "commit"));
  GOALPOST_ASSIGN_OR_RETURN(v1::Commit commit, catalog_.GetCommit(name.project_id, name.child_id));
  absl::StatusOr<CommitEvaluation> evaluation =
      reports_.GetCommitEvaluation(name.project_id, name.child_id);
  if (evaluation.status().code() == absl::StatusCode::kNotFound) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "commit %s has not been evaluated yet; wait for run %s to succeed", commit.name(),
        commit.run()));
  }
  if (!evaluation.ok()) return evaluation.status();
  return evaluation->metrics;
}

}  // namespace goalpost::orchestrator

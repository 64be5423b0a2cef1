#include "services/orchestrator/orchestrator_service.h"

#include "common/status.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {
namespace {

// Moves an OK result into the response, or converts the error.
template <typename Response>
grpc::Status Reply(absl::StatusOr<Response> result, Response* response) {
  if (!result.ok()) {
    spdlog::debug("request failed: {}", result.status().ToString());
    return ToGrpcStatus(result.status());
  }
  *response = *std::move(result);
  return grpc::Status::OK;
}

bool IsFinal(v1::RunState state) {
  return state == v1::RUN_STATE_SUCCEEDED || state == v1::RUN_STATE_FAILED;
}

}  // namespace

grpc::Status OrchestratorServiceImpl::CreateProject(grpc::ServerContext*,
                                                    const v1::CreateProjectRequest* request,
                                                    v1::CreateProjectResponse* response) {
  return Reply(orchestrator_.CreateProject(*request), response);
}

grpc::Status OrchestratorServiceImpl::GetProject(grpc::ServerContext*,
                                                 const v1::GetProjectRequest* request,
                                                 v1::GetProjectResponse* response) {
  return Reply(orchestrator_.GetProject(*request), response);
}

grpc::Status OrchestratorServiceImpl::ListProjects(grpc::ServerContext*,
                                                   const v1::ListProjectsRequest* request,
                                                   v1::ListProjectsResponse* response) {
  return Reply(orchestrator_.ListProjects(*request), response);
}

grpc::Status OrchestratorServiceImpl::CreateCommit(grpc::ServerContext*,
                                                   const v1::CreateCommitRequest* request,
                                                   v1::CreateCommitResponse* response) {
  return Reply(orchestrator_.CreateCommit(*request), response);
}

grpc::Status OrchestratorServiceImpl::GetCommit(grpc::ServerContext*,
                                                const v1::GetCommitRequest* request,
                                                v1::GetCommitResponse* response) {
  return Reply(orchestrator_.GetCommit(*request), response);
}

grpc::Status OrchestratorServiceImpl::ListCommits(grpc::ServerContext*,
                                                  const v1::ListCommitsRequest* request,
                                                  v1::ListCommitsResponse* response) {
  return Reply(orchestrator_.ListCommits(*request), response);
}

grpc::Status OrchestratorServiceImpl::CreateGoal(grpc::ServerContext*,
                                                 const v1::CreateGoalRequest* request,
                                                 v1::CreateGoalResponse* response) {
  return Reply(orchestrator_.CreateGoal(*request), response);
}

grpc::Status OrchestratorServiceImpl::GetGoal(grpc::ServerContext*,
                                              const v1::GetGoalRequest* request,
                                              v1::GetGoalResponse* response) {
  return Reply(orchestrator_.GetGoal(*request), response);
}

grpc::Status OrchestratorServiceImpl::ListGoals(grpc::ServerContext*,
                                                const v1::ListGoalsRequest* request,
                                                v1::ListGoalsResponse* response) {
  return Reply(orchestrator_.ListGoals(*request), response);
}

grpc::Status OrchestratorServiceImpl::DeleteGoal(grpc::ServerContext*,
                                                 const v1::DeleteGoalRequest* request,
                                                 v1::DeleteGoalResponse* response) {
  return Reply(orchestrator_.DeleteGoal(*request), response);
}

grpc::Status OrchestratorServiceImpl::GetRun(grpc::ServerContext*,
                                             const v1::GetRunRequest* request,
                                             v1::GetRunResponse* response) {
  return Reply(orchestrator_.GetRun(*request), response);
}

grpc::Status OrchestratorServiceImpl::ListRuns(grpc::ServerContext*,
                                               const v1::ListRunsRequest* request,
                                               v1::ListRunsResponse* response) {
  return Reply(orchestrator_.ListRuns(*request), response);
}

// Polls the run queue: a run may be worked on by another replica, so there
// is no in-process signal to wait on. The first message carries the current
// state; then one message per recorded event; the stream ends after the
// event that finished the run.
grpc::Status OrchestratorServiceImpl::WatchRun(grpc::ServerContext* context,
                                               const v1::WatchRunRequest* request,
                                               grpc::ServerWriter<v1::WatchRunResponse>* writer) {
  absl::StatusOr<RunProgress> first = orchestrator_.WatchRunStep(request->name(), 0);
  if (!first.ok()) return ToGrpcStatus(first.status());
  int64_t last_event_id = 0;
  v1::WatchRunResponse start;
  *start.mutable_run() = first->run;
  start.set_message("current state");
  *start.mutable_event_time() = first->events.empty() ? first->run.create_time()
                                                      : first->events.back().event_time;
  if (!first->events.empty()) last_event_id = first->events.back().event_id;
  if (!writer->Write(start)) return grpc::Status::CANCELLED;

  // The final event is written in the same transaction as the final state,
  // so one more step after seeing that state delivers it.
  bool final_seen = IsFinal(first->run.state());
  while (!context->IsCancelled()) {
    if (!final_seen) absl::SleepFor(watch_interval_);
    absl::StatusOr<RunProgress> step = orchestrator_.WatchRunStep(request->name(), last_event_id);
    if (!step.ok()) return ToGrpcStatus(step.status());
    for (const RunEvent& event : step->events) {
      v1::WatchRunResponse message;
      *message.mutable_run() = step->run;
      message.set_message(event.message);
      *message.mutable_event_time() = event.event_time;
      last_event_id = event.event_id;
      if (!writer->Write(message)) return grpc::Status::CANCELLED;
    }
    if (final_seen) return grpc::Status::OK;
    final_seen = IsFinal(step->run.state());
  }
  return grpc::Status::CANCELLED;
}

grpc::Status OrchestratorServiceImpl::ListGoalReports(grpc::ServerContext*,
                                                      const v1::ListGoalReportsRequest* request,
                                                      v1::ListGoalReportsResponse* response) {
  return Reply(orchestrator_.ListGoalReports(*request), response);
}

grpc::Status OrchestratorServiceImpl::GetGoalReport(grpc::ServerContext*,
                                                    const v1::GetGoalReportRequest* request,
                                                    v1::GetGoalReportResponse* response) {
  return Reply(orchestrator_.GetGoalReport(*request), response);
}

grpc::Status OrchestratorServiceImpl::ListReportRows(grpc::ServerContext*,
                                                     const v1::ListReportRowsRequest* request,
                                                     v1::ListReportRowsResponse* response) {
  return Reply(orchestrator_.ListReportRows(*request), response);
}

grpc::Status OrchestratorServiceImpl::ExplainReportRow(grpc::ServerContext*,
                                                       const v1::ExplainReportRowRequest* request,
                                                       v1::ExplainReportRowResponse* response) {
  return Reply(orchestrator_.ExplainReportRow(*request), response);
}

grpc::Status OrchestratorServiceImpl::GetCommitMetrics(grpc::ServerContext*,
                                                       const v1::GetCommitMetricsRequest* request,
                                                       v1::GetCommitMetricsResponse* response) {
  return Reply(orchestrator_.GetCommitMetrics(*request), response);
}

}  // namespace goalpost::orchestrator

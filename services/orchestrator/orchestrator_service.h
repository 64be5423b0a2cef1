#ifndef GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_SERVICE_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_SERVICE_H_

#include "absl/time/time.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"
#include "services/orchestrator/orchestrator.h"

namespace goalpost::orchestrator {

// The gRPC adapter of GoalOrchestrator: forwards each call to Orchestrator
// and converts the status once.
class OrchestratorServiceImpl final : public v1::GoalOrchestrator::Service {
 public:
  // `watch_interval` is how often WatchRun looks for new events.
  explicit OrchestratorServiceImpl(Orchestrator& orchestrator,
                                   absl::Duration watch_interval = absl::Milliseconds(200))
      : orchestrator_(orchestrator), watch_interval_(watch_interval) {}

  grpc::Status CreateProject(grpc::ServerContext*, const v1::CreateProjectRequest* request,
                             v1::CreateProjectResponse* response) override;
  grpc::Status GetProject(grpc::ServerContext*, const v1::GetProjectRequest* request,
                          v1::GetProjectResponse* response) override;
  grpc::Status ListProjects(grpc::ServerContext*, const v1::ListProjectsRequest* request,
                            v1::ListProjectsResponse* response) override;
  grpc::Status CreateCommit(grpc::ServerContext*, const v1::CreateCommitRequest* request,
                            v1::CreateCommitResponse* response) override;
  grpc::Status GetCommit(grpc::ServerContext*, const v1::GetCommitRequest* request,
                         v1::GetCommitResponse* response) override;
  grpc::Status ListCommits(grpc::ServerContext*, const v1::ListCommitsRequest* request,
                           v1::ListCommitsResponse* response) override;
  grpc::Status CreateGoal(grpc::ServerContext*, const v1::CreateGoalRequest* request,
                          v1::CreateGoalResponse* response) override;
  grpc::Status GetGoal(grpc::ServerContext*, const v1::GetGoalRequest* request,
                       v1::GetGoalResponse* response) override;
  grpc::Status ListGoals(grpc::ServerContext*, const v1::ListGoalsRequest* request,
                         v1::ListGoalsResponse* response) override;
  grpc::Status DeleteGoal(grpc::ServerContext*, const v1::DeleteGoalRequest* request,
                          v1::DeleteGoalResponse* response) override;
  grpc::Status GetRun(grpc::ServerContext*, const v1::GetRunRequest* request,
                      v1::GetRunResponse* response) override;
  grpc::Status ListRuns(grpc::ServerContext*, const v1::ListRunsRequest* request,
                        v1::ListRunsResponse* response) override;
  grpc::Status WatchRun(grpc::ServerContext* context, const v1::WatchRunRequest* request,
                        grpc::ServerWriter<v1::WatchRunResponse>* writer) override;
  grpc::Status ListGoalReports(grpc::ServerContext*, const v1::ListGoalReportsRequest* request,
                               v1::ListGoalReportsResponse* response) override;
  grpc::Status GetGoalReport(grpc::ServerContext*, const v1::GetGoalReportRequest* request,
                             v1::GetGoalReportResponse* response) override;
  grpc::Status ListReportRows(grpc::ServerContext*, const v1::ListReportRowsRequest* request,
                              v1::ListReportRowsResponse* response) override;
  grpc::Status ExplainReportRow(grpc::ServerContext*, const v1::ExplainReportRowRequest* request,
                                v1::ExplainReportRowResponse* response) override;
  grpc::Status GetCommitMetrics(grpc::ServerContext*, const v1::GetCommitMetricsRequest* request,
                                v1::GetCommitMetricsResponse* response) override;

 private:
  Orchestrator& orchestrator_;
  absl::Duration watch_interval_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_SERVICE_H_

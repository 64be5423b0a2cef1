#ifndef GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"
#include "services/orchestrator/catalog_store.h"
#include "services/orchestrator/peer_clients.h"
#include "services/orchestrator/report_rows.h"
#include "services/orchestrator/report_store.h"
#include "services/orchestrator/run_queue.h"

namespace goalpost::orchestrator {

// A run with the events recorded after a given event id.
struct RunProgress {
  v1::Run run;
  std::vector<RunEvent> events;
};

// The GoalOrchestrator API without gRPC: checks requests, reads and writes
// the stores, and calls the other services. Methods follow the RPCs of
// goalpost.orchestrator.v1.GoalOrchestrator and return their errors.
class Orchestrator {
 public:
  // `run_queued` is called after a commit or goal queued a run, to wake the
  // local workers.
  Orchestrator(CatalogStore& catalog, ReportStore& reports, RunQueue& queue, PeerClients& peers,
               RetryPolicy retry, std::function<void()> run_queued);

  absl::StatusOr<v1::CreateProjectResponse> CreateProject(const v1::CreateProjectRequest& request);
  absl::StatusOr<v1::GetProjectResponse> GetProject(const v1::GetProjectRequest& request);
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(const v1::ListProjectsRequest& request);

  absl::StatusOr<v1::CreateCommitResponse> CreateCommit(const v1::CreateCommitRequest& request);
  absl::StatusOr<v1::GetCommitResponse> GetCommit(const v1::GetCommitRequest& request);
  absl::StatusOr<v1::ListCommitsResponse> ListCommits(const v1::ListCommitsRequest& request);

  absl::StatusOr<v1::CreateGoalResponse> CreateGoal(const v1::CreateGoalRequest& request);
  absl::StatusOr<v1::GetGoalResponse> GetGoal(const v1::GetGoalRequest& request);
  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& request);
  absl::StatusOr<v1::DeleteGoalResponse> DeleteGoal(const v1::DeleteGoalRequest& request);

  absl::StatusOr<v1::GetRunResponse> GetRun(const v1::GetRunRequest& request);
  absl::StatusOr<v1::ListRunsResponse> ListRuns(const v1::ListRunsRequest& request);
  // The run named `run_name` and its events after `after_event_id`.
  absl::StatusOr<RunProgress> WatchRunStep(const std::string& run_name, int64_t after_event_id);

  absl::StatusOr<v1::ListGoalReportsResponse> ListGoalReports(
      const v1::ListGoalReportsRequest& request);
  absl::StatusOr<v1::GetGoalReportResponse> GetGoalReport(const v1::GetGoalReportRequest& request);
  absl::StatusOr<v1::ListReportRowsResponse> ListReportRows(
      const v1::ListReportRowsRequest& request);
  absl::StatusOr<v1::ExplainReportRowResponse> ExplainReportRow(
      const v1::ExplainReportRowRequest& request);
  absl::StatusOr<v1::GetCommitMetricsResponse> GetCommitMetrics(
      const v1::GetCommitMetricsRequest& request);

 private:
  // Checks that a dataset named by a commit exists in the project, has the
  // expected role and the project's classes and, for a shell model, a
  // prediction column.
  absl::Status CheckDataset(const std::string& field, const std::string& name,
                            const std::string& project_id, const v1::Project& project,
                            bool shell_model, goalpost::datasets::v1::DatasetRole expected_role);
  // Checks that a new goal's subpopulation can be evaluated on the
  // validation set of the project's latest commit (its columns exist and fit
  // the conditions); OK when the project has no commit yet.
  absl::Status CheckSubpopulationOnLatestCommit(const std::string& project_id,
                                                const v1::Goal& goal);
  absl::Status CheckModel(const std::string& name, const std::string& project_id,
                          const v1::Project& project);
  absl::StatusOr<std::vector<std::string>> MetricNames(const v1::Project& project);

  CatalogStore& catalog_;
  ReportStore& reports_;
  RunQueue& queue_;
  PeerClients& peers_;
  RetryPolicy retry_;
  std::function<void()> run_queued_;
  ReportRows report_rows_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_ORCHESTRATOR_H_

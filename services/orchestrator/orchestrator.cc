// Projects, commits, goals and runs of the Orchestrator; reports, rows,
// explanations and commit metrics are in orchestrator_reports.cc.
#include "services/orchestrator/orchestrator.h"

#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/filter/filter.h"
#include "common/status.h"
#include "services/orchestrator/goal_validation.h"
#include "services/orchestrator/resource_names.h"
#include "services/orchestrator/storage_util.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {
namespace {

using google::protobuf::util::TimeUtil;
namespace datasets = ::goalpost::datasets::v1;
namespace inference = ::goalpost::inference::v1;
namespace metrics = ::goalpost::metrics::v1;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

absl::Status ValidateClassNames(const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.size() < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "class_names has %d names; a project needs at least two classes", names.size()));
  }
  absl::flat_hash_set<std::string> seen;
  for (const std::string& name : names) {
    if (name.empty()) return absl::InvalidArgumentError("class_names contains an empty name");
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("class_names contains \"%s\" twice; class names must be unique", name));
    }
  }
  return absl::OkStatus();
}

bool SameClasses(const google::protobuf::RepeatedPtrField<std::string>& a,
                 const google::protobuf::RepeatedPtrField<std::string>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// Pages of a store listing: the store returns one row more than the page
// so that the last page has no next token.
template <typename T>
std::string NextPageToken(std::vector<T>& items, int64_t offset, int page_size) {
  if (static_cast<int>(items.size()) <= page_size) return "";
  items.resize(page_size);
  return EncodePageToken(offset + page_size);
}

}  // namespace

Orchestrator::Orchestrator(CatalogStore& catalog, ReportStore& reports, RunQueue& queue,
                           PeerClients& peers, RetryPolicy retry, std::function<void()> run_queued)
    : catalog_(catalog),
      reports_(reports),
      queue_(queue),
      peers_(peers),
      retry_(retry),
      run_queued_(std::move(run_queued)),
      report_rows_(peers, retry) {}

absl::StatusOr<v1::CreateProjectResponse> Orchestrator::CreateProject(
    const v1::CreateProjectRequest& request) {
  GOALPOST_RETURN_IF_ERROR(ValidateProjectId(request.project_id()));
  if (request.task_type() == v1::TASK_TYPE_UNSPECIFIED ||
      !v1::TaskType_IsValid(request.task_type())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "task_type %d is invalid; use text classification or tabular classification",
        static_cast<int>(request.task_type())));
  }
  GOALPOST_RETURN_IF_ERROR(ValidateClassNames(request.class_names()));

  v1::Project project;
  project.set_name(ProjectName(request.project_id()));
  project.set_task_type(request.task_type());
  *project.mutable_class_names() = request.class_names();
  *project.mutable_create_time() = TimeUtil::GetCurrentTime();
  GOALPOST_RETURN_IF_ERROR(catalog_.CreateProject(request.project_id(), project));
  spdlog::info("created project {}", project.name());

  v1::CreateProjectResponse response;
  *response.mutable_project() = project;
  return response;
}

absl::StatusOr<v1::GetProjectResponse> Orchestrator::GetProject(
    const v1::GetProjectRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(std::string project_id, ParseProjectName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(v1::Project project, catalog_.GetProject(project_id));
  v1::GetProjectResponse response;
  *response.mutable_project() = std::move(project);
  return response;
}

absl::StatusOr<v1::ListProjectsResponse> Orchestrator::ListProjects(
    const v1::ListProjectsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(int page_size,
                            PageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  GOALPOST_ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(request.page_token()));
  GOALPOST_ASSIGN_OR_RETURN(auto projects, catalog_.ListProjects(offset, page_size + 1));
  v1::ListProjectsResponse response;
  response.set_next_page_token(NextPageToken(projects, offset, page_size));
  for (v1::Project& project : projects) *response.add_projects() = std::move(project);
  return response;
}

absl::Status Orchestrator::CheckDataset(const std::string& field, const std::string& name,
                                        const std::string& project_id, const v1::Project& project,
                                        bool shell_model, datasets::DatasetRole expected_role) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is empty; name a dataset as projects/{project}/datasets/{dataset}"));
  }
  GOALPOST_ASSIGN_OR_RETURN(ChildName dataset_name, ParseDatasetName(name, field));
  if (dataset_name.project_id != project_id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s %s belongs to another project; use a dataset of %s", field, name, project.name()));
  }

  datasets::GetDatasetRequest request;
  request.set_name(name);
  datasets::GetDatasetResponse response;
  GOALPOST_RETURN_IF_ERROR(
      CallWithRetry(retry_, absl::StrCat("GetDataset ", name), [&](grpc::ClientContext& context) {
        return peers_.datasets->GetDataset(&context, request, &response);
      }));
  const datasets::DatasetRole role = response.dataset().spec().role();
  if (role != expected_role) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s %s was uploaded as a %s set; name a dataset uploaded with the role %s", field, name,
        role == datasets::DATASET_ROLE_TRAINING ? "training" : "validation",
        expected_role == datasets::DATASET_ROLE_TRAINING ? "training" : "validation"));
  }
  if (!SameClasses(response.dataset().spec().class_names(), project.class_names())) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s %s has classes [%s] but project %s has [%s]; upload it with the project's classes",
        field, name, absl::StrJoin(response.dataset().spec().class_names(), ", "), project.name(),
        absl::StrJoin(project.class_names(), ", ")));
  }
  if (shell_model && response.dataset().spec().prediction_column().empty()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s %s has no prediction column, so a commit without a model cannot be evaluated on it; "
        "upload it with --prediction-column or name a model in the commit",
        field, name));
  }
  return absl::OkStatus();
}

absl::Status Orchestrator::CheckModel(const std::string& name, const std::string& project_id,
                                      const v1::Project& project) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName model_name, ParseModelName(name, "model"));
  if (model_name.project_id != project_id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "model %s belongs to another project; use a model of %s", name, project.name()));
  }

  inference::GetModelRequest request;
  request.set_name(name);
  inference::GetModelResponse response;
  GOALPOST_RETURN_IF_ERROR(
      CallWithRetry(retry_, absl::StrCat("GetModel ", name), [&](grpc::ClientContext& context) {
        return peers_.inference->GetModel(&context, request, &response);
      }));
  if (!SameClasses(response.model().spec().class_names(), project.class_names())) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "model %s has classes [%s] but project %s has [%s]", name,
        absl::StrJoin(response.model().spec().class_names(), ", "), project.name(),
        absl::StrJoin(project.class_names(), ", ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CreateCommitResponse> Orchestrator::CreateCommit(
    const v1::CreateCommitRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(std::string project_id, ParseProjectName(request.project(), "project"));
  GOALPOST_ASSIGN_OR_RETURN(v1::Project project, catalog_.GetProject(project_id));
  const bool shell_model = request.model().empty();
  GOALPOST_RETURN_IF_ERROR(CheckDataset("training_dataset", request.training_dataset(), project_id,
                                        project, shell_model, datasets::DATASET_ROLE_TRAINING));
  GOALPOST_RETURN_IF_ERROR(CheckDataset("validation_dataset", request.validation_dataset(),
                                        project_id, project, shell_model,
                                        datasets::DATASET_ROLE_VALIDATION));
  if (!request.model().empty()) {
    GOALPOST_RETURN_IF_ERROR(CheckModel(request.model(), project_id, project));
  }

  const std::string commit_id = NewResourceId();
  v1::Commit commit;
  commit.set_name(CommitName(project_id, commit_id));
  commit.set_training_dataset(request.training_dataset());
  commit.set_validation_dataset(request.validation_dataset());
  commit.set_model(request.model());
  commit.set_message(request.message());
  *commit.mutable_create_time() = TimeUtil::GetCurrentTime();
  GOALPOST_ASSIGN_OR_RETURN(commit,
                            catalog_.CreateCommit(project_id, commit_id, commit, NewResourceId()));
  spdlog::info("created commit {} and queued run {}", commit.name(), commit.run());
  run_queued_();

  v1::CreateCommitResponse response;
  *response.mutable_commit() = std::move(commit);
  return response;
}

absl::StatusOr<v1::GetCommitResponse> Orchestrator::GetCommit(const v1::GetCommitRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName name, ParseCommitName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(v1::Commit commit, catalog_.GetCommit(name.project_id, name.child_id));
  v1::GetCommitResponse response;
  *response.mutable_commit() = std::move(commit);
  return response;
}

absl::StatusOr<v1::ListCommitsResponse> Orchestrator::ListCommits(
    const v1::ListCommitsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(std::string project_id, ParseProjectName(request.project(), "project"));
  GOALPOST_ASSIGN_OR_RETURN(int page_size,
                            PageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  GOALPOST_ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(request.page_token()));
  GOALPOST_RETURN_IF_ERROR(catalog_.GetProject(project_id).status());
  GOALPOST_ASSIGN_OR_RETURN(auto commits, catalog_.ListCommits(project_id, offset, page_size + 1));
  v1::ListCommitsResponse response;
  response.set_next_page_token(NextPageToken(commits, offset, page_size));
  for (v1::Commit& commit : commits) *response.add_commits() = std::move(commit);
  return response;
}

absl::StatusOr<std::vector<std::string>> Orchestrator::MetricNames(const v1::Project& project) {
  metrics::ListMetricNamesRequest request;
  *request.mutable_class_names() = project.class_names();
  metrics::ListMetricNamesResponse response;
  GOALPOST_RETURN_IF_ERROR(
      CallWithRetry(retry_, "ListMetricNames", [&](grpc::ClientContext& context) {
        return peers_.metrics->ListMetricNames(&context, request, &response);
      }));
  return std::vector<std::string>(response.metric_names().begin(), response.metric_names().end());
}

absl::Status Orchestrator::CheckSubpopulationOnLatestCommit(const std::string& project_id,
                                                            const v1::Goal& goal) {
  GOALPOST_ASSIGN_OR_RETURN(std::vector<v1::Commit> latest, catalog_.ListCommits(project_id, 0, 1));
  if (latest.empty()) return absl::OkStatus();
  const v1::Commit& commit = latest.front();

  datasets::GetDatasetRequest request;
  request.set_name(commit.validation_dataset());
  datasets::GetDatasetResponse response;
  GOALPOST_RETURN_IF_ERROR(CallWithRetry(
      retry_, absl::StrCat("GetDataset ", commit.validation_dataset()),
      [&](grpc::ClientContext& context) {
        return peers_.datasets->GetDataset(&context, request, &response);
      }));

  // ValidateGoal has parsed the subpopulation already, so this parse succeeds.
  GOALPOST_ASSIGN_OR_RETURN(filter::Filter parsed, filter::Parse(goal.subpopulation()));
  const bool has_probabilities =
      !commit.model().empty() || response.dataset().spec().probability_columns_size() > 0;
  absl::StatusOr<filter::CompiledFilter> compiled = filter::CompiledFilter::Compile(
      parsed, filter::SchemaFromDataset(response.dataset()), has_probabilities);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "goal.subpopulation cannot be evaluated on the validation set %s of the latest commit "
        "%s: %s; name a column that the dataset has",
        commit.validation_dataset(), commit.name(), compiled.status().message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CreateGoalResponse> Orchestrator::CreateGoal(
    const v1::CreateGoalRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(std::string project_id, ParseProjectName(request.project(), "project"));
  GOALPOST_ASSIGN_OR_RETURN(v1::Project project, catalog_.GetProject(project_id));
  GOALPOST_ASSIGN_OR_RETURN(std::vector<std::string> metric_names, MetricNames(project));
  std::vector<std::string> class_names(project.class_names().begin(),
                                       project.class_names().end());
  GOALPOST_ASSIGN_OR_RETURN(v1::Goal goal, ValidateGoal(request.goal(), class_names, metric_names));
  GOALPOST_RETURN_IF_ERROR(CheckSubpopulationOnLatestCommit(project_id, goal));

  const std::string goal_id = NewResourceId();
  goal.set_name(GoalName(project_id, goal_id));
  goal.set_archived(false);
  *goal.mutable_create_time() = TimeUtil::GetCurrentTime();
  GOALPOST_ASSIGN_OR_RETURN(std::string run_id,
                            catalog_.CreateGoal(project_id, goal_id, goal, NewResourceId()));
  spdlog::info("created goal {}{}", goal.name(),
               run_id.empty() ? std::string(" (no commit to evaluate yet)")
                              : absl::StrCat(" and queued run ", RunName(project_id, run_id)));
  if (!run_id.empty()) run_queued_();

  v1::CreateGoalResponse response;
  *response.mutable_goal() = std::move(goal);
  if (!run_id.empty()) response.set_run(RunName(project_id, run_id));
  return response;
}

absl::StatusOr<v1::GetGoalResponse> Orchestrator::GetGoal(const v1::GetGoalRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName name, ParseGoalName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(v1::Goal goal, catalog_.GetGoal(name.project_id, name.child_id));
  v1::GetGoalResponse response;
  *response.mutable_goal() = std::move(goal);
  return response;
}

absl::StatusOr<v1::ListGoalsResponse> Orchestrator::ListGoals(const v1::ListGoalsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(std::string project_id, ParseProjectName(request.project(), "project"));
  GOALPOST_ASSIGN_OR_RETURN(int page_size,
                            PageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  GOALPOST_ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(request.page_token()));
  GOALPOST_RETURN_IF_ERROR(catalog_.GetProject(project_id).status());
  GOALPOST_ASSIGN_OR_RETURN(auto goals, catalog_.ListGoals(project_id, offset, page_size + 1,
                                                           request.include_archived()));
  v1::ListGoalsResponse response;
  response.set_next_page_token(NextPageToken(goals, offset, page_size));
  for (v1::Goal& goal : goals) *response.add_goals() = std::move(goal);
  return response;
}

absl::StatusOr<v1::DeleteGoalResponse> Orchestrator::DeleteGoal(
    const v1::DeleteGoalRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName name, ParseGoalName(request.name(), "name"));
  GOALPOST_RETURN_IF_ERROR(catalog_.ArchiveGoal(name.project_id, name.child_id));
  spdlog::info("archived goal {}", request.name());
  return v1::DeleteGoalResponse();
}

absl::StatusOr<v1::GetRunResponse> Orchestrator::GetRun(const v1::GetRunRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName name, ParseRunName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(RunRecord run, queue_.GetRun(name.project_id, name.child_id));
  v1::GetRunResponse response;
  *response.mutable_run() = RunToProto(run);
  return response;
}

absl::StatusOr<v1::ListRunsResponse> Orchestrator::ListRuns(const v1::ListRunsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(std::string project_id, ParseProjectName(request.project(), "project"));
  GOALPOST_ASSIGN_OR_RETURN(int page_size,
                            PageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  GOALPOST_ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(request.page_token()));
  GOALPOST_RETURN_IF_ERROR(catalog_.GetProject(project_id).status());
  GOALPOST_ASSIGN_OR_RETURN(auto runs, queue_.ListRuns(project_id, offset, page_size + 1));
  v1::ListRunsResponse response;
  response.set_next_page_token(NextPageToken(runs, offset, page_size));
  for (const RunRecord& run : runs) *response.add_runs() = RunToProto(run);
  return response;
}

absl::StatusOr<RunProgress> Orchestrator::WatchRunStep(const std::string& run_name,
                                                       int64_t after_event_id) {
  GOALPOST_ASSIGN_OR_RETURN(ChildName name, ParseRunName(run_name, "name"));
  RunProgress progress;
  // Events first: an event recorded between the two reads then shows up
  // with the next step rather than after the run's final state.
  GOALPOST_ASSIGN_OR_RETURN(progress.events,
                            queue_.ListEvents(name.project_id, name.child_id, after_event_id));
  GOALPOST_ASSIGN_OR_RETURN(RunRecord run, queue_.GetRun(name.project_id, name.child_id));
  progress.run = RunToProto(run);
  return progress;
}

}  // namespace goalpost::orchestrator

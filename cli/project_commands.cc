// goalpost project create | show
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/resource_names.h"
#include "common/status.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

absl::StatusOr<orchestrator::TaskType> ParseTask(const std::string& task) {
  if (task == "text-classification") return orchestrator::TASK_TYPE_TEXT_CLASSIFICATION;
  if (task == "tabular-classification") return orchestrator::TASK_TYPE_TABULAR_CLASSIFICATION;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid value \"", task, "\" for --task: use text-classification or tabular-classification"));
}

void PrintProject(Context& context, const orchestrator::Project& project) {
  if (context.json()) {
    context.PrintJson(ProjectJson(project));
    return;
  }
  context.out() << "project " << project.name() << "\n  task: " << TaskWord(project.task_type())
                << "\n  classes: " << absl::StrJoin(project.class_names(), ", ") << "\n";
}

absl::Status CreateProject(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({"NAME"}));
  GOALPOST_ASSIGN_OR_RETURN(std::string task, arguments.Require("task"));
  GOALPOST_ASSIGN_OR_RETURN(orchestrator::TaskType task_type, ParseTask(task));
  GOALPOST_ASSIGN_OR_RETURN(std::string classes, arguments.Require("classes"));

  orchestrator::CreateProjectRequest request;
  std::string project_id = arguments.positional()[0];
  if (absl::StartsWith(project_id, "projects/")) project_id = project_id.substr(9);
  request.set_project_id(project_id);
  request.set_task_type(task_type);
  for (const auto& name : SplitList(classes)) request.add_class_names(name);

  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::CreateProjectResponse response;
  grpc::Status status = stub->CreateProject(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, "creating the project");
  PrintProject(context, response.project());
  return absl::OkStatus();
}

absl::Status ShowProject(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({"PROJECT"}));
  orchestrator::GetProjectRequest request;
  request.set_name(ProjectName(context.arguments().positional()[0]));

  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::GetProjectResponse response;
  grpc::Status status = stub->GetProject(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, "reading the project");
  PrintProject(context, response.project());
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> ProjectCommands() {
  return {
      {{"project", "create"},
       "NAME --task text-classification|tabular-classification --classes a,b,...",
       "Creates a project; the class names are in order, the second is the positive class.",
       {"task", "classes"},
       {},
       CreateProject},
      {{"project", "show"}, "PROJECT", "Prints a project.", {}, {}, ShowProject},
  };
}

}  // namespace goalpost::cli

// goalpost goal create | list
#include "absl/strings/str_cat.h"
#include "cli/client_calls.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/printer.h"
#include "cli/resource_names.h"
#include "cli/text_views.h"
#include "cli/threshold.h"
#include "common/status.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

constexpr long long kDefaultWaitSeconds = 1800;

absl::StatusOr<orchestrator::TargetSet> ParseTarget(const std::string& target) {
  if (target == "validation") return orchestrator::TARGET_SET_VALIDATION;
  if (target == "training") return orchestrator::TARGET_SET_TRAINING;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value \"", target, "\" for --target: use validation or training"));
}

std::string ThresholdsText(const orchestrator::Goal& goal) {
  std::string text;
  for (const auto& threshold : goal.thresholds()) {
    if (!text.empty()) text += ", ";
    absl::StrAppend(&text, threshold.metric(), " ", OperatorSymbol(threshold.operator_()), " ",
                    threshold.value());
  }
  return text;
}

void PrintGoal(Context& context, const orchestrator::Goal& goal, const std::string& run_name,
               const orchestrator::Run* run) {
  if (context.json()) {
    nlohmann::json shape = GoalJson(goal, run_name);
    if (run != nullptr) shape["run_result"] = RunJson(*run);
    context.PrintJson(shape);
    return;
  }
  context.out() << "goal " << goal.name() << "\n  " << goal.display_name() << "\n  "
                << TargetWord(goal.target()) << " set, "
                << (goal.subpopulation().empty() ? "all rows" : goal.subpopulation())
                << "\n  thresholds: " << ThresholdsText(goal) << "\n";
  if (!run_name.empty()) context.out() << "  run: " << run_name << "\n";
  if (run != nullptr) context.out() << RenderRun(*run);
}

absl::StatusOr<orchestrator::Goal> GoalFromFlags(const Arguments& arguments) {
  orchestrator::Goal goal;
  GOALPOST_ASSIGN_OR_RETURN(std::string display_name, arguments.Require("name"));
  goal.set_display_name(display_name);
  GOALPOST_ASSIGN_OR_RETURN(orchestrator::TargetSet target,
                            ParseTarget(arguments.Get("target").value_or("validation")));
  goal.set_target(target);
  goal.set_subpopulation(arguments.Get("subpopulation").value_or(""));

  std::vector<std::string> thresholds = arguments.GetAll("threshold");
  if (thresholds.empty()) {
    return absl::InvalidArgumentError(
        "missing required flag --threshold, e.g. --threshold 'f1[macro] >= 0.9'");
  }
  for (const auto& text : thresholds) {
    GOALPOST_ASSIGN_OR_RETURN(*goal.add_thresholds(), ParseThreshold(text));
  }
  return goal;
}

absl::Status CreateGoal(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({}));
  GOALPOST_ASSIGN_OR_RETURN(std::string project, arguments.Require("project"));
  GOALPOST_ASSIGN_OR_RETURN(long long wait_seconds,
                            arguments.GetInteger("timeout", kDefaultWaitSeconds, 1, 86400));
  orchestrator::CreateGoalRequest request;
  request.set_project(ProjectName(project));
  GOALPOST_ASSIGN_OR_RETURN(*request.mutable_goal(), GoalFromFlags(arguments));

  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::CreateGoalResponse response;
  grpc::Status status = stub->CreateGoal(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, "creating the goal");

  if (!arguments.Has("wait") || response.run().empty()) {
    PrintGoal(context, response.goal(), response.run(), nullptr);
    return absl::OkStatus();
  }
  GOALPOST_ASSIGN_OR_RETURN(orchestrator::Run run,
                            WaitForRun(context, response.run(), static_cast<int>(wait_seconds)));
  PrintGoal(context, response.goal(), response.run(), &run);
  return RunOutcome(run);
}

absl::Status ListGoals(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({}));
  GOALPOST_ASSIGN_OR_RETURN(std::string project, context.arguments().Require("project"));
  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));

  std::vector<orchestrator::Goal> goals;
  orchestrator::ListGoalsRequest request;
  request.set_project(ProjectName(project));
  request.set_page_size(1000);
  do {
    orchestrator::ListGoalsResponse response;
    grpc::Status status = stub->ListGoals(MakeClientContext().get(), request, &response);
    if (!status.ok()) return RpcStatus(status, "listing goals");
    goals.insert(goals.end(), response.goals().begin(), response.goals().end());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());

  if (context.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& goal : goals) list.push_back(GoalJson(goal, ""));
    context.PrintJson({{"goals", list}});
    return absl::OkStatus();
  }
  Table table({"goal", "name", "target", "subpopulation", "thresholds"});
  for (const auto& goal : goals) {
    table.AddRow({goal.name(), goal.display_name(), TargetWord(goal.target()),
                  goal.subpopulation().empty() ? "all rows" : goal.subpopulation(),
                  ThresholdsText(goal)});
  }
  context.out() << table.Render();
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> GoalCommands() {
  return {
      {{"goal", "create"},
       "--project P --name TEXT [--subpopulation FILTER] --threshold 'f1[macro] >= 0.9' "
       "[--threshold ...] [--target validation|training] [--wait] [--timeout SECONDS]",
       "Creates a goal; it is evaluated at once on the latest commit (--wait follows that run).",
       {"project", "name", "subpopulation", "threshold", "target", "timeout"},
       {"wait"},
       CreateGoal},
      {{"goal", "list"}, "--project P", "Lists the active goals of a project.", {"project"}, {},
       ListGoals},
  };
}

}  // namespace goalpost::cli

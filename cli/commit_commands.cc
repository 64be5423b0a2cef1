// goalpost commit create | show
#include "absl/strings/str_cat.h"
#include "cli/client_calls.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/resource_names.h"
#include "cli/text_views.h"
#include "common/status.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

// How long --wait follows a run by default, in seconds.
constexpr long long kDefaultWaitSeconds = 1800;

void PrintCommit(Context& context, const orchestrator::Commit& commit,
                 const orchestrator::Run* run) {
  if (context.json()) {
    nlohmann::json shape = CommitJson(commit);
    if (run != nullptr) shape["run_result"] = RunJson(*run);
    context.PrintJson(shape);
    return;
  }
  context.out() << "commit " << commit.name() << "\n  message: " << commit.message()
                << "\n  training set: " << commit.training_dataset()
                << "\n  validation set: " << commit.validation_dataset()
                << "\n  model: " << (commit.model().empty() ? "shell model (dataset columns)" : commit.model())
                << "\n  run: " << commit.run() << "\n";
  if (run != nullptr) context.out() << RenderRun(*run);
}

absl::Status CreateCommit(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({}));
  GOALPOST_ASSIGN_OR_RETURN(std::string project, arguments.Require("project"));
  GOALPOST_ASSIGN_OR_RETURN(std::string training, arguments.Require("training"));
  GOALPOST_ASSIGN_OR_RETURN(std::string validation, arguments.Require("validation"));
  GOALPOST_ASSIGN_OR_RETURN(std::string message, arguments.Require("message"));
  GOALPOST_ASSIGN_OR_RETURN(long long wait_seconds,
                            arguments.GetInteger("timeout", kDefaultWaitSeconds, 1, 86400));

  orchestrator::CreateCommitRequest request;
  request.set_project(ProjectName(project));
  GOALPOST_ASSIGN_OR_RETURN(*request.mutable_training_dataset(),
                            ChildName(project, "datasets", training, "training"));
  GOALPOST_ASSIGN_OR_RETURN(*request.mutable_validation_dataset(),
                            ChildName(project, "datasets", validation, "validation"));
  if (std::optional<std::string> model = arguments.Get("model"); model && !model->empty()) {
    GOALPOST_ASSIGN_OR_RETURN(*request.mutable_model(), ChildName(project, "models", *model, "model"));
  }
  request.set_message(message);

  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::CreateCommitResponse response;
  grpc::Status status = stub->CreateCommit(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, "creating the commit");

  if (!arguments.Has("wait")) {
    PrintCommit(context, response.commit(), nullptr);
    return absl::OkStatus();
  }
  GOALPOST_ASSIGN_OR_RETURN(orchestrator::Run run,
                            WaitForRun(context, response.commit().run(), static_cast<int>(wait_seconds)));
  PrintCommit(context, response.commit(), &run);
  return RunOutcome(run);
}

absl::Status ShowCommit(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({"COMMIT"}));
  GOALPOST_ASSIGN_OR_RETURN(
      std::string name, ChildName(context.arguments().Get("project").value_or(""), "commits",
                                  context.arguments().positional()[0], "commit"));
  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::GetCommitRequest request;
  request.set_name(name);
  orchestrator::GetCommitResponse response;
  grpc::Status status = stub->GetCommit(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading ", name));
  PrintCommit(context, response.commit(), nullptr);
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> CommitCommands() {
  return {
      {{"commit", "create"},
       "--project P --training D --validation D [--model M] --message TEXT [--wait] "
       "[--timeout SECONDS]",
       "Creates a commit, which queues an evaluation of every goal; --wait follows the run "
       "to its end (exit 1 when it fails).",
       {"project", "training", "validation", "model", "message", "timeout"},
       {"wait"},
       CreateCommit},
      {{"commit", "show"}, "COMMIT [--project P]", "Prints a commit.", {"project"}, {}, ShowCommit},
  };
}

}  // namespace goalpost::cli

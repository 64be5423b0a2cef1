// goalpost run wait | show
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

constexpr long long kDefaultWaitSeconds = 1800;

absl::StatusOr<std::string> RunName(const Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({"RUN"}));
  return ChildName(context.arguments().Get("project").value_or(""), "runs",
                   context.arguments().positional()[0], "run");
}

void PrintRun(Context& context, const orchestrator::Run& run) {
  if (context.json()) {
    context.PrintJson(RunJson(run));
  } else {
    context.out() << RenderRun(run);
  }
}

absl::Status WaitRun(Context& context) {
  GOALPOST_ASSIGN_OR_RETURN(std::string name, RunName(context));
  GOALPOST_ASSIGN_OR_RETURN(long long wait_seconds,
                            context.arguments().GetInteger("timeout", kDefaultWaitSeconds, 1, 86400));
  GOALPOST_ASSIGN_OR_RETURN(orchestrator::Run run,
                            WaitForRun(context, name, static_cast<int>(wait_seconds)));
  PrintRun(context, run);
  return RunOutcome(run);
}

absl::Status ShowRun(Context& context) {
  GOALPOST_ASSIGN_OR_RETURN(std::string name, RunName(context));
  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::GetRunRequest request;
  request.set_name(name);
  orchestrator::GetRunResponse response;
  grpc::Status status = stub->GetRun(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading ", name));
  PrintRun(context, response.run());
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> RunCommands() {
  return {
      {{"run", "wait"},
       "RUN [--project P] [--timeout SECONDS]",
       "Follows an evaluation run until it ends; exit 1 when it failed.",
       {"project", "timeout"},
       {},
       WaitRun},
      {{"run", "show"}, "RUN [--project P]", "Prints an evaluation run.", {"project"}, {}, ShowRun},
  };
}

}  // namespace goalpost::cli

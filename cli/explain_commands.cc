// goalpost explain
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/text_views.h"
#include "common/status.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

// LIME on a text row takes seconds; the deadline leaves room for a busy
// cluster.
constexpr int kExplainDeadlineSeconds = 600;

absl::Status ExplainRow(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({"REPORT"}));
  GOALPOST_ASSIGN_OR_RETURN(std::string row, arguments.Require("row"));
  GOALPOST_ASSIGN_OR_RETURN(long long samples, arguments.GetInteger("samples", 5000, 100, 100000));
  GOALPOST_ASSIGN_OR_RETURN(long long features, arguments.GetInteger("features", 10, 1, 10000));
  GOALPOST_ASSIGN_OR_RETURN(long long seed,
                            arguments.GetInteger("seed", 0, 0, std::numeric_limits<long long>::max()));

  orchestrator::ExplainReportRowRequest request;
  request.set_report(arguments.positional()[0]);
  request.set_row_id(row);
  request.mutable_options()->set_num_samples(static_cast<int>(samples));
  request.mutable_options()->set_num_features(static_cast<int>(features));
  request.mutable_options()->set_seed(static_cast<uint64_t>(seed));
  request.mutable_options()->set_class_name(arguments.Get("class").value_or(""));

  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::ExplainReportRowResponse response;
  grpc::Status status = stub->ExplainReportRow(MakeClientContext(kExplainDeadlineSeconds).get(),
                                               request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("explaining row ", row));

  if (context.json()) {
    context.PrintJson(ExplanationJson(response.explanation(), response.cached()));
  } else {
    context.out() << RenderExplanation(response.explanation(), response.cached());
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> ExplainCommands() {
  return {
      {{"explain"},
       "REPORT --row ID [--samples N] [--features K] [--seed S] [--class C]",
       "Explains one row of a report with LIME (default 5000 samples, 10 features, seed 0, "
       "the predicted class); explanations are cached.",
       {"row", "samples", "features", "seed", "class"},
       {},
       ExplainRow},
  };
}

}  // namespace goalpost::cli

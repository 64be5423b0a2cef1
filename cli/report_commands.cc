// goalpost report list | show | rows
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/resource_names.h"
#include "cli/text_views.h"
#include "common/status.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

std::unique_ptr<orchestrator::GoalOrchestrator::Stub> Stub(Context& context) {
  return orchestrator::GoalOrchestrator::NewStub(context.Channel(context.addresses().orchestrator));
}

absl::Status ListReports(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({}));
  GOALPOST_ASSIGN_OR_RETURN(std::string commit_flag, arguments.Require("commit"));
  GOALPOST_ASSIGN_OR_RETURN(
      std::string commit,
      ChildName(arguments.Get("project").value_or(""), "commits", commit_flag, "commit"));

  auto stub = Stub(context);
  std::vector<orchestrator::GoalReport> reports;
  orchestrator::ListGoalReportsRequest request;
  request.set_commit(commit);
  request.set_page_size(1000);
  do {
    orchestrator::ListGoalReportsResponse response;
    grpc::Status status = stub->ListGoalReports(MakeClientContext().get(), request, &response);
    if (!status.ok()) return RpcStatus(status, absl::StrCat("listing the reports of ", commit));
    reports.insert(reports.end(), response.reports().begin(), response.reports().end());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());

  if (context.json()) {
    nlohmann::json cards = nlohmann::json::array();
    for (const auto& report : reports) cards.push_back(ReportCardJson(report));
    context.PrintJson({{"reports", cards}});
  } else {
    context.out() << RenderReportCards(reports);
  }
  return absl::OkStatus();
}

absl::Status ShowReport(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({"REPORT"}));
  orchestrator::GetGoalReportRequest request;
  request.set_name(context.arguments().positional()[0]);
  orchestrator::GetGoalReportResponse response;
  grpc::Status status = Stub(context)->GetGoalReport(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading ", request.name()));

  if (context.json()) {
    context.PrintJson(ReportJson(response.report()));
  } else {
    context.out() << RenderReport(response.report());
  }
  return absl::OkStatus();
}

absl::Status ListRows(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({"REPORT"}));
  GOALPOST_ASSIGN_OR_RETURN(long long page_size, arguments.GetInteger("page-size", 20, 1, 500));
  orchestrator::ListReportRowsRequest request;
  request.set_report(arguments.positional()[0]);
  request.set_page_size(static_cast<int>(page_size));
  request.set_page_token(arguments.Get("page-token").value_or(""));
  orchestrator::ListReportRowsResponse response;
  grpc::Status status = Stub(context)->ListReportRows(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading the rows of ", request.report()));

  if (context.json()) {
    context.PrintJson(ReportRowsJson(response));
  } else {
    context.out() << RenderReportRows(response);
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> ReportCommands() {
  return {
      {{"report", "list"},
       "--commit C [--project P]",
       "Lists the goal cards of a commit: pass or fail per goal and threshold.",
       {"commit", "project"},
       {},
       ListReports},
      {{"report", "show"},
       "REPORT",
       "Prints a goal report in full: thresholds, metrics on validation and training side by "
       "side, confusion matrix, histograms.",
       {},
       {},
       ShowReport},
      {{"report", "rows"},
       "REPORT [--page-size N] [--page-token T]",
       "Pages through a report's rows, misclassified first, then by ascending confidence.",
       {"page-size", "page-token"},
       {},
       ListRows},
  };
}

}  // namespace goalpost::cli

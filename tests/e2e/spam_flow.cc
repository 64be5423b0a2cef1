#include "tests/e2e/spam_flow.h"

#include <chrono>
#include <fstream>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"
#include "tests/e2e/cli_runner.h"

namespace goalpost::e2e {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

// Runs the CLI with JSON output and returns the printed JSON, or the exit
// code and stderr as an error.
absl::StatusOr<nlohmann::json> RunJson(std::vector<std::string> arguments,
                                       const std::vector<std::string>& cli_flags) {
  arguments.insert(arguments.end(), cli_flags.begin(), cli_flags.end());
  arguments.push_back("--output");
  arguments.push_back("json");
  CliResult result = RunGoalpost(arguments);
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat("goalpost ", arguments[0], " ", arguments[1],
                                            " exited with ", result.exit_code, ": ", result.err));
  }
  nlohmann::json json = result.Json();
  if (json.is_discarded()) {
    return absl::InternalError(absl::StrCat("goalpost printed no JSON: ", result.out));
  }
  return json;
}

absl::StatusOr<std::string> UploadDataset(const std::vector<std::string>& cli_flags,
                                          const std::string& project, const std::string& file,
                                          const std::string& role) {
  auto json = RunJson({"dataset", "upload", file, "--project", project, "--role", role,
                       "--label-column", "label", "--text-column", "text", "--id-column", "id",
                       "--categorical-columns", "group"},
                      cli_flags);
  if (!json.ok()) return json.status();
  return (*json)["name"].get<std::string>();
}

std::unique_ptr<orchestrator::GoalOrchestrator::Stub> Stub(const std::string& address) {
  return orchestrator::GoalOrchestrator::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

}  // namespace

absl::StatusOr<SpamProject> SetUpSpamProject(const std::vector<std::string>& cli_flags,
                                             const std::string& project_id) {
  SpamProject spam;
  auto project = RunJson({"project", "create", project_id, "--task", "text-classification",
                          "--classes", "ham,spam"},
                         cli_flags);
  if (!project.ok()) return project.status();
  spam.project = (*project)["name"].get<std::string>();

  auto training = UploadDataset(cli_flags, spam.project, "examples/spamassassin/training.csv",
                                "training");
  if (!training.ok()) return training.status();
  spam.training = *training;
  auto validation = UploadDataset(cli_flags, spam.project, "examples/spamassassin/validation.csv",
                                  "validation");
  if (!validation.ok()) return validation.status();
  spam.validation = *validation;

  auto model = RunJson({"model", "upload", "examples/spamassassin/spam_tfidf_logreg.json",
                        "--project", spam.project, "--kind", "tfidf-logistic-regression", "--name",
                        "spam-tfidf-logreg", "--text-column", "text"},
                       cli_flags);
  if (!model.ok()) return model.status();
  spam.model = (*model)["name"].get<std::string>();
  return spam;
}

absl::StatusOr<nlohmann::json> CreateExampleGoal(const std::vector<std::string>& cli_flags,
                                                 const std::string& project,
                                                 const std::string& goal, bool wait) {
  std::vector<std::string> arguments = {"goal", "create", "--project", project, "--name", goal};
  if (goal == kMacroF1Goal) {
    arguments.insert(arguments.end(), {"--threshold", "f1[macro] >= 0.9"});
  } else if (goal == kFreeMoneyGoal) {
    arguments.insert(arguments.end(), {"--subpopulation", kFreeMoneyFilter, "--threshold",
                                       "precision[spam] >= 0.95"});
  } else {
    arguments.insert(arguments.end(), {"--subpopulation", kHardHamFilter, "--threshold",
                                       "accuracy >= 0.95"});
  }
  if (wait) arguments.push_back("--wait");
  return RunJson(arguments, cli_flags);
}

absl::StatusOr<nlohmann::json> CreateCommit(const std::vector<std::string>& cli_flags,
                                            const SpamProject& project, const std::string& message,
                                            bool wait) {
  std::vector<std::string> arguments = {"commit",       "create",           "--project",
                                        project.project, "--training",      project.training,
                                        "--validation", project.validation, "--model",
                                        project.model,  "--message",        message};
  if (wait) arguments.push_back("--wait");
  return RunJson(arguments, cli_flags);
}

nlohmann::json ReferenceMetrics() {
  std::ifstream file("examples/spamassassin/reference_metrics.json");
  return nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
}

absl::StatusOr<orchestrator::Run> PollRun(const std::string& orchestrator_address,
                                          const std::string& run,
                                          const std::function<bool(const orchestrator::Run&)>& done,
                                          absl::Duration timeout) {
  auto stub = Stub(orchestrator_address);
  absl::Time deadline = absl::Now() + timeout;
  orchestrator::Run last;
  while (absl::Now() < deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    orchestrator::GetRunRequest request;
    request.set_name(run);
    orchestrator::GetRunResponse response;
    if (stub->GetRun(&context, request, &response).ok()) {
      last = response.run();
      if (done(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat("run ", run, " last seen as ",
                                                  last.ShortDebugString()));
}

absl::StatusOr<std::vector<orchestrator::GoalReport>> ListReports(
    const std::string& orchestrator_address, const std::string& commit) {
  auto stub = Stub(orchestrator_address);
  std::vector<orchestrator::GoalReport> reports;
  orchestrator::ListGoalReportsRequest request;
  request.set_commit(commit);
  do {
    grpc::ClientContext context;
    orchestrator::ListGoalReportsResponse response;
    grpc::Status status = stub->ListGoalReports(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    reports.insert(reports.end(), response.reports().begin(), response.reports().end());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return reports;
}

}  // namespace goalpost::e2e

#ifndef GOALPOST_TESTS_E2E_SPAM_FLOW_H_
#define GOALPOST_TESTS_E2E_SPAM_FLOW_H_

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

// The SpamAssassin example driven through the `goalpost` binary, shared by
// the end-to-end and fault tests.
namespace goalpost::e2e {

// The three goals of the worked example.
inline constexpr char kMacroF1Goal[] = "Macro F1 on the validation set";
inline constexpr char kFreeMoneyGoal[] = "Spam precision on free money";
inline constexpr char kHardHamGoal[] = "Accuracy on hard ham";
inline constexpr char kFreeMoneyFilter[] = "text has all(\"free\", \"money\")";
inline constexpr char kHardHamFilter[] = "group == \"hard-ham-1\"";

struct SpamProject {
  std::string project;
  std::string training;
  std::string validation;
  std::string model;
};

// Creates project `project_id` (ham, spam), uploads the training and
// validation sets without their prediction columns (so a run has the
// model predict them) and registers the TF-IDF model. `cli_flags` point
// the CLI at the cluster.
absl::StatusOr<SpamProject> SetUpSpamProject(const std::vector<std::string>& cli_flags,
                                             const std::string& project_id);

// Runs `goalpost goal create --output json` for one of the example goals
// (kMacroF1Goal, kFreeMoneyGoal or kHardHamGoal) and returns its JSON;
// `wait` adds --wait.
absl::StatusOr<nlohmann::json> CreateExampleGoal(const std::vector<std::string>& cli_flags,
                                                 const std::string& project,
                                                 const std::string& goal, bool wait);

// Creates a commit of the project's datasets and model; returns its JSON.
absl::StatusOr<nlohmann::json> CreateCommit(const std::vector<std::string>& cli_flags,
                                            const SpamProject& project, const std::string& message,
                                            bool wait);

// examples/spamassassin/reference_metrics.json (scikit-learn's numbers).
nlohmann::json ReferenceMetrics();

// Polls GetRun on `orchestrator_address` every 100 ms until `done` returns true
// or `timeout` passes; returns the last run seen, DEADLINE_EXCEEDED with
// the run's state otherwise.
absl::StatusOr<goalpost::orchestrator::v1::Run> PollRun(
    const std::string& orchestrator_address, const std::string& run,
    const std::function<bool(const goalpost::orchestrator::v1::Run&)>& done,
    absl::Duration timeout);

// The goal reports of a commit, straight from the orchestrator.
absl::StatusOr<std::vector<goalpost::orchestrator::v1::GoalReport>> ListReports(
    const std::string& orchestrator_address, const std::string& commit);

}  // namespace goalpost::e2e

#endif  // GOALPOST_TESTS_E2E_SPAM_FLOW_H_

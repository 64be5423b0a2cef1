#ifndef GOALPOST_SERVICES_ORCHESTRATOR_REPORT_STORE_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_REPORT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/explain/v1/explain.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

namespace goalpost::orchestrator {

// What a run measured on a commit as a whole, and the prediction sets it
// evaluated (empty when the datasets' own prediction columns were used).
struct CommitEvaluation {
  std::string training_prediction_set;
  std::string validation_prediction_set;
  v1::GetCommitMetricsResponse metrics;
};

// Everything a successful run writes, in one transaction with its status.
struct RunResult {
  // Complete reports: name, goal, commit and run set.
  std::vector<v1::GoalReport> reports;
  CommitEvaluation evaluation;
};

// The key of a cached explanation.
struct ExplanationKey {
  std::string project_id;
  std::string commit_id;
  std::string dataset;
  std::string row_id;
  goalpost::explain::v1::ExplainOptions options;
};

// Goal reports, commit evaluations and cached explanations.
class ReportStore {
 public:
  explicit ReportStore(ConnectionPool& pool) : pool_(pool) {}

  // Writes a run's reports and commit evaluation inside the caller's
  // transaction. A report replaces the one of an earlier run for the same
  // commit and goal; a second write by the same run changes nothing.
  static absl::Status WriteRunResult(pqxx::work& work, const std::string& project_id,
                                     const std::string& commit_id, const std::string& run_id,
                                     const RunResult& result);

  // Goal cards of a commit (reports without metric sets), in goal order.
  absl::StatusOr<std::vector<v1::GoalReport>> ListReports(const std::string& project_id,
                                                          const std::string& commit_id,
                                                          int64_t offset, int limit);
  // NOT_FOUND when the commit has no report for the goal yet.
  absl::StatusOr<v1::GoalReport> GetReport(const std::string& project_id,
                                           const std::string& commit_id,
                                           const std::string& goal_id);
  // NOT_FOUND when no run of the commit has succeeded yet.
  absl::StatusOr<CommitEvaluation> GetCommitEvaluation(const std::string& project_id,
                                                       const std::string& commit_id);

  // The cached explanation, or nullopt.
  absl::StatusOr<std::optional<goalpost::explain::v1::Explanation>> FindExplanation(
      const ExplanationKey& key);
  // Stores an explanation; when two callers race, the first one stays.
  absl::Status StoreExplanation(const ExplanationKey& key,
                                const goalpost::explain::v1::Explanation& explanation);

 private:
  ConnectionPool& pool_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_REPORT_STORE_H_

#include "services/orchestrator/report_store.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "services/orchestrator/resource_names.h"
#include "services/orchestrator/storage_util.h"

namespace goalpost::orchestrator {
namespace {

std::string SerializeOptions(const goalpost::explain::v1::ExplainOptions& options) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  options.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

absl::Status ReportStore::WriteRunResult(pqxx::work& work, const std::string& project_id,
                                         const std::string& commit_id, const std::string& run_id,
                                         const RunResult& result) {
  for (const v1::GoalReport& report : result.reports) {
    auto goal = ParseGoalName(report.goal(), "report.goal");
    if (!goal.ok()) return absl::InternalError(std::string(goal.status().message()));
    // The WHERE clause makes a repeated write by the same run a no-op, so a
    // run's reports are written once even if this were called twice.
    work.exec_params(
        "INSERT INTO orchestrator.goal_reports (project_id, commit_id, goal_id, run_id, body) "
        "VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (project_id, commit_id, goal_id) DO UPDATE "
        "SET run_id = EXCLUDED.run_id, body = EXCLUDED.body "
        "WHERE orchestrator.goal_reports.run_id <> EXCLUDED.run_id",
        project_id, commit_id, goal->child_id, run_id, ToBytea(report));
  }

  const CommitEvaluation& evaluation = result.evaluation;
  work.exec_params(
      "INSERT INTO orchestrator.commit_evaluations (project_id, commit_id, run_id, "
      "training_prediction_set, validation_prediction_set, body) VALUES ($1, $2, $3, $4, $5, $6) "
      "ON CONFLICT (project_id, commit_id) DO UPDATE SET run_id = EXCLUDED.run_id, "
      "training_prediction_set = EXCLUDED.training_prediction_set, "
      "validation_prediction_set = EXCLUDED.validation_prediction_set, body = EXCLUDED.body",
      project_id, commit_id, run_id, evaluation.training_prediction_set,
      evaluation.validation_prediction_set, ToBytea(evaluation.metrics));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::GoalReport>> ReportStore::ListReports(
    const std::string& project_id, const std::string& commit_id, int64_t offset, int limit) {
  std::vector<v1::GoalReport> reports;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    reports.clear();
    pqxx::result rows = work.exec_params(
        "SELECT r.body FROM orchestrator.goal_reports r JOIN orchestrator.goals g "
        "USING (project_id, goal_id) WHERE r.project_id = $1 AND r.commit_id = $2 "
        "ORDER BY g.sequence LIMIT $3 OFFSET $4",
        project_id, commit_id, limit, offset);
    for (const auto& row : rows) {
      v1::GoalReport report;
      absl::Status parsed = FromBytea(row[0], &report);
      if (!parsed.ok()) return parsed;
      report.clear_validation();
      report.clear_training();
      reports.push_back(std::move(report));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return reports;
}

absl::StatusOr<v1::GoalReport> ReportStore::GetReport(const std::string& project_id,
                                                      const std::string& commit_id,
                                                      const std::string& goal_id) {
  v1::GoalReport report;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result rows = work.exec_params(
        "SELECT body FROM orchestrator.goal_reports "
        "WHERE project_id = $1 AND commit_id = $2 AND goal_id = $3",
        project_id, commit_id, goal_id);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "report ", ReportName(project_id, commit_id, goal_id),
          " not found; the goal has not been evaluated on this commit yet"));
    }
    return FromBytea(rows[0][0], &report);
  });
  if (!status.ok()) return status;
  return report;
}

absl::StatusOr<CommitEvaluation> ReportStore::GetCommitEvaluation(const std::string& project_id,
                                                                  const std::string& commit_id) {
  CommitEvaluation evaluation;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result rows = work.exec_params(
        "SELECT training_prediction_set, validation_prediction_set, body "
        "FROM orchestrator.commit_evaluations WHERE project_id = $1 AND commit_id = $2",
        project_id, commit_id);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("commit ", CommitName(project_id, commit_id),
                                              " has no finished evaluation run yet"));
    }
    evaluation.training_prediction_set = rows[0][0].as<std::string>();
    evaluation.validation_prediction_set = rows[0][1].as<std::string>();
    return FromBytea(rows[0][2], &evaluation.metrics);
  });
  if (!status.ok()) return status;
  return evaluation;
}

absl::StatusOr<std::optional<goalpost::explain::v1::Explanation>> ReportStore::FindExplanation(
    const ExplanationKey& key) {
  std::optional<goalpost::explain::v1::Explanation> found;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    found.reset();
    pqxx::result rows = work.exec_params(
        "SELECT body FROM orchestrator.explanations WHERE project_id = $1 AND commit_id = $2 "
        "AND dataset = $3 AND row_id = $4 AND options = $5",
        key.project_id, key.commit_id, key.dataset, key.row_id,
        pqxx::binarystring(SerializeOptions(key.options)));
    if (rows.empty()) return absl::OkStatus();
    found.emplace();
    return FromBytea(rows[0][0], &*found);
  });
  if (!status.ok()) return status;
  return found;
}

absl::Status ReportStore::StoreExplanation(const ExplanationKey& key,
                                           const goalpost::explain::v1::Explanation& explanation) {
  return pool_.RunTransaction([&](pqxx::work& work) {
    work.exec_params(
        "INSERT INTO orchestrator.explanations (project_id, commit_id, dataset, row_id, options, "
        "body) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        key.project_id, key.commit_id, key.dataset, key.row_id,
        pqxx::binarystring(SerializeOptions(key.options)), ToBytea(explanation));
    return absl::OkStatus();
  });
}

}  // namespace goalpost::orchestrator

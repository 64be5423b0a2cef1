#ifndef GOALPOST_CLI_JSON_SHAPES_H_
#define GOALPOST_CLI_JSON_SHAPES_H_

#include <nlohmann/json.hpp>

#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/explain/v1/explain.pb.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

// The stable JSON that `--output json` prints. Keys are only ever added.
// Every resource has its full resource name under "name", which other
// commands accept. Numbers keep full double precision; a NaN metric (one
// that is undefined on its rows) is null.
namespace goalpost::cli {

nlohmann::json ProjectJson(const goalpost::orchestrator::v1::Project& project);
nlohmann::json DatasetJson(const goalpost::datasets::v1::Dataset& dataset, bool already_existed);
nlohmann::json ModelJson(const goalpost::inference::v1::Model& model);
nlohmann::json CommitJson(const goalpost::orchestrator::v1::Commit& commit);
// `run` is the run that evaluates the new goal, when there is one.
nlohmann::json GoalJson(const goalpost::orchestrator::v1::Goal& goal, const std::string& run);
// {"name", "commit", "goals", "state": "queued|running|succeeded|failed",
//  "attempts", "error"}
nlohmann::json RunJson(const goalpost::orchestrator::v1::Run& run);

// A goal card: {"name", "goal", "goal_name", "status": "passed|failed|error",
// "row_count", "thresholds": [{"metric", "operator", "value", "measured",
// "passed"}]}.
nlohmann::json ReportCardJson(const goalpost::orchestrator::v1::GoalReport& report);
// The card plus "commit", "run", "error", "subpopulation", "target" and the
// metric sets "validation" and "training".
nlohmann::json ReportJson(const goalpost::orchestrator::v1::GoalReport& report);

// One metric set: {"row_count", "subpopulation", "metrics": {name: value},
// "confusion_matrix": {"classes", "counts": [[...]]}, "histograms"}.
nlohmann::json MetricSetJson(const goalpost::metrics::v1::SubpopulationResult& result);

// {"rows": [{"id", "index", "text", "features", "label", "prediction",
// "confidence", "misclassified"}], "next_page_token", "total_rows"}.
nlohmann::json ReportRowsJson(const goalpost::orchestrator::v1::ListReportRowsResponse& page);

// {"row_id", "class", "features": [{"feature", "weight"}], "intercept",
// "score", "local_prediction", "model_probability", "cached"}.
nlohmann::json ExplanationJson(const goalpost::explain::v1::Explanation& explanation, bool cached);

// Lower-case words used in JSON and text: "passed", "running", "validation",
// ">=", "text-classification".
std::string ReportStatusWord(goalpost::orchestrator::v1::ReportStatus status);
std::string RunStateWord(goalpost::orchestrator::v1::RunState state);
std::string TargetWord(goalpost::orchestrator::v1::TargetSet target);
std::string OperatorSymbol(goalpost::orchestrator::v1::ThresholdOperator op);
std::string TaskWord(goalpost::orchestrator::v1::TaskType task);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_JSON_SHAPES_H_

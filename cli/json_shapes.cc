#include "cli/json_shapes.h"

#include <cmath>

#include <google/protobuf/util/time_util.h>

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;
namespace metrics = goalpost::metrics::v1;
using google::protobuf::util::TimeUtil;
using nlohmann::json;

json Number(double value) {
  if (std::isnan(value) || std::isinf(value)) return nullptr;
  return value;
}

json Time(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return nullptr;
  return TimeUtil::ToString(timestamp);
}

json Strings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return json(std::vector<std::string>(values.begin(), values.end()));
}

json Counts(const google::protobuf::RepeatedField<int64_t>& values) {
  return json(std::vector<int64_t>(values.begin(), values.end()));
}

json HistogramJson(const metrics::Histogram& histogram) {
  return {{"lower", histogram.lower()},
          {"upper", histogram.upper()},
          {"counts", Counts(histogram.counts())}};
}

json HistogramsJson(const metrics::Histograms& histograms) {
  json by_label = json::object();
  for (const auto& entry : histograms.confidence_by_label()) {
    by_label[entry.class_name()] = HistogramJson(entry.histogram());
  }
  return {{"confidence", HistogramJson(histograms.confidence())},
          {"confidence_correct", HistogramJson(histograms.confidence_correct())},
          {"confidence_incorrect", HistogramJson(histograms.confidence_incorrect())},
          {"confidence_by_label", by_label},
          {"label_distribution", Counts(histograms.label_distribution())},
          {"prediction_distribution", Counts(histograms.prediction_distribution())}};
}

json ConfusionMatrixJson(const metrics::ConfusionMatrix& matrix) {
  size_t n = static_cast<size_t>(matrix.classes_size());
  json counts = json::array();
  for (size_t row = 0; row < n; ++row) {
    json cells = json::array();
    for (size_t column = 0; column < n; ++column) {
      size_t index = row * n + column;
      if (index < static_cast<size_t>(matrix.counts_size())) cells.push_back(matrix.counts(index));
    }
    counts.push_back(cells);
  }
  return {{"classes", Strings(matrix.classes())}, {"counts", counts}};
}

json ThresholdJson(const orchestrator::Threshold& threshold) {
  return {{"metric", threshold.metric()},
          {"operator", OperatorSymbol(threshold.operator_())},
          {"value", threshold.value()}};
}

}  // namespace

std::string ReportStatusWord(orchestrator::ReportStatus status) {
  switch (status) {
    case orchestrator::REPORT_STATUS_PASSED: return "passed";
    case orchestrator::REPORT_STATUS_FAILED: return "failed";
    case orchestrator::REPORT_STATUS_ERROR: return "error";
    default: return "unspecified";
  }
}

std::string RunStateWord(orchestrator::RunState state) {
  switch (state) {
    case orchestrator::RUN_STATE_QUEUED: return "queued";
    case orchestrator::RUN_STATE_RUNNING: return "running";
    case orchestrator::RUN_STATE_SUCCEEDED: return "succeeded";
    case orchestrator::RUN_STATE_FAILED: return "failed";
    default: return "unspecified";
  }
}

std::string TargetWord(orchestrator::TargetSet target) {
  return target == orchestrator::TARGET_SET_TRAINING ? "training" : "validation";
}

std::string OperatorSymbol(orchestrator::ThresholdOperator op) {
  switch (op) {
    case orchestrator::THRESHOLD_OPERATOR_GREATER: return ">";
    case orchestrator::THRESHOLD_OPERATOR_GREATER_EQUAL: return ">=";
    case orchestrator::THRESHOLD_OPERATOR_LESS: return "<";
    case orchestrator::THRESHOLD_OPERATOR_LESS_EQUAL: return "<=";
    default: return "?";
  }
}

std::string TaskWord(orchestrator::TaskType task) {
  switch (task) {
    case orchestrator::TASK_TYPE_TEXT_CLASSIFICATION: return "text-classification";
    case orchestrator::TASK_TYPE_TABULAR_CLASSIFICATION: return "tabular-classification";
    default: return "unspecified";
  }
}

json ProjectJson(const orchestrator::Project& project) {
  return {{"name", project.name()},
          {"task", TaskWord(project.task_type())},
          {"classes", Strings(project.class_names())},
          {"create_time", Time(project.create_time())}};
}

json DatasetJson(const goalpost::datasets::v1::Dataset& dataset, bool already_existed) {
  const auto& spec = dataset.spec();
  std::string role = spec.role() == goalpost::datasets::v1::DATASET_ROLE_TRAINING ? "training"
                     : spec.role() == goalpost::datasets::v1::DATASET_ROLE_VALIDATION
                         ? "validation"
                         : "unspecified";
  return {{"name", dataset.name()},
          {"display_name", spec.display_name()},
          {"role", role},
          {"row_count", dataset.row_count()},
          {"classes", Strings(spec.class_names())},
          {"label_distribution", Counts(dataset.label_distribution())},
          {"prediction_distribution", Counts(dataset.prediction_distribution())},
          {"stored_bytes", dataset.stored_bytes()},
          {"content_hash", dataset.content_hash()},
          {"already_existed", already_existed},
          {"create_time", Time(dataset.create_time())}};
}

json ModelJson(const goalpost::inference::v1::Model& model) {
  const auto& spec = model.spec();
  std::string kind = spec.kind() == goalpost::inference::v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION
                         ? "tfidf-logistic-regression"
                     : spec.kind() == goalpost::inference::v1::MODEL_KIND_XGBOOST ? "xgboost"
                     : spec.kind() == goalpost::inference::v1::MODEL_KIND_KSERVE_V2
                         ? "kserve-v2"
                         : "unspecified";
  json features = json::array();
  for (const auto& feature : spec.features()) features.push_back(feature.name());
  return {{"name", model.name()},
          {"kind", kind},
          {"classes", Strings(spec.class_names())},
          {"text_column", spec.text_column()},
          {"features", features},
          {"artifact_sha256", model.artifact_sha256()},
          {"artifact_bytes", model.artifact_bytes()},
          {"create_time", Time(model.create_time())}};
}

json CommitJson(const orchestrator::Commit& commit) {
  return {{"name", commit.name()},
          {"training", commit.training_dataset()},
          {"validation", commit.validation_dataset()},
          {"model", commit.model()},
          {"message", commit.message()},
          {"run", commit.run()},
          {"create_time", Time(commit.create_time())}};
}

json GoalJson(const orchestrator::Goal& goal, const std::string& run) {
  json thresholds = json::array();
  for (const auto& threshold : goal.thresholds()) thresholds.push_back(ThresholdJson(threshold));
  return {{"name", goal.name()},
          {"display_name", goal.display_name()},
          {"target", TargetWord(goal.target())},
          {"subpopulation", goal.subpopulation()},
          {"thresholds", thresholds},
          {"archived", goal.archived()},
          {"run", run},
          {"create_time", Time(goal.create_time())}};
}

json RunJson(const orchestrator::Run& run) {
  return {{"name", run.name()},
          {"commit", run.commit()},
          {"goals", Strings(run.goals())},
          {"state", RunStateWord(run.state())},
          {"attempts", run.attempts()},
          {"error", run.error()},
          {"create_time", Time(run.create_time())},
          {"start_time", Time(run.start_time())},
          {"end_time", Time(run.end_time())}};
}

json ReportCardJson(const orchestrator::GoalReport& report) {
  json thresholds = json::array();
  for (const auto& result : report.thresholds()) {
    json threshold = ThresholdJson(result.threshold());
    threshold["measured"] = Number(result.measured());
    threshold["passed"] = result.passed();
    if (!result.reason().empty()) threshold["reason"] = result.reason();
    thresholds.push_back(threshold);
  }
  return {{"name", report.name()},
          {"goal", report.goal()},
          {"goal_name", report.goal_display_name()},
          {"status", ReportStatusWord(report.status())},
          {"row_count", report.row_count()},
          {"thresholds", thresholds}};
}

json ReportJson(const orchestrator::GoalReport& report) {
  json full = ReportCardJson(report);
  full["commit"] = report.commit();
  full["run"] = report.run();
  full["error"] = report.error();
  full["subpopulation"] = report.subpopulation();
  full["target"] = TargetWord(report.target());
  full["validation"] = MetricSetJson(report.validation());
  full["training"] = MetricSetJson(report.training());
  full["create_time"] = Time(report.create_time());
  return full;
}

json MetricSetJson(const metrics::SubpopulationResult& result) {
  json values = json::object();
  json reasons = json::object();
  for (const auto& metric : result.metrics()) {
    values[metric.name()] = Number(metric.value());
    if (!metric.reason().empty()) reasons[metric.name()] = metric.reason();
  }
  return {{"row_count", result.row_count()},
          {"subpopulation", result.filter_text()},
          {"metrics", values},
          {"metric_notes", reasons},
          {"confusion_matrix", ConfusionMatrixJson(result.confusion_matrix())},
          {"histograms", HistogramsJson(result.histograms())}};
}

json ReportRowsJson(const orchestrator::ListReportRowsResponse& page) {
  json rows = json::array();
  for (const auto& row : page.rows()) {
    json features = json::object();
    for (const auto& [column, value] : row.features()) features[column] = value;
    rows.push_back({{"id", row.row_id()},
                    {"index", row.row_index()},
                    {"text", row.text()},
                    {"features", features},
                    {"label", row.label()},
                    {"prediction", row.prediction()},
                    {"confidence", Number(row.confidence())},
                    {"misclassified", row.misclassified()}});
  }
  return {{"rows", rows},
          {"next_page_token", page.next_page_token()},
          {"total_rows", page.total_rows()}};
}

json ExplanationJson(const goalpost::explain::v1::Explanation& explanation, bool cached) {
  json features = json::array();
  for (const auto& feature : explanation.features()) {
    json entry = {{"feature", feature.feature()}, {"weight", feature.weight()}};
    if (!feature.value().empty()) entry["value"] = feature.value();
    features.push_back(entry);
  }
  return {{"row_id", explanation.row_id()},
          {"class", explanation.class_name()},
          {"features", features},
          {"intercept", explanation.intercept()},
          {"score", Number(explanation.score())},
          {"local_prediction", explanation.local_prediction()},
          {"model_probability", explanation.model_probability()},
          {"num_samples", explanation.num_samples()},
          {"seed", explanation.seed()},
          {"cached", cached}};
}

}  // namespace goalpost::cli

#include "cli/text_views.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/json_shapes.h"
#include "cli/printer.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;
namespace metrics = goalpost::metrics::v1;

// Row text in the row table is cut to this many characters.
constexpr size_t kRowTextWidth = 60;

std::string StatusMark(orchestrator::ReportStatus status) {
  switch (status) {
    case orchestrator::REPORT_STATUS_PASSED: return "[PASS]";
    case orchestrator::REPORT_STATUS_FAILED: return "[FAIL]";
    case orchestrator::REPORT_STATUS_ERROR: return "[ERROR]";
    default: return "[?]";
  }
}

std::string ThresholdLine(const orchestrator::ThresholdResult& result) {
  const auto& threshold = result.threshold();
  std::string line = absl::StrFormat("  %-4s %s %s %s  (measured %s)", PassMark(result.passed()),
                                     threshold.metric(), OperatorSymbol(threshold.operator_()),
                                     absl::StrCat(threshold.value()), FormatMetric(result.measured()));
  if (!result.reason().empty()) absl::StrAppend(&line, "  ", result.reason());
  return line + "\n";
}

std::string SubpopulationText(const std::string& subpopulation) {
  return subpopulation.empty() ? std::string("all rows") : subpopulation;
}

std::string CardBlock(const orchestrator::GoalReport& report) {
  std::string text = absl::StrCat(StatusMark(report.status()), " ", report.goal_display_name(),
                                  "\n");
  absl::StrAppend(&text, "  ", TargetWord(report.target()), " set, ",
                  SubpopulationText(report.subpopulation()), ", ", report.row_count(), " rows\n");
  for (const auto& threshold : report.thresholds()) absl::StrAppend(&text, ThresholdLine(threshold));
  if (!report.error().empty()) absl::StrAppend(&text, "  error: ", report.error(), "\n");
  absl::StrAppend(&text, "  report: ", report.name(), "\n");
  return text;
}

// Looks up a metric by name; NaN when the set lacks it.
std::map<std::string, double> MetricMap(const metrics::SubpopulationResult& result) {
  std::map<std::string, double> values;
  for (const auto& metric : result.metrics()) values[metric.name()] = metric.value();
  return values;
}

// Counts print as integers, every other metric with 4 decimals.
std::string FormatMetricNamed(const std::string& name, double value) {
  if (name == "row_count" && std::isfinite(value)) return absl::StrCat(std::llround(value));
  return FormatMetric(value);
}

// Bar rows of a histogram without the empty bins at either end: with two
// classes the predicted class's confidence is never below 0.5, so half the
// bins would always be empty.
std::string TrimmedBars(const metrics::Histogram& histogram) {
  const auto& counts = histogram.counts();
  int first = 0;
  int last = counts.size() - 1;
  while (first <= last && counts[first] == 0) ++first;
  while (last >= first && counts[last] == 0) --last;
  if (first > last) return "(no rows)\n";

  double step = (histogram.upper() - histogram.lower()) / counts.size();
  return RenderBarRows(histogram.lower() + step * first, histogram.lower() + step * (last + 1),
                       std::vector<int64_t>(counts.begin() + first, counts.begin() + last + 1));
}

}  // namespace

std::string RenderReportCards(const std::vector<orchestrator::GoalReport>& reports) {
  if (reports.empty()) return "No goal reports.\n";
  std::string text;
  int passed = 0;
  for (const auto& report : reports) {
    if (!text.empty()) text += "\n";
    text += CardBlock(report);
    if (report.status() == orchestrator::REPORT_STATUS_PASSED) ++passed;
  }
  absl::StrAppend(&text, "\n", passed, " of ", reports.size(), " goals passed.\n");
  return text;
}

std::string RenderReport(const orchestrator::GoalReport& report) {
  std::string text = CardBlock(report);
  absl::StrAppend(&text, "  commit: ", report.commit(), "\n  run: ", report.run(), "\n\n");

  absl::StrAppend(&text, "Metrics of the subpopulation (", report.validation().row_count(),
                  " validation rows, ", report.training().row_count(), " training rows)\n");
  text += RenderMetricColumns({"validation", "training"}, {report.validation(), report.training()});

  const metrics::SubpopulationResult& target =
      report.target() == orchestrator::TARGET_SET_TRAINING ? report.training()
                                                           : report.validation();
  absl::StrAppend(&text, "\n", TargetWord(report.target()), " set:\n");
  text += RenderDistributions(target);
  return text;
}

std::string RenderMetricColumns(const std::vector<std::string>& set_names,
                                const std::vector<metrics::SubpopulationResult>& sets) {
  std::vector<std::string> names;
  for (const auto& set : sets) {
    for (const auto& metric : set.metrics()) {
      if (std::find(names.begin(), names.end(), metric.name()) == names.end()) {
        names.push_back(metric.name());
      }
    }
  }

  std::vector<std::string> headers = {"metric"};
  headers.insert(headers.end(), set_names.begin(), set_names.end());
  Table table(headers);
  std::vector<std::map<std::string, double>> values;
  for (const auto& set : sets) values.push_back(MetricMap(set));
  for (const auto& name : names) {
    std::vector<std::string> cells = {name};
    for (const auto& set_values : values) {
      auto found = set_values.find(name);
      cells.push_back(found == set_values.end() ? "-" : FormatMetricNamed(name, found->second));
    }
    table.AddRow(cells);
  }
  return table.Render();
}

std::string RenderDistributions(const metrics::SubpopulationResult& result) {
  const auto& matrix = result.confusion_matrix();
  std::vector<std::string> classes(matrix.classes().begin(), matrix.classes().end());
  std::string text = "\nConfusion matrix (rows: true class, columns: predicted class)\n";
  text += RenderConfusionMatrix(classes,
                                std::vector<int64_t>(matrix.counts().begin(), matrix.counts().end()));

  const auto& histograms = result.histograms();
  absl::StrAppend(&text, "\nConfidence of the predicted class, all rows\n",
                  TrimmedBars(histograms.confidence()));
  absl::StrAppend(&text, "\nConfidence, misclassified rows\n",
                  TrimmedBars(histograms.confidence_incorrect()));

  absl::StrAppend(&text, "\nLabel distribution\n",
                  RenderLabelledBars(classes, std::vector<int64_t>(
                                                  histograms.label_distribution().begin(),
                                                  histograms.label_distribution().end())));
  absl::StrAppend(&text, "\nPrediction distribution\n",
                  RenderLabelledBars(classes, std::vector<int64_t>(
                                                  histograms.prediction_distribution().begin(),
                                                  histograms.prediction_distribution().end())));
  return text;
}

std::string RenderReportRows(const orchestrator::ListReportRowsResponse& page) {
  Table table({"id", "label", "prediction", "confidence", "misclassified", "text or features"});
  for (const auto& row : page.rows()) {
    std::string content = row.text();
    if (content.empty()) {
      std::vector<std::string> pairs;
      std::map<std::string, std::string> sorted(row.features().begin(), row.features().end());
      for (const auto& [column, value] : sorted) pairs.push_back(absl::StrCat(column, "=", value));
      content = absl::StrJoin(pairs, " ");
    }
    table.AddRow({row.row_id(), row.label(), row.prediction(), FormatMetric(row.confidence()),
                  row.misclassified() ? "yes" : "no", Abbreviate(content, kRowTextWidth)});
  }
  std::string text = table.Render();
  absl::StrAppend(&text, page.rows_size(), " of ", page.total_rows(), " rows");
  if (!page.next_page_token().empty()) {
    absl::StrAppend(&text, "; next page: --page-token ", page.next_page_token());
  }
  return text + "\n";
}

std::string RenderExplanation(const goalpost::explain::v1::Explanation& explanation, bool cached) {
  std::string text = absl::StrCat("LIME explanation of row ", explanation.row_id(), " for class ",
                                  explanation.class_name(), cached ? " (cached)" : "", "\n");
  absl::StrAppend(&text, "  model probability ", FormatMetric(explanation.model_probability()),
                  ", surrogate prediction ", FormatMetric(explanation.local_prediction()),
                  ", intercept ", FormatMetric(explanation.intercept()), ", score (R^2) ",
                  FormatMetric(explanation.score()), "\n  ", explanation.num_samples(),
                  " samples, seed ", explanation.seed(), "\n\n");

  double largest = 0;
  for (const auto& feature : explanation.features()) {
    largest = std::max(largest, std::fabs(feature.weight()));
  }
  Table table({"feature", "weight", "effect"});
  for (const auto& feature : explanation.features()) {
    int length = largest > 0 ? static_cast<int>(std::lround(20 * std::fabs(feature.weight()) / largest))
                             : 0;
    std::string bar(static_cast<size_t>(std::max(length, 1)), feature.weight() >= 0 ? '+' : '-');
    std::string name = feature.value().empty()
                           ? feature.feature()
                           : absl::StrCat(feature.feature(), " (", feature.value(), ")");
    table.AddRow({name, absl::StrFormat("%+.4f", feature.weight()), bar});
  }
  text += table.Render();
  absl::StrAppend(&text, "\n'+' pushes towards ", explanation.class_name(),
                  ", '-' pushes away from it.\n");
  return text;
}

std::string RenderRun(const orchestrator::Run& run) {
  std::string text = absl::StrCat("run ", run.name(), ": ", RunStateWord(run.state()), ", ",
                                  run.attempts(), run.attempts() == 1 ? " attempt" : " attempts",
                                  ", ", run.goals_size(), run.goals_size() == 1 ? " goal" : " goals",
                                  "\n");
  if (!run.error().empty()) absl::StrAppend(&text, "  error: ", run.error(), "\n");
  return text;
}

}  // namespace goalpost::cli

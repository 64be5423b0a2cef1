#ifndef GOALPOST_CLI_TEXT_VIEWS_H_
#define GOALPOST_CLI_TEXT_VIEWS_H_

#include <string>
#include <vector>

#include "goalpost/explain/v1/explain.pb.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

// The text output of the commands that print more than one table. Each
// function returns whole lines ending in "\n".
namespace goalpost::cli {

// Goal cards: one block per report with [PASS], [FAIL] or [ERROR], the goal,
// its subpopulation and row count, and one line per threshold.
std::string RenderReportCards(const std::vector<goalpost::orchestrator::v1::GoalReport>& reports);

// A report in full: the card, the metrics of the subpopulation on the
// validation and training sets side by side, the confusion matrix of the
// target set as a grid and the histograms as bar rows.
std::string RenderReport(const goalpost::orchestrator::v1::GoalReport& report);

// Metric name, then one column per set, e.g. {"validation", "training"}.
// Names come in the order of the first set; names only a later set has
// follow. A metric a set lacks prints as "-".
std::string RenderMetricColumns(const std::vector<std::string>& set_names,
                                const std::vector<goalpost::metrics::v1::SubpopulationResult>& sets);

// Confusion matrix, confidence histograms and the label and prediction
// distributions of one set.
std::string RenderDistributions(const goalpost::metrics::v1::SubpopulationResult& result);

std::string RenderReportRows(const goalpost::orchestrator::v1::ListReportRowsResponse& page);

std::string RenderExplanation(const goalpost::explain::v1::Explanation& explanation, bool cached);

std::string RenderRun(const goalpost::orchestrator::v1::Run& run);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_TEXT_VIEWS_H_

#include "services/metrics/metric_report.h"

#include <cmath>

#include "absl/strings/match.h"
#include "services/metrics/metric_names.h"
#include "services/metrics/metric_table.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::metrics::v1::Histogram;
using ::goalpost::metrics::v1::MetricStatus;
using ::goalpost::metrics::v1::MetricValue;
using ::goalpost::metrics::v1::SubpopulationResult;

void FillHistogram(const int64_t* counts, int bins, Histogram* histogram) {
  histogram->set_lower(0.0);
  histogram->set_upper(1.0);
  histogram->mutable_counts()->Assign(counts, counts + bins);
}

void FillConfusionAndHistograms(const MetricAccumulator& accumulator,
                                const std::vector<std::string>& class_names,
                                SubpopulationResult& result) {
  const int k = accumulator.class_count();
  auto* confusion = result.mutable_confusion_matrix();
  for (const std::string& class_name : class_names) confusion->add_classes(class_name);
  confusion->mutable_counts()->Assign(accumulator.confusion_counts().begin(),
                                      accumulator.confusion_counts().end());

  auto* histograms = result.mutable_histograms();
  const int bins = accumulator.options().histogram_bin_count;
  FillHistogram(accumulator.confidence_counts().data(), bins, histograms->mutable_confidence());
  FillHistogram(accumulator.confidence_correct_counts().data(), bins,
                histograms->mutable_confidence_correct());
  FillHistogram(accumulator.confidence_incorrect_counts().data(), bins,
                histograms->mutable_confidence_incorrect());
  for (int c = 0; c < k; ++c) {
    auto* by_label = histograms->add_confidence_by_label();
    by_label->set_class_name(class_names[c]);
    FillHistogram(accumulator.confidence_by_label_counts().data() + c * bins, bins,
                  by_label->mutable_histogram());
  }

  std::vector<int64_t> labels(k, 0);
  std::vector<int64_t> predictions(k, 0);
  for (int label = 0; label < k; ++label) {
    for (int prediction = 0; prediction < k; ++prediction) {
      const int64_t cell = accumulator.confusion_counts()[label * k + prediction];
      labels[label] += cell;
      predictions[prediction] += cell;
    }
  }
  histograms->mutable_label_distribution()->Assign(labels.begin(), labels.end());
  histograms->mutable_prediction_distribution()->Assign(predictions.begin(), predictions.end());
}

}  // namespace

SubpopulationResult FinishMetrics(const MetricAccumulator& accumulator,
                                  const std::vector<std::string>& class_names,
                                  const std::vector<std::string>& metric_names) {
  SubpopulationResult result;
  result.set_row_count(accumulator.row_count());
  FillConfusionAndHistograms(accumulator, class_names, result);

  const std::vector<std::string> names =
      metric_names.empty() ? AllMetricNames(class_names) : metric_names;
  MetricTable table;
  table.Defined("row_count", static_cast<double>(accumulator.row_count()));
  if (accumulator.row_count() > 0) {
    AddConfusionMetrics(accumulator, class_names, table);
    AddProbabilityMetrics(accumulator, table);
    if (NeedsScores(names)) AddRocAucMetrics(accumulator, class_names, table);
  }

  for (const std::string& name : names) {
    MetricValue value = table.Get(name);
    value.set_name(name);
    *result.add_metrics() = std::move(value);
  }
  return result;
}

}  // namespace goalpost::metrics

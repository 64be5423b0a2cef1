// Compares every metric with scikit-learn 1.2, whose values
// testdata/make_reference.py writes into the build folder at build time.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/metrics/metric_accumulator.h"
#include "services/metrics/metric_names.h"
#include "services/metrics/metric_report.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::metrics::v1::METRIC_STATUS_DEFINED;
using ::goalpost::metrics::v1::METRIC_STATUS_UNDEFINED;
using ::goalpost::metrics::v1::METRIC_STATUS_ZERO_DIVISION;
using ::goalpost::metrics::v1::MetricValue;
using ::goalpost::metrics::v1::SubpopulationResult;
using ::nlohmann::json;

struct Case {
  std::string name;
  std::vector<std::string> class_names;
  std::vector<int> labels;
  std::vector<int> predictions;
  // Row-major rows x classes; empty when the case has no probabilities.
  std::vector<double> probabilities;
  json expected;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case>* cases = [] {
    std::ifstream file(METRICS_REFERENCE_JSON);
    const json document = json::parse(file);
    auto* loaded = new std::vector<Case>();
    for (const json& item : document["cases"]) {
      Case c;
      c.name = item["name"];
      c.class_names = item["class_names"].get<std::vector<std::string>>();
      c.labels = item["labels"].get<std::vector<int>>();
      c.predictions = item["predictions"].get<std::vector<int>>();
      if (!item["probabilities"].is_null()) {
        c.probabilities = item["probabilities"].get<std::vector<double>>();
      }
      c.expected = item["expected"];
      loaded->push_back(std::move(c));
    }
    return loaded;
  }();
  return *cases;
}

const Case& FindCase(const std::string& name) {
  for (const Case& c : Cases()) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no case " << name;
  return Cases().front();
}

MetricAccumulator Accumulate(const Case& c, size_t begin, size_t end, int bins = 20) {
  const int k = static_cast<int>(c.class_names.size());
  MetricAccumulator accumulator(AccumulatorOptions{k, bins, true});
  for (size_t i = begin; i < end; ++i) {
    const double* probabilities = c.probabilities.empty() ? nullptr : &c.probabilities[i * k];
    accumulator.Add(c.labels[i], c.predictions[i], probabilities);
  }
  return accumulator;
}

SubpopulationResult Finish(const Case& c, const MetricAccumulator& accumulator) {
  return FinishMetrics(accumulator, c.class_names, {});
}

const MetricValue& FindMetric(const SubpopulationResult& result, const std::string& name) {
  for (const MetricValue& value : result.metrics()) {
    if (value.name() == name) return value;
  }
  ADD_FAILURE() << "no metric " << name;
  return result.metrics(0);
}

TEST(MetricsReferenceTest, EveryMetricAgreesWithScikitLearn) {
  ASSERT_GE(Cases().size(), 15u);
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const SubpopulationResult result = Finish(c, Accumulate(c, 0, c.labels.size()));
    ASSERT_EQ(result.metrics_size(), static_cast<int>(AllMetricNames(c.class_names).size()));

    for (const MetricValue& value : result.metrics()) {
      SCOPED_TRACE(value.name());
      const bool has_expected = c.expected.contains(value.name());
      if (!has_expected || c.expected[value.name()].is_null()) {
        // scikit-learn raises or returns NaN: goalpost reports undefined.
        EXPECT_EQ(value.status(), METRIC_STATUS_UNDEFINED);
        EXPECT_TRUE(std::isnan(value.value()));
        EXPECT_FALSE(value.reason().empty());
        continue;
      }
      EXPECT_NE(value.status(), METRIC_STATUS_UNDEFINED) << value.reason();
      EXPECT_NEAR(value.value(), c.expected[value.name()].get<double>(), 1e-9);
    }

    const std::vector<int64_t> expected_confusion =
        c.expected.value("confusion_matrix", std::vector<int64_t>());
    if (!c.labels.empty()) {
      EXPECT_EQ(std::vector<int64_t>(result.confusion_matrix().counts().begin(),
                                     result.confusion_matrix().counts().end()),
                expected_confusion);
    }
  }
}

TEST(MetricsReferenceTest, ZeroDivisionValuesAreMarked) {
  const Case& never_predicted = FindCase("class_never_predicted");
  const SubpopulationResult result =
      Finish(never_predicted, Accumulate(never_predicted, 0, never_predicted.labels.size()));

  // Class "c" is never predicted: precision 0 by zero_division=0.
  const MetricValue& precision = FindMetric(result, "precision[c]");
  EXPECT_EQ(precision.status(), METRIC_STATUS_ZERO_DIVISION);
  EXPECT_EQ(precision.value(), 0.0);
  EXPECT_NE(precision.reason().find("never predicted"), std::string::npos);
  EXPECT_EQ(FindMetric(result, "precision[macro]").status(), METRIC_STATUS_ZERO_DIVISION);
  EXPECT_EQ(FindMetric(result, "recall[c]").status(), METRIC_STATUS_DEFINED);

  const Case& missing = FindCase("class_missing_from_labels");
  const SubpopulationResult missing_result =
      Finish(missing, Accumulate(missing, 0, missing.labels.size()));
  const MetricValue& recall = FindMetric(missing_result, "recall[d]");
  EXPECT_EQ(recall.status(), METRIC_STATUS_ZERO_DIVISION);
  EXPECT_NE(recall.reason().find("no rows"), std::string::npos);
  EXPECT_EQ(FindMetric(missing_result, "geometric_mean").status(), METRIC_STATUS_ZERO_DIVISION);
  // The weighted recall gives the absent class no weight.
  EXPECT_EQ(FindMetric(missing_result, "recall[weighted]").status(), METRIC_STATUS_DEFINED);
}

TEST(MetricsReferenceTest, OneClassMakesRocAucUndefined) {
  const Case& hard_ham = FindCase("spamassassin_hard_ham_1");
  const SubpopulationResult result = Finish(hard_ham, Accumulate(hard_ham, 0, hard_ham.labels.size()));
  const MetricValue& auc = FindMetric(result, "roc_auc");
  EXPECT_EQ(auc.status(), METRIC_STATUS_UNDEFINED);
  EXPECT_NE(auc.reason().find("only one class"), std::string::npos);
  EXPECT_EQ(FindMetric(result, "accuracy").status(), METRIC_STATUS_DEFINED);
}

TEST(MetricsReferenceTest, EmptySubpopulationIsUndefinedExceptRowCount) {
  const Case& empty = FindCase("empty");
  const SubpopulationResult result = Finish(empty, Accumulate(empty, 0, 0));
  EXPECT_EQ(result.row_count(), 0);
  for (const MetricValue& value : result.metrics()) {
    SCOPED_TRACE(value.name());
    if (value.name() == "row_count") {
      EXPECT_EQ(value.status(), METRIC_STATUS_DEFINED);
      EXPECT_EQ(value.value(), 0.0);
    } else {
      EXPECT_EQ(value.status(), METRIC_STATUS_UNDEFINED);
      EXPECT_EQ(value.reason(), "the subpopulation has no rows");
    }
  }
}

// The shipped reference file holds values computed when the data was made.
void ExpectMatchesReferenceBlock(const SubpopulationResult& result, const json& block,
                                 const std::vector<std::string>& class_names) {
  EXPECT_EQ(result.row_count(), block["n_rows"].get<int64_t>());
  EXPECT_NEAR(FindMetric(result, "accuracy").value(), block["accuracy"].get<double>(), 1e-12);
  for (const std::string& class_name : class_names) {
    for (const char* metric : {"precision", "recall", "f1"}) {
      const std::string name = std::string(metric) + "[" + class_name + "]";
      EXPECT_NEAR(FindMetric(result, name).value(),
                  block["per_class"][class_name][metric].get<double>(), 1e-12)
          << name;
    }
  }
  for (const char* average : {"macro", "micro", "weighted"}) {
    for (const char* metric : {"precision", "recall", "f1"}) {
      const std::string name = std::string(metric) + "[" + average + "]";
      EXPECT_NEAR(FindMetric(result, name).value(), block[average][metric].get<double>(), 1e-12)
          << name;
    }
  }
  if (block["roc_auc"].is_null()) {
    EXPECT_EQ(FindMetric(result, "roc_auc").status(), METRIC_STATUS_UNDEFINED);
  } else {
    EXPECT_NEAR(FindMetric(result, "roc_auc").value(), block["roc_auc"].get<double>(), 1e-12);
  }
  EXPECT_NEAR(FindMetric(result, "log_loss").value(), block["log_loss"].get<double>(), 1e-12);

  std::vector<int64_t> confusion;
  for (const json& row : block["confusion_matrix"]["matrix"]) {
    for (const json& cell : row) confusion.push_back(cell.get<int64_t>());
  }
  EXPECT_EQ(std::vector<int64_t>(result.confusion_matrix().counts().begin(),
                                 result.confusion_matrix().counts().end()),
            confusion);
}

TEST(MetricsReferenceTest, SpamAssassinMatchesShippedReference) {
  std::ifstream file("examples/spamassassin/reference_metrics.json");
  const json reference = json::parse(file);
  const std::vector<std::pair<std::string, json>> blocks = {
      {"spamassassin_validation", reference["validation"]},
      {"spamassassin_free_and_money", reference["subpopulations"][0]["metrics"]},
      {"spamassassin_hard_ham_1", reference["subpopulations"][1]["metrics"]}};
  for (const auto& [name, block] : blocks) {
    SCOPED_TRACE(name);
    const Case& c = FindCase(name);
    ExpectMatchesReferenceBlock(Finish(c, Accumulate(c, 0, c.labels.size())), block,
                                c.class_names);
  }
}

TEST(MetricsReferenceTest, CreditMatchesShippedReference) {
  std::ifstream file("examples/credit/reference_metrics.json");
  const json reference = json::parse(file);
  const std::vector<std::pair<std::string, json>> blocks = {
      {"credit_validation", reference["validation"]},
      {"credit_age_18_to_30", reference["subpopulations"][0]["metrics"]}};
  for (const auto& [name, block] : blocks) {
    SCOPED_TRACE(name);
    const Case& c = FindCase(name);
    ExpectMatchesReferenceBlock(Finish(c, Accumulate(c, 0, c.labels.size())), block,
                                c.class_names);
  }
}

// Merging the partial states of any split gives the one-pass result:
// counts equal, floating-point values within 1e-12.
TEST(MetricsMergeTest, ShardsMergeIntoOnePassResult) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const size_t rows = c.labels.size();
    const SubpopulationResult one_pass = Finish(c, Accumulate(c, 0, rows));

    for (size_t shards : {1, 2, 7, 64}) {
      SCOPED_TRACE(shards);
      const int k = static_cast<int>(c.class_names.size());
      MetricAccumulator merged(AccumulatorOptions{k, 20, true});
      for (size_t s = 0; s < shards; ++s) {
        const MetricAccumulator shard = Accumulate(c, rows * s / shards, rows * (s + 1) / shards);
        // Through the protobuf form, as peers send it.
        auto restored = MetricAccumulator::FromPartialState(shard.ToPartialState(), AccumulatorOptions{k, 20, true});
        ASSERT_TRUE(restored.ok()) << restored.status();
        ASSERT_TRUE(merged.Merge(*restored).ok());
      }
      const SubpopulationResult result = Finish(c, merged);

      EXPECT_EQ(result.row_count(), one_pass.row_count());
      EXPECT_EQ(result.confusion_matrix().SerializeAsString(),
                one_pass.confusion_matrix().SerializeAsString());
      EXPECT_EQ(result.histograms().SerializeAsString(),
                one_pass.histograms().SerializeAsString());
      ASSERT_EQ(result.metrics_size(), one_pass.metrics_size());
      for (int i = 0; i < result.metrics_size(); ++i) {
        const MetricValue& merged_value = result.metrics(i);
        const MetricValue& expected = one_pass.metrics(i);
        SCOPED_TRACE(expected.name());
        EXPECT_EQ(merged_value.status(), expected.status());
        if (std::isnan(expected.value())) {
          EXPECT_TRUE(std::isnan(merged_value.value()));
        } else {
          EXPECT_NEAR(merged_value.value(), expected.value(), 1e-12);
        }
      }
    }
  }
}

TEST(MetricsMergeTest, DifferentClassCountsAreRejected) {
  MetricAccumulator two(AccumulatorOptions{2, 20, true});
  const MetricAccumulator three(AccumulatorOptions{3, 20, true});
  const absl::Status status = two.Merge(three);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("class counts (2 and 3)"), std::string::npos);
}

TEST(MetricsMergeTest, MalformedPartialStateIsRejected) {
  MetricAccumulator accumulator(AccumulatorOptions{3, 20, true});
  const double probabilities[] = {0.2, 0.5, 0.3};
  accumulator.Add(1, 1, probabilities);

  auto state = accumulator.ToPartialState();
  state.mutable_confusion_counts()->RemoveLast();
  auto restored = MetricAccumulator::FromPartialState(state, AccumulatorOptions{3, 20, true});
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(restored.status().message().find("confusion_counts"), std::string::npos);

  state = accumulator.ToPartialState();
  state.mutable_score_counts(0)->mutable_label_counts()->RemoveLast();
  restored = MetricAccumulator::FromPartialState(state, AccumulatorOptions{3, 20, true});
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kInvalidArgument);

  state = accumulator.ToPartialState();
  state.set_class_count(2);
  restored = MetricAccumulator::FromPartialState(state, AccumulatorOptions{3, 20, true});
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MetricNamesTest, UnknownNamesAreRejected) {
  const std::vector<std::string> classes = {"ham", "spam"};
  EXPECT_TRUE(CheckMetricName("f1[spam]", classes).ok());
  EXPECT_TRUE(CheckMetricName("roc_auc[ovo_weighted]", classes).ok());
  EXPECT_TRUE(CheckMetricName("top_k_accuracy[2]", classes).ok());
  for (const char* name : {"f1[eggs]", "roc_auc[micro]", "top_k_accuracy[3]", "F1", ""}) {
    SCOPED_TRACE(name);
    const absl::Status status = CheckMetricName(name, classes);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find("unknown metric name"), std::string::npos);
  }
}

TEST(MetricNamesTest, BareNamesFollowClassCount) {
  const Case& binary = FindCase("binary");
  const SubpopulationResult result = Finish(binary, Accumulate(binary, 0, binary.labels.size()));
  EXPECT_EQ(FindMetric(result, "f1").value(), FindMetric(result, "f1[positive]").value());
  EXPECT_EQ(FindMetric(result, "roc_auc").value(), FindMetric(result, "roc_auc[positive]").value());

  const Case& five = FindCase("five_classes");
  const SubpopulationResult five_result = Finish(five, Accumulate(five, 0, five.labels.size()));
  EXPECT_EQ(FindMetric(five_result, "f1").value(), FindMetric(five_result, "f1[macro]").value());
  EXPECT_EQ(FindMetric(five_result, "roc_auc").value(),
            FindMetric(five_result, "roc_auc[ovr_macro]").value());
}

TEST(MetricHistogramTest, ConfidenceHistogramsCountEveryScoredRow) {
  const Case& c = FindCase("spamassassin_validation");
  const SubpopulationResult result = FinishMetrics(Accumulate(c, 0, c.labels.size(), 10),
                                                   c.class_names, {"accuracy"});
  ASSERT_EQ(result.metrics_size(), 1);
  const auto& histograms = result.histograms();
  ASSERT_EQ(histograms.confidence().counts_size(), 10);
  int64_t all = 0;
  int64_t correct = 0;
  int64_t incorrect = 0;
  for (int b = 0; b < 10; ++b) {
    all += histograms.confidence().counts(b);
    correct += histograms.confidence_correct().counts(b);
    incorrect += histograms.confidence_incorrect().counts(b);
    EXPECT_EQ(histograms.confidence().counts(b),
              histograms.confidence_correct().counts(b) +
                  histograms.confidence_incorrect().counts(b));
  }
  EXPECT_EQ(all, 1814);
  EXPECT_EQ(correct, 1238 + 500);
  EXPECT_EQ(incorrect, 7 + 69);
  // Binary confidence is at least 0.5, so the lower half stays empty.
  for (int b = 0; b < 5; ++b) EXPECT_EQ(histograms.confidence().counts(b), 0);
  EXPECT_EQ(histograms.label_distribution(0), 1245);
  EXPECT_EQ(histograms.prediction_distribution(1), 507);
  ASSERT_EQ(histograms.confidence_by_label_size(), 2);
  EXPECT_EQ(histograms.confidence_by_label(1).class_name(), "spam");
}

}  // namespace
}  // namespace goalpost::metrics

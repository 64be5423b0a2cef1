// Integration tests: a real goalpost-datasets over a private PostgreSQL and
// real goalpost-metrics processes, called over gRPC on 127.0.0.1.
#include <cmath>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/metrics/v1/metrics.grpc.pb.h"
#include "services/metrics/dataset_source.h"
#include "services/metrics/metrics_evaluator.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::datasets::v1::DatasetService;
using ::goalpost::datasets::v1::ReadColumnsRequest;
using ::goalpost::datasets::v1::ReadColumnsResponse;
using ::goalpost::datasets::v1::UploadDatasetRequest;
using ::goalpost::datasets::v1::UploadDatasetResponse;
using ::goalpost::datasets::v1::UploadPredictionSetRequest;
using ::goalpost::datasets::v1::UploadPredictionSetResponse;
using ::goalpost::metrics::v1::EvaluatePartialRequest;
using ::goalpost::metrics::v1::EvaluatePartialResponse;
using ::goalpost::metrics::v1::EvaluateRequest;
using ::goalpost::metrics::v1::EvaluateResponse;
using ::goalpost::metrics::v1::ListMetricNamesRequest;
using ::goalpost::metrics::v1::ListMetricNamesResponse;
using ::goalpost::metrics::v1::METRIC_STATUS_UNDEFINED;
using ::goalpost::metrics::v1::MetricsService;
using ::goalpost::metrics::v1::MetricValue;
using ::goalpost::metrics::v1::SubpopulationResult;
using ::goalpost::testing::BinaryPath;
using ::goalpost::testing::PickFreePort;
using ::goalpost::testing::ServiceProcess;
using ::nlohmann::json;

constexpr int kGeneratedRows = 300000;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// The processes and datasets every test shares.
struct Cluster {
  std::unique_ptr<ServiceProcess> datasets;
  // Evaluates everything itself.
  std::unique_ptr<ServiceProcess> metrics;
  // Splits large datasets with `metrics` as its peer.
  std::unique_ptr<ServiceProcess> split_metrics;
  std::string spam_dataset;
  std::string generated_dataset;
  std::string setup_error;
};

absl::StatusOr<std::string> UploadSpamAssassin(DatasetService::Stub& stub) {
  grpc::ClientContext context;
  UploadDatasetResponse response;
  auto writer = stub.UploadDataset(&context, &response);

  UploadDatasetRequest request;
  auto* spec = request.mutable_spec();
  spec->set_project("projects/metrics-test");
  spec->set_role(goalpost::datasets::v1::DATASET_ROLE_VALIDATION);
  spec->set_id_column("id");
  spec->add_text_columns("text");
  spec->add_categorical_columns("group");
  spec->set_label_column("label");
  spec->set_prediction_column("prediction");
  spec->add_probability_columns("prob_ham");
  spec->add_probability_columns("prob_spam");
  spec->add_class_names("ham");
  spec->add_class_names("spam");
  writer->Write(request);

  const std::string csv = ReadFile("examples/spamassassin/validation.csv");
  for (size_t offset = 0; offset < csv.size(); offset += 1 << 20) {
    UploadDatasetRequest chunk;
    chunk.set_csv_chunk(csv.substr(offset, 1 << 20));
    writer->Write(chunk);
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return absl::InternalError("SpamAssassin upload failed: " + status.error_message());
  return response.dataset().name();
}

// 300,000 rows with 5 classes in typed row batches: more than four chunks,
// so the split evaluation spreads them over two replicas.
absl::StatusOr<std::string> UploadGenerated(DatasetService::Stub& stub) {
  grpc::ClientContext context;
  UploadDatasetResponse response;
  auto writer = stub.UploadDataset(&context, &response);
  const std::vector<std::string> classes = {"a", "b", "c", "d", "e"};

  UploadDatasetRequest header;
  auto* spec = header.mutable_spec();
  spec->set_project("projects/metrics-test");
  spec->set_role(goalpost::datasets::v1::DATASET_ROLE_VALIDATION);
  spec->add_categorical_columns("segment");
  spec->add_numeric_columns("score");
  spec->set_label_column("label");
  spec->set_prediction_column("prediction");
  for (const std::string& c : classes) {
    spec->add_probability_columns("p_" + c);
    spec->add_class_names(c);
  }
  writer->Write(header);

  std::mt19937_64 random(7);
  std::gamma_distribution<double> gamma(0.8, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const std::vector<std::string> segments = {"north", "south", "east", "west"};
  for (int first = 0; first < kGeneratedRows; first += 25000) {
    std::vector<int> labels, predictions;
    std::vector<std::vector<double>> probabilities(5);
    std::vector<std::string> segment_values;
    std::vector<double> scores;
    for (int i = first; i < first + 25000; ++i) {
      // Hundredths that sum to exactly 100, so that many scores tie.
      double row[5], sum = 0;
      for (double& p : row) sum += (p = gamma(random));
      int hundredths[5], total = 0, largest = 0;
      for (int c = 0; c < 5; ++c) {
        hundredths[c] = static_cast<int>(row[c] / sum * 100);
        total += hundredths[c];
        if (hundredths[c] > hundredths[largest]) largest = c;
      }
      hundredths[largest] += 100 - total;
      int prediction = 0;
      for (int c = 0; c < 5; ++c) {
        probabilities[c].push_back(hundredths[c] / 100.0);
        if (hundredths[c] > hundredths[prediction]) prediction = c;
      }
      predictions.push_back(prediction);
      labels.push_back(uniform(random) < 0.7 ? prediction : static_cast<int>(uniform(random) * 5));
      segment_values.push_back(segments[i % 4]);
      scores.push_back(uniform(random) * 100);
    }

    UploadDatasetRequest batch;
    auto* row_batch = batch.mutable_row_batch();
    auto* label_column = row_batch->add_columns();
    label_column->set_name("label");
    for (int v : labels) label_column->mutable_class_indices()->add_values(v);
    auto* prediction_column = row_batch->add_columns();
    prediction_column->set_name("prediction");
    for (int v : predictions) prediction_column->mutable_class_indices()->add_values(v);
    for (int c = 0; c < 5; ++c) {
      auto* column = row_batch->add_columns();
      column->set_name("p_" + classes[c]);
      for (double v : probabilities[c]) column->mutable_doubles()->add_values(v);
    }
    auto* segment_column = row_batch->add_columns();
    segment_column->set_name("segment");
    for (const std::string& v : segment_values) segment_column->mutable_strings()->add_values(v);
    auto* score_column = row_batch->add_columns();
    score_column->set_name("score");
    for (double v : scores) score_column->mutable_doubles()->add_values(v);
    writer->Write(batch);
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return absl::InternalError("generated upload failed: " + status.error_message());
  return response.dataset().name();
}

Cluster* StartCluster() {
  auto* cluster = new Cluster();
  auto url = goalpost::testing::SharedPostgresServer().CreateDatabase("metrics_service");
  if (!url.ok()) {
    cluster->setup_error = url.status().ToString();
    return cluster;
  }

  const int datasets_port = PickFreePort();
  auto datasets = ServiceProcess::Start(BinaryPath("goalpost-datasets"),
                                        {"--database_url=" + *url}, datasets_port);
  if (!datasets.ok()) {
    cluster->setup_error = datasets.status().ToString();
    return cluster;
  }
  cluster->datasets = *std::move(datasets);
  const std::string datasets_address = cluster->datasets->address();

  auto metrics = ServiceProcess::Start(
      BinaryPath("goalpost-metrics"), {"--datasets_address=" + datasets_address, "--log_level=debug"},
      PickFreePort());
  if (!metrics.ok()) {
    cluster->setup_error = metrics.status().ToString();
    return cluster;
  }
  cluster->metrics = *std::move(metrics);
  auto split = ServiceProcess::Start(
      BinaryPath("goalpost-metrics"),
      {"--datasets_address=" + datasets_address, "--metrics_peers=" + cluster->metrics->address()},
      PickFreePort());
  if (!split.ok()) {
    cluster->setup_error = split.status().ToString();
    return cluster;
  }
  cluster->split_metrics = *std::move(split);

  auto stub = DatasetService::NewStub(MakeChannel(datasets_address));
  auto spam = UploadSpamAssassin(*stub);
  auto generated = UploadGenerated(*stub);
  if (!spam.ok() || !generated.ok()) {
    cluster->setup_error = spam.ok() ? generated.status().ToString() : spam.status().ToString();
    return cluster;
  }
  cluster->spam_dataset = *spam;
  cluster->generated_dataset = *generated;
  return cluster;
}

class MetricsServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = StartCluster(); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(cluster_->setup_error.empty()) << cluster_->setup_error; }

  static std::unique_ptr<MetricsService::Stub> Metrics(const ServiceProcess& process) {
    return MetricsService::NewStub(MakeChannel(process.address()));
  }

  static grpc::Status Evaluate(const ServiceProcess& process, const EvaluateRequest& request,
                               EvaluateResponse* response) {
    grpc::ClientContext context;
    return Metrics(process)->Evaluate(&context, request, response);
  }

  static Cluster* cluster_;
};

Cluster* MetricsServiceTest::cluster_ = nullptr;

const MetricValue& FindMetric(const SubpopulationResult& result, const std::string& name) {
  for (const MetricValue& value : result.metrics()) {
    if (value.name() == name) return value;
  }
  ADD_FAILURE() << "no metric " << name;
  return result.metrics(0);
}

void ExpectMatchesReference(const SubpopulationResult& result, const json& block) {
  EXPECT_EQ(result.row_count(), block["n_rows"].get<int64_t>());
  EXPECT_NEAR(FindMetric(result, "accuracy").value(), block["accuracy"].get<double>(), 1e-12);
  for (const char* class_name : {"ham", "spam"}) {
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

TEST_F(MetricsServiceTest, SpamAssassinMatchesReferenceMetrics) {
  EvaluateRequest request;
  request.set_dataset(cluster_->spam_dataset);
  request.add_subpopulations()->set_key("all");
  auto* tokens = request.add_subpopulations();
  tokens->set_key("free and money");
  tokens->set_filter_text("text has all(\"free\", \"money\")");
  auto* group = request.add_subpopulations();
  group->set_key("hard ham");
  group->set_filter_text("group == \"hard-ham-1\"");

  EvaluateResponse response;
  const grpc::Status status = Evaluate(*cluster_->metrics, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.dataset_row_count(), 1814);

  std::ifstream file("examples/spamassassin/reference_metrics.json");
  const json reference = json::parse(file);
  {
    SCOPED_TRACE("whole validation set");
    EXPECT_EQ(response.results(0).key(), "all");
    ExpectMatchesReference(response.results(0), reference["validation"]);
  }
  {
    SCOPED_TRACE("text has all(free, money)");
    EXPECT_EQ(response.results(1).key(), "free and money");
    ExpectMatchesReference(response.results(1), reference["subpopulations"][0]["metrics"]);
  }
  {
    SCOPED_TRACE("group == hard-ham-1");
    ExpectMatchesReference(response.results(2), reference["subpopulations"][1]["metrics"]);
    EXPECT_FALSE(FindMetric(response.results(2), "roc_auc").reason().empty());
  }
}

TEST_F(MetricsServiceTest, RequestedMetricsComeInRequestOrder) {
  EvaluateRequest request;
  request.set_dataset(cluster_->spam_dataset);
  auto* subpopulation = request.add_subpopulations();
  subpopulation->set_filter_text("misclassified");
  subpopulation->add_metrics("row_count");
  subpopulation->add_metrics("precision[spam]");
  request.mutable_histogram_options()->set_bin_count(4);

  EvaluateResponse response;
  const grpc::Status status = Evaluate(*cluster_->metrics, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const SubpopulationResult& result = response.results(0);
  ASSERT_EQ(result.metrics_size(), 2);
  EXPECT_EQ(result.metrics(0).name(), "row_count");
  EXPECT_EQ(result.metrics(0).value(), 76.0);  // 7 + 69 misclassified rows
  EXPECT_EQ(result.metrics(1).name(), "precision[spam]");
  EXPECT_EQ(result.metrics(1).value(), 0.0);
  EXPECT_EQ(result.histograms().confidence().counts_size(), 4);
  EXPECT_EQ(result.filter_text(), "misclassified");
}

TEST_F(MetricsServiceTest, BadRequestsNameTheField) {
  struct BadCase {
    std::string filter_text;
    std::string metric;
    int bin_count;
    std::string expected;
  };
  const std::vector<BadCase> cases = {
      {"", "f1[eggs]", 0, "subpopulations[0].metrics[0]"},
      {"text has", "", 0, "position"},
      {"colour == \"red\"", "", 0, "colour"},
      {"group has \"free\"", "", 0, "group"},
      {"", "", 5000, "histogram_options.bin_count"},
  };
  for (const BadCase& bad : cases) {
    SCOPED_TRACE(bad.expected);
    EvaluateRequest request;
    request.set_dataset(cluster_->spam_dataset);
    auto* subpopulation = request.add_subpopulations();
    subpopulation->set_filter_text(bad.filter_text);
    if (!bad.metric.empty()) subpopulation->add_metrics(bad.metric);
    request.mutable_histogram_options()->set_bin_count(bad.bin_count);

    EvaluateResponse response;
    const grpc::Status status = Evaluate(*cluster_->metrics, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find(bad.expected), std::string::npos)
        << status.error_message();
  }
}

TEST_F(MetricsServiceTest, UnknownDatasetIsNotFound) {
  EvaluateRequest request;
  request.set_dataset("projects/metrics-test/datasets/does-not-exist");
  request.add_subpopulations();
  EvaluateResponse response;
  const grpc::Status status = Evaluate(*cluster_->metrics, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

TEST_F(MetricsServiceTest, ListMetricNamesChecksClassNames) {
  ListMetricNamesRequest request;
  request.add_class_names("ham");
  request.add_class_names("spam");
  ListMetricNamesResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(Metrics(*cluster_->metrics)->ListMetricNames(&context, request, &response).ok());
  }
  const std::vector<std::string> names(response.metric_names().begin(),
                                       response.metric_names().end());
  EXPECT_NE(std::find(names.begin(), names.end(), "f1[spam]"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "roc_auc[ovo_weighted]"), names.end());

  request.add_class_names("ham");
  grpc::ClientContext context;
  const grpc::Status status = Metrics(*cluster_->metrics)->ListMetricNames(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("\"ham\""), std::string::npos);
}

// The replica with a peer splits the 300,000 rows into two chunk-aligned
// ranges; its merged result equals the one-pass result of the replica
// without peers.
TEST_F(MetricsServiceTest, SplitAcrossPeersEqualsOnePass) {
  EvaluateRequest request;
  request.set_dataset(cluster_->generated_dataset);
  request.add_subpopulations()->set_key("all");
  request.add_subpopulations()->set_filter_text("segment in (\"north\", \"east\") and score < 40");
  request.add_subpopulations()->set_filter_text("prediction != label or confidence < 0.3");

  EvaluateResponse one_pass, split;
  grpc::Status status = Evaluate(*cluster_->metrics, request, &one_pass);
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = Evaluate(*cluster_->split_metrics, request, &split);
  ASSERT_TRUE(status.ok()) << status.error_message();

  ASSERT_EQ(split.results_size(), 3);
  EXPECT_EQ(one_pass.results(0).row_count(), kGeneratedRows);
  // Five chunks over two replicas: the peer evaluated the last three.
  EXPECT_NE(cluster_->metrics->Output().find("evaluated rows [131072, 300000)"), std::string::npos)
      << cluster_->metrics->Output();
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE(s);
    const SubpopulationResult& a = one_pass.results(s);
    const SubpopulationResult& b = split.results(s);
    EXPECT_GT(a.row_count(), 1000);
    EXPECT_EQ(a.row_count(), b.row_count());
    EXPECT_EQ(a.confusion_matrix().SerializeAsString(), b.confusion_matrix().SerializeAsString());
    EXPECT_EQ(a.histograms().SerializeAsString(), b.histograms().SerializeAsString());
    ASSERT_EQ(a.metrics_size(), b.metrics_size());
    for (int m = 0; m < a.metrics_size(); ++m) {
      SCOPED_TRACE(a.metrics(m).name());
      EXPECT_EQ(a.metrics(m).status(), b.metrics(m).status());
      if (!std::isnan(a.metrics(m).value())) {
        EXPECT_NEAR(a.metrics(m).value(), b.metrics(m).value(), 1e-12);
      }
    }
  }
}

TEST_F(MetricsServiceTest, EvaluatePartialCoversItsRowRange) {
  EvaluatePartialRequest request;
  request.mutable_request()->set_dataset(cluster_->generated_dataset);
  request.mutable_request()->add_subpopulations()->add_metrics("accuracy");
  request.set_row_offset(65536);
  request.set_row_limit(100000);

  EvaluatePartialResponse response;
  grpc::ClientContext context;
  const grpc::Status status = Metrics(*cluster_->metrics)->EvaluatePartial(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.states_size(), 1);
  EXPECT_EQ(response.states(0).row_count(), 100000);
  // Only accuracy was requested, so no scores are kept for ROC AUC.
  EXPECT_EQ(response.states(0).score_counts_size(), 0);

  request.set_row_offset(-1);
  grpc::ClientContext bad_context;
  const grpc::Status bad = Metrics(*cluster_->metrics)->EvaluatePartial(&bad_context, request, &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("row_offset"), std::string::npos);
}

// A prediction set replaces the dataset's own predictions: with every
// prediction flipped, the confusion matrix's columns swap.
TEST_F(MetricsServiceTest, PredictionSetReplacesOwnPredictions) {
  auto datasets = DatasetService::NewStub(MakeChannel(cluster_->datasets->address()));
  ReadColumnsRequest read;
  read.set_name(cluster_->spam_dataset);
  read.add_columns("prob_ham");
  read.add_columns("prob_spam");
  read.add_columns("prediction");

  UploadPredictionSetRequest header;
  header.mutable_header()->set_dataset(cluster_->spam_dataset);
  header.mutable_header()->set_model("projects/metrics-test/models/flipped");
  header.mutable_header()->add_class_names("ham");
  header.mutable_header()->add_class_names("spam");
  UploadPredictionSetRequest batch;
  {
    grpc::ClientContext context;
    auto reader = datasets->ReadColumns(&context, read);
    ReadColumnsResponse chunk;
    while (reader->Read(&chunk)) {
      for (int i = 0; i < chunk.row_count(); ++i) {
        batch.mutable_batch()->add_probabilities(chunk.columns(1).doubles(i));
        batch.mutable_batch()->add_probabilities(chunk.columns(0).doubles(i));
        batch.mutable_batch()->add_predicted_class(1 - chunk.columns(2).class_indices(i));
      }
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  ASSERT_EQ(batch.batch().predicted_class_size(), 1814);

  UploadPredictionSetResponse uploaded;
  {
    grpc::ClientContext context;
    auto writer = datasets->UploadPredictionSet(&context, &uploaded);
    writer->Write(header);
    writer->Write(batch);
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  EvaluateRequest request;
  request.set_dataset(cluster_->spam_dataset);
  request.set_prediction_set(uploaded.prediction_set().name());
  request.add_subpopulations()->add_metrics("accuracy");
  EvaluateResponse response;
  const grpc::Status status = Evaluate(*cluster_->metrics, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto& counts = response.results(0).confusion_matrix().counts();
  EXPECT_EQ(std::vector<int64_t>(counts.begin(), counts.end()),
            (std::vector<int64_t>{7, 1238, 500, 69}));
  EXPECT_NEAR(response.results(0).metrics(0).value(), 76.0 / 1814.0, 1e-15);
}

}  // namespace
}  // namespace goalpost::metrics

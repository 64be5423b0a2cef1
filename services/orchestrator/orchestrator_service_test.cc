// GoalOrchestrator in this process over real gRPC on 127.0.0.1, with the
// datasets, inference, metrics and explain binaries as child processes and
// a private PostgreSQL cluster.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"
#include "services/orchestrator/orchestrator_server.h"

namespace goalpost::orchestrator {
namespace {

using ::goalpost::testing::BinaryPath;
using ::goalpost::testing::PickFreePort;
using ::goalpost::testing::ServiceProcess;
using ::testing::HasSubstr;
namespace datasets = ::goalpost::datasets::v1;

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// The whole cluster but the orchestrator, started once for the suite.
struct Peers {
  std::string database_url;
  std::unique_ptr<ServiceProcess> datasets, inference, metrics, explain;
  PeerAddresses addresses;
};

Peers* StartPeers() {
  auto* peers = new Peers();
  auto url = testing::SharedPostgresServer().CreateDatabase("orchestrator_service");
  if (!url.ok()) return peers;
  peers->database_url = *url;
  int datasets_port = PickFreePort(), inference_port = PickFreePort();
  int metrics_port = PickFreePort(), explain_port = PickFreePort();
  peers->addresses = {Loopback(datasets_port), Loopback(inference_port), Loopback(metrics_port),
                      Loopback(explain_port)};

  auto started = ServiceProcess::Start(BinaryPath("goalpost-datasets"),
                                       {"--database_url=" + *url}, datasets_port);
  if (started.ok()) peers->datasets = *std::move(started);
  started = ServiceProcess::Start(
      BinaryPath("goalpost-inference"),
      {"--database_url=" + *url, "--datasets_address=" + peers->addresses.datasets},
      inference_port);
  if (started.ok()) peers->inference = *std::move(started);
  started = ServiceProcess::Start(BinaryPath("goalpost-metrics"),
                                  {"--datasets_address=" + peers->addresses.datasets},
                                  metrics_port);
  if (started.ok()) peers->metrics = *std::move(started);
  started = ServiceProcess::Start(BinaryPath("goalpost-explain"),
                                  {"--datasets_address=" + peers->addresses.datasets,
                                   "--inference_address=" + peers->addresses.inference},
                                  explain_port);
  if (started.ok()) peers->explain = *std::move(started);
  return peers;
}

class OrchestratorServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { peers_ = StartPeers(); }
  static void TearDownTestSuite() {
    delete peers_;
    peers_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(peers_->datasets, nullptr) << "goalpost-datasets did not start";
    ASSERT_NE(peers_->metrics, nullptr) << "goalpost-metrics did not start";
    OrchestratorOptions options;
    options.database_url = peers_->database_url;
    options.peers = peers_->addresses;
    options.workers.workers = 2;
    options.workers.poll_interval = absl::Milliseconds(100);
    auto server = OrchestratorServer::Create(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->StartWorkers();

    ServerOptions host_options;
    host_options.service_name = "orchestrator";
    host_options.listen_address = "127.0.0.1:0";
    host_ = std::make_unique<ServiceHost>(host_options);
    host_->AddService(server_->service());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::GoalOrchestrator::NewStub(MakeChannel(host_->address()));
    datasets_ = datasets::DatasetService::NewStub(MakeChannel(peers_->addresses.datasets));
  }

  void TearDown() override {
    if (host_ != nullptr) host_->Shutdown();
    if (server_ != nullptr) server_->StopWorkers();
  }

  // Creates a text project with the classes ham and spam.
  std::string CreateProject(const std::string& project_id) {
    v1::CreateProjectRequest request;
    request.set_project_id(project_id);
    request.set_task_type(v1::TASK_TYPE_TEXT_CLASSIFICATION);
    request.add_class_names("ham");
    request.add_class_names("spam");
    v1::CreateProjectResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->CreateProject(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.project().name();
  }

  // Uploads a SpamAssassin example file, with or without its prediction
  // columns.
  std::string UploadSpamAssassin(const std::string& project, const std::string& file,
                                 datasets::DatasetRole role, bool with_predictions = true) {
    datasets::UploadDatasetRequest spec_message;
    datasets::DatasetSpec* spec = spec_message.mutable_spec();
    spec->set_project(project);
    spec->set_role(role);
    spec->set_id_column("id");
    spec->add_text_columns("text");
    spec->add_categorical_columns("group");
    spec->set_label_column("label");
    if (with_predictions) {
      spec->set_prediction_column("prediction");
      spec->add_probability_columns("prob_ham");
      spec->add_probability_columns("prob_spam");
    }
    spec->add_class_names("ham");
    spec->add_class_names("spam");

    grpc::ClientContext context;
    datasets::UploadDatasetResponse response;
    auto writer = datasets_->UploadDataset(&context, &response);
    EXPECT_TRUE(writer->Write(spec_message));
    const std::string csv = ReadFile("examples/spamassassin/" + file);
    const size_t slice = 1 << 20;
    for (size_t offset = 0; offset < csv.size(); offset += slice) {
      datasets::UploadDatasetRequest chunk;
      chunk.set_csv_chunk(csv.substr(offset, slice));
      EXPECT_TRUE(writer->Write(chunk));
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.dataset().name();
  }

  // Registers the SpamAssassin TF-IDF and logistic regression model.
  std::string RegisterSpamModel(const std::string& project) {
    auto inference =
        goalpost::inference::v1::InferenceService::NewStub(MakeChannel(peers_->addresses.inference));
    goalpost::inference::v1::RegisterModelRequest spec_message;
    auto* spec = spec_message.mutable_spec();
    spec->set_project(project);
    spec->set_model_id("spam-tfidf");
    spec->set_kind(goalpost::inference::v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION);
    spec->add_class_names("ham");
    spec->add_class_names("spam");
    spec->set_text_column("text");

    grpc::ClientContext context;
    goalpost::inference::v1::RegisterModelResponse response;
    auto writer = inference->RegisterModel(&context, &response);
    EXPECT_TRUE(writer->Write(spec_message));
    goalpost::inference::v1::RegisterModelRequest artifact;
    artifact.set_artifact_chunk(ReadFile("examples/spamassassin/spam_tfidf_logreg.json"));
    EXPECT_TRUE(writer->Write(artifact));
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.model().name();
  }

  grpc::Status CreateGoal(const std::string& project, const std::string& name,
                          const std::string& subpopulation, const std::string& metric,
                          v1::ThresholdOperator op, double value,
                          v1::CreateGoalResponse* response) {
    v1::CreateGoalRequest request;
    request.set_project(project);
    request.mutable_goal()->set_display_name(name);
    request.mutable_goal()->set_subpopulation(subpopulation);
    v1::Threshold* threshold = request.mutable_goal()->add_thresholds();
    threshold->set_metric(metric);
    threshold->set_operator_(op);
    threshold->set_value(value);
    grpc::ClientContext context;
    return stub_->CreateGoal(&context, request, response);
  }

  // Follows WatchRun to the end and returns the last run state seen.
  v1::Run WatchToEnd(const std::string& run, std::vector<std::string>* messages) {
    v1::WatchRunRequest request;
    request.set_name(run);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    auto reader = stub_->WatchRun(&context, request);
    v1::WatchRunResponse event;
    v1::Run last;
    while (reader->Read(&event)) {
      last = event.run();
      messages->push_back(event.message());
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return last;
  }

  static Peers* peers_;
  std::unique_ptr<OrchestratorServer> server_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<v1::GoalOrchestrator::Stub> stub_;
  std::unique_ptr<datasets::DatasetService::Stub> datasets_;
};

Peers* OrchestratorServiceTest::peers_ = nullptr;

TEST_F(OrchestratorServiceTest, InvalidGoalsAreRejectedByName) {
  const std::string project = CreateProject("invalid-goals");
  const struct {
    std::string metric;
    v1::ThresholdOperator op;
    std::string subpopulation;
    std::string expected;
  } cases[] = {
      {"f9[macro]", v1::THRESHOLD_OPERATOR_GREATER, "", "\"f9[macro]\" is not a known metric"},
      {"precision[eggs]", v1::THRESHOLD_OPERATOR_GREATER, "", "class \"eggs\""},
      {"accuracy", v1::THRESHOLD_OPERATOR_UNSPECIFIED, "", "goal.thresholds[0].operator"},
      {"accuracy", v1::THRESHOLD_OPERATOR_GREATER, "text has", "goal.subpopulation"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expected);
    v1::CreateGoalResponse response;
    grpc::Status status = CreateGoal(project, "bad", c.subpopulation, c.metric, c.op, 0.5, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(c.expected));
  }

  v1::ListGoalsRequest list;
  list.set_project(project);
  v1::ListGoalsResponse goals;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ListGoals(&context, list, &goals).ok());
  // A rejected goal stores nothing.
  EXPECT_EQ(goals.goals_size(), 0);
}

TEST_F(OrchestratorServiceTest, CommitWithUnknownDatasetIsNotFound) {
  const std::string project = CreateProject("unknown-dataset");
  v1::CreateCommitRequest request;
  request.set_project(project);
  request.set_training_dataset(project + "/datasets/missing");
  request.set_validation_dataset(project + "/datasets/missing");
  v1::CreateCommitResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->CreateCommit(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(OrchestratorServiceTest, ShellModelCommitIsEvaluated) {
  const std::string project = CreateProject("shell");
  const std::string training =
      UploadSpamAssassin(project, "training.csv", datasets::DATASET_ROLE_TRAINING);
  const std::string validation =
      UploadSpamAssassin(project, "validation.csv", datasets::DATASET_ROLE_VALIDATION);
  ASSERT_FALSE(training.empty());
  ASSERT_FALSE(validation.empty());

  v1::CreateGoalResponse macro_f1, spam_precision, spam_recall;
  ASSERT_TRUE(CreateGoal(project, "macro F1", "", "f1[macro]",
                         v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.9, &macro_f1).ok());
  // No commit yet, so no run.
  EXPECT_EQ(macro_f1.run(), "");
  ASSERT_TRUE(CreateGoal(project, "spam precision on free money", "text has all(\"free\", \"money\")",
                         "precision[spam]", v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.95,
                         &spam_precision).ok());

  v1::CreateCommitRequest commit_request;
  commit_request.set_project(project);
  commit_request.set_training_dataset(training);
  commit_request.set_validation_dataset(validation);
  commit_request.set_message("shell model");
  v1::CreateCommitResponse commit;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->CreateCommit(&context, commit_request, &commit);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::vector<std::string> messages;
  v1::Run run = WatchToEnd(commit.commit().run(), &messages);
  ASSERT_EQ(run.state(), v1::RUN_STATE_SUCCEEDED) << run.error();
  EXPECT_EQ(run.goals_size(), 2);
  EXPECT_THAT(messages.front(), HasSubstr("current state"));
  EXPECT_THAT(messages.back(), HasSubstr("succeeded with 2 goal reports"));

  // Reference: scikit-learn's macro F1 on validation.csv.
  v1::GetGoalReportRequest report_request;
  report_request.set_name(commit.commit().name() + "/reports/" +
                          macro_f1.goal().name().substr(macro_f1.goal().name().rfind('/') + 1));
  v1::GetGoalReportResponse report;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->GetGoalReport(&context, report_request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(report.report().status(), v1::REPORT_STATUS_PASSED);
  EXPECT_EQ(report.report().row_count(), 1814);
  EXPECT_NEAR(report.report().thresholds(0).measured(), 0.9497937327382271, 1e-12);
  EXPECT_EQ(report.report().training().row_count(), 4232);

  v1::ListGoalReportsRequest list_request;
  list_request.set_commit(commit.commit().name());
  v1::ListGoalReportsResponse cards;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListGoalReports(&context, list_request, &cards).ok());
  }
  ASSERT_EQ(cards.reports_size(), 2);
  // Cards leave out the metric sets.
  EXPECT_FALSE(cards.reports(0).has_validation());

  v1::GetCommitMetricsRequest metrics_request;
  metrics_request.set_commit(commit.commit().name());
  v1::GetCommitMetricsResponse metrics;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetCommitMetrics(&context, metrics_request, &metrics).ok());
  }
  EXPECT_EQ(metrics.validation().row_count(), 1814);
  EXPECT_EQ(metrics.training().row_count(), 4232);

  // Row analysis: every validation row, misclassified first, then by
  // ascending confidence.
  v1::ListReportRowsRequest rows_request;
  rows_request.set_report(report_request.name());
  rows_request.set_page_size(100);
  v1::ListReportRowsResponse rows;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ListReportRows(&context, rows_request, &rows);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(rows.total_rows(), 1814);
  ASSERT_EQ(rows.rows_size(), 100);
  EXPECT_FALSE(rows.next_page_token().empty());
  // 76 of 1814 validation rows are misclassified (accuracy 0.958103...).
  EXPECT_TRUE(rows.rows(0).misclassified());
  EXPECT_TRUE(rows.rows(75).misclassified());
  EXPECT_FALSE(rows.rows(76).misclassified());
  EXPECT_LE(rows.rows(0).confidence(), rows.rows(1).confidence());
  EXPECT_FALSE(rows.rows(0).text().empty());
  EXPECT_NE(rows.rows(0).label(), rows.rows(0).prediction());

  v1::ListReportRowsResponse second_page;
  rows_request.set_page_token(rows.next_page_token());
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListReportRows(&context, rows_request, &second_page).ok());
  }
  ASSERT_EQ(second_page.rows_size(), 100);
  EXPECT_LE(rows.rows(99).confidence(), second_page.rows(0).confidence());

  // A shell model cannot be explained.
  v1::ExplainReportRowRequest explain_request;
  explain_request.set_report(report_request.name());
  explain_request.set_row_id(rows.rows(0).row_id());
  v1::ExplainReportRowResponse explanation;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ExplainReportRow(&context, explain_request, &explanation);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(), HasSubstr("explanations need a full model"));
    EXPECT_THAT(status.error_message(), HasSubstr("has a shell model"));
  }

  // A goal made after the commit is evaluated on it at once.
  ASSERT_TRUE(CreateGoal(project, "spam recall", "", "recall[spam]",
                         v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.95, &spam_recall).ok());
  ASSERT_FALSE(spam_recall.run().empty());
  messages.clear();
  v1::Run goal_run = WatchToEnd(spam_recall.run(), &messages);
  ASSERT_EQ(goal_run.state(), v1::RUN_STATE_SUCCEEDED) << goal_run.error();
  EXPECT_EQ(goal_run.commit(), commit.commit().name());
  {
    grpc::ClientContext context;
    cards.Clear();
    ASSERT_TRUE(stub_->ListGoalReports(&context, list_request, &cards).ok());
  }
  ASSERT_EQ(cards.reports_size(), 3);
  // Recall of spam is 0.8787 on the validation set.
  EXPECT_EQ(cards.reports(2).status(), v1::REPORT_STATUS_FAILED);
  EXPECT_NEAR(cards.reports(2).thresholds(0).measured(), 0.8787346221441125, 1e-12);
}

TEST_F(OrchestratorServiceTest, EmptySubpopulationReportsError) {
  const std::string project = CreateProject("empty-subpopulation");
  const std::string training =
      UploadSpamAssassin(project, "training.csv", datasets::DATASET_ROLE_TRAINING);
  const std::string validation =
      UploadSpamAssassin(project, "validation.csv", datasets::DATASET_ROLE_VALIDATION);
  v1::CreateGoalResponse goal;
  ASSERT_TRUE(CreateGoal(project, "nothing", "text has \"zzzqqqxxx\"", "accuracy",
                         v1::THRESHOLD_OPERATOR_GREATER, 0.5, &goal).ok());
  v1::CreateCommitRequest request;
  request.set_project(project);
  request.set_training_dataset(training);
  request.set_validation_dataset(validation);
  v1::CreateCommitResponse commit;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CreateCommit(&context, request, &commit).ok());
  }
  std::vector<std::string> messages;
  ASSERT_EQ(WatchToEnd(commit.commit().run(), &messages).state(), v1::RUN_STATE_SUCCEEDED);

  v1::ListGoalReportsRequest list;
  list.set_commit(commit.commit().name());
  v1::ListGoalReportsResponse cards;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ListGoalReports(&context, list, &cards).ok());
  ASSERT_EQ(cards.reports_size(), 1);
  EXPECT_EQ(cards.reports(0).status(), v1::REPORT_STATUS_ERROR);
  EXPECT_THAT(cards.reports(0).error(), HasSubstr("has no rows in the validation set"));
}

TEST_F(OrchestratorServiceTest, UnknownColumnGoalGetsErrorReportAlone) {
  const std::string project = CreateProject("unknown-column-goal");
  v1::CreateGoalResponse good, bad;
  ASSERT_TRUE(CreateGoal(project, "macro f1", "", "f1[macro]",
                         v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.9, &good).ok());
  // Without a commit there is no dataset to check the column against, so the
  // goal is stored. The run must then report it as an error on its own.
  ASSERT_TRUE(CreateGoal(project, "typo", "agee >= 18", "accuracy",
                         v1::THRESHOLD_OPERATOR_GREATER, 0.5, &bad).ok());
  const std::string training =
      UploadSpamAssassin(project, "training.csv", datasets::DATASET_ROLE_TRAINING);
  const std::string validation =
      UploadSpamAssassin(project, "validation.csv", datasets::DATASET_ROLE_VALIDATION);
  v1::CreateCommitRequest request;
  request.set_project(project);
  request.set_training_dataset(training);
  request.set_validation_dataset(validation);
  v1::CreateCommitResponse commit;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CreateCommit(&context, request, &commit).ok());
  }
  std::vector<std::string> messages;
  ASSERT_EQ(WatchToEnd(commit.commit().run(), &messages).state(), v1::RUN_STATE_SUCCEEDED);

  v1::ListGoalReportsRequest list;
  list.set_commit(commit.commit().name());
  v1::ListGoalReportsResponse cards;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListGoalReports(&context, list, &cards).ok());
  }
  ASSERT_EQ(cards.reports_size(), 2);
  for (const v1::GoalReport& report : cards.reports()) {
    if (report.goal() == bad.goal().name()) {
      EXPECT_EQ(report.status(), v1::REPORT_STATUS_ERROR);
      EXPECT_THAT(report.error(), HasSubstr("agee"));
      ASSERT_EQ(report.thresholds_size(), 1);
      EXPECT_FALSE(report.thresholds(0).passed());
    } else {
      EXPECT_EQ(report.goal(), good.goal().name());
      EXPECT_EQ(report.status(), v1::REPORT_STATUS_PASSED);
    }
  }

  // Now that the project has a commit, the same typo is rejected up front.
  v1::CreateGoalResponse rejected;
  grpc::Status status = CreateGoal(project, "typo again", "agee >= 18", "accuracy",
                                   v1::THRESHOLD_OPERATOR_GREATER, 0.5, &rejected);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("agee"));
  EXPECT_THAT(status.error_message(), HasSubstr("goal.subpopulation"));
}

TEST_F(OrchestratorServiceTest, CommitChecksDatasetRoles) {
  const std::string project = CreateProject("swapped-roles");
  const std::string training =
      UploadSpamAssassin(project, "training.csv", datasets::DATASET_ROLE_TRAINING);
  const std::string validation =
      UploadSpamAssassin(project, "validation.csv", datasets::DATASET_ROLE_VALIDATION);
  v1::CreateCommitRequest request;
  request.set_project(project);
  request.set_training_dataset(validation);
  request.set_validation_dataset(training);
  v1::CreateCommitResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->CreateCommit(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("uploaded as a validation set"));
}

TEST_F(OrchestratorServiceTest, ShellCommitNeedsPredictionColumns) {
  const std::string project = CreateProject("shell-without-predictions");
  const std::string training = UploadSpamAssassin(project, "training.csv",
                                                  datasets::DATASET_ROLE_TRAINING, false);
  v1::CreateCommitRequest request;
  request.set_project(project);
  request.set_training_dataset(training);
  request.set_validation_dataset(training);
  v1::CreateCommitResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->CreateCommit(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("has no prediction column"));
}

TEST_F(OrchestratorServiceTest, FullModelIsPredictedAndExplainedOnce) {
  ASSERT_NE(peers_->inference, nullptr) << "goalpost-inference did not start";
  ASSERT_NE(peers_->explain, nullptr) << "goalpost-explain did not start";
  const std::string project = CreateProject("full");
  const std::string training = UploadSpamAssassin(project, "training.csv",
                                                  datasets::DATASET_ROLE_TRAINING, false);
  const std::string validation = UploadSpamAssassin(project, "validation.csv",
                                                    datasets::DATASET_ROLE_VALIDATION, false);
  const std::string model = RegisterSpamModel(project);
  ASSERT_FALSE(model.empty());
  v1::CreateGoalResponse goal;
  ASSERT_TRUE(CreateGoal(project, "macro F1", "", "f1[macro]",
                         v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.9, &goal).ok());

  v1::CreateCommitRequest request;
  request.set_project(project);
  request.set_training_dataset(training);
  request.set_validation_dataset(validation);
  request.set_model(model);
  v1::CreateCommitResponse commit;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->CreateCommit(&context, request, &commit);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::vector<std::string> messages;
  v1::Run run = WatchToEnd(commit.commit().run(), &messages);
  ASSERT_EQ(run.state(), v1::RUN_STATE_SUCCEEDED) << run.error();
  bool predicted = false;
  for (const std::string& message : messages) {
    predicted = predicted || message.find("predicting") != std::string::npos;
  }
  EXPECT_TRUE(predicted);

  // The hosted model reproduces the example's prediction columns, so the
  // measured value is scikit-learn's macro F1 of those columns.
  const std::string report_name =
      commit.commit().name() + "/reports/" +
      goal.goal().name().substr(goal.goal().name().rfind('/') + 1);
  v1::GetGoalReportRequest report_request;
  report_request.set_name(report_name);
  v1::GetGoalReportResponse report;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetGoalReport(&context, report_request, &report).ok());
  }
  EXPECT_EQ(report.report().status(), v1::REPORT_STATUS_PASSED);
  EXPECT_NEAR(report.report().thresholds(0).measured(), 0.9497937327382271, 1e-9);

  v1::ListReportRowsRequest rows_request;
  rows_request.set_report(report_name);
  rows_request.set_page_size(5);
  v1::ListReportRowsResponse rows;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ListReportRows(&context, rows_request, &rows);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(rows.rows_size(), 5);
  EXPECT_TRUE(rows.rows(0).misclassified());

  v1::ExplainReportRowRequest explain_request;
  explain_request.set_report(report_name);
  explain_request.set_row_id(rows.rows(0).row_id());
  explain_request.mutable_options()->set_num_samples(500);
  explain_request.mutable_options()->set_seed(7);
  v1::ExplainReportRowResponse first;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ExplainReportRow(&context, explain_request, &first);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_FALSE(first.cached());
  EXPECT_GT(first.explanation().features_size(), 0);

  // With the explain service stopped, only the cache can return it.
  peers_->explain->Stop();
  peers_->explain.reset();
  v1::ExplainReportRowResponse second;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ExplainReportRow(&context, explain_request, &second);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_TRUE(second.cached());
  EXPECT_EQ(second.explanation().SerializeAsString(), first.explanation().SerializeAsString());
}

}  // namespace
}  // namespace goalpost::orchestrator

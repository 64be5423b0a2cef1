// explain_bench: LIME explanations of SpamAssassin validation rows (5,000
// samples, 10 features) through goalpost-explain and goalpost-inference,
// against the reference `lime` package with the scikit-learn pipeline on the
// same rows in the same run.
//
// Starts a private PostgreSQL and the datasets, inference and explain
// services on loopback, uploads the validation set and the text model, then
// times ExplainRow one row at a time and ExplainRows over all rows, then
// runs bench/explain/lime_reference.py. Run from the repository root with
// LIME_PATH set to a folder that holds the reference package's `lime`
// folder (kept outside the repository).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/explain/v1/explain.grpc.pb.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "services/explain/testing/csv_reader.h"

ABSL_FLAG(int, rows, 40, "validation rows explained by goalpost");
ABSL_FLAG(int, reference_rows, 10, "of those, rows explained by the reference lime package");

namespace goalpost::explain {
namespace {

using goalpost::testing::BinaryPath;
using goalpost::testing::PickFreePort;
using goalpost::testing::ServiceProcess;

constexpr char kProject[] = "projects/explain-bench";

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  arguments.SetMaxSendMessageSize(64 << 20);
  return grpc::CreateCustomChannel(Loopback(port), grpc::InsecureChannelCredentials(), arguments);
}

void Check(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s failed: %s\n", what.c_str(), status.error_message().c_str());
  std::exit(EXIT_FAILURE);
}

std::string UploadValidationSet(int port) {
  datasets::v1::DatasetSpec spec;
  spec.set_project(kProject);
  spec.set_role(datasets::v1::DATASET_ROLE_VALIDATION);
  spec.set_id_column("id");
  spec.add_text_columns("text");
  spec.add_categorical_columns("group");
  spec.set_label_column("label");
  spec.set_prediction_column("prediction");
  spec.add_probability_columns("prob_ham");
  spec.add_probability_columns("prob_spam");
  spec.add_class_names("ham");
  spec.add_class_names("spam");

  auto stub = datasets::v1::DatasetService::NewStub(Channel(port));
  grpc::ClientContext context;
  datasets::v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&context, &response);
  datasets::v1::UploadDatasetRequest request;
  *request.mutable_spec() = spec;
  writer->Write(request);
  const std::string content = ReadFile("examples/spamassassin/validation.csv");
  for (size_t offset = 0; offset < content.size(); offset += 1 << 20) {
    datasets::v1::UploadDatasetRequest chunk;
    chunk.set_csv_chunk(content.substr(offset, 1 << 20));
    writer->Write(chunk);
  }
  writer->WritesDone();
  Check(writer->Finish(), "UploadDataset");
  return response.dataset().name();
}

std::string RegisterTextModel(int port) {
  inference::v1::ModelSpec spec;
  spec.set_project(kProject);
  spec.set_model_id("spam");
  spec.set_kind(inference::v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION);
  spec.add_class_names("ham");
  spec.add_class_names("spam");
  spec.set_text_column("text");

  auto stub = inference::v1::InferenceService::NewStub(Channel(port));
  grpc::ClientContext context;
  inference::v1::RegisterModelResponse response;
  auto writer = stub->RegisterModel(&context, &response);
  inference::v1::RegisterModelRequest request;
  *request.mutable_spec() = spec;
  writer->Write(request);
  inference::v1::RegisterModelRequest chunk;
  chunk.set_artifact_chunk(ReadFile("examples/spamassassin/spam_tfidf_logreg.json"));
  writer->Write(chunk);
  writer->WritesDone();
  Check(writer->Finish(), "RegisterModel");
  return response.model().name();
}

std::vector<std::string> ValidationRowIds(int count) {
  absl::StatusOr<testing::CsvTable> table = testing::ReadCsv("examples/spamassassin/validation.csv");
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    std::exit(EXIT_FAILURE);
  }
  std::vector<std::string> ids;
  const int id = table->Column("id");
  for (int r = 0; r < count && r < static_cast<int>(table->rows.size()); ++r) ids.push_back(table->rows[r][id]);
  return ids;
}

// Seconds per explanation with one ExplainRow call at a time.
double TimeExplainRow(v1::ExplainService::Stub& stub, const std::string& model,
                      const std::string& dataset, const std::vector<std::string>& ids) {
  const absl::Time start = absl::Now();
  for (const std::string& id : ids) {
    grpc::ClientContext context;
    v1::ExplainRowRequest request;
    request.set_model(model);
    request.set_dataset(dataset);
    request.set_row_id(id);
    v1::ExplainRowResponse response;
    Check(stub.ExplainRow(&context, request, &response), "ExplainRow " + id);
  }
  return absl::ToDoubleSeconds(absl::Now() - start) / ids.size();
}

// Seconds for one ExplainRows call over every row.
double TimeExplainRows(v1::ExplainService::Stub& stub, const std::string& model,
                       const std::string& dataset, const std::vector<std::string>& ids) {
  const absl::Time start = absl::Now();
  grpc::ClientContext context;
  v1::ExplainRowsRequest request;
  request.set_model(model);
  request.set_dataset(dataset);
  for (const std::string& id : ids) request.add_row_ids(id);
  auto reader = stub.ExplainRows(&context, request);
  v1::ExplainRowsResponse response;
  size_t explained = 0;
  while (reader->Read(&response)) explained += response.has_explanation() ? 1 : 0;
  Check(reader->Finish(), "ExplainRows");
  if (explained != ids.size()) {
    std::fprintf(stderr, "ExplainRows explained %zu of %zu rows\n", explained, ids.size());
    std::exit(EXIT_FAILURE);
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// Seconds per explanation of the reference package, from its script's
// JSON output.
double TimeReference(const std::vector<std::string>& ids) {
  const char* lime_path = std::getenv("LIME_PATH");
  if (lime_path == nullptr) {
    std::fprintf(stderr, "set LIME_PATH to the folder that holds the reference lime package\n");
    std::exit(EXIT_FAILURE);
  }
  std::vector<std::string> quoted;
  for (const std::string& id : ids) quoted.push_back(absl::StrCat("'", id, "'"));
  const std::string command = absl::StrCat("PYTHONPATH='", lime_path,
                                           "' /usr/bin/python3 bench/explain/lime_reference.py ",
                                           absl::StrJoin(quoted, " "));
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[512] = {0};
  const size_t length = pipe == nullptr ? 0 : std::fread(buffer, 1, sizeof buffer - 1, pipe);
  if (pipe == nullptr || pclose(pipe) != 0 || length == 0) {
    std::fprintf(stderr, "the reference run failed: %s\n", command.c_str());
    std::exit(EXIT_FAILURE);
  }
  const std::string output(buffer, length);
  const std::string key = "\"seconds_per_explanation\": ";
  return std::stod(output.substr(output.find(key) + key.size()));
}

int Run() {
  auto postgres = goalpost::testing::PostgresServer::Start();
  if (!postgres.ok()) {
    std::fprintf(stderr, "%s\n", postgres.status().ToString().c_str());
    return EXIT_FAILURE;
  }
  const int datasets_port = PickFreePort();
  const int inference_port = PickFreePort();
  const int explain_port = PickFreePort();
  auto datasets = ServiceProcess::Start(BinaryPath("goalpost-datasets"),
                                        {"--database_url=" + (*postgres)->url()}, datasets_port);
  auto inference = ServiceProcess::Start(
      BinaryPath("goalpost-inference"),
      {"--database_url=" + (*postgres)->url(), "--datasets_address=" + Loopback(datasets_port)},
      inference_port);
  auto explain = ServiceProcess::Start(BinaryPath("goalpost-explain"),
                                       {"--datasets_address=" + Loopback(datasets_port),
                                        "--inference_address=" + Loopback(inference_port)},
                                       explain_port);
  for (const auto* started : {&datasets, &inference, &explain}) {
    if (!started->ok()) {
      std::fprintf(stderr, "%s\n", started->status().ToString().c_str());
      return EXIT_FAILURE;
    }
  }

  const std::string dataset = UploadValidationSet(datasets_port);
  const std::string model = RegisterTextModel(inference_port);
  const std::vector<std::string> ids = ValidationRowIds(absl::GetFlag(FLAGS_rows));
  const std::vector<std::string> reference_ids(
      ids.begin(), ids.begin() + std::min<size_t>(ids.size(), absl::GetFlag(FLAGS_reference_rows)));
  auto stub = v1::ExplainService::NewStub(Channel(explain_port));

  TimeExplainRow(*stub, model, dataset, {ids.front()});  // warm-up
  const double row_seconds = TimeExplainRow(*stub, model, dataset, ids);
  const double rows_seconds = TimeExplainRows(*stub, model, dataset, ids);
  const double reference_seconds = TimeReference(reference_ids);

  std::printf("LIME, SpamAssassin validation rows, 5000 samples, 10 features\n");
  std::printf("%-44s %10s %14s %10s\n", "", "rows", "s/explanation", "expl/s");
  std::printf("%-44s %10zu %14.4f %10.2f\n", "goalpost ExplainRow, one call at a time", ids.size(),
              row_seconds, 1 / row_seconds);
  std::printf("%-44s %10zu %14.4f %10.2f\n", "goalpost ExplainRows, one call, parallel", ids.size(),
              rows_seconds / ids.size(), ids.size() / rows_seconds);
  std::printf("%-44s %10zu %14.4f %10.2f\n", "lime 0.2.0.1 + scikit-learn pipeline", reference_ids.size(),
              reference_seconds, 1 / reference_seconds);
  std::printf("speed-up per explanation: ExplainRow %.1fx, ExplainRows %.1fx\n",
              reference_seconds / row_seconds, reference_seconds / (rows_seconds / ids.size()));
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace goalpost::explain

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return goalpost::explain::Run();
}

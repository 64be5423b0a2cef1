// metrics_service_bench: the 100 goals of goal_bench through the service.
// It starts a private PostgreSQL, goalpost-datasets and goalpost-metrics on
// 127.0.0.1 and uploads the generated rows as row batches. Then it times one
// Evaluate call, its parts (token lookups and column reads, called directly
// on the datasets service) and the same evaluation in process.
//
// Usage: metrics_service_bench [ROWS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "bench/metrics/goal_bench_data.h"
#include "bench/metrics/in_memory_dataset_source.h"
#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/metrics/v1/metrics.grpc.pb.h"
#include "services/metrics/metrics_evaluator.h"

namespace {

using goalpost::datasets::v1::DatasetService;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Upload(DatasetService::Stub& stub, const goalpost::bench::GoalBenchData& data) {
  grpc::ClientContext context;
  goalpost::datasets::v1::UploadDatasetResponse response;
  auto writer = stub.UploadDataset(&context, &response);
  goalpost::datasets::v1::UploadDatasetRequest header;
  *header.mutable_spec() = goalpost::bench::GoalBenchSpec();
  writer->Write(header);

  const int64_t rows = static_cast<int64_t>(data.labels.size());
  for (int64_t begin = 0; begin < rows; begin += 20000) {
    const int64_t end = std::min(rows, begin + 20000);
    goalpost::datasets::v1::UploadDatasetRequest request;
    auto* batch = request.mutable_row_batch();
    auto* labels = batch->add_columns();
    labels->set_name("label");
    labels->mutable_class_indices()->mutable_values()->Assign(data.labels.begin() + begin,
                                                              data.labels.begin() + end);
    auto* predictions = batch->add_columns();
    predictions->set_name("prediction");
    predictions->mutable_class_indices()->mutable_values()->Assign(
        data.predictions.begin() + begin, data.predictions.begin() + end);
    for (int c = 0; c < 5; ++c) {
      auto* column = batch->add_columns();
      column->set_name(absl::StrCat("p_", data.class_names[c]));
      for (int64_t i = begin; i < end; ++i) {
        column->mutable_doubles()->add_values(data.probabilities[i * 5 + c]);
      }
    }
    for (const char* name : {"age", "income"}) {
      auto* column = batch->add_columns();
      column->set_name(name);
      const auto& values = std::string(name) == "age" ? data.age : data.income;
      column->mutable_doubles()->mutable_values()->Assign(values.begin() + begin,
                                                          values.begin() + end);
    }
    for (const char* name : {"text", "country"}) {
      auto* column = batch->add_columns();
      column->set_name(name);
      const auto& values = std::string(name) == "text" ? data.text : data.country;
      for (int64_t i = begin; i < end; ++i) column->mutable_strings()->add_values(values[i]);
    }
    writer->Write(request);
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    std::printf("upload failed: %s\n", status.error_message().c_str());
    return "";
  }
  return response.dataset().name();
}

}  // namespace

int main(int argc, char** argv) {
  using goalpost::testing::BinaryPath;
  using goalpost::testing::PickFreePort;
  using goalpost::testing::ServiceProcess;
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1000000;

  auto postgres = goalpost::testing::PostgresServer::Start();
  if (!postgres.ok()) {
    std::printf("PostgreSQL did not start: %s\n", postgres.status().ToString().c_str());
    return 1;
  }
  auto datasets = ServiceProcess::Start(BinaryPath("goalpost-datasets"),
                                        {"--database_url=" + (*postgres)->url()}, PickFreePort());
  if (!datasets.ok()) {
    std::printf("goalpost-datasets did not start: %s\n", datasets.status().ToString().c_str());
    return 1;
  }
  auto metrics = ServiceProcess::Start(BinaryPath("goalpost-metrics"),
                                       {"--datasets_address=" + (*datasets)->address()},
                                       PickFreePort());
  if (!metrics.ok()) {
    std::printf("goalpost-metrics did not start: %s\n", metrics.status().ToString().c_str());
    return 1;
  }

  std::printf("generating and uploading %lld rows\n", static_cast<long long>(rows));
  const goalpost::bench::GoalBenchData data = goalpost::bench::GenerateGoalBenchData(rows);
  const std::vector<goalpost::bench::Goal> goals = goalpost::bench::GenerateGoals();
  auto datasets_stub = DatasetService::NewStub(goalpost::MakeChannel((*datasets)->address()));
  auto start = std::chrono::steady_clock::now();
  const std::string dataset = Upload(*datasets_stub, data);
  if (dataset.empty()) return 1;
  std::printf("upload: %.3f s\n", SecondsSince(start));
  const auto request = goalpost::bench::GoalRequest(dataset, goals);

  // The whole evaluation through the service.
  auto metrics_stub =
      goalpost::metrics::v1::MetricsService::NewStub(goalpost::MakeChannel((*metrics)->address()));
  start = std::chrono::steady_clock::now();
  goalpost::metrics::v1::EvaluateResponse response;
  {
    grpc::ClientContext context;
    const grpc::Status status = metrics_stub->Evaluate(&context, request, &response);
    if (!status.ok()) {
      std::printf("Evaluate failed: %s\n", status.error_message().c_str());
      return 1;
    }
  }
  const double service_seconds = SecondsSince(start);

  // Its parts: the token lookups and the column reads.
  start = std::chrono::steady_clock::now();
  int64_t token_rows = 0;
  for (const auto& goal : goals) {
    if (goal.filter_text.rfind("text has", 0) != 0) continue;
    goalpost::datasets::v1::LookupTokensRequest lookup;
    lookup.set_name(dataset);
    lookup.set_column("text");
    // The first token of each token goal is enough to time the index.
    const size_t open = goal.filter_text.find('"');
    lookup.add_tokens(goal.filter_text.substr(open + 1, goal.filter_text.find('"', open + 1) - open - 1));
    grpc::ClientContext context;
    auto reader = datasets_stub->LookupTokens(&context, lookup);
    goalpost::datasets::v1::LookupTokensResponse part;
    while (reader->Read(&part)) token_rows += part.row_indices_size();
    reader->Finish();
  }
  const double lookup_seconds = SecondsSince(start);

  start = std::chrono::steady_clock::now();
  goalpost::datasets::v1::ReadColumnsRequest read;
  read.set_name(dataset);
  for (const char* column : {"label", "prediction", "p_a", "p_b", "p_c", "p_d", "p_e", "age",
                             "income", "country"}) {
    read.add_columns(column);
  }
  int64_t read_rows = 0;
  {
    grpc::ClientContext context;
    auto reader = datasets_stub->ReadColumns(&context, read);
    goalpost::datasets::v1::ReadColumnsResponse chunk;
    while (reader->Read(&chunk)) read_rows += chunk.row_count();
    reader->Finish();
  }
  const double read_seconds = SecondsSince(start);

  // The same evaluation in process, from memory.
  goalpost::bench::InMemoryDatasetSource source(&data);
  goalpost::metrics::MetricsEvaluator evaluator(&source, {});
  start = std::chrono::steady_clock::now();
  auto in_process = evaluator.Evaluate(goalpost::bench::GoalRequest("projects/bench/datasets/goals", goals));
  const double in_process_seconds = SecondsSince(start);
  if (!in_process.ok()) return 1;

  bool same = true;
  for (int g = 0; g < response.results_size(); ++g) {
    same = same && response.results(g).row_count() == in_process->results(g).row_count();
  }
  std::printf("Evaluate through goalpost-metrics: %.3f s (%d goals)\n", service_seconds,
              response.results_size());
  std::printf("  token lookups on the datasets service (one per token goal): %.3f s, %lld rows\n",
              lookup_seconds, static_cast<long long>(token_rows));
  std::printf("  ReadColumns of the 10 columns the pass reads: %.3f s, %lld rows\n", read_seconds,
              static_cast<long long>(read_rows));
  std::printf("  the same evaluation in process from memory: %.3f s\n", in_process_seconds);
  std::printf("row counts equal to the in-process evaluation: %s\n", same ? "yes" : "no");
  (*metrics)->Stop();
  (*datasets)->Stop();
  return 0;
}

// Measures the text model and the XGBoost model of goalpost-inference against
// scikit-learn and python3-xgboost on the same rows, in one run.
// Usage, from the repository root: inference_bench [--rows N]
// It starts a private PostgreSQL and the service in this process on loopback.
// Times are wall-clock and CPU seconds. "Per core" divides rows by CPU time.
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "services/inference/batch_predictor.h"
#include "services/inference/inference_server.h"
#include "services/inference/tfidf_logistic_regression.h"

namespace goalpost::inference {
namespace {

using nlohmann::json;

struct Timing {
  double wall = 0;
  double cpu = 0;
};

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

template <typename Work>
Timing Measure(Work work) {
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = ProcessCpuSeconds();
  work();
  Timing timing;
  timing.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  timing.cpu = ProcessCpuSeconds() - cpu_start;
  return timing;
}

std::string ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

void Print(const char* what, size_t rows, const Timing& timing) {
  std::printf("%-48s %9.3f s wall %9.3f s cpu %11.0f rows/s %11.0f rows/cpu-s\n", what,
              timing.wall, timing.cpu, rows / timing.wall, rows / timing.cpu);
}

v1::ModelSpec Spec(const std::string& id, v1::ModelKind kind, const json& features) {
  v1::ModelSpec spec;
  spec.set_project("projects/bench");
  spec.set_model_id(id);
  spec.set_kind(kind);
  if (kind == v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION) {
    spec.add_class_names("ham");
    spec.add_class_names("spam");
    spec.set_text_column("text");
    return spec;
  }
  spec.add_class_names("bad");
  spec.add_class_names("good");
  for (const json& feature : features) {
    v1::Feature* added = spec.add_features();
    added->set_name(feature["name"].get<std::string>());
    const bool categorical = feature["type"] == "categorical";
    added->set_type(categorical ? v1::FEATURE_TYPE_CATEGORICAL : v1::FEATURE_TYPE_NUMERIC);
    if (categorical) {
      for (const json& level : feature["categories"]) added->add_categories(level);
    }
  }
  return spec;
}

bool Register(v1::InferenceService::Stub& stub, const v1::ModelSpec& spec,
              const std::string& artifact) {
  grpc::ClientContext context;
  v1::RegisterModelResponse response;
  auto writer = stub.RegisterModel(&context, &response);
  v1::RegisterModelRequest message;
  *message.mutable_spec() = spec;
  writer->Write(message);
  message.set_artifact_chunk(artifact);
  writer->Write(message);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) std::fprintf(stderr, "register failed: %s\n", status.error_message().c_str());
  return status.ok();
}

// Streams the requests on one Predict call, one response per request.
bool StreamPredict(v1::InferenceService::Stub& stub, const std::vector<v1::PredictRequest>& requests) {
  grpc::ClientContext context;
  auto stream = stub.Predict(&context);
  v1::PredictResponse response;
  for (const auto& request : requests) {
    if (!stream->Write(request) || !stream->Read(&response)) break;
  }
  stream->WritesDone();
  return stream->Finish().ok();
}

int Run(size_t rows) {
  const std::string folder = std::filesystem::temp_directory_path() / "goalpost-inference-bench";
  std::filesystem::create_directories(folder);
  const std::string command = absl::StrCat("/usr/bin/python3 bench/inference/python_side.py --repo . --rows ", rows, " --out ", folder, " 2>/dev/null");
  std::printf("running the Python side (scikit-learn, python3-xgboost) on %zu rows...\n", rows);
  if (std::system(command.c_str()) != 0) return 1;
  const json inputs = json::parse(ReadAll(folder + "/inputs.json"));
  const json python = json::parse(ReadAll(folder + "/timings.json"));
  std::filesystem::remove_all(folder);

  std::vector<std::string> texts;
  for (size_t i = 0; i < rows; ++i) texts.push_back(inputs["texts"][i % inputs["texts"].size()]);
  std::vector<double> credit;
  const json& credit_rows = inputs["credit_rows"];
  for (size_t i = 0; i < rows; ++i) {
    for (const json& value : credit_rows[i % credit_rows.size()]) {
      credit.push_back(value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>());
    }
  }
  const std::string text_artifact = ReadAll("examples/spamassassin/spam_tfidf_logreg.json");
  const std::string credit_artifact = ReadAll("examples/credit/credit_xgb.json");
  const json credit_features = json::parse(ReadAll("examples/credit/credit_xgb_features.json"))["features"];

  // In process.
  auto model = TfidfLogisticRegression::FromJson(text_artifact, {"ham", "spam"});
  if (!model.ok()) return 1;
  WorkerPool workers(0);
  const Timing one_thread = Measure([&] { (*model)->PredictTexts(texts).IgnoreError(); });
  const Timing all_threads = Measure([&] { PredictTextsInParallel(**model, texts, workers).IgnoreError(); });

  // Through gRPC, with the service in this process on loopback.
  auto postgres = goalpost::testing::PostgresServer::Start();
  if (!postgres.ok()) return 1;
  InferenceOptions options;
  options.database_url = (*postgres)->url();
  auto server = InferenceServer::Create(options);
  if (!server.ok()) return 1;
  ServerOptions server_options;
  server_options.service_name = "inference";
  ServiceHost host(server_options);
  (*server)->AddTo(host);
  if (!host.Start().ok()) return 1;
  auto stub = v1::InferenceService::NewStub(MakeChannel(host.address()));
  if (!Register(*stub, Spec("spam", v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION, {}), text_artifact) ||
      !Register(*stub, Spec("credit", v1::MODEL_KIND_XGBOOST, credit_features), credit_artifact)) {
    return 1;
  }

  std::vector<v1::PredictRequest> text_requests;
  for (size_t begin = 0; begin < rows; begin += 2000) {
    v1::PredictRequest& request = text_requests.emplace_back();
    request.set_model("projects/bench/models/spam");
    for (size_t i = begin; i < std::min(rows, begin + 2000); ++i) request.mutable_text()->add_texts(texts[i]);
  }
  const Timing text_grpc = Measure([&] { StreamPredict(*stub, text_requests); });

  std::vector<v1::PredictRequest> credit_requests;
  const size_t features = credit_features.size();
  for (size_t begin = 0; begin < rows; begin += 10000) {
    v1::PredictRequest& request = credit_requests.emplace_back();
    request.set_model("projects/bench/models/credit");
    const size_t end = std::min(rows, begin + 10000);
    request.mutable_tabular()->mutable_values()->Add(credit.begin() + begin * features, credit.begin() + end * features);
  }
  StreamPredict(*stub, {credit_requests[0]});  // loads the model's boosters
  const Timing credit_grpc = Measure([&] { StreamPredict(*stub, credit_requests); });
  host.Shutdown();

  Timing sklearn{python["sklearn_text_wall"], python["sklearn_text_cpu"]};
  Timing xgboost{python["xgboost_wall"], python["xgboost_cpu"]};
  std::printf("\ntext model (SpamAssassin TF-IDF + logistic regression), %zu texts, %u cores\n",
              rows, std::thread::hardware_concurrency());
  Print("scikit-learn predict_proba (1 thread)", rows, sklearn);
  Print("goalpost in-process, 1 thread", rows, one_thread);
  Print("goalpost in-process, worker pool", rows, all_threads);
  Print("goalpost through gRPC Predict (client+server)", rows, text_grpc);
  std::printf("per core, in-process 1 thread vs scikit-learn: %.1fx\n", sklearn.cpu / one_thread.cpu);
  std::printf("per core, through gRPC vs scikit-learn:        %.1fx\n", sklearn.cpu / text_grpc.cpu);

  std::printf("\nXGBoost (credit, binary:logistic), %zu rows\n", rows);
  Print(absl::StrCat("python3-xgboost predict_proba (n_jobs=", python["xgboost_threads"].get<int>(), ")").c_str(), rows, xgboost);
  Print("goalpost through gRPC Predict (client+server)", rows, credit_grpc);
  std::printf("service wall time / python3-xgboost wall time: %.2f\n", credit_grpc.wall / xgboost.wall);
  return 0;
}

}  // namespace
}  // namespace goalpost::inference

int main(int argc, char** argv) {
  size_t rows = 100000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--rows") rows = std::strtoul(argv[i + 1], nullptr, 10);
  }
  return goalpost::inference::Run(rows);
}

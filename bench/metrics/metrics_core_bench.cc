// metrics_core_bench: the full metric set for one subpopulation of
// 10,000,000 rows with 5 classes, computed by goalpost's metrics core in
// this process on one core, against scikit-learn 1.2 and numpy on the same
// arrays (sklearn_full_set.py, run with /usr/bin/python3 from here).
//
// Usage: metrics_core_bench [ROWS [CLASSES]]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/metrics/metric_accumulator.h"
#include "services/metrics/metric_report.h"

namespace {

using goalpost::metrics::AccumulatorOptions;
using goalpost::metrics::FinishMetrics;
using goalpost::metrics::MetricAccumulator;

struct Data {
  std::vector<int32_t> labels;
  std::vector<int32_t> predictions;
  std::vector<double> probabilities;
};

// Dirichlet(1) rows; the label agrees with the arg-max on about 70 % of rows.
Data Generate(int64_t rows, int classes) {
  Data data;
  std::mt19937_64 random(20240601);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  data.probabilities.resize(rows * classes);
  for (int64_t i = 0; i < rows; ++i) {
    double* row = &data.probabilities[i * classes];
    double sum = 0.0;
    int best = 0;
    for (int c = 0; c < classes; ++c) sum += (row[c] = -std::log(1.0 - uniform(random)));
    for (int c = 0; c < classes; ++c) {
      row[c] /= sum;
      if (row[c] > row[best]) best = c;
    }
    data.predictions.push_back(best);
    data.labels.push_back(uniform(random) < 0.7 ? best
                                                : static_cast<int>(uniform(random) * classes));
  }
  return data;
}

template <typename T>
void WriteArray(const std::string& path, const std::vector<T>& values) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string RunPython(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

double Metric(const goalpost::metrics::v1::SubpopulationResult& result, const std::string& name) {
  for (const auto& value : result.metrics()) {
    if (value.name() == name) return value.value();
  }
  return std::nan("");
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10000000;
  const int classes = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<std::string> class_names;
  for (int c = 0; c < classes; ++c) class_names.push_back(std::string(1, static_cast<char>('a' + c)));

  std::printf("generating %lld rows with %d classes\n", static_cast<long long>(rows), classes);
  const Data data = Generate(rows, classes);

  const auto start = std::chrono::steady_clock::now();
  MetricAccumulator accumulator(AccumulatorOptions{classes, 20, true, true});
  for (int64_t i = 0; i < rows; ++i) {
    accumulator.Add(data.labels[i], data.predictions[i], &data.probabilities[i * classes]);
  }
  const auto accumulated = std::chrono::steady_clock::now();
  const auto result = FinishMetrics(accumulator, class_names, {});
  const auto finished = std::chrono::steady_clock::now();
  const double accumulate_seconds = std::chrono::duration<double>(accumulated - start).count();
  const double finish_seconds = std::chrono::duration<double>(finished - accumulated).count();
  const double goalpost_seconds = accumulate_seconds + finish_seconds;

  char folder_template[] = "/tmp/metrics_core_bench_XXXXXX";
  const std::string folder = mkdtemp(folder_template);
  WriteArray(folder + "/labels.i32", data.labels);
  WriteArray(folder + "/predictions.i32", data.predictions);
  WriteArray(folder + "/probabilities.f64", data.probabilities);
  // One thread for numpy's libraries too, so both sides use one core.
  const std::string output = RunPython(
      "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 " BENCH_SOURCE_DIR
      "/sklearn_full_set.py " + folder + " " + std::to_string(rows) + " " +
      std::to_string(classes));
  for (const char* name : {"labels.i32", "predictions.i32", "probabilities.f64"}) {
    std::remove((folder + "/" + name).c_str());
  }
  std::remove(folder.c_str());

  const nlohmann::json sklearn = nlohmann::json::parse(output, nullptr, false);
  if (sklearn.is_discarded()) {
    std::printf("the scikit-learn side failed: %s\n", output.c_str());
    return 1;
  }
  const double sklearn_seconds = sklearn["seconds"].get<double>();

  std::printf("metrics computed: %d\n", result.metrics_size());
  std::printf("goalpost core: %.3f s (accumulate %.3f s, finish %.3f s)\n", goalpost_seconds,
              accumulate_seconds, finish_seconds);
  std::printf("scikit-learn + numpy: %.3f s\n", sklearn_seconds);
  std::printf("speed-up: %.1fx\n", sklearn_seconds / goalpost_seconds);
  for (const auto& [ours, theirs] :
       std::vector<std::pair<std::string, std::string>>{{"accuracy", "accuracy"},
                                                        {"f1[macro]", "f1_macro"},
                                                        {"log_loss", "log_loss"},
                                                        {"roc_auc[ovr_macro]", "roc_auc_ovr_macro"},
                                                        {"roc_auc[ovo_weighted]", "roc_auc_ovo_weighted"}}) {
    std::printf("  %-22s goalpost %.15f  scikit-learn %.15f\n", ours.c_str(), Metric(result, ours),
                sklearn[theirs].get<double>());
  }
  return 0;
}

// goal_bench: 100 subpopulation goals (token, numeric and categorical
// filters) on 1,000,000 rows, evaluated in one pass by goalpost's metrics
// evaluator in this process. The other side is pandas boolean masks plus
// one scikit-learn call per goal and metric (goal_bench_pandas.py, run with
// /usr/bin/python3 from here on the same data).
//
// Usage: goal_bench [ROWS]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/metrics/goal_bench_data.h"
#include "bench/metrics/in_memory_dataset_source.h"
#include "services/metrics/metrics_evaluator.h"

int main(int argc, char** argv) {
  using goalpost::bench::GenerateGoalBenchData;
  using goalpost::bench::GenerateGoals;
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1000000;

  std::printf("generating %lld rows\n", static_cast<long long>(rows));
  const goalpost::bench::GoalBenchData data = GenerateGoalBenchData(rows);
  const std::vector<goalpost::bench::Goal> goals = GenerateGoals();
  goalpost::bench::InMemoryDatasetSource source(&data);
  goalpost::metrics::MetricsEvaluator evaluator(&source, {});
  const auto request = goalpost::bench::GoalRequest("projects/bench/datasets/goals", goals);

  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto response = evaluator.Evaluate(request);
  const double goalpost_cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double goalpost_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!response.ok()) {
    std::printf("Evaluate failed: %s\n", response.status().ToString().c_str());
    return 1;
  }

  char folder_template[] = "/tmp/goal_bench_XXXXXX";
  const std::string folder = mkdtemp(folder_template);
  goalpost::bench::WriteForPandas(data, goals, folder);
  const std::string output = goalpost::bench::RunPandas(folder);
  std::system(("rm -r -- '" + folder + "'").c_str());
  const nlohmann::json pandas = nlohmann::json::parse(output, nullptr, false);
  if (pandas.is_discarded()) {
    std::printf("the pandas side failed: %s\n", output.c_str());
    return 1;
  }
  const double pandas_seconds = pandas["seconds"].get<double>();
  const double pandas_cpu_seconds = pandas["cpu_seconds"].get<double>();

  double max_difference = 0.0;
  int64_t selected_rows = 0;
  for (size_t g = 0; g < goals.size(); ++g) {
    const auto& result = response->results(g);
    selected_rows += result.row_count();
    for (size_t m = 0; m < goals[g].metrics.size(); ++m) {
      const double difference =
          std::fabs(result.metrics(m).value() - pandas["values"][g][m].get<double>());
      max_difference = std::max(max_difference, difference);
    }
  }

  std::printf("goals: %zu, rows selected over all goals: %lld\n", goals.size(),
              static_cast<long long>(selected_rows));
  // CPU time is the fairer figure on a shared machine: both sides run on
  // one thread, and CPU time leaves out the waits for other processes.
  std::printf("goalpost one pass (in process): %.3f s wall, %.3f s CPU\n", goalpost_seconds,
              goalpost_cpu_seconds);
  std::printf("pandas masks + scikit-learn: %.3f s wall, %.3f s CPU\n", pandas_seconds,
              pandas_cpu_seconds);
  std::printf("speed-up: %.1fx wall, %.1fx CPU\n", pandas_seconds / goalpost_seconds,
              pandas_cpu_seconds / goalpost_cpu_seconds);
  std::printf("largest difference between the two sides' metric values: %.3g\n", max_difference);
  return 0;
}

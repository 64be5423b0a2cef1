#ifndef GOALPOST_BENCH_METRICS_GOAL_BENCH_DATA_H_
#define GOALPOST_BENCH_METRICS_GOAL_BENCH_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/metrics/v1/metrics.pb.h"

namespace goalpost::bench {

// A generated validation set: 5 classes, a text column of words "w0" to
// "w1999" (Zipf-like frequencies, 30 words a row), a numeric age, a numeric
// income with 5 % missing values, a categorical country of 10 values.
struct GoalBenchData {
  std::vector<std::string> class_names;
  std::vector<int32_t> labels;
  std::vector<int32_t> predictions;
  // Row-major rows x classes.
  std::vector<double> probabilities;
  std::vector<std::string> text;
  std::vector<double> age;
  std::vector<double> income;
  std::vector<std::string> country;
};

GoalBenchData GenerateGoalBenchData(int64_t rows);

// The dataset spec of the data above (columns "text", "age", "income",
// "country", "label", "prediction", "p_a" ... "p_e").
goalpost::datasets::v1::DatasetSpec GoalBenchSpec();

// One goal: a subpopulation, its metrics, and how pandas selects it.
struct Goal {
  std::string filter_text;
  std::vector<std::string> metrics;
  // JSON object describing the filter for goal_bench_pandas.py.
  std::string pandas_filter;
};

// 100 goals mixing token, numeric and categorical filters.
std::vector<Goal> GenerateGoals();

// The Evaluate request for `goals` on `dataset`.
goalpost::metrics::v1::EvaluateRequest GoalRequest(const std::string& dataset,
                                                  const std::vector<Goal>& goals);

// Writes the data and goals into `folder` for goal_bench_pandas.py.
void WriteForPandas(const GoalBenchData& data, const std::vector<Goal>& goals,
                    const std::string& folder);

// Runs goal_bench_pandas.py with /usr/bin/python3 on `folder` (one thread
// for numpy's libraries) and returns what it prints.
std::string RunPandas(const std::string& folder);

}  // namespace goalpost::bench

#endif  // GOALPOST_BENCH_METRICS_GOAL_BENCH_DATA_H_

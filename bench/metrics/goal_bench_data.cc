#include "bench/metrics/goal_bench_data.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace goalpost::bench {

GoalBenchData GenerateGoalBenchData(int64_t rows) {
  GoalBenchData data;
  data.class_names = {"a", "b", "c", "d", "e"};
  const int k = 5;
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);

  // Word w has weight 1 / (w + 10): a long tail, as in real text.
  std::vector<double> cumulative;
  double total = 0.0;
  for (int w = 0; w < 2000; ++w) cumulative.push_back(total += 1.0 / (w + 10));

  data.probabilities.resize(rows * k);
  for (int64_t i = 0; i < rows; ++i) {
    double* row = &data.probabilities[i * k];
    double sum = 0.0;
    int best = 0;
    for (int c = 0; c < k; ++c) sum += (row[c] = -std::log(1.0 - uniform(random)));
    for (int c = 0; c < k; ++c) {
      row[c] /= sum;
      if (row[c] > row[best]) best = c;
    }
    data.predictions.push_back(best);
    data.labels.push_back(uniform(random) < 0.7 ? best : static_cast<int>(uniform(random) * k));

    std::string text;
    for (int t = 0; t < 30; ++t) {
      const double draw = uniform(random) * total;
      const int word = static_cast<int>(
          std::lower_bound(cumulative.begin(), cumulative.end(), draw) - cumulative.begin());
      absl::StrAppend(&text, t == 0 ? "" : " ", "w", std::min(word, 1999));
    }
    data.text.push_back(std::move(text));
    data.age.push_back(std::floor(18 + uniform(random) * 60));
    data.income.push_back(uniform(random) < 0.05 ? std::nan("") : std::floor(uniform(random) * 10000));
    data.country.push_back(absl::StrCat("c", static_cast<int>(uniform(random) * 10)));
  }
  return data;
}

goalpost::datasets::v1::DatasetSpec GoalBenchSpec() {
  goalpost::datasets::v1::DatasetSpec spec;
  spec.set_project("projects/bench");
  spec.set_role(goalpost::datasets::v1::DATASET_ROLE_VALIDATION);
  spec.add_text_columns("text");
  spec.add_numeric_columns("age");
  spec.add_numeric_columns("income");
  spec.add_categorical_columns("country");
  spec.set_label_column("label");
  spec.set_prediction_column("prediction");
  for (const char* c : {"a", "b", "c", "d", "e"}) {
    spec.add_probability_columns(absl::StrCat("p_", c));
    spec.add_class_names(c);
  }
  return spec;
}

std::vector<Goal> GenerateGoals() {
  const std::vector<std::vector<std::string>> metric_lists = {
      {"f1[macro]"},        {"accuracy"},     {"precision[b]", "recall[b]"},
      {"roc_auc"},          {"log_loss"},     {"balanced_accuracy"},
      {"f1[weighted]"},     {"mcc"},          {"top_k_accuracy[2]"},
      {"recall[macro]", "cohen_kappa"}};
  std::vector<Goal> goals;
  for (int g = 0; g < 100; ++g) {
    Goal goal;
    const int w1 = (g * 7) % 200;
    const int w2 = (g * 13 + 5) % 300;
    const int country = g % 10;
    const int age = 20 + g % 40;
    const int income = (g * 97) % 9000;
    switch (g % 10) {
      case 0:
        goal.filter_text = absl::StrCat("text has \"w", w1, "\"");
        goal.pandas_filter = absl::StrCat(R"({"all_tokens": ["w)", w1, R"("]})");
        break;
      case 1:
        goal.filter_text = absl::StrCat("text has all(\"w", w1, "\", \"w", w2, "\")");
        goal.pandas_filter = absl::StrCat(R"({"all_tokens": ["w)", w1, R"(", "w)", w2, R"("]})");
        break;
      case 2:
        goal.filter_text = absl::StrCat("text has any(\"w", w1 + 300, "\", \"w", w2 + 300, "\")");
        goal.pandas_filter =
            absl::StrCat(R"({"any_tokens": ["w)", w1 + 300, R"(", "w)", w2 + 300, R"("]})");
        break;
      case 3:
        goal.filter_text = absl::StrCat("age between ", age, " and ", age + 10);
        goal.pandas_filter = absl::StrCat(R"({"age_between": [)", age, ", ", age + 10, "]}");
        break;
      case 4:
        goal.filter_text = absl::StrCat("income > ", income);
        goal.pandas_filter = absl::StrCat(R"({"income_greater": )", income, "}");
        break;
      case 5:
        goal.filter_text = absl::StrCat("country == \"c", country, "\"");
        goal.pandas_filter = absl::StrCat(R"({"country_in": ["c)", country, R"("]})");
        break;
      case 6:
        goal.filter_text =
            absl::StrCat("country in (\"c", country, "\", \"c", (country + 3) % 10, "\")");
        goal.pandas_filter = absl::StrCat(R"({"country_in": ["c)", country, R"(", "c)",
                                          (country + 3) % 10, R"("]})");
        break;
      case 7:
        goal.filter_text = absl::StrCat("country == \"c", country, "\" and age < ", age);
        goal.pandas_filter =
            absl::StrCat(R"({"country_in": ["c)", country, R"("], "age_less": )", age, "}");
        break;
      case 8:
        goal.filter_text = absl::StrCat("text has \"w", w1, "\" and income >= ", income);
        goal.pandas_filter =
            absl::StrCat(R"({"all_tokens": ["w)", w1, R"("], "income_at_least": )", income, "}");
        break;
      default:
        goal.filter_text = absl::StrCat("confidence < 0.5 and country != \"c", country, "\"");
        goal.pandas_filter =
            absl::StrCat(R"({"confidence_less": 0.5, "country_not": "c)", country, R"("})");
        break;
    }
    goal.metrics = metric_lists[(g / 10 + g) % metric_lists.size()];
    goals.push_back(std::move(goal));
  }
  return goals;
}

goalpost::metrics::v1::EvaluateRequest GoalRequest(const std::string& dataset,
                                                  const std::vector<Goal>& goals) {
  goalpost::metrics::v1::EvaluateRequest request;
  request.set_dataset(dataset);
  for (size_t g = 0; g < goals.size(); ++g) {
    auto* subpopulation = request.add_subpopulations();
    subpopulation->set_key(absl::StrCat("goal-", g));
    subpopulation->set_filter_text(goals[g].filter_text);
    for (const std::string& metric : goals[g].metrics) subpopulation->add_metrics(metric);
  }
  return request;
}

namespace {

template <typename T>
void WriteArray(const std::string& path, const std::vector<T>& values) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream file(path, std::ios::binary);
  for (const std::string& line : lines) file << line << '\n';
}

}  // namespace

void WriteForPandas(const GoalBenchData& data, const std::vector<Goal>& goals,
                    const std::string& folder) {
  WriteArray(folder + "/labels.i32", data.labels);
  WriteArray(folder + "/predictions.i32", data.predictions);
  WriteArray(folder + "/probabilities.f64", data.probabilities);
  WriteArray(folder + "/age.f64", data.age);
  WriteArray(folder + "/income.f64", data.income);
  WriteLines(folder + "/text.txt", data.text);
  WriteLines(folder + "/country.txt", data.country);

  std::vector<std::string> items;
  for (const Goal& goal : goals) {
    items.push_back(absl::StrCat(R"({"filter": )", goal.pandas_filter, R"(, "metrics": [")",
                                 absl::StrJoin(goal.metrics, "\", \""), "\"]}"));
  }
  std::ofstream file(folder + "/goals.json");
  file << "[" << absl::StrJoin(items, ",\n") << "]\n";
}

std::string RunPandas(const std::string& folder) {
  const std::string command =
      absl::StrCat("OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 ",
                   BENCH_SOURCE_DIR, "/goal_bench_pandas.py ", folder);
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

}  // namespace goalpost::bench

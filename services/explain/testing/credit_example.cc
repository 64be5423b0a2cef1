#include "services/explain/testing/credit_example.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "services/explain/testing/csv_reader.h"

namespace goalpost::explain::testing {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Encode(const TabularFeature& feature, const std::string& cell, bool missing) {
  if (missing) return kNaN;
  if (!feature.categorical) return std::stod(cell);
  const auto found = std::find(feature.categories.begin(), feature.categories.end(), cell);
  return found == feature.categories.end() ? kNaN : found - feature.categories.begin();
}

absl::StatusOr<std::vector<std::vector<double>>> ReadColumns(
    const std::string& path, const std::vector<TabularFeature>& features,
    std::vector<std::string>* ids) {
  absl::StatusOr<CsvTable> table = ReadCsv(path);
  if (!table.ok()) return table.status();
  std::vector<std::vector<double>> columns(features.size());
  for (size_t f = 0; f < features.size(); ++f) {
    const int column = table->Column(features[f].name);
    for (size_t r = 0; r < table->rows.size(); ++r) {
      columns[f].push_back(Encode(features[f], table->rows[r][column], table->missing[r][column]));
    }
  }
  const int id = table->Column("id");
  for (const auto& row : table->rows) ids->push_back(row[id]);
  return columns;
}

}  // namespace

std::vector<double> CreditExample::ValidationRow(size_t r) const {
  std::vector<double> row;
  for (const auto& column : validation) row.push_back(column[r]);
  return row;
}

double Percentile(std::vector<double> values, double percent) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  std::sort(values.begin(), values.end());
  const double position = percent / 100 * (values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - below) * (values[above] - values[below]);
}

absl::StatusOr<CreditExample> LoadCreditExample() {
  std::ifstream file("examples/credit/credit_xgb_features.json");
  if (!file) return absl::NotFoundError("cannot open examples/credit/credit_xgb_features.json");
  const nlohmann::json spec = nlohmann::json::parse(file);
  CreditExample example;
  for (const auto& entry : spec.at("features")) {
    TabularFeature feature;
    feature.name = entry.at("name").get<std::string>();
    feature.categorical = entry.at("type").get<std::string>() == "categorical";
    if (feature.categorical) feature.categories = entry.at("categories").get<std::vector<std::string>>();
    example.features.push_back(feature);
  }

  std::vector<std::string> training_ids;
  auto training = ReadColumns("examples/credit/training.csv", example.features, &training_ids);
  if (!training.ok()) return training.status();
  example.training = *std::move(training);
  auto validation = ReadColumns("examples/credit/validation.csv", example.features, &example.validation_ids);
  if (!validation.ok()) return validation.status();
  example.validation = *std::move(validation);

  for (size_t f = 0; f < example.features.size(); ++f) {
    TabularFeature& feature = example.features[f];
    if (feature.categorical) continue;
    feature.quartile_1 = Percentile(example.training[f], 25);
    feature.median = Percentile(example.training[f], 50);
    feature.quartile_3 = Percentile(example.training[f], 75);
  }
  return example;
}

}  // namespace goalpost::explain::testing

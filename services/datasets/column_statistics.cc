#include "services/datasets/column_statistics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace goalpost::datasets {
namespace {

namespace v1 = ::goalpost::datasets::v1;

constexpr int kMaxTopValues = 20;

void AddTopValues(std::vector<std::pair<std::string, int64_t>> counts,
                  v1::ColumnStatistics& statistics) {
  // Most frequent first; ties in value order so the result is deterministic.
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  int64_t distinct = 0;
  for (const auto& [value, count] : counts) {
    if (count == 0) continue;
    ++distinct;
    if (statistics.top_values_size() < kMaxTopValues) {
      v1::ValueCount* top = statistics.add_top_values();
      top->set_value(value);
      top->set_count(count);
    }
  }
  statistics.set_distinct_count(distinct);
}

}  // namespace

double Quantile(const std::vector<double>& sorted_values, double q) {
  if (sorted_values.empty()) return std::nan("");
  const double position = q * static_cast<double>(sorted_values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted_values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * fraction;
}

ColumnStatisticsBuilder::ColumnStatisticsBuilder(v1::ColumnRole role, v1::ColumnType type,
                                                 std::vector<std::string> class_names)
    : role_(role), type_(type), class_names_(std::move(class_names)) {
  if (type_ == v1::COLUMN_TYPE_CLASS) class_counts_.assign(class_names_.size(), 0);
}

void ColumnStatisticsBuilder::Add(const ColumnChunk& chunk) {
  switch (type_) {
    case v1::COLUMN_TYPE_DOUBLE: {
      const size_t begin = values_.size();
      for (double value : chunk.doubles) {
        if (std::isnan(value)) {
          ++missing_count_;
        } else {
          values_.push_back(value);
        }
      }
      std::sort(values_.begin() + static_cast<std::ptrdiff_t>(begin), values_.end());
      run_ends_.push_back(values_.size());
      break;
    }
    case v1::COLUMN_TYPE_CLASS:
      for (int32_t index : chunk.class_indices) ++class_counts_[index];
      break;
    default: {
      missing_count_ += static_cast<int64_t>(chunk.missing_rows.size());
      if (role_ != v1::COLUMN_ROLE_CATEGORICAL_FEATURE) break;
      size_t next_missing = 0;
      for (int32_t row = 0; row < chunk.row_count(); ++row) {
        if (next_missing < chunk.missing_rows.size() && chunk.missing_rows[next_missing] == row) {
          ++next_missing;
          continue;
        }
        const std::string_view value = chunk.string_at(row);
        ++value_counts_[absl::string_view(value.data(), value.size())];
      }
      break;
    }
  }
}

v1::ColumnStatistics ColumnStatisticsBuilder::Finish() {
  v1::ColumnStatistics statistics;
  statistics.set_missing_count(missing_count_);

  if (type_ == v1::COLUMN_TYPE_CLASS) {
    std::vector<std::pair<std::string, int64_t>> counts;
    for (size_t i = 0; i < class_names_.size(); ++i) counts.emplace_back(class_names_[i], class_counts_[i]);
    AddTopValues(std::move(counts), statistics);
    return statistics;
  }
  if (type_ == v1::COLUMN_TYPE_STRING) {
    if (role_ == v1::COLUMN_ROLE_CATEGORICAL_FEATURE) {
      AddTopValues({value_counts_.begin(), value_counts_.end()}, statistics);
      value_counts_.clear();
    }
    return statistics;
  }

  v1::NumericStatistics* numeric = statistics.mutable_numeric();
  numeric->set_count(static_cast<int64_t>(values_.size()));
  if (values_.empty()) return statistics;
  // Merge neighbouring sorted runs until one is left.
  while (run_ends_.size() > 1) {
    std::vector<size_t> merged;
    for (size_t i = 0; i < run_ends_.size(); i += 2) {
      if (i + 1 < run_ends_.size()) {
        const size_t begin = i == 0 ? 0 : run_ends_[i - 1];
        std::inplace_merge(values_.begin() + static_cast<std::ptrdiff_t>(begin),
                           values_.begin() + static_cast<std::ptrdiff_t>(run_ends_[i]),
                           values_.begin() + static_cast<std::ptrdiff_t>(run_ends_[i + 1]));
        merged.push_back(run_ends_[i + 1]);
      } else {
        merged.push_back(run_ends_[i]);
      }
    }
    run_ends_ = std::move(merged);
  }
  double sum = 0;
  for (double value : values_) sum += value;
  const double mean = sum / static_cast<double>(values_.size());
  double squares = 0;
  for (double value : values_) squares += (value - mean) * (value - mean);

  numeric->set_min(values_.front());
  numeric->set_max(values_.back());
  numeric->set_mean(mean);
  numeric->set_standard_deviation(std::sqrt(squares / static_cast<double>(values_.size())));
  numeric->set_quartile_1(Quantile(values_, 0.25));
  numeric->set_median(Quantile(values_, 0.5));
  numeric->set_quartile_3(Quantile(values_, 0.75));
  values_.clear();
  values_.shrink_to_fit();
  return statistics;
}

}  // namespace goalpost::datasets

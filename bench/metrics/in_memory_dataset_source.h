#ifndef GOALPOST_BENCH_METRICS_IN_MEMORY_DATASET_SOURCE_H_
#define GOALPOST_BENCH_METRICS_IN_MEMORY_DATASET_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "bench/metrics/goal_bench_data.h"
#include "services/metrics/dataset_source.h"

namespace goalpost::bench {

// The generated data served from memory in chunks of 65,536 rows, with a
// token index built up front, so that the in-process benchmark measures the
// metrics pass and not the datasets service. The text is words separated
// by single spaces, so splitting on spaces gives the shared tokenisation.
class InMemoryDatasetSource final : public goalpost::metrics::DatasetSource {
 public:
  explicit InMemoryDatasetSource(const GoalBenchData* data);

  absl::StatusOr<goalpost::datasets::v1::Dataset> GetDataset(const std::string& name) override;
  absl::StatusOr<goalpost::datasets::v1::PredictionSet> GetPredictionSet(
      const std::string& name) override;
  absl::Status ReadColumns(
      const goalpost::datasets::v1::ReadColumnsRequest& request,
      const std::function<absl::Status(const goalpost::datasets::v1::ReadColumnsResponse&)>&
          consume) override;
  absl::StatusOr<std::vector<int64_t>> LookupTokens(
      const goalpost::datasets::v1::LookupTokensRequest& request) override;

 private:
  absl::Status FillColumn(const std::string& name, int64_t begin, int64_t end,
                          goalpost::datasets::v1::ColumnData* column) const;

  const GoalBenchData* data_;
  absl::flat_hash_map<std::string, std::vector<int64_t>> token_rows_;
};

}  // namespace goalpost::bench

#endif  // GOALPOST_BENCH_METRICS_IN_MEMORY_DATASET_SOURCE_H_

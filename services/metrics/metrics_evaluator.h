#ifndef GOALPOST_SERVICES_METRICS_METRICS_EVALUATOR_H_
#define GOALPOST_SERVICES_METRICS_METRICS_EVALUATOR_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "services/metrics/dataset_source.h"

namespace goalpost::metrics {

// Another metrics replica that evaluates row ranges.
class PeerEvaluator {
 public:
  virtual ~PeerEvaluator() = default;
  virtual absl::StatusOr<goalpost::metrics::v1::EvaluatePartialResponse> EvaluatePartial(
      const goalpost::metrics::v1::EvaluatePartialRequest& request) = 0;
};

// Rows per chunk of the datasets service; ranges sent to peers start on
// chunk boundaries so that no chunk is read twice.
inline constexpr int64_t kChunkRows = 65536;

struct EvaluatorOptions {
  // A dataset is split across peers only when it has at least this many
  // rows; smaller ones are cheaper to read in one place.
  int64_t min_rows_to_split = 4 * kChunkRows;
};

// The metrics service without gRPC: Evaluate, EvaluatePartial and
// ListMetricNames (their contracts are in metrics.proto).
class MetricsEvaluator {
 public:
  // `source` must outlive the evaluator. With peers, Evaluate splits large
  // datasets into one chunk-aligned row range per replica (this one
  // included) and merges the partial states.
  MetricsEvaluator(DatasetSource* source, std::vector<std::unique_ptr<PeerEvaluator>> peers,
                   EvaluatorOptions options = {});

  absl::StatusOr<goalpost::metrics::v1::EvaluateResponse> Evaluate(
      const goalpost::metrics::v1::EvaluateRequest& request);
  absl::StatusOr<goalpost::metrics::v1::EvaluatePartialResponse> EvaluatePartial(
      const goalpost::metrics::v1::EvaluatePartialRequest& request);
  absl::StatusOr<goalpost::metrics::v1::ListMetricNamesResponse> ListMetricNames(
      const goalpost::metrics::v1::ListMetricNamesRequest& request);

 private:
  DatasetSource* source_;
  std::vector<std::unique_ptr<PeerEvaluator>> peers_;
  EvaluatorOptions options_;
};

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_METRICS_EVALUATOR_H_

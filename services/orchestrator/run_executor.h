#ifndef GOALPOST_SERVICES_ORCHESTRATOR_RUN_EXECUTOR_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_RUN_EXECUTOR_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/metrics/v1/metrics.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"
#include "services/orchestrator/catalog_store.h"
#include "services/orchestrator/peer_clients.h"
#include "services/orchestrator/report_store.h"
#include "services/orchestrator/run_queue.h"

namespace goalpost::orchestrator {

// Evaluates one claimed run and returns what it must write; it writes
// nothing itself, so a run that loses its lease leaves no trace.
//
// Steps: for a full model whose datasets lack prediction columns, the
// inference service predicts each set (PredictDataset, idempotent); then one
// Evaluate call per set carries the whole set and every goal's
// subpopulation; then each goal is judged on its target set.
class RunExecutor {
 public:
  // Reports progress for people ("predicting ...", "evaluating ...").
  using ProgressFn = std::function<void(const std::string&)>;
  // True once the run should stop: its lease was lost or the worker stops.
  using CancelledFn = std::function<bool()>;

  RunExecutor(CatalogStore& catalog, PeerClients& peers, RetryPolicy retry)
      : catalog_(catalog), peers_(peers), retry_(retry) {}

  // Errors from the called services keep their codes (after retries on
  // UNAVAILABLE); ABORTED when cancelled.
  absl::StatusOr<RunResult> Execute(const RunRecord& run, const ProgressFn& progress,
                                    const CancelledFn& cancelled);

 private:
  // The prediction set to evaluate `dataset` with: "" when the dataset's own
  // prediction columns are used, else the set PredictDataset returns.
  absl::StatusOr<std::string> ResolvePredictionSet(const v1::Commit& commit,
                                                   const goalpost::datasets::v1::Dataset& stored,
                                                   const ProgressFn& progress,
                                                   const CancelledFn& cancelled);

  absl::StatusOr<goalpost::datasets::v1::Dataset> GetDataset(const std::string& dataset,
                                                             const CancelledFn& cancelled);

  // Evaluates the whole set (key kWholeSetKey) and every goal's
  // subpopulation (key: goal id) on one dataset.
  absl::StatusOr<goalpost::metrics::v1::EvaluateResponse> EvaluateSet(
      const std::string& dataset, const std::string& prediction_set,
      const std::vector<std::pair<std::string, v1::Goal>>& goals, const CancelledFn& cancelled);

  CatalogStore& catalog_;
  PeerClients& peers_;
  RetryPolicy retry_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_RUN_EXECUTOR_H_

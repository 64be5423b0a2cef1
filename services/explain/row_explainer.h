#ifndef GOALPOST_SERVICES_EXPLAIN_ROW_EXPLAINER_H_
#define GOALPOST_SERVICES_EXPLAIN_ROW_EXPLAINER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "goalpost/explain/v1/explain.pb.h"
#include "services/explain/dataset_client.h"
#include "services/explain/inference_client.h"
#include "services/explain/lime/explanation.h"
#include "services/explain/tabular_explainer_cache.h"

namespace goalpost::explain {

// Most rows one ExplainRows request may name.
inline constexpr int kMaxRowsPerRequest = 1000;

struct RowExplainerOptions {
  // Rows that ExplainRows explains at the same time; 0 uses every core.
  int parallel_rows = 0;
};

// The explain service without gRPC: fetches the model spec and the row,
// explains it with LIME, calling the model through the inference service
// with all of an explanation's samples in one Predict stream.
class RowExplainer {
 public:
  // `inference` and `datasets` must outlive the explainer.
  RowExplainer(const InferenceClient* inference, const DatasetClient* datasets,
               RowExplainerOptions options);

  // Errors: FAILED_PRECONDITION for an empty model (a shell model);
  // INVALID_ARGUMENT for an empty text, an unknown row id, a class the model
  // lacks or options out of range; NOT_FOUND for an unknown model or
  // dataset; UNAVAILABLE when a service it calls cannot be reached.
  absl::StatusOr<v1::Explanation> ExplainRow(const v1::ExplainRowRequest& request);

  // Explains the rows in parallel and calls `emit` once per row as each
  // finishes, never from two threads at once. A row that cannot be
  // explained (unknown id, empty text) gets a response with `error`. A
  // request-level problem, or a service that cannot be reached, ends the
  // call with that status.
  absl::Status ExplainRows(const v1::ExplainRowsRequest& request,
                           const std::function<void(const v1::ExplainRowsResponse&)>& emit);

 private:
  // The model spec, LIME options and tabular explainer of one request.
  struct ModelContext {
    inference::v1::Model model;
    bool is_text = false;
    std::shared_ptr<const TabularExplainer> tabular;
    LimeOptions options;
  };

  absl::StatusOr<ModelContext> PrepareModel(const std::string& model_name,
                                            const std::string& training_dataset,
                                            const v1::ExplainOptions& options);
  absl::StatusOr<std::vector<datasets::v1::Row>> FetchRows(const std::string& dataset,
                                                          const std::vector<std::string>& row_ids,
                                                          std::vector<absl::Status>& row_errors) const;
  absl::StatusOr<v1::Explanation> ExplainStoredRow(const ModelContext& context,
                                                   const datasets::v1::Row& row) const;
  absl::StatusOr<v1::Explanation> ExplainText(const ModelContext& context, const std::string& text,
                                              const std::string& row_id) const;

  const InferenceClient* inference_;
  const DatasetClient* datasets_;
  RowExplainerOptions options_;
  TabularExplainerCache tabular_explainers_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_ROW_EXPLAINER_H_

#ifndef GOALPOST_SERVICES_EXPLAIN_TABULAR_EXPLAINER_CACHE_H_
#define GOALPOST_SERVICES_EXPLAIN_TABULAR_EXPLAINER_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "services/explain/dataset_client.h"
#include "services/explain/lime/tabular_explainer.h"

namespace goalpost::explain {

// Builds the tabular explainer of a model and training set (the quartiles
// from the training set's column statistics, per-bin and per-category
// frequencies from its feature columns) and keeps the most recent ones, as
// stored datasets never change. Thread-safe.
class TabularExplainerCache {
 public:
  // `datasets` must outlive the cache.
  explicit TabularExplainerCache(const DatasetClient* datasets) : datasets_(datasets) {}

  // FAILED_PRECONDITION when the training set lacks a feature column of the
  // model or has the wrong type there; NOT_FOUND for an unknown training
  // set; UNAVAILABLE when the datasets service cannot be reached.
  absl::StatusOr<std::shared_ptr<const TabularExplainer>> Get(const inference::v1::Model& model,
                                                              const std::string& training_dataset);

 private:
  absl::StatusOr<std::shared_ptr<const TabularExplainer>> Build(
      const inference::v1::Model& model, const std::string& training_dataset) const;

  const DatasetClient* datasets_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const TabularExplainer>> explainers_;
};

// A tabular model's feature values for one stored row, in the model's
// encoding (numbers, category codes, NaN for missing or unknown
// categories). FAILED_PRECONDITION names a feature column the row lacks.
absl::StatusOr<std::vector<double>> TabularRowValues(const datasets::v1::Row& row,
                                                     const inference::v1::Model& model);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_TABULAR_EXPLAINER_CACHE_H_

#ifndef GOALPOST_SERVICES_EXPLAIN_TESTING_EXAMPLE_MODELS_H_
#define GOALPOST_SERVICES_EXPLAIN_TESTING_EXAMPLE_MODELS_H_

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"
#include "services/explain/lime/tabular_explainer.h"
#include "services/explain/lime/text_explainer.h"
#include "services/inference/model_runtime.h"

namespace goalpost::explain::testing {

// The shipped example models, loaded with the inference service's own model
// runtimes so that tests explain exactly what the service predicts.

// examples/spamassassin/spam_tfidf_logreg.json, classes ham and spam.
absl::StatusOr<std::unique_ptr<inference::ModelRuntime>> LoadSpamModel();

// examples/credit/credit_xgb.json, classes bad and good, with `features` in
// the model's order.
absl::StatusOr<std::unique_ptr<inference::ModelRuntime>> LoadCreditModel(
    const std::vector<TabularFeature>& features);

// Returns a runtime's probabilities as a rows x classes matrix.
Eigen::MatrixXd ToMatrix(const inference::ClassProbabilities& result);

// Batch callbacks over a runtime; the runtime must outlive them.
TextClassifier TextClassifierOf(const inference::ModelRuntime& model);
TabularClassifier TabularClassifierOf(const inference::ModelRuntime& model);

}  // namespace goalpost::explain::testing

#endif  // GOALPOST_SERVICES_EXPLAIN_TESTING_EXAMPLE_MODELS_H_

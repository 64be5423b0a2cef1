#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_TEXT_EXPLAINER_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_TEXT_EXPLAINER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"
#include "services/explain/lime/explanation.h"

namespace goalpost::explain {

// A text classifier: class probabilities, texts x classes, for a batch of
// texts. It is called once per explanation with every sample.
using TextClassifier =
    std::function<absl::StatusOr<Eigen::MatrixXd>(const std::vector<std::string>& texts)>;

// Explains the classifier's prediction for `text` as the reference `lime`
// package's LimeTextExplainer.explain_instance does with its defaults: the
// features are the distinct words (see IndexedString); sample 0 is the text
// itself and every other sample removes k distinct words, with k uniform in
// [1, d]; the distance of a sample is 100 x the cosine distance of its
// binary word-presence vector to the text's (all ones); the kernel width
// defaults to 25.
//
// Errors: INVALID_ARGUMENT for an empty text, a text without words, invalid
// options or an unknown class; the classifier's own errors unchanged.
absl::StatusOr<LimeExplanation> ExplainText(std::string_view text, const TextClassifier& classifier,
                                            const LimeOptions& options);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_TEXT_EXPLAINER_H_

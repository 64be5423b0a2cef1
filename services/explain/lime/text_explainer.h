#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_TEXT_EXPLAINER_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_TEXT_EXPLAINER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"
#include "services/explain/lime/explanation.h"
#include "services/explain/lime/indexed_string.h"

namespace goalpost::explain {

// The perturbed samples of one text explanation, as the classifier receives
// them: the indexed text and, per sample, a bitmap of the words the sample
// removes, bytes_per_sample() bytes each, where bit (w % 8) of byte (w / 8)
// is set when the sample removes word w. Sample 0 is the text itself.
struct TextSamples {
  const IndexedString* text = nullptr;
  int num_samples = 0;
  std::string removed_words;

  size_t bytes_per_sample() const { return (static_cast<size_t>(text->num_words()) + 7) / 8; }
};

// A text classifier: class probabilities, samples x classes, for the samples
// of one explanation. It is called once per explanation with every sample.
using TextClassifier = std::function<absl::StatusOr<Eigen::MatrixXd>(const TextSamples& samples)>;

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

#include "services/explain/lime/text_explainer.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/explain/lime/indexed_string.h"
#include "services/explain/lime/local_model.h"
#include "services/explain/lime/random.h"

namespace goalpost::explain {
namespace {

constexpr double kDefaultTextKernelWidth = 25;

// The samples with their interpretable representation: samples x words,
// 1 where the sample keeps the word.
struct DrawnSamples {
  TextSamples samples;
  Eigen::MatrixXd data;
};

// Draws the samples in the reference package's order: first every sample's
// count of removed words, then, sample by sample, which words.
DrawnSamples DrawSamples(const IndexedString& indexed, int num_samples, uint64_t seed) {
  const int word_count = indexed.num_words();
  Random random(seed);
  std::vector<int> removed_counts(num_samples, 0);
  for (int i = 1; i < num_samples; ++i) {
    removed_counts[i] = static_cast<int>(random.UniformInt(1, word_count));
  }

  DrawnSamples drawn;
  drawn.samples.text = &indexed;
  drawn.samples.num_samples = num_samples;
  const size_t bytes_per_sample = drawn.samples.bytes_per_sample();
  drawn.samples.removed_words.assign(num_samples * bytes_per_sample, '\0');
  drawn.data = Eigen::MatrixXd::Ones(num_samples, word_count);
  for (int i = 1; i < num_samples; ++i) {
    char* bitmap = &drawn.samples.removed_words[i * bytes_per_sample];
    for (int word : random.ChooseWithoutReplacement(word_count, removed_counts[i])) {
      drawn.data(i, word) = 0;
      bitmap[word / 8] = static_cast<char>(bitmap[word / 8] | (1 << (word % 8)));
    }
  }
  return drawn;
}

// 100 x cosine distance to the all-ones row. A sample that keeps k of d words
// has cosine similarity k / sqrt(k d). An empty sample has distance 100, as
// scikit-learn's cosine distance gives for a zero vector.
Eigen::VectorXd CosineDistances(const Eigen::MatrixXd& data) {
  const double word_count = static_cast<double>(data.cols());
  const Eigen::VectorXd kept_counts = data.rowwise().sum();
  Eigen::VectorXd distances(data.rows());
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    const double kept_words = kept_counts(i);
    const double similarity =
        kept_words == 0 ? 0 : kept_words / std::sqrt(kept_words * word_count);
    distances(i) = std::clamp(1 - similarity, 0.0, 2.0) * 100;
  }
  return distances;
}

}  // namespace

absl::StatusOr<LimeExplanation> ExplainText(std::string_view text, const TextClassifier& classifier,
                                            const LimeOptions& options) {
  if (absl::Status status = ValidateLimeOptions(options); !status.ok()) return status;
  if (text.empty()) return absl::InvalidArgumentError("text is empty; there is nothing to explain");
  const IndexedString indexed(text);
  if (indexed.num_words() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("text \"", std::string(text.substr(0, 80)), "\" has no words to explain"));
  }

  const DrawnSamples drawn = DrawSamples(indexed, options.num_samples, options.seed);
  absl::StatusOr<Eigen::MatrixXd> probabilities = classifier(drawn.samples);
  if (!probabilities.ok()) return probabilities.status();
  absl::StatusOr<int> class_index = ResolveClassIndex(*probabilities, options.num_samples, options);
  if (!class_index.ok()) return class_index.status();

  const double kernel_width =
      options.kernel_width > 0 ? options.kernel_width : kDefaultTextKernelWidth;
  const Eigen::VectorXd weights = KernelWeights(CosineDistances(drawn.data), kernel_width);
  const LocalModel model = FitLocalModel(drawn.data, probabilities->col(*class_index), weights,
                                         options.num_features, options.feature_selection);

  LimeExplanation explanation;
  explanation.class_index = *class_index;
  for (const auto& [word, weight] : model.feature_weights) {
    explanation.features.push_back({indexed.word(word), weight, ""});
  }
  explanation.intercept = model.intercept;
  explanation.local_prediction = model.local_prediction;
  explanation.score = model.score;
  explanation.class_probabilities = probabilities->row(0).transpose();
  explanation.model_probability = (*probabilities)(0, *class_index);
  return explanation;
}

}  // namespace goalpost::explain

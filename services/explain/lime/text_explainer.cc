#include "services/explain/lime/text_explainer.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/explain/lime/indexed_string.h"
#include "services/explain/lime/local_model.h"
#include "services/explain/lime/random.h"

namespace goalpost::explain {
namespace {

constexpr double kDefaultTextKernelWidth = 25;

struct TextSamples {
  // samples x words; 1 where the sample keeps the word.
  Eigen::MatrixXd data;
  std::vector<std::string> texts;
};

// Draws the samples in the reference package's order: first every sample's
// count of removed words, then, sample by sample, which words.
TextSamples DrawSamples(const IndexedString& indexed, int num_samples, uint64_t seed) {
  const int word_count = indexed.num_words();
  Random random(seed);
  std::vector<int> removed_counts(num_samples, 0);
  for (int i = 1; i < num_samples; ++i) {
    removed_counts[i] = static_cast<int>(random.UniformInt(1, word_count));
  }

  TextSamples samples;
  samples.data = Eigen::MatrixXd::Ones(num_samples, word_count);
  samples.texts.reserve(num_samples);
  samples.texts.push_back(indexed.raw_string());
  for (int i = 1; i < num_samples; ++i) {
    const std::vector<int> removed = random.ChooseWithoutReplacement(word_count, removed_counts[i]);
    for (int word : removed) samples.data(i, word) = 0;
    samples.texts.push_back(indexed.InverseRemoving(removed));
  }
  return samples;
}

// 100 x cosine distance to the all-ones row. A sample that keeps k of d words
// has cosine similarity k / sqrt(k d). An empty sample has distance 100, as
// scikit-learn's cosine distance gives for a zero vector.
Eigen::VectorXd CosineDistances(const Eigen::MatrixXd& data) {
  const double word_count = static_cast<double>(data.cols());
  Eigen::VectorXd distances(data.rows());
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    const double kept = data.row(i).sum();
    const double similarity = kept == 0 ? 0 : kept / std::sqrt(kept * word_count);
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

  TextSamples samples = DrawSamples(indexed, options.num_samples, options.seed);
  absl::StatusOr<Eigen::MatrixXd> probabilities = classifier(samples.texts);
  if (!probabilities.ok()) return probabilities.status();
  absl::StatusOr<int> class_index = ResolveClassIndex(*probabilities, options.num_samples, options);
  if (!class_index.ok()) return class_index.status();

  const double kernel_width =
      options.kernel_width > 0 ? options.kernel_width : kDefaultTextKernelWidth;
  const Eigen::VectorXd weights = KernelWeights(CosineDistances(samples.data), kernel_width);
  const LocalModel model = FitLocalModel(samples.data, probabilities->col(*class_index), weights,
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

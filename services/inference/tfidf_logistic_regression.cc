#include "services/inference/tfidf_logistic_regression.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/tokenizer.h"

namespace goalpost::inference {
namespace {

using nlohmann::json;

constexpr char kDefaultTokenPattern[] = R"((?u)\b\w\w+\b)";

// Term counts below this have their term frequency looked up, not computed.
constexpr int kTabulatedCounts = 256;

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid tfidf_logistic_regression artifact: ", what));
}

// Reads a JSON array of finite numbers of the expected length.
absl::StatusOr<std::vector<double>> ReadNumbers(const json& value, absl::string_view key,
                                                size_t expected_size) {
  if (!value.is_array()) return Invalid(absl::StrCat("'", key, "' must be an array"));
  if (value.size() != expected_size) {
    return Invalid(absl::StrCat("'", key, "' has ", value.size(), " values, expected ",
                                expected_size, " (one per vocabulary entry or class)"));
  }
  std::vector<double> numbers;
  numbers.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_number() || !std::isfinite(value[i].get<double>())) {
      return Invalid(absl::StrCat("'", key, "'[", i, "] is not a finite number"));
    }
    numbers.push_back(value[i].get<double>());
  }
  return numbers;
}

absl::Status CheckTokenizerOptions(const json& artifact) {
  if (artifact.value("kind", "") != "tfidf_logistic_regression") {
    return Invalid("'kind' must be \"tfidf_logistic_regression\"");
  }
  if (!artifact.value("lowercase", true)) {
    return Invalid("'lowercase' must be true: only the shared lower-casing tokenizer is supported");
  }
  if (artifact.value("token_pattern", kDefaultTokenPattern) != kDefaultTokenPattern) {
    return Invalid(absl::StrCat("'token_pattern' must be the default ", kDefaultTokenPattern));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ReadClasses(
    const json& artifact, const std::vector<std::string>& class_names) {
  const json& classes = artifact.at("classes");
  if (!classes.is_array() || classes.size() < 2) {
    return Invalid("'classes' must be an array of at least two names");
  }
  std::vector<std::string> names;
  for (const json& name : classes) {
    if (!name.is_string()) return Invalid("'classes' must hold strings");
    names.push_back(name.get<std::string>());
  }
  if (names != class_names) {
    return Invalid(absl::StrCat("classes [", absl::StrJoin(names, ", "),
                                "] differ from the spec's class_names [",
                                absl::StrJoin(class_names, ", "), "]"));
  }
  return names;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TfidfLogisticRegression>> TfidfLogisticRegression::FromJson(
    std::string_view artifact_text, const std::vector<std::string>& class_names) {
  json artifact = json::parse(artifact_text, nullptr, /*allow_exceptions=*/false);
  if (artifact.is_discarded() || !artifact.is_object()) {
    return Invalid("not a JSON object");
  }
  // nlohmann::json throws type_error when a key holds the wrong JSON type.
  try {
    return FromParsedJson(artifact, class_names);
  } catch (const json::exception& error) {
    return Invalid(error.what());
  }
}

absl::StatusOr<std::unique_ptr<TfidfLogisticRegression>>
TfidfLogisticRegression::FromParsedJson(const nlohmann::json& artifact,
                                        const std::vector<std::string>& class_names) {
  for (const char* key : {"classes", "vocabulary", "idf", "coef", "intercept"}) {
    if (!artifact.contains(key)) return Invalid(absl::StrCat("missing key '", key, "'"));
  }
  if (absl::Status status = CheckTokenizerOptions(artifact); !status.ok()) return status;

  auto model = std::unique_ptr<TfidfLogisticRegression>(new TfidfLogisticRegression());
  auto classes = ReadClasses(artifact, class_names);
  if (!classes.ok()) return classes.status();
  model->classes_ = std::move(*classes);
  model->sublinear_tf_ = artifact.value("sublinear_tf", false);
  for (int count = 0; count < kTabulatedCounts; ++count) {
    model->term_frequencies_.push_back(model->TermFrequency(count));
  }
  const json norm = artifact.contains("norm") ? artifact["norm"] : json("l2");
  if (norm.is_null() || norm == "none") {
    model->l2_norm_ = false;
  } else if (norm != "l2") {
    return Invalid("'norm' must be \"l2\" or null");
  }

  // The vocabulary maps each token to a distinct column in [0, size).
  const json& vocabulary = artifact["vocabulary"];
  if (!vocabulary.is_object() || vocabulary.empty()) {
    return Invalid("'vocabulary' must be a non-empty object of token -> column");
  }
  const size_t vocabulary_size = vocabulary.size();
  std::vector<bool> seen(vocabulary_size, false);
  model->vocabulary_.reserve(vocabulary_size);
  for (auto it = vocabulary.begin(); it != vocabulary.end(); ++it) {
    if (!it.value().is_number_integer()) {
      return Invalid(absl::StrCat("vocabulary entry '", it.key(), "' is not an integer"));
    }
    const int64_t column = it.value().get<int64_t>();
    if (column < 0 || column >= static_cast<int64_t>(vocabulary_size) || seen[column]) {
      return Invalid(absl::StrCat("vocabulary entry '", it.key(), "' has column ", column,
                                  ", which is out of range or repeated"));
    }
    seen[column] = true;
    model->vocabulary_.emplace(it.key(), static_cast<int>(column));
  }

  auto idf = ReadNumbers(artifact["idf"], "idf", vocabulary_size);
  if (!idf.ok()) return idf.status();
  model->idf_ = std::move(*idf);

  // Binary logistic regression has one coefficient row; multinomial one per
  // class.
  const size_t rows = model->classes_.size() == 2 ? 1 : model->classes_.size();
  const json& coef = artifact["coef"];
  if (!coef.is_array() || coef.size() != rows) {
    return Invalid(absl::StrCat("'coef' must have ", rows, " rows for ",
                                model->classes_.size(), " classes"));
  }
  for (size_t row = 0; row < rows; ++row) {
    auto values = ReadNumbers(coef[row], absl::StrCat("coef[", row, "]"), vocabulary_size);
    if (!values.ok()) return values.status();
    model->coef_.insert(model->coef_.end(), values->begin(), values->end());
  }
  auto intercept = ReadNumbers(artifact["intercept"], "intercept", rows);
  if (!intercept.ok()) return intercept.status();
  model->intercept_ = std::move(*intercept);
  return model;
}

double TfidfLogisticRegression::TermFrequency(int count) const {
  const double tf = static_cast<double>(count);
  return sublinear_tf_ ? std::log(tf) + 1.0 : tf;
}

int TfidfLogisticRegression::ColumnOf(std::string_view token) const {
  auto it = vocabulary_.find(absl::string_view(token.data(), token.size()));
  return it == vocabulary_.end() ? -1 : it->second;
}

void TfidfLogisticRegression::PredictText(std::string_view text, double* probabilities) const {
  // The buffers are reused across calls on the same thread.
  thread_local std::vector<int> columns;
  thread_local std::vector<std::pair<int, int>> term_counts;
  columns.clear();
  term_counts.clear();
  text::ForEachToken(text, [this](std::string_view token) {
    const int column = ColumnOf(token);
    if (column >= 0) columns.push_back(column);
  });

  std::sort(columns.begin(), columns.end());
  for (size_t i = 0; i < columns.size();) {
    size_t j = i;
    while (j < columns.size() && columns[j] == columns[i]) ++j;
    term_counts.emplace_back(columns[i], static_cast<int>(j - i));
    i = j;
  }
  PredictTermCounts(term_counts, probabilities);
}

void TfidfLogisticRegression::PredictTermCounts(absl::Span<const std::pair<int, int>> term_counts,
                                                double* probabilities) const {
  // Terms in ascending column order, as scikit-learn's sorted CSR rows, so
  // every sum below adds its terms in the same order as scipy does.
  thread_local std::vector<std::pair<int, double>> tfidf;
  tfidf.clear();
  for (const auto& [column, count] : term_counts) {
    const double tf = static_cast<size_t>(count) < term_frequencies_.size()
                          ? term_frequencies_[count]
                          : TermFrequency(count);
    tfidf.emplace_back(column, tf * idf_[column]);
  }

  // L2 normalisation; an empty row stays zero, as sklearn.preprocessing.normalize.
  if (l2_norm_) {
    double squares = 0.0;
    for (const auto& [column, value] : tfidf) squares += value * value;
    const double norm = std::sqrt(squares);
    if (norm != 0.0) {
      for (auto& entry : tfidf) entry.second /= norm;
    }
  }

  const size_t rows = intercept_.size();
  const size_t vocabulary_size = idf_.size();
  thread_local std::vector<double> scores;
  scores.assign(rows, 0.0);
  for (size_t row = 0; row < rows; ++row) {
    const double* coef = &coef_[row * vocabulary_size];
    double sum = 0.0;
    for (const auto& [column, value] : tfidf) sum += value * coef[column];
    scores[row] = sum + intercept_[row];
  }

  if (rows == 1) {
    const double positive = 1.0 / (1.0 + std::exp(-scores[0]));
    probabilities[0] = 1.0 - positive;
    probabilities[1] = positive;
    return;
  }
  // Softmax with the row maximum subtracted first, as sklearn.utils.extmath.softmax.
  const double max_score = *std::max_element(scores.begin(), scores.end());
  double total = 0.0;
  for (size_t c = 0; c < rows; ++c) {
    scores[c] = std::exp(scores[c] - max_score);
    total += scores[c];
  }
  for (size_t c = 0; c < rows; ++c) probabilities[c] = scores[c] / total;
}

absl::StatusOr<ClassProbabilities> TfidfLogisticRegression::PredictTexts(
    absl::Span<const std::string> texts) const {
  ClassProbabilities result;
  result.class_count = class_count();
  result.probabilities.resize(texts.size() * classes_.size());
  for (size_t row = 0; row < texts.size(); ++row) {
    PredictText(texts[row], &result.probabilities[row * classes_.size()]);
  }
  SetPredictedClasses(result);
  return result;
}

}  // namespace goalpost::inference

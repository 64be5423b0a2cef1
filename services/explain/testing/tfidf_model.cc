#include "services/explain/testing/tfidf_model.h"

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/text/tokenizer.h"

namespace goalpost::explain::testing {

absl::StatusOr<TfidfModel> TfidfModel::Load(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  const nlohmann::json spec = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, " is not JSON"));

  TfidfModel model;
  model.classes_ = spec.at("classes").get<std::vector<std::string>>();
  for (const auto& [token, index] : spec.at("vocabulary").items()) {
    model.vocabulary_.emplace(token, index.get<int>());
  }
  model.idf_ = spec.at("idf").get<std::vector<double>>();
  model.coefficients_ = spec.at("coef").at(0).get<std::vector<double>>();
  model.intercept_ = spec.at("intercept").at(0).get<double>();
  return model;
}

Eigen::MatrixXd TfidfModel::Predict(const std::vector<std::string>& texts) const {
  Eigen::MatrixXd probabilities(static_cast<Eigen::Index>(texts.size()), 2);
  for (size_t row = 0; row < texts.size(); ++row) {
    std::unordered_map<int, int> counts;
    for (const std::string& token : goalpost::text::Tokenize(texts[row])) {
      const auto found = vocabulary_.find(token);
      if (found != vocabulary_.end()) ++counts[found->second];
    }

    double squared_norm = 0;
    double dot = 0;
    for (const auto& [index, count] : counts) {
      const double value = (1 + std::log(count)) * idf_[index];
      squared_norm += value * value;
      dot += value * coefficients_[index];
    }
    const double norm = std::sqrt(squared_norm);
    const double score = (norm > 0 ? dot / norm : 0) + intercept_;
    const double spam = 1 / (1 + std::exp(-score));
    probabilities(row, 0) = 1 - spam;
    probabilities(row, 1) = spam;
  }
  return probabilities;
}

}  // namespace goalpost::explain::testing

#ifndef GOALPOST_SERVICES_EXPLAIN_TESTING_TFIDF_MODEL_H_
#define GOALPOST_SERVICES_EXPLAIN_TESTING_TFIDF_MODEL_H_

#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"

namespace goalpost::explain::testing {

// The shipped TF-IDF + binary logistic-regression text model
// (examples/spamassassin/spam_tfidf_logreg.json), evaluated in process for
// the explainer's tests: sublinear tf, l2 norm, sigmoid of the score.
// TODO: use the inference service's model library once it is in the tree,
// so the tests run the same evaluator as the service.
class TfidfModel {
 public:
  static absl::StatusOr<TfidfModel> Load(const std::string& path);

  // Class probabilities, texts x 2, in the model's class order.
  Eigen::MatrixXd Predict(const std::vector<std::string>& texts) const;

  const std::vector<std::string>& classes() const { return classes_; }

 private:
  std::vector<std::string> classes_;
  std::unordered_map<std::string, int> vocabulary_;
  std::vector<double> idf_;
  std::vector<double> coefficients_;
  double intercept_ = 0;
};

}  // namespace goalpost::explain::testing

#endif  // GOALPOST_SERVICES_EXPLAIN_TESTING_TFIDF_MODEL_H_

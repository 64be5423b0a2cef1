#ifndef GOALPOST_SERVICES_EXPLAIN_TESTING_XGBOOST_MODEL_H_
#define GOALPOST_SERVICES_EXPLAIN_TESTING_XGBOOST_MODEL_H_

#include <string>

#include <Eigen/Dense>

#include "absl/status/statusor.h"

namespace goalpost::explain::testing {

// A binary:logistic XGBoost model loaded with libxgboost, for the explainer's
// tests. Rows hold the model's encoding: numbers, category codes, NaN for
// missing.
// TODO: use the inference service's model library once it is in the tree.
class XgboostModel {
 public:
  static absl::StatusOr<XgboostModel> Load(const std::string& path);
  ~XgboostModel();
  XgboostModel(XgboostModel&& other) noexcept;
  XgboostModel(const XgboostModel&) = delete;
  XgboostModel& operator=(const XgboostModel&) = delete;
  XgboostModel& operator=(XgboostModel&&) = delete;

  // Class probabilities, rows x 2: [1 - p, p].
  absl::StatusOr<Eigen::MatrixXd> Predict(const Eigen::MatrixXd& rows) const;

 private:
  XgboostModel() = default;
  void* booster_ = nullptr;
};

}  // namespace goalpost::explain::testing

#endif  // GOALPOST_SERVICES_EXPLAIN_TESTING_XGBOOST_MODEL_H_

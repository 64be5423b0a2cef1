#include "services/explain/testing/xgboost_model.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"

namespace goalpost::explain::testing {

absl::StatusOr<XgboostModel> XgboostModel::Load(const std::string& path) {
  XgboostModel model;
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0) return absl::InternalError(XGBGetLastError());
  model.booster_ = booster;
  if (XGBoosterLoadModel(booster, path.c_str()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("loading ", path, ": ", XGBGetLastError()));
  }
  return model;
}

XgboostModel::~XgboostModel() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

XgboostModel::XgboostModel(XgboostModel&& other) noexcept : booster_(other.booster_) {
  other.booster_ = nullptr;
}

absl::StatusOr<Eigen::MatrixXd> XgboostModel::Predict(const Eigen::MatrixXd& rows) const {
  std::vector<float> values(rows.size());
  for (Eigen::Index i = 0; i < rows.rows(); ++i) {
    for (Eigen::Index j = 0; j < rows.cols(); ++j) values[i * rows.cols() + j] = static_cast<float>(rows(i, j));
  }
  DMatrixHandle matrix = nullptr;
  if (XGDMatrixCreateFromMat(values.data(), rows.rows(), rows.cols(), NAN, &matrix) != 0) {
    return absl::InternalError(XGBGetLastError());
  }
  bst_ulong length = 0;
  const float* output = nullptr;
  const int failed = XGBoosterPredict(booster_, matrix, 0, 0, 0, &length, &output);
  Eigen::MatrixXd probabilities(rows.rows(), 2);
  if (failed == 0) {
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
      probabilities(i, 1) = output[i];
      probabilities(i, 0) = 1 - static_cast<double>(output[i]);
    }
  }
  XGDMatrixFree(matrix);
  if (failed != 0) return absl::InternalError(XGBGetLastError());
  return probabilities;
}

}  // namespace goalpost::explain::testing

#include "services/explain/lime/explanation.h"

#include "absl/strings/str_cat.h"

namespace goalpost::explain {

absl::Status ValidateLimeOptions(const LimeOptions& options) {
  if (options.num_samples < kMinNumSamples || options.num_samples > kMaxNumSamples) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_samples is ", options.num_samples, "; it must be between ", kMinNumSamples,
        " and ", kMaxNumSamples));
  }
  if (options.num_features < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_features is ", options.num_features, "; it must be at least 1"));
  }
  if (options.kernel_width < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kernel_width is ", options.kernel_width, "; it must be positive, or 0 for the default"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ResolveClassIndex(const Eigen::MatrixXd& probabilities, int rows,
                                      const LimeOptions& options) {
  if (probabilities.rows() != rows || probabilities.cols() < 1) {
    return absl::InternalError(absl::StrCat("the model returned ", probabilities.rows(), " x ",
                                            probabilities.cols(), " probabilities for ", rows,
                                            " samples"));
  }
  const int class_count = static_cast<int>(probabilities.cols());
  if (options.class_index >= class_count || options.class_index < -1) {
    return absl::InvalidArgumentError(absl::StrCat("class index ", options.class_index,
                                                   " is not a class of the model, which has ",
                                                   class_count, " classes"));
  }
  if (options.class_index >= 0) return options.class_index;

  Eigen::Index predicted = 0;
  probabilities.row(0).maxCoeff(&predicted);
  return static_cast<int>(predicted);
}

}  // namespace goalpost::explain

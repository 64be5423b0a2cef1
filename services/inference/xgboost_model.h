#ifndef GOALPOST_SERVICES_INFERENCE_XGBOOST_MODEL_H_
#define GOALPOST_SERVICES_INFERENCE_XGBOOST_MODEL_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/inference/model_runtime.h"

namespace goalpost::inference {

// What the spec says about a tabular model's inputs.
struct TabularFeature {
  std::string name;
  bool categorical = false;
};

// A model saved by XGBoost's own save_model as JSON, run with libxgboost's C
// API (Debian's libxgboost 1.7). Objectives binary:logistic (class 1 is the
// positive class) and multi:softprob. Categorical features are passed as
// codes, which the trees' categorical splits compare against.
//
// Thread safety: each concurrent call uses a booster of its own, taken from a
// free list and created from the artifact when the list is empty. XGBoost
// documents prediction on one booster as thread-safe for tree models since
// 1.4, but the C API returns results in a buffer owned by the booster, so
// separate boosters keep concurrent calls from depending on that.
class XgboostModel : public ModelRuntime {
 public:
  // Parses and checks the artifact against the spec. INVALID_ARGUMENT for
  // text that is not JSON, an objective other than the two above, a class
  // count or feature count that differs from the spec, or a feature whose
  // type (categorical or numeric) differs from the spec's.
  static absl::StatusOr<std::unique_ptr<XgboostModel>> FromJson(
      std::string_view artifact, const std::vector<std::string>& class_names,
      const std::vector<TabularFeature>& features);
  ~XgboostModel() override;

  InputKind input_kind() const override { return InputKind::kTabular; }
  int class_count() const override { return class_count_; }
  int feature_count() const override { return feature_count_; }

  absl::StatusOr<ClassProbabilities> PredictTabular(
      absl::Span<const double> values) const override;

 private:
  using BoosterHandle = void*;

  XgboostModel() = default;
  absl::StatusOr<BoosterHandle> AcquireBooster() const;
  void ReleaseBooster(BoosterHandle booster) const;

  std::string artifact_;
  int class_count_ = 0;
  int feature_count_ = 0;
  mutable std::mutex mutex_;
  mutable std::vector<BoosterHandle> idle_boosters_;
  mutable std::vector<BoosterHandle> all_boosters_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_XGBOOST_MODEL_H_

#include "services/explain/explain_request.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace goalpost::explain {
namespace {

absl::StatusOr<FeatureSelection> ToFeatureSelection(v1::FeatureSelection selection) {
  switch (selection) {
    case v1::FEATURE_SELECTION_UNSPECIFIED:
    case v1::FEATURE_SELECTION_AUTO:
      return FeatureSelection::kAuto;
    case v1::FEATURE_SELECTION_FORWARD_SELECTION:
      return FeatureSelection::kForwardSelection;
    case v1::FEATURE_SELECTION_HIGHEST_WEIGHTS:
      return FeatureSelection::kHighestWeights;
    case v1::FEATURE_SELECTION_NONE:
      return FeatureSelection::kNone;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("feature_selection ", static_cast<int>(selection), " is not a known method"));
  }
}

absl::StatusOr<int> ClassIndex(const std::string& class_name, const inference::v1::Model& model) {
  if (class_name.empty()) return -1;
  const auto& classes = model.spec().class_names();
  for (int i = 0; i < classes.size(); ++i) {
    if (classes[i] == class_name) return i;
  }
  return absl::InvalidArgumentError(absl::StrCat("class_name \"", class_name,
                                                 "\" is not a class of model ", model.name(),
                                                 "; its classes are ", absl::StrJoin(classes, ", ")));
}

}  // namespace

absl::StatusOr<LimeOptions> ToLimeOptions(const v1::ExplainOptions& options,
                                          const inference::v1::Model& model) {
  LimeOptions lime;
  lime.num_samples = options.num_samples() == 0 ? kDefaultNumSamples : options.num_samples();
  lime.num_features = options.num_features() == 0 ? kDefaultNumFeatures : options.num_features();
  lime.seed = options.seed();
  lime.kernel_width = options.kernel_width();

  absl::StatusOr<FeatureSelection> selection = ToFeatureSelection(options.feature_selection());
  if (!selection.ok()) return selection.status();
  lime.feature_selection = *selection;
  absl::StatusOr<int> class_index = ClassIndex(options.class_name(), model);
  if (!class_index.ok()) return class_index.status();
  lime.class_index = *class_index;

  if (absl::Status valid = ValidateLimeOptions(lime); !valid.ok()) return valid;
  return lime;
}

v1::Explanation ToExplanationProto(const LimeExplanation& explanation, const std::string& row_id,
                                   const inference::v1::Model& model, const LimeOptions& options) {
  v1::Explanation proto;
  proto.set_row_id(row_id);
  const auto& classes = model.spec().class_names();
  proto.set_class_name(explanation.class_index < classes.size()
                           ? classes[explanation.class_index]
                           : absl::StrCat(explanation.class_index));
  for (const FeatureExplanation& feature : explanation.features) {
    v1::FeatureWeight* weight = proto.add_features();
    weight->set_feature(feature.feature);
    weight->set_weight(feature.weight);
    weight->set_value(feature.value);
  }
  proto.set_intercept(explanation.intercept);
  proto.set_local_prediction(explanation.local_prediction);
  proto.set_score(explanation.score);
  proto.set_model_probability(explanation.model_probability);
  proto.set_num_samples(options.num_samples);
  proto.set_seed(options.seed);
  proto.set_num_features(options.num_features);
  return proto;
}

}  // namespace goalpost::explain

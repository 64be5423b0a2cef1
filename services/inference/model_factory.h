#ifndef GOALPOST_SERVICES_INFERENCE_MODEL_FACTORY_H_
#define GOALPOST_SERVICES_INFERENCE_MODEL_FACTORY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "services/inference/model_runtime.h"

namespace goalpost::inference {

// Largest artifact RegisterModel accepts, in bytes.
inline constexpr size_t kMaxArtifactBytes = 256u << 20;

// Checks the fields of a spec that do not need the artifact: the project and
// model id, a known kind, at least two unique class names, and the inputs the
// kind needs (a text column, or features with types and categories).
// INVALID_ARGUMENT names the field.
absl::Status ValidateModelSpec(const v1::ModelSpec& spec);

// Builds the runtime of a validated spec from its artifact (empty for
// kserve_v2, whose runtime connects to the remote server). Errors as the
// runtimes' FromJson and KserveV2Model::Connect.
absl::StatusOr<std::unique_ptr<ModelRuntime>> BuildModelRuntime(const v1::ModelSpec& spec,
                                                                absl::string_view artifact);

// "projects/{project}/models/{model}" of a spec.
std::string ModelResourceName(const v1::ModelSpec& spec);

// Splits "projects/{project}/models/{model}" into "projects/{project}" and
// the model id. INVALID_ARGUMENT names `field` when the name is malformed.
absl::Status ParseModelName(absl::string_view name, absl::string_view field, std::string* project,
                            std::string* model_id);

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_MODEL_FACTORY_H_

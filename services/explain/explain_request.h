#ifndef GOALPOST_SERVICES_EXPLAIN_EXPLAIN_REQUEST_H_
#define GOALPOST_SERVICES_EXPLAIN_EXPLAIN_REQUEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "goalpost/explain/v1/explain.pb.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "services/explain/lime/explanation.h"

namespace goalpost::explain {

// Defaults of ExplainOptions fields left unset, the reference `lime`
// package's.
inline constexpr int kDefaultNumSamples = 5000;
inline constexpr int kDefaultNumFeatures = 10;

// Converts request options to LIME options for `model`: unset fields take
// their defaults and class_name becomes an index into the model's classes.
// INVALID_ARGUMENT names the field and value out of range, or the class the
// model lacks.
absl::StatusOr<LimeOptions> ToLimeOptions(const v1::ExplainOptions& options,
                                          const inference::v1::Model& model);

// The response message for one explained row.
v1::Explanation ToExplanationProto(const LimeExplanation& explanation, const std::string& row_id,
                                   const inference::v1::Model& model, const LimeOptions& options);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_EXPLAIN_REQUEST_H_

#ifndef GOALPOST_COMMON_FILTER_TOKEN_NORMALIZATION_H_
#define GOALPOST_COMMON_FILTER_TOKEN_NORMALIZATION_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace goalpost::filter::internal {

// Returns the one token of the shared tokenisation that `written` stands
// for ("Canada" gives "canada"). INVALID_ARGUMENT, naming the token, when it
// gives no token ("a", "!!") or several ("free money", "user@example").
absl::StatusOr<std::string> NormalizeToken(absl::string_view written);

}  // namespace goalpost::filter::internal

#endif  // GOALPOST_COMMON_FILTER_TOKEN_NORMALIZATION_H_

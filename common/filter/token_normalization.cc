#include "common/filter/token_normalization.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/tokenizer.h"

namespace goalpost::filter::internal {

// The token index stores single tokens, so a condition can only ask for
// something that tokenises to exactly one of them. Anything else would
// silently match nothing, or something other than what was written.
absl::StatusOr<std::string> NormalizeToken(absl::string_view written) {
  std::vector<std::string> tokens = goalpost::text::Tokenize(std::string_view(written.data(), written.size()));
  if (tokens.size() == 1) return std::move(tokens[0]);

  if (tokens.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the token \"", written,
        "\" has no run of two or more letters, digits or \"_\", so it matches nothing"));
  }
  std::vector<std::string> quoted;
  for (const std::string& token : tokens) quoted.push_back(absl::StrCat("\"", token, "\""));
  return absl::InvalidArgumentError(absl::StrCat(
      "the token \"", written, "\" is ", tokens.size(), " tokens (", absl::StrJoin(tokens, ", "),
      "); list them separately, as in has all(", absl::StrJoin(quoted, ", "), ")"));
}

}  // namespace goalpost::filter::internal

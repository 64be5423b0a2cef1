#ifndef GOALPOST_COMMON_TEXT_TOKENIZER_H_
#define GOALPOST_COMMON_TEXT_TOKENIZER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"

namespace goalpost::text {

// Lower-cases UTF-8 text with full Unicode case mapping in the root locale,
// as Python's str.lower() does: "İ" becomes "i" followed by U+0307, and a
// final capital sigma becomes "ς". Invalid UTF-8 sequences become U+FFFD.
std::string ToLower(std::string_view utf8_text);

// Returns the tokens of `utf8_text` in order, duplicates kept: the text is
// lower-cased with ToLower, and every maximal run of two or more word
// characters is a token. A word character is a Unicode letter or number
// (general categories L* and N*) or "_". This is scikit-learn 1.2's default
// analyzer (lowercase=True, token_pattern r"(?u)\b\w\w+\b"), so the text
// model, the filters and the token index agree on what a token is.
std::vector<std::string> Tokenize(std::string_view utf8_text);

// Calls `on_token` with each token of `utf8_text`, as Tokenize returns them,
// without allocating a string per token. The view is valid only during the
// call. For callers that see every token of millions of rows (the token
// index).
void ForEachToken(std::string_view utf8_text,
                  absl::FunctionRef<void(std::string_view token)> on_token);

}  // namespace goalpost::text

#endif  // GOALPOST_COMMON_TEXT_TOKENIZER_H_

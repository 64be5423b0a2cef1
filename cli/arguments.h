#ifndef GOALPOST_CLI_ARGUMENTS_H_
#define GOALPOST_CLI_ARGUMENTS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace goalpost::cli {

// The words after the command path: positional arguments and `--flag value`
// or `--flag=value` options. A flag listed as boolean takes no value
// (`--wait`); every other flag takes exactly one, and may repeat
// (`--threshold a --threshold b`).
class Arguments {
 public:
  // Parses `words`. An unknown flag, a missing value or a value given to a
  // boolean flag is INVALID_ARGUMENT naming the flag.
  static absl::StatusOr<Arguments> Parse(const std::vector<std::string>& words,
                                         const std::set<std::string>& value_flags,
                                         const std::set<std::string>& boolean_flags);

  const std::vector<std::string>& positional() const { return positional_; }

  bool Has(const std::string& flag) const;
  // The last value of `flag`, or nullopt when it was not given.
  std::optional<std::string> Get(const std::string& flag) const;
  // Every value of `flag` in command-line order.
  std::vector<std::string> GetAll(const std::string& flag) const;

  // The value of a flag that must be present; INVALID_ARGUMENT otherwise.
  absl::StatusOr<std::string> Require(const std::string& flag) const;
  // The value of an integer flag, or `fallback` when absent; INVALID_ARGUMENT
  // when it does not parse or lies outside [minimum, maximum].
  absl::StatusOr<long long> GetInteger(const std::string& flag, long long fallback,
                                       long long minimum, long long maximum) const;
  // Exactly `count` positional arguments, named by `names` for the message.
  absl::Status ExpectPositional(const std::vector<std::string>& names) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
};

// Splits "a,b,c" into its non-empty, trimmed items.
std::vector<std::string> SplitList(const std::string& text);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_ARGUMENTS_H_

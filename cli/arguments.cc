#include "cli/arguments.h"

#include <cerrno>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace goalpost::cli {

absl::StatusOr<Arguments> Arguments::Parse(const std::vector<std::string>& words,
                                           const std::set<std::string>& value_flags,
                                           const std::set<std::string>& boolean_flags) {
  Arguments arguments;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) {
      arguments.positional_.push_back(word);
      continue;
    }

    // "--flag=value" carries its value; "--flag value" takes the next word.
    std::string flag = word.substr(2);
    std::optional<std::string> value;
    size_t equals = flag.find('=');
    if (equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    }

    if (boolean_flags.count(flag) > 0) {
      if (value.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", flag, " takes no value; remove \"=", *value, "\""));
      }
      arguments.values_[flag].push_back("true");
      continue;
    }
    if (value_flags.count(flag) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", flag,
                                                     "; run the command with --help for its flags"));
    }
    if (!value.has_value()) {
      if (i + 1 >= words.size()) {
        return absl::InvalidArgumentError(absl::StrCat("flag --", flag, " needs a value"));
      }
      value = words[++i];
    }
    arguments.values_[flag].push_back(*value);
  }
  return arguments;
}

bool Arguments::Has(const std::string& flag) const { return values_.count(flag) > 0; }

std::optional<std::string> Arguments::Get(const std::string& flag) const {
  auto found = values_.find(flag);
  if (found == values_.end()) return std::nullopt;
  return found->second.back();
}

std::vector<std::string> Arguments::GetAll(const std::string& flag) const {
  auto found = values_.find(flag);
  if (found == values_.end()) return {};
  return found->second;
}

absl::StatusOr<std::string> Arguments::Require(const std::string& flag) const {
  std::optional<std::string> value = Get(flag);
  if (!value.has_value() || value->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("missing required flag --", flag));
  }
  return *value;
}

absl::StatusOr<long long> Arguments::GetInteger(const std::string& flag, long long fallback,
                                                long long minimum, long long maximum) const {
  std::optional<std::string> text = Get(flag);
  if (!text.has_value()) return fallback;

  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno != 0 || value < minimum || value > maximum) {
    return absl::InvalidArgumentError(absl::StrCat("invalid value \"", *text, "\" for --", flag,
                                                   ": expected an integer in [", minimum, ", ",
                                                   maximum, "]"));
  }
  return value;
}

absl::Status Arguments::ExpectPositional(const std::vector<std::string>& names) const {
  if (positional_.size() == names.size()) return absl::OkStatus();
  if (positional_.size() < names.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing argument ", names[positional_.size()]));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unexpected argument \"", positional_[names.size()], "\"; expected only ",
      names.empty() ? std::string("flags") : absl::StrJoin(names, " ")));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(item);
    if (!trimmed.empty()) items.emplace_back(trimmed);
  }
  return items;
}

}  // namespace goalpost::cli

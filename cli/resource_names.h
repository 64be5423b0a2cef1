#ifndef GOALPOST_CLI_RESOURCE_NAMES_H_
#define GOALPOST_CLI_RESOURCE_NAMES_H_

#include <string>

#include "absl/status/statusor.h"

namespace goalpost::cli {

// "spam" becomes "projects/spam"; a full name is kept.
std::string ProjectName(const std::string& project);

// A child resource given either by its full name or by its last segment:
// ChildName("projects/p", "datasets", "d") is "projects/p/datasets/d", and
// "projects/p/datasets/d" stays as it is. A bare id without a project is
// INVALID_ARGUMENT naming `flag` and asking for --project.
absl::StatusOr<std::string> ChildName(const std::string& project, const std::string& collection,
                                      const std::string& id_or_name, const std::string& flag);

// The project part "projects/{p}" of any resource name, or "" when the name
// does not start with "projects/".
std::string ProjectOf(const std::string& name);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_RESOURCE_NAMES_H_

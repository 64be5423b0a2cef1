#include "cli/resource_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace goalpost::cli {

std::string ProjectName(const std::string& project) {
  if (absl::StartsWith(project, "projects/")) return project;
  return absl::StrCat("projects/", project);
}

absl::StatusOr<std::string> ChildName(const std::string& project, const std::string& collection,
                                      const std::string& id_or_name, const std::string& flag) {
  if (absl::StartsWith(id_or_name, "projects/")) return id_or_name;
  if (project.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " \"", id_or_name, "\" is not a full resource name (projects/P/", collection,
        "/ID); give the full name or add --project"));
  }
  return absl::StrCat(ProjectName(project), "/", collection, "/", id_or_name);
}

std::string ProjectOf(const std::string& name) {
  if (!absl::StartsWith(name, "projects/")) return "";
  size_t end = name.find('/', 9);
  return end == std::string::npos ? name : name.substr(0, end);
}

}  // namespace goalpost::cli

#include "services/orchestrator/resource_names.h"

#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"

namespace goalpost::orchestrator {
namespace {

// Splits `name` into segments and checks the fixed ones: `pattern` holds the
// literal segments and "*" where an id goes. Returns the ids in order.
absl::StatusOr<std::vector<std::string>> MatchPattern(absl::string_view name,
                                                      absl::string_view pattern,
                                                      absl::string_view field) {
  std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  std::vector<absl::string_view> expected = absl::StrSplit(pattern, '/');
  bool matches = segments.size() == expected.size();
  std::vector<std::string> ids;
  for (size_t i = 0; matches && i < segments.size(); ++i) {
    if (expected[i] == "*") {
      matches = !segments[i].empty();
      ids.emplace_back(segments[i]);
    } else {
      matches = segments[i] == expected[i];
    }
  }
  if (!matches) {
    std::string form = absl::StrReplaceAll(pattern, {{"*", "{id}"}});
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s \"%s\" is not a valid resource name; expected the form %s", field, name, form));
  }
  return ids;
}

absl::StatusOr<ChildName> ParseChild(absl::string_view name, absl::string_view pattern,
                                     absl::string_view field) {
  auto ids = MatchPattern(name, pattern, field);
  if (!ids.ok()) return ids.status();
  return ChildName{(*ids)[0], (*ids)[1]};
}

}  // namespace

absl::StatusOr<std::string> ParseProjectName(absl::string_view name, absl::string_view field) {
  auto ids = MatchPattern(name, "projects/*", field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<ChildName> ParseCommitName(absl::string_view name, absl::string_view field) {
  return ParseChild(name, "projects/*/commits/*", field);
}

absl::StatusOr<ChildName> ParseGoalName(absl::string_view name, absl::string_view field) {
  return ParseChild(name, "projects/*/goals/*", field);
}

absl::StatusOr<ChildName> ParseRunName(absl::string_view name, absl::string_view field) {
  return ParseChild(name, "projects/*/runs/*", field);
}

absl::StatusOr<ChildName> ParseDatasetName(absl::string_view name, absl::string_view field) {
  return ParseChild(name, "projects/*/datasets/*", field);
}

absl::StatusOr<ChildName> ParseModelName(absl::string_view name, absl::string_view field) {
  return ParseChild(name, "projects/*/models/*", field);
}

absl::StatusOr<ReportKey> ParseReportName(absl::string_view name, absl::string_view field) {
  auto ids = MatchPattern(name, "projects/*/commits/*/reports/*", field);
  if (!ids.ok()) return ids.status();
  return ReportKey{(*ids)[0], (*ids)[1], (*ids)[2]};
}

std::string ProjectName(absl::string_view project_id) {
  return absl::StrCat("projects/", project_id);
}

std::string CommitName(absl::string_view project_id, absl::string_view commit_id) {
  return absl::StrCat("projects/", project_id, "/commits/", commit_id);
}

std::string GoalName(absl::string_view project_id, absl::string_view goal_id) {
  return absl::StrCat("projects/", project_id, "/goals/", goal_id);
}

std::string RunName(absl::string_view project_id, absl::string_view run_id) {
  return absl::StrCat("projects/", project_id, "/runs/", run_id);
}

std::string ReportName(absl::string_view project_id, absl::string_view commit_id,
                       absl::string_view goal_id) {
  return absl::StrCat("projects/", project_id, "/commits/", commit_id, "/reports/", goal_id);
}

absl::Status ValidateProjectId(absl::string_view project_id) {
  bool valid = !project_id.empty() && project_id.size() <= 63 && project_id[0] >= 'a' &&
               project_id[0] <= 'z';
  for (char c : project_id) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "project_id \"%s\" is invalid; use lower-case letters, digits and '-', starting with "
      "a letter, at most 63 characters",
      project_id));
}

std::string NewResourceId() {
  static absl::BitGen* generator = new absl::BitGen();
  static absl::Mutex* mutex = new absl::Mutex();
  absl::MutexLock lock(mutex);
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(*generator));
}

}  // namespace goalpost::orchestrator

#ifndef GOALPOST_SERVICES_ORCHESTRATOR_RESOURCE_NAMES_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_RESOURCE_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace goalpost::orchestrator {

// Ids of a resource below a project, parsed from its resource name.
struct ChildName {
  std::string project_id;
  std::string child_id;
};

// A goal report's name, "projects/{p}/commits/{c}/reports/{g}".
struct ReportKey {
  std::string project_id;
  std::string commit_id;
  std::string goal_id;
};

// Each parser returns INVALID_ARGUMENT naming `field` and the expected form
// when `name` does not have the shape of that resource.
absl::StatusOr<std::string> ParseProjectName(absl::string_view name, absl::string_view field);
absl::StatusOr<ChildName> ParseCommitName(absl::string_view name, absl::string_view field);
absl::StatusOr<ChildName> ParseGoalName(absl::string_view name, absl::string_view field);
absl::StatusOr<ChildName> ParseRunName(absl::string_view name, absl::string_view field);
absl::StatusOr<ReportKey> ParseReportName(absl::string_view name, absl::string_view field);
// "projects/{p}/datasets/{d}" or "projects/{p}/models/{m}".
absl::StatusOr<ChildName> ParseDatasetName(absl::string_view name, absl::string_view field);
absl::StatusOr<ChildName> ParseModelName(absl::string_view name, absl::string_view field);

std::string ProjectName(absl::string_view project_id);
std::string CommitName(absl::string_view project_id, absl::string_view commit_id);
std::string GoalName(absl::string_view project_id, absl::string_view goal_id);
std::string RunName(absl::string_view project_id, absl::string_view run_id);
std::string ReportName(absl::string_view project_id, absl::string_view commit_id,
                       absl::string_view goal_id);

// Returns OK when `project_id` is lower-case letters, digits and '-',
// starts with a letter and has at most 63 characters.
absl::Status ValidateProjectId(absl::string_view project_id);

// A fresh random id for a commit, goal or run: 16 lower-case hex digits.
std::string NewResourceId();

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_RESOURCE_NAMES_H_

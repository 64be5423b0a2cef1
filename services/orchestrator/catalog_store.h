#ifndef GOALPOST_SERVICES_ORCHESTRATOR_CATALOG_STORE_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_CATALOG_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

namespace goalpost::orchestrator {

// Projects, commits and goals. Creating a commit or a goal also queues its
// evaluation run in the same transaction, so no commit or goal is ever left
// without one.
class CatalogStore {
 public:
  explicit CatalogStore(ConnectionPool& pool) : pool_(pool) {}

  // ALREADY_EXISTS when the project id is taken.
  absl::Status CreateProject(const std::string& project_id, const v1::Project& project);
  absl::StatusOr<v1::Project> GetProject(const std::string& project_id);
  absl::StatusOr<std::vector<v1::Project>> ListProjects(int64_t offset, int limit);

  // Stores `commit` (its run field set to `run_id`) and queues run `run_id`
  // over every goal of the project that is not archived.
  absl::StatusOr<v1::Commit> CreateCommit(const std::string& project_id,
                                          const std::string& commit_id, v1::Commit commit,
                                          const std::string& run_id);
  absl::StatusOr<v1::Commit> GetCommit(const std::string& project_id,
                                       const std::string& commit_id);
  // Newest first.
  absl::StatusOr<std::vector<v1::Commit>> ListCommits(const std::string& project_id,
                                                      int64_t offset, int limit);

  // Stores `goal` and, when the project has a commit, queues run `run_id`
  // of this goal on the latest commit. Returns the run's id, or "" when the
  // project has no commit.
  absl::StatusOr<std::string> CreateGoal(const std::string& project_id,
                                         const std::string& goal_id, const v1::Goal& goal,
                                         const std::string& run_id);
  absl::StatusOr<v1::Goal> GetGoal(const std::string& project_id, const std::string& goal_id);
  // Oldest first.
  absl::StatusOr<std::vector<v1::Goal>> ListGoals(const std::string& project_id, int64_t offset,
                                                  int limit, bool include_archived);
  // Marks the goal archived; archiving twice is not an error.
  absl::Status ArchiveGoal(const std::string& project_id, const std::string& goal_id);

 private:
  ConnectionPool& pool_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_CATALOG_STORE_H_

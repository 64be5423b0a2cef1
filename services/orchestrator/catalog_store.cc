#include "services/orchestrator/catalog_store.h"

#include "absl/strings/str_cat.h"
#include "services/orchestrator/resource_names.h"
#include "services/orchestrator/run_queue.h"
#include "services/orchestrator/storage_util.h"

namespace goalpost::orchestrator {
namespace {

// Locks the project row, so that a commit and a goal created at the same
// moment see each other: the goal's run finds the commit, or the commit's
// run includes the goal.
absl::Status LockProject(pqxx::work& work, const std::string& project_id) {
  pqxx::result rows = work.exec_params(
      "SELECT 1 FROM orchestrator.projects WHERE project_id = $1 FOR UPDATE", project_id);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("project ", ProjectName(project_id), " not found"));
  }
  return absl::OkStatus();
}

template <typename Message>
absl::StatusOr<std::vector<Message>> ParseBodies(const pqxx::result& rows) {
  std::vector<Message> messages;
  for (const auto& row : rows) {
    Message message;
    absl::Status parsed = FromBytea(row[0], &message);
    if (!parsed.ok()) return parsed;
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace

absl::Status CatalogStore::CreateProject(const std::string& project_id,
                                         const v1::Project& project) {
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    work.exec_params(
        "INSERT INTO orchestrator.projects (project_id, body) VALUES ($1, $2)", project_id,
        ToBytea(project));
    return absl::OkStatus();
  });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat("project ", ProjectName(project_id), " already exists; choose another id"));
  }
  return status;
}

absl::StatusOr<v1::Project> CatalogStore::GetProject(const std::string& project_id) {
  v1::Project project;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result rows = work.exec_params(
        "SELECT body FROM orchestrator.projects WHERE project_id = $1", project_id);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("project ", ProjectName(project_id), " not found"));
    }
    return FromBytea(rows[0][0], &project);
  });
  if (!status.ok()) return status;
  return project;
}

absl::StatusOr<std::vector<v1::Project>> CatalogStore::ListProjects(int64_t offset, int limit) {
  absl::StatusOr<std::vector<v1::Project>> projects;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    projects = ParseBodies<v1::Project>(work.exec_params(
        "SELECT body FROM orchestrator.projects ORDER BY sequence LIMIT $1 OFFSET $2", limit,
        offset));
    return projects.status();
  });
  if (!status.ok()) return status;
  return projects;
}

absl::StatusOr<v1::Commit> CatalogStore::CreateCommit(const std::string& project_id,
                                                      const std::string& commit_id,
                                                      v1::Commit commit,
                                                      const std::string& run_id) {
  commit.set_run(RunName(project_id, run_id));
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    absl::Status locked = LockProject(work, project_id);
    if (!locked.ok()) return locked;

    work.exec_params(
        "INSERT INTO orchestrator.commits (project_id, commit_id, body) VALUES ($1, $2, $3)",
        project_id, commit_id, ToBytea(commit));
    pqxx::result goals = work.exec_params(
        "SELECT goal_id FROM orchestrator.goals WHERE project_id = $1 AND NOT archived "
        "ORDER BY sequence",
        project_id);
    std::vector<std::string> goal_ids;
    for (const auto& row : goals) goal_ids.push_back(row[0].as<std::string>());
    InsertQueuedRun(work, project_id, run_id, commit_id, goal_ids);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return commit;
}

absl::StatusOr<v1::Commit> CatalogStore::GetCommit(const std::string& project_id,
                                                   const std::string& commit_id) {
  v1::Commit commit;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result rows = work.exec_params(
        "SELECT body FROM orchestrator.commits WHERE project_id = $1 AND commit_id = $2",
        project_id, commit_id);
    if (rows.empty()) {
      return absl::NotFoundError(
          absl::StrCat("commit ", CommitName(project_id, commit_id), " not found"));
    }
    return FromBytea(rows[0][0], &commit);
  });
  if (!status.ok()) return status;
  return commit;
}

absl::StatusOr<std::vector<v1::Commit>> CatalogStore::ListCommits(const std::string& project_id,
                                                                  int64_t offset, int limit) {
  absl::StatusOr<std::vector<v1::Commit>> commits;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    commits = ParseBodies<v1::Commit>(work.exec_params(
        "SELECT body FROM orchestrator.commits WHERE project_id = $1 "
        "ORDER BY sequence DESC LIMIT $2 OFFSET $3",
        project_id, limit, offset));
    return commits.status();
  });
  if (!status.ok()) return status;
  return commits;
}

absl::StatusOr<std::string> CatalogStore::CreateGoal(const std::string& project_id,
                                                     const std::string& goal_id,
                                                     const v1::Goal& goal,
                                                     const std::string& run_id) {
  std::string queued_run;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    queued_run.clear();
    absl::Status locked = LockProject(work, project_id);
    if (!locked.ok()) return locked;

    work.exec_params(
        "INSERT INTO orchestrator.goals (project_id, goal_id, body) VALUES ($1, $2, $3)",
        project_id, goal_id, ToBytea(goal));
    pqxx::result latest = work.exec_params(
        "SELECT commit_id FROM orchestrator.commits WHERE project_id = $1 "
        "ORDER BY sequence DESC LIMIT 1",
        project_id);
    if (latest.empty()) return absl::OkStatus();
    InsertQueuedRun(work, project_id, run_id, latest[0][0].as<std::string>(), {goal_id});
    queued_run = run_id;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return queued_run;
}

absl::StatusOr<v1::Goal> CatalogStore::GetGoal(const std::string& project_id,
                                               const std::string& goal_id) {
  v1::Goal goal;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result rows = work.exec_params(
        "SELECT body, archived FROM orchestrator.goals WHERE project_id = $1 AND goal_id = $2",
        project_id, goal_id);
    if (rows.empty()) {
      return absl::NotFoundError(
          absl::StrCat("goal ", GoalName(project_id, goal_id), " not found"));
    }
    absl::Status parsed = FromBytea(rows[0][0], &goal);
    goal.set_archived(rows[0][1].as<bool>());
    return parsed;
  });
  if (!status.ok()) return status;
  return goal;
}

absl::StatusOr<std::vector<v1::Goal>> CatalogStore::ListGoals(const std::string& project_id,
                                                              int64_t offset, int limit,
                                                              bool include_archived) {
  std::vector<v1::Goal> goals;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    goals.clear();
    pqxx::result rows = work.exec_params(
        "SELECT body, archived FROM orchestrator.goals WHERE project_id = $1 "
        "AND ($2 OR NOT archived) ORDER BY sequence LIMIT $3 OFFSET $4",
        project_id, include_archived, limit, offset);
    for (const auto& row : rows) {
      v1::Goal goal;
      absl::Status parsed = FromBytea(row[0], &goal);
      if (!parsed.ok()) return parsed;
      goal.set_archived(row[1].as<bool>());
      goals.push_back(std::move(goal));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return goals;
}

absl::Status CatalogStore::ArchiveGoal(const std::string& project_id, const std::string& goal_id) {
  return pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result updated = work.exec_params(
        "UPDATE orchestrator.goals SET archived = true WHERE project_id = $1 AND goal_id = $2",
        project_id, goal_id);
    if (updated.affected_rows() == 0) {
      return absl::NotFoundError(
          absl::StrCat("goal ", GoalName(project_id, goal_id), " not found"));
    }
    return absl::OkStatus();
  });
}

}  // namespace goalpost::orchestrator

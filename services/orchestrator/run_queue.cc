#include "services/orchestrator/run_queue.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/orchestrator/resource_names.h"
#include "services/orchestrator/storage_util.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {
namespace {

const std::string& RunColumns() {
  static const std::string* columns = new std::string(absl::StrCat(
      "project_id, run_id, commit_id, goal_ids, state, attempts, error, ",
      MicrosSql("create_time"), ", ", MicrosSql("start_time"), ", ", MicrosSql("end_time")));
  return *columns;
}

v1::RunState StateFromText(const std::string& state) {
  if (state == "queued") return v1::RUN_STATE_QUEUED;
  if (state == "running") return v1::RUN_STATE_RUNNING;
  if (state == "succeeded") return v1::RUN_STATE_SUCCEEDED;
  if (state == "failed") return v1::RUN_STATE_FAILED;
  return v1::RUN_STATE_UNSPECIFIED;
}

RunRecord RunFromRow(const pqxx::row& row) {
  RunRecord run;
  run.project_id = row[0].as<std::string>();
  run.run_id = row[1].as<std::string>();
  run.commit_id = row[2].as<std::string>();
  run.goal_ids = SplitIds(row[3].as<std::string>());
  run.state = StateFromText(row[4].as<std::string>());
  run.attempts = row[5].as<int>();
  run.error = row[6].as<std::string>();
  run.create_time = TimestampFromMicrosField(row[7]);
  run.start_time = TimestampFromMicrosField(row[8]);
  run.end_time = TimestampFromMicrosField(row[9]);
  return run;
}

void InsertEvent(pqxx::work& work, const std::string& project_id, const std::string& run_id,
                 const std::string& message) {
  work.exec_params(
      "INSERT INTO orchestrator.run_events (project_id, run_id, message) VALUES ($1, $2, $3)",
      project_id, run_id, message);
}

bool IsPermanent(const absl::Status& error) {
  return error.code() == absl::StatusCode::kInvalidArgument ||
         error.code() == absl::StatusCode::kNotFound ||
         error.code() == absl::StatusCode::kFailedPrecondition;
}

// Fails a run whose lease expired on its last allowed attempt.
void FailExhaustedRun(pqxx::work& work, const pqxx::row& candidate, int max_attempts) {
  std::string project_id = candidate[0].as<std::string>();
  std::string run_id = candidate[1].as<std::string>();
  std::string error = absl::StrFormat(
      "the run did not finish in %d attempts (the worker's lease expired each time)%s",
      max_attempts,
      candidate[3].as<std::string>().empty() ? ""
                                             : "; last error: " + candidate[3].as<std::string>());
  work.exec_params(
      "UPDATE orchestrator.runs SET state = 'failed', error = $3, end_time = now(), "
      "lease_owner = NULL, lease_expires = NULL WHERE project_id = $1 AND run_id = $2",
      project_id, run_id, error);
  InsertEvent(work, project_id, run_id, absl::StrCat("failed: ", error));
  spdlog::warn("run {} failed: {}", RunName(project_id, run_id), error);
}

}  // namespace

v1::Run RunToProto(const RunRecord& run) {
  v1::Run proto;
  proto.set_name(RunName(run.project_id, run.run_id));
  proto.set_commit(CommitName(run.project_id, run.commit_id));
  for (const std::string& goal_id : run.goal_ids) {
    proto.add_goals(GoalName(run.project_id, goal_id));
  }
  proto.set_state(run.state);
  proto.set_attempts(run.attempts);
  proto.set_error(run.error);
  *proto.mutable_create_time() = run.create_time;
  *proto.mutable_start_time() = run.start_time;
  *proto.mutable_end_time() = run.end_time;
  return proto;
}

void InsertQueuedRun(pqxx::work& work, const std::string& project_id, const std::string& run_id,
                     const std::string& commit_id, const std::vector<std::string>& goal_ids) {
  work.exec_params(
      "INSERT INTO orchestrator.runs (project_id, run_id, commit_id, goal_ids, state) "
      "VALUES ($1, $2, $3, $4, 'queued')",
      project_id, run_id, commit_id, JoinIds(goal_ids));
  InsertEvent(work, project_id, run_id,
              absl::StrFormat("queued with %d goals", static_cast<int>(goal_ids.size())));
}

absl::StatusOr<std::optional<RunClaim>> RunQueue::ClaimNext(const std::string& worker_id) {
  std::optional<RunClaim> claim;
  const double lease_seconds = absl::ToDoubleSeconds(options_.lease);
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    claim.reset();
    while (true) {
      pqxx::result candidates = work.exec_params(
          "SELECT project_id, run_id, attempts, error FROM orchestrator.runs "
          "WHERE state = 'queued' OR (state = 'running' AND lease_expires <= now()) "
          "ORDER BY sequence LIMIT 1 FOR UPDATE SKIP LOCKED");
      if (candidates.empty()) return absl::OkStatus();
      const pqxx::row candidate = candidates[0];
      if (candidate[2].as<int>() >= options_.max_attempts) {
        FailExhaustedRun(work, candidate, options_.max_attempts);
        continue;
      }

      std::string token = absl::StrCat(worker_id, "/", NewResourceId());
      pqxx::result claimed = work.exec_params(
          "UPDATE orchestrator.runs SET state = 'running', attempts = attempts + 1, "
          "lease_owner = $3, lease_expires = now() + make_interval(secs => $4), "
          "start_time = coalesce(start_time, now()) "
          "WHERE project_id = $1 AND run_id = $2 RETURNING " + RunColumns(),
          candidate[0].as<std::string>(), candidate[1].as<std::string>(), token, lease_seconds);
      claim = RunClaim{RunFromRow(claimed[0]), token};
      InsertEvent(work, claim->run.project_id, claim->run.run_id,
                  absl::StrFormat("claimed by worker %s (attempt %d)", worker_id,
                                  claim->run.attempts));
      return absl::OkStatus();
    }
  });
  if (!status.ok()) return status;
  return claim;
}

absl::Status RunQueue::LockHeldRun(pqxx::work& work, const RunClaim& claim) {
  pqxx::result rows = work.exec_params(
      "SELECT state, coalesce(lease_owner, '') FROM orchestrator.runs "
      "WHERE project_id = $1 AND run_id = $2 FOR UPDATE",
      claim.run.project_id, claim.run.run_id);
  if (rows.empty()) {
    return absl::NotFoundError(
        absl::StrCat("run ", RunName(claim.run.project_id, claim.run.run_id), " not found"));
  }
  std::string state = rows[0][0].as<std::string>();
  if (state != "running" || rows[0][1].as<std::string>() != claim.lease_token) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "run %s is no longer held by this worker (state %s); another worker took it after the "
        "lease expired, or it finished",
        RunName(claim.run.project_id, claim.run.run_id), state));
  }
  return absl::OkStatus();
}

absl::Status RunQueue::RenewLease(const RunClaim& claim) {
  const double lease_seconds = absl::ToDoubleSeconds(options_.lease);
  return pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result renewed = work.exec_params(
        "UPDATE orchestrator.runs SET lease_expires = now() + make_interval(secs => $4) "
        "WHERE project_id = $1 AND run_id = $2 AND state = 'running' AND lease_owner = $3",
        claim.run.project_id, claim.run.run_id, claim.lease_token, lease_seconds);
    if (renewed.affected_rows() == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("lease on run ", RunName(claim.run.project_id, claim.run.run_id),
                       " was lost"));
    }
    return absl::OkStatus();
  });
}

absl::Status RunQueue::Complete(const RunClaim& claim, const RunResult& result) {
  return pool_.RunTransaction([&](pqxx::work& work) {
    absl::Status held = LockHeldRun(work, claim);
    if (!held.ok()) return held;

    absl::Status written = ReportStore::WriteRunResult(work, claim.run.project_id,
                                                       claim.run.commit_id, claim.run.run_id,
                                                       result);
    if (!written.ok()) return written;

    work.exec_params(
        "UPDATE orchestrator.runs SET state = 'succeeded', error = '', end_time = now(), "
        "lease_owner = NULL, lease_expires = NULL WHERE project_id = $1 AND run_id = $2",
        claim.run.project_id, claim.run.run_id);
    InsertEvent(work, claim.run.project_id, claim.run.run_id,
                absl::StrFormat("succeeded with %d goal reports",
                                static_cast<int>(result.reports.size())));
    return absl::OkStatus();
  });
}

absl::Status RunQueue::Abandon(const RunClaim& claim, const absl::Status& error) {
  bool final_attempt = IsPermanent(error) || claim.run.attempts >= options_.max_attempts;
  std::string message = absl::StrFormat("attempt %d failed: %s", claim.run.attempts,
                                        error.ToString());
  return pool_.RunTransaction([&](pqxx::work& work) {
    absl::Status held = LockHeldRun(work, claim);
    if (!held.ok()) return held;

    if (final_attempt) {
      work.exec_params(
          "UPDATE orchestrator.runs SET state = 'failed', error = $3, end_time = now(), "
          "lease_owner = NULL, lease_expires = NULL WHERE project_id = $1 AND run_id = $2",
          claim.run.project_id, claim.run.run_id, message);
      InsertEvent(work, claim.run.project_id, claim.run.run_id, "failed: " + message);
    } else {
      work.exec_params(
          "UPDATE orchestrator.runs SET state = 'queued', error = $3, lease_owner = NULL, "
          "lease_expires = NULL WHERE project_id = $1 AND run_id = $2",
          claim.run.project_id, claim.run.run_id, message);
      InsertEvent(work, claim.run.project_id, claim.run.run_id, message + "; queued again");
    }
    return absl::OkStatus();
  });
}

absl::Status RunQueue::Release(const RunClaim& claim) {
  return pool_.RunTransaction([&](pqxx::work& work) {
    absl::Status held = LockHeldRun(work, claim);
    if (!held.ok()) return held;
    work.exec_params(
        "UPDATE orchestrator.runs SET state = 'queued', lease_owner = NULL, "
        "lease_expires = NULL WHERE project_id = $1 AND run_id = $2",
        claim.run.project_id, claim.run.run_id);
    InsertEvent(work, claim.run.project_id, claim.run.run_id,
                "released by a worker that is shutting down; queued again");
    return absl::OkStatus();
  });
}

absl::Status RunQueue::AddEvent(const std::string& project_id, const std::string& run_id,
                                const std::string& message) {
  return pool_.RunTransaction([&](pqxx::work& work) {
    InsertEvent(work, project_id, run_id, message);
    return absl::OkStatus();
  });
}

absl::StatusOr<RunRecord> RunQueue::GetRun(const std::string& project_id,
                                           const std::string& run_id) {
  RunRecord run;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    pqxx::result rows = work.exec_params(
        "SELECT " + RunColumns() +
            " FROM orchestrator.runs WHERE project_id = $1 AND run_id = $2",
        project_id, run_id);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("run ", RunName(project_id, run_id), " not found"));
    }
    run = RunFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return run;
}

absl::StatusOr<std::vector<RunRecord>> RunQueue::ListRuns(const std::string& project_id,
                                                          int64_t offset, int limit) {
  std::vector<RunRecord> runs;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    runs.clear();
    pqxx::result rows = work.exec_params(
        "SELECT " + RunColumns() +
            " FROM orchestrator.runs WHERE project_id = $1 ORDER BY sequence DESC "
            "LIMIT $2 OFFSET $3",
        project_id, limit, offset);
    for (const auto& row : rows) runs.push_back(RunFromRow(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return runs;
}

absl::StatusOr<std::vector<RunEvent>> RunQueue::ListEvents(const std::string& project_id,
                                                           const std::string& run_id,
                                                           int64_t after_event_id) {
  std::vector<RunEvent> events;
  absl::Status status = pool_.RunTransaction([&](pqxx::work& work) {
    events.clear();
    pqxx::result rows = work.exec_params(
        "SELECT event_id, message, " + MicrosSql("event_time") +
            " FROM orchestrator.run_events WHERE project_id = $1 AND run_id = $2 "
            "AND event_id > $3 ORDER BY event_id",
        project_id, run_id, after_event_id);
    for (const auto& row : rows) {
      events.push_back(RunEvent{row[0].as<int64_t>(), row[1].as<std::string>(),
                                TimestampFromMicrosField(row[2])});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace goalpost::orchestrator

#ifndef GOALPOST_SERVICES_ORCHESTRATOR_RUN_QUEUE_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_RUN_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/postgres.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"
#include "services/orchestrator/report_store.h"

namespace goalpost::orchestrator {

// One row of the run queue.
struct RunRecord {
  std::string project_id;
  std::string run_id;
  std::string commit_id;
  std::vector<std::string> goal_ids;
  v1::RunState state = v1::RUN_STATE_QUEUED;
  int attempts = 0;
  std::string error;
  google::protobuf::Timestamp create_time;
  google::protobuf::Timestamp start_time;
  google::protobuf::Timestamp end_time;
};

v1::Run RunToProto(const RunRecord& run);

// A run held by one worker. The lease token is unique to this claim.
struct RunClaim {
  RunRecord run;
  std::string lease_token;
};

struct RunEvent {
  int64_t event_id = 0;
  std::string message;
  google::protobuf::Timestamp event_time;
};

struct RunQueueOptions {
  // How long a claim stays valid without renewal; a run whose lease expires
  // is claimed again.
  absl::Duration lease = absl::Seconds(30);
  // Claims after which a run that has not finished fails; at least 1.
  int max_attempts = 5;
};

// Inserts a queued run and its first event inside the caller's transaction.
void InsertQueuedRun(pqxx::work& work, const std::string& project_id, const std::string& run_id,
                     const std::string& commit_id, const std::vector<std::string>& goal_ids);

// The PostgreSQL run queue shared by every worker of every orchestrator
// replica. Workers claim with FOR UPDATE SKIP LOCKED, so two never take the
// same run at once, and a claim holds a lease that the worker renews.
class RunQueue {
 public:
  RunQueue(ConnectionPool& pool, RunQueueOptions options) : pool_(pool), options_(options) {}

  // Claims the oldest queued run, or the oldest running run whose lease has
  // expired, and counts the attempt. A run whose lease expired after
  // max_attempts claims fails instead, with the reason. nullopt when there
  // is nothing to claim.
  absl::StatusOr<std::optional<RunClaim>> ClaimNext(const std::string& worker_id);

  // Extends the lease by the lease duration from now. FAILED_PRECONDITION
  // when the claim no longer holds the run.
  absl::Status RenewLease(const RunClaim& claim);

  // Writes the result (every goal report and the commit evaluation) and
  // marks the run succeeded, in one transaction. FAILED_PRECONDITION, and
  // nothing written, when the claim no longer holds the run: its lease
  // expired and another worker claimed it, or it already finished.
  absl::Status Complete(const RunClaim& claim, const RunResult& result);

  // Records a failed attempt. A retryable error (anything but
  // INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION) queues the run again
  // until max_attempts claims; otherwise the run fails with the error.
  absl::Status Abandon(const RunClaim& claim, const absl::Status& error);

  // Gives the run back to the queue, for a worker that is shutting down.
  // The claim still counts as an attempt.
  absl::Status Release(const RunClaim& claim);

  absl::Status AddEvent(const std::string& project_id, const std::string& run_id,
                        const std::string& message);

  absl::StatusOr<RunRecord> GetRun(const std::string& project_id, const std::string& run_id);
  // Newest first.
  absl::StatusOr<std::vector<RunRecord>> ListRuns(const std::string& project_id, int64_t offset,
                                                  int limit);
  // Events of a run with an id above `after_event_id`, oldest first.
  absl::StatusOr<std::vector<RunEvent>> ListEvents(const std::string& project_id,
                                                   const std::string& run_id,
                                                   int64_t after_event_id);

  const RunQueueOptions& options() const { return options_; }

 private:
  // Locks the run row and checks that `claim` still holds it.
  absl::Status LockHeldRun(pqxx::work& work, const RunClaim& claim);

  ConnectionPool& pool_;
  RunQueueOptions options_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_RUN_QUEUE_H_

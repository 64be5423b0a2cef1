// The run queue against a real PostgreSQL: claims, lease expiry, attempts
// and the exactly-once writing of a run's reports.
#include "services/orchestrator/run_queue.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/migrations.h"
#include "common/testing/postgres_server.h"
#include "orchestrator_migrations.h"
#include "services/orchestrator/catalog_store.h"
#include "services/orchestrator/resource_names.h"

namespace goalpost::orchestrator {
namespace {

using ::testing::HasSubstr;

class RunQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int database_number = 0;
    auto url = testing::SharedPostgresServer().CreateDatabase(
        "run_queue_" + std::to_string(++database_number));
    ASSERT_TRUE(url.ok()) << url.status();
    auto pool = ConnectionPool::Create(*url, 6);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_TRUE(ApplyMigrations(*pool_, "orchestrator", orchestratorMigrations()).ok());
    catalog_ = std::make_unique<CatalogStore>(*pool_);

    v1::Project project;
    project.set_name("projects/spam");
    project.add_class_names("ham");
    project.add_class_names("spam");
    ASSERT_TRUE(catalog_->CreateProject("spam", project).ok());
  }

  std::string CreateGoal() {
    std::string goal_id = NewResourceId();
    v1::Goal goal;
    goal.set_name(GoalName("spam", goal_id));
    auto run = catalog_->CreateGoal("spam", goal_id, goal, NewResourceId());
    EXPECT_TRUE(run.ok()) << run.status();
    return goal_id;
  }

  // Creates a commit, which queues one run; returns the run id.
  std::string CreateCommit() {
    std::string commit_id = NewResourceId();
    std::string run_id = NewResourceId();
    v1::Commit commit;
    commit.set_name(CommitName("spam", commit_id));
    auto created = catalog_->CreateCommit("spam", commit_id, commit, run_id);
    EXPECT_TRUE(created.ok()) << created.status();
    return run_id;
  }

  RunResult ResultFor(const RunClaim& claim, const std::string& marker) {
    RunResult result;
    for (const std::string& goal_id : claim.run.goal_ids) {
      v1::GoalReport report;
      report.set_name(ReportName("spam", claim.run.commit_id, goal_id));
      report.set_goal(GoalName("spam", goal_id));
      report.set_error(marker);
      result.reports.push_back(report);
    }
    return result;
  }

  int64_t CountReports() {
    int64_t count = -1;
    EXPECT_TRUE(pool_->RunTransaction([&](pqxx::work& work) {
                       count = work.exec("SELECT count(*) FROM orchestrator.goal_reports")[0][0]
                                   .as<int64_t>();
                       return absl::OkStatus();
                     }).ok());
    return count;
  }

  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<CatalogStore> catalog_;
};

RunQueueOptions LeaseOf(absl::Duration lease, int max_attempts = 5) {
  RunQueueOptions options;
  options.lease = lease;
  options.max_attempts = max_attempts;
  return options;
}

TEST_F(RunQueueTest, CommitQueuesRunOverActiveGoals) {
  std::string goal_id = CreateGoal();
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(30)));
  auto run = queue.GetRun("spam", run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state, v1::RUN_STATE_QUEUED);
  EXPECT_EQ(run->goal_ids, std::vector<std::string>{goal_id});
}

TEST_F(RunQueueTest, GoalQueuesRunOnLatestCommit) {
  CreateCommit();
  std::string commit_run = CreateCommit();
  std::string goal_id = NewResourceId();
  v1::Goal goal;
  goal.set_name(GoalName("spam", goal_id));
  auto run_id = catalog_->CreateGoal("spam", goal_id, goal, NewResourceId());
  ASSERT_TRUE(run_id.ok()) << run_id.status();
  ASSERT_FALSE(run_id->empty());

  RunQueue queue(*pool_, LeaseOf(absl::Seconds(30)));
  auto goal_run = queue.GetRun("spam", *run_id);
  auto latest_commit_run = queue.GetRun("spam", commit_run);
  ASSERT_TRUE(goal_run.ok()) << goal_run.status();
  ASSERT_TRUE(latest_commit_run.ok()) << latest_commit_run.status();
  EXPECT_EQ(goal_run->commit_id, latest_commit_run->commit_id);
  EXPECT_EQ(goal_run->goal_ids, std::vector<std::string>{goal_id});
}

TEST_F(RunQueueTest, ClaimedRunIsNotClaimedAgainWhileLeased) {
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60)));
  auto first = queue.ClaimNext("worker-a");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->run.run_id, run_id);
  EXPECT_EQ((*first)->run.state, v1::RUN_STATE_RUNNING);
  EXPECT_EQ((*first)->run.attempts, 1);

  auto second = queue.ClaimNext("worker-b");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->has_value());
}

TEST_F(RunQueueTest, ConcurrentClaimsTakeEachRunOnce) {
  for (int i = 0; i < 6; ++i) CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60)));
  std::atomic<int> claimed{0};
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::set<std::string> run_ids;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        auto claim = queue.ClaimNext("worker-" + std::to_string(w));
        if (!claim.ok() || !claim->has_value()) return;
        ++claimed;
        std::lock_guard<std::mutex> lock(mutex);
        run_ids.insert((*claim)->run.run_id);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(claimed.load(), 6);
  EXPECT_EQ(run_ids.size(), 6u);
}

TEST_F(RunQueueTest, ExpiredLeaseIsClaimedAgain) {
  std::string run_id = CreateCommit();
  // A zero lease has expired by the next transaction.
  RunQueue queue(*pool_, LeaseOf(absl::ZeroDuration()));
  auto first = queue.ClaimNext("worker-a");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  auto second = queue.ClaimNext("worker-b");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->run.run_id, run_id);
  EXPECT_EQ((*second)->run.attempts, 2);
  EXPECT_NE((*second)->lease_token, (*first)->lease_token);

  // The first worker's lease is gone: it can neither renew nor finish.
  EXPECT_EQ(queue.RenewLease(**first).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(queue.Abandon(**first, absl::UnavailableError("down")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RunQueueTest, RenewedLeaseKeepsTheRun) {
  CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60)));
  auto claim = queue.ClaimNext("worker-a");
  ASSERT_TRUE(claim.ok()) << claim.status();
  ASSERT_TRUE(claim->has_value());
  EXPECT_TRUE(queue.RenewLease(**claim).ok());
}

TEST_F(RunQueueTest, RacingWorkersWriteReportsOnce) {
  CreateGoal();
  CreateGoal();
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::ZeroDuration()));
  auto stale = queue.ClaimNext("worker-a");
  auto fresh = queue.ClaimNext("worker-b");
  ASSERT_TRUE(stale.ok()) << stale.status();
  ASSERT_TRUE(stale->has_value());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ASSERT_TRUE(fresh->has_value());

  // Both workers finish at the same moment; only the current claim writes.
  absl::Status stale_done, fresh_done;
  std::thread a([&] { stale_done = queue.Complete(**stale, ResultFor(**stale, "stale")); });
  std::thread b([&] { fresh_done = queue.Complete(**fresh, ResultFor(**fresh, "fresh")); });
  a.join();
  b.join();
  EXPECT_EQ(stale_done.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stale_done.message(), HasSubstr("no longer held"));
  EXPECT_TRUE(fresh_done.ok()) << fresh_done;
  EXPECT_EQ(CountReports(), 2);

  ReportStore reports(*pool_);
  auto report = reports.GetReport("spam", (*fresh)->run.commit_id, (*fresh)->run.goal_ids[0]);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->error(), "fresh");

  // A finished run cannot be completed again, not even by its holder.
  EXPECT_EQ(queue.Complete(**fresh, ResultFor(**fresh, "again")).code(),
            absl::StatusCode::kFailedPrecondition);
  auto run = queue.GetRun("spam", run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, v1::RUN_STATE_SUCCEEDED);
  EXPECT_EQ(run->attempts, 2);
}

TEST_F(RunQueueTest, RunFailsAfterMaxAttempts) {
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::ZeroDuration(), /*max_attempts=*/2));
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto claim = queue.ClaimNext("worker");
    ASSERT_TRUE(claim.ok()) << claim.status();
    ASSERT_TRUE(claim->has_value()) << "attempt " << attempt;
    EXPECT_EQ((*claim)->run.attempts, attempt);
  }
  // The second lease expired too: the run fails instead of a third claim.
  auto third = queue.ClaimNext("worker");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_FALSE(third->has_value());

  auto run = queue.GetRun("spam", run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, v1::RUN_STATE_FAILED);
  EXPECT_EQ(run->attempts, 2);
  EXPECT_THAT(run->error, HasSubstr("did not finish in 2 attempts"));
}

TEST_F(RunQueueTest, RetryableErrorQueuesAgainUntilMaxAttempts) {
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60), /*max_attempts=*/2));
  auto first = queue.ClaimNext("worker");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE(queue.Abandon(**first, absl::UnavailableError("metrics service down")).ok());
  auto queued = queue.GetRun("spam", run_id);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(queued->state, v1::RUN_STATE_QUEUED);
  EXPECT_THAT(queued->error, HasSubstr("metrics service down"));

  auto second = queue.ClaimNext("worker");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(second->has_value());
  ASSERT_TRUE(queue.Abandon(**second, absl::UnavailableError("still down")).ok());
  auto failed = queue.GetRun("spam", run_id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state, v1::RUN_STATE_FAILED);
  EXPECT_THAT(failed->error, HasSubstr("attempt 2 failed"));
}

TEST_F(RunQueueTest, PermanentErrorFailsAtOnce) {
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60)));
  auto claim = queue.ClaimNext("worker");
  ASSERT_TRUE(claim.ok()) << claim.status();
  ASSERT_TRUE(claim->has_value());
  ASSERT_TRUE(queue.Abandon(**claim, absl::NotFoundError("dataset gone")).ok());
  auto run = queue.GetRun("spam", run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, v1::RUN_STATE_FAILED);
  EXPECT_THAT(run->error, HasSubstr("dataset gone"));
}

TEST_F(RunQueueTest, ReleasedRunIsQueuedAgain) {
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60)));
  auto claim = queue.ClaimNext("worker");
  ASSERT_TRUE(claim.ok()) << claim.status();
  ASSERT_TRUE(claim->has_value());
  ASSERT_TRUE(queue.Release(**claim).ok());
  auto again = queue.ClaimNext("other-worker");
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->run.run_id, run_id);
}

TEST_F(RunQueueTest, EventsArriveInOrder) {
  std::string run_id = CreateCommit();
  RunQueue queue(*pool_, LeaseOf(absl::Seconds(60)));
  ASSERT_TRUE(queue.ClaimNext("worker-a").ok());
  auto events = queue.ListEvents("spam", run_id, 0);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_THAT((*events)[0].message, HasSubstr("queued"));
  EXPECT_THAT((*events)[1].message, HasSubstr("claimed by worker worker-a"));
  auto later = queue.ListEvents("spam", run_id, (*events)[0].event_id);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 1u);
}

}  // namespace
}  // namespace goalpost::orchestrator

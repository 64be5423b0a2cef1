// Fault tests of evaluation runs with real services: an orchestrator killed
// in the middle of a run, two orchestrators sharing one queue, and the
// metrics service down during a run.
#include <set>

#include <gtest/gtest.h>

#include "common/testing/postgres_server.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/spam_flow.h"

namespace goalpost::e2e {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;
using nlohmann::json;

constexpr double kTolerance = 1e-9;
// Generous bounds for waits on a loaded machine; they only stop a hung
// test, they measure nothing.
constexpr absl::Duration kRunTimeout = absl::Minutes(5);
constexpr absl::Duration kClaimTimeout = absl::Minutes(2);

OrchestratorOptions Options(int workers, int lease_seconds, int max_attempts) {
  OrchestratorOptions options;
  options.workers = workers;
  options.lease_seconds = lease_seconds;
  options.max_attempts = max_attempts;
  return options;
}

bool Finished(const orchestrator::Run& run) {
  return run.state() == orchestrator::RUN_STATE_SUCCEEDED ||
         run.state() == orchestrator::RUN_STATE_FAILED;
}

std::unique_ptr<Cluster> StartCluster(const std::string& database, OrchestratorOptions options) {
  auto url = goalpost::testing::SharedPostgresServer().CreateDatabase(database);
  EXPECT_TRUE(url.ok()) << url.status();
  if (!url.ok()) return nullptr;
  auto cluster = Cluster::Start(*url, options);
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  if (!cluster.ok()) return nullptr;
  return std::move(*cluster);
}

// Checks that a commit has exactly one report per goal, each written by the
// commit's run, and that the macro F1 report contains scikit-learn's value.
void ExpectOneReportPerGoal(const std::string& orchestrator_address, const json& commit,
                            size_t goal_count) {
  auto reports = ListReports(orchestrator_address, commit["name"].get<std::string>());
  ASSERT_TRUE(reports.ok()) << reports.status();
  ASSERT_EQ(reports->size(), goal_count);

  std::set<std::string> goals;
  for (const auto& report : *reports) {
    goals.insert(report.goal());
    EXPECT_EQ(report.run(), commit["run"].get<std::string>());
    if (report.goal_display_name() == kMacroF1Goal) {
      ASSERT_EQ(report.thresholds_size(), 1);
      EXPECT_NEAR(report.thresholds(0).measured(), 0.9497937327382271, kTolerance);
      EXPECT_EQ(report.status(), orchestrator::REPORT_STATUS_PASSED);
    }
  }
  EXPECT_EQ(goals.size(), goal_count) << "a goal has two reports";
}

TEST(FaultTest, KilledOrchestratorRunFinishesOnceAfterRestart) {
  auto cluster = StartCluster("killed_orchestrator", Options(2, 3, 5));
  ASSERT_NE(cluster, nullptr);
  auto flags = cluster->CliFlags();
  auto project = SetUpSpamProject(flags, "killed-orchestrator");
  ASSERT_TRUE(project.ok()) << project.status();
  for (const char* goal : {kMacroF1Goal, kFreeMoneyGoal}) {
    ASSERT_TRUE(CreateExampleGoal(flags, project->project, goal, false).ok());
  }

  // With the metrics service down the run cannot finish, so the kill below
  // lands while the run is claimed and in progress.
  cluster->StopMetrics();
  auto commit = CreateCommit(flags, *project, "killed mid-run", false);
  ASSERT_TRUE(commit.ok()) << commit.status();
  std::string run = (*commit)["run"].get<std::string>();
  auto running = PollRun(
      cluster->orchestrator_address(), run,
      [](const orchestrator::Run& r) { return r.state() == orchestrator::RUN_STATE_RUNNING; },
      kClaimTimeout);
  ASSERT_TRUE(running.ok()) << running.status();
  cluster->KillOrchestrator(0);

  ASSERT_TRUE(cluster->StartMetrics().ok());
  ASSERT_TRUE(cluster->RestartOrchestrator(0).ok());
  auto finished = PollRun(cluster->orchestrator_address(), run, Finished, kRunTimeout);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(finished->state(), orchestrator::RUN_STATE_SUCCEEDED) << finished->error();
  // The first claim died with the killed process; the run was claimed again.
  EXPECT_GE(finished->attempts(), 2);
  ExpectOneReportPerGoal(cluster->orchestrator_address(), *commit, 2);
}

TEST(FaultTest, TwoOrchestratorsEvaluateEachRunOnce) {
  auto cluster = StartCluster("two_orchestrators", Options(2, 30, 3));
  ASSERT_NE(cluster, nullptr);
  auto second = cluster->AddOrchestrator();
  ASSERT_TRUE(second.ok()) << second.status();
  auto project = SetUpSpamProject(cluster->CliFlags(0), "two-orchestrators");
  ASSERT_TRUE(project.ok()) << project.status();
  for (const char* goal : {kMacroF1Goal, kFreeMoneyGoal}) {
    ASSERT_TRUE(CreateExampleGoal(cluster->CliFlags(0), project->project, goal, false).ok());
  }

  // Commits go to both replicas; every run lands in the one shared queue.
  std::vector<json> commits;
  for (int i = 0; i < 4; ++i) {
    auto commit = CreateCommit(cluster->CliFlags(i % 2), *project, "commit " + std::to_string(i),
                               false);
    ASSERT_TRUE(commit.ok()) << commit.status();
    commits.push_back(*commit);
  }

  for (const auto& commit : commits) {
    SCOPED_TRACE(commit["name"].get<std::string>());
    auto finished = PollRun(cluster->orchestrator_address(1), commit["run"].get<std::string>(),
                            Finished, kRunTimeout);
    ASSERT_TRUE(finished.ok()) << finished.status();
    EXPECT_EQ(finished->state(), orchestrator::RUN_STATE_SUCCEEDED) << finished->error();
    // One claim per run: no replica took a run that another held.
    EXPECT_EQ(finished->attempts(), 1);
    ExpectOneReportPerGoal(cluster->orchestrator_address(0), commit, 2);
  }
}

TEST(FaultTest, MetricsOutageIsRetriedUntilItIsBack) {
  auto cluster = StartCluster("metrics_outage", Options(1, 10, 10));
  ASSERT_NE(cluster, nullptr);
  auto flags = cluster->CliFlags();
  auto project = SetUpSpamProject(flags, "metrics-outage");
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_TRUE(CreateExampleGoal(flags, project->project, kMacroF1Goal, false).ok());

  cluster->StopMetrics();
  auto commit = CreateCommit(flags, *project, "metrics down", false);
  ASSERT_TRUE(commit.ok()) << commit.status();
  std::string run = (*commit)["run"].get<std::string>();

  // The run records the UNAVAILABLE error it is retrying, and it has not
  // failed.
  auto retrying = PollRun(
      cluster->orchestrator_address(), run,
      [](const orchestrator::Run& r) { return !r.error().empty() || Finished(r); }, kClaimTimeout);
  ASSERT_TRUE(retrying.ok()) << retrying.status();
  EXPECT_NE(retrying->state(), orchestrator::RUN_STATE_FAILED) << retrying->error();
  EXPECT_NE(retrying->state(), orchestrator::RUN_STATE_SUCCEEDED);

  ASSERT_TRUE(cluster->StartMetrics().ok());
  auto finished = PollRun(cluster->orchestrator_address(), run, Finished, kRunTimeout);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(finished->state(), orchestrator::RUN_STATE_SUCCEEDED) << finished->error();
  ExpectOneReportPerGoal(cluster->orchestrator_address(), *commit, 1);
}

}  // namespace
}  // namespace goalpost::e2e

#include "common/migrations.h"

#include <thread>

#include <gtest/gtest.h>

#include "common/testing/postgres_server.h"

namespace goalpost {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    absl::StatusOr<std::string> url =
        testing::SharedPostgresServer().CreateDatabase(std::string("m_") + info->name());
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
  }

  std::unique_ptr<ConnectionPool> Pool() {
    absl::StatusOr<std::unique_ptr<ConnectionPool>> pool = ConnectionPool::Create(url_, 2);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return std::move(pool).value();
  }

  int64_t Count(ConnectionPool& pool, const std::string& sql) {
    int64_t count = -1;
    EXPECT_TRUE(pool.RunTransaction([&](pqxx::work& work) {
                      count = work.exec(sql)[0][0].as<int64_t>();
                      return absl::OkStatus();
                    }).ok());
    return count;
  }

  std::string url_;
};

const std::vector<Migration> kMigrations = {
    {1, "0001_create_schema", "CREATE SCHEMA IF NOT EXISTS shop"},
    {2, "0002_create_items",
     "CREATE TABLE shop.items (id int PRIMARY KEY); INSERT INTO shop.items VALUES (1)"},
};

TEST_F(MigrationsTest, AppliesEachMigrationOnce) {
  std::unique_ptr<ConnectionPool> pool = Pool();
  ASSERT_TRUE(ApplyMigrations(*pool, "shop", kMigrations).ok());
  // A second run must not re-run 0002, whose INSERT would then fail.
  ASSERT_TRUE(ApplyMigrations(*pool, "shop", kMigrations).ok());

  EXPECT_EQ(Count(*pool, "SELECT count(*) FROM shop.items"), 1);
  EXPECT_EQ(Count(*pool,
                  "SELECT count(*) FROM goalpost_migrations.applied WHERE schema_name = 'shop'"),
            2);
}

TEST_F(MigrationsTest, ConcurrentReplicasApplyOnce) {
  constexpr int kReplicas = 6;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] {
      std::unique_ptr<ConnectionPool> pool = Pool();
      results[i] = ApplyMigrations(*pool, "shop", kMigrations);
    });
  }
  for (std::thread& replica : replicas) replica.join();

  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  std::unique_ptr<ConnectionPool> pool = Pool();
  EXPECT_EQ(Count(*pool, "SELECT count(*) FROM shop.items"), 1);
}

TEST_F(MigrationsTest, ChangedSqlIsRejected) {
  std::unique_ptr<ConnectionPool> pool = Pool();
  ASSERT_TRUE(ApplyMigrations(*pool, "shop", kMigrations).ok());

  std::vector<Migration> edited = kMigrations;
  edited[1].sql = "CREATE TABLE shop.items (id bigint PRIMARY KEY)";
  absl::Status status = ApplyMigrations(*pool, "shop", edited);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("0002_create_items"), absl::string_view::npos) << status;
}

TEST_F(MigrationsTest, UnknownRecordedVersionIsRejected) {
  std::unique_ptr<ConnectionPool> pool = Pool();
  ASSERT_TRUE(ApplyMigrations(*pool, "shop", kMigrations).ok());

  std::vector<Migration> older = {kMigrations[0]};
  absl::Status status = ApplyMigrations(*pool, "shop", older);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(MigrationsTest, FailedMigrationLeavesNoRecord) {
  std::unique_ptr<ConnectionPool> pool = Pool();
  std::vector<Migration> broken = {kMigrations[0], {2, "0002_broken", "CREATE TABLE shop.x ("}};
  EXPECT_FALSE(ApplyMigrations(*pool, "shop", broken).ok());
  EXPECT_EQ(Count(*pool,
                  "SELECT count(*) FROM goalpost_migrations.applied WHERE schema_name = 'shop'"),
            1);
}

}  // namespace
}  // namespace goalpost

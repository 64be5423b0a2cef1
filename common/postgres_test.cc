#include "common/postgres.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "common/testing/postgres_server.h"

namespace goalpost {
namespace {

std::unique_ptr<ConnectionPool> MakePool(int size = 2) {
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
      ConnectionPool::Create(testing::SharedPostgresServer().url(), size);
  EXPECT_TRUE(pool.ok()) << pool.status();
  return std::move(pool).value();
}

TEST(ConnectionPoolTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback has no PostgreSQL.
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
      ConnectionPool::Create("postgresql://goalpost@127.0.0.1:1/goalpost?connect_timeout=2", 1);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable);
}

TEST(ConnectionPoolTest, CommitsOnOkAndRollsBackOnError) {
  std::unique_ptr<ConnectionPool> pool = MakePool();
  ASSERT_TRUE(pool->RunTransaction([](pqxx::work& work) {
                     work.exec("CREATE TABLE IF NOT EXISTS pool_rollback (id int PRIMARY KEY)");
                     return absl::OkStatus();
                   }).ok());

  absl::Status failed = pool->RunTransaction([](pqxx::work& work) {
    work.exec("INSERT INTO pool_rollback VALUES (1)");
    return absl::InvalidArgumentError("caller changed its mind");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);

  int64_t rows = -1;
  ASSERT_TRUE(pool->RunTransaction([&](pqxx::work& work) {
                     rows = work.exec("SELECT count(*) FROM pool_rollback")[0][0].as<int64_t>();
                     return absl::OkStatus();
                   }).ok());
  EXPECT_EQ(rows, 0);
}

TEST(ConnectionPoolTest, MapsConstraintViolations) {
  std::unique_ptr<ConnectionPool> pool = MakePool();
  ASSERT_TRUE(pool->RunTransaction([](pqxx::work& work) {
                     work.exec(
                         "CREATE TABLE IF NOT EXISTS pool_parent (id int PRIMARY KEY);"
                         "CREATE TABLE IF NOT EXISTS pool_child (id int PRIMARY KEY,"
                         " parent int REFERENCES pool_parent(id), amount int CHECK (amount >= 0));"
                         "INSERT INTO pool_parent VALUES (1) ON CONFLICT DO NOTHING");
                     return absl::OkStatus();
                   }).ok());

  auto run = [&](const std::string& sql) {
    return pool->RunTransaction([&](pqxx::work& work) {
      work.exec(sql);
      return absl::OkStatus();
    });
  };
  EXPECT_EQ(run("INSERT INTO pool_parent VALUES (1)").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(run("INSERT INTO pool_child VALUES (1, 99, 0)").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(run("INSERT INTO pool_child VALUES (2, 1, -5)").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(run("SELECT * FROM no_such_table").code(), absl::StatusCode::kInternal);
}

TEST(ConnectionPoolTest, RetriesSerializationFailures) {
  std::unique_ptr<ConnectionPool> pool = MakePool(4);
  ASSERT_TRUE(pool->RunTransaction([](pqxx::work& work) {
                     work.exec(
                         "CREATE TABLE IF NOT EXISTS pool_counter (id int PRIMARY KEY, n int);"
                         "INSERT INTO pool_counter VALUES (1, 0) ON CONFLICT DO NOTHING");
                     return absl::OkStatus();
                   }).ok());

  // Serializable increments from several threads conflict; retries make
  // every one of them land.
  constexpr int kThreads = 4;
  constexpr int kIncrements = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status status = pool->RunTransaction(
            [](pqxx::work& work) {
              work.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
              int n = work.exec("SELECT n FROM pool_counter WHERE id = 1")[0][0].as<int>();
              work.exec_params("UPDATE pool_counter SET n = $1 WHERE id = 1", n + 1);
              return absl::OkStatus();
            },
            /*max_attempts=*/50);
        if (!status.ok()) failures++;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  int n = -1;
  ASSERT_TRUE(pool->RunTransaction([&](pqxx::work& work) {
                     n = work.exec("SELECT n FROM pool_counter WHERE id = 1")[0][0].as<int>();
                     return absl::OkStatus();
                   }).ok());
  EXPECT_EQ(n, kThreads * kIncrements);
}

TEST(ConnectionPoolTest, PingAnswers) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1);
  EXPECT_TRUE(pool->Ping().ok());
}

}  // namespace
}  // namespace goalpost

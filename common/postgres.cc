#include "common/postgres.h"

#include <exception>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/logging.h"

#include "absl/strings/str_cat.h"

namespace goalpost {
namespace {

// How long Acquire waits for a free connection before giving up.
constexpr auto kAcquireTimeout = std::chrono::seconds(30);

bool IsRetryable(const std::exception& error) {
  return dynamic_cast<const pqxx::serialization_failure*>(&error) != nullptr ||
         dynamic_cast<const pqxx::deadlock_detected*>(&error) != nullptr;
}

bool IsBrokenConnection(const std::exception& error) {
  return dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr;
}

}  // namespace

absl::Status StatusFromException(const std::exception& error) {
  if (dynamic_cast<const pqxx::unique_violation*>(&error) != nullptr) {
    return absl::AlreadyExistsError(error.what());
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&error) != nullptr ||
      dynamic_cast<const pqxx::check_violation*>(&error) != nullptr ||
      dynamic_cast<const pqxx::not_null_violation*>(&error) != nullptr) {
    return absl::FailedPreconditionError(error.what());
  }
  if (IsRetryable(error)) {
    return absl::AbortedError(absl::StrCat("transaction conflict: ", error.what()));
  }
  if (IsBrokenConnection(error)) {
    return absl::UnavailableError(absl::StrCat("database connection lost: ", error.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    spdlog::error("database commit outcome unknown: {}", error.what());
    return absl::UnknownError(absl::StrCat("commit outcome unknown: ", error.what()));
  }
  return absl::InternalError(absl::StrCat("database error: ", error.what()));
}

ConnectionPool::ConnectionPool(std::string url, int size) : url_(std::move(url)), size_(size) {}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(const std::string& url,
                                                                       int size) {
  if (size < 1) return absl::InvalidArgumentError("connection pool size must be at least 1");
  auto pool = std::unique_ptr<ConnectionPool>(new ConnectionPool(url, size));

  // One connection up front, so that a wrong URL or a down server is reported
  // at start-up rather than on the first request.
  absl::StatusOr<std::unique_ptr<pqxx::connection>> first = pool->Acquire();
  if (!first.ok()) return first.status();
  pool->Release(std::move(first).value());
  return pool;
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectionPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    bool got_one = available_.wait_for(lock, kAcquireTimeout,
                                       [this] { return !idle_.empty() || open_ < size_; });
    if (!got_one) {
      return absl::UnavailableError(absl::StrCat(
          "no database connection free after 30 s; all ", size_, " are in use"));
    }
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->is_open()) return connection;
      --open_;
    }
    ++open_;
  }

  // Connect outside the lock: it can take as long as the server's timeout.
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (const std::exception& error) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --open_;
    }
    available_.notify_one();
    // libpq's message never contains the password, but may contain the
    // host; it is safe to log and return.
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", error.what()));
  }
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (connection != nullptr && connection->is_open()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

absl::Status ConnectionPool::RunTransaction(
    const std::function<absl::Status(pqxx::work&)>& work, int max_attempts) {
  absl::Status last;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    absl::StatusOr<std::unique_ptr<pqxx::connection>> connection = Acquire();
    if (!connection.ok()) return connection.status();

    bool retry = false;
    try {
      pqxx::work transaction(**connection);
      last = work(transaction);
      if (last.ok()) transaction.commit();
    } catch (const std::exception& error) {
      last = StatusFromException(error);
      retry = IsRetryable(error);
      if (IsBrokenConnection(error)) connection->reset();
    }
    Release(std::move(connection).value());

    if (!retry) return last;
    spdlog::debug("retrying transaction after conflict (attempt {} of {}): {}", attempt,
                  max_attempts, last.message());
    std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
  }
  return last;
}

absl::Status ConnectionPool::RunWithConnection(
    const std::function<absl::Status(pqxx::connection&)>& use) {
  absl::StatusOr<std::unique_ptr<pqxx::connection>> connection = Acquire();
  if (!connection.ok()) return connection.status();

  absl::Status result;
  try {
    result = use(**connection);
  } catch (const std::exception& error) {
    result = StatusFromException(error);
    if (IsBrokenConnection(error)) connection->reset();
  }
  Release(std::move(connection).value());
  return result;
}

absl::Status ConnectionPool::Ping() {
  return RunWithConnection([](pqxx::connection& connection) {
    pqxx::nontransaction query(connection);
    query.exec("SELECT 1");
    return absl::OkStatus();
  });
}

}  // namespace goalpost

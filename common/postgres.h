#ifndef GOALPOST_COMMON_POSTGRES_H_
#define GOALPOST_COMMON_POSTGRES_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace goalpost {

// A fixed-size pool of PostgreSQL connections. libpqxx throws; nothing above
// this layer should, so every use goes through RunTransaction or
// RunWithConnection, which catch and map the exceptions.
class ConnectionPool {
 public:
  // Opens `size` connections to `url` (a libpq connection string or
  // postgresql:// URL). UNAVAILABLE when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const std::string& url,
                                                                int size);
  ~ConnectionPool();

  // Runs `work` in one transaction on a pooled connection and commits when
  // it returns OK. A non-OK return, or an exception, rolls back.
  // Serialization failures and deadlocks retry the whole transaction up to
  // `max_attempts` times, then return ABORTED. Exceptions map as:
  //   unique_violation -> ALREADY_EXISTS
  //   foreign_key_violation, check_violation, not_null_violation -> FAILED_PRECONDITION
  //   broken_connection -> UNAVAILABLE (the connection is reopened next time)
  //   in_doubt_error (commit outcome unknown) -> UNKNOWN, logged
  //   anything else -> INTERNAL
  absl::Status RunTransaction(const std::function<absl::Status(pqxx::work&)>& work,
                              int max_attempts = 3);

  // Runs `use` with a pooled connection and no transaction, mapping
  // exceptions as above (no retries). For LISTEN, COPY streams and
  // nontransaction reads.
  absl::Status RunWithConnection(const std::function<absl::Status(pqxx::connection&)>& use);

  // OK when a connection answers "SELECT 1" within the server's timeout.
  absl::Status Ping();

  const std::string& url() const { return url_; }

 private:
  ConnectionPool(std::string url, int size);

  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  void Release(std::unique_ptr<pqxx::connection> connection);

  std::string url_;
  int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;
};

// Maps a libpqxx (or std) exception to a status, as RunTransaction does.
absl::Status StatusFromException(const std::exception& error);

}  // namespace goalpost

#endif  // GOALPOST_COMMON_POSTGRES_H_

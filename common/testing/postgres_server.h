#ifndef GOALPOST_COMMON_TESTING_POSTGRES_SERVER_H_
#define GOALPOST_COMMON_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace goalpost::testing {

// A private PostgreSQL 15 cluster for one test binary: initdb into a fresh
// folder under $TMPDIR, pg_ctl start on a free loopback port with its socket
// in that folder, stopped by process id and removed in the destructor. When
// the process runs as root, initdb and pg_ctl run as the `postgres` user,
// because the server refuses to run as root.
class PostgresServer {
 public:
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();

  // postgresql://goalpost@127.0.0.1:PORT/goalpost
  const std::string& url() const { return url_; }
  int port() const { return port_; }

  // Creates another empty database and returns its URL, so tests in one
  // binary can be isolated from each other.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);

 private:
  PostgresServer() = default;

  std::string folder_;
  std::string url_;
  int port_ = 0;
  bool started_ = false;
};

// Shares one server among the tests of a binary; started on first use.
// Aborts the test binary with the reason when the server cannot start.
PostgresServer& SharedPostgresServer();

}  // namespace goalpost::testing

#endif  // GOALPOST_COMMON_TESTING_POSTGRES_SERVER_H_

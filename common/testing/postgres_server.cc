#include "common/testing/postgres_server.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/testing/service_process.h"
#include "common/testing/subprocess.h"

namespace goalpost::testing {
namespace {

constexpr char kPostgresBin[] = "/usr/lib/postgresql/15/bin";
constexpr char kServerUser[] = "postgres";

std::string Tool(const std::string& name) { return absl::StrCat(kPostgresBin, "/", name); }

absl::StatusOr<std::string> MakeFolder() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/goalpost-pg-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create ", pattern));
  }
  if (geteuid() == 0) {
    // The server runs as `postgres`, which must own its folder.
    passwd* user = getpwnam(kServerUser);
    if (user == nullptr) {
      return absl::FailedPreconditionError(
          "running as root but there is no `postgres` user; install postgresql-15");
    }
    if (chown(pattern.c_str(), user->pw_uid, user->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("cannot chown ", pattern));
    }
  }
  return pattern;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  auto server = std::unique_ptr<PostgresServer>(new PostgresServer());
  GOALPOST_ASSIGN_OR_RETURN(server->folder_, MakeFolder());
  std::string data = server->folder_ + "/data";

  absl::StatusOr<std::string> initdb = RunCommand(AsUserWhenRoot(
      kServerUser, {Tool("initdb"), "-D", data, "-U", "goalpost", "--auth=trust", "--encoding=UTF8",
                    "--locale=C", "--no-sync"}));
  if (!initdb.ok()) return initdb.status();

  // A port can be taken between picking and binding; try a few.
  absl::Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    server->port_ = PickFreePort();
    std::string options = absl::StrCat("-p ", server->port_, " -k ", server->folder_,
                                       " -c listen_addresses=127.0.0.1 -c fsync=off"
                                       " -c synchronous_commit=off -c max_connections=200");
    absl::StatusOr<std::string> pg_ctl = RunCommand(AsUserWhenRoot(
        kServerUser, {Tool("pg_ctl"), "-D", data, "-l", server->folder_ + "/server.log", "-w",
                      "-t", "60", "-o", options, "start"}));
    started = pg_ctl.status();
    if (started.ok()) break;
  }
  if (!started.ok()) return started;
  server->started_ = true;

  std::string admin_url =
      absl::StrCat("postgresql://goalpost@127.0.0.1:", server->port_, "/postgres");
  try {
    pqxx::connection admin(admin_url);
    pqxx::nontransaction(admin).exec("CREATE DATABASE goalpost");
  } catch (const std::exception& error) {
    return absl::InternalError(absl::StrCat("cannot create database: ", error.what()));
  }
  server->url_ = absl::StrCat("postgresql://goalpost@127.0.0.1:", server->port_, "/goalpost");
  return server;
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  std::string admin_url = absl::StrCat("postgresql://goalpost@127.0.0.1:", port_, "/postgres");
  try {
    pqxx::connection admin(admin_url);
    pqxx::nontransaction work(admin);
    work.exec(absl::StrCat("CREATE DATABASE ", work.quote_name(name)));
  } catch (const std::exception& error) {
    return absl::InternalError(absl::StrCat("cannot create database ", name, ": ", error.what()));
  }
  return absl::StrCat("postgresql://goalpost@127.0.0.1:", port_, "/", name);
}

PostgresServer::~PostgresServer() {
  if (started_) {
    // pg_ctl stop signals the postmaster by the process id in its pid file.
    absl::StatusOr<std::string> stopped = RunCommand(AsUserWhenRoot(
        kServerUser, {Tool("pg_ctl"), "-D", folder_ + "/data", "-m", "fast", "-w", "stop"}));
    if (!stopped.ok()) std::cerr << "stopping PostgreSQL failed: " << stopped.status() << "\n";
  }
  if (!folder_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
}

PostgresServer& SharedPostgresServer() {
  static std::unique_ptr<PostgresServer> server = [] {
    absl::StatusOr<std::unique_ptr<PostgresServer>> started = PostgresServer::Start();
    if (!started.ok()) {
      std::cerr << "cannot start the test PostgreSQL server: " << started.status() << "\n";
      std::abort();
    }
    return std::move(started).value();
  }();
  return *server;
}

}  // namespace goalpost::testing

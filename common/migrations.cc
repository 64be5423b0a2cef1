#include "common/migrations.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "common/logging.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace goalpost {
namespace {

// Advisory lock key of the bookkeeping schema itself; each service schema
// locks on hashtext(schema) instead, so services migrate side by side.
constexpr char kBookkeepingLockName[] = "goalpost_migrations";

absl::Status CreateBookkeeping(ConnectionPool& pool) {
  return pool.RunTransaction([](pqxx::work& transaction) {
    transaction.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", kBookkeepingLockName);
    transaction.exec("CREATE SCHEMA IF NOT EXISTS goalpost_migrations");
    transaction.exec(
        "CREATE TABLE IF NOT EXISTS goalpost_migrations.applied ("
        "  schema_name text NOT NULL,"
        "  version integer NOT NULL,"
        "  name text NOT NULL,"
        "  checksum text NOT NULL,"
        "  applied_at timestamptz NOT NULL DEFAULT now(),"
        "  PRIMARY KEY (schema_name, version))");
    return absl::OkStatus();
  });
}

// Applies one migration unless a replica already did; the advisory lock
// makes the check and the apply atomic across replicas.
absl::Status ApplyOne(ConnectionPool& pool, const std::string& schema,
                      const Migration& migration) {
  return pool.RunTransaction([&](pqxx::work& transaction) -> absl::Status {
    transaction.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", schema);

    pqxx::result recorded = transaction.exec_params(
        "SELECT checksum, md5($3) FROM goalpost_migrations.applied "
        "WHERE schema_name = $1 AND version = $2",
        schema, migration.version, migration.sql);
    if (!recorded.empty()) {
      if (recorded[0][0].as<std::string>() != recorded[0][1].as<std::string>()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "migration ", schema, "/", migration.name,
            " was applied with different SQL; restore the original file and add a new "
            "numbered migration instead"));
      }
      return absl::OkStatus();
    }

    transaction.exec(migration.sql);
    transaction.exec_params(
        "INSERT INTO goalpost_migrations.applied (schema_name, version, name, checksum) "
        "VALUES ($1, $2, $3, md5($4))",
        schema, migration.version, migration.name, migration.sql);
    spdlog::info("applied migration {}/{}", schema, migration.name);
    return absl::OkStatus();
  });
}

absl::Status CheckNoUnknownVersions(ConnectionPool& pool, const std::string& schema,
                                    const std::vector<Migration>& migrations) {
  std::set<int> known;
  for (const Migration& migration : migrations) known.insert(migration.version);

  return pool.RunTransaction([&](pqxx::work& transaction) -> absl::Status {
    pqxx::result rows = transaction.exec_params(
        "SELECT version, name FROM goalpost_migrations.applied WHERE schema_name = $1", schema);
    for (const auto& row : rows) {
      if (known.count(row[0].as<int>()) == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the database has migration ", schema, "/", row[1].as<std::string>(),
            " that this binary does not know; run a binary at least as new as the database"));
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status ApplyMigrations(ConnectionPool& pool, const std::string& schema,
                             const std::vector<Migration>& migrations) {
  std::vector<Migration> ordered = migrations;
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i].version == ordered[i - 1].version) {
      return absl::InternalError(absl::StrCat("two migrations of ", schema, " have version ",
                                              ordered[i].version));
    }
  }

  GOALPOST_RETURN_IF_ERROR(Annotate(CreateBookkeeping(pool), "creating migration bookkeeping"));
  GOALPOST_RETURN_IF_ERROR(CheckNoUnknownVersions(pool, schema, ordered));
  for (const Migration& migration : ordered) {
    GOALPOST_RETURN_IF_ERROR(
        Annotate(ApplyOne(pool, schema, migration), absl::StrCat("migration ", migration.name)));
  }
  return absl::OkStatus();
}

}  // namespace goalpost

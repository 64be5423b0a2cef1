#ifndef GOALPOST_COMMON_MIGRATIONS_H_
#define GOALPOST_COMMON_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/postgres.h"

namespace goalpost {

// One numbered SQL file of a service's schema, e.g. 0001_create_datasets.sql.
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Applies the migrations of `schema` that are not yet recorded in
// goalpost_migrations.applied, in version order, each in its own
// transaction together with its record. A transaction-level advisory lock
// keyed on the schema name makes replicas that start at the same moment
// apply each migration exactly once. Fails with FAILED_PRECONDITION when the
// database records a version whose SQL differs from the binary's (a checksum
// mismatch) or a version this binary does not know.
absl::Status ApplyMigrations(ConnectionPool& pool, const std::string& schema,
                             const std::vector<Migration>& migrations);

}  // namespace goalpost

#endif  // GOALPOST_COMMON_MIGRATIONS_H_

#ifndef GOALPOST_COMMON_FLAGS_H_
#define GOALPOST_COMMON_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "common/logging.h"
#include "common/server.h"

// Flags shared by every service binary. Only main() files read flags: they
// call ParseServiceFlags and pass the options structs on.
ABSL_DECLARE_FLAG(std::string, listen_address);
ABSL_DECLARE_FLAG(std::string, log_level);
ABSL_DECLARE_FLAG(bool, log_json);
ABSL_DECLARE_FLAG(int, shutdown_deadline_seconds);
ABSL_DECLARE_FLAG(int, max_message_bytes);
// libpq URL of the database; the GOALPOST_DATABASE_URL environment variable
// is used when the flag is empty, so the URL (which may hold a password)
// need not appear in a process listing.
ABSL_DECLARE_FLAG(std::string, database_url);

namespace goalpost {

// Parses argv (absl flags) and fills the shared options. `default_port` is
// used when --listen_address is empty.
void ParseServiceFlags(int argc, char** argv, const std::string& service_name,
                       int default_port, ServerOptions* server, LoggingOptions* logging);

// The database URL from --database_url or GOALPOST_DATABASE_URL; empty when
// neither is set.
std::string DatabaseUrl();

}  // namespace goalpost

#endif  // GOALPOST_COMMON_FLAGS_H_

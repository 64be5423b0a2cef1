#include "common/flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, listen_address, "",
          "host:port to listen on; default 127.0.0.1 and the service's own port");
ABSL_FLAG(std::string, log_level, "info", "trace, debug, info, warn or error");
ABSL_FLAG(bool, log_json, false, "write log lines as JSON objects");
ABSL_FLAG(int, shutdown_deadline_seconds, 10,
          "seconds a graceful shutdown waits for in-flight calls before cancelling them");
ABSL_FLAG(int, max_message_bytes, 16 * 1024 * 1024,
          "largest gRPC message the server accepts or sends, in bytes");
ABSL_FLAG(std::string, database_url, "",
          "libpq URL of the database; GOALPOST_DATABASE_URL is used when empty");

namespace goalpost {

void ParseServiceFlags(int argc, char** argv, const std::string& service_name,
                       int default_port, ServerOptions* server, LoggingOptions* logging) {
  absl::ParseCommandLine(argc, argv);

  server->service_name = service_name;
  server->listen_address = absl::GetFlag(FLAGS_listen_address);
  if (server->listen_address.empty()) {
    server->listen_address = absl::StrCat("127.0.0.1:", default_port);
  }
  server->shutdown_deadline = absl::Seconds(absl::GetFlag(FLAGS_shutdown_deadline_seconds));
  server->max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);

  logging->service_name = service_name;
  logging->level = absl::GetFlag(FLAGS_log_level);
  logging->json = absl::GetFlag(FLAGS_log_json);
}

std::string DatabaseUrl() {
  std::string url = absl::GetFlag(FLAGS_database_url);
  if (!url.empty()) return url;
  const char* from_environment = std::getenv("GOALPOST_DATABASE_URL");
  return from_environment == nullptr ? std::string() : std::string(from_environment);
}

}  // namespace goalpost

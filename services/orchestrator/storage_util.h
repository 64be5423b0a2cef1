#ifndef GOALPOST_SERVICES_ORCHESTRATOR_STORAGE_UTIL_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_STORAGE_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace goalpost::orchestrator {

// A serialized protobuf message as a bytea parameter.
pqxx::binarystring ToBytea(const google::protobuf::Message& message);

// Parses a bytea column into `message`; INTERNAL when the stored bytes do not
// parse, which means the table was written by something else.
absl::Status FromBytea(const pqxx::field& field, google::protobuf::Message* message);

// The SQL expression that selects timestamptz column `column` as
// microseconds since the epoch (NULL stays NULL).
std::string MicrosSql(const std::string& column);

// A timestamp from microseconds since the epoch; unset for a NULL field.
google::protobuf::Timestamp TimestampFromMicrosField(const pqxx::field& field);

// Offset page tokens: opaque to clients, the row offset inside.
std::string EncodePageToken(int64_t offset);
// INVALID_ARGUMENT naming page_token when `token` was not made by
// EncodePageToken. An empty token is offset 0.
absl::StatusOr<int64_t> DecodePageToken(const std::string& token);
// The page size to use: `default_size` for 0, INVALID_ARGUMENT for a
// negative size, `max_size` for anything larger.
absl::StatusOr<int> PageSize(int requested, int default_size, int max_size);

// Commas join the goal ids of a run in one column.
std::string JoinIds(const std::vector<std::string>& ids);
std::vector<std::string> SplitIds(const std::string& joined);

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_STORAGE_UTIL_H_

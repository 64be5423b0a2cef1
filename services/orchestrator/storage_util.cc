#include "services/orchestrator/storage_util.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace goalpost::orchestrator {
namespace {

constexpr absl::string_view kPageTokenPrefix = "offset:";

}  // namespace

pqxx::binarystring ToBytea(const google::protobuf::Message& message) {
  return pqxx::binarystring(message.SerializeAsString());
}

absl::Status FromBytea(const pqxx::field& field, google::protobuf::Message* message) {
  pqxx::binarystring bytes(field);
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError(absl::StrCat("stored ", message->GetTypeName(), " in column ",
                                            field.name(), " does not parse"));
  }
  return absl::OkStatus();
}

std::string MicrosSql(const std::string& column) {
  return absl::StrCat("(extract(epoch FROM ", column, ") * 1000000)::bigint");
}

google::protobuf::Timestamp TimestampFromMicrosField(const pqxx::field& field) {
  if (field.is_null()) return google::protobuf::Timestamp();
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(field.as<int64_t>());
}

std::string EncodePageToken(int64_t offset) {
  return absl::WebSafeBase64Escape(absl::StrCat(kPageTokenPrefix, offset));
}

absl::StatusOr<int64_t> DecodePageToken(const std::string& token) {
  if (token.empty()) return 0;
  std::string decoded;
  int64_t offset = -1;
  if (!absl::WebSafeBase64Unescape(token, &decoded) ||
      !absl::StartsWith(decoded, kPageTokenPrefix) ||
      !absl::SimpleAtoi(decoded.substr(kPageTokenPrefix.size()), &offset) || offset < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_token \"", token,
        "\" is invalid; pass the next_page_token of the previous response unchanged"));
  }
  return offset;
}

absl::StatusOr<int> PageSize(int requested, int default_size, int max_size) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", requested, " is negative; use 0 for the default"));
  }
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

std::string JoinIds(const std::vector<std::string>& ids) { return absl::StrJoin(ids, ","); }

std::vector<std::string> SplitIds(const std::string& joined) {
  return absl::StrSplit(joined, ',', absl::SkipEmpty());
}

}  // namespace goalpost::orchestrator

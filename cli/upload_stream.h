#ifndef GOALPOST_CLI_UPLOAD_STREAM_H_
#define GOALPOST_CLI_UPLOAD_STREAM_H_

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace goalpost::cli {

// Bytes per upload message: a quarter of the 4 MiB limit that the datasets
// and inference protos set on one chunk.
inline constexpr size_t kUploadChunkBytes = 1024 * 1024;

// Reads `path` in chunks of at most kUploadChunkBytes and hands each to
// `send`, which returns false when the stream is closed. NOT_FOUND when the
// file cannot be opened; UNAVAILABLE when `send` fails (the server's status
// says why).
absl::Status StreamFile(const std::string& path, const std::function<bool(std::string)>& send);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_UPLOAD_STREAM_H_

#include "cli/upload_stream.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace goalpost::cli {

absl::Status StreamFile(const std::string& path, const std::function<bool(std::string)>& send) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open file ", path, ": ", std::strerror(errno)));
  }

  std::string chunk(kUploadChunkBytes, '\0');
  while (file) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::streamsize got = file.gcount();
    if (got <= 0) break;
    if (!send(chunk.substr(0, static_cast<size_t>(got)))) {
      return absl::UnavailableError("the server closed the upload stream");
    }
  }
  if (file.bad()) return absl::DataLossError(absl::StrCat("failed reading file ", path));
  return absl::OkStatus();
}

}  // namespace goalpost::cli

#ifndef GOALPOST_SERVICES_DATASETS_DATASET_UPLOADER_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_UPLOADER_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/datasets/v1/datasets.pb.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

struct UploadOptions {
  // Largest upload accepted, in bytes of CSV (or serialized row batches);
  // 0 means no limit.
  int64_t max_upload_bytes = 0;
};

// Reads the next message of an upload stream; false at the end of the stream
// or when the client went away.
using UploadMessageReader = std::function<bool(v1::UploadDatasetRequest*)>;

// Runs one dataset upload: the spec, then CSV slices or row batches, all in
// one transaction, so that any error, a cancelled call or a crash leaves
// nothing stored.
class DatasetUploader {
 public:
  DatasetUploader(ConnectionPool& pool, UploadOptions options);

  // `cancelled` reports whether the client cancelled or disconnected.
  // INVALID_ARGUMENT for bad input (naming line, column and value),
  // RESOURCE_EXHAUSTED over the size limit, CANCELLED when the client went
  // away. An upload identical to a committed dataset of the same project
  // (same spec and bytes) returns that dataset with already_existed set.
  absl::StatusOr<v1::UploadDatasetResponse> Upload(const UploadMessageReader& read,
                                                   const std::function<bool()>& cancelled);

 private:
  ConnectionPool& pool_;
  UploadOptions options_;
};

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_UPLOADER_H_

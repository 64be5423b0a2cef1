#include "services/datasets/dataset_uploader.h"

#include <openssl/evp.h>

#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "services/datasets/chunk_writer.h"
#include "services/datasets/csv_reader.h"
#include "services/datasets/dataset_builder.h"
#include "services/datasets/dataset_layout.h"
#include "services/datasets/dataset_store.h"

namespace goalpost::datasets {
namespace {

// Incremental SHA-256 (OpenSSL), the content hash of an upload.
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr);
  }
  void Update(std::string_view bytes) {
    EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size());
  }
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &size);
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) absl::StrAppend(&hex, absl::Hex(digest[i], absl::kZeroPad2));
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context_;
};

// The spec as hashed: defaults filled in, so that leaving a default out and
// writing it give the same dataset, but the display name as sent, so that a
// re-upload without one matches the first upload.
std::string CanonicalSpec(const v1::DatasetSpec& spec, const std::string& sent_display_name) {
  v1::DatasetSpec canonical = spec;
  canonical.set_display_name(sent_display_name);
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream output(&stream);
  output.SetSerializationDeterministic(true);
  canonical.SerializeToCodedStream(&output);
  output.Trim();
  return bytes;
}

// Feeds the messages after the spec (CSV slices or row batches) to the
// builder and the content hash, enforcing the size limit.
class PayloadReceiver {
 public:
  PayloadReceiver(const v1::DatasetSpec& spec, int64_t max_upload_bytes, DatasetBuilder& builder,
                  Sha256& hash)
      : max_upload_bytes_(max_upload_bytes),
        builder_(builder),
        hash_(hash),
        reader_(spec.delimiter()[0]) {}

  absl::Status Receive(const v1::UploadDatasetRequest& message) {
    if (message.has_spec()) {
      return absl::InvalidArgumentError("only the first message of an upload may carry a spec");
    }
    if (message.has_csv_chunk()) {
      csv_ = true;
      received_bytes_ += static_cast<int64_t>(message.csv_chunk().size());
    } else if (message.has_row_batch()) {
      batches_ = true;
      received_bytes_ += static_cast<int64_t>(message.row_batch().ByteSizeLong());
    }
    if (csv_ && batches_) {
      return absl::InvalidArgumentError("an upload carries CSV bytes or row batches, not both");
    }
    if (max_upload_bytes_ > 0 && received_bytes_ > max_upload_bytes_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the upload exceeds the server's limit of ", max_upload_bytes_,
          " bytes; split the dataset or ask for a higher --max_upload_bytes"));
    }

    if (message.has_csv_chunk()) {
      hash_.Update(message.csv_chunk());
      return reader_.Feed(message.csv_chunk(), OnRecord());
    }
    if (message.has_row_batch()) {
      hash_.Update(message.row_batch().SerializeAsString());
      return builder_.AddRowBatch(message.row_batch());
    }
    return absl::OkStatus();
  }

  // Ends the CSV file, if the upload was CSV.
  absl::Status Finish() { return csv_ ? reader_.Finish(OnRecord()) : absl::OkStatus(); }

  int64_t received_bytes() const { return received_bytes_; }

 private:
  CsvReader::RecordCallback OnRecord() {
    return [this](const CsvRecord& record) { return builder_.AddCsvRecord(record); };
  }

  int64_t max_upload_bytes_;
  DatasetBuilder& builder_;
  Sha256& hash_;
  CsvReader reader_;
  int64_t received_bytes_ = 0;
  bool csv_ = false;
  bool batches_ = false;
};

// Marks an upload whose content matches a committed dataset; the
// transaction rolls back and the existing dataset is returned.
constexpr char kDuplicateUpload[] = "identical dataset already stored";

}  // namespace

DatasetUploader::DatasetUploader(ConnectionPool& pool, UploadOptions options)
    : pool_(pool), options_(options) {}

absl::StatusOr<v1::UploadDatasetResponse> DatasetUploader::Upload(
    const UploadMessageReader& read, const std::function<bool()>& cancelled) {
  v1::UploadDatasetRequest message;
  if (!read(&message)) {
    if (cancelled()) return absl::CancelledError("the client cancelled the upload");
    return absl::InvalidArgumentError("the upload stream is empty; send the spec first");
  }
  if (!message.has_spec()) {
    return absl::InvalidArgumentError("the first message of an upload must carry the spec");
  }
  v1::DatasetSpec spec = message.spec();
  const std::string sent_display_name = spec.display_name();
  GOALPOST_RETURN_IF_ERROR(ValidateSpec(
      spec, absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone())));

  const DatasetName name{spec.project(), NewResourceId()};
  std::string existing_id;
  std::string content_hash;
  absl::Status status = pool_.RunTransaction(
      [&](pqxx::work& transaction) -> absl::Status {
        store::InsertPendingDataset(transaction, name, spec.role());
        ChunkWriter writer(transaction, name.dataset_id, spec);
        bool writer_started = false;
        DatasetBuilder builder(spec, [&](int32_t chunk_index, int64_t row_offset,
                                         std::vector<ColumnChunk>& chunks) {
          if (!writer_started) {
            writer.Start(builder.layout());
            writer_started = true;
          }
          return writer.Submit(chunk_index, row_offset, chunks);
        });

        Sha256 hash;
        hash.Update(CanonicalSpec(spec, sent_display_name));
        PayloadReceiver receiver(spec, options_.max_upload_bytes, builder, hash);
        while (read(&message)) GOALPOST_RETURN_IF_ERROR(receiver.Receive(message));
        if (cancelled()) return absl::CancelledError("the client cancelled the upload");

        GOALPOST_RETURN_IF_ERROR(receiver.Finish());
        GOALPOST_RETURN_IF_ERROR(builder.Finish());
        GOALPOST_RETURN_IF_ERROR(writer.Finish());

        content_hash = hash.HexDigest();
        existing_id = store::FindByContentHash(transaction, name.project, content_hash);
        if (!existing_id.empty()) return absl::AlreadyExistsError(kDuplicateUpload);

        v1::Dataset descriptor;
        *descriptor.mutable_spec() = spec;
        writer.FillDescriptor(descriptor);
        store::CompleteDataset(transaction, name.dataset_id, content_hash, builder.row_count(),
                               writer.stored_bytes(), descriptor);
        spdlog::info("dataset {} uploaded: {} rows, {} bytes received, {} bytes stored",
                     name.ToString(), builder.row_count(), receiver.received_bytes(), writer.stored_bytes());
        return absl::OkStatus();
      },
      /*max_attempts=*/1);

  // A concurrent identical upload that committed first surfaces as a unique
  // violation on (project, content_hash).
  const bool duplicate = status.code() == absl::StatusCode::kAlreadyExists;
  if (!status.ok() && !duplicate) {
    spdlog::debug("upload of {} rejected: {}", name.ToString(), std::string(status.message()));
    return status;
  }

  v1::UploadDatasetResponse response;
  absl::StatusOr<v1::Dataset> dataset = absl::UnknownError("not loaded");
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) -> absl::Status {
    if (duplicate && existing_id.empty()) {
      existing_id = store::FindByContentHash(transaction, name.project, content_hash);
      if (existing_id.empty()) return status;
    }
    dataset = store::LoadDataset(transaction, DatasetName{name.project,
                                                          duplicate ? existing_id : name.dataset_id});
    return absl::OkStatus();
  }));
  if (!dataset.ok()) return dataset.status();
  *response.mutable_dataset() = std::move(dataset).value();
  response.set_already_existed(duplicate);
  return response;
}

}  // namespace goalpost::datasets

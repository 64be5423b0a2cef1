#include "services/datasets/prediction_set_uploader.h"

#include <cmath>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "services/datasets/column_chunk.h"
#include "services/datasets/dataset_layout.h"
#include "services/datasets/dataset_store.h"

namespace goalpost::datasets {
namespace {

absl::Status CheckModelName(const std::string& model) {
  const size_t models = model.find("/models/");
  if (model.rfind("projects/", 0) != 0 || models == std::string::npos || models <= 9 ||
      model.size() <= models + 8 || model.find('/', models + 8) != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "header.model: expected \"projects/{project}/models/{model}\", got \"", model, "\""));
  }
  return absl::OkStatus();
}

// Holds the chunk being filled: column 0 is the predicted class, 1 + c the
// probability of class c.
class PredictionChunks {
 public:
  explicit PredictionChunks(int class_count) {
    chunks_.emplace_back(v1::COLUMN_TYPE_CLASS);
    for (int c = 0; c < class_count; ++c) chunks_.emplace_back(v1::COLUMN_TYPE_DOUBLE);
  }

  std::vector<ColumnChunk>& chunks() { return chunks_; }
  int32_t rows() const { return chunks_[0].row_count(); }
  void Clear() {
    for (ColumnChunk& chunk : chunks_) chunk.Clear();
  }

 private:
  std::vector<ColumnChunk> chunks_;
};

}  // namespace

PredictionSetUploader::PredictionSetUploader(ConnectionPool& pool) : pool_(pool) {}

absl::StatusOr<v1::PredictionSet> PredictionSetUploader::Upload(
    const PredictionMessageReader& read, const std::function<bool()>& cancelled) {
  v1::UploadPredictionSetRequest message;
  if (!read(&message) || !message.has_header()) {
    if (cancelled()) return absl::CancelledError("the client cancelled the upload");
    return absl::InvalidArgumentError("the first message of the upload must carry the header");
  }
  const v1::PredictionSetHeader header = message.header();
  GOALPOST_ASSIGN_OR_RETURN(DatasetName dataset_name,
                            ParseDatasetName(header.dataset(), "header.dataset"));
  GOALPOST_RETURN_IF_ERROR(CheckModelName(header.model()));
  const PredictionSetName name{dataset_name, NewResourceId()};

  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction(
      [&](pqxx::work& transaction) -> absl::Status {
        GOALPOST_ASSIGN_OR_RETURN(v1::Dataset dataset, store::LoadDataset(transaction, dataset_name));
        const auto& class_names = dataset.spec().class_names();
        if (header.class_names_size() != class_names.size() ||
            !std::equal(class_names.begin(), class_names.end(), header.class_names().begin())) {
          return absl::InvalidArgumentError(absl::StrCat(
              "header.class_names: [", absl::StrJoin(header.class_names(), ", "),
              "] differ from the dataset's [", absl::StrJoin(class_names, ", "), "]"));
        }
        const int class_count = class_names.size();
        store::InsertPredictionSet(transaction, name, header.model(), 0);

        PredictionChunks chunks(class_count);
        int32_t chunk_index = 0;
        int64_t row_count = 0;
        auto flush = [&]() {
          const int64_t row_offset = static_cast<int64_t>(chunk_index) * kChunkRows;
          for (size_t i = 0; i < chunks.chunks().size(); ++i) {
            const ColumnChunk& chunk = chunks.chunks()[i];
            store::InsertPredictionChunk(transaction, name, static_cast<int32_t>(i), chunk_index,
                                         row_offset, chunk.row_count(), EncodeChunk(chunk));
          }
          chunks.Clear();
          ++chunk_index;
        };

        while (read(&message)) {
          if (!message.has_batch()) {
            return absl::InvalidArgumentError("only the first message may carry a header");
          }
          const v1::PredictionBatch& batch = message.batch();
          const int rows = batch.predicted_class_size();
          if (batch.probabilities_size() != rows * class_count) {
            return absl::InvalidArgumentError(absl::StrCat(
                "batch starting at row ", row_count, ": expected ", rows, " x ", class_count,
                " probabilities for ", rows, " predicted classes, got ", batch.probabilities_size()));
          }
          if (row_count + rows > dataset.row_count()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "the batches carry more rows than the dataset's ", dataset.row_count()));
          }
          for (int row = 0; row < rows; ++row) {
            const int32_t predicted = batch.predicted_class(row);
            if (predicted < 0 || predicted >= class_count) {
              return absl::InvalidArgumentError(absl::StrCat("row ", row_count, ": predicted_class ",
                                                             predicted, " is outside [0, ",
                                                             class_count, ")"));
            }
            chunks.chunks()[0].class_indices.push_back(predicted);
            double sum = 0;
            for (int c = 0; c < class_count; ++c) {
              const double probability = batch.probabilities(row * class_count + c);
              if (!(probability >= 0 && probability <= 1)) {
                return absl::InvalidArgumentError(absl::StrCat(
                    "row ", row_count, ", class \"", class_names[c], "\": probability ",
                    probability, " is outside [0, 1]"));
              }
              sum += probability;
              chunks.chunks()[1 + c].doubles.push_back(probability);
            }
            if (std::fabs(sum - 1) > kDefaultProbabilityTolerance) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "row ", row_count, ": the class probabilities sum to ", sum, ", not 1"));
            }
            ++row_count;
            if (chunks.rows() == kChunkRows) flush();
          }
        }
        if (cancelled()) return absl::CancelledError("the client cancelled the upload");
        if (row_count != dataset.row_count()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "the batches carry ", row_count, " rows but the dataset has ", dataset.row_count(),
              "; send one prediction per row"));
        }
        if (chunks.rows() > 0) flush();
        transaction.exec_params(
            "UPDATE datasets.prediction_sets SET row_count = $3 "
            "WHERE dataset_id = $1 AND prediction_set_id = $2",
            name.dataset.dataset_id, name.prediction_set_id, row_count);
        return absl::OkStatus();
      },
      /*max_attempts=*/1));

  spdlog::info("prediction set {} stored for model {}", name.ToString(), header.model());
  absl::StatusOr<v1::PredictionSet> prediction_set = absl::UnknownError("not read");
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) {
    prediction_set = store::LoadPredictionSet(transaction, name);
    return absl::OkStatus();
  }));
  return prediction_set;
}

}  // namespace goalpost::datasets

#include "services/datasets/chunk_writer.h"

#include <future>
#include <utility>

#include "common/postgres.h"
#include "services/datasets/dataset_store.h"
#include "services/datasets/token_index.h"

namespace goalpost::datasets {
namespace {

using TokenBuckets = std::vector<std::pair<int, std::string>>;

constexpr size_t kMaxQueuedChunks = 1;

}  // namespace

ChunkWriter::ChunkWriter(pqxx::work& transaction, std::string dataset_id,
                         const v1::DatasetSpec& spec)
    : transaction_(transaction), dataset_id_(std::move(dataset_id)), spec_(spec) {}

ChunkWriter::~ChunkWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChunkWriter::Start(const DatasetLayout& layout) {
  layout_ = layout;
  std::vector<std::string> class_names(spec_.class_names().begin(), spec_.class_names().end());
  for (const StoredColumn& column : layout_.columns) {
    statistics_.emplace_back(column.role, column.type, class_names);
    indexers_.push_back(column.role == v1::COLUMN_ROLE_TEXT ? std::make_unique<TokenIndexBuilder>()
                                                             : nullptr);
  }
  thread_ = std::thread(&ChunkWriter::Run, this);
}

absl::Status ChunkWriter::Submit(int32_t chunk_index, int64_t row_offset,
                                 std::vector<ColumnChunk>& chunks) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedChunks || !error_.ok(); });
  if (!error_.ok()) return error_;
  std::vector<ColumnChunk> empty;
  if (!spare_.empty()) {
    // Buffers already faulted in and sized by an earlier chunk.
    empty = std::move(spare_.back());
    spare_.pop_back();
  } else {
    // The next chunk's buffers are sized like this one's, so they do not
    // grow by doubling to up to twice the size they need.
    for (const ColumnChunk& chunk : chunks) {
      ColumnChunk& next = empty.emplace_back(chunk.type);
      next.string_data.reserve(chunk.string_data.size() + chunk.string_data.size() / 8);
      next.string_ends.reserve(chunk.string_ends.size());
      next.doubles.reserve(chunk.doubles.size());
      next.class_indices.reserve(chunk.class_indices.size());
    }
  }
  queue_.push_back(Job{chunk_index, row_offset, std::move(chunks)});
  chunks = std::move(empty);
  lock.unlock();
  changed_.notify_all();
  return absl::OkStatus();
}

absl::Status ChunkWriter::Finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return (queue_.empty() && !busy_) || !error_.ok(); });
  stopping_ = true;
  lock.unlock();
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  return error_;
}

void ChunkWriter::Run() {
  while (true) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    changed_.notify_all();

    // libpqxx throws; the exception is mapped here because it cannot cross
    // the thread.
    absl::Status status;
    try {
      status = Write(job);
    } catch (const std::exception& error) {
      status = StatusFromException(error);
    }

    for (ColumnChunk& chunk : job.chunks) chunk.Clear();
    lock.lock();
    busy_ = false;
    if (!status.ok() && error_.ok()) error_ = status;
    if (status.ok()) spare_.push_back(std::move(job.chunks));
    const bool failed = !error_.ok();
    lock.unlock();
    changed_.notify_all();
    if (failed) return;
  }
}

absl::Status ChunkWriter::Write(const Job& job) {
  // The token index of each text column is built on its own thread while
  // this one compresses and inserts the column chunks; both are CPU-bound.
  std::vector<std::pair<int32_t, std::future<TokenBuckets>>> indexes;
  for (size_t i = 0; i < layout_.columns.size(); ++i) {
    if (layout_.columns[i].role != v1::COLUMN_ROLE_TEXT) continue;
    const ColumnChunk* chunk = &job.chunks[i];
    TokenIndexBuilder* indexer = indexers_[i].get();
    indexes.emplace_back(static_cast<int32_t>(i), std::async(std::launch::async, [chunk, indexer] {
                           return indexer->Encode(*chunk);
                         }));
  }

  for (size_t i = 0; i < layout_.columns.size(); ++i) {
    const ColumnChunk& chunk = job.chunks[i];
    const auto column_index = static_cast<int32_t>(i);
    statistics_[i].Add(chunk);
    encoder_.Encode(chunk, encoded_);
    store::InsertChunk(transaction_, dataset_id_, column_index, job.chunk_index, job.row_offset,
                       chunk.row_count(), encoded_);
    stored_bytes_ += static_cast<int64_t>(encoded_.data.size());
  }

  for (auto& [column_index, index] : indexes) {
    store::InsertTokenBuckets(transaction_, dataset_id_, column_index, job.chunk_index,
                              index.get());
  }
  return absl::OkStatus();
}

void ChunkWriter::FillDescriptor(v1::Dataset& descriptor) {
  for (size_t i = 0; i < layout_.columns.size(); ++i) {
    const StoredColumn& stored = layout_.columns[i];
    v1::Column* column = descriptor.add_columns();
    column->set_name(stored.name);
    column->set_role(stored.role);
    column->set_type(stored.type);
    *column->mutable_statistics() = statistics_[i].Finish();
    const std::vector<int64_t>& counts = statistics_[i].class_counts();
    if (stored.role == v1::COLUMN_ROLE_LABEL) {
      descriptor.mutable_label_distribution()->Add(counts.begin(), counts.end());
    }
    if (stored.role == v1::COLUMN_ROLE_PREDICTION) {
      descriptor.mutable_prediction_distribution()->Add(counts.begin(), counts.end());
    }
  }
}

}  // namespace goalpost::datasets

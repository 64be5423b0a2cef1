#ifndef GOALPOST_SERVICES_DATASETS_CHUNK_WRITER_H_
#define GOALPOST_SERVICES_DATASETS_CHUNK_WRITER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "services/datasets/column_chunk.h"
#include "services/datasets/column_statistics.h"
#include "services/datasets/dataset_layout.h"
#include "services/datasets/token_index.h"

namespace goalpost::datasets {

// Writes the chunks of one upload inside the upload's transaction, on a
// thread of its own: while it compresses, indexes and inserts one chunk,
// the upload thread parses and validates the next. At most one chunk waits
// in its queue, so an upload keeps a few chunks in memory whatever the file
// size, and the buffers of written chunks go back to the upload thread to be
// filled again. It also accumulates the column statistics.
class ChunkWriter {
 public:
  // `transaction` must outlive the writer and must not be used by anyone
  // else between Start and Finish.
  ChunkWriter(pqxx::work& transaction, std::string dataset_id, const v1::DatasetSpec& spec);
  // Stops the thread; chunks still queued are dropped (the transaction is
  // then rolled back by its owner).
  ~ChunkWriter();

  // Starts the thread once the columns are known.
  void Start(const DatasetLayout& layout);

  // Queues one chunk of every column, in layout order, and leaves `chunks`
  // empty with the same column types for reuse (the buffers of a chunk
  // already written when there is one). Blocks while the queue is
  // full. Returns the writer's first error, if any.
  absl::Status Submit(int32_t chunk_index, int64_t row_offset, std::vector<ColumnChunk>& chunks);

  // Waits until every queued chunk is written and returns the first error.
  absl::Status Finish();

  // Valid after a successful Finish.
  int64_t stored_bytes() const { return stored_bytes_; }
  // Column messages with statistics, label and prediction distributions.
  void FillDescriptor(v1::Dataset& descriptor);

 private:
  struct Job {
    int32_t chunk_index;
    int64_t row_offset;
    std::vector<ColumnChunk> chunks;
  };

  void Run();
  absl::Status Write(const Job& job);

  pqxx::work& transaction_;
  std::string dataset_id_;
  v1::DatasetSpec spec_;
  DatasetLayout layout_;
  std::vector<ColumnStatisticsBuilder> statistics_;
  int64_t stored_bytes_ = 0;
  // Used by the writer thread only; they keep their memory between chunks.
  ChunkEncoder encoder_;
  EncodedChunk encoded_;
  std::vector<std::unique_ptr<TokenIndexBuilder>> indexers_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  // Emptied chunks of written jobs, for Submit to hand back.
  std::vector<std::vector<ColumnChunk>> spare_;
  bool busy_ = false;
  bool stopping_ = false;
  absl::Status error_;
  std::thread thread_;
};

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_CHUNK_WRITER_H_

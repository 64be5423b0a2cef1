#ifndef GOALPOST_SERVICES_INFERENCE_WORKER_POOL_H_
#define GOALPOST_SERVICES_INFERENCE_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace goalpost::inference {

// A fixed set of threads that run slices of a batch prediction. Callers must
// not be threads of the same pool (ParallelFor waits for its slices).
class WorkerPool {
 public:
  // `threads` <= 0 uses std::thread::hardware_concurrency().
  explicit WorkerPool(int threads);
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(threads_.size()); }

  // Splits [0, count) into at most size() contiguous slices of at least
  // `min_slice` items and runs `work(begin, end)` on each, in parallel;
  // returns when every slice is done. Small counts run on the caller.
  void ParallelFor(size_t count, size_t min_slice,
                   const std::function<void(size_t begin, size_t end)>& work);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_WORKER_POOL_H_

#include "services/inference/worker_pool.h"

#include <algorithm>

namespace goalpost::inference {

WorkerPool::WorkerPool(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void WorkerPool::ParallelFor(size_t count, size_t min_slice,
                             const std::function<void(size_t, size_t)>& work) {
  min_slice = std::max<size_t>(min_slice, 1);
  const size_t slices = std::min<size_t>(threads_.size(), (count + min_slice - 1) / min_slice);
  if (slices <= 1) {
    if (count > 0) work(0, count);
    return;
  }

  // The caller runs the first slice itself and waits for the others.
  std::mutex done_mutex;
  std::condition_variable done;
  size_t remaining = slices - 1;
  const size_t step = (count + slices - 1) / slices;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t slice = 1; slice < slices; ++slice) {
      const size_t begin = slice * step;
      const size_t end = std::min(count, begin + step);
      tasks_.emplace_back([&, begin, end] {
        if (begin < end) work(begin, end);
        std::lock_guard<std::mutex> done_lock(done_mutex);
        if (--remaining == 0) done.notify_one();
      });
    }
  }
  wake_.notify_all();
  work(0, std::min(count, step));

  std::unique_lock<std::mutex> lock(done_mutex);
  done.wait(lock, [&] { return remaining == 0; });
}

}  // namespace goalpost::inference

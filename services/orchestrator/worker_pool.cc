#include "services/orchestrator/worker_pool.h"

#include "absl/strings/str_cat.h"
#include "services/orchestrator/resource_names.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {

WorkerPool::WorkerPool(RunQueue& queue, RunExecutor& executor, WorkerPoolOptions options)
    : queue_(queue), executor_(executor), options_(std::move(options)) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start() {
  for (int i = 0; i < options_.workers; ++i) {
    std::string worker_id = absl::StrCat(options_.worker_prefix, "-", i);
    threads_.emplace_back([this, worker_id] { WorkerLoop(worker_id); });
  }
  spdlog::info("started {} run workers", options_.workers);
}

void WorkerPool::Stop() {
  if (threads_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  spdlog::info("run workers stopped");
}

void WorkerPool::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wake_generation_;
  }
  wake_.notify_all();
}

void WorkerPool::WorkerLoop(const std::string& worker_id) {
  while (!stopping_) {
    int generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation = wake_generation_;
    }
    absl::StatusOr<std::optional<RunClaim>> claim = queue_.ClaimNext(worker_id);
    if (!claim.ok()) {
      spdlog::warn("worker {} could not claim a run: {}", worker_id, claim.status().ToString());
    } else if (claim->has_value()) {
      ProcessClaim(worker_id, **claim);
      continue;
    }

    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll_interval),
                   [&] { return stopping_.load() || wake_generation_ != generation; });
  }
}

void WorkerPool::RenewLoop(const RunClaim& claim, const std::atomic<bool>& done,
                           std::atomic<bool>& lost, std::mutex& mutex,
                           std::condition_variable& wake) {
  const auto interval = absl::ToChronoMilliseconds(queue_.options().lease / 3);
  std::unique_lock<std::mutex> lock(mutex);
  while (!wake.wait_for(lock, interval, [&] { return done.load(); })) {
    lock.unlock();
    absl::Status renewed = queue_.RenewLease(claim);
    lock.lock();
    if (renewed.code() == absl::StatusCode::kFailedPrecondition) {
      lost = true;
      return;
    }
    if (!renewed.ok()) {
      spdlog::warn("renewing the lease on run {} failed: {}",
                   RunName(claim.run.project_id, claim.run.run_id), renewed.ToString());
    }
  }
}

void WorkerPool::ProcessClaim(const std::string& worker_id, const RunClaim& claim) {
  const std::string run_name = RunName(claim.run.project_id, claim.run.run_id);
  spdlog::info("worker {} claimed run {} (attempt {})", worker_id, run_name, claim.run.attempts);

  std::atomic<bool> done{false};
  std::atomic<bool> lost{false};
  std::mutex renew_mutex;
  std::condition_variable renew_wake;
  std::thread renewer([&] { RenewLoop(claim, done, lost, renew_mutex, renew_wake); });

  auto progress = [&](const std::string& message) {
    absl::Status added = queue_.AddEvent(claim.run.project_id, claim.run.run_id, message);
    if (!added.ok()) spdlog::warn("run {}: event not stored: {}", run_name, added.ToString());
  };
  auto cancelled = [&] { return lost.load() || stopping_.load(); };
  absl::StatusOr<RunResult> result = executor_.Execute(claim.run, progress, cancelled);

  {
    std::lock_guard<std::mutex> lock(renew_mutex);
    done = true;
  }
  renew_wake.notify_all();
  renewer.join();

  absl::Status finished;
  if (lost) {
    finished = absl::FailedPreconditionError("the lease was lost");
  } else if (stopping_ && !result.ok()) {
    finished = queue_.Release(claim);
  } else if (result.ok()) {
    finished = queue_.Complete(claim, *result);
  } else {
    spdlog::warn("run {} attempt {} failed: {}", run_name, claim.run.attempts,
                 result.status().ToString());
    finished = queue_.Abandon(claim, result.status());
  }
  if (finished.ok()) {
    spdlog::info("worker {} finished run {}", worker_id, run_name);
  } else {
    spdlog::warn("worker {} dropped run {}: {}", worker_id, run_name, finished.ToString());
  }
}

}  // namespace goalpost::orchestrator

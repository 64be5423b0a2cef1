#ifndef GOALPOST_SERVICES_ORCHESTRATOR_WORKER_POOL_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "services/orchestrator/run_executor.h"
#include "services/orchestrator/run_queue.h"

namespace goalpost::orchestrator {

struct WorkerPoolOptions {
  // Worker threads; 0 runs none (the replica only serves requests).
  int workers = 2;
  // How often an idle worker looks for a run when no new run wakes it.
  absl::Duration poll_interval = absl::Milliseconds(500);
  // Prefix of worker ids in leases and run events; the host name and
  // process id make them unique across replicas.
  std::string worker_prefix = "orchestrator";
};

// Threads that claim runs from the queue, execute them while renewing the
// lease (every third of the lease), and write the result. A worker that
// loses its lease stops the run and writes nothing; another worker's claim
// finishes it.
class WorkerPool {
 public:
  WorkerPool(RunQueue& queue, RunExecutor& executor, WorkerPoolOptions options);
  ~WorkerPool();

  void Start();
  // Stops claiming, cancels the runs in progress, gives them back to the
  // queue and joins the threads.
  void Stop();
  // Makes idle workers look for a run now (after a commit or goal is made).
  void Wake();

 private:
  void WorkerLoop(const std::string& worker_id);
  void ProcessClaim(const std::string& worker_id, const RunClaim& claim);
  // Renews the lease until `done`; sets `lost` when renewal fails because
  // another claim holds the run.
  void RenewLoop(const RunClaim& claim, const std::atomic<bool>& done, std::atomic<bool>& lost,
                 std::mutex& mutex, std::condition_variable& wake);

  RunQueue& queue_;
  RunExecutor& executor_;
  WorkerPoolOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  int wake_generation_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_WORKER_POOL_H_

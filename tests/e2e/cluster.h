#ifndef GOALPOST_TESTS_E2E_CLUSTER_H_
#define GOALPOST_TESTS_E2E_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/testing/service_process.h"

namespace goalpost::e2e {

// Options of the orchestrators a test starts.
struct OrchestratorOptions {
  int workers = 2;
  // A short lease lets a killed orchestrator's run be taken over quickly.
  int lease_seconds = 5;
  int max_attempts = 5;
};

// The five goalpost services as child processes on free loopback ports,
// sharing one PostgreSQL database. Services start in dependency order and
// stop in reverse order when the cluster is destroyed.
class Cluster {
 public:
  // Starts datasets, inference, metrics, explain and one orchestrator.
  static absl::StatusOr<std::unique_ptr<Cluster>> Start(const std::string& database_url,
                                                        OrchestratorOptions options = {});
  ~Cluster();

  // Starts one more orchestrator on the same database and queue; returns
  // its index (the first one is 0).
  absl::StatusOr<int> AddOrchestrator();
  // SIGKILLs orchestrator `index`, as a crash would.
  void KillOrchestrator(int index);
  // Starts orchestrator `index` again on its old port.
  absl::Status RestartOrchestrator(int index);

  // Stops the metrics service (SIGTERM) and starts it again on its port.
  void StopMetrics();
  absl::Status StartMetrics();

  std::string orchestrator_address(int index = 0) const;
  // The address flags that point the CLI at this cluster, with orchestrator
  // `index`.
  std::vector<std::string> CliFlags(int index = 0) const;

 private:
  Cluster() = default;
  std::vector<std::string> OrchestratorArguments() const;

  std::string database_url_;
  OrchestratorOptions options_;
  int datasets_port_ = 0, inference_port_ = 0, metrics_port_ = 0, explain_port_ = 0;
  std::unique_ptr<goalpost::testing::ServiceProcess> datasets_, inference_, metrics_, explain_;
  std::vector<int> orchestrator_ports_;
  std::vector<std::unique_ptr<goalpost::testing::ServiceProcess>> orchestrators_;
};

}  // namespace goalpost::e2e

#endif  // GOALPOST_TESTS_E2E_CLUSTER_H_

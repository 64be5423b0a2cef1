#include "tests/e2e/cluster.h"

#include "absl/strings/str_cat.h"

namespace goalpost::e2e {
namespace {

using goalpost::testing::BinaryPath;
using goalpost::testing::PickFreePort;
using goalpost::testing::ServiceProcess;

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

}  // namespace

absl::StatusOr<std::unique_ptr<Cluster>> Cluster::Start(const std::string& database_url,
                                                        OrchestratorOptions options) {
  auto cluster = std::unique_ptr<Cluster>(new Cluster());
  cluster->database_url_ = database_url;
  cluster->options_ = options;
  cluster->datasets_port_ = PickFreePort();
  cluster->inference_port_ = PickFreePort();
  cluster->metrics_port_ = PickFreePort();
  cluster->explain_port_ = PickFreePort();
  std::string datasets = Loopback(cluster->datasets_port_);
  std::string inference = Loopback(cluster->inference_port_);

  auto started = ServiceProcess::Start(BinaryPath("goalpost-datasets"),
                                       {"--database_url=" + database_url}, cluster->datasets_port_);
  if (!started.ok()) return started.status();
  cluster->datasets_ = std::move(*started);

  started = ServiceProcess::Start(BinaryPath("goalpost-inference"),
                                  {"--database_url=" + database_url, "--datasets_address=" + datasets},
                                  cluster->inference_port_);
  if (!started.ok()) return started.status();
  cluster->inference_ = std::move(*started);

  absl::Status metrics = cluster->StartMetrics();
  if (!metrics.ok()) return metrics;

  started = ServiceProcess::Start(BinaryPath("goalpost-explain"),
                                  {"--datasets_address=" + datasets, "--inference_address=" + inference},
                                  cluster->explain_port_);
  if (!started.ok()) return started.status();
  cluster->explain_ = std::move(*started);

  absl::StatusOr<int> orchestrator = cluster->AddOrchestrator();
  if (!orchestrator.ok()) return orchestrator.status();
  return cluster;
}

Cluster::~Cluster() {
  // Orchestrators first: they call every other service.
  for (auto& orchestrator : orchestrators_) orchestrator.reset();
  explain_.reset();
  metrics_.reset();
  inference_.reset();
  datasets_.reset();
}

std::vector<std::string> Cluster::OrchestratorArguments() const {
  return {"--database_url=" + database_url_,
          "--datasets_address=" + Loopback(datasets_port_),
          "--inference_address=" + Loopback(inference_port_),
          "--metrics_address=" + Loopback(metrics_port_),
          "--explain_address=" + Loopback(explain_port_),
          absl::StrCat("--workers=", options_.workers),
          absl::StrCat("--lease_seconds=", options_.lease_seconds),
          absl::StrCat("--max_attempts=", options_.max_attempts)};
}

absl::StatusOr<int> Cluster::AddOrchestrator() {
  int port = PickFreePort();
  auto started = ServiceProcess::Start(BinaryPath("goalpost-orchestrator"), OrchestratorArguments(),
                                       port);
  if (!started.ok()) return started.status();
  orchestrator_ports_.push_back(port);
  orchestrators_.push_back(std::move(*started));
  return static_cast<int>(orchestrators_.size()) - 1;
}

void Cluster::KillOrchestrator(int index) {
  orchestrators_[static_cast<size_t>(index)]->Kill();
  orchestrators_[static_cast<size_t>(index)].reset();
}

absl::Status Cluster::RestartOrchestrator(int index) {
  orchestrators_[static_cast<size_t>(index)].reset();
  auto started = ServiceProcess::Start(BinaryPath("goalpost-orchestrator"), OrchestratorArguments(),
                                       orchestrator_ports_[static_cast<size_t>(index)]);
  if (!started.ok()) return started.status();
  orchestrators_[static_cast<size_t>(index)] = std::move(*started);
  return absl::OkStatus();
}

void Cluster::StopMetrics() {
  if (metrics_ != nullptr) metrics_->Stop();
  metrics_.reset();
}

absl::Status Cluster::StartMetrics() {
  metrics_.reset();
  auto started = ServiceProcess::Start(BinaryPath("goalpost-metrics"),
                                       {"--datasets_address=" + Loopback(datasets_port_)},
                                       metrics_port_);
  if (!started.ok()) return started.status();
  metrics_ = std::move(*started);
  return absl::OkStatus();
}

std::string Cluster::orchestrator_address(int index) const {
  return Loopback(orchestrator_ports_[static_cast<size_t>(index)]);
}

std::vector<std::string> Cluster::CliFlags(int index) const {
  return {"--orchestrator", orchestrator_address(index), "--datasets", Loopback(datasets_port_),
          "--inference",    Loopback(inference_port_),   "--metrics",  Loopback(metrics_port_),
          "--explain",      Loopback(explain_port_)};
}

}  // namespace goalpost::e2e

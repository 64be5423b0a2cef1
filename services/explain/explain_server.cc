#include "services/explain/explain_server.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/explain/peer_channel.h"

namespace goalpost::explain {
namespace {

constexpr absl::Duration kHealthTimeout = absl::Seconds(2);

}  // namespace

absl::StatusOr<std::unique_ptr<ExplainServer>> ExplainServer::Create(
    const ExplainServerOptions& options) {
  if (options.datasets_address.empty()) {
    return absl::InvalidArgumentError("datasets_address is required");
  }
  if (options.inference_address.empty()) {
    return absl::InvalidArgumentError("inference_address is required");
  }

  std::unique_ptr<ExplainServer> server(new ExplainServer());
  server->options_ = options;
  server->datasets_channel_ = MakePeerChannel(options.datasets_address, options.max_message_bytes);
  server->inference_channel_ = MakePeerChannel(options.inference_address, options.max_message_bytes);
  server->datasets_ = std::make_unique<DatasetClient>(server->datasets_channel_,
                                                      options.datasets_address, options.call_timeout);
  server->inference_ = std::make_unique<InferenceClient>(
      server->inference_channel_, options.inference_address, options.call_timeout,
      options.max_batch_bytes);
  server->explainer_ = std::make_unique<RowExplainer>(server->inference_.get(), server->datasets_.get(),
                                                      RowExplainerOptions{options.parallel_rows});
  server->service_ = std::make_unique<ExplainServiceImpl>(server->explainer_.get());
  spdlog::info("explain service calls datasets at {} and inference at {}", options.datasets_address,
               options.inference_address);
  return server;
}

void ExplainServer::AddTo(ServiceHost& host) {
  host.AddService(service_.get(), "goalpost.explain.v1.ExplainService");
  host.SetReadinessCheck([this] { return CheckReadiness(); });
}

absl::Status ExplainServer::CheckReadiness() {
  absl::Status datasets = CheckPeerHealth(*datasets_channel_, "", kHealthTimeout);
  if (!datasets.ok()) {
    return Annotate(datasets, absl::StrCat("datasets service at ", options_.datasets_address));
  }
  absl::Status inference = CheckPeerHealth(*inference_channel_, "", kHealthTimeout);
  if (!inference.ok()) {
    return Annotate(inference, absl::StrCat("inference service at ", options_.inference_address));
  }
  return absl::OkStatus();
}

}  // namespace goalpost::explain

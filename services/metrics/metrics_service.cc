#include "services/metrics/metrics_service.h"

#include <spdlog/spdlog.h>

#include "absl/time/clock.h"
#include "common/status.h"

namespace goalpost::metrics {

using ::goalpost::metrics::v1::EvaluatePartialRequest;
using ::goalpost::metrics::v1::EvaluatePartialResponse;
using ::goalpost::metrics::v1::EvaluateRequest;
using ::goalpost::metrics::v1::EvaluateResponse;
using ::goalpost::metrics::v1::ListMetricNamesRequest;
using ::goalpost::metrics::v1::ListMetricNamesResponse;

namespace {

// Logs a failed call at debug level for bad input (the caller sees the
// message) and at warning level for everything else.
grpc::Status Finish(const absl::Status& status, const char* method, const std::string& dataset) {
  if (!status.ok()) {
    if (status.code() == absl::StatusCode::kInvalidArgument ||
        status.code() == absl::StatusCode::kNotFound ||
        status.code() == absl::StatusCode::kFailedPrecondition) {
      spdlog::debug("{} on {} failed: {}", method, dataset, status.ToString());
    } else {
      spdlog::warn("{} on {} failed: {}", method, dataset, status.ToString());
    }
  }
  return ToGrpcStatus(status);
}

}  // namespace

MetricsService::MetricsService(MetricsEvaluator* evaluator) : evaluator_(evaluator) {}

grpc::Status MetricsService::Evaluate(grpc::ServerContext*, const EvaluateRequest* request,
                                      EvaluateResponse* response) {
  auto result = evaluator_->Evaluate(*request);
  if (result.ok()) *response = *std::move(result);
  return Finish(result.status(), "Evaluate", request->dataset());
}

grpc::Status MetricsService::EvaluatePartial(grpc::ServerContext*,
                                             const EvaluatePartialRequest* request,
                                             EvaluatePartialResponse* response) {
  auto result = evaluator_->EvaluatePartial(*request);
  if (result.ok()) *response = *std::move(result);
  return Finish(result.status(), "EvaluatePartial", request->request().dataset());
}

grpc::Status MetricsService::ListMetricNames(grpc::ServerContext*,
                                             const ListMetricNamesRequest* request,
                                             ListMetricNamesResponse* response) {
  auto result = evaluator_->ListMetricNames(*request);
  if (result.ok()) *response = *std::move(result);
  return Finish(result.status(), "ListMetricNames", "");
}

GrpcPeerEvaluator::GrpcPeerEvaluator(std::shared_ptr<grpc::Channel> channel,
                                     absl::Duration call_timeout)
    : stub_(goalpost::metrics::v1::MetricsService::NewStub(std::move(channel))),
      call_timeout_(call_timeout) {}

absl::StatusOr<EvaluatePartialResponse> GrpcPeerEvaluator::EvaluatePartial(
    const EvaluatePartialRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  EvaluatePartialResponse response;
  const grpc::Status status = stub_->EvaluatePartial(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::Status RunMetricsServer(const MetricsServerOptions& options) {
  if (options.datasets_address.empty()) {
    return absl::InvalidArgumentError("--datasets_address is required, e.g. 127.0.0.1:50051");
  }
  const int max_bytes = options.server.max_message_bytes;
  std::shared_ptr<grpc::Channel> datasets_channel =
      MakeChannel(options.datasets_address, std::max(max_bytes, 64 * 1024 * 1024));
  GrpcDatasetSource source(datasets_channel, options.call_timeout);

  std::vector<std::unique_ptr<PeerEvaluator>> peers;
  for (const std::string& peer : options.peers) {
    peers.push_back(std::make_unique<GrpcPeerEvaluator>(MakeChannel(peer, max_bytes),
                                                        options.call_timeout));
  }
  MetricsEvaluator evaluator(&source, std::move(peers));
  MetricsService service(&evaluator);

  ServiceHost host(options.server);
  host.AddService(&service, "goalpost.metrics.v1.MetricsService");
  host.SetReadinessCheck([datasets_channel] {
    return CheckPeerHealth(*datasets_channel, "", absl::Seconds(2));
  });
  GOALPOST_RETURN_IF_ERROR(host.Start());
  spdlog::info("metrics service listening on {}; datasets at {}; {} peers", host.address(),
               options.datasets_address, options.peers.size());
  host.Wait();
  spdlog::info("metrics service stopped");
  return absl::OkStatus();
}

}  // namespace goalpost::metrics

#include "services/orchestrator/peer_clients.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace goalpost::orchestrator {
namespace {

// Like MakeChannel, with reconnection backoff capped at 2 s instead of
// gRPC's default of 120 s: a called service that restarts is used again
// within the run's own retries rather than minutes later.
std::shared_ptr<grpc::Channel> MakePeerChannel(const std::string& address) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  arguments.SetMaxSendMessageSize(64 * 1024 * 1024);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

}  // namespace

PeerClients::PeerClients(const PeerAddresses& peer_addresses)
    : addresses(peer_addresses),
      datasets_channel(MakePeerChannel(peer_addresses.datasets)),
      inference_channel(MakePeerChannel(peer_addresses.inference)),
      metrics_channel(MakePeerChannel(peer_addresses.metrics)),
      explain_channel(MakePeerChannel(peer_addresses.explain)),
      datasets(goalpost::datasets::v1::DatasetService::NewStub(datasets_channel)),
      inference(goalpost::inference::v1::InferenceService::NewStub(inference_channel)),
      metrics(goalpost::metrics::v1::MetricsService::NewStub(metrics_channel)),
      explain(goalpost::explain::v1::ExplainService::NewStub(explain_channel)) {}

absl::Status PeerClients::CheckHealth(absl::Duration timeout) const {
  const std::pair<const char*, grpc::Channel*> peers[] = {
      {"datasets", datasets_channel.get()},
      {"inference", inference_channel.get()},
      {"metrics", metrics_channel.get()},
      {"explain", explain_channel.get()},
  };
  for (const auto& [name, channel] : peers) {
    absl::Status health = CheckPeerHealth(*channel, "", timeout);
    if (!health.ok()) return Annotate(health, absl::StrCat("the ", name, " service"));
  }
  return absl::OkStatus();
}

absl::Status CallWithRetry(const RetryPolicy& policy, const std::string& what,
                           const std::function<grpc::Status(grpc::ClientContext&)>& call,
                           const std::function<bool()>& cancelled) {
  absl::Duration backoff = policy.initial_backoff;
  absl::Status status;
  for (int attempt = 1; attempt <= std::max(policy.max_attempts, 1); ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(policy.call_timeout));
    status = FromGrpcStatus(call(context));
    if (status.code() != absl::StatusCode::kUnavailable) break;
    if (attempt == policy.max_attempts) break;

    spdlog::warn("{} failed on attempt {} of {}: {}; retrying in {} ms", what, attempt,
                 policy.max_attempts, std::string(status.message()), absl::ToInt64Milliseconds(backoff));
    // Sleeps in short steps so that a cancelled run stops waiting promptly.
    absl::Time wake = absl::Now() + backoff;
    while (absl::Now() < wake) {
      if (cancelled && cancelled()) {
        return Annotate(status, absl::StrCat(what, " (cancelled while waiting to retry)"));
      }
      absl::SleepFor(std::min(absl::Milliseconds(50), wake - absl::Now()));
    }
    backoff = std::min(backoff * 2, policy.max_backoff);
  }
  if (status.ok()) return status;
  return Annotate(status, what);
}

}  // namespace goalpost::orchestrator

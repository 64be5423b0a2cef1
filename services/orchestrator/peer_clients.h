#ifndef GOALPOST_SERVICES_ORCHESTRATOR_PEER_CLIENTS_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_PEER_CLIENTS_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/explain/v1/explain.grpc.pb.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "goalpost/metrics/v1/metrics.grpc.pb.h"

namespace goalpost::orchestrator {

// host:port of each service the orchestrator calls.
struct PeerAddresses {
  std::string datasets = "127.0.0.1:50051";
  std::string inference = "127.0.0.1:50052";
  std::string metrics = "127.0.0.1:50053";
  std::string explain = "127.0.0.1:50054";
};

// One channel and stub per called service.
struct PeerClients {
  explicit PeerClients(const PeerAddresses& addresses);

  // OK when all four services report SERVING within `timeout` each;
  // otherwise UNAVAILABLE naming the first one that does not.
  absl::Status CheckHealth(absl::Duration timeout) const;

  PeerAddresses addresses;
  std::shared_ptr<grpc::Channel> datasets_channel;
  std::shared_ptr<grpc::Channel> inference_channel;
  std::shared_ptr<grpc::Channel> metrics_channel;
  std::shared_ptr<grpc::Channel> explain_channel;
  std::unique_ptr<goalpost::datasets::v1::DatasetService::Stub> datasets;
  std::unique_ptr<goalpost::inference::v1::InferenceService::Stub> inference;
  std::unique_ptr<goalpost::metrics::v1::MetricsService::Stub> metrics;
  std::unique_ptr<goalpost::explain::v1::ExplainService::Stub> explain;
};

// Retries of calls to other services. Only UNAVAILABLE is retried: it is
// the one code that signals that the same call may succeed later.
struct RetryPolicy {
  // Calls in all, the first included; at least 1.
  int max_attempts = 8;
  // Wait before the first retry; it doubles up to max_backoff.
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
  // Deadline of each call.
  absl::Duration call_timeout = absl::Minutes(10);
};

// Makes a call with a fresh ClientContext per attempt and retries it with
// exponential backoff while it fails with UNAVAILABLE. `what` names the
// call in logs and errors ("Evaluate projects/p/datasets/d"). When
// `cancelled` returns true the wait ends and the last error is returned
// annotated as such. Streaming calls must reset their output at the start of
// `call`, because a retry repeats the whole stream.
absl::Status CallWithRetry(const RetryPolicy& policy, const std::string& what,
                           const std::function<grpc::Status(grpc::ClientContext&)>& call,
                           const std::function<bool()>& cancelled = nullptr);

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_PEER_CLIENTS_H_

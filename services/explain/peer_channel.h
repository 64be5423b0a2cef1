#ifndef GOALPOST_SERVICES_EXPLAIN_PEER_CHANNEL_H_
#define GOALPOST_SERVICES_EXPLAIN_PEER_CHANNEL_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace goalpost::explain {

// A channel to a service this one calls. Reconnection attempts back off to
// at most one second (gRPC's default is two minutes), so explanations work
// again soon after a peer restarts.
std::shared_ptr<grpc::Channel> MakePeerChannel(const std::string& address, int max_message_bytes);

// The status of a failed call to a peer, with the peer named, e.g.
// "inference service at 127.0.0.1:50052: connection refused".
absl::Status PeerError(const grpc::Status& status, absl::string_view peer,
                       const std::string& address);

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_PEER_CHANNEL_H_

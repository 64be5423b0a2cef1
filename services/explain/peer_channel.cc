#include "services/explain/peer_channel.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace goalpost::explain {

std::shared_ptr<grpc::Channel> MakePeerChannel(const std::string& address, int max_message_bytes) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(max_message_bytes);
  arguments.SetMaxSendMessageSize(max_message_bytes);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

absl::Status PeerError(const grpc::Status& status, absl::string_view peer,
                       const std::string& address) {
  return Annotate(FromGrpcStatus(status), absl::StrCat(peer, " at ", address));
}

}  // namespace goalpost::explain

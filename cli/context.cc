#include "cli/context.h"

#include <chrono>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace goalpost::cli {
namespace {

// Largest message the CLI accepts: report rows and full reports stay far
// below it, but a wide tabular row page may not.
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

void Resolve(const Arguments& arguments, const std::string& flag, const char* variable,
             std::string* address) {
  if (std::optional<std::string> value = arguments.Get(flag); value.has_value()) {
    *address = *value;
    return;
  }
  const char* from_environment = std::getenv(variable);
  if (from_environment != nullptr && *from_environment != '\0') *address = from_environment;
}

}  // namespace

Addresses ResolveAddresses(const Arguments& arguments) {
  Addresses addresses;
  Resolve(arguments, "datasets", "GOALPOST_DATASETS", &addresses.datasets);
  Resolve(arguments, "inference", "GOALPOST_INFERENCE", &addresses.inference);
  Resolve(arguments, "metrics", "GOALPOST_METRICS", &addresses.metrics);
  Resolve(arguments, "explain", "GOALPOST_EXPLAIN", &addresses.explain);
  Resolve(arguments, "orchestrator", "GOALPOST_ORCHESTRATOR", &addresses.orchestrator);
  return addresses;
}

Context::Context(Arguments arguments, OutputFormat format, Addresses addresses,
                 std::ostream& out)
    : arguments_(std::move(arguments)),
      format_(format),
      addresses_(std::move(addresses)),
      out_(out) {}

std::shared_ptr<grpc::Channel> Context::Channel(const std::string& address) {
  auto found = channels_.find(address);
  if (found != channels_.end()) return found->second;

  grpc::ChannelArguments channel_arguments;
  channel_arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  channel_arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), channel_arguments);
  channels_[address] = channel;
  return channel;
}

void Context::PrintJson(const nlohmann::json& value) { out_ << value.dump(2) << "\n"; }

absl::StatusOr<OutputFormat> ParseOutputFormat(const Arguments& arguments) {
  std::string output = arguments.Get("output").value_or("text");
  if (output == "text") return OutputFormat::kText;
  if (output == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value \"", output, "\" for --output: use text or json"));
}

absl::Status RpcStatus(const grpc::Status& status, const std::string& doing) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(doing, ": ", status.error_message()));
}

std::unique_ptr<grpc::ClientContext> MakeClientContext(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

}  // namespace goalpost::cli

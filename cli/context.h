#ifndef GOALPOST_CLI_CONTEXT_H_
#define GOALPOST_CLI_CONTEXT_H_

#include <map>
#include <memory>
#include <ostream>
#include <string>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/arguments.h"

namespace goalpost::cli {

enum class OutputFormat { kText, kJson };

// Where the five services listen. Each address comes from its flag
// (--orchestrator, ...), else from its environment variable
// (GOALPOST_ORCHESTRATOR, ...), else from the local cluster's default port
// on 127.0.0.1.
struct Addresses {
  std::string datasets = "127.0.0.1:50051";
  std::string inference = "127.0.0.1:50052";
  std::string metrics = "127.0.0.1:50053";
  std::string explain = "127.0.0.1:50054";
  std::string orchestrator = "127.0.0.1:50055";
};

// Resolves the addresses from `arguments` and the environment.
Addresses ResolveAddresses(const Arguments& arguments);

// What every command handler gets: the parsed arguments, the output format,
// channels to the services and the streams to print to.
class Context {
 public:
  Context(Arguments arguments, OutputFormat format, Addresses addresses, std::ostream& out);

  const Arguments& arguments() const { return arguments_; }
  OutputFormat format() const { return format_; }
  bool json() const { return format_ == OutputFormat::kJson; }
  const Addresses& addresses() const { return addresses_; }
  std::ostream& out() { return out_; }

  // One channel per address, created on first use.
  std::shared_ptr<grpc::Channel> Channel(const std::string& address);

  // Prints `value` as indented JSON followed by a newline.
  void PrintJson(const nlohmann::json& value);

 private:
  Arguments arguments_;
  OutputFormat format_;
  Addresses addresses_;
  std::ostream& out_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

// Parses --output; INVALID_ARGUMENT for anything but "text" or "json".
absl::StatusOr<OutputFormat> ParseOutputFormat(const Arguments& arguments);

// Converts a failed RPC into an absl::Status with the same code, its message
// prefixed by what was being done ("creating the goal: ...").
absl::Status RpcStatus(const grpc::Status& status, const std::string& doing);

// A client context whose deadline is `seconds` from now.
std::unique_ptr<grpc::ClientContext> MakeClientContext(int seconds = 60);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_CONTEXT_H_

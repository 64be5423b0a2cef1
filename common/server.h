#ifndef GOALPOST_COMMON_SERVER_H_
#define GOALPOST_COMMON_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace goalpost {

// Start-up options shared by every goalpost service; main() fills them from
// flags (see common/flags.h) and libraries never read flags.
struct ServerOptions {
  // Name used in logs and as the health service name prefix, e.g. "datasets".
  std::string service_name;
  // host:port to listen on. Services listen on loopback unless deployed
  // behind a cluster network; port 0 picks a free port.
  std::string listen_address = "127.0.0.1:0";
  // How long a graceful shutdown waits for in-flight calls before it
  // cancels them.
  absl::Duration shutdown_deadline = absl::Seconds(10);
  // Largest message the server accepts and sends, in bytes.
  int max_message_bytes = 16 * 1024 * 1024;
  // How often the readiness check runs.
  absl::Duration readiness_interval = absl::Seconds(2);
};

// Runs one gRPC server with the services of one goalpost binary, the
// grpc.health.v1 health service and server reflection.
//
// Health: the overall status ("") and each registered service name report
// SERVING only while the readiness check passes (for example, while the
// database and the services this one calls are reachable), NOT_SERVING
// otherwise. The name kLivenessHealthName reports SERVING from Start until
// shutdown begins, whatever the dependencies, for liveness probes.
// Health service name that stays SERVING while the process serves.
inline constexpr char kLivenessHealthName[] = "liveness";

class ServiceHost {
 public:
  explicit ServiceHost(ServerOptions options);
  ~ServiceHost();

  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Registers a service; it must outlive the host. Call before Start().
  // `health_name`, when given, is the service's full name
  // (e.g. "goalpost.datasets.v1.DatasetService"), whose health status follows
  // the readiness check like the server's overall status ("").
  void AddService(grpc::Service* service, std::string health_name = "");

  // Sets the readiness check, run every readiness_interval; without one the
  // host is ready as soon as it listens. It returns OK when every dependency
  // is reachable; a failure is logged (rate-limited) with its message.
  void SetReadinessCheck(std::function<absl::Status()> check);

  // Binds and starts serving. Fails when the address cannot be bound.
  absl::Status Start();

  // The port actually bound; valid after Start().
  int port() const { return port_; }
  std::string address() const;

  // Blocks until SIGTERM or SIGINT (installed by Start) or Shutdown(), then
  // shuts down gracefully within shutdown_deadline.
  void Wait();

  // Starts a graceful shutdown from any thread; Wait() returns after it.
  void Shutdown();

 private:
  void ReadinessLoop();

  ServerOptions options_;
  std::vector<grpc::Service*> services_;
  std::function<absl::Status()> readiness_check_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  struct State;
  std::unique_ptr<State> state_;
};

// Returns a channel to `address` with the message size limit raised to
// max_message_bytes. Channels are cheap to share; create one per peer.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           int max_message_bytes = 64 * 1024 * 1024);

// Returns OK when the peer's health service reports SERVING for `service`
// ("" for the whole server) within `timeout`; UNAVAILABLE otherwise.
absl::Status CheckPeerHealth(grpc::Channel& channel, const std::string& service,
                             absl::Duration timeout);

}  // namespace goalpost

#endif  // GOALPOST_COMMON_SERVER_H_

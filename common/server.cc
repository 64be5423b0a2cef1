#include "common/server.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include "common/logging.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "third_party/grpc/health/v1/health.grpc.pb.h"

namespace goalpost {
namespace {

// Write end of the pipe that wakes ServiceHost::Wait. A signal handler may
// only make async-signal-safe calls, so it writes one byte here.
std::atomic<int> shutdown_pipe_write{-1};

extern "C" void HandleShutdownSignal(int) {
  int fd = shutdown_pipe_write.load();
  if (fd >= 0) {
    char byte = 1;
    [[maybe_unused]] ssize_t written = write(fd, &byte, 1);
  }
}

// How often a readiness failure that keeps repeating is logged again.
constexpr absl::Duration kReadinessLogInterval = absl::Minutes(1);

}  // namespace

struct ServiceHost::State {
  int pipe_read = -1;
  int pipe_write = -1;
  std::thread readiness_thread;
  absl::Mutex mutex;
  bool stopping ABSL_GUARDED_BY(mutex) = false;
  std::vector<std::string> health_names;
};

ServiceHost::ServiceHost(ServerOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {}

ServiceHost::~ServiceHost() {
  if (server_ != nullptr) {
    Shutdown();
    Wait();
  }
  if (state_->pipe_read >= 0) close(state_->pipe_read);
  if (state_->pipe_write >= 0) close(state_->pipe_write);
}

void ServiceHost::AddService(grpc::Service* service, std::string health_name) {
  services_.push_back(service);
  if (!health_name.empty()) state_->health_names.push_back(std::move(health_name));
}

void ServiceHost::SetReadinessCheck(std::function<absl::Status()> check) {
  readiness_check_ = std::move(check);
}

absl::Status ServiceHost::Start() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2 failed: errno ", errno));
  }
  state_->pipe_read = fds[0];
  state_->pipe_write = fds[1];

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  // gRPC sets SO_REUSEPORT by default, which would let a second copy of a
  // service start on a busy port and silently share its traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (grpc::Service* service : services_) builder.RegisterService(service);

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options_.listen_address,
        "; check that the address is valid and the port is free"));
  }

  // Not ready until the first readiness check passes, but alive.
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->GetHealthCheckService()->SetServingStatus(kLivenessHealthName, true);

  shutdown_pipe_write.store(state_->pipe_write);
  struct sigaction action = {};
  action.sa_handler = HandleShutdownSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  state_->readiness_thread = std::thread([this] { ReadinessLoop(); });
  spdlog::info("{} listening on {}", options_.service_name, address());
  return absl::OkStatus();
}

std::string ServiceHost::address() const {
  std::string host = options_.listen_address.substr(0, options_.listen_address.rfind(':'));
  return absl::StrCat(host, ":", port_);
}

void ServiceHost::ReadinessLoop() {
  bool last_ready = false;
  bool first_check = true;
  absl::Time last_failure_log = absl::InfinitePast();

  while (true) {
    absl::Status readiness = readiness_check_ ? readiness_check_() : absl::OkStatus();
    bool ready = readiness.ok();

    {
      absl::MutexLock lock(&state_->mutex);
      if (state_->stopping) return;
      grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
      health->SetServingStatus("", ready);
      for (const std::string& name : state_->health_names) health->SetServingStatus(name, ready);
    }

    if (ready && (first_check || !last_ready)) {
      spdlog::info("{} is ready (SERVING)", options_.service_name);
    } else if (!ready && (last_ready || absl::Now() - last_failure_log > kReadinessLogInterval)) {
      spdlog::warn("{} is not ready (NOT_SERVING): {}", options_.service_name,
                   readiness.ToString());
      last_failure_log = absl::Now();
    }
    last_ready = ready;
    first_check = false;

    absl::MutexLock lock(&state_->mutex);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_->mutex) {
      return state_->stopping;
    };
    state_->mutex.AwaitWithTimeout(absl::Condition(&stopping), options_.readiness_interval);
    if (state_->stopping) return;
  }
}

void ServiceHost::Shutdown() {
  if (state_->pipe_write >= 0) {
    char byte = 1;
    [[maybe_unused]] ssize_t written = write(state_->pipe_write, &byte, 1);
  }
}

void ServiceHost::Wait() {
  if (server_ == nullptr) return;

  char byte;
  while (read(state_->pipe_read, &byte, 1) < 0 && errno == EINTR) {
  }

  {
    absl::MutexLock lock(&state_->mutex);
    if (state_->stopping) return;
    state_->stopping = true;
    server_->GetHealthCheckService()->SetServingStatus(false);
  }
  if (state_->readiness_thread.joinable()) state_->readiness_thread.join();

  spdlog::info("{} shutting down; waiting up to {} for in-flight calls", options_.service_name,
               absl::FormatDuration(options_.shutdown_deadline));
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(options_.shutdown_deadline));
  server_->Wait();
  shutdown_pipe_write.store(-1);
  spdlog::info("{} stopped", options_.service_name);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, int max_message_bytes) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(max_message_bytes);
  arguments.SetMaxSendMessageSize(max_message_bytes);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

absl::Status CheckPeerHealth(grpc::Channel& channel, const std::string& service,
                             absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;

  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("health check failed: ", status.error_message()));
  }
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(absl::StrCat(
        "peer reports ", grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                             response.status())));
  }
  return absl::OkStatus();
}

}  // namespace goalpost

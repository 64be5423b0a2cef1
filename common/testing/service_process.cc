#include "common/testing/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/server.h"

namespace goalpost::testing {
namespace {

// How long Stop() waits after SIGTERM before it sends SIGKILL.
constexpr absl::Duration kStopGrace = absl::Seconds(10);

// Waits for `pid` up to `timeout`; returns true and the status when it exited.
bool WaitForExit(pid_t pid, absl::Duration timeout, int* status) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string Tail(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

}  // namespace

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

std::string BinaryPath(const std::string& name) {
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path() / name).string();
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    const std::string& binary, const std::vector<std::string>& arguments, int port,
    absl::Duration timeout) {
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(binary, " is not built; build it first"));
  }
  auto process = std::unique_ptr<ServiceProcess>(new ServiceProcess());
  process->port_ = port;
  const char* tmp = std::getenv("TMPDIR");
  process->log_path_ = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/goalpost-",
                                    std::filesystem::path(binary).filename().string(), "-",
                                    port, ".log");

  std::vector<std::string> argv = {binary, absl::StrCat("--listen_address=127.0.0.1:", port)};
  argv.insert(argv.end(), arguments.begin(), arguments.end());

  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int log = open(process->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  process->pid_ = pid;

  std::shared_ptr<grpc::Channel> channel = MakeChannel(process->address());
  absl::Time deadline = absl::Now() + timeout;
  absl::Status health;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      process->pid_ = -1;
      return absl::InternalError(absl::StrCat(binary, " exited during start-up (status ", status,
                                              "):\n", Tail(process->Output(), 4000)));
    }
    health = CheckPeerHealth(*channel, "", absl::Milliseconds(500));
    if (health.ok()) return process;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat(binary, " not SERVING after ",
                                                  absl::FormatDuration(timeout), ": ",
                                                  health.message(), "\n",
                                                  Tail(process->Output(), 4000)));
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) Stop();
  if (!log_path_.empty()) std::filesystem::remove(log_path_);
}

int ServiceProcess::Stop() {
  if (pid_ <= 0) return -1;
  int status = 0;
  kill(pid_, SIGTERM);
  if (!WaitForExit(pid_, kStopGrace, &status)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return status;
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::string ServiceProcess::Output() const {
  std::ifstream log(log_path_);
  std::stringstream content;
  content << log.rdbuf();
  return content.str();
}

}  // namespace goalpost::testing

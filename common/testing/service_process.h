#ifndef GOALPOST_COMMON_TESTING_SERVICE_PROCESS_H_
#define GOALPOST_COMMON_TESTING_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace goalpost::testing {

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int PickFreePort();

// Returns the path of a binary built into build/bin, from the directory of
// the running test binary.
std::string BinaryPath(const std::string& name);

// One goalpost service binary started as a child process for an
// integration test, listening on 127.0.0.1. It is stopped by process id
// (SIGTERM, then SIGKILL after 10 s) in the destructor or by Stop().
class ServiceProcess {
 public:
  // Starts `binary` with `arguments` and waits until its health service
  // reports SERVING on 127.0.0.1:port, or fails after `timeout` with the
  // tail of the child's output.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      const std::string& binary, const std::vector<std::string>& arguments, int port,
      absl::Duration timeout = absl::Seconds(30));
  ~ServiceProcess();

  // Sends SIGTERM and waits for the exit; returns the exit status.
  int Stop();
  // Sends SIGKILL and waits, to simulate a crash.
  void Kill();

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string address() const;
  // Everything the child wrote to stdout and stderr so far.
  std::string Output() const;

 private:
  ServiceProcess() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace goalpost::testing

#endif  // GOALPOST_COMMON_TESTING_SERVICE_PROCESS_H_

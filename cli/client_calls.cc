#include "cli/client_calls.h"

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "cli/json_shapes.h"
#include "cli/resource_names.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

bool Finished(const orchestrator::Run& run) {
  return run.state() == orchestrator::RUN_STATE_SUCCEEDED ||
         run.state() == orchestrator::RUN_STATE_FAILED;
}

// Watches the event stream until the run ends or the stream breaks. Returns
// the last state once the run has ended, UNAVAILABLE when the stream broke
// first.
absl::StatusOr<orchestrator::Run> Watch(Context& context, orchestrator::GoalOrchestrator::Stub& stub,
                                        const std::string& run_name,
                                        std::chrono::system_clock::time_point deadline) {
  grpc::ClientContext client_context;
  client_context.set_deadline(deadline);
  orchestrator::WatchRunRequest request;
  request.set_name(run_name);
  auto reader = stub.WatchRun(&client_context, request);

  // Each message carries the run as it was when the message was sent, not
  // as it was at the event, so only the first line (the current state) and
  // the last line (the final state) print a state.
  orchestrator::Run last;
  orchestrator::WatchRunResponse event;
  bool first_message = true;
  while (reader->Read(&event)) {
    last = event.run();
    if (!context.json()) {
      if (first_message) {
        context.out() << "  " << RunStateWord(last.state()) << std::endl;
      } else if (!event.message().empty()) {
        context.out() << "  " << event.message() << std::endl;
      }
    }
    first_message = false;
  }
  // The server ends the stream after the run's final event.
  grpc::Status status = reader->Finish();
  if (Finished(last)) {
    if (!context.json()) context.out() << "  " << RunStateWord(last.state()) << std::endl;
    return last;
  }
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return RpcStatus(status, "watching the run");
  }
  return absl::UnavailableError(absl::StrCat("watching the run: ", status.error_message()));
}

}  // namespace

absl::StatusOr<orchestrator::Project> FetchProject(Context& context, const std::string& project) {
  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::GetProjectRequest request;
  request.set_name(ProjectName(project));
  orchestrator::GetProjectResponse response;
  grpc::Status status = stub->GetProject(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading ", request.name()));
  return response.project();
}

absl::StatusOr<orchestrator::Run> WaitForRun(Context& context, const std::string& run,
                                             int timeout_seconds) {
  auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds);
  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  if (!context.json()) context.out() << "waiting for " << run << std::endl;

  absl::StatusOr<orchestrator::Run> watched = Watch(context, *stub, run, deadline);
  if (watched.ok() || watched.status().code() != absl::StatusCode::kUnavailable) return watched;

  // The stream broke before the run ended; an orchestrator replica that
  // restarts or takes the run over keeps it going, so poll until the end.
  while (std::chrono::system_clock::now() < deadline) {
    orchestrator::GetRunRequest request;
    request.set_name(run);
    orchestrator::GetRunResponse response;
    grpc::Status status = stub->GetRun(MakeClientContext(10).get(), request, &response);
    if (status.ok() && Finished(response.run())) return response.run();
    if (!status.ok() && status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      return RpcStatus(status, "reading the run");
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "run ", run, " did not finish within ", timeout_seconds, " s; check it with goalpost run wait"));
}

absl::Status RunOutcome(const orchestrator::Run& run) {
  if (run.state() == orchestrator::RUN_STATE_SUCCEEDED) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("run ", run.name(), " failed after ", run.attempts(),
                                         " attempts: ", run.error()));
}

}  // namespace goalpost::cli

#include "common/server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "goalpost/datasets/v1/datasets.grpc.pb.h"

namespace goalpost {
namespace {

namespace datasets = ::goalpost::datasets::v1;

// A service whose GetDataset takes `delay` to respond, to observe in-flight
// calls during shutdown. Every other method is UNIMPLEMENTED.
class SlowDatasets final : public datasets::DatasetService::Service {
 public:
  explicit SlowDatasets(std::chrono::milliseconds delay) : delay_(delay) {}

  grpc::Status GetDataset(grpc::ServerContext*, const datasets::GetDatasetRequest* request,
                          datasets::GetDatasetResponse* response) override {
    started_ = true;
    std::this_thread::sleep_for(delay_);
    response->mutable_dataset()->set_name(request->name());
    return grpc::Status::OK;
  }

  std::atomic<bool> started_{false};

 private:
  std::chrono::milliseconds delay_;
};

ServerOptions TestOptions() {
  ServerOptions options;
  options.service_name = "test";
  options.listen_address = "127.0.0.1:0";
  options.readiness_interval = absl::Milliseconds(50);
  options.shutdown_deadline = absl::Seconds(5);
  return options;
}

absl::Status WaitForHealth(grpc::Channel& channel, const std::string& service, bool serving) {
  absl::Status last;
  for (int i = 0; i < 100; ++i) {
    last = CheckPeerHealth(channel, service, absl::Seconds(1));
    if (last.ok() == serving) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(last.ToString());
}

TEST(ServiceHostTest, HealthFollowsReadinessCheck) {
  SlowDatasets service(std::chrono::milliseconds(0));
  std::atomic<bool> database_up{false};

  ServiceHost host(TestOptions());
  host.AddService(&service, "goalpost.datasets.v1.DatasetService");
  host.SetReadinessCheck([&]() -> absl::Status {
    if (database_up) return absl::OkStatus();
    return absl::UnavailableError("database down");
  });
  ASSERT_TRUE(host.Start().ok());
  ASSERT_GT(host.port(), 0);
  std::shared_ptr<grpc::Channel> channel = MakeChannel(host.address());

  EXPECT_TRUE(WaitForHealth(*channel, "", /*serving=*/false).ok());
  // Liveness does not depend on the readiness check.
  EXPECT_TRUE(CheckPeerHealth(*channel, kLivenessHealthName, absl::Seconds(1)).ok());
  database_up = true;
  EXPECT_TRUE(WaitForHealth(*channel, "", /*serving=*/true).ok());
  EXPECT_TRUE(WaitForHealth(*channel, "goalpost.datasets.v1.DatasetService", true).ok());
  database_up = false;
  EXPECT_TRUE(WaitForHealth(*channel, "goalpost.datasets.v1.DatasetService", false).ok());
  EXPECT_TRUE(CheckPeerHealth(*channel, kLivenessHealthName, absl::Seconds(1)).ok());

  host.Shutdown();
  host.Wait();
}

TEST(ServiceHostTest, UnimplementedMethodsSayUnimplemented) {
  SlowDatasets service(std::chrono::milliseconds(0));
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());

  auto stub = datasets::DatasetService::NewStub(MakeChannel(host.address()));
  grpc::ClientContext context;
  datasets::ListDatasetsRequest request;
  datasets::ListDatasetsResponse response;
  EXPECT_EQ(stub->ListDatasets(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  host.Shutdown();
  host.Wait();
}

TEST(ServiceHostTest, ShutdownFinishesInFlightCalls) {
  SlowDatasets service(std::chrono::milliseconds(700));
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());

  auto stub = datasets::DatasetService::NewStub(MakeChannel(host.address()));
  std::future<grpc::Status> call = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    datasets::GetDatasetRequest request;
    request.set_name("projects/p/datasets/d");
    datasets::GetDatasetResponse response;
    return stub->GetDataset(&context, request, &response);
  });
  while (!service.started_) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  host.Shutdown();
  host.Wait();
  grpc::Status status = call.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST(ServiceHostTest, BusyPortFailsToStart) {
  SlowDatasets service(std::chrono::milliseconds(0));
  ServiceHost first(TestOptions());
  first.AddService(&service);
  ASSERT_TRUE(first.Start().ok());

  ServerOptions options = TestOptions();
  options.listen_address = first.address();
  SlowDatasets other(std::chrono::milliseconds(0));
  ServiceHost second(options);
  second.AddService(&other);
  absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);

  first.Shutdown();
  first.Wait();
}

}  // namespace
}  // namespace goalpost

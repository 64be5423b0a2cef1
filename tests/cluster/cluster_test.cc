// The whole cluster over real gRPC: a private PostgreSQL and the five
// service binaries on free loopback ports, wired to each other with the
// same peer flags that `./run up` uses.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "third_party/grpc/health/v1/health.grpc.pb.h"
#include "tests/cluster/reflection_client.h"

namespace goalpost::testing {
namespace {

using ::testing::IsSupersetOf;

// One service of the cluster: its binary and the gRPC service it serves.
// Health is checked for the whole server (""), for each binary's own gRPC
// service name and for the "liveness" name that Kubernetes probes use.
struct ServiceSpec {
  std::string name;
  std::string grpc_service;
};

// In start order: each service starts after the services it calls, because
// it reports SERVING only while they are reachable.
const std::vector<ServiceSpec>& ServiceSpecs() {
  static const auto* specs = new std::vector<ServiceSpec>{
      {"datasets", "goalpost.datasets.v1.DatasetService"},
      {"inference", "goalpost.inference.v1.InferenceService"},
      {"metrics", "goalpost.metrics.v1.MetricsService"},
      {"explain", "goalpost.explain.v1.ExplainService"},
      {"orchestrator", "goalpost.orchestrator.v1.GoalOrchestrator"},
  };
  return *specs;
}

constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

grpc::health::v1::HealthCheckResponse::ServingStatus HealthStatus(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
    grpc::Status* call_status) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  *call_status = stub->Check(&context, request, &response);
  return response.status();
}

// Polls the whole-server health status until it leaves SERVING, because
// readiness is re-checked every few seconds; gives up after kStartTimeout.
grpc::health::v1::HealthCheckResponse::ServingStatus StatusOnceNotServing(
    const std::shared_ptr<grpc::Channel>& channel, grpc::Status* call_status) {
  absl::Time deadline = absl::Now() + kStartTimeout;
  while (true) {
    grpc::health::v1::HealthCheckResponse::ServingStatus status =
        HealthStatus(channel, "", call_status);
    if (status != grpc::health::v1::HealthCheckResponse::SERVING || absl::Now() >= deadline) {
      return status;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<PostgresServer>> postgres = PostgresServer::Start();
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    postgres_ = std::move(*postgres);

    for (const ServiceSpec& spec : ServiceSpecs()) ports_[spec.name] = PickFreePort();
    for (const ServiceSpec& spec : ServiceSpecs()) {
      absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(
          BinaryPath("goalpost-" + spec.name), Arguments(spec.name), ports_[spec.name],
          kStartTimeout);
      ASSERT_TRUE(process.ok()) << "goalpost-" << spec.name << ": " << process.status();
      processes_[spec.name] = std::move(*process);
    }
  }

  void TearDown() override {
    // Callers first, so no service logs its peers vanishing mid-call.
    for (auto spec = ServiceSpecs().rbegin(); spec != ServiceSpecs().rend(); ++spec) {
      processes_.erase(spec->name);
    }
    postgres_.reset();
  }

  std::string Address(const std::string& name) {
    return absl::StrCat("127.0.0.1:", ports_[name]);
  }

  // The flags of `./run up`, with this test's ports and database.
  std::vector<std::string> Arguments(const std::string& name) {
    std::string database = "--database_url=" + postgres_->url();
    std::string datasets = "--datasets_address=" + Address("datasets");
    std::string inference = "--inference_address=" + Address("inference");
    if (name == "datasets") return {database};
    if (name == "inference") return {database, datasets};
    if (name == "metrics") return {datasets};
    if (name == "explain") return {datasets, inference};
    return {database, datasets, inference, "--metrics_address=" + Address("metrics"),
            "--explain_address=" + Address("explain")};
  }

  std::unique_ptr<PostgresServer> postgres_;
  std::map<std::string, int> ports_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> processes_;
};

TEST_F(ClusterTest, EveryServiceReportsServing) {
  for (const ServiceSpec& spec : ServiceSpecs()) {
    SCOPED_TRACE("goalpost-" + spec.name);
    std::shared_ptr<grpc::Channel> channel = MakeChannel(Address(spec.name));

    for (const std::string& health_name : {std::string(), spec.grpc_service,
                                           std::string(kLivenessHealthName)}) {
      SCOPED_TRACE("health name \"" + health_name + "\"");
      grpc::Status call;
      EXPECT_EQ(HealthStatus(channel, health_name, &call),
                grpc::health::v1::HealthCheckResponse::SERVING);
      EXPECT_TRUE(call.ok()) << call.error_message();
    }
  }
}

TEST_F(ClusterTest, ReflectionListsFiveGoalpostServices) {
  std::vector<std::string> goalpost_services;
  for (const ServiceSpec& spec : ServiceSpecs()) {
    SCOPED_TRACE("goalpost-" + spec.name);
    absl::StatusOr<std::vector<std::string>> listed =
        ListReflectedServices(MakeChannel(Address(spec.name)), kCallTimeout);
    ASSERT_TRUE(listed.ok()) << listed.status();

    // Every server also lists the health service next to its own.
    EXPECT_THAT(*listed, IsSupersetOf({spec.grpc_service, std::string("grpc.health.v1.Health")}));
    for (const std::string& name : *listed) {
      if (name.rfind("goalpost.", 0) == 0) goalpost_services.push_back(name);
    }
  }

  std::vector<std::string> expected;
  for (const ServiceSpec& spec : ServiceSpecs()) expected.push_back(spec.grpc_service);
  EXPECT_THAT(goalpost_services, ::testing::UnorderedElementsAreArray(expected));
}

TEST_F(ClusterTest, DependentsStopServingWithoutDatasets) {
  processes_.at("datasets")->Stop();

  for (const std::string name : {"inference", "metrics", "explain", "orchestrator"}) {
    SCOPED_TRACE("goalpost-" + name);
    grpc::Status call;
    std::shared_ptr<grpc::Channel> channel = MakeChannel(Address(name));
    EXPECT_EQ(StatusOnceNotServing(channel, &call),
              grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    EXPECT_TRUE(call.ok()) << call.error_message();
    // Still alive, so a liveness probe does not restart it.
    EXPECT_EQ(HealthStatus(channel, kLivenessHealthName, &call),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

}  // namespace
}  // namespace goalpost::testing

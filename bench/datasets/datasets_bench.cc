// Benchmarks of goalpost-datasets against PostgreSQL's own COPY, on one
// private PostgreSQL server started for the run.
//
//   datasets_bench upload FILE.csv   gRPC upload vs psql \copy of the same file,
//                                    and the service's peak memory
//   datasets_bench read FILE.csv     ReadColumns of label, prediction and
//                                    probabilities vs COPY (SELECT ...) TO STDOUT
//
// FILE.csv comes from generate_inputs.py ("upload" or "read" kind).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"

namespace {

namespace v1 = ::goalpost::datasets::v1;

constexpr size_t kSliceBytes = 1 << 20;
constexpr int kReadRepeats = 3;

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "datasets_bench: " << message << "\n";
  std::exit(EXIT_FAILURE);
}

// Kilobytes of a /proc/<pid>/status field such as VmHWM (peak resident set).
int64_t ProcessMemoryKilobytes(pid_t pid, const std::string& field) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}

double RunShell(const std::string& command) {
  const absl::Time start = absl::Now();
  if (std::system(command.c_str()) != 0) Fail("command failed: " + command);
  return absl::ToDoubleSeconds(absl::Now() - start);
}

v1::DatasetSpec UploadSpec(bool text) {
  v1::DatasetSpec spec;
  spec.set_project("projects/bench");
  spec.set_role(v1::DATASET_ROLE_VALIDATION);
  spec.set_id_column("id");
  if (text) {
    spec.add_text_columns("text");
    spec.add_numeric_columns("length");
    spec.add_categorical_columns("group");
  }
  spec.set_label_column("label");
  spec.set_prediction_column("prediction");
  spec.add_probability_columns("prob_ham");
  spec.add_probability_columns("prob_spam");
  spec.add_class_names("ham");
  spec.add_class_names("spam");
  return spec;
}

// Streams the file in 1 MiB slices; returns the dataset.
v1::Dataset Upload(v1::DatasetService::Stub& stub, const std::string& path, bool text) {
  grpc::ClientContext context;
  v1::UploadDatasetResponse response;
  auto writer = stub.UploadDataset(&context, &response);
  v1::UploadDatasetRequest request;
  *request.mutable_spec() = UploadSpec(text);
  writer->Write(request);

  std::ifstream file(path, std::ios::binary);
  std::string slice(kSliceBytes, '\0');
  while (file) {
    file.read(slice.data(), static_cast<std::streamsize>(slice.size()));
    request.set_csv_chunk(slice.data(), static_cast<size_t>(file.gcount()));
    if (file.gcount() > 0 && !writer->Write(request)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) Fail("upload failed: " + status.error_message());
  return response.dataset();
}

struct Setup {
  std::unique_ptr<goalpost::testing::PostgresServer> postgres;
  std::unique_ptr<goalpost::testing::ServiceProcess> service;
  std::unique_ptr<v1::DatasetService::Stub> stub;
};

Setup Start() {
  Setup setup;
  auto postgres = goalpost::testing::PostgresServer::Start();
  if (!postgres.ok()) Fail(std::string(postgres.status().message()));
  setup.postgres = std::move(postgres).value();

  const int port = goalpost::testing::PickFreePort();
  auto service = goalpost::testing::ServiceProcess::Start(
      goalpost::testing::BinaryPath("goalpost-datasets"),
      {"--database_url=" + setup.postgres->url(), absl::StrCat("--listen_address=127.0.0.1:", port),
       "--max_upload_bytes=0", "--max_message_bytes=67108864"},
      port);
  if (!service.ok()) Fail(std::string(service.status().message()));
  setup.service = std::move(service).value();

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  setup.stub = v1::DatasetService::NewStub(grpc::CreateCustomChannel(
      setup.service->address(), grpc::InsecureChannelCredentials(), arguments));
  return setup;
}

std::string Psql(const Setup& setup, const std::string& command) {
  return absl::StrCat("psql -q -v ON_ERROR_STOP=1 '", setup.postgres->url(), "' -c \"", command,
                      "\"");
}

void BenchUpload(const std::string& path) {
  Setup setup = Start();
  const pid_t pid = setup.service->pid();
  const int64_t idle_kilobytes = ProcessMemoryKilobytes(pid, "VmRSS");

  const absl::Time start = absl::Now();
  const v1::Dataset dataset = Upload(*setup.stub, path, /*text=*/true);
  const double upload_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t peak_kilobytes = ProcessMemoryKilobytes(pid, "VmHWM");

  RunShell(Psql(setup,
                "CREATE TABLE plain (id text, text text, length float8, label text, "
                "\\\"group\\\" text, prediction text, prob_ham float8, prob_spam float8)"));
  const double copy_seconds = RunShell(
      Psql(setup, absl::StrCat("\\copy plain FROM '", path, "' WITH (FORMAT csv, HEADER true)")));

  std::printf("rows                          %lld\n", static_cast<long long>(dataset.row_count()));
  std::printf("gRPC upload (validate, index)  %.2f s\n", upload_seconds);
  std::printf("psql \\copy into a plain table  %.2f s\n", copy_seconds);
  std::printf("upload / \\copy                 %.2f\n", upload_seconds / copy_seconds);
  std::printf("service memory idle (VmRSS)   %.1f MiB\n", idle_kilobytes / 1024.0);
  std::printf("service peak memory (VmHWM)   %.1f MiB\n", peak_kilobytes / 1024.0);
  std::printf("stored bytes (zstd chunks)    %lld\n", static_cast<long long>(dataset.stored_bytes()));
}

// Reads the four columns through the gRPC stream and touches every value.
double TimeReadColumns(v1::DatasetService::Stub& stub, const std::string& name, int64_t rows) {
  const absl::Time start = absl::Now();
  v1::ReadColumnsRequest request;
  request.set_name(name);
  for (const char* column : {"label", "prediction", "probability[ham]", "probability[spam]"}) {
    request.add_columns(column);
  }
  grpc::ClientContext context;
  auto reader = stub.ReadColumns(&context, request);
  v1::ReadColumnsResponse response;
  int64_t read = 0;
  double sum = 0;
  while (reader->Read(&response)) {
    read += response.row_count();
    for (double probability : response.columns(3).doubles()) sum += probability;
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) Fail("read failed: " + status.error_message());
  if (read != rows || !std::isfinite(sum)) Fail("read returned the wrong rows");
  return absl::ToDoubleSeconds(absl::Now() - start);
}

void BenchRead(const std::string& path) {
  Setup setup = Start();
  const absl::Time start = absl::Now();
  const v1::Dataset dataset = Upload(*setup.stub, path, /*text=*/false);
  const double upload_seconds = absl::ToDoubleSeconds(absl::Now() - start);

  RunShell(Psql(setup, "CREATE TABLE plain (id text, label text, prediction text, "
                       "prob_ham float8, prob_spam float8)"));
  const double copy_in_seconds = RunShell(
      Psql(setup, absl::StrCat("\\copy plain FROM '", path, "' WITH (FORMAT csv, HEADER true)")));
  RunShell(Psql(setup, "VACUUM ANALYZE plain"));

  std::printf("rows                              %lld\n", static_cast<long long>(dataset.row_count()));
  std::printf("gRPC upload                       %.2f s (psql \\copy in: %.2f s)\n", upload_seconds,
              copy_in_seconds);
  for (int run = 1; run <= kReadRepeats; ++run) {
    const double read_seconds = TimeReadColumns(*setup.stub, dataset.name(), dataset.row_count());
    const double copy_seconds = RunShell(absl::StrCat(
        "psql -q '", setup.postgres->url(),
        "' -c \"COPY (SELECT label, prediction, prob_ham, prob_spam FROM plain) TO STDOUT\" "
        "> /dev/null"));
    std::printf("run %d: ReadColumns %.2f s, COPY TO STDOUT %.2f s, speed-up %.2fx\n", run,
                read_seconds, copy_seconds, copy_seconds / read_seconds);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) Fail("usage: datasets_bench upload|read FILE.csv");
  const std::string mode = argv[1];
  if (mode == "upload") {
    BenchUpload(argv[2]);
  } else if (mode == "read") {
    BenchRead(argv[2]);
  } else {
    Fail("unknown mode " + mode);
  }
  return EXIT_SUCCESS;
}

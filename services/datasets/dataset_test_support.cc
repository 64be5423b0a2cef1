#include "services/datasets/dataset_test_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <pqxx/pqxx>

#include "common/testing/postgres_server.h"

namespace goalpost::datasets::testing {

TestDatasetServer::TestDatasetServer(const std::string& database_name, int64_t max_upload_bytes) {
  absl::StatusOr<std::string> url =
      goalpost::testing::SharedPostgresServer().CreateDatabase(database_name);
  if (!url.ok()) {
    std::cerr << "cannot create database " << database_name << ": " << url.status() << "\n";
    std::abort();
  }
  database_url_ = *url;

  DatasetServiceOptions options;
  options.database_url = database_url_;
  options.connection_pool_size = 4;
  options.upload.max_upload_bytes = max_upload_bytes;
  absl::StatusOr<std::unique_ptr<DatasetServiceImpl>> service = DatasetServiceImpl::Create(options);
  if (!service.ok()) {
    std::cerr << "cannot create the datasets service: " << service.status() << "\n";
    std::abort();
  }
  service_ = std::move(service).value();

  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    std::cerr << "cannot start the gRPC server on 127.0.0.1\n";
    std::abort();
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  stub_ = v1::DatasetService::NewStub(grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), arguments));
}

TestDatasetServer::~TestDatasetServer() { server_->Shutdown(); }

int64_t TestDatasetServer::StoredRowCount() {
  pqxx::connection connection(database_url_);
  pqxx::nontransaction query(connection);
  return query
      .exec1("SELECT (SELECT count(*) FROM datasets.datasets) + "
             "(SELECT count(*) FROM datasets.chunks) + "
             "(SELECT count(*) FROM datasets.token_index) + "
             "(SELECT count(*) FROM datasets.prediction_sets) + "
             "(SELECT count(*) FROM datasets.prediction_chunks)")[0]
      .as<int64_t>();
}

grpc::Status UploadCsv(v1::DatasetService::Stub& stub, const v1::DatasetSpec& spec,
                       const std::string& csv, size_t slice_bytes,
                       v1::UploadDatasetResponse* response) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientWriter<v1::UploadDatasetRequest>> writer =
      stub.UploadDataset(&context, response);
  v1::UploadDatasetRequest request;
  *request.mutable_spec() = spec;
  bool open = writer->Write(request);
  for (size_t offset = 0; open && offset < csv.size(); offset += slice_bytes) {
    request.set_csv_chunk(csv.substr(offset, slice_bytes));
    open = writer->Write(request);
  }
  writer->WritesDone();
  return writer->Finish();
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

std::vector<std::string> CommandOutputLines(const std::string& command) {
  std::vector<std::string> lines;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return lines;
  std::string output;
  char buffer[1 << 16];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, read);
  pclose(pipe);

  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    lines.push_back(output.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

v1::DatasetSpec SpamAssassinSpec() {
  v1::DatasetSpec spec;
  spec.set_project("projects/test");
  spec.set_display_name("spamassassin");
  spec.set_role(v1::DATASET_ROLE_VALIDATION);
  spec.set_id_column("id");
  spec.add_text_columns("text");
  spec.add_categorical_columns("group");
  spec.set_label_column("label");
  spec.set_prediction_column("prediction");
  spec.add_probability_columns("prob_ham");
  spec.add_probability_columns("prob_spam");
  spec.add_class_names("ham");
  spec.add_class_names("spam");
  spec.set_check_prediction_is_argmax(true);
  return spec;
}

}  // namespace goalpost::datasets::testing

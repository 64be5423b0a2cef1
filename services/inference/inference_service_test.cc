// Integration tests of goalpost-inference's gRPC surface: a real PostgreSQL,
// the service on a loopback port, real gRPC clients (C++ and Debian's
// python3-grpcio), and an independent KServe v2 server written in Python.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "inference/grpc_predict_v2.grpc.pb.h"
#include "services/inference/inference_server.h"
#include "services/inference/test_python.h"

extern char** environ;

namespace goalpost::inference {
namespace {

using nlohmann::json;

std::string BuildPythonFolder() {
  return std::filesystem::path(goalpost::testing::BinaryPath("goalpost-inference"))
      .parent_path()
      .parent_path()
      .append("python")
      .string();
}

// Rows and reference probabilities written by a testdata/*_reference.py script.
struct Reference {
  std::string artifact;
  json data;
};

Reference LoadReference(const std::string& script, const std::string& option,
                        const std::string& value, const std::string& copy_to = "") {
  const std::string folder = testing::MakeTemporaryFolder();
  auto output = testing::RunPython(
      {"services/inference/testdata/" + script, "--repo", ".", option, value, "--out", folder});
  EXPECT_TRUE(output.ok()) << output.status();
  Reference reference;
  reference.artifact = testing::ReadFile(folder + "/model.json").value_or("");
  reference.data = json::parse(testing::ReadFile(folder + "/reference.json").value_or("{}"));
  if (!copy_to.empty()) std::filesystem::copy_file(folder + "/reference.json", copy_to);
  std::filesystem::remove_all(folder);
  return reference;
}

std::vector<double> TabularValues(const json& rows) {
  std::vector<double> values;
  for (const json& row : rows) {
    for (const json& value : row) {
      values.push_back(value.is_null() ? std::numeric_limits<double>::quiet_NaN()
                                       : value.get<double>());
    }
  }
  return values;
}

v1::ModelSpec TextSpec(const std::string& model_id) {
  v1::ModelSpec spec;
  spec.set_project("projects/test");
  spec.set_model_id(model_id);
  spec.set_kind(v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION);
  spec.add_class_names("ham");
  spec.add_class_names("spam");
  spec.set_text_column("text");
  return spec;
}

v1::ModelSpec CreditSpec(const std::string& model_id, const json& features) {
  v1::ModelSpec spec;
  spec.set_project("projects/test");
  spec.set_model_id(model_id);
  spec.set_kind(v1::MODEL_KIND_XGBOOST);
  spec.add_class_names("bad");
  spec.add_class_names("good");
  for (const json& feature : features) {
    v1::Feature* added = spec.add_features();
    added->set_name(feature["name"].get<std::string>());
    added->set_type(feature["categorical"].get<bool>() ? v1::FEATURE_TYPE_CATEGORICAL
                                                       : v1::FEATURE_TYPE_NUMERIC);
    for (const json& level : feature["categories"]) added->add_categories(level);
  }
  return spec;
}

double MaxDifference(const v1::PredictResponse& response, const json& expected) {
  double max_difference = 0.0;
  const size_t classes = static_cast<size_t>(response.class_count());
  for (size_t row = 0; row < expected.size(); ++row) {
    for (size_t c = 0; c < classes; ++c) {
      const double got = response.probabilities(static_cast<int>(row * classes + c));
      max_difference = std::max(max_difference, std::abs(got - expected[row][c].get<double>()));
    }
  }
  return max_difference;
}

// An instance of the service on its own database, with clients.
class InferenceServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    text_ = new Reference(LoadReference("sklearn_reference.py", "--target", "shipped"));
    credit_ = new Reference(LoadReference("xgboost_reference.py", "--model", "shipped"));
  }
  static void TearDownTestSuite() {
    delete text_;
    delete credit_;
  }

  void SetUp() override {
    const std::string database = absl::StrCat(
        "inference_", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto url = goalpost::testing::SharedPostgresServer().CreateDatabase(absl::AsciiStrToLower(database));
    ASSERT_TRUE(url.ok()) << url.status();
    database_url_ = *url;
    StartReplica();
  }

  void TearDown() override {
    for (auto& host : hosts_) host->Shutdown();
    hosts_.clear();
    servers_.clear();
  }

  // Starts one more process-local replica on the same database and points
  // the clients at it.
  void StartReplica() {
    InferenceOptions options;
    options.database_url = database_url_;
    options.database_connections = 2;
    auto server = InferenceServer::Create(options);
    ASSERT_TRUE(server.ok()) << server.status();
    ServerOptions server_options;
    server_options.service_name = "inference";
    auto host = std::make_unique<ServiceHost>(server_options);
    (*server)->AddTo(*host);
    ASSERT_TRUE(host->Start().ok());
    address_ = host->address();
    auto channel = MakeChannel(address_);
    inference_ = v1::InferenceService::NewStub(channel);
    open_inference_ = ::inference::GRPCInferenceService::NewStub(channel);
    servers_.push_back(std::move(*server));
    hosts_.push_back(std::move(host));
  }

  grpc::Status Register(const v1::ModelSpec& spec, const std::string& artifact,
                        v1::RegisterModelResponse* response = nullptr) {
    v1::RegisterModelResponse ignored;
    grpc::ClientContext context;
    auto writer = inference_->RegisterModel(&context, response ? response : &ignored);
    v1::RegisterModelRequest message;
    *message.mutable_spec() = spec;
    writer->Write(message);
    // 64 KiB chunks, so the artifact spans many messages.
    for (size_t at = 0; at < artifact.size(); at += 65536) {
      message.set_artifact_chunk(artifact.substr(at, 65536));
      writer->Write(message);
    }
    writer->WritesDone();
    return writer->Finish();
  }

  grpc::StatusCode GetModelCode(const std::string& name) {
    grpc::ClientContext context;
    v1::GetModelRequest request;
    request.set_name(name);
    v1::GetModelResponse response;
    return inference_->GetModel(&context, request, &response).error_code();
  }

  // Sends the requests on one Predict stream and collects the responses.
  grpc::Status Predict(const std::vector<v1::PredictRequest>& requests,
                       std::vector<v1::PredictResponse>* responses) {
    grpc::ClientContext context;
    auto stream = inference_->Predict(&context);
    for (const auto& request : requests) {
      if (!stream->Write(request)) break;
      v1::PredictResponse response;
      if (!stream->Read(&response)) break;
      responses->push_back(std::move(response));
    }
    stream->WritesDone();
    return stream->Finish();
  }

  std::vector<v1::PredictRequest> TextRequests(const std::string& model, size_t batch_rows) {
    std::vector<v1::PredictRequest> requests;
    const json& texts = text_->data["texts"];
    for (size_t begin = 0; begin < texts.size(); begin += batch_rows) {
      v1::PredictRequest request;
      if (begin == 0) request.set_model(model);
      for (size_t row = begin; row < std::min(texts.size(), begin + batch_rows); ++row) {
        request.mutable_text()->add_texts(texts[row].get<std::string>());
      }
      requests.push_back(std::move(request));
    }
    return requests;
  }

  // Joins the responses of a Predict stream into one.
  static v1::PredictResponse Join(const std::vector<v1::PredictResponse>& responses) {
    v1::PredictResponse joined;
    for (const auto& response : responses) {
      joined.set_class_count(response.class_count());
      joined.mutable_probabilities()->MergeFrom(response.probabilities());
      joined.mutable_predicted_class()->MergeFrom(response.predicted_class());
    }
    return joined;
  }

  static Reference* text_;
  static Reference* credit_;
  std::string database_url_;
  std::string address_;
  std::vector<std::unique_ptr<InferenceServer>> servers_;
  std::vector<std::unique_ptr<ServiceHost>> hosts_;
  std::unique_ptr<v1::InferenceService::Stub> inference_;
  std::unique_ptr<::inference::GRPCInferenceService::Stub> open_inference_;
};

Reference* InferenceServiceTest::text_ = nullptr;
Reference* InferenceServiceTest::credit_ = nullptr;

TEST_F(InferenceServiceTest, TextModelPredictionsMatchScikitLearn) {
  v1::RegisterModelResponse registered;
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact, &registered).ok());
  EXPECT_EQ(registered.model().name(), "projects/test/models/spam");
  EXPECT_EQ(registered.model().artifact_bytes(), static_cast<int64_t>(text_->artifact.size()));
  EXPECT_EQ(registered.model().artifact_sha256().size(), 64u);

  std::vector<v1::PredictResponse> responses;
  ASSERT_TRUE(Predict(TextRequests("projects/test/models/spam", 500), &responses).ok());
  ASSERT_EQ(responses.size(), 4u);  // 1,814 rows in batches of 500
  v1::PredictResponse joined = Join(responses);
  ASSERT_EQ(joined.predicted_class_size(), static_cast<int>(text_->data["texts"].size()));
  EXPECT_LE(MaxDifference(joined, text_->data["probabilities"]), 1e-12);
}

// "Free money, free time!" cut into the words Free, money, free and time
// and the separators between them, with five rows: none removed, Free,
// money, Free and free, all four.
v1::PredictRequest PerturbationRequest(const std::string& model) {
  v1::PredictRequest request;
  request.set_model(model);
  v1::TextPerturbationBatch* batch = request.mutable_text_perturbations();
  batch->set_text("Free money, free time!");
  for (int end : {4, 5, 10, 12, 16, 17, 21, 22}) batch->add_piece_ends(end);
  for (int word : {0, -1, 1, -1, 2, -1, 3, -1}) batch->add_piece_words(word);
  batch->set_word_count(4);
  batch->set_removed_words(std::string("\x00\x01\x02\x05\x0f", 5));
  return request;
}

TEST_F(InferenceServiceTest, TextPerturbationsMatchTheirTexts) {
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  std::vector<v1::PredictResponse> perturbed;
  ASSERT_TRUE(Predict({PerturbationRequest("projects/test/models/spam")}, &perturbed).ok());

  v1::PredictRequest texts;
  texts.set_model("projects/test/models/spam");
  for (const char* text : {"Free money, free time!", " money, free time!", "Free , free time!",
                           " money,  time!", " ,  !"}) {
    texts.mutable_text()->add_texts(text);
  }
  std::vector<v1::PredictResponse> expected;
  ASSERT_TRUE(Predict({texts}, &expected).ok());

  ASSERT_EQ(perturbed.size(), 1u);
  ASSERT_EQ(perturbed[0].predicted_class_size(), 5);
  EXPECT_EQ(perturbed[0].SerializeAsString(), expected[0].SerializeAsString());
}

TEST_F(InferenceServiceTest, MalformedTextPerturbationsNameTheField) {
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  std::vector<v1::PredictResponse> responses;

  v1::PredictRequest short_pieces = PerturbationRequest("projects/test/models/spam");
  short_pieces.mutable_text_perturbations()->set_piece_ends(7, 30);
  grpc::Status status = Predict({short_pieces}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("text_perturbations.piece_ends[7] is 30"),
            std::string::npos)
      << status.error_message();

  v1::PredictRequest partial_row = PerturbationRequest("projects/test/models/spam");
  partial_row.mutable_text_perturbations()->set_word_count(9);
  status = Predict({partial_row}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("text_perturbations.removed_words has 5 bytes"),
            std::string::npos)
      << status.error_message();
  EXPECT_TRUE(responses.empty());
}

TEST_F(InferenceServiceTest, XgboostPredictionsMatchPythonXgboost) {
  ASSERT_TRUE(Register(CreditSpec("credit", credit_->data["features"]), credit_->artifact).ok());
  v1::PredictRequest request;
  request.set_model("projects/test/models/credit");
  for (double value : TabularValues(credit_->data["rows"])) {
    request.mutable_tabular()->add_values(value);
  }
  std::vector<v1::PredictResponse> responses;
  ASSERT_TRUE(Predict({request}, &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_LE(MaxDifference(responses[0], credit_->data["probabilities"]), 1e-6);
}

TEST_F(InferenceServiceTest, SecondReplicaServesStoredModel) {
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  StartReplica();  // the clients now talk to a replica that never saw the upload
  std::vector<v1::PredictResponse> responses;
  ASSERT_TRUE(Predict(TextRequests("projects/test/models/spam", 2000), &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_LE(MaxDifference(responses[0], text_->data["probabilities"]), 1e-12);
}

TEST_F(InferenceServiceTest, ModelDeletedOnAnotherReplicaIsNotServed) {
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  std::vector<v1::PredictResponse> responses;
  ASSERT_TRUE(Predict(TextRequests("projects/test/models/spam", 2000), &responses).ok());
  auto first_replica = v1::InferenceService::NewStub(MakeChannel(address_));

  StartReplica();
  grpc::ClientContext context;
  v1::DeleteModelRequest request;
  request.set_name("projects/test/models/spam");
  v1::DeleteModelResponse deleted;
  ASSERT_TRUE(inference_->DeleteModel(&context, request, &deleted).ok());

  // The first replica has the runtime cached, but the model is gone.
  inference_ = std::move(first_replica);
  responses.clear();
  EXPECT_EQ(Predict(TextRequests("projects/test/models/spam", 2000), &responses).error_code(),
            grpc::StatusCode::NOT_FOUND);

  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  responses.clear();
  EXPECT_TRUE(Predict(TextRequests("projects/test/models/spam", 2000), &responses).ok());
}

TEST_F(InferenceServiceTest, NotJsonArtifactRegistersNothing) {
  grpc::Status status = Register(TextSpec("broken"), "this is not JSON");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("not a JSON object"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/broken"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InferenceServiceTest, WrongShapesRegisterNothing) {
  json artifact = json::parse(text_->artifact);
  artifact["idf"].erase(artifact["idf"].begin());
  grpc::Status status = Register(TextSpec("short-idf"), artifact.dump());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("'idf'"), std::string::npos) << status.error_message();
  EXPECT_EQ(GetModelCode("projects/test/models/short-idf"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InferenceServiceTest, ClassesNotMatchingSpecRegisterNothing) {
  v1::ModelSpec spec = TextSpec("swapped");
  spec.set_class_names(0, "spam");
  spec.set_class_names(1, "ham");
  grpc::Status status = Register(spec, text_->artifact);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("class_names"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/swapped"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InferenceServiceTest, XgboostFeatureCountNotMatchingSpecRegistersNothing) {
  v1::ModelSpec spec = CreditSpec("credit-short", credit_->data["features"]);
  spec.mutable_features()->RemoveLast();
  grpc::Status status = Register(spec, credit_->artifact);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("13 features"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/credit-short"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InferenceServiceTest, UnknownKindRegistersNothing) {
  v1::ModelSpec spec = TextSpec("no-kind");
  spec.set_kind(v1::MODEL_KIND_UNSPECIFIED);
  grpc::Status status = Register(spec, text_->artifact);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.kind"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/no-kind"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InferenceServiceTest, UnreachableRemoteModelRegistersNothing) {
  v1::ModelSpec spec = TextSpec("remote");
  spec.set_kind(v1::MODEL_KIND_KSERVE_V2);
  spec.mutable_remote()->set_address(
      absl::StrCat("127.0.0.1:", goalpost::testing::PickFreePort()));
  spec.mutable_remote()->set_model_name("spam");
  spec.mutable_remote()->set_input_name("TEXT");
  spec.mutable_remote()->set_probabilities_output_name("PROBABILITIES");
  spec.mutable_remote()->set_timeout_ms(2000);
  grpc::Status status = Register(spec, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("cannot read the metadata"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/remote"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InferenceServiceTest, DuplicateModelIdIsAlreadyExists) {
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  EXPECT_EQ(Register(TextSpec("spam"), text_->artifact).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(InferenceServiceTest, ListPagesAndDeleteRemoves) {
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(Register(TextSpec(id), text_->artifact).ok());
  grpc::ClientContext first_context;
  v1::ListModelsRequest request;
  request.set_project("projects/test");
  request.set_page_size(2);
  v1::ListModelsResponse first;
  ASSERT_TRUE(inference_->ListModels(&first_context, request, &first).ok());
  EXPECT_EQ(first.models_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());

  grpc::ClientContext second_context;
  request.set_page_token(first.next_page_token());
  v1::ListModelsResponse second;
  ASSERT_TRUE(inference_->ListModels(&second_context, request, &second).ok());
  EXPECT_EQ(second.models_size(), 1);
  EXPECT_TRUE(second.next_page_token().empty());

  grpc::ClientContext delete_context;
  v1::DeleteModelRequest remove;
  remove.set_name("projects/test/models/b");
  v1::DeleteModelResponse removed;
  ASSERT_TRUE(inference_->DeleteModel(&delete_context, remove, &removed).ok());
  EXPECT_EQ(GetModelCode("projects/test/models/b"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetModelCode("projects/test/models/a"), grpc::StatusCode::OK);
}

TEST_F(InferenceServiceTest, PredictErrorsNameTheProblem) {
  ASSERT_TRUE(Register(CreditSpec("credit", credit_->data["features"]), credit_->artifact).ok());
  std::vector<v1::PredictResponse> responses;

  v1::PredictRequest unknown;
  unknown.set_model("projects/test/models/missing");
  unknown.mutable_text()->add_texts("hello");
  EXPECT_EQ(Predict({unknown}, &responses).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::PredictRequest texts;
  texts.set_model("projects/test/models/credit");
  texts.mutable_text()->add_texts("hello");
  EXPECT_EQ(Predict({texts}, &responses).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::PredictRequest ragged;
  ragged.set_model("projects/test/models/credit");
  for (int i = 0; i < 14; ++i) ragged.mutable_tabular()->add_values(1.0);
  grpc::Status status = Predict({ragged}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("13 features"), std::string::npos);

  v1::PredictRequest perturbed = PerturbationRequest("projects/test/models/credit");
  status = Predict({perturbed}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("takes tabular rows"), std::string::npos);

  v1::PredictRequest unnamed;
  unnamed.mutable_text()->add_texts("hello");
  EXPECT_EQ(Predict({unnamed}, &responses).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(responses.empty());
}

// Triton and KServe clients reach the hosted models through the Open
// Inference Protocol; this runs the grpcio client generated from the proto.
TEST_F(InferenceServiceTest, OpenInferenceProtocolServesHostedModels) {
  ASSERT_TRUE(Register(TextSpec("spam"), text_->artifact).ok());
  ASSERT_TRUE(Register(CreditSpec("credit", credit_->data["features"]), credit_->artifact).ok());
  const std::string folder = testing::MakeTemporaryFolder();
  std::ofstream(folder + "/text.json") << text_->data.dump();
  std::ofstream(folder + "/tabular.json") << credit_->data.dump();

  auto output = testing::RunPython(
      {"tests/kserve_v2/oip_client_check.py", "--stubs", BuildPythonFolder(), "--address",
       address_, "--text-model", "projects/test/models/spam", "--tabular-model",
       "projects/test/models/credit", "--references", folder});
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_NE(output->find("OK"), std::string::npos) << *output;
}

TEST_F(InferenceServiceTest, PythonExampleRegistersSpamModel) {
  auto output = testing::RunPython({"clients/python/examples/register_spamassassin.py", "--stubs",
                                    BuildPythonFolder(), "--address", address_});
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_NE(output->find("registered projects/demo/models/spam-tfidf-logreg"), std::string::npos)
      << *output;
  EXPECT_EQ(GetModelCode("projects/demo/models/spam-tfidf-logreg"), grpc::StatusCode::OK);
  // The first example mail is spam, the second a work mail.
  EXPECT_NE(output->find("spam "), std::string::npos) << *output;
  EXPECT_NE(output->find("ham "), std::string::npos) << *output;
}

// The independent Python server of tests/kserve_v2, run as a child process.
class PythonKserveServer {
 public:
  explicit PythonKserveServer(int port) : port_(port) {
    const std::string port_text = std::to_string(port);
    const std::string stubs = BuildPythonFolder();
    std::vector<std::string> arguments = {"/usr/bin/python3", "tests/kserve_v2/kserve_v2_server.py",
                                          "--stubs", stubs, "--port", port_text};
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }

  ~PythonKserveServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  // Waits until ServerLive responds, for at most 30 s.
  bool WaitUntilLive() {
    auto stub = ::inference::GRPCInferenceService::NewStub(
        MakeChannel(absl::StrCat("127.0.0.1:", port_)));
    for (int attempt = 0; attempt < 150 && pid_ > 0; ++attempt) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
      ::inference::ServerLiveResponse response;
      if (stub->ServerLive(&context, {}, &response).ok() && response.live()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

class KserveV2KindTest : public InferenceServiceTest {
 protected:
  v1::ModelSpec RemoteSpec(const std::string& model_id, int port) {
    v1::ModelSpec spec = TextSpec(model_id);
    spec.set_kind(v1::MODEL_KIND_KSERVE_V2);
    spec.mutable_remote()->set_address(absl::StrCat("127.0.0.1:", port));
    spec.mutable_remote()->set_model_name("spam");
    spec.mutable_remote()->set_input_name("TEXT");
    spec.mutable_remote()->set_probabilities_output_name("PROBABILITIES");
    return spec;
  }
};

TEST_F(KserveV2KindTest, RemoteModelsMatchLocalReferences) {
  const int port = goalpost::testing::PickFreePort();
  PythonKserveServer remote(port);
  ASSERT_TRUE(remote.WaitUntilLive());

  ASSERT_TRUE(Register(RemoteSpec("remote-spam", port), "").ok());
  std::vector<v1::PredictResponse> responses;
  ASSERT_TRUE(Predict(TextRequests("projects/test/models/remote-spam", 1000), &responses).ok());
  EXPECT_LE(MaxDifference(Join(responses), text_->data["probabilities"]), 1e-9);

  // A remote model gets the perturbed rows as texts.
  std::vector<v1::PredictResponse> perturbed;
  ASSERT_TRUE(Predict({PerturbationRequest("projects/test/models/remote-spam")}, &perturbed).ok());
  ASSERT_EQ(perturbed.size(), 1u);
  EXPECT_EQ(perturbed[0].predicted_class_size(), 5);

  v1::ModelSpec credit = CreditSpec("remote-credit", credit_->data["features"]);
  credit.set_kind(v1::MODEL_KIND_KSERVE_V2);
  credit.mutable_remote()->set_address(absl::StrCat("127.0.0.1:", port));
  credit.mutable_remote()->set_model_name("credit");
  credit.mutable_remote()->set_input_name("INPUT__0");
  credit.mutable_remote()->set_probabilities_output_name("OUTPUT__0");
  ASSERT_TRUE(Register(credit, "").ok());
  v1::PredictRequest request;
  request.set_model("projects/test/models/remote-credit");
  for (double value : TabularValues(credit_->data["rows"])) {
    request.mutable_tabular()->add_values(value);
  }
  responses.clear();
  ASSERT_TRUE(Predict({request}, &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_LE(MaxDifference(responses[0], credit_->data["probabilities"]), 1e-6);
}

// The stored description stays readable while the remote server is down.
// A replica that has not yet connected to it fails predictions with the
// reason, and tries to connect again on the next request.
TEST_F(KserveV2KindTest, StoppedRemoteServerKeepsDescription) {
  const int port = goalpost::testing::PickFreePort();
  {
    PythonKserveServer remote(port);
    ASSERT_TRUE(remote.WaitUntilLive());
    ASSERT_TRUE(Register(RemoteSpec("remote-stopped", port), "").ok());
  }
  StartReplica();  // a replica without the cached runtime
  EXPECT_EQ(GetModelCode("projects/test/models/remote-stopped"), grpc::StatusCode::OK);

  v1::PredictRequest request;
  request.set_model("projects/test/models/remote-stopped");
  request.mutable_text()->add_texts("hello");
  std::vector<v1::PredictResponse> responses;
  grpc::Status status = Predict({request}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("cannot read the metadata"), std::string::npos)
      << status.error_message();
  EXPECT_TRUE(responses.empty());
}

TEST_F(KserveV2KindTest, MissingOutputTensorRegistersNothing) {
  const int port = goalpost::testing::PickFreePort();
  PythonKserveServer remote(port);
  ASSERT_TRUE(remote.WaitUntilLive());
  v1::ModelSpec spec = RemoteSpec("remote-wrong-output", port);
  spec.mutable_remote()->set_probabilities_output_name("SCORES");
  grpc::Status status = Register(spec, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("'SCORES'"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/remote-wrong-output"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(KserveV2KindTest, RemoteClassCountNotMatchingSpecRegistersNothing) {
  const int port = goalpost::testing::PickFreePort();
  PythonKserveServer remote(port);
  ASSERT_TRUE(remote.WaitUntilLive());
  v1::ModelSpec spec = RemoteSpec("remote-three-classes", port);
  spec.add_class_names("unsure");
  grpc::Status status = Register(spec, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("2 classes"), std::string::npos);
  EXPECT_EQ(GetModelCode("projects/test/models/remote-three-classes"),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(KserveV2KindTest, UnknownRemoteModelRegistersNothing) {
  const int port = goalpost::testing::PickFreePort();
  PythonKserveServer remote(port);
  ASSERT_TRUE(remote.WaitUntilLive());
  v1::ModelSpec spec = RemoteSpec("remote-unknown", port);
  spec.mutable_remote()->set_model_name("no-such-model");
  EXPECT_EQ(Register(spec, "").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(GetModelCode("projects/test/models/remote-unknown"), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace goalpost::inference

#include "services/explain/inference_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/explain/peer_channel.h"

namespace goalpost::explain {
namespace {

constexpr absl::string_view kPeer = "inference service";

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
}

}  // namespace

InferenceClient::InferenceClient(std::shared_ptr<grpc::Channel> channel, std::string address,
                                 absl::Duration timeout, int max_batch_bytes)
    : stub_(inference::v1::InferenceService::NewStub(channel)),
      address_(std::move(address)),
      timeout_(timeout),
      max_batch_bytes_(max_batch_bytes) {}

absl::StatusOr<inference::v1::Model> InferenceClient::GetModel(const std::string& name) const {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  inference::v1::GetModelRequest request;
  request.set_name(name);
  inference::v1::GetModelResponse response;
  const grpc::Status status = stub_->GetModel(&context, request, &response);
  if (!status.ok()) return PeerError(status, kPeer, address_);
  return response.model();
}

absl::StatusOr<Eigen::MatrixXd> InferenceClient::PredictTextSamples(
    const std::string& model, const TextSamples& samples) const {
  const IndexedString& text = *samples.text;
  inference::v1::TextPerturbationBatch pieces;
  pieces.set_text(text.raw_string());
  const std::vector<int32_t> piece_ends = text.PieceEnds();
  pieces.mutable_piece_ends()->Add(piece_ends.begin(), piece_ends.end());
  pieces.mutable_piece_words()->Add(text.piece_words().begin(), text.piece_words().end());
  pieces.set_word_count(text.num_words());

  // Every message carries the text and its pieces, then as many samples as
  // fit in the batch size (at least one).
  const size_t bytes_per_sample = samples.bytes_per_sample();
  const size_t fixed_bytes = pieces.ByteSizeLong();
  const size_t room = static_cast<size_t>(max_batch_bytes_) > fixed_bytes
                          ? static_cast<size_t>(max_batch_bytes_) - fixed_bytes
                          : 0;
  const int samples_per_batch =
      static_cast<int>(std::max<size_t>(1, room / bytes_per_sample));
  std::vector<inference::v1::PredictRequest> batches;
  for (int first = 0; first < samples.num_samples; first += samples_per_batch) {
    const int last = std::min(samples.num_samples, first + samples_per_batch);
    batches.emplace_back();
    inference::v1::TextPerturbationBatch* batch = batches.back().mutable_text_perturbations();
    *batch = pieces;
    batch->set_removed_words(samples.removed_words.substr(first * bytes_per_sample,
                                                          (last - first) * bytes_per_sample));
  }
  if (!batches.empty()) batches.front().set_model(model);
  return Predict(std::move(batches), samples.num_samples);
}

absl::StatusOr<Eigen::MatrixXd> InferenceClient::PredictTabular(const std::string& model,
                                                                const Eigen::MatrixXd& rows) const {
  const int64_t row_bytes = std::max<int64_t>(1, rows.cols() * 8);
  const int64_t rows_per_batch = std::max<int64_t>(1, max_batch_bytes_ / row_bytes);
  std::vector<inference::v1::PredictRequest> batches;
  for (int64_t first = 0; first < rows.rows(); first += rows_per_batch) {
    batches.emplace_back();
    auto* values = batches.back().mutable_tabular()->mutable_values();
    const int64_t last = std::min<int64_t>(rows.rows(), first + rows_per_batch);
    values->Reserve(static_cast<int>((last - first) * rows.cols()));
    for (int64_t i = first; i < last; ++i) {
      for (Eigen::Index j = 0; j < rows.cols(); ++j) values->Add(rows(i, j));
    }
  }
  if (!batches.empty()) batches.front().set_model(model);
  return Predict(std::move(batches), rows.rows());
}

absl::StatusOr<Eigen::MatrixXd> InferenceClient::Predict(
    std::vector<inference::v1::PredictRequest> batches, int64_t row_count) const {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  auto stream = stub_->Predict(&context);

  // One response per request message, in order: writing a batch and
  // reading its response in turn keeps neither side's buffers growing.
  std::vector<double> probabilities;
  int class_count = 0;
  for (const inference::v1::PredictRequest& batch : batches) {
    inference::v1::PredictResponse response;
    if (!stream->Write(batch) || !stream->Read(&response)) break;
    class_count = response.class_count();
    probabilities.insert(probabilities.end(), response.probabilities().begin(),
                         response.probabilities().end());
  }
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  if (!status.ok()) return PeerError(status, kPeer, address_);

  if (class_count <= 0 || static_cast<int64_t>(probabilities.size()) != row_count * class_count) {
    return absl::InternalError(absl::StrCat(kPeer, " at ", address_, " returned ",
                                            probabilities.size(), " probabilities for ", row_count,
                                            " rows of ", class_count, " classes"));
  }
  Eigen::MatrixXd matrix(row_count, class_count);
  for (int64_t i = 0; i < row_count; ++i) {
    for (int j = 0; j < class_count; ++j) matrix(i, j) = probabilities[i * class_count + j];
  }
  return matrix;
}

}  // namespace goalpost::explain

// goalpost metrics --commit C | --dataset D [--subpopulation FILTER]
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/resource_names.h"
#include "cli/text_views.h"
#include "common/status.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "goalpost/metrics/v1/metrics.grpc.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;
namespace metrics = goalpost::metrics::v1;

absl::Status CommitMetrics(Context& context, const std::string& commit) {
  auto stub = orchestrator::GoalOrchestrator::NewStub(
      context.Channel(context.addresses().orchestrator));
  orchestrator::GetCommitMetricsRequest request;
  request.set_commit(commit);
  orchestrator::GetCommitMetricsResponse response;
  grpc::Status status = stub->GetCommitMetrics(MakeClientContext(300).get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading the metrics of ", commit));

  if (context.json()) {
    context.PrintJson({{"commit", commit},
                       {"training", MetricSetJson(response.training())},
                       {"validation", MetricSetJson(response.validation())}});
    return absl::OkStatus();
  }
  context.out() << "Metrics of " << commit << " (" << response.training().row_count()
                << " training rows, " << response.validation().row_count()
                << " validation rows)\n"
                << RenderMetricColumns({"training", "validation"},
                                       {response.training(), response.validation()})
                << "\nvalidation set:" << RenderDistributions(response.validation());
  return absl::OkStatus();
}

// The prediction set of `model` on `dataset`; the inference service makes
// it on first use and returns the same one afterwards.
absl::StatusOr<std::string> PredictionSet(Context& context, const std::string& model,
                                          const std::string& dataset) {
  auto stub = goalpost::inference::v1::InferenceService::NewStub(
      context.Channel(context.addresses().inference));
  goalpost::inference::v1::PredictDatasetRequest request;
  request.set_model(model);
  request.set_dataset(dataset);
  goalpost::inference::v1::PredictDatasetResponse response;
  grpc::Status status = stub->PredictDataset(MakeClientContext(600).get(), request, &response);
  if (!status.ok()) {
    return RpcStatus(status, absl::StrCat("predicting ", dataset, " with ", model));
  }
  return response.prediction_set();
}

absl::Status DatasetMetrics(Context& context, const std::string& dataset,
                            const std::string& model) {
  metrics::EvaluateRequest request;
  request.set_dataset(dataset);
  request.set_prediction_set(context.arguments().Get("prediction-set").value_or(""));
  if (!model.empty()) {
    GOALPOST_ASSIGN_OR_RETURN(*request.mutable_prediction_set(),
                              PredictionSet(context, model, dataset));
  }
  auto stub = metrics::MetricsService::NewStub(context.Channel(context.addresses().metrics));
  metrics::SubpopulationRequest* subpopulation = request.add_subpopulations();
  subpopulation->set_key("cli");
  subpopulation->set_filter_text(context.arguments().Get("subpopulation").value_or(""));
  metrics::EvaluateResponse response;
  grpc::Status status = stub->Evaluate(MakeClientContext(300).get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("evaluating ", dataset));
  if (response.results_size() != 1) {
    return absl::InternalError(absl::StrCat("the metrics service returned ",
                                            response.results_size(), " results for 1 request"));
  }
  const metrics::SubpopulationResult& result = response.results(0);

  if (context.json()) {
    nlohmann::json shape = MetricSetJson(result);
    shape["dataset"] = dataset;
    shape["dataset_row_count"] = response.dataset_row_count();
    context.PrintJson(shape);
    return absl::OkStatus();
  }
  context.out() << "Metrics of " << dataset << ", "
                << (result.filter_text().empty() ? "all rows" : result.filter_text()) << ": "
                << result.row_count() << " of " << response.dataset_row_count() << " rows\n"
                << RenderMetricColumns({"value"}, {result}) << RenderDistributions(result);
  return absl::OkStatus();
}

absl::Status ShowMetrics(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({}));
  std::string project = arguments.Get("project").value_or("");
  if (arguments.Has("commit") == arguments.Has("dataset")) {
    return absl::InvalidArgumentError("give exactly one of --commit and --dataset");
  }
  if (arguments.Has("commit")) {
    if (arguments.Has("subpopulation")) {
      return absl::InvalidArgumentError(
          "--subpopulation applies to --dataset; a commit's metrics cover every row");
    }
    GOALPOST_ASSIGN_OR_RETURN(std::string commit,
                              ChildName(project, "commits", *arguments.Get("commit"), "commit"));
    return CommitMetrics(context, commit);
  }
  GOALPOST_ASSIGN_OR_RETURN(std::string dataset,
                            ChildName(project, "datasets", *arguments.Get("dataset"), "dataset"));
  if (arguments.Has("model") && arguments.Has("prediction-set")) {
    return absl::InvalidArgumentError("give at most one of --model and --prediction-set");
  }
  std::string model;
  if (arguments.Has("model")) {
    GOALPOST_ASSIGN_OR_RETURN(model, ChildName(project, "models", *arguments.Get("model"), "model"));
  }
  return DatasetMetrics(context, dataset, model);
}

}  // namespace

std::vector<Command> MetricsCommands() {
  return {
      {{"metrics"},
       "--commit C | --dataset D [--subpopulation FILTER] [--model M | --prediction-set S] "
       "[--project P]",
       "Prints the training and validation metrics of a commit side by side, or the metrics "
       "of a dataset's subpopulation (to explore it before making it a goal); --model "
       "evaluates the predictions of a full model instead of the dataset's own columns.",
       {"commit", "dataset", "subpopulation", "model", "prediction-set", "project"},
       {},
       ShowMetrics},
  };
}

}  // namespace goalpost::cli

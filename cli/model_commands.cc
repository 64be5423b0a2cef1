// goalpost model upload | show
#include <fstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/client_calls.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/resource_names.h"
#include "cli/upload_stream.h"
#include "common/status.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace inference = goalpost::inference::v1;

absl::StatusOr<inference::ModelKind> ParseKind(const std::string& kind) {
  if (kind == "tfidf-logistic-regression") return inference::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION;
  if (kind == "xgboost") return inference::MODEL_KIND_XGBOOST;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid value \"", kind, "\" for --kind: use tfidf-logistic-regression or xgboost"));
}

// Reads the features of a tabular model from a JSON file with a "features"
// array of {"name", "type": "numeric"|"categorical", "categories": [...]},
// in the model's feature order (the layout of credit_xgb_features.json).
absl::StatusOr<std::vector<inference::Feature>> FeaturesFromFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open --features-file ", path));
  nlohmann::json document = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.contains("features") ||
      !document["features"].is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--features-file ", path, " is not JSON with a \"features\" array"));
  }

  std::vector<inference::Feature> features;
  for (const auto& entry : document["features"]) {
    inference::Feature feature;
    feature.set_name(entry.value("name", ""));
    std::string type = entry.value("type", "");
    if (feature.name().empty() || (type != "numeric" && type != "categorical")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--features-file ", path, ": feature ", features.size(),
          " needs a \"name\" and a \"type\" of numeric or categorical"));
    }
    feature.set_type(type == "numeric" ? inference::FEATURE_TYPE_NUMERIC
                                       : inference::FEATURE_TYPE_CATEGORICAL);
    for (const auto& category : entry.value("categories", nlohmann::json::array())) {
      feature.add_categories(category.get<std::string>());
    }
    features.push_back(feature);
  }
  return features;
}

// Builds the features from --feature-columns (model order),
// --categorical-columns and one --categories COLUMN=level|level|... per
// categorical column.
absl::StatusOr<std::vector<inference::Feature>> FeaturesFromFlags(const Arguments& arguments) {
  std::map<std::string, std::vector<std::string>> levels;
  for (const auto& entry : arguments.GetAll("categories")) {
    std::vector<std::string> parts = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid value \"", entry, "\" for --categories: use COLUMN=level|level|..."));
    }
    levels[parts[0]] = absl::StrSplit(parts[1], '|');
  }
  std::vector<std::string> categorical = SplitList(arguments.Get("categorical-columns").value_or(""));

  std::vector<inference::Feature> features;
  for (const auto& column : SplitList(arguments.Get("feature-columns").value_or(""))) {
    inference::Feature feature;
    feature.set_name(column);
    bool is_categorical =
        std::find(categorical.begin(), categorical.end(), column) != categorical.end();
    feature.set_type(is_categorical ? inference::FEATURE_TYPE_CATEGORICAL
                                    : inference::FEATURE_TYPE_NUMERIC);
    if (is_categorical) {
      auto found = levels.find(column);
      if (found == levels.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "categorical feature ", column, " has no levels; add --categories ", column,
            "=level|level|... or use --features-file"));
      }
      for (const auto& level : found->second) feature.add_categories(level);
    }
    features.push_back(feature);
  }
  if (features.empty()) {
    return absl::InvalidArgumentError(
        "an xgboost model needs its features: give --features-file or --feature-columns");
  }
  return features;
}

absl::StatusOr<inference::ModelSpec> SpecFromFlags(const Arguments& arguments,
                                                   const goalpost::orchestrator::v1::Project& project) {
  inference::ModelSpec spec;
  spec.set_project(project.name());
  GOALPOST_ASSIGN_OR_RETURN(std::string model_id, arguments.Require("name"));
  spec.set_model_id(model_id);
  GOALPOST_ASSIGN_OR_RETURN(std::string kind, arguments.Require("kind"));
  GOALPOST_ASSIGN_OR_RETURN(inference::ModelKind model_kind, ParseKind(kind));
  spec.set_kind(model_kind);
  for (const auto& name : project.class_names()) spec.add_class_names(name);
  spec.set_description(arguments.Get("description").value_or(""));

  if (model_kind == inference::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION) {
    GOALPOST_ASSIGN_OR_RETURN(std::string text_column, arguments.Require("text-column"));
    spec.set_text_column(text_column);
    return spec;
  }
  absl::StatusOr<std::vector<inference::Feature>> features =
      arguments.Has("features-file") ? FeaturesFromFile(*arguments.Get("features-file"))
                                     : FeaturesFromFlags(arguments);
  if (!features.ok()) return features.status();
  for (const auto& feature : *features) *spec.add_features() = feature;
  return spec;
}

void PrintModel(Context& context, const inference::Model& model) {
  if (context.json()) {
    context.PrintJson(ModelJson(model));
    return;
  }
  nlohmann::json shape = ModelJson(model);
  context.out() << "model " << model.name() << "\n  kind: " << shape["kind"].get<std::string>()
                << "\n  classes: " << absl::StrJoin(model.spec().class_names(), ", ")
                << "\n  artifact: " << model.artifact_bytes() << " bytes, sha256 "
                << model.artifact_sha256() << "\n";
}

absl::Status UploadModel(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({"FILE"}));
  GOALPOST_ASSIGN_OR_RETURN(std::string project_flag, arguments.Require("project"));
  GOALPOST_ASSIGN_OR_RETURN(auto project, FetchProject(context, project_flag));
  GOALPOST_ASSIGN_OR_RETURN(inference::ModelSpec spec, SpecFromFlags(arguments, project));
  const std::string& file = arguments.positional()[0];

  auto stub = inference::InferenceService::NewStub(context.Channel(context.addresses().inference));
  auto client_context = MakeClientContext(600);
  inference::RegisterModelResponse response;
  auto writer = stub->RegisterModel(client_context.get(), &response);
  inference::RegisterModelRequest first;
  *first.mutable_spec() = spec;
  absl::Status read_status = absl::OkStatus();
  if (writer->Write(first)) {
    read_status = StreamFile(file, [&](std::string chunk) {
      inference::RegisterModelRequest request;
      request.set_artifact_chunk(std::move(chunk));
      return writer->Write(request);
    });
  }
  if (!read_status.ok() && read_status.code() != absl::StatusCode::kUnavailable) {
    client_context->TryCancel();
    writer->Finish();
    return read_status;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return RpcStatus(status, absl::StrCat("registering the model from ", file));
  PrintModel(context, response.model());
  return absl::OkStatus();
}

absl::Status ShowModel(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({"MODEL"}));
  GOALPOST_ASSIGN_OR_RETURN(
      std::string name, ChildName(context.arguments().Get("project").value_or(""), "models",
                                  context.arguments().positional()[0], "model"));
  auto stub = inference::InferenceService::NewStub(context.Channel(context.addresses().inference));
  inference::GetModelRequest request;
  request.set_name(name);
  inference::GetModelResponse response;
  grpc::Status status = stub->GetModel(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading ", name));
  PrintModel(context, response.model());
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> ModelCommands() {
  return {
      {{"model", "upload"},
       "FILE --project P --kind tfidf-logistic-regression|xgboost --name N [--text-column C] "
       "[--features-file F | --feature-columns a,b --categorical-columns b "
       "--categories b=x|y] [--description TEXT]",
       "Registers a full model with the inference service; the class names come from the "
       "project.",
       {"project", "kind", "name", "text-column", "features-file", "feature-columns",
        "categorical-columns", "categories", "description"},
       {},
       UploadModel},
      {{"model", "show"}, "MODEL [--project P]", "Prints a registered model.", {"project"}, {},
       ShowModel},
  };
}

}  // namespace goalpost::cli

// goalpost dataset upload | show
#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/client_calls.h"
#include "cli/command.h"
#include "cli/json_shapes.h"
#include "cli/printer.h"
#include "cli/resource_names.h"
#include "cli/upload_stream.h"
#include "common/status.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"

namespace goalpost::cli {
namespace {

namespace datasets = goalpost::datasets::v1;

absl::StatusOr<datasets::DatasetRole> ParseRole(const std::string& role) {
  if (role == "training") return datasets::DATASET_ROLE_TRAINING;
  if (role == "validation") return datasets::DATASET_ROLE_VALIDATION;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value \"", role, "\" for --role: use training or validation"));
}

// Builds the dataset spec from the flags. Feature columns are numeric unless
// --categorical-columns names them; a categorical column that is not in
// --feature-columns is a feature too.
absl::StatusOr<datasets::DatasetSpec> SpecFromFlags(const Arguments& arguments,
                                                    const std::string& project,
                                                    const std::vector<std::string>& class_names,
                                                    const std::string& file) {
  datasets::DatasetSpec spec;
  spec.set_project(project);
  spec.set_display_name(
      arguments.Get("name").value_or(std::filesystem::path(file).filename().string()));
  GOALPOST_ASSIGN_OR_RETURN(std::string role, arguments.Require("role"));
  GOALPOST_ASSIGN_OR_RETURN(datasets::DatasetRole dataset_role, ParseRole(role));
  spec.set_role(dataset_role);
  GOALPOST_ASSIGN_OR_RETURN(std::string label_column, arguments.Require("label-column"));
  spec.set_label_column(label_column);

  spec.set_id_column(arguments.Get("id-column").value_or(""));
  spec.set_prediction_column(arguments.Get("prediction-column").value_or(""));
  for (const auto& column : SplitList(arguments.Get("text-column").value_or(""))) {
    spec.add_text_columns(column);
  }
  std::vector<std::string> categorical = SplitList(arguments.Get("categorical-columns").value_or(""));
  for (const auto& column : SplitList(arguments.Get("feature-columns").value_or(""))) {
    if (std::find(categorical.begin(), categorical.end(), column) == categorical.end()) {
      spec.add_numeric_columns(column);
    }
  }
  for (const auto& column : categorical) spec.add_categorical_columns(column);
  for (const auto& column : SplitList(arguments.Get("metadata-columns").value_or(""))) {
    spec.add_metadata_columns(column);
  }

  std::vector<std::string> probability_columns =
      SplitList(arguments.Get("probability-columns").value_or(""));
  if (!probability_columns.empty() && probability_columns.size() != class_names.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--probability-columns names ", probability_columns.size(), " columns but the project has ",
        class_names.size(), " classes (", absl::StrJoin(class_names, ", "),
        "); give one column per class, in class order"));
  }
  for (const auto& column : probability_columns) spec.add_probability_columns(column);
  for (const auto& name : class_names) spec.add_class_names(name);
  return spec;
}

absl::StatusOr<datasets::UploadDatasetResponse> Upload(Context& context,
                                                       const datasets::DatasetSpec& spec,
                                                       const std::string& file) {
  auto stub = datasets::DatasetService::NewStub(context.Channel(context.addresses().datasets));
  auto client_context = MakeClientContext(3600);
  datasets::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(client_context.get(), &response);

  datasets::UploadDatasetRequest first;
  *first.mutable_spec() = spec;
  bool open = writer->Write(first);
  absl::Status read_status = absl::OkStatus();
  if (open) {
    read_status = StreamFile(file, [&](std::string chunk) {
      datasets::UploadDatasetRequest request;
      request.set_csv_chunk(std::move(chunk));
      return writer->Write(request);
    });
  }
  // A local read failure cancels the upload, so the server keeps nothing.
  if (!read_status.ok() && read_status.code() != absl::StatusCode::kUnavailable) {
    client_context->TryCancel();
    writer->Finish();
    return read_status;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return RpcStatus(status, absl::StrCat("uploading ", file));
  return response;
}

void PrintDataset(Context& context, const datasets::Dataset& dataset, bool already_existed) {
  if (context.json()) {
    context.PrintJson(DatasetJson(dataset, already_existed));
    return;
  }
  std::ostream& out = context.out();
  out << "dataset " << dataset.name() << (already_existed ? " (already uploaded)" : "") << "\n"
      << "  " << dataset.spec().display_name() << ", " << dataset.row_count() << " rows\n";
  std::vector<std::string> classes(dataset.spec().class_names().begin(),
                                   dataset.spec().class_names().end());
  out << "  labels:\n"
      << RenderLabelledBars(classes, std::vector<int64_t>(dataset.label_distribution().begin(),
                                                          dataset.label_distribution().end()),
                            30);
}

absl::Status UploadDataset(Context& context) {
  const Arguments& arguments = context.arguments();
  GOALPOST_RETURN_IF_ERROR(arguments.ExpectPositional({"FILE"}));
  GOALPOST_ASSIGN_OR_RETURN(std::string project_flag, arguments.Require("project"));
  std::string file = arguments.positional()[0];
  if (!std::filesystem::is_regular_file(file)) {
    return absl::NotFoundError(absl::StrCat("file ", file, " does not exist or is not a file"));
  }

  GOALPOST_ASSIGN_OR_RETURN(auto project, FetchProject(context, project_flag));
  std::vector<std::string> class_names(project.class_names().begin(), project.class_names().end());
  GOALPOST_ASSIGN_OR_RETURN(datasets::DatasetSpec spec,
                            SpecFromFlags(arguments, project.name(), class_names, file));
  GOALPOST_ASSIGN_OR_RETURN(datasets::UploadDatasetResponse response, Upload(context, spec, file));
  PrintDataset(context, response.dataset(), response.already_existed());
  return absl::OkStatus();
}

absl::Status ShowDataset(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({"DATASET"}));
  GOALPOST_ASSIGN_OR_RETURN(
      std::string name, ChildName(context.arguments().Get("project").value_or(""), "datasets",
                                  context.arguments().positional()[0], "dataset"));
  auto stub = datasets::DatasetService::NewStub(context.Channel(context.addresses().datasets));
  datasets::GetDatasetRequest request;
  request.set_name(name);
  datasets::GetDatasetResponse response;
  grpc::Status status = stub->GetDataset(MakeClientContext().get(), request, &response);
  if (!status.ok()) return RpcStatus(status, absl::StrCat("reading ", name));
  PrintDataset(context, response.dataset(), false);
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> DatasetCommands() {
  return {
      {{"dataset", "upload"},
       "FILE --project P --role training|validation --label-column C [--text-column C] "
       "[--feature-columns a,b] [--categorical-columns a,b] [--prediction-column C] "
       "[--probability-columns c1,c2] [--id-column C] [--metadata-columns a,b] [--name TEXT]",
       "Streams a CSV file to the datasets service; the class names come from the project.",
       {"project", "role", "label-column", "text-column", "feature-columns", "categorical-columns",
        "prediction-column", "probability-columns", "id-column", "metadata-columns", "name"},
       {},
       UploadDataset},
      {{"dataset", "show"},
       "DATASET [--project P]",
       "Prints a dataset's row count and label distribution.",
       {"project"},
       {},
       ShowDataset},
  };
}

}  // namespace goalpost::cli

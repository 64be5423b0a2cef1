#include "services/datasets/read_plan.h"

#include "absl/strings/str_cat.h"

namespace goalpost::datasets {
namespace {

// Index of class c in "probability[<class>]", or -1.
int ProbabilityClass(const v1::Dataset& dataset, const std::string& name) {
  for (int c = 0; c < dataset.spec().class_names_size(); ++c) {
    if (name == ProbabilityColumnName(dataset.spec().class_names(c))) return c;
  }
  return -1;
}

int DatasetColumnIndex(const v1::Dataset& dataset, const std::string& name) {
  for (int i = 0; i < dataset.columns_size(); ++i) {
    if (dataset.columns(i).name() == name) return i;
  }
  return -1;
}

absl::StatusOr<ResolvedColumn> ResolveOne(const v1::Dataset& dataset, const std::string& name,
                                          bool with_prediction_set) {
  const int probability_class = ProbabilityClass(dataset, name);
  if (with_prediction_set) {
    if (name == "prediction") return ResolvedColumn{name, v1::COLUMN_TYPE_CLASS, true, 0};
    if (probability_class >= 0) {
      return ResolvedColumn{name, v1::COLUMN_TYPE_DOUBLE, true, 1 + probability_class};
    }
  }

  const int index = DatasetColumnIndex(dataset, name);
  if (index >= 0) {
    return ResolvedColumn{name, dataset.columns(index).type(), false, index};
  }

  const std::string* alias = nullptr;
  if (name == "prediction") alias = &dataset.spec().prediction_column();
  if (probability_class >= 0 && probability_class < dataset.spec().probability_columns_size()) {
    alias = &dataset.spec().probability_columns(probability_class);
  }
  const int alias_index = alias == nullptr ? -1 : DatasetColumnIndex(dataset, *alias);
  if (alias_index >= 0) {
    return ResolvedColumn{name, dataset.columns(alias_index).type(), false, alias_index};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "columns: \"", name, "\" is not a column of dataset ", dataset.name(),
      with_prediction_set ? " or of the prediction set" : ""));
}

}  // namespace

std::string ProbabilityColumnName(const std::string& class_name) {
  return absl::StrCat("probability[", class_name, "]");
}

absl::StatusOr<std::vector<ResolvedColumn>> ResolveColumns(
    const v1::Dataset& dataset, const std::vector<std::string>& requested,
    bool with_prediction_set) {
  std::vector<ResolvedColumn> resolved;
  if (!requested.empty()) {
    for (const std::string& name : requested) {
      absl::StatusOr<ResolvedColumn> column = ResolveOne(dataset, name, with_prediction_set);
      if (!column.ok()) return column.status();
      resolved.push_back(std::move(column).value());
    }
    return resolved;
  }

  for (int i = 0; i < dataset.columns_size(); ++i) {
    const v1::Column& column = dataset.columns(i);
    const bool replaced = with_prediction_set && (column.role() == v1::COLUMN_ROLE_PREDICTION ||
                                                  column.role() == v1::COLUMN_ROLE_PROBABILITY);
    if (!replaced) resolved.push_back(ResolvedColumn{column.name(), column.type(), false, i});
  }
  if (with_prediction_set) {
    resolved.push_back(ResolvedColumn{"prediction", v1::COLUMN_TYPE_CLASS, true, 0});
    for (int c = 0; c < dataset.spec().class_names_size(); ++c) {
      resolved.push_back(ResolvedColumn{ProbabilityColumnName(dataset.spec().class_names(c)),
                                        v1::COLUMN_TYPE_DOUBLE, true, 1 + c});
    }
  }
  return resolved;
}

}  // namespace goalpost::datasets

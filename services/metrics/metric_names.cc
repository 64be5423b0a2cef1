#include "services/metrics/metric_names.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace goalpost::metrics {
namespace {

const char* const kScalarMetrics[] = {"row_count",  "accuracy",    "error_rate",
                                      "balanced_accuracy", "mcc", "cohen_kappa",
                                      "geometric_mean", "log_loss", "brier", "ece"};
const char* const kClassMetrics[] = {"precision", "recall", "f1", "false_positive_rate"};
const char* const kAverages[] = {"macro", "micro", "weighted"};
const char* const kRocAucAverages[] = {"ovr_macro", "ovr_weighted", "ovo_macro",
                                       "ovo_weighted"};

}  // namespace

std::vector<std::string> AllMetricNames(const std::vector<std::string>& class_names) {
  std::vector<std::string> names(std::begin(kScalarMetrics), std::end(kScalarMetrics));
  const int class_count = static_cast<int>(class_names.size());
  for (int k = 1; k < class_count; ++k) names.push_back(absl::StrCat("top_k_accuracy[", k, "]"));

  for (const char* metric : kClassMetrics) {
    names.push_back(metric);
    for (const std::string& class_name : class_names) {
      names.push_back(absl::StrCat(metric, "[", class_name, "]"));
    }
    for (const char* average : kAverages) names.push_back(absl::StrCat(metric, "[", average, "]"));
  }

  names.push_back("roc_auc");
  for (const std::string& class_name : class_names) {
    names.push_back(absl::StrCat("roc_auc[", class_name, "]"));
  }
  for (const char* average : kRocAucAverages) {
    names.push_back(absl::StrCat("roc_auc[", average, "]"));
  }
  return names;
}

absl::Status CheckMetricName(const std::string& name,
                             const std::vector<std::string>& class_names) {
  const std::vector<std::string> names = AllMetricNames(class_names);
  if (std::find(names.begin(), names.end(), name) != names.end()) return absl::OkStatus();
  if (name == absl::StrCat("top_k_accuracy[", class_names.size(), "]")) return absl::OkStatus();

  return absl::InvalidArgumentError(absl::StrCat(
      "unknown metric name \"", name, "\"; expected one of ", absl::StrJoin(names, ", "),
      " (class names are [", absl::StrJoin(class_names, ", "), "])"));
}

bool NeedsScores(const std::vector<std::string>& names) {
  if (names.empty()) return true;
  return std::any_of(names.begin(), names.end(),
                     [](const std::string& name) { return absl::StartsWith(name, "roc_auc"); });
}

bool NeedsProbabilitySums(const std::vector<std::string>& names) {
  if (names.empty()) return true;
  return std::any_of(names.begin(), names.end(), [](const std::string& name) {
    return name == "log_loss" || name == "brier" || absl::StartsWith(name, "top_k_accuracy");
  });
}

}  // namespace goalpost::metrics

#include "services/metrics/evaluation_plan.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "services/metrics/class_scores.h"
#include "services/metrics/metric_names.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::datasets::v1::LookupTokensRequest;
using ::goalpost::metrics::v1::EvaluateRequest;
using ::goalpost::metrics::v1::SubpopulationRequest;

absl::Status CheckRequestShape(const EvaluateRequest& request) {
  if (request.dataset().empty()) {
    return absl::InvalidArgumentError(
        "dataset is required: give a name like \"projects/p/datasets/d\"");
  }
  if (request.subpopulations_size() > kMaxSubpopulations) {
    return absl::InvalidArgumentError(absl::StrCat("subpopulations has ",
                                                   request.subpopulations_size(),
                                                   " entries; at most ", kMaxSubpopulations,
                                                   " are allowed per request"));
  }
  const int bins = request.histogram_options().bin_count();
  if (bins < 0 || bins > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "histogram_options.bin_count is ", bins, "; give 1 to 1,000, or 0 for the default 20"));
  }
  return absl::OkStatus();
}

// Fills the columns of the label, the prediction and the probabilities,
// from the dataset's own columns or from the prediction set.
absl::Status ResolvePredictionColumns(const EvaluateRequest& request, DatasetSource& source,
                                      EvaluationPlan& plan) {
  const auto& spec = plan.dataset.spec();
  plan.label_column = spec.label_column();

  if (request.prediction_set().empty()) {
    plan.prediction_column = spec.prediction_column();
    plan.probability_columns.assign(spec.probability_columns().begin(),
                                    spec.probability_columns().end());
  } else {
    GOALPOST_ASSIGN_OR_RETURN(auto prediction_set,
                              source.GetPredictionSet(request.prediction_set()));
    const std::vector<std::string> set_classes(prediction_set.class_names().begin(),
                                               prediction_set.class_names().end());
    if (set_classes != plan.class_names) {
      return absl::InvalidArgumentError(absl::StrCat(
          "prediction_set ", request.prediction_set(), " has class names [",
          absl::StrJoin(set_classes, ", "), "], which differ from the dataset's [",
          absl::StrJoin(plan.class_names, ", "), "]"));
    }
    plan.prediction_set = request.prediction_set();
    plan.prediction_column = "prediction";
    for (const std::string& class_name : plan.class_names) {
      plan.probability_columns.push_back(absl::StrCat("probability[", class_name, "]"));
    }
  }

  if (plan.prediction_column.empty() && plan.probability_columns.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dataset ", request.dataset(),
        " has neither a prediction column nor class probabilities; upload predictions as a "
        "prediction set and name it in prediction_set"));
  }
  return absl::OkStatus();
}

absl::StatusOr<filter::Filter> ParseSubpopulationFilter(const SubpopulationRequest& request,
                                                        int index) {
  if (!request.filter_text().empty()) {
    auto parsed = filter::Parse(request.filter_text());
    if (!parsed.ok()) {
      return Annotate(parsed.status(), absl::StrCat("subpopulations[", index, "].filter_text"));
    }
    return *std::move(parsed);
  }
  if (request.filter().condition_case() == filter::Filter::CONDITION_NOT_SET) {
    filter::Filter every_row;
    every_row.mutable_all_of();
    return every_row;
  }
  return request.filter();
}

absl::StatusOr<SubpopulationPlan> PlanSubpopulation(const SubpopulationRequest& request,
                                                    int index, const filter::Schema& schema,
                                                    const EvaluationPlan& plan, int bin_count) {
  for (int m = 0; m < request.metrics_size(); ++m) {
    const absl::Status status = CheckMetricName(request.metrics(m), plan.class_names);
    if (!status.ok()) {
      return Annotate(status, absl::StrCat("subpopulations[", index, "].metrics[", m, "]"));
    }
  }

  GOALPOST_ASSIGN_OR_RETURN(filter::Filter parsed, ParseSubpopulationFilter(request, index));
  auto compiled =
      filter::CompiledFilter::Compile(parsed, schema, !plan.probability_columns.empty());
  if (!compiled.ok()) {
    return Annotate(compiled.status(), absl::StrCat("subpopulations[", index, "].filter"));
  }

  SubpopulationPlan subpopulation{request.key(), filter::Print(parsed), *std::move(compiled),
                                  parsed.has_all_of() && parsed.all_of().filters_size() == 0,
                                  {}, {}, {}};
  subpopulation.metric_names.assign(request.metrics().begin(), request.metrics().end());
  const bool scored = !plan.probability_columns.empty();
  subpopulation.accumulator_options = AccumulatorOptions{
      static_cast<int>(plan.class_names.size()), bin_count,
      scored && NeedsScores(subpopulation.metric_names),
      scored && NeedsProbabilitySums(subpopulation.metric_names)};
  return subpopulation;
}

void CollectFilterColumns(EvaluationPlan& plan) {
  std::vector<std::string> read_columns = {plan.label_column, plan.prediction_column};
  read_columns.insert(read_columns.end(), plan.probability_columns.begin(),
                      plan.probability_columns.end());
  for (const SubpopulationPlan& subpopulation : plan.subpopulations) {
    for (const std::string& column : subpopulation.filter.columns()) {
      if (std::find(read_columns.begin(), read_columns.end(), column) != read_columns.end()) {
        continue;
      }
      read_columns.push_back(column);
      plan.filter_columns.push_back(column);
    }
  }
}

// Looks up every distinct token condition once, before the pass.
absl::Status LookupTokenQueries(const std::string& dataset, DatasetSource& source,
                                EvaluationPlan& plan) {
  std::map<std::tuple<std::string, std::vector<std::string>, bool>, std::vector<int64_t>> answers;
  for (SubpopulationPlan& subpopulation : plan.subpopulations) {
    for (const filter::TokenQuery& query : subpopulation.filter.token_queries()) {
      const auto key = std::make_tuple(query.column, query.tokens, query.match_all);
      auto it = answers.find(key);
      if (it == answers.end()) {
        LookupTokensRequest request;
        request.set_name(dataset);
        request.set_column(query.column);
        for (const std::string& token : query.tokens) request.add_tokens(token);
        request.set_mode(query.match_all ? goalpost::datasets::v1::TOKEN_LOOKUP_MODE_ALL
                                         : goalpost::datasets::v1::TOKEN_LOOKUP_MODE_ANY);
        GOALPOST_ASSIGN_OR_RETURN(std::vector<int64_t> rows, source.LookupTokens(request));
        it = answers.emplace(key, std::move(rows)).first;
      }
      subpopulation.token_query_rows.push_back(it->second);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EvaluationPlan> PlanEvaluation(const EvaluateRequest& request,
                                              DatasetSource& source) {
  GOALPOST_RETURN_IF_ERROR(CheckRequestShape(request));

  EvaluationPlan plan;
  GOALPOST_ASSIGN_OR_RETURN(plan.dataset, source.GetDataset(request.dataset()));
  plan.class_names.assign(plan.dataset.spec().class_names().begin(),
                          plan.dataset.spec().class_names().end());
  if (plan.class_names.size() < 2 || plan.class_names.size() > kMaxClassCount) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dataset ", request.dataset(), " has ", plan.class_names.size(),
        " class names; metrics support 2 to ", kMaxClassCount));
  }
  GOALPOST_RETURN_IF_ERROR(ResolvePredictionColumns(request, source, plan));

  const filter::Schema schema = filter::SchemaFromDataset(plan.dataset);
  const int bins =
      request.histogram_options().bin_count() == 0 ? 20 : request.histogram_options().bin_count();
  for (int i = 0; i < request.subpopulations_size(); ++i) {
    GOALPOST_ASSIGN_OR_RETURN(
        SubpopulationPlan subpopulation,
        PlanSubpopulation(request.subpopulations(i), i, schema, plan, bins));
    plan.subpopulations.push_back(std::move(subpopulation));
  }

  CollectFilterColumns(plan);
  GOALPOST_RETURN_IF_ERROR(LookupTokenQueries(request.dataset(), source, plan));
  return plan;
}

}  // namespace goalpost::metrics

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "common/filter/filter.h"
#include "common/filter/filter_test_support.h"

namespace goalpost::filter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<CompiledFilter> CompileText(const std::string& text, bool has_probabilities = true) {
  absl::StatusOr<Filter> filter = Parse(text);
  if (!filter.ok()) return filter.status();
  return CompiledFilter::Compile(*filter, testing::TestSchema(), has_probabilities);
}

absl::StatusOr<CompiledFilter> CompileTextProto(const std::string& text_proto) {
  Filter filter;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text_proto, &filter)) << text_proto;
  return CompiledFilter::Compile(filter, testing::TestSchema(), true);
}

struct ErrorCase {
  std::string text;
  std::string message;
};

TEST(CompileTest, RejectsMismatchedConditions) {
  const std::vector<ErrorCase> cases = {
      {"agee >= 18", "in \"agee >= 18\": unknown column \"agee\"; the columns are id, text, subject"},
      {"age == \"30\"", "\"age\" is a numeric column, so compare it with a number without quotes"},
      {"country == 3", "\"country\" is a categorical column, so compare it with a string in double quotes"},
      {"country > 3", "\"country\" is a categorical column, so compare it with a string"},
      {"label == 1", "\"label\" is the label column"},
      {"label == \"spa\"", "\"spa\" is not a class name of \"label\"; the classes are ham, spam, other"},
      {"prediction in (\"ham\", \"nope\")", "\"nope\" is not a class name of \"prediction\""},
      {"country has \"spain\"", "token conditions need a text column, and \"country\" is a categorical column"},
      {"age has \"x1\"", "token conditions need a text column, and \"age\" is a numeric column"},
      {"label has \"ham\"", "token conditions need a text column, and \"label\" is the label column"},
      {"age matches \"1\"", "matches needs a text or categorical column, and \"age\" is a numeric column"},
      {"subject matches \"(\"", "invalid regular expression \"(\": missing )"},
      {"country between 1 and 2", "between needs a numeric column, and \"country\" is a categorical column"},
      {"age between 3 and 1", "the lower bound of between is greater than the upper bound"},
      {"age in (\"1\")", "in needs a categorical column, and \"age\" is a numeric column"},
      {"prediction != age", "cannot compare \"prediction\" (the prediction column, which contains class names) with \"age\""},
      {"country == Spain", "unknown column \"Spain\""},
      {"nope is missing", "unknown column \"nope\""},
  };
  for (const ErrorCase& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    absl::StatusOr<CompiledFilter> compiled = CompileText(test_case.text);
    ASSERT_FALSE(compiled.ok());
    EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(compiled.status().message()), HasSubstr(test_case.message));
  }
}

TEST(CompileTest, RejectsInvalidStructuredFilters) {
  const std::vector<ErrorCase> cases = {
      {"comparison { column: \"age\" number: 3 }", "the comparison has no operator"},
      {"comparison { column: \"age\" operator: COMPARISON_OPERATOR_LESS }", "the comparison has no value"},
      {"comparison { column: \"country\" operator: COMPARISON_OPERATOR_LESS text: \"a\" }",
       "\"country\" is a categorical column, which only supports == and !="},
      {"comparison { column: \"age\" operator: COMPARISON_OPERATOR_LESS number: nan }", "the number must be finite"},
      {"between { column: \"age\" lower: -inf upper: 3 }", "the bounds of between must be finite numbers"},
      {"token { column: \"text\" }", "a token condition needs at least one token"},
      {"token { column: \"text\" tokens: \"free money\" }", "the token \"free money\" is 2 tokens"},
      {"token { column: \"text\" tokens: \"x\" }", "the token \"x\" has no run of two or more"},
      {"in_set { column: \"country\" }", "in needs at least one value"},
      {"column_comparison { left_column: \"age\" operator: COMPARISON_OPERATOR_LESS right_column: \"income\" }",
       "two columns can only be compared with == or !="},
      {"correctness: CORRECTNESS_UNSPECIFIED", "correctness must be"},
      {"all_of { filters { correctness: CORRECTNESS_CORRECT } filters { missing { column: \"zzz\" } } }",
       "unknown column \"zzz\""},
  };
  for (const ErrorCase& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    absl::StatusOr<CompiledFilter> compiled = CompileTextProto(test_case.text);
    ASSERT_FALSE(compiled.ok());
    EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(compiled.status().message()), HasSubstr(test_case.message));
  }
}

TEST(CompileTest, ConfidenceNeedsProbabilities) {
  absl::StatusOr<CompiledFilter> compiled = CompileText("confidence < 0.6", false);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(compiled.status().message()), HasSubstr("\"confidence\" needs class probabilities"));
  EXPECT_TRUE(CompileText("confidence < 0.6", true).ok());
}

TEST(CompileTest, ListsColumnsAndTokenQueries) {
  absl::StatusOr<CompiledFilter> compiled = CompileText(
      "text has all(\"FREE\", \"money\", \"free\") and age > 3 and (country == \"Spain\" or age < 1) "
      "and text has any(\"Refund\") and text has all(\"free\", \"money\") and subject matches \"re\" "
      "and misclassified and confidence < 0.5");
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_THAT(compiled->columns(), ElementsAre("age", "country", "subject"));
  ASSERT_EQ(compiled->token_queries().size(), 2u);
  EXPECT_EQ(compiled->token_queries()[0].column, "text");
  EXPECT_THAT(compiled->token_queries()[0].tokens, ElementsAre("free", "money"));
  EXPECT_TRUE(compiled->token_queries()[0].match_all);
  EXPECT_THAT(compiled->token_queries()[1].tokens, ElementsAre("refund"));
  EXPECT_FALSE(compiled->token_queries()[1].match_all);
  EXPECT_TRUE(compiled->uses_labels());
  EXPECT_TRUE(compiled->uses_predictions());
  EXPECT_TRUE(compiled->uses_confidence());
}

TEST(CompileTest, BuiltInsAreNotDatasetColumns) {
  absl::StatusOr<CompiledFilter> compiled = CompileText("label == \"ham\"");
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_TRUE(compiled->columns().empty());
  EXPECT_TRUE(compiled->uses_labels());
  EXPECT_FALSE(compiled->uses_predictions());
  EXPECT_FALSE(compiled->uses_confidence());
}

TEST(CompileTest, DatasetNamesOfLabelAndPredictionAreAliases) {
  Schema schema = testing::TestSchema();
  schema.label_column = "Status";
  schema.prediction_column = "predicted";
  absl::StatusOr<Filter> filter = Parse("Status == \"spam\" and predicted != Status");
  ASSERT_TRUE(filter.ok()) << filter.status();
  absl::StatusOr<CompiledFilter> compiled = CompiledFilter::Compile(*filter, schema, false);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_TRUE(compiled->columns().empty());
  EXPECT_TRUE(compiled->uses_labels());
  EXPECT_TRUE(compiled->uses_predictions());
}

TEST(CompileTest, SchemaFromDatasetColumns) {
  datasets::v1::Dataset dataset;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    spec { class_names: "bad" class_names: "good" }
    columns { name: "id" role: COLUMN_ROLE_ID type: COLUMN_TYPE_STRING }
    columns { name: "Age" role: COLUMN_ROLE_NUMERIC_FEATURE type: COLUMN_TYPE_DOUBLE }
    columns { name: "Home" role: COLUMN_ROLE_CATEGORICAL_FEATURE type: COLUMN_TYPE_STRING }
    columns { name: "notes" role: COLUMN_ROLE_TEXT type: COLUMN_TYPE_STRING }
    columns { name: "source" role: COLUMN_ROLE_METADATA type: COLUMN_TYPE_STRING }
    columns { name: "Status" role: COLUMN_ROLE_LABEL type: COLUMN_TYPE_CLASS }
    columns { name: "pred" role: COLUMN_ROLE_PREDICTION type: COLUMN_TYPE_CLASS }
    columns { name: "prob_bad" role: COLUMN_ROLE_PROBABILITY type: COLUMN_TYPE_DOUBLE }
  )pb", &dataset));
  const Schema schema = SchemaFromDataset(dataset);
  ASSERT_EQ(schema.columns.size(), 6u);
  EXPECT_EQ(schema.columns[0].kind, ColumnInfo::Kind::kId);
  EXPECT_EQ(schema.columns[1].kind, ColumnInfo::Kind::kNumeric);
  EXPECT_EQ(schema.columns[2].kind, ColumnInfo::Kind::kCategorical);
  EXPECT_EQ(schema.columns[3].kind, ColumnInfo::Kind::kText);
  EXPECT_EQ(schema.columns[4].kind, ColumnInfo::Kind::kMetadata);
  EXPECT_EQ(schema.columns[5].name, "prob_bad");
  EXPECT_EQ(schema.columns[5].kind, ColumnInfo::Kind::kNumeric);
  EXPECT_EQ(schema.label_column, "Status");
  EXPECT_EQ(schema.prediction_column, "pred");
  EXPECT_THAT(schema.class_names, ElementsAre("bad", "good"));
}

TEST(CompileTest, SchemaFromDatasetSpecWhenNoColumns) {
  datasets::v1::Dataset dataset;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    spec {
      id_column: "id" text_columns: "text" categorical_columns: "group"
      label_column: "label" prediction_column: "prediction"
      probability_columns: "prob_ham" probability_columns: "prob_spam"
      class_names: "ham" class_names: "spam"
    }
  )pb", &dataset));
  const Schema schema = SchemaFromDataset(dataset);
  ASSERT_EQ(schema.columns.size(), 5u);
  EXPECT_EQ(schema.columns[1].name, "text");
  EXPECT_EQ(schema.columns[1].kind, ColumnInfo::Kind::kText);
  EXPECT_EQ(schema.columns[2].kind, ColumnInfo::Kind::kCategorical);
  EXPECT_EQ(schema.label_column, "label");
  EXPECT_EQ(schema.prediction_column, "prediction");
}

}  // namespace
}  // namespace goalpost::filter

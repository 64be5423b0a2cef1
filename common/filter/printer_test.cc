#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "common/filter/filter.h"
#include "common/filter/filter_test_support.h"
#include "common/filter/grammar_examples.h"

namespace goalpost::filter {
namespace {

using ::google::protobuf::util::MessageDifferencer;

Filter FromTextProto(const std::string& text_proto) {
  Filter filter;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text_proto, &filter)) << text_proto;
  return filter;
}

struct PrintCase {
  std::string text;
  std::string canonical;
};

TEST(PrintTest, WritesCanonicalText) {
  const std::vector<PrintCase> cases = {
      {"  AGE>=18   AND age<30 ", "AGE >= 18 and age < 30"},
      {"text has all(\"Free\",\"MONEY\")", "text has all(\"Free\", \"MONEY\")"},
      {"age > 30.000", "age > 30"},
      {"age > 1e21", "age > 1e+21"},
      {"age > 0.1", "age > 0.1"},
      {"age > -.25", "age > -0.25"},
      {"((correct))", "correct"},
      {"(correct and correct) or (misclassified or correct)",
       "correct and correct or (misclassified or correct)"},
      {"correct and (misclassified and correct)", "correct and (misclassified and correct)"},
      {"not (correct)", "not correct"},
      {"not (correct or misclassified)", "not (correct or misclassified)"},
      {"`age` > 1", "age > 1"},
      {"`and` > 1", "`and` > 1"},
      {"`Or` > 1", "`Or` > 1"},
      {"`my col` is not missing", "not `my col` is missing"},
      {"`3d` > 1", "`3d` > 1"},
      {"`a\\\\b` > 1", "`a\\\\b` > 1"},
      {"country == \"tab\there\"", "country == \"tab\\there\""},
      {"TRUE", ""},
  };
  for (const PrintCase& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    absl::StatusOr<Filter> parsed = Parse(test_case.text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(Print(*parsed), test_case.canonical);
  }
}

TEST(PrintTest, GrammarExamplesRoundTrip) {
  for (const std::string& example : testing::GrammarExamples()) {
    SCOPED_TRACE(example);
    absl::StatusOr<Filter> parsed = Parse(example);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    // The documented examples are already canonical.
    const std::string printed = Print(*parsed);
    EXPECT_EQ(printed == "true" ? "" : printed, example == "true" ? "" : example);

    absl::StatusOr<Filter> reparsed = Parse(printed);
    ASSERT_TRUE(reparsed.ok()) << reparsed.status();
    EXPECT_TRUE(MessageDifferencer::Equals(*reparsed, *parsed)) << reparsed->ShortDebugString();
  }
}

// Every line of the ```filter blocks in the user documentation parses and
// is already canonical.
TEST(PrintTest, DocumentedExamplesRoundTrip) {
  std::ifstream docs("docs/subpopulations.md");
  ASSERT_TRUE(docs.good());
  std::string line;
  bool in_block = false;
  int examples = 0;
  while (std::getline(docs, line)) {
    if (line.rfind("```", 0) == 0) {
      in_block = line == "```filter";
      continue;
    }
    if (!in_block) continue;
    SCOPED_TRACE(line);
    ++examples;
    absl::StatusOr<Filter> parsed = Parse(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(Print(*parsed), line);
  }
  EXPECT_GT(examples, 30);
}

// Property: over many generated filters, printing and parsing back gives the
// same structured filter, and printing is stable.
TEST(PrintTest, GeneratedFiltersRoundTrip) {
  std::mt19937 random(20240601);
  for (int i = 0; i < 3000; ++i) {
    const Filter filter = testing::RandomFilter(random, 4);
    const std::string printed = Print(filter);
    SCOPED_TRACE(printed);
    absl::StatusOr<Filter> parsed = Parse(printed);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\nfrom " << filter.ShortDebugString();
    EXPECT_TRUE(MessageDifferencer::Equals(*parsed, filter))
        << "want " << filter.ShortDebugString() << "\ngot  " << parsed->ShortDebugString();
    EXPECT_EQ(Print(*parsed), printed);
  }
}

TEST(PrintTest, NumbersRoundTripExactly) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    const double value = i % 2 == 0 ? uniform(random) : uniform(random) * 1e-12;
    Filter filter;
    filter.mutable_between()->set_column("x");
    filter.mutable_between()->set_lower(value);
    filter.mutable_between()->set_upper(value);
    absl::StatusOr<Filter> parsed = Parse(Print(filter));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->between().lower(), value) << Print(filter);
  }
}

TEST(PrintTest, SingleElementListsPrintAsTheElement) {
  const Filter filter = FromTextProto("all_of { filters { any_of { filters { correctness: CORRECTNESS_CORRECT } } } }");
  EXPECT_EQ(Print(filter), "correct");
}

TEST(PrintTest, EmptyListsPrintAsTrueAndFalse) {
  EXPECT_EQ(Print(FromTextProto("all_of {}")), "");
  EXPECT_EQ(Print(Filter()), "");
  EXPECT_EQ(Print(FromTextProto("any_of {}")), "false");
  EXPECT_EQ(Print(FromTextProto("negation { all_of {} }")), "not true");
}

TEST(PrintTest, TokenConditionForms) {
  EXPECT_EQ(Print(FromTextProto("token { column: \"text\" tokens: \"a1\" match: TOKEN_MATCH_ALL }")),
            "text has \"a1\"");
  EXPECT_EQ(Print(FromTextProto("token { column: \"text\" tokens: \"a1\" match: TOKEN_MATCH_ANY }")),
            "text has any(\"a1\")");
  EXPECT_EQ(Print(FromTextProto("token { column: \"text\" tokens: \"a1\" tokens: \"b2\" }")),
            "text has all(\"a1\", \"b2\")");
}

}  // namespace
}  // namespace goalpost::filter

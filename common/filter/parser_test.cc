#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "common/filter/filter.h"

namespace goalpost::filter {
namespace {

using ::testing::HasSubstr;

Filter FromTextProto(const std::string& text_proto) {
  Filter filter;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text_proto, &filter)) << text_proto;
  return filter;
}

struct ParseCase {
  std::string text;
  std::string expected;  // text-format Filter
};

TEST(ParseTest, BuildsStructuredForm) {
  const std::vector<ParseCase> cases = {
      {"", "all_of {}"},
      {"   \t ", "all_of {}"},
      {R"(text has "canada")", R"(token { column: "text" tokens: "canada" match: TOKEN_MATCH_ALL })"},
      {R"(text has all("player", "Canada"))",
       R"(token { column: "text" tokens: "player" tokens: "Canada" match: TOKEN_MATCH_ALL list_form: true })"},
      {R"(text has any("refund", "invoice"))",
       R"(token { column: "text" tokens: "refund" tokens: "invoice" match: TOKEN_MATCH_ANY list_form: true })"},
      {R"(subject matches "(?i)re:")", R"(regex { column: "subject" pattern: "(?i)re:" })"},
      {R"(subject matches "\\d+\"x\"")", R"(regex { column: "subject" pattern: "\\d+\"x\"" })"},
      {"age < 30", "comparison { column: \"age\" operator: COMPARISON_OPERATOR_LESS number: 30 }"},
      {"age <= -2.5", "comparison { column: \"age\" operator: COMPARISON_OPERATOR_LESS_EQUAL number: -2.5 }"},
      {"age > .5", "comparison { column: \"age\" operator: COMPARISON_OPERATOR_GREATER number: 0.5 }"},
      {"age >= 1e3", "comparison { column: \"age\" operator: COMPARISON_OPERATOR_GREATER_EQUAL number: 1000 }"},
      {"age == 30", "comparison { column: \"age\" operator: COMPARISON_OPERATOR_EQUAL number: 30 }"},
      {"age != 3E-2", "comparison { column: \"age\" operator: COMPARISON_OPERATOR_NOT_EQUAL number: 0.03 }"},
      {"age between 25 and 35", "between { column: \"age\" lower: 25 upper: 35 }"},
      {R"(country == "Spain")", "comparison { column: \"country\" operator: COMPARISON_OPERATOR_EQUAL text: \"Spain\" }"},
      {R"(country != "Spain")", "comparison { column: \"country\" operator: COMPARISON_OPERATOR_NOT_EQUAL text: \"Spain\" }"},
      {R"(country in ("Spain", "Portugal"))", R"(in_set { column: "country" values: "Spain" values: "Portugal" })"},
      {R"(label == "spam")", "comparison { column: \"label\" operator: COMPARISON_OPERATOR_EQUAL text: \"spam\" }"},
      {"prediction != label",
       "column_comparison { left_column: \"prediction\" operator: COMPARISON_OPERATOR_NOT_EQUAL right_column: \"label\" }"},
      {"confidence < 0.6", "comparison { column: \"confidence\" operator: COMPARISON_OPERATOR_LESS number: 0.6 }"},
      {"misclassified", "correctness: CORRECTNESS_MISCLASSIFIED"},
      {"correct", "correctness: CORRECTNESS_CORRECT"},
      {"age is missing", "missing { column: \"age\" }"},
      {"age is not missing", "negation { missing { column: \"age\" } }"},
      {"`my col` > 3", "comparison { column: \"my col\" operator: COMPARISON_OPERATOR_GREATER number: 3 }"},
      {"`in` == \"x\"", "comparison { column: \"in\" operator: COMPARISON_OPERATOR_EQUAL text: \"x\" }"},
      {"`a\\`b` is missing", "missing { column: \"a`b\" }"},
      {"true", "all_of {}"},
      {"false", "any_of {}"},
      {"NOT Misclassified", "negation { correctness: CORRECTNESS_MISCLASSIFIED }"},
      // not binds tighter than and, and tighter than or.
      {"not correct and age > 1 or age < 0",
       "any_of { filters { all_of { filters { negation { correctness: CORRECTNESS_CORRECT } } "
       "filters { comparison { column: \"age\" operator: COMPARISON_OPERATOR_GREATER number: 1 } } } } "
       "filters { comparison { column: \"age\" operator: COMPARISON_OPERATOR_LESS number: 0 } } }"},
      // A chain is one list; a parenthesised group stays one element.
      {"correct and misclassified and correct",
       "all_of { filters { correctness: CORRECTNESS_CORRECT } filters { correctness: CORRECTNESS_MISCLASSIFIED } "
       "filters { correctness: CORRECTNESS_CORRECT } }"},
      {"(correct and misclassified) and correct",
       "all_of { filters { all_of { filters { correctness: CORRECTNESS_CORRECT } "
       "filters { correctness: CORRECTNESS_MISCLASSIFIED } } } filters { correctness: CORRECTNESS_CORRECT } }"},
      {"((correct))", "correctness: CORRECTNESS_CORRECT"},
      {"correct and (misclassified or correct)",
       "all_of { filters { correctness: CORRECTNESS_CORRECT } filters { any_of { "
       "filters { correctness: CORRECTNESS_MISCLASSIFIED } filters { correctness: CORRECTNESS_CORRECT } } } }"},
      {"age between -1 and 2 and correct",
       "all_of { filters { between { column: \"age\" lower: -1 upper: 2 } } filters { correctness: CORRECTNESS_CORRECT } }"},
      {"country == \"a\\n\\t\\r\\\\\"",
       "comparison { column: \"country\" operator: COMPARISON_OPERATOR_EQUAL text: \"a\\n\\t\\r\\\\\" }"},
  };
  for (const ParseCase& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    absl::StatusOr<Filter> parsed = Parse(test_case.text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    const Filter expected = FromTextProto(test_case.expected);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*parsed, expected))
        << "got " << parsed->ShortDebugString();
  }
}

struct ErrorCase {
  std::string text;
  std::string message;  // a substring of the error
};

TEST(ParseTest, ReportsPositionAndExpectation) {
  const std::vector<ErrorCase> cases = {
      {"age ==", "position 7: expected a string, number or column name after \"==\", found the end of the text"},
      {"age = 3", "position 5: expected \"==\"; a single \"=\" is not an operator"},
      {"age ! 3", "position 5: expected \"!=\""},
      {"age < \"3\"", "position 7: expected a number after \"<\", found the string \"3\""},
      {"age < x", "position 7: expected a number after \"<\", found the column name x"},
      {"age", "position 4: expected an operator after the column name age"},
      {"age > 3 and", "position 12: expected a condition"},
      {"age > 3 age < 4", "position 9: expected \"and\", \"or\" or the end of the text, found the column name age"},
      {"(age > 3", "position 9: expected \"and\", \"or\" or \")\" to close the \"(\" at position 1"},
      {"age > 3)", "position 8: expected \"and\", \"or\" or the end of the text, found \")\""},
      {"text has", "position 9: expected a token in double quotes, all(...) or any(...) after \"has\""},
      {"text has all()", "position 14: expected a token in double quotes after \"(\", found \")\""},
      {"text has all(\"a1\" \"b2\")", "position 19: expected \",\" or \")\""},
      {"text has any \"x\"", "position 14: expected \"(\" after \"any\""},
      {"text has \"a\"", "position 10: the token \"a\" has no run of two or more"},
      {"text has all(\"ok\", \"free money\")", "position 20: the token \"free money\" is 2 tokens (free, money)"},
      {"text has \"!!\"", "the token \"!!\""},
      {"subject matches 3", "position 17: expected a regular expression in double quotes after \"matches\""},
      {"age between 1 35", "position 15: expected \"and\" after the lower bound of \"between\""},
      {"age between \"a\" and 3", "position 13: expected a number after \"between\""},
      {"age between 1 and x", "position 19: expected a number after \"between ... and\""},
      {"country in \"Spain\"", "position 12: expected \"(\" after \"in\""},
      {"country in (\"Spain\",)", "position 21: expected a string in double quotes after \",\""},
      {"country in (1)", "position 13: expected a string in double quotes after \"(\""},
      {"age is", "position 7: expected \"missing\" or \"not missing\" after \"is\""},
      {"age is not", "position 11: expected \"missing\" after \"is not\""},
      {"country == \"Spain", "position 12: unterminated string; expected a closing \""},
      {"`my col > 3", "position 1: unterminated column name; expected a closing `"},
      {"`` > 3", "position 1: expected a column name between the backquotes"},
      {"country == \"a\\q\"", "position 14: unknown escape"},
      {"age > 3 & age < 4", "position 9: unexpected character \"&\""},
      {"país == \"x\"", "position 3: unexpected character \"í\""},
      {"\"é\" == país", "position 10: unexpected character \"í\""},
      {"age > 1e999", "position 7: the number 1e999 is out of the range of a double"},
      {"age > 3x", "position 8: expected a space or operator after the number \"3\""},
      {"in == \"x\"", "position 1: expected a condition"},
      {"not", "position 4: expected a condition"},
      {"age > 3 or or", "position 12: expected a condition"},
      {std::string(101, '(') + "correct" + std::string(101, ')'), "nest deeper than 100 levels"},
      {"not " + std::string(101, '(') , "nest deeper than 100 levels"},
  };
  for (const ErrorCase& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    absl::StatusOr<Filter> parsed = Parse(test_case.text);
    ASSERT_FALSE(parsed.ok()) << parsed->ShortDebugString();
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(test_case.message));
  }
}

TEST(ParseTest, KeepsTokensAsWritten) {
  absl::StatusOr<Filter> parsed = Parse("text has all(\"FREE\", \"Über\")");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->token().tokens(), ::testing::ElementsAre("FREE", "Über"));
}

// Random texts made of the grammar's own pieces either fail with
// INVALID_ARGUMENT and a position, or parse into a filter that prints and
// parses back unchanged.
TEST(ParseTest, RandomTextsFailCleanlyOrRoundTrip) {
  const std::vector<std::string> pieces = {
      "age", "`my col`", "text", "label", " ", "  ", "(", ")", ",", "<", "<=", ">", ">=", "==", "!=",
      "=", "!", "and", "OR", "not", "has", "all", "any", "matches", "between", "in", "is", "missing",
      "misclassified", "correct", "true", "\"free\"", "\"a\\\"b\"", "\"", "`", "3", "-2.5", "1e", ".5",
      "é", "\\", "\n", "x9"};
  std::mt19937 random(5);
  int parsed_count = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int length = std::uniform_int_distribution<int>(0, 12)(random);
    for (int k = 0; k < length; ++k) {
      text += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(random)];
    }
    SCOPED_TRACE(text);
    absl::StatusOr<Filter> parsed = Parse(text);
    if (!parsed.ok()) {
      ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
      ASSERT_THAT(std::string(parsed.status().message()), ::testing::StartsWith("position "));
      continue;
    }
    ++parsed_count;
    absl::StatusOr<Filter> reparsed = Parse(Print(*parsed));
    ASSERT_TRUE(reparsed.ok()) << reparsed.status();
    ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*reparsed, *parsed));
  }
  EXPECT_GT(parsed_count, 100);
}

TEST(ParseTest, HundredLevelsOfNestingParse) {
  const std::string text = std::string(100, '(') + "correct" + std::string(100, ')');
  EXPECT_TRUE(Parse(text).ok());
}

}  // namespace
}  // namespace goalpost::filter

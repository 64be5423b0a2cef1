#ifndef GOALPOST_COMMON_FILTER_GRAMMAR_EXAMPLES_H_
#define GOALPOST_COMMON_FILTER_GRAMMAR_EXAMPLES_H_

#include <string>
#include <vector>

namespace goalpost::filter::testing {

// Filters in canonical form (Print gives each back unchanged): the examples
// of docs/subpopulations.md and a few more.
inline const std::vector<std::string>& GrammarExamples() {
  static const std::vector<std::string> examples = {
      "",
      "text has \"canada\"",
      "text has all(\"player\", \"canada\")",
      "text has any(\"refund\", \"invoice\")",
      "subject matches \"(?i)re:\"",
      "subject matches \"^\\\\d+ items\"",
      "age < 30",
      "age <= 30",
      "age > 30",
      "age >= 18 and age < 30",
      "age == 30",
      "age != 30",
      "age between 25 and 35",
      "income > -1500.5",
      "income < 2.5e-07",
      "country == \"Spain\"",
      "country != \"Spain\"",
      "country in (\"Spain\", \"Portugal\")",
      "label == \"spam\"",
      "prediction != label",
      "confidence < 0.6",
      "misclassified",
      "correct",
      "age is missing",
      "not age is missing",
      "`my col` > 3",
      "`in` == \"x\"",
      "title == \"say \\\"hi\\\"\"",
      "text has \"free\" and confidence < 0.6",
      "text has all(\"free\", \"money\") and label == \"ham\"",
      "misclassified and (country == \"Spain\" or country == \"Portugal\")",
      "not (age < 18 or age > 65)",
      "age >= 18 and not text has \"refund\"",
      "label == \"spam\" and prediction == \"ham\" or label == \"ham\" and prediction == \"spam\"",
      "(age < 18 and income > 10) and correct",
      "true",
      "false or correct",
  };
  return examples;
}

}  // namespace goalpost::filter::testing

#endif  // GOALPOST_COMMON_FILTER_GRAMMAR_EXAMPLES_H_

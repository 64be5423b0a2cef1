#ifndef GOALPOST_SERVICES_EXPLAIN_TESTING_CREDIT_EXAMPLE_H_
#define GOALPOST_SERVICES_EXPLAIN_TESTING_CREDIT_EXAMPLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/explain/lime/tabular_explainer.h"

namespace goalpost::explain::testing {

// The credit example (examples/credit) in the XGBoost model's encoding:
// numbers, category codes, NaN for missing values.
struct CreditExample {
  // In the model's order; numeric features carry the training set's
  // quartiles, computed as numpy.percentile does.
  std::vector<TabularFeature> features;
  // Per feature, the values of every row.
  std::vector<std::vector<double>> training;
  std::vector<std::vector<double>> validation;
  std::vector<std::string> validation_ids;

  // Validation row r, one value per feature.
  std::vector<double> ValidationRow(size_t r) const;
};

absl::StatusOr<CreditExample> LoadCreditExample();

// numpy.percentile with linear interpolation, over the non-missing values.
double Percentile(std::vector<double> values, double percent);

}  // namespace goalpost::explain::testing

#endif  // GOALPOST_SERVICES_EXPLAIN_TESTING_CREDIT_EXAMPLE_H_

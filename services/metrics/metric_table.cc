#include "services/metrics/metric_table.h"

#include <cmath>

namespace goalpost::metrics {

using ::goalpost::metrics::v1::MetricValue;

void MetricTable::Defined(const std::string& name, double value) {
  MetricValue& entry = values_[name];
  entry.set_name(name);
  entry.set_value(value);
  entry.set_status(goalpost::metrics::v1::METRIC_STATUS_DEFINED);
}

void MetricTable::ZeroDivision(const std::string& name, double value, const std::string& reason) {
  MetricValue& entry = values_[name];
  entry.set_name(name);
  entry.set_value(value);
  entry.set_status(goalpost::metrics::v1::METRIC_STATUS_ZERO_DIVISION);
  entry.set_reason(reason);
}

void MetricTable::Undefined(const std::string& name, const std::string& reason) {
  MetricValue& entry = values_[name];
  entry.set_name(name);
  entry.set_value(std::nan(""));
  entry.set_status(goalpost::metrics::v1::METRIC_STATUS_UNDEFINED);
  entry.set_reason(reason);
}

void MetricTable::Set(const std::string& name, const MetricValue& value) {
  MetricValue& entry = values_[name];
  entry = value;
  entry.set_name(name);
}

MetricValue MetricTable::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;

  MetricValue value;
  value.set_name(name);
  value.set_value(std::nan(""));
  value.set_status(goalpost::metrics::v1::METRIC_STATUS_UNDEFINED);
  value.set_reason("the subpopulation has no rows");
  return value;
}

}  // namespace goalpost::metrics

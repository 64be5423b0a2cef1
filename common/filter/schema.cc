#include <string>

#include "common/filter/filter.h"

namespace goalpost::filter {
namespace {

using ::goalpost::datasets::v1::ColumnRole;

void AddColumn(Schema& schema, const std::string& name, ColumnRole role) {
  ColumnInfo::Kind kind;
  switch (role) {
    case datasets::v1::COLUMN_ROLE_ID: kind = ColumnInfo::Kind::kId; break;
    case datasets::v1::COLUMN_ROLE_TEXT: kind = ColumnInfo::Kind::kText; break;
    case datasets::v1::COLUMN_ROLE_NUMERIC_FEATURE:
    case datasets::v1::COLUMN_ROLE_PROBABILITY: kind = ColumnInfo::Kind::kNumeric; break;
    case datasets::v1::COLUMN_ROLE_CATEGORICAL_FEATURE: kind = ColumnInfo::Kind::kCategorical; break;
    case datasets::v1::COLUMN_ROLE_METADATA: kind = ColumnInfo::Kind::kMetadata; break;
    case datasets::v1::COLUMN_ROLE_LABEL:
      schema.label_column = name;
      return;
    case datasets::v1::COLUMN_ROLE_PREDICTION:
      schema.prediction_column = name;
      return;
    default:
      return;
  }
  schema.columns.push_back(ColumnInfo{name, kind});
}

void AddColumnsFromSpec(Schema& schema, const datasets::v1::DatasetSpec& spec) {
  if (!spec.id_column().empty()) AddColumn(schema, spec.id_column(), datasets::v1::COLUMN_ROLE_ID);
  for (const std::string& name : spec.text_columns()) AddColumn(schema, name, datasets::v1::COLUMN_ROLE_TEXT);
  for (const std::string& name : spec.numeric_columns()) {
    AddColumn(schema, name, datasets::v1::COLUMN_ROLE_NUMERIC_FEATURE);
  }
  for (const std::string& name : spec.categorical_columns()) {
    AddColumn(schema, name, datasets::v1::COLUMN_ROLE_CATEGORICAL_FEATURE);
  }
  if (!spec.label_column().empty()) AddColumn(schema, spec.label_column(), datasets::v1::COLUMN_ROLE_LABEL);
  if (!spec.prediction_column().empty()) {
    AddColumn(schema, spec.prediction_column(), datasets::v1::COLUMN_ROLE_PREDICTION);
  }
  for (const std::string& name : spec.probability_columns()) {
    AddColumn(schema, name, datasets::v1::COLUMN_ROLE_PROBABILITY);
  }
  for (const std::string& name : spec.metadata_columns()) {
    AddColumn(schema, name, datasets::v1::COLUMN_ROLE_METADATA);
  }
}

}  // namespace

Schema SchemaFromDataset(const datasets::v1::Dataset& dataset) {
  Schema schema;
  schema.class_names.assign(dataset.spec().class_names().begin(), dataset.spec().class_names().end());
  if (dataset.columns().empty()) {
    AddColumnsFromSpec(schema, dataset.spec());
    return schema;
  }
  for (const datasets::v1::Column& column : dataset.columns()) AddColumn(schema, column.name(), column.role());
  return schema;
}

}  // namespace goalpost::filter

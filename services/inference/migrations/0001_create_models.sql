-- The inference service's own schema: registered models with their specs and
-- artifacts, and the prediction sets that PredictDataset stored.
CREATE SCHEMA IF NOT EXISTS inference;

CREATE TABLE inference.models (
  project text NOT NULL,
  model_id text NOT NULL,
  -- Serialized goalpost.inference.v1.ModelSpec.
  spec bytea NOT NULL,
  -- The artifact as uploaded; empty for kserve_v2 models.
  artifact bytea NOT NULL,
  artifact_sha256 text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, model_id)
);

CREATE INDEX models_by_project_newest ON inference.models (project, create_time DESC, model_id);

-- One prediction set per model and dataset, so PredictDataset is idempotent.
CREATE TABLE inference.prediction_sets (
  model text NOT NULL,
  dataset text NOT NULL,
  prediction_set text NOT NULL,
  row_count bigint NOT NULL,
  PRIMARY KEY (model, dataset)
);

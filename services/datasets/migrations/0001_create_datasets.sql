-- Datasets are stored column by column in immutable chunks of at most 65,536
-- rows. Chunk data is compressed by the service (zstd), so PostgreSQL's own
-- compression is switched off for it with STORAGE EXTERNAL.
CREATE SCHEMA IF NOT EXISTS datasets;

CREATE TABLE datasets.datasets (
  dataset_id text PRIMARY KEY,
  project text NOT NULL,
  role integer NOT NULL,
  -- NULL while the upload that creates the row is still running.
  content_hash text,
  row_count bigint NOT NULL DEFAULT 0,
  stored_bytes bigint NOT NULL DEFAULT 0,
  -- A serialized goalpost.datasets.v1.Dataset without the fields above.
  descriptor bytea NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project, content_hash)
);
CREATE INDEX datasets_by_project ON datasets.datasets (project, create_time DESC, dataset_id);

-- column_index is the position in the dataset's column list.
CREATE TABLE datasets.chunks (
  dataset_id text NOT NULL REFERENCES datasets.datasets ON DELETE CASCADE,
  column_index integer NOT NULL,
  chunk_index integer NOT NULL,
  row_offset bigint NOT NULL,
  row_count integer NOT NULL,
  -- CRC-32 of data, checked on every read.
  checksum bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (dataset_id, column_index, chunk_index)
);
ALTER TABLE datasets.chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- The token index of each text column: one row per chunk and hash bucket of
-- tokens, so an upload inserts at most 256 index rows per chunk (one row per
-- distinct token made indexing slower than the rest of the upload), and a
-- lookup reads one bucket per token and chunk.
CREATE TABLE datasets.token_index (
  dataset_id text NOT NULL REFERENCES datasets.datasets ON DELETE CASCADE,
  column_index integer NOT NULL,
  -- Bucket of a token: FNV-1a (32-bit) of its UTF-8 bytes, modulo 256.
  bucket integer NOT NULL,
  chunk_index integer NOT NULL,
  -- zstd-compressed entries sorted by token: varint token length, token,
  -- varint length of the rows, rows as delta-encoded varints.
  entries bytea NOT NULL,
  PRIMARY KEY (dataset_id, column_index, bucket, chunk_index)
);
ALTER TABLE datasets.token_index ALTER COLUMN entries SET STORAGE EXTERNAL;

-- A prediction set has the class names of its dataset.
CREATE TABLE datasets.prediction_sets (
  dataset_id text NOT NULL REFERENCES datasets.datasets ON DELETE CASCADE,
  prediction_set_id text NOT NULL,
  model text NOT NULL,
  row_count bigint NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, prediction_set_id)
);

-- column_index 0 is the predicted class, 1 + c the probability of class c.
CREATE TABLE datasets.prediction_chunks (
  dataset_id text NOT NULL,
  prediction_set_id text NOT NULL,
  column_index integer NOT NULL,
  chunk_index integer NOT NULL,
  row_offset bigint NOT NULL,
  row_count integer NOT NULL,
  checksum bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (dataset_id, prediction_set_id, column_index, chunk_index),
  FOREIGN KEY (dataset_id, prediction_set_id)
    REFERENCES datasets.prediction_sets ON DELETE CASCADE
);
ALTER TABLE datasets.prediction_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

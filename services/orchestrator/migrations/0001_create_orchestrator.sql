-- The orchestrator's schema: projects, commits, goals, the run queue, goal
-- reports, commit metrics and cached explanations. Resources keep their
-- protobuf message in `body` (serialized goalpost.orchestrator.v1 messages);
-- the columns beside it are what queries filter, order and lock on.
CREATE SCHEMA IF NOT EXISTS orchestrator;

CREATE TABLE orchestrator.projects (
  project_id text PRIMARY KEY,
  sequence bigserial NOT NULL,
  body bytea NOT NULL
);

CREATE TABLE orchestrator.commits (
  project_id text NOT NULL REFERENCES orchestrator.projects (project_id),
  commit_id text NOT NULL,
  sequence bigserial NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (project_id, commit_id)
);
CREATE INDEX commits_by_sequence ON orchestrator.commits (project_id, sequence);

CREATE TABLE orchestrator.goals (
  project_id text NOT NULL REFERENCES orchestrator.projects (project_id),
  goal_id text NOT NULL,
  sequence bigserial NOT NULL,
  archived boolean NOT NULL DEFAULT false,
  body bytea NOT NULL,
  PRIMARY KEY (project_id, goal_id)
);

-- The run queue. A worker claims a queued run, or a running run whose lease
-- has expired, with SELECT ... FOR UPDATE SKIP LOCKED, and renews
-- lease_expires while it works. lease_owner is a token unique to one claim,
-- so a worker that lost its lease cannot finish the run.
CREATE TABLE orchestrator.runs (
  project_id text NOT NULL REFERENCES orchestrator.projects (project_id),
  run_id text NOT NULL,
  sequence bigserial NOT NULL,
  commit_id text NOT NULL,
  -- Goal ids separated by commas; ids never contain one.
  goal_ids text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  error text NOT NULL DEFAULT '',
  lease_owner text,
  lease_expires timestamptz,
  create_time timestamptz NOT NULL DEFAULT now(),
  start_time timestamptz,
  end_time timestamptz,
  PRIMARY KEY (project_id, run_id),
  FOREIGN KEY (project_id, commit_id) REFERENCES orchestrator.commits (project_id, commit_id)
);
CREATE INDEX runs_claimable ON orchestrator.runs (sequence) WHERE state IN ('queued', 'running');
CREATE INDEX runs_by_project ON orchestrator.runs (project_id, sequence);

CREATE TABLE orchestrator.run_events (
  event_id bigserial PRIMARY KEY,
  project_id text NOT NULL,
  run_id text NOT NULL,
  message text NOT NULL,
  event_time timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (project_id, run_id) REFERENCES orchestrator.runs (project_id, run_id)
);
CREATE INDEX run_events_by_run ON orchestrator.run_events (project_id, run_id, event_id);

-- One report per goal per commit; a later run for the same commit and goal
-- replaces it, the same run never writes it twice.
CREATE TABLE orchestrator.goal_reports (
  project_id text NOT NULL,
  commit_id text NOT NULL,
  goal_id text NOT NULL,
  run_id text NOT NULL,
  sequence bigserial NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (project_id, commit_id, goal_id),
  FOREIGN KEY (project_id, commit_id) REFERENCES orchestrator.commits (project_id, commit_id),
  FOREIGN KEY (project_id, goal_id) REFERENCES orchestrator.goals (project_id, goal_id)
);

-- Whole-set metrics of a commit and the prediction sets its run used (empty
-- when the datasets' own prediction columns were used).
CREATE TABLE orchestrator.commit_evaluations (
  project_id text NOT NULL,
  commit_id text NOT NULL,
  run_id text NOT NULL,
  training_prediction_set text NOT NULL,
  validation_prediction_set text NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (project_id, commit_id),
  FOREIGN KEY (project_id, commit_id) REFERENCES orchestrator.commits (project_id, commit_id)
);

-- LIME explanations keyed by the row and the deterministic serialization of
-- the explain options (the seed is one of them).
CREATE TABLE orchestrator.explanations (
  project_id text NOT NULL,
  commit_id text NOT NULL,
  dataset text NOT NULL,
  row_id text NOT NULL,
  options bytea NOT NULL,
  body bytea NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, commit_id, dataset, row_id, options),
  FOREIGN KEY (project_id, commit_id) REFERENCES orchestrator.commits (project_id, commit_id)
);

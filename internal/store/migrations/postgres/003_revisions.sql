-- Results as records (issue 10): every write of an assessment is a numbered revision that keeps
-- the answers, the result and the content versions it was computed with. assessments.revision
-- is the number of the current one (the strong ETag of the API); the headline columns copy the
-- current result's decision so that lists filter and show it without parsing the result.
ALTER TABLE assessments
    ADD COLUMN revision         integer NOT NULL DEFAULT 1,
    ADD COLUMN label_key        text NOT NULL DEFAULT '',
    ADD COLUMN architecture     text NOT NULL DEFAULT '',
    ADD COLUMN approach         text NOT NULL DEFAULT '',
    ADD COLUMN leader           text NOT NULL DEFAULT '',
    ADD COLUMN leader_cost_low  double precision,
    ADD COLUMN leader_cost_high double precision;

UPDATE assessments SET
    label_key        = lower(label),
    architecture     = COALESCE(result #>> '{architecture,id}', ''),
    approach         = COALESCE(result #>> '{approach,id}', ''),
    leader           = COALESCE(result #>> '{leader,id}', ''),
    leader_cost_low  = CASE WHEN result #>> '{leader,id}' IS NOT NULL THEN (result #>> '{shortlist,0,cost,three_year,low}')::double precision END,
    leader_cost_high = CASE WHEN result #>> '{leader,id}' IS NOT NULL THEN (result #>> '{shortlist,0,cost,three_year,high}')::double precision END;

CREATE TABLE assessment_revisions (
    assessment_id         text NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    revision              integer NOT NULL,
    cause                 text NOT NULL,
    label                 text NOT NULL,
    answers               jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    result                jsonb,
    questionnaire_version text NOT NULL,
    ruleset_version       text NOT NULL,
    architecture          text NOT NULL,
    approach              text NOT NULL,
    leader                text NOT NULL,
    computed_at           timestamptz NOT NULL,
    PRIMARY KEY (assessment_id, revision)
);

-- What each assessment holds now becomes its first revision.
INSERT INTO assessment_revisions
SELECT id, 1, 'migrated', label, answers, result, questionnaire_version, ruleset_version,
       architecture, approach, leader, updated_at
FROM assessments;

-- Serves the portfolio's sort orders.
CREATE INDEX assessments_owner_label ON assessments (owner, label_key, id);

-- Responses remembered for an Idempotency-Key, per scope (an API key or a client address).
-- status 0 is a request still in progress.
CREATE TABLE idempotency_keys (
    scope       text NOT NULL,
    key         text NOT NULL,
    fingerprint bytea NOT NULL,
    status      integer NOT NULL,
    headers     jsonb NOT NULL,
    body        bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

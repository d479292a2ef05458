-- Results as records (issue 10): every write of an assessment is a numbered revision that keeps
-- the answers, the result and the content versions it was computed with. assessments.revision
-- is the number of the current one (the strong ETag of the API); the headline columns copy the
-- current result's decision so that lists filter and show it without parsing the result.
ALTER TABLE assessments ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE assessments ADD COLUMN label_key TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN architecture TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN approach TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN leader TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN leader_cost_low REAL;
ALTER TABLE assessments ADD COLUMN leader_cost_high REAL;

UPDATE assessments SET
    label_key        = lower(label),
    architecture     = COALESCE(json_extract(result, '$.architecture.id'), ''),
    approach         = COALESCE(json_extract(result, '$.approach.id'), ''),
    leader           = COALESCE(json_extract(result, '$.leader.id'), ''),
    leader_cost_low  = CASE WHEN json_extract(result, '$.leader.id') IS NOT NULL THEN json_extract(result, '$.shortlist[0].cost.three_year.low') END,
    leader_cost_high = CASE WHEN json_extract(result, '$.leader.id') IS NOT NULL THEN json_extract(result, '$.shortlist[0].cost.three_year.high') END;

CREATE TABLE assessment_revisions (
    assessment_id         TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    revision              INTEGER NOT NULL,
    cause                 TEXT NOT NULL,
    label                 TEXT NOT NULL,
    answers               TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    result                TEXT CHECK (result IS NULL OR json_valid(result)),
    questionnaire_version TEXT NOT NULL,
    ruleset_version       TEXT NOT NULL,
    architecture          TEXT NOT NULL,
    approach              TEXT NOT NULL,
    leader                TEXT NOT NULL,
    computed_at           TIMESTAMP NOT NULL,
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
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status      INTEGER NOT NULL,
    headers     TEXT NOT NULL,
    body        BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

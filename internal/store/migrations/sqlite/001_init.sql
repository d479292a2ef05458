-- Timestamps are INTEGER unix microseconds (the driver DSN asks for that), so
-- they sort numerically and match PostgreSQL's timestamptz precision.
CREATE TABLE assessments (
    id                    TEXT PRIMARY KEY,
    owner                 TEXT NOT NULL,
    label                 TEXT NOT NULL,
    answers               TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    result                TEXT CHECK (result IS NULL OR json_valid(result)),
    questionnaire_version TEXT NOT NULL,
    ruleset_version       TEXT NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);

-- Serves owner-scoped listing in keyset order.
CREATE INDEX assessments_owner_created ON assessments (owner, created_at DESC, id DESC);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('consultant', 'editor')),
    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

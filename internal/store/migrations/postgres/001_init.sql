CREATE TABLE assessments (
    id                    text PRIMARY KEY,
    owner                 text NOT NULL,
    label                 text NOT NULL,
    answers               jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    result                jsonb,
    questionnaire_version text NOT NULL,
    ruleset_version       text NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);

-- Serves owner-scoped listing in keyset order.
CREATE INDEX assessments_owner_created ON assessments (owner, created_at DESC, id DESC);

CREATE TABLE api_keys (
    id         text PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    role       text NOT NULL CHECK (role IN ('consultant', 'editor')),
    hash       bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

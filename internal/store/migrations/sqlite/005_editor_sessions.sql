-- Editors' web sessions (issue 11): an editor signs in to the workbench with an API key once and
-- the browser then holds a random session token in a cookie. Only the token's SHA-256 is kept,
-- as for keys; a session ends when it expires, when the editor signs out or when its key is
-- revoked or deleted.
CREATE TABLE editor_sessions (
    hash       BLOB PRIMARY KEY,
    key_id     TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX editor_sessions_expires ON editor_sessions (expires_at);

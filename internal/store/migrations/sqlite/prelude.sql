-- Runs first in the migration transaction, which _txlock=immediate opens with
-- the database write lock held, so concurrent openers apply migrations in turn.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);

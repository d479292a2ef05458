-- Runs first in the migration transaction. The advisory lock serialises
-- processes that open the same database at once: without it two could both see
-- a migration as pending, or race on CREATE TABLE IF NOT EXISTS. It is keyed by
-- the current schema, where schema_migrations lives, so stores in different
-- schemas of one database do not wait for each other. Released at commit.
SELECT pg_advisory_xact_lock(hashtext('ciamadvisor.store.migrate'), hashtext(current_schema()));

CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL
);

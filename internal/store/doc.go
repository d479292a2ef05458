// Package store persists assessments (a buyer's or consultant's saved answers
// plus the last computed result) and API keys (name, role and the SHA-256 of
// the token, never the token itself).
//
// Open picks the database from the DSN: one starting with postgres:// or
// postgresql:// is PostgreSQL, through pgx; anything else is a SQLite file
// path or file: URI, through the pure-Go modernc.org/sqlite driver. Both share
// one implementation, since their SQL is the same, and differ only in
// migration files. Open applies the embedded migrations of that dialect
// (migrations/<dialect>/NNN_*.sql) that schema_migrations does not list yet,
// in one transaction that concurrent openers take in turn.
//
// SQLite runs in WAL mode with synchronous=FULL: WAL keeps readers in other
// processes going during a write, and FULL fsyncs the log at every commit, so a
// save that has returned survives kill -9 and power loss alike. A store holds
// one SQLite connection, which serialises its writers instead of letting them
// fail with SQLITE_BUSY; busy_timeout covers writers in other processes.
//
// Times are UTC with microsecond precision, the finest PostgreSQL keeps.
// PostgreSQL stores JSON as jsonb, so answers read back equal in meaning but
// not necessarily byte for byte.
package store

package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// migrations holds, per dialect directory, prelude.sql (creates
// schema_migrations and serialises concurrent openers) and the numbered
// migrations NNN_description.sql, applied once each in numeric order.
//
//go:embed migrations
var migrations embed.FS

// migrate applies the pending migrations of dialect in one transaction, so a
// failed migration leaves the schema as it was and the next Open retries it.
func migrate(ctx context.Context, db *sql.DB, dialect string) error {
	dir := path.Join("migrations", dialect)
	files, err := fs.Glob(migrations, dir+"/[0-9]*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	if err := execFile(ctx, tx, path.Join(dir, "prelude.sql")); err != nil {
		return err
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return err
	}
	prev := 0
	for _, f := range files { // Glob sorts by name
		v, _, _ := strings.Cut(path.Base(f), "_")
		version, err := strconv.Atoi(v)
		if err != nil || version <= prev {
			return fmt.Errorf("store: migration %s: name must start with a number above %d and an underscore", f, prev)
		}
		prev = version
		if applied[version] {
			continue
		}
		if err := execFile(ctx, tx, f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, now()); err != nil {
			return fmt.Errorf("store: record migration %s: %w", f, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate: commit: %w", err)
	}
	return nil
}

// execFile runs the statements of one embedded SQL file. Both drivers accept
// several statements in one Exec without arguments.
func execFile(ctx context.Context, tx *sql.Tx, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("store: run %s: %w", name, err)
	}
	return nil
}

// appliedVersions returns the versions recorded in schema_migrations.
func appliedVersions(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	return applied, nil
}

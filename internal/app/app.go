// Package app puts the HTTP service together: the server's shared engine, middleware and
// error adapter, with the buyers' pages (internal/pages) and the consultants' JSON API
// (internal/api) mounted on it.
package app

import (
	"log/slog"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/api"
	"github.com/ciamadvisor/advisor/internal/pages"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// New builds the whole site. The same constructor serves production and tests.
func New(cfg server.Config, content *advisor.Holder, st store.Store, log *slog.Logger) *server.Server {
	return server.New(cfg, content, st, log, pages.Routes, api.Routes)
}

package pages_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// site is the real router, built as production builds it, driven like a browser by
// pagestest.Site; the methods these tests add (editorGet, complete, ...) are declared on it.
type site struct{ *pagestest.Site }

func newSite(t testing.TB, cfg server.Config) *site {
	t.Helper()
	h, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	return newSiteWith(t, cfg, h)
}

func newSiteWith(t testing.TB, cfg server.Config, h *advisor.Holder) *site {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	srv := app.New(cfg, h, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &site{&pagestest.Site{T: t, Handler: srv.Handler(), Store: st}}
}

func textOf(sel *goquery.Selection) string { return strings.Join(strings.Fields(sel.Text()), " ") }

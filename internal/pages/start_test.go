package pages_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// TestWebStartStoresNothing: every "Start" used to create a row, so one client could fill the
// database with empty assessments. Now the first step saved with an answer creates it.
func TestWebStartStoresNothing(t *testing.T) {
	s := newSite(t, server.Config{})
	count := func() int {
		n := 0
		require.NoError(t, s.Store.AllAssessments(context.Background(), func(store.Assessment) error { n++; return nil }))
		return n
	}
	for range 3 {
		rec := s.Post("/assessments", nil)
		require.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/new/step/shape", rec.Header().Get("Location"))
	}
	assert.Zero(t, count(), "Start stores nothing")

	rec := s.Get("/a/new/step/shape")
	require.Equal(t, http.StatusOK, rec.Code)
	doc := pagestest.ParseHTML(t, rec)
	assert.Equal(t, "/a/new/step/shape", doc.Find("main form").AttrOr("action", ""))
	assert.Zero(t, doc.Find("p.resume").Length(), "no resume link before anything is saved")
	assert.Equal(t, "noindex", rec.Header().Get("X-Robots-Tag"))

	// A step that does not validate stores nothing either.
	rec = s.Post("/a/new/step/shape", url.Values{"go": {"next"}})
	assert.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Zero(t, count())

	// The first answer saved creates the assessment under a new private ID.
	rec = s.Post("/a/new/step/shape", url.Values{"go": {"next"}, "identity_shape": {"b2c"}, "_seen": {"identity_shape", "channels"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	m := regexp.MustCompile(`^/a/([a-z2-7]{26})/step/build`).FindStringSubmatch(rec.Header().Get("Location"))
	require.NotNil(t, m, "saved, then on to the next step of the stored assessment: %s", rec.Header().Get("Location"))
	assert.Equal(t, 1, count())
	a, err := s.Store.GetAssessment(context.Background(), "", m[1])
	require.NoError(t, err)
	assert.JSONEq(t, `{"identity_shape": "b2c", "channels": []}`, string(a.Answers))
	assert.NotZero(t, pagestest.ParseHTML(t, s.Get("/a/"+m[1]+"/step/build")).Find("p.resume").Length(), "now there is something to resume")
}

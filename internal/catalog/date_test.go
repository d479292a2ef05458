package catalog

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDateJSON checks the hand-written date encoding against time.Format, and that decoding
// reads back what encoding wrote, escaped or not.
func TestDateJSON(t *testing.T) {
	for _, s := range []string{"2026-11-30", "0001-01-02", "1999-12-31", "2024-02-29", "9999-12-31", "0800-07-04"} {
		tm, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		b, err := json.Marshal(Date{tm})
		require.NoError(t, err)
		assert.Equal(t, `"`+tm.Format(time.DateOnly)+`"`, string(b))
		var back Date
		require.NoError(t, json.Unmarshal(b, &back))
		assert.True(t, back.Equal(tm), s)
	}
	far := Date{time.Date(12345, 1, 2, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(far)
	require.NoError(t, err)
	assert.Equal(t, `"`+far.Format(time.DateOnly)+`"`, string(b), "years past 9999 fall back to time.Format")

	b, err = json.Marshal(Date{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))

	var d Date
	require.NoError(t, json.Unmarshal([]byte(`"\u0032026-01-02"`), &d), "an escaped digit is still a date")
	assert.Equal(t, "2026-01-02", d.Format(time.DateOnly))
	require.NoError(t, json.Unmarshal([]byte(`null`), &d))
	assert.True(t, d.IsZero())
	assert.ErrorContains(t, json.Unmarshal([]byte(`"2026-13-01"`), &d), "want YYYY-MM-DD")
	assert.Error(t, json.Unmarshal([]byte(`20260102`), &d))
}

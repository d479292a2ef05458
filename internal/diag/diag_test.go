package diag_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ciamadvisor/advisor/internal/diag"
)

func TestSuggest(t *testing.T) {
	opts := []string{"general", "healthcare", "financial_services", "agent_auth", "title"}
	for in, want := range map[string]string{
		"finance": "financial_services", "agents_auth": "agent_auth", "titel": "title",
		"helthcare": "healthcare", "zzz": "", "government": "",
	} {
		assert.Equal(t, want, diag.Suggest(in, opts), in)
	}
}

func TestSnippetCountsCharacters(t *testing.T) {
	src := []byte("a: x\nlabel: Übergröße, when: nope\ncjk: 名前 nope\n")
	assert.Equal(t, " | label: Übergröße, when: nope\n | "+"........................^", diag.Snippet(src, 2, 25))
	// A wide character takes two cells.
	assert.Equal(t, " | cjk: 名前 nope\n | "+"..........^", diag.Snippet(src, 3, 9))
}

func TestPosition(t *testing.T) {
	src := []byte("steps:\n  - id: a\n    questions:\n      - {id: q, type: text}\n")
	line, col := diag.Position(src, "steps", 0, "questions", 0, "type")
	assert.Equal(t, [2]int{4, 23}, [2]int{line, col})
	_, _, ok := diag.Find(src, "steps", 0, "missing")
	assert.False(t, ok)
}

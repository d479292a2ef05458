// Package advisortest provides helpers for tests that need content on disk, such as an
// editor's working copy to change, break and reload.
package advisortest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// CopyContent writes the embedded questionnaire/ and rules/ into a fresh folder and returns
// it; the folder is removed when the test ends.
func CopyContent(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	src := advisor.Embedded()
	for sub, fsys := range map[string]fs.FS{"questionnaire": src.Questionnaire, "rules": src.Rules} {
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			target := filepath.Join(dir, sub, p)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, b, 0o644)
		})
		if err != nil {
			t.Fatalf("copying content: %v", err)
		}
	}
	return dir
}

// Holder copies the content as CopyContent does and returns the folder with a holder serving
// it, ready to be edited, broken and reloaded.
func Holder(t testing.TB) (string, *advisor.Holder) {
	t.Helper()
	dir := CopyContent(t)
	src, err := advisor.Dir(dir)
	if err != nil {
		t.Fatalf("content folder: %v", err)
	}
	h, err := advisor.NewHolder(src)
	if err != nil {
		t.Fatalf("loading the copied content: %v", err)
	}
	return dir, h
}

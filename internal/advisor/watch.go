package advisor

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch reloads the holder's content whenever a file under its content folder changes, until
// ctx ends. Bursts of writes (an editor saving several files, or writing one in pieces) are
// folded into one reload that runs debounce after the last change. done, if not nil, is called
// with each reload's outcome. Watch needs content read from a folder (Dir).
func (h *Holder) Watch(ctx context.Context, debounce time.Duration, done func(error)) error {
	if h.src.Dir == "" {
		return errors.New("watch: the embedded content cannot change; serve with --content DIR")
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	// fsnotify watches single folders, so add every folder under questionnaire/ and rules/.
	for _, sub := range []string{"questionnaire", "rules"} {
		root := filepath.Join(h.src.Dir, sub)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				err = w.Add(p)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				_ = w.Add(ev.Name) // a new folder inside the content; ignored for files
			}
			timer.Reset(debounce)
		case _, ok := <-w.Errors:
			if !ok {
				return nil
			}
			// Errors mean lost events (a queue overflow): reload to be sure.
			timer.Reset(debounce)
		case <-timer.C:
			err := h.Reload()
			if done != nil {
				done(err)
			}
		}
	}
}

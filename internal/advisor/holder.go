package advisor

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// Holder keeps the advisor a server answers with. Reload builds a new one from the same source
// and swaps it in atomically; when the new content fails to load, the old advisor keeps
// serving and the error is remembered until a later reload succeeds. Requests already running
// finish on the advisor they started with.
type Holder struct {
	src Source
	cur atomic.Pointer[Advisor]

	mu        sync.Mutex
	loadedAt  time.Time
	lastErr   error
	lastErrAt time.Time
}

// NewHolder loads src once; the first load must succeed.
func NewHolder(src Source) (*Holder, error) {
	a, err := Load(src)
	if err != nil {
		return nil, err
	}
	h := &Holder{src: src, loadedAt: time.Now()}
	h.cur.Store(a)
	return h, nil
}

// Current returns the advisor to use for one request.
func (h *Holder) Current() *Advisor { return h.cur.Load() }

// Reload loads the source again and swaps it in if it loads.
func (h *Holder) Reload() error {
	a, err := Load(h.src)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.lastErr, h.lastErrAt = err, time.Now()
		return err
	}
	h.cur.Store(a)
	h.loadedAt, h.lastErr, h.lastErrAt = time.Now(), nil, time.Time{}
	return nil
}

// Status describes the loaded content and the last failed reload, if the latest one failed.
type Status struct {
	Versions  Versions
	LoadedAt  time.Time
	Dir       string // content folder, "" for the embedded copy
	LastError error  // the latest reload's error, nil when it succeeded
	ErrorAt   time.Time
}

// Problems lists the latest failed reload's problems with file, line and column.
func (s Status) Problems() diag.List {
	var l diag.List
	if errors.As(s.LastError, &l) {
		return l
	}
	if s.LastError != nil {
		return diag.List{{File: s.Dir, Message: s.LastError.Error()}}
	}
	return nil
}

// Status returns the holder's state.
func (h *Holder) Status() Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Status{Versions: h.Current().Versions(), LoadedAt: h.loadedAt, Dir: h.src.Dir, LastError: h.lastErr, ErrorAt: h.lastErrAt}
}

package advisor

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// Holder keeps the advisor a server answers with. Reload builds a new one from the same source
// and swaps it in atomically; when the new content fails to load, or fails the holder's check,
// the old advisor keeps serving and the error is remembered until a later reload succeeds.
// Requests already running finish on the advisor they started with.
//
// Reloads run one at a time, whoever asks (the file watcher, SIGHUP, a test), so an older load
// can never be swapped in over a newer one: each load reads the files after every earlier
// reload has finished, and the last one to run has read the newest content. A reload asked for
// while another one runs waits for it; several waiting together are served by a single load
// that starts after all of them asked.
type Holder struct {
	src   Source
	check func(*Advisor) error
	cur   atomic.Pointer[Advisor]

	reload   sync.Mutex    // held for the whole of a reload: load, check, swap
	asked    atomic.Uint64 // reloads asked for so far
	answered uint64        // under reload: every request up to this one has been served by a load that began after it
	result   error         // under reload: that load's outcome

	mu        sync.Mutex // guards the status fields below
	loadedAt  time.Time
	lastErr   error
	lastErrAt time.Time
}

// HolderOption configures a Holder.
type HolderOption func(*Holder)

// WithCheck makes every load, the first one included, pass check before the content serves;
// check's error is the load's error (a diag.List keeps its file and line in Status.Problems).
// Callers use it to require that the shipped scenarios still pass: the advisor package cannot
// import the scenario runner, which imports it.
func WithCheck(check func(*Advisor) error) HolderOption {
	return func(h *Holder) { h.check = check }
}

// NewHolder loads src once; the first load must succeed.
func NewHolder(src Source, opts ...HolderOption) (*Holder, error) {
	h := &Holder{src: src}
	for _, o := range opts {
		o(h)
	}
	a, err := h.load()
	if err != nil {
		return nil, err
	}
	h.loadedAt = time.Now()
	h.cur.Store(a)
	return h, nil
}

// load reads the source and applies the check.
func (h *Holder) load() (*Advisor, error) {
	a, err := Load(h.src)
	if err == nil && h.check != nil {
		err = h.check(a)
	}
	return a, err
}

// Current returns the advisor to use for one request.
func (h *Holder) Current() *Advisor { return h.cur.Load() }

// Reload loads the source again and swaps it in if it loads and passes the check. It returns
// once content at least as new as the files were when it was called has been tried.
func (h *Holder) Reload() error {
	me := h.asked.Add(1)
	h.reload.Lock()
	defer h.reload.Unlock()
	if h.answered >= me {
		return h.result // a load that began after this call already ran
	}
	upTo := h.asked.Load()
	a, err := h.load()
	h.answered, h.result = upTo, err

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

package main

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Targets of the batch-flood run (issue 12): the server stays small and keeps answering its
// health check.
const (
	floodMaxRSS     = 150 << 20
	floodMaxHealthz = 50 * time.Millisecond
)

// flood is the -batch-flood mode.
type flood struct {
	on      bool
	clients int
	rate    float64
	items   int
	explain bool
	pid     int
}

func (f flood) check(d time.Duration) error {
	switch {
	case f.clients < 1 || f.clients > maxConns:
		return fmt.Errorf("-clients %d: want 1 to %d", f.clients, maxConns)
	case f.rate <= 0 || f.rate > 100:
		return fmt.Errorf("-rate %g: want more than 0 and at most 100 requests per second", f.rate)
	case f.items < 1 || f.items > 100:
		return fmt.Errorf("-items %d: want 1 to 100", f.items)
	case d <= 0 || d > maxDuration:
		return fmt.Errorf("-d %s: want more than 0 and at most %s", d, maxDuration)
	}
	return nil
}

// floodResult is what one run saw.
type floodResult struct {
	statuses  map[int]int // batch answers by status; 0 counts connection errors
	healthz   []time.Duration
	healthErr int
	rssStart  int64
	rssPeak   int64
	rssEnd    int64
}

func (f flood) run(target *url.URL, d time.Duration, stdout, stderr io.Writer) int {
	bodies, err := answerBodies()
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	var items [][]byte
	for i := range f.items {
		items = append(items, bodies[i%len(bodies)])
	}
	body := append(append([]byte(`{"items":[`), bytes.Join(items, []byte(","))...), ']', '}')
	path := "/api/v1/evaluate/batch"
	if f.explain {
		path += "?explain=true"
	}
	fmt.Fprintf(stdout, "target %s: %d clients × %.2g batches/s of %d items (%d KB, explain=%t) for %s; /healthz every 10 ms\n",
		target, f.clients, f.rate, f.items, len(body)>>10, f.explain, d)
	res := f.load(target, path, body, d)
	f.report(stdout, res)
	p99 := percentile(res.healthz, 99)
	if (f.pid > 0 && res.rssPeak >= floodMaxRSS) || p99 >= floodMaxHealthz || len(res.healthz) == 0 {
		return 1
	}
	return 0
}

// load runs the flood for d and returns what it saw.
func (f flood) load(target *url.URL, path string, body []byte, d time.Duration) floodResult {
	res := floodResult{statuses: map[int]int{}}
	res.rssStart = rss(f.pid)
	res.rssPeak = res.rssStart
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	interval := time.Duration(float64(time.Second) / f.rate)
	for c := range f.clients {
		// Each client its own address (documentation range 198.18.0.0/15, never routed).
		req := rawRequestWith("POST", target, path, body, "X-Forwarded-For: 198.18."+strconv.Itoa(c/250)+"."+strconv.Itoa(c%250+1))
		wg.Go(func() {
			cn := newConn(target.Host)
			defer cn.close()
			// Spread the clients' first requests over one interval, as independent clients would.
			next := time.Now().Add(time.Duration(c) * interval / time.Duration(f.clients))
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Until(next)):
				}
				next = next.Add(interval)
				status, _, err := cn.doStatus(req)
				if err != nil {
					status = 0
				}
				mu.Lock()
				res.statuses[status]++
				mu.Unlock()
			}
		})
	}
	wg.Go(func() { // the health check, as a load balancer would probe it
		cn := newConn(target.Host)
		defer cn.close()
		req := rawRequest("GET", target, "/healthz", nil)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			start := time.Now()
			_, err := cn.do(req)
			mu.Lock()
			if err != nil {
				res.healthErr++
			} else {
				res.healthz = append(res.healthz, time.Since(start))
			}
			mu.Unlock()
		}
	})
	wg.Go(func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			r := rss(f.pid)
			mu.Lock()
			res.rssPeak = max(res.rssPeak, r)
			mu.Unlock()
		}
	})
	time.Sleep(d)
	close(stop)
	wg.Wait()
	res.rssEnd = rss(f.pid)
	slices.Sort(res.healthz)
	return res
}

func (f flood) report(w io.Writer, r floodResult) {
	var codes []int
	for c := range r.statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		name := strconv.Itoa(c)
		if c == 0 {
			name = "connection errors"
		}
		parts = append(parts, fmt.Sprintf("%s: %d", name, r.statuses[c]))
	}
	fmt.Fprintf(w, "batch answers: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "/healthz: %d probes, p50 %s, p99 %s, max %s, %d failed (target p99 < %s)\n", len(r.healthz),
		ms(percentile(r.healthz, 50)), ms(percentile(r.healthz, 99)), ms(percentile(r.healthz, 100)), r.healthErr, floodMaxHealthz)
	if f.pid > 0 {
		fmt.Fprintf(w, "server RSS: %d MB at start, peak %d MB, %d MB at the end (target < %d MB)\n",
			r.rssStart>>20, r.rssPeak>>20, r.rssEnd>>20, floodMaxRSS>>20)
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(int(p/100*float64(len(sorted))), len(sorted)-1)]
}

// rss is the resident set size of process pid in bytes, 0 when it cannot be read.
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// rawRequestWith is rawRequest with one more header line.
func rawRequestWith(method string, target *url.URL, path string, body []byte, header string) []byte {
	req := rawRequest(method, target, path, body)
	i := bytes.Index(req, []byte("\r\n")) + 2
	return slices.Concat(req[:i], []byte(header+"\r\n"), req[i:])
}

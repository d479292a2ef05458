// Command loadtest measures how many POST /api/v1/evaluate requests a running advisor serves,
// against GET /healthz of the same server as a baseline: the ratio shows what evaluation costs
// beyond HTTP itself.
//
// It keeps N connections open (HTTP/1.1 keep-alive), each sending one request after another,
// for a fixed time per endpoint; the bodies are the answers of the persona scenarios in
// rules/tests, in turn. It reports requests per second and the 50th and 99th percentile
// latency of each endpoint. It is bounded in time and in count, and talks to loopback
// addresses only:
//
//	advisor serve --rate-limit 0 --addr 127.0.0.1:8080 &
//	go run ./cmd/loadtest -url http://127.0.0.1:8080 -c 32 -d 10s
//
// The generator competes with the server for the same CPUs; on a small machine the figures
// are a lower bound of what the server alone could do.
//
// With -batch-flood it reproduces instead the batch flood of issue 12: -clients clients (32),
// each sending -rate POST /api/v1/evaluate/batch requests per second of -items items (100),
// with ?explain=true unless -explain=false, each from its own X-Forwarded-For address (start
// the server with --trusted-proxies 127.0.0.1 so that they count as different clients).
// Meanwhile it probes GET /healthz every 10 ms and samples the server's RSS (-pid); it reports
// the answers by status, the health check's latency and the peak RSS, and fails when the
// health check's p99 reaches 50 ms or the RSS 150 MB:
//
//	advisor serve --trusted-proxies 127.0.0.1 & go run ./cmd/loadtest -batch-flood -pid $! -d 60s
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/ciamadvisor/advisor/internal/scenario"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// Bounds on the flags, so that a typo cannot start an endless or unbounded run.
const (
	maxConns    = 1024
	maxDuration = 5 * time.Minute
	maxRequests = 50_000_000
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	target   *url.URL
	conns    int
	duration time.Duration
	warmup   time.Duration
	requests int
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "the advisor to load: an http:// URL on a loopback address")
	conns := fs.Int("c", 32, fmt.Sprintf("concurrent keep-alive connections (1 to %d)", maxConns))
	duration := fs.Duration("d", 10*time.Second, fmt.Sprintf("measured time per endpoint (at most %s)", maxDuration))
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time per endpoint before measuring")
	requests := fs.Int("n", 10_000_000, fmt.Sprintf("stop an endpoint's measurement after this many requests (at most %d)", maxRequests))
	query := fs.String("query", "", `query string for POST /api/v1/evaluate, such as "counterfactuals=false"`)
	var fl flood
	fs.BoolVar(&fl.on, "batch-flood", false, "flood POST /api/v1/evaluate/batch instead, and report /healthz latency and server RSS")
	fs.IntVar(&fl.clients, "clients", 32, "-batch-flood: clients, each with its own X-Forwarded-For address (1 to 1024)")
	fs.Float64Var(&fl.rate, "rate", 0.4, "-batch-flood: batch requests per second per client (more than 0, at most 100)")
	fs.IntVar(&fl.items, "items", 100, "-batch-flood: items per batch (1 to 100)")
	fs.BoolVar(&fl.explain, "explain", true, "-batch-flood: ask for the explain trace (?explain=true)")
	fs.IntVar(&fl.pid, "pid", 0, "-batch-flood: the server's process ID, to sample its RSS from /proc (0: not sampled)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fl.on {
		u, err := parseTarget(*rawURL)
		if err == nil {
			err = fl.check(*duration)
		}
		if err != nil {
			fmt.Fprintln(stderr, "loadtest:", err)
			return 2
		}
		return fl.run(u, *duration, stdout, stderr)
	}
	opt := options{conns: *conns, duration: *duration, warmup: *warmup, requests: *requests}
	var err error
	if opt.target, err = parseTarget(*rawURL); err == nil {
		err = opt.check()
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}

	bodies, err := answerBodies()
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	evaluate := make([][]byte, len(bodies))
	for i, b := range bodies {
		evaluate[i] = rawRequest("POST", opt.target, evaluatePath(*query), b)
	}
	healthz := [][]byte{rawRequest("GET", opt.target, "/healthz", nil)}

	fmt.Fprintf(stdout, "target %s, %d connections, %s per endpoint after %s warm-up, %d answer sets, GOMAXPROCS %d (shared with the server if on this machine)\n\n",
		opt.target, opt.conns, opt.duration, opt.warmup, len(bodies), runtime.GOMAXPROCS(0))
	ev, err := measure(opt, evaluate)
	if err != nil {
		fmt.Fprintln(stderr, "loadtest: POST /api/v1/evaluate:", err)
		return 1
	}
	hz, err := measure(opt, healthz)
	if err != nil {
		fmt.Fprintln(stderr, "loadtest: GET /healthz:", err)
		return 1
	}
	report(stdout, []named{{"POST /api/v1/evaluate", ev}, {"GET /healthz", hz}})
	if hz.rate() > 0 {
		fmt.Fprintf(stdout, "\nevaluate / healthz: %.2f of the baseline rate\n", ev.rate()/hz.rate())
	}
	if ev.failed > 0 || hz.failed > 0 {
		return 1
	}
	return 0
}

func (o options) check() error {
	switch {
	case o.conns < 1 || o.conns > maxConns:
		return fmt.Errorf("-c %d: want 1 to %d connections", o.conns, maxConns)
	case o.duration <= 0 || o.duration > maxDuration:
		return fmt.Errorf("-d %s: want more than 0 and at most %s", o.duration, maxDuration)
	case o.warmup < 0 || o.warmup > maxDuration:
		return fmt.Errorf("-warmup %s: want 0 to %s", o.warmup, maxDuration)
	case o.requests < 1 || o.requests > maxRequests:
		return fmt.Errorf("-n %d: want 1 to %d requests", o.requests, maxRequests)
	}
	return nil
}

// parseTarget accepts http:// URLs whose host is a loopback address, or a name that resolves
// only to loopback addresses: this tool is for measuring one's own server, not anyone else's.
func parseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("-url %q: want http://HOST:PORT with no path", raw)
	}
	host := u.Hostname()
	ips := []net.IP{net.ParseIP(host)}
	if ips[0] == nil {
		if ips, err = net.LookupIP(host); err != nil || len(ips) == 0 {
			return nil, fmt.Errorf("-url %q: cannot resolve %s", raw, host)
		}
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("-url %q: %s is not a loopback address; loadtest only loads servers on this machine", raw, ip)
		}
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(host, "80")
	}
	u.Path = ""
	return u, nil
}

// answerBodies returns the answers of every valid persona scenario as evaluate requests.
func answerBodies() ([][]byte, error) {
	list, err := scenario.Load(rfiles.FS)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, s := range list {
		if len(s.Expect.Invalid) > 0 {
			continue
		}
		b, err := json.Marshal(map[string]any{"answers": s.Answers})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("no valid scenario answers in rules/tests")
	}
	return out, nil
}

// rawRequest is the bytes of one HTTP/1.1 request, written as is on a kept-alive connection.
func rawRequest(method string, target *url.URL, path string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: advisor-loadtest\r\n", method, path, target.Host)
	if body != nil {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// result is one endpoint's measurement.
type result struct {
	elapsed   time.Duration
	latencies []time.Duration // sorted
	failed    int             // connection errors and non-200 answers
	firstErr  string
	bytes     int64 // response body bytes
}

func (r result) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := min(int(p/100*float64(len(r.latencies))), len(r.latencies)-1)
	return r.latencies[i]
}

// measure loads the target with requests, in turn, on opt.conns connections: opt.warmup
// unmeasured, then opt.duration (or opt.requests requests) measured.
func measure(opt options, requests [][]byte) (result, error) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		out     result
		count   atomic.Int64
		measure atomic.Bool
		stop    atomic.Bool
	)
	perConn := min(opt.requests/opt.conns+1, 1<<20)
	for c := range opt.conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, perConn)
			var failed int
			var firstErr string
			var n int64
			conn := newConn(opt.target.Host)
			defer conn.close()
			for i := c; !stop.Load(); i++ {
				start := time.Now()
				size, err := conn.do(requests[i%len(requests)])
				d := time.Since(start)
				if !measure.Load() {
					continue
				}
				if err != nil {
					failed++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				n += size
				lat = append(lat, d)
				if count.Add(1) >= int64(opt.requests) {
					stop.Store(true)
				}
			}
			mu.Lock()
			out.latencies = append(out.latencies, lat...)
			out.failed += failed
			out.bytes += n
			if out.firstErr == "" {
				out.firstErr = firstErr
			}
			mu.Unlock()
		})
	}
	time.Sleep(opt.warmup)
	measure.Store(true)
	start := time.Now()
	deadline := time.NewTimer(opt.duration)
	tick := time.NewTicker(10 * time.Millisecond)
	for !stop.Load() {
		select {
		case <-deadline.C:
			stop.Store(true)
		case <-tick.C:
		}
	}
	out.elapsed = time.Since(start)
	tick.Stop()
	wg.Wait()
	slices.Sort(out.latencies)
	if len(out.latencies) == 0 {
		return out, fmt.Errorf("no request succeeded: %s", out.firstErr)
	}
	return out, nil
}

// conn is one kept-alive connection; it redials after an error.
type conn struct {
	addr string
	c    net.Conn
	r    *bufio.Reader
}

func newConn(addr string) *conn { return &conn{addr: addr} }

// do sends one request and reads the whole response, returning the body's size. Responses
// are parsed by hand, not with net/http, so that the generator spends as little of the CPU it
// shares with the server as it can.
func (c *conn) do(req []byte) (int64, error) {
	status, size, err := c.doStatus(req)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d", status)
	}
	return size, err
}

// doStatus is do that returns the response's status instead of refusing all but 200.
func (c *conn) doStatus(req []byte) (status int, size int64, err error) {
	if c.c == nil {
		nc, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return 0, 0, err
		}
		c.c, c.r = nc, bufio.NewReaderSize(nc, 64<<10)
	}
	_ = c.c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.c.Write(req); err != nil {
		c.close()
		return 0, 0, err
	}
	status, size, err = readResponse(c.r)
	if err != nil {
		c.close()
	}
	return status, size, err
}

// readResponse reads one HTTP/1.1 response with a Content-Length, as the advisor sends, and
// discards its body.
func readResponse(r *bufio.Reader) (status int, size int64, err error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, 0, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, fmt.Errorf("malformed status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, 0, fmt.Errorf("malformed status line %q", line)
	}
	size = -1
	for {
		line, err = r.ReadSlice('\n')
		if err != nil {
			return 0, 0, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(name, []byte("Content-Length")) {
			if size, err = strconv.ParseInt(string(bytes.TrimSpace(value)), 10, 64); err != nil {
				return 0, 0, fmt.Errorf("malformed Content-Length %q", value)
			}
		}
	}
	if size < 0 {
		return 0, 0, errors.New("response without Content-Length")
	}
	_, err = r.Discard(int(size))
	return status, size, err
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

type named struct {
	name string
	result
}

func report(w io.Writer, rows []named) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\trequests\treq/s\tp50\tp99\tmax\tavg body\tfailed\t")
	for _, r := range rows {
		avg := int64(0)
		if len(r.latencies) > 0 {
			avg = r.bytes / int64(len(r.latencies))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%d B\t%d\t\n", r.name, len(r.latencies), r.rate(),
			ms(r.percentile(50)), ms(r.percentile(99)), ms(r.latencies[len(r.latencies)-1]), avg, r.failed)
	}
	tw.Flush()
	for _, r := range rows {
		if r.failed > 0 {
			fmt.Fprintf(w, "%s: first failure: %s\n", r.name, r.firstErr)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// evaluatePath is the evaluate endpoint with an optional query string.
func evaluatePath(query string) string {
	if query == "" {
		return "/api/v1/evaluate"
	}
	return "/api/v1/evaluate?" + strings.TrimPrefix(query, "?")
}

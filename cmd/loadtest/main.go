// Command loadtest measures how many POST /api/v1/evaluate requests a running advisor serves,
// against GET /healthz of the same server as a baseline: the ratio shows what evaluation costs
// beyond HTTP itself.
//
// It keeps N connections open per endpoint (HTTP/1.1 keep-alive), each sending one request
// after another, for a fixed time per endpoint; the bodies are the answers of the persona
// scenarios in rules/tests, in turn. The measured time is cut into rounds (-rounds) and the
// endpoints take turns, so that whatever else runs on the machine weighs on all of them alike
// and their ratio stays fair. It reports requests per second, the 50th and 99th percentile
// latency and the generator's own CPU time per request of each endpoint, with the server's
// CPU time per request when given its process ID (-pid), and each evaluate variant's rate
// against /healthz's with the design target. -query may be repeated to measure several
// variants in the same run ("" is the default request). It is bounded in time and in count,
// and talks to loopback addresses only:
//
//	advisor serve --rate-limit 0 --max-evaluations 0 --addr 127.0.0.1:8080 &
//	go run ./cmd/loadtest -url http://127.0.0.1:8080 -c 16 -d 5s -query counterfactuals=false -pid $!
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
	"syscall"
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
	rounds   int
	pid      int // the server's, for its CPU time; 0: not measured
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "the advisor to load: an http:// URL on a loopback address")
	conns := fs.Int("c", 32, fmt.Sprintf("concurrent keep-alive connections, per endpoint (1 to %d)", maxConns))
	duration := fs.Duration("d", 10*time.Second, fmt.Sprintf("measured time per endpoint (at most %s)", maxDuration))
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time per endpoint before measuring")
	requests := fs.Int("n", 10_000_000, fmt.Sprintf("stop an endpoint's measurement after this many requests (at most %d)", maxRequests))
	rounds := fs.Int("rounds", 5, "cut each endpoint's measured time into this many turns, the endpoints alternating (1 to 100)")
	var queries []string
	fs.Func("query", `query string for POST /api/v1/evaluate, such as "counterfactuals=false"; repeat it to measure several variants ("" for none)`,
		func(q string) error { queries = append(queries, strings.TrimPrefix(q, "?")); return nil })
	var gets []string
	fs.Func("get", `a GET path to measure beside them as a reference, such as /api/v1/guides (a body of a known size, with no evaluation); repeatable`,
		func(p string) error {
			if !strings.HasPrefix(p, "/") {
				return fmt.Errorf("-get %q: want a path starting with /", p)
			}
			gets = append(gets, p)
			return nil
		})
	var fl flood
	fs.BoolVar(&fl.on, "batch-flood", false, "flood POST /api/v1/evaluate/batch instead, and report /healthz latency and server RSS")
	fs.IntVar(&fl.clients, "clients", 32, "-batch-flood: clients, each with its own X-Forwarded-For address (1 to 1024)")
	fs.Float64Var(&fl.rate, "rate", 0.4, "-batch-flood: batch requests per second per client (more than 0, at most 100)")
	fs.IntVar(&fl.items, "items", 100, "-batch-flood: items per batch (1 to 100)")
	fs.BoolVar(&fl.explain, "explain", true, "-batch-flood: ask for the explain trace (?explain=true)")
	fs.IntVar(&fl.pid, "pid", 0, "the server's process ID, read from /proc: -batch-flood samples its RSS, the throughput run reports its CPU time per request (0: neither)")
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
	opt := options{conns: *conns, duration: *duration, warmup: *warmup, requests: *requests, rounds: *rounds, pid: fl.pid}
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
	if len(queries) == 0 {
		queries = []string{""}
	}
	var eps []*endpoint
	for _, q := range queries {
		path := evaluatePath(q)
		ep := &endpoint{name: "POST " + path, short: strings.TrimPrefix(path, "/api/v1/")}
		for _, b := range bodies {
			ep.requests = append(ep.requests, rawRequest("POST", opt.target, path, b))
		}
		eps = append(eps, ep)
	}
	for _, p := range gets {
		eps = append(eps, &endpoint{name: "GET " + p, short: p, reference: true, requests: [][]byte{rawRequest("GET", opt.target, p, nil)}})
	}
	hz := &endpoint{name: "GET /healthz", requests: [][]byte{rawRequest("GET", opt.target, "/healthz", nil)}}
	eps = append(eps, hz)

	fmt.Fprintf(stdout, "target %s, %d connections, %s per endpoint in %d turns after %s warm-up, %d answer sets, GOMAXPROCS %d (shared with the server if on this machine)\n\n",
		opt.target, opt.conns, opt.duration, opt.rounds, opt.warmup, len(bodies), runtime.GOMAXPROCS(0))
	if err := measure(opt, eps); err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	report(stdout, eps, opt.pid > 0)
	fmt.Fprintln(stdout)
	for _, ep := range eps[:len(eps)-1] {
		ratio := ep.rate() / hz.rate()
		met := "not met"
		if ratio >= targetRatio && ep.percentile(99) <= targetP99 {
			met = "met"
		}
		if ep.reference {
			fmt.Fprintf(stdout, "%s / healthz: %.2f of the baseline rate, p99 %s (a reference, no target)", ep.short, ratio, ms(ep.percentile(99)))
		} else {
			fmt.Fprintf(stdout, "%s / healthz: %.2f of the baseline rate, p99 %s (design target %.1f and p99 ≤ %s: %s)", ep.short, ratio, ms(ep.percentile(99)), targetRatio, ms(targetP99), met)
		}
		if opt.pid > 0 && hz.perRequest(hz.serverCPU) > 0 {
			fmt.Fprintf(stdout, "; server CPU per request %.1f× healthz's", float64(ep.perRequest(ep.serverCPU))/float64(hz.perRequest(hz.serverCPU)))
		}
		fmt.Fprintln(stdout)
	}
	for _, ep := range eps {
		if ep.failed > 0 {
			return 1
		}
	}
	return 0
}

// The HTTP target of design.md §6: POST /api/v1/evaluate at 0.4 of /healthz's rate or more, in
// the same run on the same cores, with a p99 of 5 ms or less.
const (
	targetRatio = 0.4
	targetP99   = 5 * time.Millisecond
)

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
	case o.rounds < 1 || o.rounds > 100:
		return fmt.Errorf("-rounds %d: want 1 to 100", o.rounds)
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
	bytes     int64         // response body bytes
	clientCPU time.Duration // this process's CPU time while measuring
	serverCPU time.Duration // the server's (-pid), while measuring
}

func (r result) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := min(int(p/100*float64(len(r.latencies))), len(r.latencies)-1)
	return r.latencies[i]
}

// perRequest divides a CPU time by the requests answered.
func (r result) perRequest(cpu time.Duration) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return cpu / time.Duration(len(r.latencies))
}

// endpoint is one kind of request under load, with its connections, kept open across turns.
type endpoint struct {
	name  string
	short string // for the ratio lines
	// reference: a GET measured beside evaluate (-get), to which the design target does not apply
	reference bool
	requests  [][]byte // sent in turn
	conns     []*conn
	result
}

// measure loads the endpoints in turn, opt.rounds times each, on opt.conns connections per
// endpoint: opt.warmup unmeasured on an endpoint's first turn, then its share of opt.duration
// (or of opt.requests requests) measured. Taking turns in short slices, rather than measuring
// one endpoint after the other, keeps a burst of other work on the machine from landing on
// one endpoint only.
func measure(opt options, eps []*endpoint) error {
	for _, ep := range eps {
		ep.conns = make([]*conn, opt.conns)
		for i := range ep.conns {
			ep.conns[i] = newConn(opt.target.Host)
			ep.conns[i].next = i
		}
	}
	defer func() {
		for _, ep := range eps {
			for _, c := range ep.conns {
				c.close()
			}
		}
	}()
	slice := opt.duration / time.Duration(opt.rounds)
	limit := (opt.requests + opt.rounds - 1) / opt.rounds
	for r := range opt.rounds {
		for _, ep := range eps {
			warmup := opt.warmup
			if r > 0 {
				warmup = 0
			}
			ep.turn(opt.pid, warmup, slice, limit)
		}
	}
	for _, ep := range eps {
		slices.Sort(ep.latencies)
		if len(ep.latencies) == 0 {
			return fmt.Errorf("%s: no request succeeded: %s", ep.name, ep.firstErr)
		}
	}
	return nil
}

// turn loads the endpoint for warmup unmeasured, then for d or limit requests measured.
func (ep *endpoint) turn(pid int, warmup, d time.Duration, limit int) {
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		count     atomic.Int64
		measuring atomic.Bool
		stop      atomic.Bool
	)
	for _, cn := range ep.conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1024)
			var failed int
			var firstErr string
			var n int64
			for !stop.Load() {
				req := ep.requests[cn.next%len(ep.requests)]
				cn.next++
				start := time.Now()
				size, err := cn.do(req)
				d := time.Since(start)
				if !measuring.Load() {
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
				if count.Add(1) >= int64(limit) {
					stop.Store(true)
				}
			}
			mu.Lock()
			ep.latencies = append(ep.latencies, lat...)
			ep.failed += failed
			ep.bytes += n
			if ep.firstErr == "" {
				ep.firstErr = firstErr
			}
			mu.Unlock()
		})
	}
	time.Sleep(warmup)
	client, server := cpuSelf(), cpuOf(pid)
	measuring.Store(true)
	start := time.Now()
	deadline := time.NewTimer(d)
	tick := time.NewTicker(10 * time.Millisecond)
	for !stop.Load() {
		select {
		case <-deadline.C:
			stop.Store(true)
		case <-tick.C:
		}
	}
	// The requests still in flight finish unmeasured, as many as were in flight at the start.
	ep.elapsed += time.Since(start)
	ep.clientCPU += cpuSelf() - client
	ep.serverCPU += cpuOf(pid) - server
	tick.Stop()
	deadline.Stop()
	wg.Wait()
}

// cpuSelf is the CPU time this process has used, user and system.
func cpuSelf() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOf is the CPU time process pid has used, user and system, from /proc/PID/stat (in clock
// ticks of 10 ms, the USER_HZ of every Linux port Go runs on); 0 when pid is 0 or unreadable.
func cpuOf(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces: count from after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// conn is one kept-alive connection; it redials after an error.
type conn struct {
	addr string
	c    net.Conn
	r    *bufio.Reader
	next int // the index of the next request body to send
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

func report(w io.Writer, eps []*endpoint, server bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "endpoint\trequests\treq/s\tp50\tp99\tmax\tavg body\tfailed\tloadtest CPU/req\t"
	if server {
		head += "server CPU/req\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range eps {
		avg := int64(0)
		if len(r.latencies) > 0 {
			avg = r.bytes / int64(len(r.latencies))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%d B\t%d\t%s\t", r.name, len(r.latencies), r.rate(),
			ms(r.percentile(50)), ms(r.percentile(99)), ms(r.latencies[len(r.latencies)-1]), avg, r.failed, us(r.perRequest(r.clientCPU)))
		if server {
			fmt.Fprintf(tw, "%s\t", us(r.perRequest(r.serverCPU)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, r := range eps {
		if r.failed > 0 {
			fmt.Fprintf(w, "%s: first failure: %s\n", r.name, r.firstErr)
		}
	}
}

func us(d time.Duration) string { return fmt.Sprintf("%d µs", d.Microseconds()) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// evaluatePath is the evaluate endpoint with an optional query string.
func evaluatePath(query string) string {
	if query == "" {
		return "/api/v1/evaluate"
	}
	return "/api/v1/evaluate?" + strings.TrimPrefix(query, "?")
}

package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct{ raw, want, err string }{
		{raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{raw: "http://[::1]:9000/", want: "http://[::1]:9000"},
		{raw: "http://127.0.0.2", want: "http://127.0.0.2:80"},
		{raw: "http://localhost:8080", want: "http://localhost:8080"},
		{raw: "http://10.0.0.1:8080", err: `-url "http://10.0.0.1:8080": 10.0.0.1 is not a loopback address; loadtest only loads servers on this machine`},
		{raw: "http://0.0.0.0:8080", err: `-url "http://0.0.0.0:8080": 0.0.0.0 is not a loopback address; loadtest only loads servers on this machine`},
		{raw: "https://127.0.0.1:8443", err: `-url "https://127.0.0.1:8443": want http://HOST:PORT with no path`},
		{raw: "http://127.0.0.1:8080/api", err: `-url "http://127.0.0.1:8080/api": want http://HOST:PORT with no path`},
		{raw: "127.0.0.1:8080", err: `-url "127.0.0.1:8080": want http://HOST:PORT with no path`},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			u, err := parseTarget(tc.raw)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, u.String())
		})
	}
}

func TestRun(t *testing.T) {
	var evaluated, checked int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /api/v1/evaluate":
			body, _ := io.ReadAll(r.Body)
			if !bytes.HasPrefix(body, []byte(`{"answers":{`)) || r.Header.Get("Content-Type") != "application/json" {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			evaluated++
			_, _ = w.Write([]byte(`{"architecture":{}}`))
		case "GET /healthz":
			checked++
			_, _ = w.Write([]byte("ok\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()

	var out, errOut strings.Builder
	code := run([]string{"-url", ts.URL, "-c", "1", "-d", "200ms", "-warmup", "0s", "-n", "50"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Empty(t, errOut.String())
	assert.Regexp(t, `POST /api/v1/evaluate +50 +\d+ +[\d.]+ ms +[\d.]+ ms +[\d.]+ ms +19 B +0`, out.String())
	assert.Regexp(t, `GET /healthz +50 +\d+ +[\d.]+ ms +[\d.]+ ms +[\d.]+ ms +3 B +0`, out.String())
	assert.Regexp(t, `evaluate / healthz: [\d.]+ of the baseline rate`, out.String())
	assert.GreaterOrEqual(t, evaluated, 50)
	assert.GreaterOrEqual(t, checked, 50)
}

// Several -query variants are measured in the same run, taking turns with /healthz, each with
// its own row and ratio line.
func TestRunQueries(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.RequestURI()]++
		mu.Unlock()
		_, _ = w.Write([]byte("{}"))
	}))
	defer ts.Close()

	var out, errOut strings.Builder
	code := run([]string{"-url", ts.URL, "-c", "2", "-d", "300ms", "-warmup", "0s", "-rounds", "3",
		"-query", "counterfactuals=false", "-query", "", "-get", "/api/v1/guides", "-pid", strconv.Itoa(os.Getpid())}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "300ms per endpoint in 3 turns")
	assert.Regexp(t, `POST /api/v1/evaluate\?counterfactuals=false +\d+ +\d+ .* +2 B +0 +\d+ µs +\d+ µs`, out.String())
	assert.Regexp(t, `POST /api/v1/evaluate +\d+ +\d+ .* +2 B +0 +\d+ µs +\d+ µs`, out.String())
	assert.Regexp(t, `evaluate\?counterfactuals=false / healthz: [\d.]+ of the baseline rate, p99 [\d.]+ ms \(design target 0.4 and p99 ≤ 5.00 ms: (not )?met\); server CPU per request`, out.String())
	assert.Regexp(t, `evaluate / healthz: [\d.]+ of the baseline rate`, out.String())
	assert.Regexp(t, `/api/v1/guides / healthz: [\d.]+ of the baseline rate, p99 [\d.]+ ms \(a reference, no target\)`, out.String())
	mu.Lock()
	defer mu.Unlock()
	assert.Positive(t, seen["POST /api/v1/evaluate?counterfactuals=false"])
	assert.Positive(t, seen["POST /api/v1/evaluate"])
	assert.Positive(t, seen["GET /healthz"])
	assert.Positive(t, seen["GET /api/v1/guides"])
}

func TestRunRefusesGetWithoutPath(t *testing.T) {
	var out, errOut strings.Builder
	assert.Equal(t, 2, run([]string{"-get", "healthz"}, &out, &errOut))
	assert.Contains(t, errOut.String(), `-get "healthz": want a path starting with /`)
}

func TestRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-url", "http://192.0.2.1:8080"}, `loadtest: -url "http://192.0.2.1:8080": 192.0.2.1 is not a loopback address; loadtest only loads servers on this machine`},
		{[]string{"-c", "0"}, "loadtest: -c 0: want 1 to 1024 connections"},
		{[]string{"-d", "1h"}, "loadtest: -d 1h0m0s: want more than 0 and at most 5m0s"},
		{[]string{"-n", "0"}, "loadtest: -n 0: want 1 to 50000000 requests"},
		{[]string{"-rounds", "0"}, "loadtest: -rounds 0: want 1 to 100"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut strings.Builder
			assert.Equal(t, 2, run(tc.args, &out, &errOut))
			assert.Equal(t, tc.want+"\n", errOut.String())
		})
	}
}

func TestReadResponse(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		status    int
		size      int64
		err, rest string
	}{
		{name: "ok", raw: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 3\r\n\r\nok\nHTTP/1.1", status: 200, size: 3, rest: "HTTP/1.1"},
		{name: "error status", raw: "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n", status: 429},
		{name: "chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", err: "response without Content-Length"},
		{name: "not HTTP", raw: "SSH-2.0-OpenSSH\r\n", err: `malformed status line "SSH-2.0-OpenSSH\r\n"`},
		{name: "cut short", raw: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", err: "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bufio.NewReader(strings.NewReader(tc.raw))
			status, size, err := readResponse(r)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.size, size)
			rest, _ := io.ReadAll(r)
			assert.Equal(t, tc.rest, string(rest))
		})
	}
}

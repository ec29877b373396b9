package server

import (
	"bytes"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// BenchmarkServeAssessments is the loopback load test of `make bench`: clients POST
// /v1/assessments over HTTP/1.1 keep-alive connections to a server on 127.0.0.1, with
// recording on (SQLite, WAL, synchronous=FULL: every answer waits for its record to be
// on disk; concurrent records share a commit) and the access log formatted (to
// io.Discard). The load generator runs in the same process, on the same cores.
//
//   - country: {"country": "KAZ"}, the shipped Kazakhstan bundle (parsed once, kept).
//   - bundle: the Kazakhstan bundle itself in the body (33 KB of JSON), validated each time.
//
// The garbage collector runs with the settings `exportrisk serve` applies by default. Each
// runs with 8 and 32 concurrent clients. Metrics: assessments/s (answers with
// 201 per second of wall time), p50-ms and p99-ms (latency of one request as the client
// sees it), errors (any answer but 201, or a transport error). Targets (issue 6): at
// least 2,000 assessments/s, p99 under 20 ms, no errors.
func BenchmarkServeAssessments(b *testing.B) {
	kaz, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := indicators.Parse("KAZ", kaz)
	if err != nil {
		b.Fatal(err)
	}
	bundleJSON, err := bundle.CanonicalJSON()
	if err != nil {
		b.Fatal(err)
	}
	for _, input := range []struct {
		name string
		body []byte
	}{{"country", []byte(`{"country": "KAZ"}`)}, {"bundle", bundleJSON}} {
		for _, clients := range []int{8, 32} {
			b.Run(input.name+"/clients="+strconv.Itoa(clients), func(b *testing.B) {
				benchAssess(b, input.body, clients)
			})
		}
	}
}

func benchAssess(b *testing.B, body []byte, clients int) {
	// The garbage collector as `exportrisk serve` sets it by default (server.gc_percent 400,
	// server.memory_limit_mib 1024: cmd/exportrisk/gc.go), unless GOGC or GOMEMLIMIT is set.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(1024 << 20))
	}
	ts := newTestServer(b, smallLibrary(b), func(c *Config) {
		c.AccessLog = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	})
	url := ts.start(b) + "/v1/assessments"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}}
	defer client.CloseIdleConnections()
	post := func() (int, error) {
		req, err := http.NewRequest("POST", url, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+officerToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, err
	}
	// Warm up the connections and the store (its first append archives the policies).
	for range clients {
		if code, err := post(); code != http.StatusCreated || err != nil {
			b.Fatalf("warm-up: %d %v", code, err)
		}
	}
	measureLoad(b, clients, post, http.StatusCreated)
}

// measureLoad runs b.N requests (post) on clients goroutines and reports assessments/s,
// p50-ms, p99-ms and errors (answers other than want).
func measureLoad(b *testing.B, clients int, post func() (int, error), want int) {
	latencies := make([]time.Duration, b.N)
	var next, errs atomic.Int64
	var firstErr sync.Once
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				code, err := post()
				latencies[i] = time.Since(t0)
				if code != want || err != nil {
					errs.Add(1)
					firstErr.Do(func() { b.Logf("first error: status %d, %v", code, err) })
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(int64(b.N)-errs.Load())/elapsed.Seconds(), "assessments/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(errs.Load()), "errors")
}

package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// TestGracefulShutdown holds an assessment between its evaluation and its recording,
// stops the server as SIGTERM does (the context of Run ends), and checks that Run waits
// for it: the client gets its decision, the decision is in the store, the chain is
// intact, and nothing is answered as recorded after the server stopped recording.
func TestGracefulShutdown(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), func(c *Config) { c.ShutdownTimeout = time.Minute })
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce() // a test that fails early does not leave the request held
	ts.testHookBeforeRecord = func() {
		once.Do(func() {
			close(reached)
			<-release
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: testDeadline}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- ts.Run(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", base+"/v1/assessments", strings.NewReader(`{"country": "KAZ", "case_ref": "in-flight"}`))
		req.Header.Set("Authorization", "Bearer "+officerToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, b, err}
	}()
	await(t, reached, "the request reaching its recording") // evaluated, not yet recorded
	stop()                                                  // SIGTERM
	deadline := time.Now().Add(testDeadline)
	for !ts.draining.Load() { // waiting for Run to begin the shutdown, not timing it
		if time.Now().After(deadline) {
			t.Fatalf("Run did not begin the shutdown within %s", testDeadline)
		}
		time.Sleep(time.Millisecond)
	}
	if rec := ts.do(t, "GET", "/readyz", "", nil); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz while shutting down: %d", rec.Code)
	}
	if rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "DEU"}`)); rec.Code != http.StatusServiceUnavailable ||
		!strings.Contains(rec.Body.String(), CodeShuttingDown) {
		t.Errorf("a new assessment while shutting down: %d %s", rec.Code, rec.Body.String())
	}
	select {
	case err := <-ran:
		t.Fatalf("Run returned (%v) while a request was under way", err)
	default:
	}

	releaseOnce()
	a := await(t, answered, "the answer to the request under way")
	if a.err != nil || a.status != http.StatusCreated {
		t.Fatalf("the request under way: %d %v %s", a.status, a.err, a.body)
	}
	var got AssessmentJSON
	if err := json.Unmarshal(a.body, &got); err != nil || !got.Recorded {
		t.Fatalf("answer: %v %s", err, a.body)
	}
	if err := await(t, ran, "Run to return"); err != nil {
		t.Fatalf("Run: %v", err)
	}
	bg := context.Background()
	rec, err := ts.store.Get(bg, got.DecisionID)
	if err != nil || rec.CaseRef != "in-flight" {
		t.Fatalf("the answered decision is not in the store: %v", err)
	}
	if rep, err := audit.Verify(bg, ts.store, audit.VerifyOptions{}); err != nil || !rep.OK() || rep.Records != 1 {
		t.Errorf("verify: %+v %v", rep, err)
	}
	if _, err := client.Get(base + "/healthz"); err == nil {
		t.Error("the server still accepts connections after Run returned")
	}
	// After Run the server records nothing more, and says so.
	r := ts.do(t, "POST", "/countries/KAZ/assess", officerToken, strings.NewReader(""))
	if r.Code != http.StatusServiceUnavailable {
		t.Errorf("assess after Run: %d", r.Code)
	}
	if n, _ := ts.store.Count(bg, audit.Filter{}); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// testDeadline bounds every wait of a test of this package that could otherwise hang.
const testDeadline = time.Minute

// await returns the next value of ch, failing t if none comes within testDeadline.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testDeadline):
		t.Fatalf("waited %s for %s", testDeadline, what)
	}
	var zero T
	return zero
}

package server

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// BenchmarkOPAServer is the reference beside BenchmarkServeAssessments/country: upstream
// `opa run --server` (the binary OPA_BIN names; make bench installs the version of go.mod)
// serving the same policies directory, POST /v1/data/main/assessment with the Kazakhstan
// bundle as input, 8 clients over loopback keep-alive connections, no recording. Same
// metrics as BenchmarkServeAssessments. Skipped without OPA_BIN.
func BenchmarkOPAServer(b *testing.B) {
	bin := os.Getenv("OPA_BIN")
	if bin == "" {
		b.Skip("OPA_BIN names no opa binary (make bench installs one)")
	}
	kaz, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := indicators.Parse("KAZ", kaz)
	if err != nil {
		b.Fatal(err)
	}
	input, err := bundle.CanonicalJSON()
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(map[string]json.RawMessage{"input": input})
	if err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "run", "--server", "--addr", addr, "--log-level", "error", "../../policies")
	// opa's log (a warning when run as root) would break the benchmark's output line; it is
	// shown if opa does not come up.
	var opaLog bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &opaLog
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("opa run --server did not answer on %s within a minute: %v\n%s", addr, err, opaLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	const clients = 8
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}}
	defer client.CloseIdleConnections()
	url := base + "/v1/data/main/assessment"
	post := func() (int, error) {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		var out struct {
			Result json.RawMessage `json:"result"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err == nil && len(out.Result) == 0 {
			return 0, io.ErrUnexpectedEOF // undefined: the policies did not load
		}
		return resp.StatusCode, err
	}
	for range clients {
		if code, err := post(); code != http.StatusOK || err != nil {
			b.Fatalf("warm-up: %d %v", code, err)
		}
	}
	measureLoad(b, clients, post, http.StatusOK)
}

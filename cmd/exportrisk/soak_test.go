//go:build soak

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/server"
	"github.com/exportrisk/exportrisk/fixtures"
)

var (
	soakBin      = flag.String("soak.bin", "", "the exportrisk binary to serve with (make soak builds bin/exportrisk)")
	soakDuration = flag.Duration("soak.duration", 60*time.Second, "how long to send requests")
)

// Bounds of the soak test: requests are sent for soak.duration by soakClients clients, at
// most soakMaxRequests in all; the server's resident memory must stay under soakMaxRSS.
const (
	soakClients        = 4
	soakMaxRequests    = 200_000
	soakMaxRSS         = 512 << 20
	soakMemoryLimitMiB = 384
)

// TestSoak (make soak) serves with the real binary on loopback, recording on, and sends
// a mix of valid and hostile requests for soak.duration. Afterwards audit verify passes,
// every 201 answer's decision is in the store, nothing answered 5xx, and the server's
// resident memory (sampled every 200 ms) stayed under soakMaxRSS.
func TestSoak(t *testing.T) {
	if *soakBin == "" {
		t.Fatal("give -soak.bin (make soak does)")
	}
	dir := t.TempDir()
	store := newStoreAt(t, filepath.Join(dir, "audit.db"))
	officer, auditor := "ert_soak_officer", "ert_soak_auditor"
	tokens, _ := json.Marshal([]server.Token{
		{Name: "olivia", Role: server.RoleOfficer, SHA256: server.HashToken(officer)},
		{Name: "arthur", Role: server.RoleAuditor, SHA256: server.HashToken(auditor)},
	})
	env := append(os.Environ(), "EXPORTRISK_AUDIT_PATH="+store, "EXPORTRISK_SERVER_TOKENS="+string(tokens),
		"EXPORTRISK_SERVER_ACCESS_LOG=false", "XDG_CONFIG_HOME="+dir, "EXPORTRISK_LOG_LEVEL=warn",
		// The server's soft memory limit (default 1024 MiB with GOGC 400, gc.go): the soak
		// sets 384 MiB and checks that hostile requests cannot push it past soakMaxRSS.
		"EXPORTRISK_SERVER_MEMORY_LIMIT_MIB="+strconv.Itoa(soakMemoryLimitMiB))
	initStore := exec.Command(*soakBin, "audit", "init")
	initStore.Env = env
	if out, err := initStore.CombinedOutput(); err != nil {
		t.Fatalf("audit init: %v\n%s", err, out)
	}
	cmd := exec.Command(*soakBin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := ""
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := regexp.MustCompile(`serving on (http://\S+/)`).FindStringSubmatch(lines.Text()); m != nil {
			base = strings.TrimSuffix(m[1], "/")
			break
		}
	}
	if base == "" {
		t.Fatalf("the server did not start:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	t.Logf("server pid %d on %s", cmd.Process.Pid, base)

	reqs := soakRequests(t, officer, auditor)
	var (
		mu       sync.Mutex
		statuses = map[string]map[int]int{} // request kind -> status -> count
		ids      []string
		maxRSS   int64
		total    int
	)
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss := rssOf(cmd.Process.Pid); rss > 0 {
				mu.Lock()
				maxRSS = max(maxRSS, rss)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	client := &http.Client{Timeout: 30 * time.Second}
	deadline := time.Now().Add(*soakDuration)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range soakClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(c), 42))
			for time.Now().Before(deadline) {
				mu.Lock()
				if total >= soakMaxRequests {
					mu.Unlock()
					return
				}
				total++
				mu.Unlock()
				r := reqs[rnd.IntN(len(reqs))]
				status, id := r.send(client, base)
				mu.Lock()
				if statuses[r.kind] == nil {
					statuses[r.kind] = map[int]int{}
				}
				statuses[r.kind][status]++
				if status == http.StatusCreated {
					ids = append(ids, id)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	sampler.Wait()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	}

	kinds := make([]string, 0, len(statuses))
	for k := range statuses {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var summary []string
	for _, k := range kinds {
		var parts []string
		codes := make([]int, 0, len(statuses[k]))
		for code := range statuses[k] {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		for _, code := range codes {
			n := statuses[k][code]
			parts = append(parts, fmt.Sprintf("%d×%d", n, code))
			if code >= 500 || code == 0 {
				t.Errorf("%s: %d answers with status %d", k, n, code)
			}
		}
		summary = append(summary, fmt.Sprintf("  %-36s %s", k, strings.Join(parts, ", ")))
	}
	t.Logf("soak: %d requests in %s (%.0f/s) from %d clients, %d decisions recorded, server RSS max %.0f MiB (bound %d MiB)\n%s",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), soakClients, len(ids),
		float64(maxRSS)/(1<<20), soakMaxRSS>>20, strings.Join(summary, "\n"))
	if maxRSS >= soakMaxRSS {
		t.Errorf("server RSS reached %d MiB, bound %d MiB", maxRSS>>20, soakMaxRSS>>20)
	}
	if len(ids) == 0 {
		t.Error("no decision was recorded")
	}

	// audit verify with the binary, then every 201 looked up in the store.
	verify := exec.Command(*soakBin, "audit", "verify")
	verify.Env = env
	out, err := verify.CombinedOutput()
	if err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	t.Logf("audit verify:\n%s", out)
	s, err := audit.OpenSQLite(context.Background(), store, audit.SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.Count(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(ids)) {
		t.Errorf("the store holds %d decisions, %d were answered 201", n, len(ids))
	}
	for _, id := range ids {
		if _, err := s.Get(context.Background(), id); err != nil {
			t.Errorf("decision %s answered 201 is not in the store: %v", id, err)
		}
	}
}

// soakRequest is one kind of request of the mix.
type soakRequest struct {
	kind        string
	method      string
	path        string
	token       string
	contentType string
	body        []byte
}

func (r soakRequest) send(c *http.Client, base string) (int, string) {
	req, err := http.NewRequest(r.method, base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return 0, ""
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var answer struct {
		DecisionID string `json:"decision_id"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusCreated {
		_ = json.Unmarshal(b, &answer)
	}
	return resp.StatusCode, answer.DecisionID
}

// soakRequests is the mix: valid assessments (shipped bundles by country, a posted
// bundle), reads, and the hostile API bodies and headers of testdata/hostile.
func soakRequests(t *testing.T, officer, auditor string) []soakRequest {
	t.Helper()
	kaz, err := fixtures.FS.ReadFile("curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(hostileDir, "bundles", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	empty := "schema_version: 1\ncountry: {iso3: KAZ, name_en: K, name_de: K}\nas_of: 2026-01-01\nindices: {}\nmemberships: {}\nembargoes: []\nevidence: [" +
		strings.TrimSuffix(strings.Repeat("{},", 200_000), ",") + "]\n"
	var out []soakRequest
	for _, iso := range []string{"KAZ", "DEU", "EGY", "UKR", "MLI", "PRK", "NLD", "TUV"} {
		out = append(out, soakRequest{kind: "valid: assess shipped bundle", method: "POST", path: "/v1/assessments",
			token: officer, contentType: "application/json", body: []byte(`{"country": "` + iso + `", "case_ref": "SOAK-` + strconv.Itoa(len(out)) + `"}`)})
	}
	out = append(out,
		soakRequest{kind: "valid: assess posted bundle", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/yaml", body: kaz},
		soakRequest{kind: "valid: list decisions", method: "GET", path: "/v1/decisions?limit=20", token: auditor},
		soakRequest{kind: "valid: country", method: "GET", path: "/v1/countries/KAZ", token: auditor},
		soakRequest{kind: "valid: readyz", method: "GET", path: "/readyz"},
		soakRequest{kind: "hostile: duplicate JSON key", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/json", body: file("duplicate-key.json")},
		soakRequest{kind: "hostile: ANSI escape in a name", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/yaml", body: file("ansi-name.yaml")},
		soakRequest{kind: "hostile: 200,000 empty evidence items", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/yaml", body: []byte(empty)},
		soakRequest{kind: "hostile: binary body", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/yaml", body: file("binary.json")},
		soakRequest{kind: "hostile: alias bomb", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/yaml", body: file("alias-bomb.yaml")},
		soakRequest{kind: "hostile: 100,000 nested arrays", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/json", body: file("deep-nesting.json")},
		soakRequest{kind: "hostile: future as_of", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/json", body: []byte(`{"country": "KAZ", "as_of": "2099-01-01"}`)},
		soakRequest{kind: "hostile: case_ref with U+202E", method: "POST", path: "/v1/assessments?case_ref=AG%E2%80%AE1", token: officer, contentType: "application/json", body: []byte(`{"country": "KAZ"}`)},
		soakRequest{kind: "hostile: body over the limit", method: "POST", path: "/v1/assessments", token: officer, contentType: "application/yaml", body: bytes.Repeat([]byte("#"), 1_100_000)},
		soakRequest{kind: "hostile: unknown token", method: "POST", path: "/v1/assessments", token: "ert_not_a_token", contentType: "application/json", body: []byte(`{"country": "KAZ"}`)},
		soakRequest{kind: "hostile: auditor assesses", method: "POST", path: "/v1/assessments", token: auditor, contentType: "application/json", body: []byte(`{"country": "KAZ"}`)},
	)
	return out
}

// rssOf returns the resident set size of a process in bytes (Linux /proc), or 0.
func rssOf(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine/policy/bundle/bundletest"

	"github.com/exportrisk/exportrisk/engine/server"
)

func TestServeConfigErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a port that is taken
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	tokens := `[{"name": "alice", "role": "officer", "token_sha256": "` + server.HashToken("secret") + `"}]`
	tests := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"addr without port": {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_ADDR": "x"}, `server.addr (from EXPORTRISK_SERVER_ADDR): must include a port (got "x")`},
		"flag without port": {[]string{"serve", "--addr", "localhost"}, nil, `addr: must include a port (got "localhost")`},
		"bad port":          {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_ADDR": "127.0.0.1:http"}, `server.addr (from EXPORTRISK_SERVER_ADDR): port: want 0..65535 (got "http")`},
		"bad duration":      {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_READ_TIMEOUT": "soon"}, `server.read_timeout (from EXPORTRISK_SERVER_READ_TIMEOUT): want a duration such as 30s or 5m (got "soon")`},
		"zero timeout":      {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_SHUTDOWN_TIMEOUT": "0s"}, "server.shutdown_timeout (from EXPORTRISK_SERVER_SHUTDOWN_TIMEOUT): want a positive duration"},
		"tiny body limit":   {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_MAX_BODY_BYTES": "10"}, "server.max_body_bytes (from EXPORTRISK_SERVER_MAX_BODY_BYTES): want 1024..16777216 (got 10)"},
		"no tokens":         {[]string{"serve"}, nil, "server.tokens: no token configured (create one with: exportrisk serve token --name NAME --role officer)"},
		"tokens not JSON":   {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_TOKENS": "alice:officer"}, "server.tokens (from EXPORTRISK_SERVER_TOKENS): want a JSON list"},
		"bad role":          {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_TOKENS": strings.Replace(tokens, "officer", "admin", 1)}, `server.tokens[0] (alice).role: want officer, policy or auditor (got "admin")`},
		"token in clear":    {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_TOKENS": `[{"name": "a", "role": "officer", "token_sha256": "secret"}]`}, "token_sha256: want 64 hex digits"},
		"missing file":      {[]string{"serve"}, map[string]string{"EXPORTRISK_SERVER_TOKENS_FILE": "testdata/nope.yaml"}, "server.tokens_file: open testdata/nope.yaml"},
		"argument":          {[]string{"serve", "KAZ"}, nil, `serve: unexpected argument "KAZ"`},
		"port in use":       {[]string{"serve", "--addr", busy}, map[string]string{"EXPORTRISK_SERVER_TOKENS": tokens}, "listen on " + busy},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.env, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d, want %d; stderr %q, want %q; stdout %q", code, exitUsage, stderr, tc.want, stdout)
			}
		})
	}
}

// TestServeToken: exportrisk serve token makes a token, prints it once and stores only
// its hash, in a private file; the tokens file and EXPORTRISK_SERVER_TOKENS add up.
func TestServeToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cfg", "tokens.yaml")
	env := map[string]string{"EXPORTRISK_SERVER_TOKENS_FILE": file}
	code, stdout, stderr := runCLI(t, env, "serve", "token", "--name", "alice", "--role", "officer")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	token := regexp.MustCompile(`(?m)^  (ert_\S+)$`).FindStringSubmatch(stdout)
	if token == nil {
		t.Fatalf("no token printed:\n%s", stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), token[1]) || !strings.Contains(string(data), server.HashToken(token[1])) {
		t.Errorf("the tokens file holds the token, or not its hash:\n%s", data)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("tokens file mode %v", info.Mode())
	}
	if code, _, stderr = runCLI(t, env, "serve", "token", "--name", "audrey", "--role", "auditor"); code != exitOK {
		t.Fatalf("second token: %s", stderr)
	}
	for _, args := range [][]string{
		{"serve", "token", "--name", "alice", "--role", "auditor"}, // the name is taken
		{"serve", "token", "--name", "bob", "--role", "admin"},
		{"serve", "token", "--name", "bob"},
	} {
		if code, _, stderr := runCLI(t, env, args...); code != exitUsage {
			t.Errorf("%v: exit %d (%s)", args, code, stderr)
		}
	}
	cfg := &Config{Server: ServerConfig{TokensFile: file, Tokens: []server.Token{{Name: "carl", Role: server.RolePolicy, SHA256: server.HashToken("c")}}}}
	tokens, err := loadTokens(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tk := range tokens {
		names = append(names, tk.Name+":"+string(tk.Role))
	}
	if got := strings.Join(names, " "); got != "carl:policy alice:officer audrey:auditor" {
		t.Errorf("tokens: %s", got)
	}
}

// lineWriter passes what serve prints on, line by line.
type lineWriter struct {
	mu    chan struct{}
	buf   bytes.Buffer
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu <- struct{}{}
	defer func() { <-w.mu }()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		w.lines <- strings.TrimSuffix(line, "\n")
	}
}

// TestServeSIGTERM runs exportrisk serve, records a decision through the API, sends the
// process a real SIGTERM, and checks that serve stops cleanly and the decision is in the
// audit log (the in-flight case is TestGracefulShutdown in engine/server).
func TestServeSIGTERM(t *testing.T) {
	store := newStore(t)
	env := map[string]string{
		"EXPORTRISK_AUDIT_PATH":    store,
		"EXPORTRISK_SERVER_TOKENS": `[{"name": "alice", "role": "officer", "token_sha256": "` + server.HashToken("secret") + `"}]`,
		"EXPORTRISK_FIXTURES":      "../../fixtures/curated",
		"XDG_CONFIG_HOME":          t.TempDir(),
		"EXPORTRISK_REQUESTER":     "tester",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	out := &lineWriter{mu: make(chan struct{}, 1), lines: make(chan string, 100)}
	var errOut bytes.Buffer
	exited := make(chan int, 1)
	go func() {
		exited <- run(context.Background(), []string{"exportrisk", "serve", "--addr", "127.0.0.1:0"}, out, &errOut)
	}()
	var url string
	select {
	case line := <-out.lines:
		m := regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+/)$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line: %q", line)
		}
		url = m[1]
	case code := <-exited:
		t.Fatalf("serve exited with %d: %s", code, errOut.String())
	}
	req, _ := http.NewRequest("POST", url+"v1/assessments", strings.NewReader(`{"country": "KAZ"}`))
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var a struct {
		DecisionID string `json:"decision_id"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &a) != nil || a.DecisionID == "" {
		t.Fatalf("assess: %d %s", resp.StatusCode, body)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := <-exited; code != exitOK {
		t.Fatalf("serve exited with %d after SIGTERM: %s", code, errOut.String())
	}
	var rest []string
	for len(out.lines) > 0 {
		rest = append(rest, <-out.lines)
	}
	if len(rest) == 0 || rest[len(rest)-1] != "exportrisk serve: stopped; every decision answered is recorded." {
		t.Errorf("serve's last lines: %q", rest)
	}
	if !strings.Contains(errOut.String(), `path=/v1/assessments route="POST /v1/assessments" status=201`) || strings.Contains(errOut.String(), "secret") {
		t.Errorf("access log:\n%s", errOut.String())
	}
	code, stdout, stderr := runCLI(t, env, "audit", "list")
	if code != exitOK || !strings.Contains(stdout, a.DecisionID) || !strings.Contains(stdout, "alice") {
		t.Errorf("audit list: %d\n%s%s", code, stdout, stderr)
	}
}

// TestServeTokensInConfigFile: server.tokens in the config file are read (the file is
// checked like the environment), and an unknown field in an entry is an error.
func TestServeTokensInConfigFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte("server:\n  addr: 127.0.0.1:9999\n  tokens:\n    - name: carl\n      role: policy\n      token_sha256: "+server.HashToken("c")+"\n"), 0o600)
	os.WriteFile(bad, []byte("server:\n  tokens:\n    - name: carl\n      role: policy\n      token: c\n"), 0o600)
	env := map[string]string{"EXPORTRISK_SERVER_TOKENS_FILE": filepath.Join(dir, "tokens.yaml")}
	code, _, stderr := runCLI(t, env, "--config", good, "serve", "token", "--name", "carl", "--role", "officer")
	if code != exitUsage || !strings.Contains(stderr, `"carl" is given twice`) {
		t.Errorf("a name of the config file again: exit %d, %s", code, stderr)
	}
	code, _, stderr = runCLI(t, env, "--config", bad, "serve", "token", "--name", "dora", "--role", "officer")
	if code != exitUsage || !strings.Contains(stderr, "'server.tokens[0]' has invalid keys: token") {
		t.Errorf("unknown field in a token entry: exit %d, %s", code, stderr)
	}
}

// TestServeReloadRefusesBadPolicies: on SIGHUP serve loads the policies as assess does, so
// a data file that does not validate and a bundle changed after it was signed are refused
// (serve keeps the policies in use and says why), and a good signed bundle is taken.
func TestServeReloadRefusesBadPolicies(t *testing.T) {
	k := bundletest.Write(t)
	priv, pub := k.RSAPriv, k.RSAPub
	dir := copyPolicies(t, nil, nil)
	signed := filepath.Join(t.TempDir(), "policies.tar.gz")
	out, _ := policyRun{args: []string{"policy", "bundle", "build", "--revision", "v2", "--signing-key", priv, "-o", signed,
		"--policies", dir}}.run(t)
	bundleRevision := policyRevisionLine.FindStringSubmatch(out)
	if bundleRevision == nil {
		t.Fatalf("build output names no policy revision:\n%s", out)
	}
	tampered := tamperBundle(t, signed, "data.json")
	// Built now: a command run in this process later would take over the default logger.
	newer, older := filepath.Join(t.TempDir(), "newer.tar.gz"), filepath.Join(t.TempDir(), "older.tar.gz")
	for file, rev := range map[string]string{newer: "2026.10", older: "2026.9"} {
		policyRun{args: []string{"policy", "bundle", "build", "--revision", rev, "--signing-key", priv, "-o", file, "--policies", dir}}.run(t)
	}

	env := map[string]string{
		"EXPORTRISK_AUDIT_PATH":    newStore(t),
		"EXPORTRISK_SERVER_TOKENS": `[{"name": "alice", "role": "officer", "token_sha256": "` + server.HashToken("secret") + `"}]`,
		"EXPORTRISK_FIXTURES":      "../../fixtures/curated",
		"EXPORTRISK_POLICIES":      dir,
		"XDG_CONFIG_HOME":          t.TempDir(),
		"EXPORTRISK_REQUESTER":     "tester",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	stdout := &lineWriter{mu: make(chan struct{}, 1), lines: make(chan string, 100)}
	stderr := &lineWriter{mu: make(chan struct{}, 1), lines: make(chan string, 1000)}
	exited := make(chan int, 1)
	go func() {
		exited <- run(context.Background(), []string{"exportrisk", "serve", "--addr", "127.0.0.1:0"}, stdout, stderr)
	}()
	var url, revision string
	for url == "" || revision == "" {
		select {
		case line := <-stdout.lines:
			if m := regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+/)$`).FindStringSubmatch(line); m != nil {
				url = m[1]
			}
			if m := regexp.MustCompile(`policy revision (sha256:[0-9a-f]{64})`).FindStringSubmatch(line); m != nil {
				revision = m[1]
			}
		case code := <-exited:
			t.Fatalf("serve exited with %d", code)
		case <-time.After(time.Minute):
			t.Fatal("serve did not start")
		}
	}
	// currentRevision asks the server which policy revision it assesses with.
	currentRevision := func() string {
		t.Helper()
		req, _ := http.NewRequest("GET", url+"v1/countries", nil)
		req.Header.Set("Authorization", "Bearer secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var w struct {
			PolicyRevision string `json:"policy_revision"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&w); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /v1/countries: %d %v", resp.StatusCode, err)
		}
		return w.PolicyRevision
	}
	// hup sends SIGHUP and returns serve's log line about the reload.
	hup := func() string {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		for {
			select {
			case line := <-stderr.lines:
				if strings.Contains(line, "SIGHUP") {
					return line
				}
			case <-time.After(time.Minute):
				t.Fatal("no log line about the reload")
			}
		}
	}

	data := filepath.Join(dir, "data.yaml")
	good, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), "\n    pts_severe_min: 4\n", "\n    pts_severe_min: 7\n", 1)
	if err := os.WriteFile(data, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	line := hup()
	for _, want := range []string{"SIGHUP: reload failed; keeping the policies and tokens in use", "the policy data file is invalid",
		"thresholds.c2.pts_severe_min: want a whole number 1..5, got 7"} {
		if !strings.Contains(line, want) {
			t.Errorf("bad data file: log lacks %q:\n%s", want, line)
		}
	}
	if got := currentRevision(); got != revision {
		t.Errorf("after a refused reload the revision is %s, want %s", got, revision)
	}

	t.Setenv("EXPORTRISK_POLICIES", tampered)
	t.Setenv("EXPORTRISK_POLICIES_VERIFICATION_KEY", pub)
	line = hup()
	for _, want := range []string{"SIGHUP: reload failed", "data.json: digest mismatch", "the bundle was changed after it was signed"} {
		if !strings.Contains(line, want) {
			t.Errorf("tampered bundle: log lacks %q:\n%s", want, line)
		}
	}
	if got := currentRevision(); got != revision {
		t.Errorf("after a refused reload the revision is %s, want %s", got, revision)
	}

	t.Setenv("EXPORTRISK_POLICIES", signed)
	if line = hup(); !strings.Contains(line, "SIGHUP: reloaded") || !strings.Contains(line, bundleRevision[1]) {
		t.Errorf("signed bundle: %s", line)
	}
	if got := currentRevision(); got != bundleRevision[1] {
		t.Errorf("after reloading the bundle the revision is %s, want %s", got, bundleRevision[1])
	}

	// Rollback protection: after 2026.10, the older (validly signed) 2026.9 is refused
	// unless server.allow_policy_rollback is set.
	t.Setenv("EXPORTRISK_POLICIES", newer)
	if line = hup(); !strings.Contains(line, "SIGHUP: reloaded") || !strings.Contains(line, "manifest_revision=2026.10") {
		t.Errorf("newer bundle: %s", line)
	}
	t.Setenv("EXPORTRISK_POLICIES", older)
	if line = hup(); !strings.Contains(line, "SIGHUP: reload failed") ||
		!strings.Contains(line, "policy bundle manifest revision 2026.9 is older than the active 2026.10: refusing a rollback") {
		t.Errorf("older bundle: %s", line)
	}
	t.Setenv("EXPORTRISK_SERVER_ALLOW_POLICY_ROLLBACK", "true")
	if line = hup(); !strings.Contains(line, "rolling back to an older policy bundle") {
		t.Errorf("older bundle, rollback allowed: %s", line)
	}
	if line = hup(); !strings.Contains(line, "SIGHUP: reloaded") || !strings.Contains(line, "manifest_revision=2026.9") {
		t.Errorf("older bundle, rollback allowed: %s", line)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := <-exited; code != exitOK {
		t.Fatalf("serve exited with %d after SIGTERM", code)
	}
}

package main

import (
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

// TestServeSIGTERM runs exportrisk serve as a child process, records a decision through
// the API, sends the child a real SIGTERM, and checks that serve stops cleanly and the
// decision is in the audit log (the in-flight case is TestGracefulShutdown in
// engine/server).
func TestServeSIGTERM(t *testing.T) {
	store := newStore(t)
	env := map[string]string{
		"EXPORTRISK_AUDIT_PATH":    store,
		"EXPORTRISK_SERVER_TOKENS": `[{"name": "alice", "role": "officer", "token_sha256": "` + server.HashToken("secret") + `"}]`,
		"EXPORTRISK_FIXTURES":      "../../fixtures/curated",
		"XDG_CONFIG_HOME":          t.TempDir(),
		"EXPORTRISK_REQUESTER":     "tester",
	}
	srv := startServe(t, env)
	url := srv.url(t)
	req, _ := http.NewRequest("POST", url+"v1/assessments", strings.NewReader(`{"country": "KAZ"}`))
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
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

	srv.signal(t, syscall.SIGTERM)
	if code := srv.wait(t); code != exitOK {
		t.Fatalf("serve exited with %d after SIGTERM: %s", code, srv.stderr())
	}
	rest := srv.stdout()
	if !strings.HasSuffix(rest, "\nexportrisk serve: stopped; every decision answered is recorded.\n") {
		t.Errorf("serve's output: %q", rest)
	}
	if errOut := srv.stderr(); !strings.Contains(errOut, `path=/v1/assessments route="POST /v1/assessments" status=201`) || strings.Contains(errOut, "secret") {
		t.Errorf("access log:\n%s", errOut)
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
	tampered := tamperBundle(t, signed, "data.json", "0.55", "0.56")
	newer, older := filepath.Join(t.TempDir(), "newer.tar.gz"), filepath.Join(t.TempDir(), "older.tar.gz")
	for file, rev := range map[string]string{newer: "2026.10", older: "2026.9"} {
		policyRun{args: []string{"policy", "bundle", "build", "--revision", rev, "--signing-key", priv, "-o", file, "--policies", dir}}.run(t)
	}

	// The child reads its config file again on every SIGHUP: the test changes the policies
	// there.
	config := filepath.Join(t.TempDir(), "config.yaml")
	setConfig := func(s string) {
		t.Helper()
		if err := os.WriteFile(config, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	setConfig("policies: " + dir + "\n")
	srv := startServe(t, map[string]string{
		"EXPORTRISK_AUDIT_PATH":    newStore(t),
		"EXPORTRISK_SERVER_TOKENS": `[{"name": "alice", "role": "officer", "token_sha256": "` + server.HashToken("secret") + `"}]`,
		"EXPORTRISK_FIXTURES":      "../../fixtures/curated",
		"EXPORTRISK_CONFIG":        config,
		"EXPORTRISK_REQUESTER":     "tester",
	})
	url := srv.url(t)
	m := regexp.MustCompile(`policy revision (sha256:[0-9a-f]{64})`).FindStringSubmatch(srv.stdout())
	if m == nil {
		t.Fatalf("serve names no policy revision:\n%s", srv.stdout())
	}
	revision := m[1]
	// currentRevision asks the server which policy revision it assesses with.
	currentRevision := func() string {
		t.Helper()
		req, _ := http.NewRequest("GET", url+"v1/countries", nil)
		req.Header.Set("Authorization", "Bearer secret")
		resp, err := httpClient.Do(req)
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
		srv.signal(t, syscall.SIGHUP)
		return srv.stderrLine(t, "SIGHUP")
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

	withKey := "policies_verification_key: " + pub + "\n"
	setConfig("policies: " + tampered + "\n" + withKey)
	line = hup()
	for _, want := range []string{"SIGHUP: reload failed", "data.json: digest mismatch", "the bundle was changed after it was signed"} {
		if !strings.Contains(line, want) {
			t.Errorf("tampered bundle: log lacks %q:\n%s", want, line)
		}
	}
	if got := currentRevision(); got != revision {
		t.Errorf("after a refused reload the revision is %s, want %s", got, revision)
	}

	setConfig("policies: " + signed + "\n" + withKey)
	if line = hup(); !strings.Contains(line, "SIGHUP: reloaded") || !strings.Contains(line, bundleRevision[1]) {
		t.Errorf("signed bundle: %s", line)
	}
	if got := currentRevision(); got != bundleRevision[1] {
		t.Errorf("after reloading the bundle the revision is %s, want %s", got, bundleRevision[1])
	}

	// Rollback protection: after 2026.10, the older (validly signed) 2026.9 is refused
	// unless server.allow_policy_rollback is set.
	setConfig("policies: " + newer + "\n" + withKey)
	if line = hup(); !strings.Contains(line, "SIGHUP: reloaded") || !strings.Contains(line, "manifest_revision=2026.10") {
		t.Errorf("newer bundle: %s", line)
	}
	setConfig("policies: " + older + "\n" + withKey)
	if line = hup(); !strings.Contains(line, "SIGHUP: reload failed") ||
		!strings.Contains(line, "policy bundle manifest revision 2026.9 is older than the active 2026.10: refusing a rollback") {
		t.Errorf("older bundle: %s", line)
	}
	setConfig("policies: " + older + "\n" + withKey + "server:\n  allow_policy_rollback: true\n")
	if line = hup(); !strings.Contains(line, "rolling back to an older policy bundle") {
		t.Errorf("older bundle, rollback allowed: %s", line)
	}
	if line = hup(); !strings.Contains(line, "SIGHUP: reloaded") || !strings.Contains(line, "manifest_revision=2026.9") {
		t.Errorf("older bundle, rollback allowed: %s", line)
	}

	srv.signal(t, syscall.SIGTERM)
	if code := srv.wait(t); code != exitOK {
		t.Fatalf("serve exited with %d after SIGTERM: %s", code, srv.stderr())
	}
}

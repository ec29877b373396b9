package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/internal/golden"
)

// auditNormal replaces what changes from run to run in audit output.
var auditNormal = []struct {
	re   *regexp.Regexp
	repl string
}{
	{digest, "sha256:<digest>"},
	{decisionID, "<decision-id>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z`), "<time>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`), "<time>"},
	{regexp.MustCompile(`\d+ (files|bytes)`), "<n> $1"},
	{regexp.MustCompile(`checked in [0-9.]+[µnm]?s(, \d+ records/s)?`), "checked in <elapsed>"},
	{regexp.MustCompile(`root [A-Za-z0-9+/]{43}=`), "root <root>"},
}

func normalizeAudit(s, store string) string {
	s = strings.ReplaceAll(s, store, "<store>")
	for _, n := range auditNormal {
		s = n.re.ReplaceAllString(s, n.repl)
	}
	return s
}

// TestAuditTrail walks through what a new user does: two assessments, the list, show,
// verify, replay of each, replay --all, export, a what-if with other policies; then one
// byte of the database file is changed and verify names the record.
func TestAuditTrail(t *testing.T) {
	store := newStoreAt(t, filepath.Join(t.TempDir(), "data", "audit.db"))
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": store}
	cli := func(t *testing.T, wantCode int, args ...string) (string, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, args...)
		if code != wantCode {
			t.Fatalf("exportrisk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, stdout, stderr)
		}
		return stdout, stderr
	}
	check := func(t *testing.T, name, stdout, stderr string) {
		t.Helper()
		golden.Check(t, filepath.Join("testdata", name+".golden"), []byte(normalizeAudit(stdout+"\n--- stderr ---\n"+stderr, store)))
	}

	out, _ := cli(t, exitOK, "assess", "KAZ")
	first := decisionID.FindString(out)
	if !strings.Contains(out, "Decision ID: "+first+" (recorded in the audit log)") {
		t.Fatalf("assess does not print the decision id:\n%s", out)
	}
	out, _ = cli(t, exitOK, "assess", "KAZ", "--format", "json", "--requester", "alice", "--case", "4711")
	var second struct {
		DecisionID string `json:"decision_id"`
		Recorded   bool   `json:"recorded"`
	}
	if err := json.Unmarshal([]byte(out), &second); err != nil || !second.Recorded || !decisionID.MatchString(second.DecisionID) {
		t.Fatalf("assess --format json: decision_id %q recorded %v (%v)", second.DecisionID, second.Recorded, err)
	}
	out, _ = cli(t, exitOK, "assess", "KAZ", "--no-record", "--lang", "de")
	if !strings.HasSuffix(out, "\nNicht aufgezeichnet (Probelauf).\n") || decisionID.MatchString(out) {
		t.Errorf("assess --no-record does not say it is a dry run:\n%s", out)
	}
	out, _ = cli(t, exitOK, "assess", "KAZ", "--no-record", "--format", "json")
	if !strings.Contains(out, `"recorded": false`) || strings.Contains(out, "decision_id") {
		t.Errorf("assess --no-record --format json: %s", out[max(0, len(out)-200):])
	}

	steps := []struct {
		name string
		args []string
		code int
	}{
		{"audit-list", []string{"audit", "list"}, exitOK},
		{"audit-list-filtered", []string{"audit", "list", "--requester", "alice", "--country", "kaz", "--since", "2000-01-01", "--verdict", "critical"}, exitOK},
		{"audit-list-none", []string{"audit", "list", "--until", "2000-01-01"}, exitOK},
		{"audit-show", []string{"audit", "show", second.DecisionID}, exitOK},
		{"audit-verify", []string{"audit", "verify"}, exitOK},
		{"replay", []string{"replay", first}, exitOK},
		{"replay-all", []string{"replay", "--all"}, exitOK},
		{"audit-show-unknown", []string{"audit", "show", "00000000-0000-0000-0000-000000000000"}, exitInvalidInput},
		{"audit-list-bad-verdict", []string{"audit", "list", "--verdict", "red"}, exitUsage},
		{"audit-list-bad-since", []string{"audit", "list", "--since", "yesterday"}, exitUsage},
		{"audit-list-bad-format", []string{"audit", "list", "--format", "csv"}, exitUsage},
		{"replay-no-args", []string{"replay"}, exitUsage},
		{"replay-id-and-all", []string{"replay", first, "--all"}, exitUsage},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			stdout, stderr := cli(t, s.code, s.args...)
			check(t, s.name, stdout, stderr)
		})
	}

	t.Run("list-json", func(t *testing.T) {
		out, _ := cli(t, exitOK, "audit", "list", "--format", "json")
		var list []struct {
			Seq        int64  `json:"seq"`
			DecisionID string `json:"decision_id"`
			Requester  string `json:"requester"`
			CaseRef    string `json:"case_ref"`
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		want := []string{first + " tester ", second.DecisionID + " alice 4711"}
		var got []string
		for _, l := range list {
			got = append(got, l.DecisionID+" "+l.Requester+" "+l.CaseRef)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("audit list --format json (-want +got):\n%s", diff)
		}
	})

	t.Run("export", func(t *testing.T) {
		out, _ := cli(t, exitOK, "audit", "export", "--format", "jsonl")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("export wrote %d lines, want 2", len(lines))
		}
		for i, l := range lines {
			var ev struct {
				DecisionID string                       `json:"decision_id"`
				Timestamp  string                       `json:"timestamp"`
				Input      map[string]any               `json:"input"`
				Result     engine.Result                `json:"result"`
				Bundles    map[string]map[string]string `json:"bundles"`
				Requested  string                       `json:"requested_by"`
				Hash       string                       `json:"hash"`
			}
			if err := json.Unmarshal([]byte(l), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.DecisionID != []string{first, second.DecisionID}[i] || ev.Timestamp == "" || ev.Input["country"] == nil ||
				ev.Result.Country.ISO3 != "KAZ" || ev.Bundles["exportrisk"]["revision"] != ev.Result.PolicyRevision || ev.Hash == "" {
				t.Errorf("line %d: %.300s", i+1, l)
			}
		}
	})

	t.Run("what-if", func(t *testing.T) {
		// The embedded policies plus an unrelated module: another revision, same verdicts.
		p, err := policy.Embedded()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for name, b := range p.Files {
			writeTestFile(t, filepath.Join(dir, name), b)
		}
		writeTestFile(t, filepath.Join(dir, "extra", "extra.rego"), []byte("package extra\n\nanswer := 42\n"))
		stdout, stderr := cli(t, exitOK, "replay", first, "--policies", dir)
		check(t, "replay-what-if", strings.ReplaceAll(stdout, dir, "<dir>"), stderr)
	})

	t.Run("tampered", func(t *testing.T) {
		// Change one byte of the second record in the database file itself.
		b, err := os.ReadFile(store)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(b, []byte("alice"))
		if i < 0 || bytes.Count(b, []byte("alice")) != 1 {
			t.Fatalf("want one copy of the requester in the file")
		}
		b[i] = 'A'
		if err := os.WriteFile(store, b, 0o600); err != nil {
			t.Fatal(err)
		}
		stdout, stderr := cli(t, exitCheckFailed, "audit", "verify")
		if !strings.Contains(stderr, "record seq 2 (decision "+second.DecisionID+"): changed") {
			t.Errorf("verify does not name the changed record:\n%s", stderr)
		}
		check(t, "audit-verify-tampered", stdout, stderr)
		if stdout, _ := cli(t, exitOK, "audit", "list"); !strings.Contains(stdout, "FAILS ITS HASH") || !strings.Contains(stdout, "WARNING: 1 record(s)") {
			t.Errorf("audit list does not mark the changed record:\n%s", stdout)
		}
		if stdout, _ := cli(t, exitOK, "audit", "show", second.DecisionID); !strings.Contains(stdout, "FAILS ITS CHECK") {
			t.Errorf("audit show does not mark the changed record:\n%s", stdout)
		}
		stdout, stderr = cli(t, exitCheckFailed, "replay", "--all")
		check(t, "replay-all-tampered", stdout, stderr)
	})
}

func TestAuditStoreErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	writeTestFile(t, garbage, bytes.Repeat([]byte("not a database "), 100))
	tests := map[string]struct {
		store string
		args  []string
		code  int
	}{
		"audit-missing-store":   {store: filepath.Join(dir, "none", "audit.db"), args: []string{"audit", "list"}, code: exitFailure},
		"audit-corrupt-store":   {store: garbage, args: []string{"audit", "verify"}, code: exitFailure},
		"assess-corrupt-store":  {store: garbage, args: []string{"assess", "KAZ"}, code: exitFailure},
		"audit-store-directory": {store: dir, args: []string{"replay", "--all"}, code: exitFailure},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, map[string]string{"EXPORTRISK_AUDIT_PATH": tc.store}, tc.args...)
			if code != tc.code || stdout != "" {
				t.Errorf("exit %d, want %d; stdout %q", code, tc.code, stdout)
			}
			golden.Check(t, filepath.Join("testdata", name+".golden"), []byte(strings.ReplaceAll(stderr, dir, "<dir>")))
		})
	}
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// catArgs add a UN CAT finding on Uruguay (dated within the torture window of the 2023
// bundle) to the register.
var catArgs = []string{"evidence", "add", "URY", "--category", "torture", "--date", "2022-05",
	"--reported-by", "un_body", "--source", "UN Committee against Torture (test)",
	"--url", "https://example.org/cat/ury", "--quote", "The Committee is concerned about torture in police custody.",
	"--summary", "CAT concerned about torture in police custody (test).", "--added-by", "tester"}

func fixedToday(t *testing.T) {
	t.Helper()
	old := today
	today = func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { today = old })
}

// TestEvidenceAddThenAssess is the walk-through: a dry run shows the verdicts the item
// would change and writes nothing; the add writes it; assess then shows the torture
// signal with the source and the quote, and records the register revision in the bundle.
func TestEvidenceAddThenAssess(t *testing.T) {
	fixedToday(t)
	dir := t.TempDir()
	env := map[string]string{"EXPORTRISK_EVIDENCE": dir}

	code, out, errOut := runCLI(t, env, append(catArgs, "--dry-run")...)
	if code != exitOK {
		t.Fatalf("dry run: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Impact of ury-2022-05-01-torture (torture, May 2022) on the 13 bundles of URY:",
		"as of 31 December 2023, criterion 2: possibly critical -> critical", "+ C2-TORTURE", "overall: no critical criterion -> light red",
		"Dry run: nothing written"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "URY.yaml")); !os.IsNotExist(err) {
		t.Fatalf("the dry run wrote the register: %v", err)
	}

	if code, out, errOut = runCLI(t, env, catArgs...); code != exitOK || !strings.Contains(out, "Added ury-2022-05-01-torture to "+filepath.Join(dir, "URY.yaml")) {
		t.Fatalf("add: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "assess", "URY", "--explain", "2", "--no-record")
	if code != exitOK {
		t.Fatalf("assess: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"+ 1 item from the evidence register", "C2-TORTURE)", "- May 2022: CAT concerned about torture in police custody (test).",
		"quote: “The Committee is concerned about torture in police custody.”\n       (https://example.org/cat/ury)", "  - UN Committee against Torture (test)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("assess output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, env, "assess", "URY", "--format", "json", "--no-record")
	if code != exitOK || !strings.Contains(out, `"quote": "The Committee is concerned about torture in police custody."`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}

	// The same finding again is refused, naming the file, line and field.
	code, _, errOut = runCLI(t, env, append(catArgs, "--id", "ury-again")...)
	if code != exitInvalidInput || !strings.Contains(errOut, filepath.Join(dir, "URY.yaml")+":16: items[1]: the same finding as items[0] (same URL and quote)") {
		t.Errorf("duplicate: exit %d: %s", code, errOut)
	}
	code, out, _ = runCLI(t, env, "evidence", "list", "URY", "--category", "torture")
	if code != exitOK || !strings.Contains(out, "URY      May 2022  torture   un_body      ury-2022-05-01-torture  UN Committee against Torture (test)") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
}

// TestEvidenceCheck: a malformed register is refused with file, line and field.
func TestEvidenceCheck(t *testing.T) {
	fixedToday(t)
	dir := t.TempDir()
	text := `register_version: 1
country: EGY
items:
  - id: egy-x
    date: 2023-13-01
    category: torture
    reported_by: un_body
    summary: "s"
    source: "s"
    quote: "q"
    added_by: "a"
    added_on: 2026-12-01
`
	if err := os.WriteFile(filepath.Join(dir, "EGY.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, nil, "evidence", "check", "--evidence", dir)
	want := "exportrisk: " + filepath.Join(dir, "EGY.yaml") + `:4: items[0].url: required in the register` + "\n" +
		filepath.Join(dir, "EGY.yaml") + `:5: items[0].date: want a date YYYY-MM-DD, got "2023-13-01"` + "\n"
	if code != exitInvalidInput || out != "" || errOut != want {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant   %q", code, out, errOut, want)
	}
	// The built-in register is valid (outside a checkout the embedded one is used).
	if code, out, errOut := runCLI(t, nil, "evidence", "check"); code != exitOK || !strings.HasPrefix(out, "evidence register (built in): valid (") {
		t.Errorf("built-in register: exit %d %s%s", code, out, errOut)
	}
	// Writing needs a directory: the built-in register is read-only.
	if code, _, errOut := runCLI(t, nil, catArgs...); code != exitUsage || !strings.Contains(errOut, "the built-in register is read-only") {
		t.Errorf("add without a register directory: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, nil, "evidence", "add", "URY", "--category", "torture", "--date", "2022-13", "--reported-by", "un_body",
		"--source", "s", "--url", "https://x.org", "--quote", "q", "--summary", "s", "--dry-run"); code != exitUsage || !strings.Contains(errOut, `date: "2022-13" is not a calendar date`) {
		t.Errorf("bad date: exit %d %s", code, errOut)
	}
}

// TestAuditEvidenceEvents: the evidence events of the audit log are listed beside the
// decisions and apart from them, shown with the item, skipped (and counted) by replay,
// and covered by audit verify.
func TestAuditEvidenceEvents(t *testing.T) {
	store := newStore(t)
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": store}
	if code, _, errOut := runCLI(t, env, "assess", "KAZ"); code != exitOK {
		t.Fatalf("assess: %d %s", code, errOut)
	}
	s, err := audit.OpenSQLite(context.Background(), store, audit.SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	item := indicators.Evidence{ID: "kaz-2023-06-01-torture", Date: "2023-06-01", DatePrecision: "month", Category: "torture",
		ReportedBy: "un_body", Summary: "CAT concerned (test).", Quote: "The Committee is concerned.", AddedBy: "paul", AddedOn: "2026-12-06",
		Provenance: indicators.Provenance{Source: "UN CAT (test)", URL: "https://example.org/cat"}}
	c, _ := indicators.Canonicalize(item)
	log := &audit.EvidenceLog{Store: s, EngineVersion: "test"}
	ev := evidence.Event{Version: evidence.EventVersion, Action: evidence.ActionProposed, ProposalID: item.ID, Country: "KAZ",
		By: "paul", Role: "policy", ItemDigest: indicators.Digest(c), Item: item}
	if err := log.RecordEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, out, _ := runCLI(t, env, "audit", "list")
	if !strings.Contains(out, "evidence proposed  paul (policy)  kaz-2023-06-01-torture") || !strings.HasSuffix(out, "1 decision(s), 1 evidence event\n") {
		t.Errorf("audit list:\n%s", out)
	}
	_, out, _ = runCLI(t, env, "audit", "list", "--kind", "evidence_event", "--format", "json")
	var list []audit.Summary
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Kind != audit.KindEvidenceEvent {
		t.Fatalf("audit list --kind evidence_event: %v\n%s", err, out)
	}
	id := list[0].DecisionID
	_, out, _ = runCLI(t, env, "audit", "show", id)
	for _, want := range []string{"Evidence event  " + id, "Step            proposed by paul (policy)", "Quote           “The Committee is concerned.”", "Integrity       intact"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit show lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := runCLI(t, env, "replay", "--all"); code != exitOK || !strings.Contains(out, "Replayed 1 decision(s): 1 matched, 0 differed, 0 failed. Skipped 1 evidence event (nothing to replay).") {
		t.Errorf("replay --all: %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, env, "replay", id); code != exitUsage || !strings.Contains(errOut, "is an evidence event, not a decision") {
		t.Errorf("replay of an event: %d %s", code, errOut)
	}
	if code, out, _ := runCLI(t, env, "audit", "verify"); code != exitOK {
		t.Errorf("audit verify: %d\n%s", code, out)
	}
}

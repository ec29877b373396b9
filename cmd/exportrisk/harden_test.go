package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/safetext"
)

// TestAuditShowEscapesStoredText: a record stored before bundles and case references were
// checked (here written straight to the store) holds a country name with ANSI sequences
// that would move the cursor up and erase a line, and a case reference with U+202E.
// audit show and audit list print them as visible escapes, never raw.
func TestAuditShowEscapesStoredText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	entry, err := lib.Find("KAZ", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := lib.Load(entry)
	if err != nil {
		t.Fatal(err)
	}
	b.Country.NameEN = "Kazakhstan\x1b[1A\x1b[2KOverall: none"
	e := embeddedEngine(t)
	a, err := e.Assess(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := audit.OpenSQLite(ctx, path, audit.SQLiteOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := (&audit.Recorder{Store: s, EngineVersion: "test"}).RecordAll(ctx,
		[]*engine.Assessment{a}, "mallory\x1b]0;owned\x07", "4711\u202e-cod")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": path}
	for _, args := range [][]string{{"audit", "show", recs[0].DecisionID}, {"audit", "list"}, {"audit", "export"}} {
		code, stdout, stderr := runCLI(t, env, args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args, code, stderr)
		}
		for _, out := range []string{stdout, stderr} {
			if err := safetext.Check(out, safetext.Text, 0); err != nil {
				t.Errorf("%s: output holds a raw character: %v\n%q", args, err, out)
			}
		}
		if !strings.Contains(stdout, `\u001b`) && !strings.Contains(stdout, `\u202e`) {
			t.Errorf("%s: the stored characters are not shown escaped:\n%s", args, stdout)
		}
	}
}

// TestCheckRollback: SIGHUP refuses a policy bundle older than the active one unless
// server.allow_policy_rollback is set; revisions without an order (digests) pass.
func TestCheckRollback(t *testing.T) {
	tests := []struct {
		active, next string
		allowed      bool
		wantErr      string
	}{
		{"2026.07-a", "2026.08-a", false, ""},
		{"2026.07-a", "2026.07-a", false, ""},
		{"2026.10", "2026.9", false, "policy bundle manifest revision 2026.9 is older than the active 2026.10: refusing a rollback"},
		{"2026.10", "2026.9", true, ""},
		{"", "2026.9", false, ""},
		{"sha256:ff", "sha256:00", false, ""},
	}
	for _, tt := range tests {
		err := checkRollback(tt.active, tt.next, tt.allowed)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("checkRollback(%q, %q, %v) = %v, want %q", tt.active, tt.next, tt.allowed, err, tt.wantErr)
		}
	}
}

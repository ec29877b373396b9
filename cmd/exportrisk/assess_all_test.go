package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

func world(t *testing.T, asOf string) (*engine.World, *indicators.Library) {
	t.Helper()
	ctx := context.Background()
	e := embeddedEngine(t)
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	w, err := assessWorld(ctx, e, lib, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return w, lib
}

// TestWorldFactChecks runs the shipped 2023 world bundles through the real engine and
// checks verdicts that follow from facts no one disputes. Each case says why.
func TestWorldFactChecks(t *testing.T) {
	w, lib := world(t, "2023-12-31")
	byISO := map[string]engine.CountryVerdicts{}
	for _, c := range w.Countries {
		byISO[c.ISO3] = c
	}
	tests := map[string]struct {
		iso       string
		criterion int
		critical  bool
	}{
		// Criterion 1: an arms embargo on the whole state is critical.
		"North Korea: UN (res. 1718) and EU arms embargo on the state":   {"PRK", 1, true},
		"Russia: EU arms embargo on the state (Decision 2014/512/CFSP)":  {"RUS", 1, true},
		"Belarus: EU arms embargo on the state (Decision 2012/642/CFSP)": {"BLR", 1, true},
		// Criterion 4: a primary party to an interstate armed conflict in the data year.
		"Russia: primary party, UCDP 13243 Russia-Ukraine, 2023":  {"RUS", 4, true},
		"Ukraine: primary party, UCDP 13243 Russia-Ukraine, 2023": {"UKR", 4, true},
		"Israel: primary party, UCDP 14609 Iran-Israel, 2023":     {"ISR", 4, true},
		// Criterion 6: Israel is outside the NPT, BWC and Rome Statute and has only signed the CWC
		// and the ATT: 5 of the 10 key conventions known not joined.
		"Israel: outside NPT, BWC, CWC, ATT and Rome Statute": {"ISR", 6, true},
		// Criterion 7: neither an ATT party nor a Wassenaar participating state.
		"Pakistan: neither ATT party nor in Wassenaar": {"PAK", 7, true},
		"Viet Nam: neither ATT party nor in Wassenaar": {"VNM", 7, true},
		// Germany: ATT party (2014), Wassenaar participating state; party to the conventions.
		"Germany criterion 6": {"DEU", 6, false},
		"Germany criterion 7": {"DEU", 7, false},
		// Iceland: no land neighbour, party to no armed conflict, Free (FH 2023), HDI 0.959.
		"Iceland criterion 2": {"ISL", 2, false},
		"Iceland criterion 3": {"ISL", 3, false},
		"Iceland criterion 4": {"ISL", 4, false},
		"Iceland criterion 8": {"ISL", 8, false},
		// Uruguay: neighbours Argentina and Brazil with no armed conflict, Free, HDI 0.830.
		"Uruguay criterion 2": {"URY", 2, false},
		"Uruguay criterion 3": {"URY", 3, false},
		"Uruguay criterion 4": {"URY", 4, false},
		"Uruguay criterion 8": {"URY", 8, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, ok := byISO[tc.iso]
			if !ok {
				t.Fatalf("%s not assessed", tc.iso)
			}
			got := c.Verdicts[tc.criterion-1]
			if (got == engine.Critical) != tc.critical {
				t.Errorf("criterion %d = %s (bundle %s)", tc.criterion, got, c.Bundle)
			}
		})
	}

	// The premises of the "no conflict anywhere near" cases, read from the bundles.
	for _, iso := range []string{"ISL", "URY"} {
		entry, err := lib.Find(iso, "2023-12-31")
		if err != nil {
			t.Fatal(err)
		}
		b, err := lib.Load(entry)
		if err != nil {
			t.Fatal(err)
		}
		ix := b.Indices
		if ix["fh_status"].Value != "F" || ix["hdi"].Value.(float64) < 0.8 ||
			ix["ucdp_neighbour_conflicts"].Value != 0.0 || ix["ucdp_interstate_conflicts"].Value != 0.0 ||
			ix["ucdp_internal_conflicts"].Value != 0.0 {
			t.Errorf("%s premises do not hold: %v %v %v %v %v", iso, ix["fh_status"].Value, ix["hdi"].Value,
				ix["ucdp_neighbour_conflicts"].Value, ix["ucdp_interstate_conflicts"].Value, ix["ucdp_internal_conflicts"].Value)
		}
	}
	// And of the embargo cases: an in-force record addressed to the state.
	for _, iso := range []string{"PRK", "RUS", "BLR"} {
		entry, _ := lib.Find(iso, "2023-12-31")
		b, err := lib.Load(entry)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range b.Embargoes {
			found = found || (e.InForce && e.Addressee == "state" && (e.Authority == "UN" || e.Authority == "EU"))
		}
		if !found {
			t.Errorf("%s: no UN or EU embargo on the state in the bundle", iso)
		}
	}
}

func TestAssessWorldSummary(t *testing.T) {
	w, _ := world(t, "")
	if len(w.Countries) != 197 {
		t.Errorf("%d countries, want 197", len(w.Countries))
	}
	total := 0
	for _, n := range w.Classes {
		total += n
	}
	if total != len(w.Countries) {
		t.Errorf("class counts %v do not add up to %d", w.Classes, len(w.Countries))
	}
	for _, c := range w.Countries {
		if c.ISO3 == "KAZ" && c.AsOf != "2026-06-01" {
			t.Errorf("KAZ: latest bundle should be the curated report bundle, got %s", c.Bundle)
		}
		for i, v := range c.Verdicts {
			if v == "" {
				t.Errorf("%s criterion %d: no verdict", c.ISO3, i+1)
			}
		}
	}
	// Palestine is outside UCDP's state system: its conflict counts are unknown.
	found := false
	for _, iso := range w.InsufficientData["4"] {
		found = found || iso == "PSE"
	}
	if !found {
		t.Errorf("PSE should have insufficient data on criterion 4: %v", w.InsufficientData)
	}
}

func TestAssessAllCLI(t *testing.T) {
	store := newStore(t)
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": store}
	code, stdout, stderr := runCLI(t, env, "assess", "--all", "--format", "csv", "--case", "world-2026")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "iso3,name_en,name_de,as_of,bundle,c1,c2,c3,c4,c5,c6,c7,c8,overall,critical_count,decision_id" {
		t.Errorf("header = %s", got)
	}
	if len(rows) != 198 {
		t.Errorf("%d rows, want header + 197", len(rows))
	}
	// Every country's decision is recorded, in one append, in the order of the table.
	ids := map[string]bool{}
	for _, row := range rows[1:] {
		id := row[len(row)-1]
		if !decisionID.MatchString(id) || ids[id] {
			t.Errorf("%s: decision id %q (missing or repeated)", row[0], id)
		}
		ids[id] = true
	}
	code, stdout, stderr = runCLI(t, env, "audit", "list", "--format", "json")
	if code != exitOK {
		t.Fatalf("audit list: exit %d: %s", code, stderr)
	}
	var list []audit.Summary
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 197 {
		t.Fatalf("%d decisions recorded, want 197", len(list))
	}
	for i, s := range list {
		if s.Country != rows[i+1][0] || s.DecisionID != rows[i+1][len(rows[i+1])-1] || s.CaseRef != "world-2026" || s.Requester != "tester" {
			t.Errorf("record %d: %s %s case %q requester %q, want %s %s", s.Seq, s.Country, s.DecisionID, s.CaseRef, s.Requester, rows[i+1][0], rows[i+1][len(rows[i+1])-1])
			break
		}
	}
	if code, stdout, stderr = runCLI(t, env, "audit", "verify"); code != exitOK || !strings.Contains(stdout, "197 record(s)") || !strings.Contains(stdout, "OK: nothing is wrong") {
		t.Errorf("audit verify: exit %d\n%s%s", code, stdout, stderr)
	}

	code, stdout, stderr = runCLI(t, env, "assess", "--all", "--format", "json", "--as-of", "2023-12-31", "--no-record")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var w struct {
		engine.World
		Recorded bool `json:"recorded"`
	}
	if err := json.Unmarshal([]byte(stdout), &w); err != nil {
		t.Fatal(err)
	}
	if w.AsOf != "2023-12-31" || len(w.Countries) != 197 || w.Recorded || strings.Contains(stdout, "decision_id") {
		t.Errorf("as_of %q, %d countries, recorded %v", w.AsOf, len(w.Countries), w.Recorded)
	}
	if code, stdout, _ = runCLI(t, env, "audit", "list"); code != exitOK || !strings.Contains(stdout, "197 decision(s)") {
		t.Errorf("--no-record recorded something:\n%s", stdout[max(0, len(stdout)-100):])
	}

	code, stdout, _ = runCLI(t, nil, "assess", "--all", "--lang", "de")
	if code != exitOK || !strings.Contains(stdout, "Deutschland") || !strings.Contains(stdout, "197 Länder:") ||
		!strings.Contains(stdout, "197 Entscheidungen im Prüfprotokoll aufgezeichnet (seq 1 bis 197") {
		t.Errorf("table: exit %d\n%s", code, stdout)
	}

	for _, args := range [][]string{
		{"assess", "--all", "KAZ"},
		{"assess", "--all", "--format", "markdown"},
		{"assess", "--all", "--explain", "2"},
		{"assess", "--all", "--as-of", "2023"},
	} {
		if code, _, _ := runCLI(t, nil, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

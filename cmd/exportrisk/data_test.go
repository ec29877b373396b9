package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// sharedData is the raw data folder next to the repository. Tests that need it skip
// without it, except in CI (CI=true), where its absence is a failure. (The check that the
// shipped history is what the data builds is indicators/importers' TestShippedHistoryIsTheBuild.)
const sharedData = "../../../shared/data"

func needSharedData(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("raw data not available at %s, and CI=true: CI checks the shipped history against it", sharedData)
		}
		t.Skipf("raw data not available at %s", sharedData)
	}
}

func readDir(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		out[p] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDataBuildYear builds one year as single bundle files: each equals the shipped
// history's bundle of that year as "data export" writes it.
func TestDataBuildYear(t *testing.T) {
	needSharedData(t)
	out := filepath.Join(t.TempDir(), "w2016")
	code, stdout, stderr := runCLI(t, nil, "data", "build", "--year", "2016", "--data", sharedData, "--out", out)
	if code != exitOK || !strings.Contains(stdout, "built 197 bundles as of 2016-12-31") {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	built := readDir(t, os.DirFS(out))
	for _, iso := range []string{"UKR", "MLI", "DEU", "KAZ"} {
		code, exported, stderr := runCLI(t, nil, "data", "export", iso, "2016")
		if code != exitOK {
			t.Fatalf("export %s: exit %d\n%s", iso, code, stderr)
		}
		if name := iso + "-2016-12-31.json"; exported != string(built[name]) {
			t.Errorf("%s: data export differs from data build --year", name)
		}
	}
}

func TestDataBuildUsage(t *testing.T) {
	tests := map[string]struct {
		args []string
		code int
		err  string
	}{
		"year without out": {args: []string{"data", "build", "--year", "2023", "--data", "."}, code: exitUsage, err: "--year writes single bundle files and needs --out DIR"},
		"year and range":   {args: []string{"data", "build", "--year", "2023", "--from", "2012", "--data", "."}, code: exitUsage, err: "--year and --from/--to exclude each other"},
		"range reversed":   {args: []string{"data", "build", "--from", "2020", "--to", "2019", "--data", "."}, code: exitUsage, err: "--from 2020 is after --to 2019"},
		"no data folder":   {args: []string{"data", "build", "--year", "2023", "--data", "testdata/nope"}, code: exitUsage, err: "is not a directory"},
		"data not given":   {args: []string{"data", "build", "--year", "2023", "--out", "unused"}, code: exitUsage, err: "no data folder given: --data DIR or EXPORTRISK_DATA"},
		"year not covered": {args: []string{"data", "build", "--year", "2025", "--data", sharedData, "--out", "unused"}, code: exitInvalidInput, err: "the data supports 2012 to 2024"},
		"export no year":   {args: []string{"data", "export", "UKR"}, code: exitUsage, err: "want ISO3 YEAR"},
		"export bad year":  {args: []string{"data", "export", "UKR", "twenty"}, code: exitUsage, err: "want a year such as 2022"},
		"export no bundle": {args: []string{"data", "export", "UKR", "2030"}, code: exitInvalidInput, err: "no bundle for UKR as of 2030-12-31"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(strings.Join(tc.args, " "), sharedData) {
				needSharedData(t)
			}
			code, _, stderr := runCLI(t, map[string]string{"EXPORTRISK_DATA": ""}, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.err)
			}
		})
	}
}

// TestShippedWorldHistory checks the shipped history: 197 countries, every year 2012-2024,
// every bundle of two sample years valid with every index sourced and dated, and the curated
// Kazakhstan bundle still the latest of its country.
func TestShippedWorldHistory(t *testing.T) {
	world, err := fs.Sub(fixtures.FS, "world")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := indicators.OpenLibrary(world, "fixtures/world")
	if err != nil {
		t.Fatal(err)
	}
	countries := lib.Countries()
	if len(countries) != 197 {
		t.Errorf("%d countries, want 197", len(countries))
	}
	for _, iso := range countries {
		es := lib.Entries(iso)
		if len(es) != 13 || es[0].AsOf != "2012-12-31" || es[12].AsOf != "2024-12-31" {
			t.Errorf("%s: %d bundles from %s, want 13 from 2012-12-31", iso, len(es), es[0].AsOf)
			continue
		}
		for _, e := range []indicators.Entry{es[0], es[12]} {
			b, err := lib.Load(e) // expands, parses, validates and checks the name
			if err != nil {
				t.Errorf("%s: %v", e.Path, err)
				continue
			}
			if len(b.Indices) == 0 {
				t.Errorf("%s: no indices", e.Path)
			}
			for id, ix := range b.Indices {
				if ix.Source == "" || ix.Year == 0 {
					t.Errorf("%s: %s without source or year", e.Path, id)
				}
				if ix.Year > 2024 || strconv.Itoa(ix.Year) > e.AsOf[:4] {
					t.Errorf("%s: %s has data year %d, after as_of", e.Path, id, ix.Year)
				}
			}
		}
	}
	all, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	latest, err := all.Find("KAZ", "")
	if err != nil || latest.Path != "curated/KAZ-2026-06-01.yaml" {
		t.Errorf("latest KAZ = %+v, %v; want the curated report bundle", latest, err)
	}
	built, err := all.Find("KAZ", "2023-12-31")
	if err != nil || built.Path != "world/history/KAZ.2012-2024.history.json#2023-12-31" {
		t.Errorf("KAZ as of 2023-12-31 = %+v, %v", built, err)
	}
	if n := len(all.Entries("KAZ")); n != 14 {
		t.Errorf("KAZ has %d bundles, want 13 built and the curated one", n)
	}
}

// TestDataDiffDecisions records the decisions of assess --all --as-of 2022-12-31, then asks
// data diff --decisions which of them concern a country rated worse in 2023: exactly the
// countries the diff shows worse on some criterion or overall.
func TestDataDiffDecisions(t *testing.T) {
	store := filepath.Join(t.TempDir(), "audit.db")
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": store}
	if code, _, stderr := runCLI(t, env, "audit", "init"); code != exitOK {
		t.Fatalf("audit init: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "assess", "--all", "--as-of", "2022-12-31"); code != exitOK {
		t.Fatalf("assess --all: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, env, "data", "diff", "--from", "2022", "--to", "2023", "--decisions", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var d struct {
		Criteria []struct {
			Criterion int `json:"criterion"`
			Changes   []struct {
				ISO3      string `json:"iso3"`
				Direction string `json:"direction"`
			} `json:"changes"`
		} `json:"criteria"`
		Decisions []struct {
			Decision struct {
				Country string `json:"country"`
				AsOf    string `json:"as_of"`
			} `json:"decision"`
			Worse []struct {
				Criterion int    `json:"criterion"`
				Direction string `json:"direction"`
			} `json:"worse"`
		} `json:"decisions"`
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	// Every country that got worse on some criterion from 2022 to 2023 has an alert, and
	// nothing else does: the decisions were made on the 2022 bundles.
	worse := map[string]bool{}
	for _, cr := range d.Criteria {
		for _, ch := range cr.Changes {
			if ch.Direction == "worse" {
				worse[ch.ISO3] = true
			}
		}
	}
	alerted := map[string]bool{}
	for _, a := range d.Decisions {
		alerted[a.Decision.Country] = true
		if a.Decision.AsOf != "2022-12-31" || len(a.Worse) == 0 {
			t.Errorf("alert %+v", a)
		}
		for _, w := range a.Worse {
			if w.Direction != "worse" {
				t.Errorf("%s: criterion %d is %s, not worse", a.Decision.Country, w.Criterion, w.Direction)
			}
		}
	}
	if len(worse) == 0 {
		t.Fatal("no country got worse from 2022 to 2023")
	}
	if diff := cmp.Diff(worse, alerted); diff != "" {
		t.Errorf("alerted countries differ from those that got worse (-worse +alerted):\n%s", diff)
	}
}

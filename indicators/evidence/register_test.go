package evidence

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

var today = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)

const item = `  - id: egy-2023-11-24-torture
    date: 2023-11-24
    category: torture
    reported_by: un_body
    summary: "CAT concerned about torture"
    source: "UN Committee against Torture"
    url: "https://example.org/cat"
    quote: "The Committee is concerned."
    added_by: "a.officer"
    added_on: 2026-12-01
`

const header = "register_version: 1\ncountry: EGY\nitems:\n"

func TestParseProblems(t *testing.T) {
	tests := map[string]struct {
		text string
		want []string // file:line: path: message, in order
	}{
		"valid": {text: header + item},
		"missing quote and url": {
			text: header + strings.Replace(strings.Replace(item, "    url: \"https://example.org/cat\"\n", "", 1), "    quote: \"The Committee is concerned.\"\n", "", 1),
			want: []string{"EGY.yaml:4: items[0].url: required in the register", "EGY.yaml:4: items[0].quote: required in the register"},
		},
		"unknown category": {
			text: header + strings.Replace(item, "category: torture", "category: tortur", 1),
			want: []string{`EGY.yaml:6: items[0].category: want one of torture, lethal_repression, unrest, state_of_emergency, border_clash, territorial_claim, diversion, weapons_loss, foreign_deployment, got "tortur"`},
		},
		"date after today": {
			text: header + strings.Replace(item, "date: 2023-11-24", "date: 2027-01-01", 1),
			want: []string{"EGY.yaml:5: items[0].date: date 2027-01-01 is after today 2026-12-06"},
		},
		"added after today": {
			text: header + strings.Replace(item, "added_on: 2026-12-01", "added_on: 2026-12-07", 1),
			want: []string{"EGY.yaml:13: items[0].added_on: date 2026-12-07 is after today 2026-12-06"},
		},
		"published before the date": {
			text: header + strings.Replace(item, "    category: torture\n", "    published: 2023-11-01\n    category: torture\n", 1),
			want: []string{"EGY.yaml:4: items[0].published: 2023-11-01 is before the item's date 2023-11-24: a finding is published after the event"},
		},
		"published after today": {
			text: header + strings.Replace(item, "    category: torture\n", "    published: 2026-12-07\n    category: torture\n", 1),
			want: []string{"EGY.yaml:6: items[0].published: date 2026-12-07 is after today 2026-12-06"},
		},
		"not a URL": {
			text: header + strings.Replace(item, `"https://example.org/cat"`, `"example.org/cat"`, 1),
			want: []string{`EGY.yaml:10: items[0].url: want an http(s) URL of the public source, got "example.org/cat"`},
		},
		"month precision not on the first": {
			text: header + strings.Replace(item, "    category:", "    date_precision: month\n    category:", 1),
			want: []string{"EGY.yaml:4: items[0].date_precision: month: a date known to the month is written as its first day (YYYY-MM-01), got 2023-11-24"},
		},
		"duplicate id": {
			text: header + item + strings.Replace(item, "example.org/cat", "example.org/other", 1),
			want: []string{`EGY.yaml:14: items[1].id: duplicate id "egy-2023-11-24-torture" (first at items[0].id)`},
		},
		"same finding twice": {
			text: header + item + strings.Replace(item, "egy-2023-11-24-torture", "egy-2023-11-24-torture-2", 1),
			want: []string{"EGY.yaml:14: items[1]: the same finding as items[0] (same URL and quote)"},
		},
		"country does not match the file": {
			text: strings.Replace(header, "country: EGY", "country: LBY", 1) + item,
			want: []string{"EGY.yaml:2: country: LBY does not match the file name EGY.yaml (want LBY.yaml)"},
		},
		"unknown top-level field": {
			text: header + item + "note: x\n",
			want: []string{"EGY.yaml:14: note: unknown field"},
		},
		"control character in the quote": {
			text: header + strings.Replace(item, "The Committee is concerned.", `The Committee\u001b[31m is concerned.`, 1),
			want: []string{"EGY.yaml:11: items[0].quote: escape character (ESC, U+001B) at byte 13 is not allowed (terminal control sequences)"},
		},
		"not text": {
			text: header + item + "\x00",
			want: []string{"EGY.yaml:14: not a text file: byte 352 (0x00) is not UTF-8 text; want a YAML or JSON bundle"},
		},
		"syntax error": {
			text: header + "  - id: [\n",
			want: []string{"EGY.yaml:4: syntax error: did not find expected node content"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("EGY.yaml", []byte(tc.text), today)
			var got []string
			if err != nil {
				var verr *indicators.ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("error %v is not a *indicators.ValidationError", err)
				}
				got = strings.Split(err.Error(), "\n")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadRefusesAnIDInTwoFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"EGY.yaml": {Data: []byte(header + item)},
		"LBY.yaml": {Data: []byte(strings.Replace(header, "EGY", "LBY", 1) + item)},
	}
	_, err := Load(fsys, "reg", today)
	if err == nil || !strings.Contains(err.Error(), `reg/LBY.yaml:4: items[0].id: duplicate id "egy-2023-11-24-torture" (first in reg/EGY.yaml)`) {
		t.Fatalf("err = %v", err)
	}
}

func bundle(asOf string) *indicators.Bundle {
	return &indicators.Bundle{SchemaVersion: 1, Country: indicators.Country{ISO3: "EGY", NameEN: "Egypt", NameDE: "Ägypten"}, AsOf: asOf,
		Indices: map[string]indicators.Index{}, Memberships: map[string]indicators.Membership{}, Embargoes: []indicators.Embargo{},
		Evidence: []indicators.Evidence{{ID: "own", Date: "2020-01-01", Category: "unrest", Summary: "s", Provenance: indicators.Provenance{Source: "x"}}}}
}

func TestMerge(t *testing.T) {
	reg, err := Load(fstest.MapFS{"EGY.yaml": {Data: []byte(header + item)}}, "reg", today)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(b *indicators.Bundle) []string {
		var out []string
		for _, e := range b.Evidence {
			out = append(out, e.ID)
		}
		return out
	}
	// Before the item's date: nothing taken, but the revision is recorded.
	early := bundle("2023-11-23")
	if err := reg.Merge(early); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"own"}, ids(early)); diff != "" || early.EvidenceRegister == nil || len(early.EvidenceRegister.Items) != 0 {
		t.Errorf("early: ids %v, register %+v", ids(early), early.EvidenceRegister)
	}
	// On the item's date: taken.
	b := bundle("2023-11-24")
	if err := reg.Merge(b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"own", "egy-2023-11-24-torture"}, ids(b)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if b.EvidenceRegister.Revision != reg.File("EGY").Revision || !strings.HasPrefix(b.EvidenceRegister.Revision, "sha256:") {
		t.Errorf("revision %q", b.EvidenceRegister.Revision)
	}
	// Merging again (the same or an empty register) gives the same / the unmerged bundle,
	// and a merged bundle survives the loader (what replay reads).
	first, _ := b.CanonicalJSON()
	if err := reg.Merge(b); err != nil {
		t.Fatal(err)
	}
	again, _ := b.CanonicalJSON()
	if string(first) != string(again) {
		t.Errorf("merge is not idempotent:\n%s\n%s", first, again)
	}
	if _, err := indicators.Parse("merged.json", first); err != nil {
		t.Errorf("merged bundle does not validate: %v", err)
	}
	empty, _ := Load(fstest.MapFS{}, "empty", today)
	if err := empty.Merge(b); err != nil || b.EvidenceRegister != nil {
		t.Errorf("empty register: err %v, register %+v", err, b.EvidenceRegister)
	}
	if diff := cmp.Diff([]string{"own"}, ids(b)); diff != "" {
		t.Errorf("unmerged ids (-want +got):\n%s", diff)
	}
	// An item published after the event enters only bundles as of its publication.
	late, err := Load(fstest.MapFS{"EGY.yaml": {Data: []byte(header + strings.Replace(item, "    category: torture\n", "    published: 2024-02-15\n    category: torture\n", 1))}}, "reg", today)
	if err != nil {
		t.Fatal(err)
	}
	for asOf, want := range map[string][]string{"2023-12-31": {"own"}, "2024-02-14": {"own"}, "2024-02-15": {"own", "egy-2023-11-24-torture"}} {
		b := bundle(asOf)
		if err := late.Merge(b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, ids(b)); diff != "" {
			t.Errorf("published 2024-02-15, as of %s (-want +got):\n%s", asOf, diff)
		}
	}
	// An id the bundle uses already is refused.
	clash := bundle("2024-01-01")
	clash.Evidence[0].ID = "egy-2023-11-24-torture"
	if err := reg.Merge(clash); err == nil || !strings.Contains(err.Error(), "already has an evidence item with this id") {
		t.Errorf("clash: %v", err)
	}
}

func TestAddAndWrite(t *testing.T) {
	dir := t.TempDir()
	reg, err := Load(os.DirFS(dir), dir, today)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	e := indicators.Evidence{Date: "2022-01-01", DatePrecision: "year", Category: "diversion", ReportedBy: "un_body",
		Summary: `Panel: "diverted" rifles`, Quote: "Weapons were diverted: see annex 4.", ByState: &yes, Counterpart: "LBY",
		Figures: map[string]int{"weapons": 20}, AddedBy: "p.policy", AddedOn: "2026-12-06",
		Provenance: indicators.Provenance{Source: "UN Panel of Experts", URL: "https://example.org/poe"}}
	e.ID = reg.NewID("EGY", e)
	if e.ID != "egy-2022-01-01-diversion" {
		t.Errorf("id %q", e.ID)
	}
	next, f, err := reg.Add("EGY", e, today)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, f); err != nil {
		t.Fatal(err)
	}
	// The written file loads back to the same item.
	back, err := Load(os.DirFS(dir), dir, today)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]indicators.Evidence{e}, back.File("EGY").Items); diff != "" {
		t.Errorf("item after a round trip (-want +got):\n%s", diff)
	}
	if back.File("EGY").Revision != next.File("EGY").Revision {
		t.Error("revision differs after writing")
	}
	if got := next.NewID("EGY", e); got != "egy-2022-01-01-diversion-2" {
		t.Errorf("second id %q", got)
	}
	// A second item is appended after the first; a bad one writes nothing.
	e2 := e
	e2.ID, e2.Quote = next.NewID("EGY", e), "Another sentence."
	if _, _, err := next.Add("EGY", e2, today); err != nil {
		t.Fatal(err)
	}
	bad := e
	bad.ID, bad.URL = "egy-bad", "ftp://x"
	if _, _, err := back.Add("EGY", bad, today); err == nil || !strings.Contains(err.Error(), "items[1].url: want an http(s) URL") {
		t.Errorf("bad item: %v", err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "EGY.yaml"))
	if strings.Count(string(data), "- id:") != 1 {
		t.Errorf("file changed by a refused item:\n%s", data)
	}
}

// TestShippedRegister: the seeded register loads, and every item carries a quote and a
// public URL (the register requires them; this states it for the shipped files).
func TestShippedRegister(t *testing.T) {
	reg, err := Load(mustSub(t), "fixtures/evidence", time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if reg.Len() < 25 || len(reg.Countries()) < 10 {
		t.Errorf("%d items for %d countries, want at least 25 for 10", reg.Len(), len(reg.Countries()))
	}
	for _, iso := range reg.Countries() {
		for _, e := range reg.File(iso).Items {
			if e.Quote == "" || !strings.HasPrefix(e.URL, "http") {
				t.Errorf("%s %s: quote %q, url %q", iso, e.ID, e.Quote, e.URL)
			}
		}
	}
}

func mustSub(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(fixtures.Evidence, "evidence")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

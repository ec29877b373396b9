package indicators

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/indicators/safetext"
	"github.com/exportrisk/exportrisk/internal/golden"
)

// The tests' today, so that goldens saying "today is" do not change with the date.
func init() { now = func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) } }

// TestParseBoundsProblems: a bundle of many broken items lists at most MaxProblems, a list
// longer than MaxListItems is refused whole (one officer POST of 200,000 empty evidence
// items produced 1,000,000 problems and a 129 MB response).
func TestParseBoundsProblems(t *testing.T) {
	head := "schema_version: 1\ncountry: {iso3: KAZ, name_en: K, name_de: K}\nas_of: 2026-01-01\nindices: {}\nmemberships: {}\nembargoes: []\nevidence:\n"
	for _, tt := range []struct {
		items int
		more  int
		last  Problem
	}{
		{5000, 24900, Problem{Line: 27, Path: "evidence[19].source", Message: "required field is missing"}},
		{200_000, 0, Problem{Line: 8, Path: "evidence", Message: "at most 10000 items (got 200000)"}},
	} {
		_, err := Parse("many.yaml", []byte(head+strings.Repeat("- {}\n", tt.items)))
		var verr *ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("%d items: err = %v, want a *ValidationError", tt.items, err)
		}
		if len(verr.Problems) > MaxProblems || verr.More != tt.more {
			t.Errorf("%d items: %d problems listed and %d more, want at most %d and %d more", tt.items, len(verr.Problems), verr.More, MaxProblems, tt.more)
		}
		if diff := cmp.Diff(tt.last, verr.Problems[len(verr.Problems)-1]); diff != "" {
			t.Errorf("%d items: last problem (-want +got):\n%s", tt.items, diff)
		}
	}
}

func TestParseValid(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*")
	if len(files) == 0 {
		t.Fatal("no valid test bundles")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := LoadFile(f)
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if b.SchemaVersion != SchemaVersion || b.Country.ISO3 == "" || b.AsOf == "" {
				t.Errorf("incomplete bundle: %+v", b)
			}
		})
	}
}

func TestParseFull(t *testing.T) {
	b, err := LoadFile("testdata/valid/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	want := &Bundle{
		SchemaVersion: 1,
		Country:       Country{ISO3: "XKX", NameEN: "Kosovo", NameDE: "Kosovo"},
		AsOf:          "2026-06-01", Description: "test bundle", Licence: "CC0",
		Indices: map[string]Index{
			"fh_status":             {Value: "PF", Year: 2025, Provenance: Provenance{Source: "Freedom House"}},
			"pts":                   {Value: 3.0, Year: 2023, Provenance: Provenance{Source: "PTS", URL: "https://www.politicalterrorscale.org"}},
			"hdi":                   {Value: 0.8, Year: 2023, Provenance: Provenance{Source: "UNDP", CitedSource: "HDR 2025", Note: "estimate"}},
			"allied_forces_present": {Value: true, Year: 2026, Provenance: Provenance{Source: "NATO"}},
			"wgi_rule_of_law":       {Value: -0.25, Year: 2023, Provenance: Provenance{Source: "World Bank"}},
		},
		Memberships: map[string]Membership{
			"att":          {Status: "party", Year: 2017, Provenance: Provenance{Source: "ATT secretariat"}},
			"hcoc":         {Status: "not_party", Provenance: Provenance{Source: "HCoC"}},
			"rome_statute": {Status: "signatory", Provenance: Provenance{Source: "UNTC"}},
		},
		Embargoes: []Embargo{
			{Authority: "UN", Provenance: Provenance{Source: "UN"}},
			{Authority: "EU", InForce: true, Addressee: "non_state", Since: "2011-05-23", Unconfirmed: true, Provenance: Provenance{Source: "EU"}},
			{Authority: "EU", InForce: true, Addressee: "state", Since: "2012-01-01", Provenance: Provenance{Source: "EU"}},
		},
		Evidence: []Evidence{{
			ID: "e1", Date: "2026-06-01", Category: "torture", Summary: "a report", SummaryDE: "ein Bericht",
			ReportedBy: "un_body", ByState: &yes, Counterpart: "SRB", Figures: map[string]int{"deaths": 2, "cases": 10},
			Provenance: Provenance{Source: "UN CAT"},
		}},
	}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("bundle mismatch (-want +got):\n%s", diff)
	}
}

// TestParseInvalid checks each class of bad input against its golden error listing in
// testdata/invalid/NAME.err (make golden rewrites it; review the diff).
func TestParseInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*")
	for _, f := range files {
		if strings.HasSuffix(f, ".err") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := LoadFile(f)
			if err == nil {
				t.Fatalf("LoadFile(%s) accepted an invalid bundle: %+v", f, b)
			}
			if b != nil {
				t.Errorf("LoadFile returned a bundle together with an error")
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("error is %T, want *ValidationError: %v", err, err)
			}
			got := err.Error() + "\n"
			golden.Check(t, f+".err", []byte(got))
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile("testdata/does-not-exist.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want a not-exist error", err)
	}
}

func TestCanonicalJSONIgnoresFormatAndOrder(t *testing.T) {
	a, err := Parse("a.yaml", []byte("schema_version: 1\nas_of: 2026-01-01\ncountry: {name_de: Deutschland, iso3: DEU, name_en: Germany}\n"+
		"indices: {hdi: {year: 2023, value: 0.95, source: UNDP}}\nmemberships: {}\nembargoes: []\nevidence: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadFile("testdata/valid/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := a.CanonicalJSON()
	cb, _ := b.CanonicalJSON()
	if diff := cmp.Diff(string(ca), string(cb)); diff != "" {
		t.Errorf("canonical JSON differs (-yaml +json):\n%s", diff)
	}
	want := `{"as_of":"2026-01-01","country":{"iso3":"DEU","name_de":"Deutschland","name_en":"Germany"},"embargoes":[],"evidence":[],` +
		`"indices":{"hdi":{"source":"UNDP","value":0.95,"year":2023}},"memberships":{},"schema_version":1}`
	if string(ca) != want {
		t.Errorf("canonical JSON:\n got %s\nwant %s", ca, want)
	}
	da, _ := a.Digest()
	db, _ := b.Digest()
	if da != db || !strings.HasPrefix(da, "sha256:") || len(da) != 71 {
		t.Errorf("digests %q and %q, want equal sha256 digests", da, db)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil && !strings.HasSuffix(s, ".err") {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("fuzz", data)
		if (b == nil) == (err == nil) {
			t.Fatalf("Parse returned bundle %v and error %v: want exactly one", b != nil, err)
		}
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("error %T without problems: %v", err, err)
			}
			if len(verr.Problems) > MaxProblems {
				t.Fatalf("%d problems listed, want at most %d", len(verr.Problems), MaxProblems)
			}
			if cerr := safetext.Check(err.Error(), safetext.Text, 0); cerr != nil {
				t.Fatalf("the error message holds a character a terminal would act on: %v\n%q", cerr, err.Error())
			}
			return
		}
		// A valid bundle survives a round trip through its canonical JSON unchanged.
		c, err := b.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		b2, err := Parse("roundtrip.json", c)
		if err != nil {
			t.Fatalf("canonical JSON of a valid bundle does not validate: %v\n%s", err, c)
		}
		c2, _ := b2.CanonicalJSON()
		if string(c) != string(c2) {
			t.Fatalf("round trip changed the bundle:\n%s\n%s", c, c2)
		}
	})
}

// Duplicate and missing keys are found alike in a small object (scanned) and a large one
// (indexed by a map): each later copy names the first copy's line, every key is seen once.
func TestFieldsDuplicateKeys(t *testing.T) {
	for _, size := range []int{8, 3 * maxScannedKeys} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			n := &yaml.Node{Kind: yaml.MappingNode, Line: 1}
			keys := make([]string, size)
			for i := range keys {
				keys[i] = "k" + strconv.Itoa(i)
			}
			keys[size-1], keys[size-2] = "k1", "k3" // k1 three times, k3 twice
			keys[size/2] = "k1"
			var want []Problem
			for i, k := range keys {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: i + 2},
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1", Line: i + 2})
				if k == "k1" && i > 1 || k == "k3" && i > 3 {
					first, _ := strconv.Atoi(k[1:])
					want = append(want, Problem{Line: i + 2, Path: "o." + k,
						Message: "duplicate key (first at line " + strconv.Itoa(first+2) + "): a later copy would silently replace the first"})
				}
			}
			want = append(want, Problem{Line: 1, Path: "o.absent", Message: "required field is missing"})
			var visited []string
			d := &decoder{}
			d.fields(n, "o", []string{"k0", "k3", "absent"}, func(key string, _ *yaml.Node, _ string) bool {
				visited = append(visited, key)
				return true
			})
			if diff := cmp.Diff(want, d.problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if len(visited) != size-3 {
				t.Errorf("%d keys visited, want %d", len(visited), size-3)
			}
		})
	}
}

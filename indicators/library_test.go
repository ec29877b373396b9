package indicators

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func bundleText(iso3, asOf string) []byte {
	return []byte("schema_version: 1\ncountry: {iso3: " + iso3 + ", name_en: X, name_de: X}\nas_of: " + asOf +
		"\nindices: {}\nmemberships: {}\nembargoes: []\nevidence: []\n")
}

func TestLibraryFind(t *testing.T) {
	fsys := fstest.MapFS{
		"curated/KAZ-2026-06-01.yaml":          {Data: bundleText("KAZ", "2026-06-01")},
		"curated/KAZ-2026-06-01.expected.yaml": {Data: []byte("not a bundle")},
		"world/2023/KAZ-2023-12-31.json":       {Data: bundleText("KAZ", "2023-12-31")},
		"world/2023/DEU-2023-12-31.json":       {Data: bundleText("DEU", "2023-12-31")},
		"README.md":                            {Data: []byte("# fixtures")},
	}
	lib, err := OpenLibrary(fsys, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"DEU", "KAZ"}, lib.Countries()); diff != "" {
		t.Errorf("Countries (-want +got):\n%s", diff)
	}
	tests := map[string]struct {
		iso3, asOf, wantPath, wantErr string
	}{
		"latest":                {"KAZ", "", "curated/KAZ-2026-06-01.yaml", ""},
		"on the day":            {"KAZ", "2026-06-01", "curated/KAZ-2026-06-01.yaml", ""},
		"before the report":     {"KAZ", "2026-05-31", "world/2023/KAZ-2023-12-31.json", ""},
		"before every bundle":   {"KAZ", "2020-01-01", "", "no bundle for KAZ dated on or before 2020-01-01 in fixtures (earliest: 2023-12-31)"},
		"unknown country":       {"XYZ", "", "", `no bundle for "XYZ" in fixtures`},
		"malformed as-of date":  {"KAZ", "June 2026", "", `as-of: want a date YYYY-MM-DD, got "June 2026"`},
		"tomorrow (time zones)": {"KAZ", "2026-12-07", "curated/KAZ-2026-06-01.yaml", ""},
		"future as-of": {"KAZ", "2099-01-01", "", "as-of 2099-01-01 is in the future (today is 2026-12-06): no bundle can describe it, " +
			"and the latest one would be read as if evidence up to then had been looked for"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e, err := lib.Find(tc.iso3, tc.asOf)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Path != tc.wantPath {
				t.Errorf("path = %s, want %s", e.Path, tc.wantPath)
			}
			if _, err := lib.Load(e); err != nil {
				t.Errorf("Load: %v", err)
			}
		})
	}
}

func TestLibraryRejects(t *testing.T) {
	_, err := OpenLibrary(fstest.MapFS{
		"a/KAZ-2026-06-01.yaml": {Data: bundleText("KAZ", "2026-06-01")},
		"b/KAZ-2026-06-01.json": {Data: bundleText("KAZ", "2026-06-01")},
	}, "lib")
	if err == nil || !strings.Contains(err.Error(), "two bundles for KAZ as of 2026-06-01") {
		t.Errorf("duplicate: err = %v", err)
	}
	lib, err := OpenLibrary(fstest.MapFS{"KAZ-2026-06-01.yaml": {Data: bundleText("DEU", "2026-06-01")}}, "lib")
	if err != nil {
		t.Fatal(err)
	}
	_, err = lib.Load(Entry{ISO3: "KAZ", AsOf: "2026-06-01", Path: "KAZ-2026-06-01.yaml"})
	var verr *ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "file name says KAZ as of 2026-06-01, content says DEU as of 2026-06-01") {
		t.Errorf("mismatch: err = %v", err)
	}
}

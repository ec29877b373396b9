package indicators

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func historyBundle(t *testing.T, asOf string, pts float64, note string) *Bundle {
	t.Helper()
	b, err := Parse("b.yaml", []byte("schema_version: 1\ncountry: {iso3: UKR, name_en: Ukraine, name_de: Ukraine}\nas_of: "+asOf+
		"\nindices:\n  pts: {value: "+strconv.FormatFloat(pts, 'f', -1, 64)+
		", year: "+asOf[:4]+", source: PTS, note: '"+note+"'}\n  hdi: {value: 0.7, year: 2010, source: UNDP}\nmemberships: {}\nembargoes: []\nevidence: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHistoryRoundTrip: a history file gives back every year's bundle exactly; unchanged
// values are not repeated in the patches; a library indexes it by its name.
func TestHistoryRoundTrip(t *testing.T) {
	bundles := []*Bundle{
		historyBundle(t, "2021-12-31", 3, "a"),
		historyBundle(t, "2022-12-31", 4, "b"),
		historyBundle(t, "2023-12-31", 4, "b"),
	}
	data, err := EncodeHistory(bundles)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "UNDP"); n != 1 {
		t.Errorf("the unchanged HDI source appears %d times, want once (in the first year)", n)
	}
	again, err := EncodeHistory(bundles)
	if err != nil || string(again) != string(data) {
		t.Errorf("second encoding differs (%v)", err)
	}
	name := HistoryFileName("UKR", 2021, 2023)
	if name != "UKR.2021-2023.history.json" {
		t.Errorf("name = %s", name)
	}
	docs, err := ExpandHistory("world/"+name, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bundles {
		want, _ := b.CanonicalJSON()
		got, err := Parse(b.AsOf, docs[b.AsOf])
		if err != nil {
			t.Fatal(err)
		}
		gotJSON, _ := got.CanonicalJSON()
		if diff := cmp.Diff(string(want), string(gotJSON)); diff != "" {
			t.Errorf("%s differs after the round trip:\n%s", b.AsOf, diff)
		}
	}
	lib, err := OpenLibrary(fstest.MapFS{"world/history/" + name: {Data: data}, "curated/UKR-2022-12-30.yaml": {Data: bundleText("UKR", "2022-12-30")}}, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range lib.Entries("UKR") {
		got = append(got, e.AsOf+" "+e.Path)
	}
	want := []string{
		"2021-12-31 world/history/UKR.2021-2023.history.json#2021-12-31",
		"2022-12-30 curated/UKR-2022-12-30.yaml",
		"2022-12-31 world/history/UKR.2021-2023.history.json#2022-12-31",
		"2023-12-31 world/history/UKR.2021-2023.history.json#2023-12-31",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	e, err := lib.Find("UKR", "2022-12-31")
	if err != nil {
		t.Fatal(err)
	}
	b, err := lib.Load(e)
	if err != nil || b.Indices["pts"].Value != 4.0 || b.Indices["pts"].Note != "b" {
		t.Errorf("2022 = %+v, %v", b, err)
	}
}

func TestHistoryErrors(t *testing.T) {
	good, err := EncodeHistory([]*Bundle{historyBundle(t, "2021-12-31", 3, "a"), historyBundle(t, "2022-12-31", 4, "b")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EncodeHistory([]*Bundle{historyBundle(t, "2021-12-31", 3, "a"), historyBundle(t, "2023-12-31", 4, "b")}); err == nil || !strings.Contains(err.Error(), "want UKR as of 2022-12-31") {
		t.Errorf("a gap: err = %v", err)
	}
	tests := map[string]struct {
		name, data, err string
	}{
		"name":      {"UKR.history.json", string(good), "not a bundle history file name"},
		"years":     {"UKR.2021-2023.history.json", string(good), "the file name says UKR 2021-2023"},
		"country":   {"DEU.2021-2022.history.json", string(good), "content is UKR"},
		"format":    {"UKR.2021-2022.history.json", strings.Replace(string(good), HistoryFormat, "other", 1), "format: want"},
		"not json":  {"UKR.2021-2022.history.json", "{", "unexpected end of JSON input"},
		"no patch":  {"UKR.2021-2022.history.json", strings.Replace(string(good), `"patch"`, `"other"`, 1), "years[1]: the first year needs a bundle, every later year a patch"},
		"bad as_of": {"UKR.2021-2022.history.json", strings.Replace(string(good), `"as_of": "2022-12-31"`, `"as_of": "2022-06-30"`, 1), "years[1].as_of: want 2022-12-31"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ExpandHistory(tc.name, []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
	// A broken history file fails the bundles read from it, naming the file.
	lib, err := OpenLibrary(fstest.MapFS{"UKR.2021-2022.history.json": {Data: []byte("{")}}, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := lib.Find("UKR", "")
	if _, err := lib.Load(e); err == nil || !strings.Contains(err.Error(), "fixtures/UKR.2021-2022.history.json") {
		t.Errorf("load = %v", err)
	}
}

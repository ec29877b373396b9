package server

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// historyLibrary has two years for the history tests, whatever the shipped layout: the
// curated Kazakhstan bundle, each country's bundle of 31 December 2023 (all of them, or
// only KAZ, DEU and RUS), and a made-up 2022 bundle of Kazakhstan: its 2023 bundle dated a
// year earlier, with an interstate conflict, so that criterion 4 is critical in 2022 and
// possibly critical in 2023. The bundles are read through the shipped library and written
// as single files.
func historyLibrary(t testing.TB, all bool) *indicators.Library {
	t.Helper()
	shipped, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	curated, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m["curated/KAZ-2026-06-01.yaml"] = &fstest.MapFile{Data: curated}
	isos := []string{"DEU", "KAZ", "RUS"}
	if all {
		isos = shipped.Countries()
	}
	var kaz []byte
	for _, iso := range isos {
		e, err := shipped.Find(iso, "2023-12-31")
		if err != nil || e.AsOf != "2023-12-31" {
			continue
		}
		b, err := shipped.Load(e)
		if err != nil {
			t.Fatal(err)
		}
		data, err := b.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		m["world/2023/"+iso+"-2023-12-31.json"] = &fstest.MapFile{Data: data}
		if iso == "KAZ" {
			kaz = data
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(kaz, &doc); err != nil {
		t.Fatal(err)
	}
	doc["as_of"] = "2022-12-31"
	doc["indices"].(map[string]any)["ucdp_interstate_conflicts"].(map[string]any)["value"] = 1
	out, _ := json.Marshal(doc)
	s := regexp.MustCompile(`"year":2023\b`).ReplaceAllString(string(out), `"year":2022`)
	s = regexp.MustCompile(`"20(2[3-9])-(\d\d)`).ReplaceAllString(s, `"2022-$2`)
	m["world/2022/KAZ-2022-12-31.json"] = &fstest.MapFile{Data: []byte(s)}
	lib, err := indicators.OpenLibrary(m, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestHistoryAPI(t *testing.T) {
	ts := newTestServer(t, historyLibrary(t, false), nil)

	rec := ts.do(t, "GET", "/v1/world?year=2022", auditorToken, nil)
	world := decode[WorldYearJSON](t, rec)
	if rec.Code != 200 || world.Year != 2022 || len(world.Countries) != 1 || world.Countries[0].ISO3 != "KAZ" {
		t.Fatalf("GET /v1/world?year=2022: %d %s", rec.Code, rec.Body.String())
	}
	if diff := cmp.Diff([]int{2022, 2023}, world.Years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	if got := world.Countries[0].Verdicts[3]; got != "critical" {
		t.Errorf("KAZ criterion 4 in 2022: %s, want critical", got)
	}
	rec = ts.do(t, "GET", "/v1/world", auditorToken, nil) // the latest year
	if w := decode[WorldYearJSON](t, rec); w.Year != 2023 || len(w.Countries) != 3 || w.AsOf != "2023-12-31" {
		t.Errorf("GET /v1/world: year %d, %d countries, as_of %s", w.Year, len(w.Countries), w.AsOf)
	}

	rec = ts.do(t, "GET", "/v1/countries/kaz/history", officerToken, nil)
	h := decode[history.Country](t, rec)
	if rec.Code != 200 || len(h.Years) != 2 {
		t.Fatalf("history: %d %s", rec.Code, rec.Body.String())
	}
	var got []string
	for _, c := range h.Changes {
		var gone []string
		for _, r := range c.Disappeared {
			gone = append(gone, r.Code)
		}
		got = append(got, c.From+"→"+c.To+" C"+string(rune('0'+c.Criterion))+" "+c.Before+"→"+c.After+" gone:"+strings.Join(gone, ","))
	}
	if diff := cmp.Diff([]string{"2022→2023 C4 critical→possibly_critical gone:C4-INTERSTATE-CONFLICT"}, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	rec = ts.do(t, "GET", "/v1/countries/KAZ/history?from=2023", officerToken, nil)
	if h := decode[history.Country](t, rec); len(h.Years) != 1 || len(h.Changes) != 0 {
		t.Errorf("from=2023: %d years, %d changes", len(h.Years), len(h.Changes))
	}

	rec = ts.do(t, "GET", "/v1/diff?from=2022&to=2023", auditorToken, nil)
	d := decode[history.Diff](t, rec)
	if rec.Code != 200 || d.Countries != 1 || d.Changed != 1 || len(d.Criteria) != 1 || d.Criteria[0].Criterion != 4 {
		t.Errorf("diff: %d %s", rec.Code, rec.Body.String())
	}
	if diff := cmp.Diff([]string{"DEU", "RUS"}, d.OnlyTo); diff != "" {
		t.Errorf("only in 2023 (-want +got):\n%s", diff)
	}

	for _, c := range []struct {
		target string
		status int
		code   string
	}{
		{"/v1/world?year=1999", 404, CodeNoYear},
		{"/v1/world?year=20x3", 400, CodeInvalidYear},
		{"/v1/world?yaer=2023", 400, CodeInvalidRequest},
		{"/v1/countries/XYZ/history", 404, CodeUnknownCountry},
		{"/v1/countries/K1Z/history", 400, CodeInvalidCountry},
		{"/v1/countries/KAZ/history?from=2024&to=2023", 400, CodeInvalidYear},
		{"/v1/diff?from=2022", 400, CodeInvalidYear},
		{"/v1/diff?from=2022&to=1990", 404, CodeNoYear},
	} {
		rec := ts.do(t, "GET", c.target, auditorToken, nil)
		if e := decode[ErrorBody](t, rec); rec.Code != c.status || e.Error.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.target, rec.Code, e.Error.Code, c.status, c.code)
		}
	}
}

// TestMapAndHistoryPages: the overview draws the map of the chosen year with a link per
// country, the country page shows the year chosen and the history with its change.
func TestMapAndHistoryPages(t *testing.T) {
	ts := newTestServer(t, historyLibrary(t, false), nil)
	page := func(target, lang string) string {
		t.Helper()
		rec := ts.do(t, "GET", target, officerToken, nil, "Accept-Language", lang)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
		}
		checkAccessible(t, rec.Body.String())
		return rec.Body.String()
	}
	body := page("/?year=2022", "en")
	for _, want := range []string{
		`<title id="worldmap-title">Overall class, 2022</title>`,
		`<a href="/countries/KAZ?year=2022" aria-label="Kazakhstan (KAZ): light red">`,
		`<option value="2022" selected>2022</option>`,
		`1 country shown of 1`, `1 country:`,
		`href="/countries/KAZ?year=2022">Kazakhstan</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the overview of 2022 lacks %q", want)
		}
	}
	if n := strings.Count(body, `<a href="/countries/`); n != 2 { // the map and the table
		t.Errorf("%d links to countries in the overview of 2022, want 2", n)
	}
	body = page("/?map=4&lang=de", "de")
	for _, want := range []string{`Kriterium 4: `, `neuester Datensatz je Land</title>`, `aria-label="Russland (RUS): `, `3 Länder:`, `Karte einfärben nach`} {
		if !strings.Contains(body, want) {
			t.Errorf("the German overview coloured by criterion 4 lacks %q", want)
		}
	}

	body = page("/countries/KAZ?year=2022", "en")
	for _, want := range []string{
		`<dd>2022-12-31</dd>`,
		`<svg xmlns="http://www.w3.org/2000/svg" class="timeline"`,
		`data-year="2023" data-key="possibly_critical" data-changed="true"><title>Criterion 4: `,
		`2022 → 2023, Criterion 4:`,
		`<input type="hidden" name="as_of" value="2022-12-31">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the country page of 2022 lacks %q", want)
		}
	}
	// The verdicts come before the box that records a decision.
	if v, a := strings.Index(body, `id="verdicts"`), strings.Index(body, `id="assess-h"`); v < 0 || a < 0 || v > a {
		t.Errorf("the verdicts (at %d) do not come before assess and record (at %d)", v, a)
	}
	if !strings.Contains(page("/countries/KAZ", "de"), "Was sich geändert hat, und warum") {
		t.Error("the German history lacks its heading")
	}
}

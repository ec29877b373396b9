package chart

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/indicators/importers"
)

// wellFormed parses an SVG document as XML and counts its elements by name.
func wellFormed(t *testing.T, svg string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return counts
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%.400s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			counts[se.Name.Local]++
		}
	}
}

func TestWorldAsset(t *testing.T) {
	raw, err := os.ReadFile("world-110m.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("world-110m.json.sha256")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != strings.TrimSpace(string(want)) {
		t.Errorf("world-110m.json has sha256 %s, world-110m.json.sha256 says %s: the asset was changed by hand (make worldmap rebuilds both)", got, want)
	}
	g, err := World()
	if err != nil {
		t.Fatal(err)
	}
	if g.ViewBox[2] <= 0 || g.ViewBox[3] <= 0 {
		t.Errorf("view box %v", g.ViewBox)
	}
	if !strings.Contains(g.Source.Package, "world-atlas") || !strings.Contains(g.Source.Licence, "public domain") || len(g.Source.Files) == 0 {
		t.Errorf("the asset does not name its source, licence and source files: %+v", g.Source)
	}
	pathData := regexp.MustCompile(`^(M[-0-9.,LZ]+)+$`)
	seen := map[string]bool{}
	for _, s := range g.Countries {
		key := s.ISO3 + "/" + s.Name
		if seen[key] {
			t.Errorf("%s twice", key)
		}
		seen[key] = true
		if !pathData.MatchString(s.D) {
			t.Errorf("%s: path data is not M/L/Z with numbers: %.80s", key, s.D)
		}
	}
	for _, m := range g.Markers {
		if m.X < g.ViewBox[0] || m.X > g.ViewBox[0]+g.ViewBox[2] || m.Y < g.ViewBox[1] || m.Y > g.ViewBox[1]+g.ViewBox[3] {
			t.Errorf("marker %s at (%v, %v) lies outside the view box %v", m.ISO3, m.X, m.Y, g.ViewBox)
		}
	}
	// Every country the world build rates is on the map, as a shape or a marker.
	var missing []string
	markers := 0
	for _, iso := range importers.Universe() {
		switch g.Locate(iso) {
		case "":
			missing = append(missing, iso)
		case "marker":
			markers++
		}
	}
	if len(missing) > 0 {
		t.Errorf("not on the map: %v", missing)
	}
	t.Logf("%d countries rated, %d of them as markers; %d shapes, %d bytes", len(importers.Universe()), markers, len(g.Countries), len(raw))
}

var testClasses = []Class{
	{Key: "dark_red", Label: "dark red", Symbol: "■■", Fill: "#b2182b"},
	{Key: "light_red", Label: "light red", Symbol: "■", Fill: "#f4a582"},
	{Key: "none", Label: "none", Symbol: "□", Fill: "#e0e0e0"},
}

func TestWorldMapSVG(t *testing.T) {
	g, err := World()
	if err != nil {
		t.Fatal(err)
	}
	m := WorldMap{
		Title: "Overall class <2023> & more", Description: "d", LegendTitle: "Overall class",
		Classes:  testClasses,
		NotRated: Class{Label: "not rated", Fill: "#f7f7f7"},
		Countries: map[string]MapCountry{
			"KAZ": {Name: "Kazakhstan", Class: "light_red"},
			"RUS": {Name: "Russia", Class: "dark_red"},
			"TUV": {Name: "Tuvalu", Class: "none"},
			"DEU": {Name: "Deutschland", Class: "none"},
		},
		Href: func(iso3 string) string { return "/countries/" + iso3 + "?year=2023&x=1" },
		Name: func(iso3 string) string {
			if iso3 == "GRL" {
				return "Grönland"
			}
			return ""
		},
	}
	svg := m.SVG(g)
	counts := wellFormed(t, svg)
	if counts["a"] != 4 || counts["circle"] != 1 {
		t.Errorf("want 4 links (one per rated country) and 1 marker (Tuvalu), got %d and %d", counts["a"], counts["circle"])
	}
	for _, want := range []string{
		`<title id="worldmap-title">Overall class &lt;2023&gt; &amp; more</title>`,
		`<a href="/countries/KAZ?year=2023&amp;x=1" aria-label="Kazakhstan (KAZ): light red">`,
		`data-iso3="RUS" data-class="dark_red"`,
		`fill="#b2182b"`,
		`<title>Grönland: not rated</title>`,
		`■■ dark red (1)`, `□ none (2)`, `>not rated<`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the map lacks %q", want)
		}
	}
	// Every shape has a title, rated or not.
	if counts["title"] != len(g.Countries)+1+1 { // + the marker + the document's
		t.Errorf("%d titles for %d shapes and 1 marker", counts["title"], len(g.Countries))
	}
	if len(svg) > 200_000 {
		t.Errorf("the map is %d bytes", len(svg))
	}
}

func TestTimelineSVG(t *testing.T) {
	tl := Timeline{
		Title: "Kazakhstan 2020–2023", Description: "d", LegendTitle: "Verdict", Changed: "changed",
		Classes: []Class{
			{Key: "critical", Label: "critical", Symbol: "✖", Fill: "#b2182b"},
			{Key: "not_critical", Label: "not critical", Symbol: "✓", Fill: "#d9f0d3"},
		},
		Years: []int{2020, 2021, 2022, 2023},
		Rows: []TimelineRow{
			{Label: "C4", Title: "Criterion 4", Keys: []string{"not_critical", "not_critical", "critical", "critical"}},
			{Label: "C7", Title: "Criterion 7", Keys: []string{"", "critical", "not_critical", "odd"}},
		},
		Href: func(y int) string { return "/countries/KAZ?year=" + string(rune('0'+y%10)) },
	}
	svg := tl.SVG()
	wellFormed(t, svg)
	changed := regexp.MustCompile(`<g data-year="(\d+)" data-key="(\w*)" data-changed="true"><title>([^<]*)</title>`).FindAllStringSubmatch(svg, -1)
	var got []string
	for _, m := range changed {
		got = append(got, m[3])
	}
	want := []string{
		"Criterion 4, 2022: critical (changed)",
		"Criterion 7, 2022: not critical (changed)",
		"Criterion 7, 2023: odd (changed)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changed cells (-want +got):\n%s", diff)
	}
	for _, s := range []string{`<title>Criterion 7, 2020: </title>`, `fill="#fff" aria-hidden="true">✖</text>`, `fill="#000" aria-hidden="true">✓</text>`, `<a href="/countries/KAZ?year=3">`} {
		if !strings.Contains(svg, s) {
			t.Errorf("the timeline lacks %q", s)
		}
	}
}

func TestTextOn(t *testing.T) {
	for fill, want := range map[string]string{"#b2182b": "#fff", "#ffffff": "#000", "#f4a582": "#000", "red": "#000"} {
		if got := textOn(fill); got != want {
			t.Errorf("textOn(%s) = %s, want %s", fill, got, want)
		}
	}
}

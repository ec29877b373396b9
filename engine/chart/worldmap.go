package chart

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// worldJSON is the projected world (make worldmap writes it; world-110m.json.sha256 holds
// its checksum, which a test compares).
//
//go:embed world-110m.json
var worldJSON []byte

// Geometry is the projected world: SVG path data per country, in the coordinates of
// ViewBox.
type Geometry struct {
	Source struct {
		Package   string            `json:"package"`
		Data      string            `json:"data"`
		Files     map[string]string `json:"files"` // world-atlas file -> sha256 of the file projected
		Tools     string            `json:"tools"`
		Licence   string            `json:"licence"`
		Generator string            `json:"generator"`
	} `json:"source"`
	ViewBox   [4]float64 `json:"view_box"`
	Countries []Shape    `json:"countries"`
	// Markers place the countries too small for the 1:110m shapes (small island states,
	// Andorra, Monaco, ...) at their centroid.
	Markers []Marker `json:"markers"`
}

// Shape is one country's outline (all its parts in one path).
type Shape struct {
	ISO3 string `json:"iso3"`
	Name string `json:"name"` // Natural Earth's English name
	D    string `json:"d"`    // SVG path data
}

// Marker is the position of a country without a shape.
type Marker struct {
	ISO3 string  `json:"iso3"`
	Name string  `json:"name"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	From string  `json:"from"` // the Natural Earth scale the centroid came from: 50m, 10m
}

// World returns the embedded world geometry, parsed once.
var World = sync.OnceValues(func() (*Geometry, error) {
	var g Geometry
	if err := json.Unmarshal(worldJSON, &g); err != nil {
		return nil, fmt.Errorf("chart: world-110m.json: %w", err)
	}
	return &g, nil
})

// Locate says how a country appears on the map: "shape", "marker" or "" (not at all).
func (g *Geometry) Locate(iso3 string) string {
	if slices.ContainsFunc(g.Countries, func(s Shape) bool { return s.ISO3 == iso3 }) {
		return "shape"
	}
	if slices.ContainsFunc(g.Markers, func(m Marker) bool { return m.ISO3 == iso3 }) {
		return "marker"
	}
	return ""
}

// WorldMap is what a map shows.
type WorldMap struct {
	ID          string // prefix of the element ids (title, description); "worldmap" if empty
	Title       string // drawn at the top and the SVG's accessible name
	Description string // the SVG's <desc>: what is coloured and how to read it
	LegendTitle string
	Classes     []Class // the legend, in order
	NotRated    Class   // shapes of territories without a rating; Key is ignored
	// Countries are the rated countries by ISO3: name in the reader's language and the
	// key of their class.
	Countries map[string]MapCountry
	// Href links a rated country (nil: no links).
	Href func(iso3 string) string
	// Name names a shape that is not rated (a territory); nil or "": Natural Earth's name.
	Name func(iso3 string) string
}

// MapCountry is one rated country on the map.
type MapCountry struct {
	Name  string
	Class string
}

// SVG draws the map: the countries coloured by class, each a link with a <title>
// ("Kazakhstan (KAZ): light red"), markers for the small countries, the title and the
// legend with the number of countries per class. The result is a standalone SVG element
// that can be placed in HTML as it is.
func (m WorldMap) SVG(g *Geometry) string {
	id := m.ID
	if id == "" {
		id = "worldmap"
	}
	classes := map[string]Class{}
	for _, c := range m.Classes {
		classes[c.Key] = c
	}
	counts := map[string]int{}
	for _, c := range m.Countries {
		counts[c.Class]++
	}
	const top = 34.0 // the title band
	vb := g.ViewBox
	legendY := top + vb[3] + 8
	items := append(classItems(m.Classes, counts), classItems([]Class{m.NotRated}, nil)...)
	height := legendY + legendHeight(items, vb[2]-8) + 4
	var w svgWriter
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="worldmap" viewBox="%s %s %s %s" role="group" aria-labelledby="%s-title" aria-describedby="%s-desc" font-family="sans-serif">`,
		num(vb[0]), num(vb[1]), num(vb[2]), num(height), id, id)
	w.printf(`<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(m.Title), id, esc(m.Description))
	w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#fff"/>`, num(vb[0]), num(vb[1]), num(vb[2]), num(height))
	w.printf(`<text x="%s" y="%s" font-size="18" font-weight="bold" aria-hidden="true">%s</text>`, num(vb[0]+4), num(vb[1]+22), esc(m.Title))
	w.printf(`<g transform="translate(0 %s)" stroke="#fff" stroke-width="0.5" stroke-linejoin="round">`, num(top))
	label := func(iso3, name string, c Class) string {
		return fmt.Sprintf("%s (%s): %s", name, iso3, c.Label)
	}
	for _, s := range g.Countries {
		rc, rated := m.Countries[s.ISO3]
		if !rated {
			name := s.Name
			if m.Name != nil && s.ISO3 != "" {
				if n := m.Name(s.ISO3); n != "" {
					name = n
				}
			}
			w.printf(`<path d="%s" fill="%s" data-iso3="%s"><title>%s: %s</title></path>`, s.D, esc(m.NotRated.Fill), esc(s.ISO3), esc(name), esc(m.NotRated.Label))
			continue
		}
		c := classes[rc.Class]
		m.open(&w, s.ISO3, label(s.ISO3, rc.Name, c))
		w.printf(`<path d="%s" fill="%s" data-iso3="%s" data-class="%s"><title>%s</title></path>`, s.D, esc(c.Fill), esc(s.ISO3), esc(rc.Class), esc(label(s.ISO3, rc.Name, c)))
		m.close(&w)
	}
	w.printf(`</g><g transform="translate(0 %s)" stroke="#333" stroke-width="0.8">`, num(top))
	for _, mk := range g.Markers {
		rc, rated := m.Countries[mk.ISO3]
		if !rated {
			continue
		}
		c := classes[rc.Class]
		m.open(&w, mk.ISO3, label(mk.ISO3, rc.Name, c))
		w.printf(`<circle cx="%s" cy="%s" r="3.5" fill="%s" data-iso3="%s" data-class="%s"><title>%s</title></circle>`, num(mk.X), num(mk.Y), esc(c.Fill), esc(mk.ISO3), esc(rc.Class), esc(label(mk.ISO3, rc.Name, c)))
		m.close(&w)
	}
	w.printf(`</g>`)
	w.legend(vb[0]+4, legendY, vb[2]-8, m.LegendTitle, items)
	w.printf(`</svg>`)
	return w.String()
}

func (m WorldMap) open(w *svgWriter, iso3, label string) {
	if m.Href != nil {
		w.printf(`<a href="%s" aria-label="%s">`, esc(m.Href(iso3)), esc(label))
	}
}

func (m WorldMap) close(w *svgWriter) {
	if m.Href != nil {
		w.printf(`</a>`)
	}
}

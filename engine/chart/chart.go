// Package chart draws the charts of the web pages as SVG on the server: the world map
// (every country coloured by its overall class or by one criterion's verdict) and the
// verdict timeline of one country (one row per criterion, one column per year).
//
// The renderers are pure functions of small input types: the caller decides the words
// (in the reader's language), the colours and the links. Every mark carries a <title>, so
// the charts read without colour and with a screen reader; the pages pair each chart
// with a table.
//
// The map's country shapes are Natural Earth's (public domain) as the npm package
// world-atlas redistributes them, projected once at build time (make worldmap) into
// world-110m.json, which is embedded; nothing is fetched at run time.
package chart

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// Class is one colour of a chart and what it means: an overall class or a verdict.
type Class struct {
	Key    string // the code the data uses: "dark_red", "critical", ...
	Label  string // in the reader's language: "critical"
	Symbol string // drawn beside the label (and in timeline cells), so colour is not needed
	Fill   string // an SVG colour: "#b2182b"
}

// esc escapes text for SVG (XML) content and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate with at most one decimal.
func num(f float64) string {
	return strconv.FormatFloat(float64(int64(f*10+sign(f)*0.5))/10, 'f', -1, 64)
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// svgWriter collects an SVG document.
type svgWriter struct{ strings.Builder }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.Builder, format, args...) }

// legendItem is one swatch of a legend.
type legendItem struct {
	fill, text string
	outline    bool // a bold outline, as a changed timeline cell has
}

// legendWidth is the width an item takes in a legend row (13 px text, about 7.2 px per
// character).
func (it legendItem) width() float64 { return 24 + 7.2*float64(len([]rune(it.text))) + 20 }

// legendHeight is the height of the legend of items wrapped at width w.
func legendHeight(items []legendItem, w float64) float64 {
	rows, x := 1, 0.0
	for _, it := range items {
		if x > 0 && x+it.width() > w {
			rows, x = rows+1, 0
		}
		x += it.width()
	}
	return 22 + 20*float64(rows)
}

// legend draws swatches with their text in rows of at most width w starting at (x, y),
// under the title.
func (w *svgWriter) legend(x, y, width float64, title string, items []legendItem) {
	w.printf(`<g class="legend" font-size="13" stroke="none">`)
	w.printf(`<text x="%s" y="%s" font-weight="bold">%s</text>`, num(x), num(y+13), esc(title))
	y += 22
	cx := x
	for _, it := range items {
		if cx > x && cx-x+it.width() > width {
			cx, y = x, y+20
		}
		stroke, sw := "#333", "0.5"
		if it.outline {
			stroke, sw = "#000", "2.5"
		}
		w.printf(`<rect x="%s" y="%s" width="18" height="14" fill="%s" stroke="%s" stroke-width="%s"/>`, num(cx), num(y), esc(it.fill), stroke, sw)
		w.printf(`<text x="%s" y="%s">%s</text>`, num(cx+24), num(y+12), esc(it.text))
		cx += it.width()
	}
	w.printf(`</g>`)
}

// classItems are the legend items of classes, with the number of each if counts is set.
func classItems(classes []Class, counts map[string]int) []legendItem {
	var out []legendItem
	for _, c := range classes {
		t := strings.TrimSpace(c.Symbol + " " + c.Label)
		if counts != nil {
			t += " (" + strconv.Itoa(counts[c.Key]) + ")"
		}
		out = append(out, legendItem{fill: c.Fill, text: t})
	}
	return out
}

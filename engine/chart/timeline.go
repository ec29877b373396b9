package chart

import "strconv"

// Timeline is one country's verdicts over the years: one row per criterion (and one for
// the overall class), one column per year.
type Timeline struct {
	ID          string // prefix of the element ids; "timeline" if empty
	Title       string
	Description string
	LegendTitle string
	Classes     []Class // the legend: every key a cell may have
	Years       []int
	Rows        []TimelineRow
	// Href links a year's column heading (nil: no links), e.g. to the report of that year.
	Href func(year int) string
	// Changed is the word for a cell whose key differs from the year before ("changed").
	Changed string
}

// TimelineRow is one criterion, or the overall class.
type TimelineRow struct {
	Label string   // "C4 Regional peace"
	Title string   // the full title, for the row's <title>
	Keys  []string // one per year (a Classes key; "" when there is no assessment that year)
}

// SVG draws the timeline: a grid of cells coloured by class with the class's symbol in
// each cell, a bold outline where the key changed from the year before, the years on top
// and the row labels on the left. Each cell's <title> reads "Criterion 4, 2022: critical
// (changed)".
func (t Timeline) SVG() string {
	id := t.ID
	if id == "" {
		id = "timeline"
	}
	classes := map[string]Class{}
	for _, c := range t.Classes {
		classes[c.Key] = c
	}
	const (
		labelW = 250.0
		cellW  = 44.0
		cellH  = 24.0
		top    = 54.0
	)
	width := max(labelW+cellW*float64(len(t.Years))+10, 640)
	gridH := cellH * float64(len(t.Rows))
	legendY := top + gridH + 14
	items := classItems(t.Classes, nil)
	if t.Changed != "" {
		items = append(items, legendItem{fill: "#fff", text: t.Changed, outline: true})
	}
	height := legendY + legendHeight(items, width-8) + 4
	var w svgWriter
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 %s %s" width="%s" role="group" aria-labelledby="%s-title" aria-describedby="%s-desc" font-family="sans-serif">`,
		num(width), num(height), num(width), id, id)
	w.printf(`<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(t.Title), id, esc(t.Description))
	w.printf(`<rect width="%s" height="%s" fill="#fff"/>`, num(width), num(height))
	w.printf(`<text x="4" y="20" font-size="16" font-weight="bold" aria-hidden="true">%s</text>`, esc(t.Title))
	w.printf(`<g font-size="12" text-anchor="middle">`)
	for i, y := range t.Years {
		x := labelW + cellW*float64(i) + cellW/2
		if t.Href != nil {
			w.printf(`<a href="%s">`, esc(t.Href(y)))
		}
		w.printf(`<text x="%s" y="%s" data-year="%d">%d</text>`, num(x), num(top-8), y, y)
		if t.Href != nil {
			w.printf(`</a>`)
		}
	}
	w.printf(`</g>`)
	for r, row := range t.Rows {
		y := top + cellH*float64(r)
		w.printf(`<g data-row="%d">`, r)
		w.printf(`<text x="%s" y="%s" font-size="12" text-anchor="end"><title>%s</title>%s</text>`, num(labelW-8), num(y+cellH/2+4), esc(row.Title), esc(row.Label))
		for i, key := range row.Keys {
			if i >= len(t.Years) {
				break
			}
			x := labelW + cellW*float64(i)
			c, ok := classes[key]
			if !ok {
				c = Class{Key: key, Label: key, Symbol: "–", Fill: "#fff"}
			}
			changed := i > 0 && i-1 < len(row.Keys) && row.Keys[i-1] != key && row.Keys[i-1] != "" && key != ""
			title := row.Title + ", " + strconv.Itoa(t.Years[i]) + ": " + c.Label
			stroke, sw := "#fff", "1"
			if changed {
				title += " (" + t.Changed + ")"
				stroke, sw = "#000", "2.5"
			}
			w.printf(`<g data-year="%d" data-key="%s"%s><title>%s</title>`, t.Years[i], esc(key), boolAttr(changed, " data-changed=\"true\""), esc(title))
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="%s"/>`,
				num(x+1), num(y+1), num(cellW-2), num(cellH-2), esc(c.Fill), stroke, sw)
			w.printf(`<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="%s" aria-hidden="true">%s</text></g>`,
				num(x+cellW/2), num(y+cellH/2+4), textOn(c.Fill), esc(c.Symbol))
		}
		w.printf(`</g>`)
	}
	w.legend(4, legendY, width-8, t.LegendTitle, items)
	w.printf(`</svg>`)
	return w.String()
}

func boolAttr(b bool, attr string) string {
	if b {
		return attr
	}
	return ""
}

// textOn picks black or white text for a fill colour "#rrggbb" by its luminance.
func textOn(fill string) string {
	if len(fill) != 7 || fill[0] != '#' {
		return "#000"
	}
	v, err := strconv.ParseUint(fill[1:], 16, 32)
	if err != nil {
		return "#000"
	}
	r, g, b := float64(v>>16&0xff), float64(v>>8&0xff), float64(v&0xff)
	if 0.299*r+0.587*g+0.114*b < 140 {
		return "#fff"
	}
	return "#000"
}

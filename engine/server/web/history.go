package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/chart"
	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// Colours of the charts. Strong enough to tell apart on a map, each paired with a symbol
// in the legend and the titles, so that colour is never the only channel.
var (
	overallFills = map[string]string{engine.DarkRed: "#8a0010", engine.LightRed: "#ef8a8a", engine.None: "#cfe8d5"}
	verdictFills = map[string]string{engine.Critical: "#b2182b", engine.PossiblyCritical: "#f4c04a",
		engine.NotCritical: "#b8dfc0", engine.InsufficientData: "#9e9e9e"}
	notRatedFill = "#f2f2f2"
)

var (
	overallOrder = []string{engine.DarkRed, engine.LightRed, engine.None}
	verdictOrder = []string{engine.Critical, engine.PossiblyCritical, engine.NotCritical, engine.InsufficientData}
)

// overallClasses and verdictClasses are the chart legends in the page's language.
func (p *page) overallClasses() []chart.Class {
	var out []chart.Class
	for _, c := range overallOrder {
		o := p.Overall(c)
		out = append(out, chart.Class{Key: c, Label: o.Short, Symbol: o.Symbol, Fill: overallFills[c]})
	}
	return out
}

func (p *page) verdictClasses() []chart.Class {
	var out []chart.Class
	for _, c := range verdictOrder {
		v := p.Verdict(c)
		out = append(out, chart.Class{Key: c, Label: v.Label, Symbol: v.Symbol, Fill: verdictFills[c]})
	}
	return out
}

// yearQuery is "?year=Y" (or "" for the latest bundles).
func yearQuery(year int) string {
	if year == 0 {
		return ""
	}
	return "?year=" + strconv.Itoa(year)
}

// worldMap draws the world of w coloured by the overall class (by == 0) or by criterion
// by's verdict; each country links to its page of that year.
func (p *page) worldMap(w *engine.World, year, by int, criteria []engine.CriterionInfo) (template.HTML, error) {
	g, err := chart.World()
	if err != nil {
		return "", err
	}
	when := p.T["latest_bundles"]
	if year != 0 {
		when = strconv.Itoa(year)
	}
	m := chart.WorldMap{
		NotRated:  chart.Class{Label: p.T["not_rated"], Fill: notRatedFill},
		Countries: map[string]chart.MapCountry{},
		Href:      func(iso3 string) string { return "/countries/" + iso3 + yearQuery(year) },
		Name: func(iso3 string) string {
			if c, ok := countries.Lookup(iso3); ok {
				if p.Lang == "de" && c.NameDE != "" {
					return c.NameDE
				}
				return c.NameEN
			}
			return ""
		},
	}
	if by == 0 {
		m.Title = p.T["class"] + ", " + when
		m.LegendTitle = p.T["class"]
		m.Classes = p.overallClasses()
	} else {
		title := ""
		for _, c := range criteria {
			if c.Number == by {
				title = p.CriterionTitle(c.Number, c.Title)
			}
		}
		m.Title = title + ", " + when
		m.LegendTitle = p.T["verdict"]
		m.Classes = p.verdictClasses()
	}
	m.Description = p.T["map_desc"]
	for _, c := range w.Countries {
		name := c.NameEN
		if p.Lang == "de" && c.NameDE != "" {
			name = c.NameDE
		}
		key := c.Overall
		if by > 0 {
			key = c.Verdicts[by-1]
		}
		m.Countries[c.ISO3] = chart.MapCountry{Name: name, Class: key}
	}
	return template.HTML(m.SVG(g)), nil // chart escapes every text it writes
}

// historyView is the history section of a country page.
type historyView struct {
	Chart   template.HTML
	Years   []history.Year
	Changes []changeView
	Err     string
}

// changeView is one change from a year to the next, in the page's language.
type changeView struct {
	From, To    string
	What        string // "Criterion 4" or "Overall class"
	Before      VerdictView
	After       VerdictView
	Direction   string
	Appeared    []string
	Disappeared []string
}

// countryHistory draws the timeline of c and lists its changes, newest first.
func (p *page) countryHistory(words *present.Presenter, c *history.Country, criteria []engine.CriterionInfo) historyView {
	v := historyView{Years: c.Years}
	tl := chart.Timeline{
		Title:       fmt.Sprintf("%s: %s %s", p.historyName(c), p.T["history"], yearSpan(c.Years[0].Year, c.Years[len(c.Years)-1].Year)),
		Description: p.T["timeline_desc"],
		LegendTitle: p.T["verdict"] + " / " + p.T["class"],
		Classes:     append(p.verdictClasses(), p.overallClasses()...),
		Changed:     p.T["changed_year"],
		Href:        func(y int) string { return "/countries/" + c.ISO3 + yearQuery(y) + "#criteria-h" },
	}
	for _, y := range c.Years {
		tl.Years = append(tl.Years, y.Year)
	}
	for _, ci := range criteria {
		row := chart.TimelineRow{Label: fmt.Sprintf("%d %s", ci.Number, shorten(p.ShortTitle(ci.Number, ci.Title), 32)),
			Title: p.CriterionTitle(ci.Number, ci.Title)}
		for _, y := range c.Years {
			key := ""
			if ci.Number >= 1 && ci.Number <= len(y.Verdicts) {
				key = y.Verdicts[ci.Number-1]
			}
			row.Keys = append(row.Keys, key)
		}
		tl.Rows = append(tl.Rows, row)
	}
	overall := chart.TimelineRow{Label: p.T["overall"], Title: p.T["class"]}
	for _, y := range c.Years {
		overall.Keys = append(overall.Keys, y.Overall)
	}
	tl.Rows = append(tl.Rows, overall)
	v.Chart = template.HTML(tl.SVG())
	for i := len(c.Changes) - 1; i >= 0; i-- {
		ch := c.Changes[i]
		cv := changeView{From: ch.From, To: ch.To, Direction: ch.Direction}
		if ch.Criterion == history.Overall {
			cv.What = p.T["class"]
			cv.Before, cv.After = p.Overall(ch.Before), p.Overall(ch.After)
		} else {
			cv.What = p.T["criterion"] + " " + strconv.Itoa(ch.Criterion)
			cv.Before, cv.After = p.Verdict(ch.Before), p.Verdict(ch.After)
		}
		for _, r := range ch.Appeared {
			cv.Appeared = append(cv.Appeared, message(words, p.Lang, r))
		}
		for _, r := range ch.Disappeared {
			cv.Disappeared = append(cv.Disappeared, message(words, p.Lang, r))
		}
		v.Changes = append(v.Changes, cv)
	}
	return v
}

// message words a reason (its code if the policies do not declare it; the engine checks
// that they do).
func message(words *present.Presenter, lang string, r engine.Reason) string {
	m, err := words.Message(lang, &r)
	if err != nil {
		return r.Code
	}
	return m
}

func (p *page) historyName(c *history.Country) string {
	if p.Lang == "de" && c.NameDE != "" {
		return c.NameDE
	}
	return c.NameEN
}

// yearSpan is "2012–2024", or "2023" for one year.
func yearSpan(from, to int) string {
	if from == to {
		return strconv.Itoa(from)
	}
	return fmt.Sprintf("%d–%d", from, to)
}

// shorten cuts s to n characters at a word boundary, with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

package history

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/present"
)

// words holds the words of the history and diff views that engine/present's catalogue does not
// have, in English and German; verdicts, classes, names, values and messages come from
// engine/present.
var words = map[string][2]string{
	"year":              {"Year", "Jahr"},
	"overall":           {"Overall", "Gesamt"},
	"to":                {"to", "bis"},
	"policy":            {"Policy revision", "Richtlinienrevision"},
	"changed_mark":      {"* changed from the year before", "* geändert gegenüber dem Vorjahr"},
	"changes":           {"Changes", "Änderungen"},
	"no_changes":        {"No verdict changed.", "Keine Bewertung hat sich geändert."},
	"overall_class":     {"Overall class", "Gesamteinstufung"},
	"appeared":          {"new", "neu"},
	"disappeared":       {"no longer", "nicht mehr"},
	"worse":             {"worse", "schlechter"},
	"better":            {"better", "besser"},
	"data":              {"data changed", "Datenlage geändert"},
	"held":              {"held; its reasons changed", "unverändert; die Gründe haben sich geändert"},
	"countries":         {"countries compared", "Länder verglichen"},
	"changed_countries": {"with a change", "mit einer Änderung"},
	"only_from":         {"only in", "nur in"},
	"decisions":         {"Recorded decisions whose country is rated worse now", "Erfasste Entscheidungen, deren Land jetzt schlechter bewertet ist"},
	"no_decisions":      {"No recorded decision concerns a country rated worse now.", "Keine erfasste Entscheidung betrifft ein jetzt schlechter bewertetes Land."},
	"decision":          {"decision", "Entscheidung"},
	"as_of":             {"as of", "Stand"},
	"now":               {"now", "jetzt"},
	"recorded":          {"recorded", "erfasst"},
}

func word(lang, key string) string {
	switch key {
	case engine.Critical, engine.PossiblyCritical, engine.NotCritical, engine.InsufficientData:
		return present.VerdictLabel(lang, key)
	case engine.DarkRed, engine.LightRed, engine.None:
		return present.ClassLabel(lang, key)
	}
	w, ok := words[key]
	if !ok {
		return key
	}
	if lang == "de" {
		return w[1]
	}
	return w[0]
}

// short is the table cell of a verdict or class, as assess --all prints it.
func short(v string) string {
	switch v {
	case engine.Critical:
		return "CRIT"
	case engine.PossiblyCritical:
		return "poss"
	case engine.NotCritical:
		return "-"
	case engine.InsufficientData:
		return "n/d"
	}
	return v
}

// changeTitle is "4. Regional peace ...: possibly critical → critical (worse)".
func changeTitle(lang string, c Change, l Words) string {
	what := word(lang, "overall_class")
	if c.Criterion != Overall {
		what = fmt.Sprintf("%d. %s", c.Criterion, l.Titles[c.Criterion].In(lang))
	}
	if c.Direction == Same {
		return fmt.Sprintf("%s: %s (%s)", what, word(lang, c.After), word(lang, "held"))
	}
	return fmt.Sprintf("%s: %s → %s (%s)", what, word(lang, c.Before), word(lang, c.After), word(lang, c.Direction))
}

// indicatorLine names an indicator value as the reports do: "international armed conflicts
// with the state as a party (UCDP): 1 (2022; UCDP/PRIO Armed Conflict Dataset v24.1; ...)".
func indicatorLine(lang string, l Words, v engine.IndicatorValue) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", l.P.Name(lang, v.ID), l.P.Value(lang, v))
	var paren []string
	if v.Year != 0 {
		paren = append(paren, strconv.Itoa(v.Year))
	}
	if c := present.Cite(v.Provenance); c != "" {
		paren = append(paren, c)
	}
	if n := present.MarkedNote(lang, v.Provenance); n != "" {
		paren = append(paren, n)
	}
	if len(paren) > 0 {
		b.WriteString(" (" + strings.Join(paren, "; ") + ")")
	}
	return b.String()
}

// Words are what a rendering takes from the policies: the presenter of the engine (messages,
// display names, values) and the criterion titles.
type Words struct {
	P      *present.Presenter
	Titles map[int]engine.Text
}

// WordsOf builds the Words of an engine.
func WordsOf(e *engine.Engine) (Words, error) {
	p, err := present.New(e)
	if err != nil {
		return Words{}, err
	}
	w := Words{P: p, Titles: map[int]engine.Text{}}
	for _, c := range e.Criteria() {
		w.Titles[c.Number] = c.Title
	}
	return w, nil
}

// message is a reason's message in lang (its code if the message does not render).
func (l Words) message(lang string, r Reason) string {
	m, err := l.P.Message(lang, &r)
	if err != nil {
		return r.Code
	}
	return m
}

// writeChangeText writes one change with its reasons, indented.
func writeChangeText(w io.Writer, lang string, c Change, l Words, indent string) {
	for _, set := range []struct {
		key     string
		reasons []Reason
	}{{"appeared", c.Appeared}, {"disappeared", c.Disappeared}} {
		for _, r := range set.reasons {
			fmt.Fprintf(w, "%s%s [%s] %s\n", indent, word(lang, set.key), r.Code, l.message(lang, r))
			if r.Verdict == engine.NotCritical {
				continue // a pass reason's message already lists every value it checked
			}
			for _, v := range r.Indicators {
				fmt.Fprintf(w, "%s    %s\n", indent, indicatorLine(lang, l, v))
			}
		}
	}
}

// WriteCountryText writes a country's history as a terminal table, then every change with
// the reasons that appeared or disappeared and the values behind them.
func WriteCountryText(w io.Writer, lang string, c *Country, l Words) error {
	var buf bytes.Buffer
	first, last := c.Years[0].Year, c.Years[len(c.Years)-1].Year
	name := c.NameEN
	if lang == "de" {
		name = c.NameDE
	}
	fmt.Fprintf(&buf, "%s (%s), %d %s %d\n%s: %s\n\n", name, c.ISO3, first, word(lang, "to"), last, word(lang, "policy"), c.PolicyRevision)
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t1\t2\t3\t4\t5\t6\t7\t8\t%s\n", word(lang, "year"), word(lang, "overall"))
	for i, y := range c.Years {
		cells := []string{strconv.Itoa(y.Year)}
		for n, v := range y.Verdicts {
			cell := short(v)
			if i > 0 && c.Years[i-1].Verdicts[n] != v {
				cell += "*"
			}
			cells = append(cells, cell)
		}
		overall := word(lang, y.Overall)
		if i > 0 && c.Years[i-1].Overall != y.Overall {
			overall += "*"
		}
		cells = append(cells, overall)
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintf(&buf, "%s\n\n%s\n", word(lang, "changed_mark"), word(lang, "changes"))
	if len(c.Changes) == 0 {
		fmt.Fprintf(&buf, "%s\n", word(lang, "no_changes"))
	}
	prev := ""
	for _, ch := range c.Changes {
		if step := ch.From + " → " + ch.To; step != prev {
			fmt.Fprintf(&buf, "\n%s\n", step)
			prev = step
		}
		fmt.Fprintf(&buf, "  %s\n", changeTitle(lang, ch, l))
		writeChangeText(&buf, lang, ch, l, "    ")
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteCountryMarkdown writes a country's history as Markdown: the table, then the changes.
func WriteCountryMarkdown(w io.Writer, lang string, c *Country, l Words) error {
	var buf bytes.Buffer
	name := c.NameEN
	if lang == "de" {
		name = c.NameDE
	}
	fmt.Fprintf(&buf, "# %s (%s), %d %s %d\n\n%s: `%s`\n\n", name, c.ISO3, c.Years[0].Year, word(lang, "to"), c.Years[len(c.Years)-1].Year, word(lang, "policy"), c.PolicyRevision)
	head, rule := "| "+word(lang, "year")+" |", "|---|"
	for n := range c.Years[0].Verdicts {
		head, rule = head+" "+strconv.Itoa(n+1)+" |", rule+"---|"
	}
	fmt.Fprintf(&buf, "%s %s |\n%s---|\n", head, word(lang, "overall"), rule)
	for i, y := range c.Years {
		cells := []string{strconv.Itoa(y.Year)}
		for n, v := range y.Verdicts {
			cell := short(v)
			if i > 0 && c.Years[i-1].Verdicts[n] != v {
				cell = "**" + cell + "**"
			}
			cells = append(cells, cell)
		}
		overall := word(lang, y.Overall)
		if i > 0 && c.Years[i-1].Overall != y.Overall {
			overall = "**" + overall + "**"
		}
		cells = append(cells, overall)
		fmt.Fprintf(&buf, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintf(&buf, "\n## %s\n", word(lang, "changes"))
	if len(c.Changes) == 0 {
		fmt.Fprintf(&buf, "\n%s\n", word(lang, "no_changes"))
	}
	prev := ""
	for _, ch := range c.Changes {
		if step := ch.From + " → " + ch.To; step != prev {
			fmt.Fprintf(&buf, "\n### %s\n\n", step)
			prev = step
		}
		writeChangeMarkdown(&buf, lang, ch, l)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeChangeMarkdown(w io.Writer, lang string, ch Change, l Words) {
	fmt.Fprintf(w, "- **%s**\n", changeTitle(lang, ch, l))
	for _, set := range []struct {
		key     string
		reasons []Reason
	}{{"appeared", ch.Appeared}, {"disappeared", ch.Disappeared}} {
		for _, r := range set.reasons {
			fmt.Fprintf(w, "  - %s `%s`: %s\n", word(lang, set.key), r.Code, l.message(lang, r))
			if r.Verdict == engine.NotCritical {
				continue
			}
			for _, v := range r.Indicators {
				fmt.Fprintf(w, "    - %s\n", indicatorLine(lang, l, v))
			}
		}
	}
}

// WriteCountryCSV writes one row per year: year, as_of, c1..cN (the criteria the policies
// declare), overall, changed (the criteria that changed from the year before, "overall" for
// the class), bundle.
func WriteCountryCSV(w io.Writer, c *Country) error {
	cw := csv.NewWriter(w)
	header := []string{"iso3", "year", "as_of"}
	for n := range c.Years[0].Verdicts {
		header = append(header, "c"+strconv.Itoa(n+1))
	}
	_ = cw.Write(append(header, "overall", "critical_count", "changed", "bundle"))
	for i, y := range c.Years {
		var changed []string
		if i > 0 {
			for n, v := range y.Verdicts {
				if c.Years[i-1].Verdicts[n] != v {
					changed = append(changed, strconv.Itoa(n+1))
				}
			}
			if c.Years[i-1].Overall != y.Overall {
				changed = append(changed, "overall")
			}
		}
		row := append([]string{c.ISO3, strconv.Itoa(y.Year), y.AsOf}, y.Verdicts...)
		row = append(row, y.Overall, strconv.Itoa(y.CriticalCount), strings.Join(changed, " "), y.Bundle)
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// WriteDiffText writes a diff as text: per criterion every country that flipped, with the
// reasons, then the decisions alert when it was asked for.
func WriteDiffText(w io.Writer, lang string, d *Diff, l Words, withDecisions bool) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s → %s: %d %s, %d %s\n", d.From, d.To, d.Countries, word(lang, "countries"), d.Changed, word(lang, "changed_countries"))
	if d.FromRevision != d.ToRevision {
		fmt.Fprintf(&buf, "%s: %s → %s\n", word(lang, "policy"), d.FromRevision, d.ToRevision)
	} else {
		fmt.Fprintf(&buf, "%s: %s\n", word(lang, "policy"), d.ToRevision)
	}
	if len(d.OnlyFrom) > 0 {
		fmt.Fprintf(&buf, "%s %s: %s\n", word(lang, "only_from"), d.From, strings.Join(d.OnlyFrom, " "))
	}
	if len(d.OnlyTo) > 0 {
		fmt.Fprintf(&buf, "%s %s: %s\n", word(lang, "only_from"), d.To, strings.Join(d.OnlyTo, " "))
	}
	if len(d.Criteria) == 0 {
		fmt.Fprintf(&buf, "\n%s\n", word(lang, "no_changes"))
	}
	for _, cr := range d.Criteria {
		head := word(lang, "overall_class")
		if cr.Criterion != Overall {
			head = fmt.Sprintf("%d. %s", cr.Criterion, cr.Title.In(lang))
		}
		fmt.Fprintf(&buf, "\n%s (%d)\n", head, len(cr.Changes))
		for _, ch := range cr.Changes {
			name := ch.NameEN
			if lang == "de" {
				name = ch.NameDE
			}
			fmt.Fprintf(&buf, "  %s %s: %s → %s (%s)\n", ch.ISO3, name, word(lang, ch.Before), word(lang, ch.After), word(lang, ch.Direction))
			writeChangeText(&buf, lang, ch, l, "    ")
		}
	}
	if withDecisions {
		writeAlertsText(&buf, lang, d.Decisions, l)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeAlertsText(buf *bytes.Buffer, lang string, alerts []Alert, l Words) {
	fmt.Fprintf(buf, "\n%s (%d)\n", word(lang, "decisions"), len(alerts))
	if len(alerts) == 0 {
		fmt.Fprintf(buf, "%s\n", word(lang, "no_decisions"))
	}
	for _, a := range alerts {
		d := a.Decision
		fmt.Fprintf(buf, "  %s %s: %s %s %s, %s %s", word(lang, "decision"), d.DecisionID, d.Country, word(lang, "as_of"), d.AsOf, word(lang, "recorded"), d.Timestamp)
		if d.CaseRef != "" {
			fmt.Fprintf(buf, ", %s", d.CaseRef)
		}
		fmt.Fprintf(buf, "; %s %s %s\n", word(lang, "now"), word(lang, "as_of"), a.AsOfNow)
		for _, ch := range a.Worse {
			fmt.Fprintf(buf, "    %s\n", changeTitle(lang, ch, l))
		}
	}
}

// WriteDiffMarkdown writes a diff as Markdown.
func WriteDiffMarkdown(w io.Writer, lang string, d *Diff, l Words, withDecisions bool) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# %s → %s\n\n%d %s, %d %s. %s: `%s`\n", d.From, d.To, d.Countries, word(lang, "countries"), d.Changed, word(lang, "changed_countries"), word(lang, "policy"), d.ToRevision)
	if len(d.Criteria) == 0 {
		fmt.Fprintf(&buf, "\n%s\n", word(lang, "no_changes"))
	}
	for _, cr := range d.Criteria {
		head := word(lang, "overall_class")
		if cr.Criterion != Overall {
			head = fmt.Sprintf("%d. %s", cr.Criterion, cr.Title.In(lang))
		}
		fmt.Fprintf(&buf, "\n## %s (%d)\n\n", head, len(cr.Changes))
		for _, ch := range cr.Changes {
			name := ch.NameEN
			if lang == "de" {
				name = ch.NameDE
			}
			fmt.Fprintf(&buf, "- **%s %s**: %s → %s (%s)\n", ch.ISO3, name, word(lang, ch.Before), word(lang, ch.After), word(lang, ch.Direction))
			for _, set := range []struct {
				key     string
				reasons []Reason
			}{{"appeared", ch.Appeared}, {"disappeared", ch.Disappeared}} {
				for _, r := range set.reasons {
					fmt.Fprintf(&buf, "  - %s `%s`: %s\n", word(lang, set.key), r.Code, l.message(lang, r))
				}
			}
		}
	}
	if withDecisions {
		fmt.Fprintf(&buf, "\n## %s (%d)\n\n", word(lang, "decisions"), len(d.Decisions))
		if len(d.Decisions) == 0 {
			fmt.Fprintf(&buf, "%s\n", word(lang, "no_decisions"))
		}
		for _, a := range d.Decisions {
			fmt.Fprintf(&buf, "- `%s` %s %s %s, %s %s; %s %s %s\n", a.Decision.DecisionID, a.Decision.Country, word(lang, "as_of"), a.Decision.AsOf, word(lang, "recorded"), a.Decision.Timestamp, word(lang, "now"), word(lang, "as_of"), a.AsOfNow)
			for _, ch := range a.Worse {
				fmt.Fprintf(&buf, "  - %s\n", changeTitle(lang, ch, l))
			}
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteDiffCSV writes one row per flipped verdict: criterion (0 = overall class), iso3,
// name, from, to, before, after, direction, and the codes of the reasons that appeared and
// disappeared.
func WriteDiffCSV(w io.Writer, d *Diff) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"criterion", "iso3", "name_en", "from", "to", "before", "after", "direction", "appeared", "disappeared"})
	codes := func(rs []Reason) string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.Code
		}
		return strings.Join(out, " ")
	}
	for _, cr := range d.Criteria {
		for _, ch := range cr.Changes {
			_ = cw.Write([]string{strconv.Itoa(cr.Criterion), ch.ISO3, ch.NameEN, ch.From, ch.To, ch.Before, ch.After, ch.Direction, codes(ch.Appeared), codes(ch.Disappeared)})
		}
	}
	cw.Flush()
	return cw.Error()
}

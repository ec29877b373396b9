package impact

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/present"
)

// vt is the English label of a verdict or an overall class.
func vt(v string) string {
	switch v {
	case engine.DarkRed, engine.LightRed, engine.None:
		return present.ClassLabel("en", v)
	}
	return present.VerdictLabel("en", v)
}

// Summary is the report in one sentence.
func (r *Report) Summary() string {
	if !r.Changed() {
		return fmt.Sprintf("No verdict changes in %d countries.", r.Countries)
	}
	countries := map[string]bool{}
	for _, c := range r.Changes {
		countries[c.Country] = true
	}
	for _, o := range r.Overall {
		countries[o.Country] = true
	}
	return fmt.Sprintf("%d criterion %s and %d overall %s change, in %d of %d countries.",
		len(r.Changes), present.Noun("en", len(r.Changes), "verdict"),
		len(r.Overall), present.Noun("en", len(r.Overall), "class"), len(countries), r.Countries)
}

func (r *Report) bundles() string {
	if r.AsOf == "" {
		return fmt.Sprintf("%s, the latest bundle of each country", r.Library)
	}
	return fmt.Sprintf("%s, each country's latest bundle on or before %s", r.Library, r.AsOf)
}

// Transitions returns a total's transitions as "from -> to: n", most frequent first.
func (t Total) transitions() string {
	type kv struct {
		k string
		n int
	}
	var list []kv
	for k, n := range t.Transitions {
		list = append(list, kv{k, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].k < list[j].k
	})
	parts := make([]string, len(list))
	for i, x := range list {
		from, to, _ := strings.Cut(x.k, " -> ")
		parts[i] = fmt.Sprintf("%s -> %s: %d", vt(from), vt(to), x.n)
	}
	return strings.Join(parts, "; ")
}

// WriteTable writes the report for a terminal.
func WriteTable(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Policy impact: %s\n", r.Summary())
	fmt.Fprintf(&b, "Base:    %s\n         %s\n", r.Base.Source, r.Base.Revision)
	fmt.Fprintf(&b, "Head:    %s\n         %s\n", r.Head.Source, r.Head.Revision)
	fmt.Fprintf(&b, "Bundles: %s\n", r.bundles())
	if len(r.Changes) > 0 {
		fmt.Fprintf(&b, "\nCriterion verdicts that change:\n")
		for _, c := range r.Changes {
			fmt.Fprintf(&b, "\n  %s %s (%s), criterion %d: %s -> %s\n", c.Country, c.Name, c.AsOf, c.Criterion, vt(c.From), vt(c.To))
			for _, x := range c.Added {
				wrap(&b, fmt.Sprintf("+ %s (%s): %s", x.Code, vt(x.Verdict), x.Message.EN), "    ", "      ")
			}
			for _, x := range c.Removed {
				wrap(&b, fmt.Sprintf("- %s (%s): %s", x.Code, vt(x.Verdict), x.Message.EN), "    ", "      ")
			}
		}
	}
	if len(r.Overall) > 0 {
		fmt.Fprintf(&b, "\nOverall classes that change:\n")
		for _, o := range r.Overall {
			fmt.Fprintf(&b, "  %s %s: %s -> %s (critical on %d -> %d criteria)\n", o.Country, o.Name, vt(o.From), vt(o.To), o.Critical[0], o.Critical[1])
		}
	}
	fmt.Fprintf(&b, "\nTotals per criterion:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  criterion\tchanged\tmore severe\tless severe\tother\ttransitions")
	for _, t := range r.Totals {
		fmt.Fprintf(tw, "  %d\t%d\t%d\t%d\t%d\t%s\n", t.Criterion, t.Changed, t.MoreSevere, t.LessSevere, t.Other, dash(t.transitions()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.ReasonsOnly > 0 {
		fmt.Fprintf(&b, "\n%d %s keep %s verdict with other reasons (not counted as changes).\n",
			r.ReasonsOnly, present.Noun("en", r.ReasonsOnly, "criterion"), present.Noun("en", r.ReasonsOnly, "its"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap writes s in lines of at most 100 columns, the first with indent, the rest with more.
func wrap(b *strings.Builder, s, indent, more string) {
	const width = 100
	line := indent
	fresh := true
	for _, word := range strings.Fields(s) {
		if !fresh && len([]rune(line))+1+len([]rune(word)) > width {
			b.WriteString(line + "\n")
			line, fresh = more, true
		}
		if !fresh {
			line += " "
		}
		line += word
		fresh = false
	}
	b.WriteString(line + "\n")
}

// WriteMarkdown writes the report as Markdown, for a pull request or a review note.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Policy impact\n\n**%s**\n\n", r.Summary())
	fmt.Fprintf(&b, "| | policies | revision |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| base | %s | `%s` |\n", cell(r.Base.Source), r.Base.Revision)
	fmt.Fprintf(&b, "| head | %s | `%s` |\n\n", cell(r.Head.Source), r.Head.Revision)
	fmt.Fprintf(&b, "Bundles: %s.\n", cell(r.bundles()))
	if len(r.Changes) > 0 {
		fmt.Fprintf(&b, "\n### Criterion verdicts that change\n\n")
		fmt.Fprintf(&b, "| country | criterion | from | to | reasons added | reasons removed |\n|---|---|---|---|---|---|\n")
		for _, c := range r.Changes {
			fmt.Fprintf(&b, "| %s %s (%s) | %d | %s | **%s** | %s | %s |\n", c.Country, cell(c.Name), c.AsOf, c.Criterion,
				vt(c.From), vt(c.To), reasonsCell(c.Added), reasonsCell(c.Removed))
		}
	}
	if len(r.Overall) > 0 {
		fmt.Fprintf(&b, "\n### Overall classes that change\n\n| country | from | to | critical criteria |\n|---|---|---|---|\n")
		for _, o := range r.Overall {
			fmt.Fprintf(&b, "| %s %s | %s | **%s** | %d → %d |\n", o.Country, cell(o.Name), vt(o.From), vt(o.To), o.Critical[0], o.Critical[1])
		}
	}
	fmt.Fprintf(&b, "\n### Totals per criterion\n\n| criterion | changed | more severe | less severe | other | transitions |\n|---|---|---|---|---|---|\n")
	for _, t := range r.Totals {
		fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %s |\n", t.Criterion, t.Changed, t.MoreSevere, t.LessSevere, t.Other, dash(cell(t.transitions())))
	}
	if r.ReasonsOnly > 0 {
		fmt.Fprintf(&b, "\n%d %s keep %s verdict with other reasons (not counted as changes).\n",
			r.ReasonsOnly, present.Noun("en", r.ReasonsOnly, "criterion"), present.Noun("en", r.ReasonsOnly, "its"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func reasonsCell(rs []Reason) string {
	if len(rs) == 0 {
		return "–"
	}
	parts := make([]string, len(rs))
	for i, x := range rs {
		parts[i] = fmt.Sprintf("`%s` (%s): %s", x.Code, vt(x.Verdict), cell(x.Message.EN))
	}
	return strings.Join(parts, "<br>")
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

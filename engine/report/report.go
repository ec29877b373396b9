package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// Options say how to write a report.
type Options struct {
	Lang   string // en or de
	Bundle string // where the bundle came from, shown in the header; may be empty
	// Policies says where the policies came from (engine.PolicySet.Source), shown in the
	// header; empty for the embedded policies, which the policy revision names.
	Policies string
}

// Table writes the eight verdicts with their main reasons for a terminal.
func Table(w io.Writer, r *engine.Result, o Options) error {
	ew := &errWriter{w: w}
	header(ew, r, o)
	width := 0
	for _, c := range r.Criteria {
		width = max(width, utf8.RuneCountInString(title(c, o.Lang)))
	}
	for _, c := range r.Criteria {
		heading := title(c, o.Lang)
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(heading))
		fmt.Fprintf(ew, "%s%s  %s\n", heading, pad, strings.ToUpper(Verdict(c.Verdict, o.Lang)))
		for _, rs := range main(c) {
			wrap(ew, "  - ", "    ", rs.Message.In(o.Lang))
		}
		if len(c.Missing) > 0 {
			wrap(ew, "  ", "    ", word("missing", o.Lang)+": "+strings.Join(c.Missing, ", "))
		}
	}
	fmt.Fprintf(ew, "\n%s\n", word("explain", o.Lang))
	return ew.err
}

// lineWidth is where wrap breaks lines.
const lineWidth = 100

// wrap writes s in lines of at most lineWidth runes, breaking at spaces.
func wrap(w io.Writer, first, rest, s string) {
	prefix, line := first, ""
	for _, word := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(prefix+line+" "+word) > lineWidth {
			fmt.Fprintln(w, prefix+line)
			prefix, line = rest, ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	fmt.Fprintln(w, prefix+line)
}

// Explain writes every reason of criterion n with the values, years and sources it used.
func Explain(w io.Writer, r *engine.Result, n int, o Options) error {
	c := r.Criterion(n)
	if c == nil {
		return fmt.Errorf("explain: no criterion %d (want 1..8)", n)
	}
	ew := &errWriter{w: w}
	header(ew, r, o)
	fmt.Fprintf(ew, "%s\n%s: %s\n\n", title(*c, o.Lang), word("verdict", o.Lang), strings.ToUpper(Verdict(c.Verdict, o.Lang)))
	for i, rs := range c.Reasons {
		wrap(ew, fmt.Sprintf("%d. [%s] ", i+1, rs.Code), "   ", rs.Message.In(o.Lang))
		supports := word("supports", o.Lang) + ": " + Verdict(rs.Verdict, o.Lang)
		if rs.Signal != "" {
			supports += "; " + word("signal", o.Lang) + ": " + word(rs.Signal, o.Lang)
		}
		fmt.Fprintf(ew, "   (%s)\n", supports)
		for _, v := range rs.Indicators {
			fmt.Fprintf(ew, "   - %s = %s (%s)\n", v.ID, valueText(v), provenanceText(v.Year, v.Provenance, o.Lang))
		}
		for _, e := range rs.Evidence {
			fmt.Fprintf(ew, "   - %s %s [%s]: %s (%s)\n", e.Date, e.ID, e.Category, summary(e, o.Lang), provenanceText(0, e.Provenance, o.Lang))
		}
	}
	fmt.Fprintf(ew, "\n%s: %s\n", word("missing", o.Lang), listOrNone(c.Missing, o.Lang))
	return ew.err
}

// Markdown writes a full report: summary table, then every criterion's reasons and sources.
func Markdown(w io.Writer, r *engine.Result, o Options) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "# %s (%s)\n\n", name(r.Country, o.Lang), r.Country.ISO3)
	fmt.Fprintf(ew, "%s, %s %s.\n\n", word("title", o.Lang), word("as_of", o.Lang), r.AsOf)
	fmt.Fprintf(ew, "**%s: %s**\n\n", word("overall", o.Lang), Overall(r.Overall, o.Lang))
	if o.Bundle != "" {
		fmt.Fprintf(ew, "- %s: `%s`\n", word("bundle", o.Lang), o.Bundle)
	}
	if o.Policies != "" {
		fmt.Fprintf(ew, "- %s: `%s`\n", word("policies", o.Lang), o.Policies)
	}
	fmt.Fprintf(ew, "- %s: `%s`\n- %s: `%s`\n", word("revision", o.Lang), r.PolicyRevision, word("input", o.Lang), r.InputDigest)
	if r.Evaluator != "" {
		fmt.Fprintf(ew, "- %s: %s\n", word("evaluator", o.Lang), r.Evaluator)
	}
	fmt.Fprintln(ew)
	fmt.Fprintf(ew, "| %s | %s |\n|---|---|\n", word("criterion", o.Lang), word("verdict", o.Lang))
	for _, c := range r.Criteria {
		fmt.Fprintf(ew, "| %s | %s |\n", md(title(c, o.Lang)), Verdict(c.Verdict, o.Lang))
	}
	for _, c := range r.Criteria {
		fmt.Fprintf(ew, "\n## %s: %s\n\n", title(c, o.Lang), Verdict(c.Verdict, o.Lang))
		for _, rs := range c.Reasons {
			fmt.Fprintf(ew, "- %s (`%s`, %s: %s)\n", md(rs.Message.In(o.Lang)), rs.Code, word("supports", o.Lang), Verdict(rs.Verdict, o.Lang))
			for _, v := range rs.Indicators {
				fmt.Fprintf(ew, "  - `%s` = %s (%s)\n", v.ID, md(valueText(v)), md(provenanceText(v.Year, v.Provenance, o.Lang)))
			}
			for _, e := range rs.Evidence {
				fmt.Fprintf(ew, "  - %s: %s (%s)\n", e.Date, md(summary(e, o.Lang)), md(provenanceText(0, e.Provenance, o.Lang)))
			}
		}
		fmt.Fprintf(ew, "\n%s: %s\n", word("missing", o.Lang), md(listOrNone(c.Missing, o.Lang)))
	}
	fmt.Fprintf(ew, "\n---\n%s\n", word("attributed", o.Lang))
	return ew.err
}

func header(w io.Writer, r *engine.Result, o Options) {
	fmt.Fprintf(w, "%s (%s), %s %s\n", name(r.Country, o.Lang), r.Country.ISO3, word("as_of", o.Lang), r.AsOf)
	fmt.Fprintf(w, "%s: %s\n", word("overall", o.Lang), strings.ToUpper(Overall(r.Overall, o.Lang)))
	if o.Bundle != "" {
		fmt.Fprintf(w, "%s: %s\n", word("bundle", o.Lang), o.Bundle)
	}
	if o.Policies != "" {
		fmt.Fprintf(w, "%s: %s\n", word("policies", o.Lang), o.Policies)
	}
	fmt.Fprintf(w, "%s: %s\n%s: %s\n", word("revision", o.Lang), r.PolicyRevision, word("input", o.Lang), r.InputDigest)
	if r.Evaluator != "" {
		fmt.Fprintf(w, "%s: %s\n", word("evaluator", o.Lang), r.Evaluator)
	}
	fmt.Fprintln(w)
}

// title is the criterion's number and title, "1. International obligations and commitments".
func title(c engine.CriterionResult, lang string) string {
	return strconv.Itoa(c.Criterion) + ". " + c.Title.In(lang)
}

// main returns the reasons that support the criterion's verdict.
func main(c engine.CriterionResult) []engine.Reason {
	var out []engine.Reason
	for _, r := range c.Reasons {
		if r.Verdict == c.Verdict {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return c.Reasons
	}
	return out
}

func name(c indicators.Country, lang string) string {
	if lang == "de" && c.NameDE != "" {
		return c.NameDE
	}
	return c.NameEN
}

func summary(e indicators.Evidence, lang string) string {
	if lang == "de" && e.SummaryDE != "" {
		return e.SummaryDE
	}
	return e.Summary
}

func valueText(v engine.IndicatorValue) string {
	if v.Addressee != "" {
		return fmt.Sprintf("%v (%s, since %s)", v.Value, v.Addressee, v.Since)
	}
	switch x := v.Value.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func provenanceText(year int, p indicators.Provenance, lang string) string {
	var parts []string
	if year > 0 {
		parts = append(parts, strconv.Itoa(year))
	}
	src := word("source", lang) + ": " + p.Source
	if p.CitedSource != "" {
		src += ", " + word("cites", lang) + " " + p.CitedSource
	}
	parts = append(parts, src)
	if p.URL != "" {
		parts = append(parts, p.URL)
	}
	return strings.Join(parts, "; ")
}

func listOrNone(xs []string, lang string) string {
	if len(xs) == 0 {
		return word("none", lang)
	}
	return strings.Join(xs, ", ")
}

// md escapes the characters that would break a Markdown table or list line.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`).Replace(s)
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

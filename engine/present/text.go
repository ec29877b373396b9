package present

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/exportrisk/exportrisk/engine"
)

// Options say how to write a report.
type Options struct {
	Lang   string // en or de
	Bundle string // where the bundle came from, shown in the header; may be empty
	// Policies says where the policies came from (policy.Set.Source), shown in the
	// header; empty for the embedded policies, which the policy revision names.
	Policies string
	// Explain is how the reader asks for every reason of criterion N (the command line's
	// "--explain N"); the table ends with a hint naming it. Empty: no hint.
	Explain string
}

// LineWidth is where text reports break lines.
const LineWidth = 100

// Table writes the eight verdicts for a terminal: each with its basis, the reasons that decided
// it, their sources and what is missing.
func (p *Presenter) Table(w io.Writer, r *engine.Result, o Options) error {
	rep, err := p.Report(r, o.Lang)
	if err != nil {
		return err
	}
	ew := &errWriter{w: w}
	header(ew, rep, o)
	width := 0
	for _, c := range rep.Criteria {
		width = max(width, utf8.RuneCountInString(heading(&c)))
	}
	for _, c := range rep.Criteria {
		h := heading(&c)
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(h))
		fmt.Fprintf(ew, "%s%s  %s (%s)\n", h, pad, strings.ToUpper(c.VerdictLabel), c.BasisLabel)
		var srcs []citation
		for _, rs := range c.Decided {
			Wrap(ew, "  - ", "    ", rs.Text)
			details(ew, o.Lang, "    · ", "      ", &rs)
			for _, part := range rs.Parts {
				Wrap(ew, "    · ", "      ", part.Text)
				details(ew, o.Lang, "      - ", "        ", &part)
			}
			srcs = appendSources(srcs, &rs)
		}
		if len(srcs) > 0 {
			Wrap(ew, "    ", "      ", T(o.Lang, "sources")+": "+strings.Join(mergeCitations(srcs), "; "))
		}
		if len(c.Missing) > 0 {
			Wrap(ew, "  ", "    ", c.MissingLabel+": "+names(c.Missing))
		}
	}
	fmt.Fprintln(ew)
	legend(ew, rep)
	if o.Explain != "" {
		fmt.Fprintf(ew, T(o.Lang, "explain_hint")+"\n", o.Explain)
	}
	return ew.err
}

// details writes a reason's values (with year and note), grouped lists and evidence items, one
// per line.
func details(w io.Writer, lang, first, rest string, r *Reason) {
	for _, v := range r.Values {
		line := v.Name + ": " + v.Value
		if v.Year != "" {
			line += " (" + v.Year + ")"
		}
		if v.Note != "" {
			line += "; " + v.NoteLabel + ": " + v.Note
		}
		Wrap(w, first, rest, line)
	}
	for _, g := range r.Groups {
		Wrap(w, first, rest, g.Label+": "+strings.Join(g.Names, ", "))
	}
	for _, e := range r.Evidence {
		line := e.Date + ": " + e.Summary
		if e.Note != "" {
			line += "; " + e.NoteLabel + ": " + e.Note
		}
		Wrap(w, first, rest, line)
		if e.Quote != "" {
			Wrap(w, rest, rest, T(lang, "quote")+": “"+e.Quote+"”"+quoteURL(e))
		}
	}
}

// appendSources adds the citations of a reason and its parts to list (mergeCitations names
// each publication once).
func appendSources(list []citation, r *Reason) []citation {
	for _, v := range r.Values {
		list = append(list, v.cite)
	}
	for _, e := range r.Evidence {
		list = append(list, e.cite)
	}
	for i := range r.Parts {
		list = appendSources(list, &r.Parts[i])
	}
	return list
}

// Explain writes criterion n in full: the deciding reasons, then the supporting findings and
// the checks, each with the values, years, notes and evidence it used; what is missing; the
// sources, once each.
func (p *Presenter) Explain(w io.Writer, r *engine.Result, n int, o Options) error {
	if r.Criterion(n) == nil {
		return fmt.Errorf("explain: no criterion %d (want 1..%d)", n, len(r.Criteria))
	}
	rep, err := p.Report(r, o.Lang)
	if err != nil {
		return err
	}
	c := &rep.Criteria[n-1]
	ew := &errWriter{w: w}
	header(ew, rep, o)
	fmt.Fprintf(ew, "%s\n%s: %s (%s: %s)\n", heading(c), T(o.Lang, "verdict"), strings.ToUpper(c.VerdictLabel), T(o.Lang, "basis"), c.BasisLabel)
	for _, sec := range c.Sections(o.Lang) {
		fmt.Fprintf(ew, "\n%s:\n", sec.Label)
		for i := range sec.Reasons {
			explainReason(ew, o.Lang, strconv.Itoa(i+1)+". ", "   ", &sec.Reasons[i])
		}
	}
	fmt.Fprintln(ew)
	Wrap(ew, "", "  ", c.MissingLabel+": "+orNone(o.Lang, names(c.Missing)))
	if len(c.Sources) > 0 {
		fmt.Fprintf(ew, "%s:\n", T(o.Lang, "sources"))
		for _, s := range c.Sources {
			Wrap(ew, "  - ", "    ", s)
		}
	}
	fmt.Fprintln(ew)
	legend(ew, rep)
	return ew.err
}

func explainReason(w io.Writer, lang, first, rest string, r *Reason) {
	Wrap(w, first, rest, r.Text)
	tag := r.VerdictLabel
	if r.Signal != "" {
		tag = Noun(lang, 1, r.Signal+"_signal")
	}
	fmt.Fprintf(w, "%s(%s: %s; %s; %s)\n", rest, T(lang, "supports"), tag, r.BasisLabel, r.Code)
	details(w, lang, rest+"- ", rest+"  ", r)
	for i := range r.Parts {
		explainReason(w, lang, rest+"· ", rest+"  ", &r.Parts[i])
	}
}

// Markdown writes a full report: the summary table, then every criterion as --explain shows it.
func (p *Presenter) Markdown(w io.Writer, r *engine.Result, o Options) error {
	rep, err := p.Report(r, o.Lang)
	if err != nil {
		return err
	}
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "# %s (%s)\n\n", rep.Country, rep.ISO3)
	fmt.Fprintf(ew, "%s, %s %s.\n\n", T(o.Lang, "title"), T(o.Lang, "as_of"), rep.AsOf)
	fmt.Fprintf(ew, "**%s: %s**\n\n", T(o.Lang, "overall"), MD(rep.OverallLabel))
	if o.Bundle != "" {
		fmt.Fprintf(ew, "- %s: `%s`\n", T(o.Lang, "bundle"), o.Bundle)
	}
	if o.Policies != "" {
		fmt.Fprintf(ew, "- %s: `%s`\n", T(o.Lang, "policies"), o.Policies)
	}
	fmt.Fprintf(ew, "- %s: `%s`\n- %s: `%s`\n", T(o.Lang, "revision"), rep.PolicyRevision, T(o.Lang, "input"), rep.InputDigest)
	if rep.Evaluator != "" {
		fmt.Fprintf(ew, "- %s: %s\n", T(o.Lang, "evaluator"), rep.Evaluator)
	}
	fmt.Fprintln(ew)
	fmt.Fprintf(ew, "| %s | %s | %s |\n|---|---|---|\n", T(o.Lang, "criterion"), T(o.Lang, "verdict"), T(o.Lang, "basis"))
	for _, c := range rep.Criteria {
		fmt.Fprintf(ew, "| %s | %s | %s |\n", MD(heading(&c)), c.VerdictLabel, c.BasisLabel)
	}
	fmt.Fprintf(ew, "\n%s  \n%s\n", MD(rep.OverallLegend), MD(rep.BasisLegend))
	for _, c := range rep.Criteria {
		fmt.Fprintf(ew, "\n## %s: %s\n\n", MD(heading(&c)), c.VerdictLabel)
		fmt.Fprintf(ew, "%s: %s\n", T(o.Lang, "basis"), c.BasisLabel)
		for _, sec := range c.Sections(o.Lang) {
			fmt.Fprintf(ew, "\n**%s**\n\n", sec.Label)
			for i := range sec.Reasons {
				markdownReason(ew, o.Lang, "", &sec.Reasons[i])
			}
		}
		fmt.Fprintf(ew, "\n%s: %s\n", MD(c.MissingLabel), MD(orNone(o.Lang, names(c.Missing))))
		if len(c.Sources) > 0 {
			fmt.Fprintf(ew, "\n%s:\n\n", T(o.Lang, "sources"))
			for _, s := range c.Sources {
				fmt.Fprintf(ew, "- %s\n", MD(s))
			}
		}
	}
	fmt.Fprintf(ew, "\n---\n%s  \n%s\n", T(o.Lang, "attributed"), MD(T(o.Lang, "method")))
	return ew.err
}

func markdownReason(w io.Writer, lang, indent string, r *Reason) {
	tag := r.VerdictLabel
	if r.Signal != "" {
		tag = Noun(lang, 1, r.Signal+"_signal")
	}
	fmt.Fprintf(w, "%s- %s (%s: %s; %s; `%s`)\n", indent, MD(r.Text), T(lang, "supports"), tag, r.BasisLabel, r.Code)
	in := indent + "  "
	for _, v := range r.Values {
		line := MD(v.Name) + ": " + MD(v.Value)
		if v.Year != "" {
			line += " (" + v.Year + ")"
		}
		if v.Note != "" {
			line += "; " + v.NoteLabel + ": " + MD(v.Note)
		}
		fmt.Fprintf(w, "%s- %s\n", in, line)
	}
	for _, g := range r.Groups {
		fmt.Fprintf(w, "%s- %s: %s\n", in, MD(g.Label), MD(strings.Join(g.Names, ", ")))
	}
	for _, e := range r.Evidence {
		line := e.Date + ": " + MD(e.Summary)
		if e.Note != "" {
			line += "; " + e.NoteLabel + ": " + MD(e.Note)
		}
		if e.Quote != "" {
			line += "; " + T(lang, "quote") + ": “" + MD(e.Quote) + "”" + MD(quoteURL(e))
		}
		fmt.Fprintf(w, "%s- %s\n", in, line)
	}
	for i := range r.Parts {
		markdownReason(w, lang, in, &r.Parts[i])
	}
}

// DecisionLine is the line that ends a report: the decision id it was recorded under in the
// audit log, or that it was not recorded (a dry run, id empty); in Markdown in italics with the
// id as code.
func DecisionLine(lang, id string, markdown bool) string {
	var line string
	switch {
	case id == "":
		line = T(lang, "not_recorded_dry")
	default:
		line = fmt.Sprintf(T(lang, "decision_recorded"), id)
	}
	if markdown && id != "" {
		line = strings.Replace(line, id, "`"+id+"`", 1)
	}
	if markdown {
		line = "_" + line + "_"
	}
	return line
}

func header(w io.Writer, rep *Report, o Options) {
	fmt.Fprintf(w, "%s (%s), %s %s\n", rep.Country, rep.ISO3, T(o.Lang, "as_of"), rep.AsOf)
	fmt.Fprintf(w, "%s: %s\n", T(o.Lang, "overall"), strings.ToUpper(rep.OverallLabel))
	if o.Bundle != "" {
		fmt.Fprintf(w, "%s: %s\n", T(o.Lang, "bundle"), o.Bundle)
	}
	if o.Policies != "" {
		fmt.Fprintf(w, "%s: %s\n", T(o.Lang, "policies"), o.Policies)
	}
	fmt.Fprintf(w, "%s: %s\n%s: %s\n", T(o.Lang, "revision"), rep.PolicyRevision, T(o.Lang, "input"), rep.InputDigest)
	if rep.Evaluator != "" {
		fmt.Fprintf(w, "%s: %s\n", T(o.Lang, "evaluator"), rep.Evaluator)
	}
	fmt.Fprintln(w)
}

func legend(w io.Writer, rep *Report) {
	Wrap(w, "", "  ", rep.OverallLegend)
	Wrap(w, "", "  ", rep.BasisLegend)
}

// heading is the criterion's number and title, "1. International obligations and commitments".
func heading(c *Criterion) string { return strconv.Itoa(c.Number) + ". " + c.Title }

func names(items []Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.Name
	}
	return strings.Join(parts, ", ")
}

func orNone(lang, s string) string {
	if s == "" {
		return T(lang, "none")
	}
	return s
}

// Wrap writes s in lines of at most LineWidth runes, breaking at spaces; the first line starts
// with first, the others with rest.
func Wrap(w io.Writer, first, rest, s string) {
	prefix, line := first, ""
	for _, word := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(prefix+line+" "+word) > LineWidth {
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

// MD escapes the characters that would break a Markdown table or list line.
func MD(s string) string {
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

// quoteURL is " (URL)" after an item's quote, or "".
func quoteURL(e Event) string {
	if e.URL == "" {
		return ""
	}
	return " (" + e.URL + ")"
}

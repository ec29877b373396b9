package present

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// Number formats x in lang's convention: a decimal point and thousands commas in English
// (1,234.5), a decimal comma and thousands points in German (1.234,5). decimals >= 0 rounds to
// that many places; decimals < 0 keeps the value's own digits.
func Number(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	point, sep := ".", ","
	if de(lang) {
		point, sep = ",", "."
	}
	var b strings.Builder
	if neg && strings.Trim(whole+frac, "0") != "" {
		b.WriteString("−") // a minus sign, not a hyphen
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 && len(whole) > 4 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

// Date formats a date at its known precision: YYYY as it is, YYYY-MM as "January 2022" /
// "Januar 2022", YYYY-MM-DD as "14 October 2006" / "14. Oktober 2006". Anything else is
// returned unchanged.
func Date(lang, s string) string {
	parts := strings.Split(s, "-")
	if len(parts) == 0 || len(parts) > 3 || len(parts[0]) != 4 {
		return s
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			return s
		}
	}
	if len(parts) == 1 {
		return s
	}
	m, _ := strconv.Atoi(parts[1])
	if m < 1 || m > 12 || len(parts[1]) != 2 {
		return s
	}
	month := months[m-1].in(lang)
	if len(parts) == 2 {
		return month + " " + parts[0]
	}
	d, _ := strconv.Atoi(parts[2])
	if d < 1 || d > 31 || len(parts[2]) != 2 {
		return s
	}
	if de(lang) {
		return fmt.Sprintf("%d. %s %s", d, month, parts[0])
	}
	return fmt.Sprintf("%d %s %s", d, month, parts[0])
}

// DateAt formats a YYYY-MM-DD date at a precision: "year" keeps YYYY, "month" YYYY-MM,
// anything else the full date (see Date).
func DateAt(lang, s, precision string) string {
	switch precision {
	case "year":
		if len(s) >= 4 {
			return Date(lang, s[:4])
		}
	case "month":
		if len(s) >= 7 {
			return Date(lang, s[:7])
		}
	}
	return Date(lang, s)
}

// Our own compilation files, which a source string may name; a reader is given the publisher
// instead (Cite).
var (
	internalPrefixes = []string{"exportrisk curated table ", "shared/data "}
	trailingDetail   = regexp.MustCompile(`\s*\(([^()]*(\([^()]*\))?[^()]*)\)\s*$`)
	listOf           = regexp.MustCompile(`^[a-z0-9_]+ (list (as )?of .*)$`)
	laterChange      = regexp.MustCompile(`^[a-z0-9_]+, (later change .*)$`)
	rowAsOf          = regexp.MustCompile(`^row (as of .*)$`)
	untc             = regexp.MustCompile(`^UN Treaty Collection ([IVXL]+-[0-9]+(-[a-z])?), (.*)$`)
)

// publishers name the publisher of our compilation files whose source string names none.
var publishers = map[string]string{
	"att.csv":                    "UN Treaty Collection, status of XXVI-8 (Arms Trade Treaty)",
	"hcoc.csv":                   "Hague Code of Conduct, list of subscribing states",
	"nuclear_terrorism_2005.csv": "UNODA Disarmament Treaties Database, International Convention for the Suppression of Acts of Nuclear Terrorism",
	"embargoes_2026.csv":         "UN Security Council, Council of the EU and OSCE arms embargo decisions",
	"embargo_history.csv":        "UN Security Council, Council of the EU and OSCE arms embargo decisions (history)",
	"memberships_curated.csv":    "depositary notifications",
}

// Cite returns the source of a value as a reader cites it: the publication, with the original
// source a compilation cites, and never one of our file paths. A source that names one of our
// compilation files is replaced by the publisher it copies ("UN Treaty Collection, status of
// IV-4 (list of 2026)").
func Cite(p indicators.Provenance) string { return cite(p).String() }

// citation is a reader's citation split into the publication and its locators (a table, box,
// section or status list), so that the citations of one criterion can name each publication
// once (Sources). It reads pre + open + locators joined by "; " + close + post; without
// locators, pre + post.
type citation struct {
	pre, open, close, post string
	locs                   []string
}

func (c citation) String() string {
	if len(c.locs) == 0 {
		return c.pre + c.post
	}
	return c.pre + c.open + strings.Join(c.locs, "; ") + c.close + c.post
}

// publication is what citations of the same publication share.
func (c citation) publication() string {
	return c.pre + "\x00" + c.open + "\x00" + c.close + "\x00" + c.post
}

func cite(p indicators.Provenance) citation {
	src := p.Source
	rest, internal := "", false
	for _, pre := range internalPrefixes {
		if r, ok := strings.CutPrefix(src, pre); ok {
			rest, internal = r, true
			break
		}
	}
	if !internal {
		head, locs := splitSource(src)
		if p.CitedSource == "" {
			return citation{pre: head, open: ", ", locs: locs}
		}
		return citation{pre: p.CitedSource + " (" + head, open: ", ", locs: locs, post: ")"}
	}
	file, detail := rest, ""
	if m := trailingDetail.FindStringSubmatchIndex(rest); m != nil {
		file, detail = rest[:m[0]], rest[m[2]:m[3]]
	}
	file = path.Base(strings.TrimSpace(file))
	if m := untc.FindStringSubmatch(detail); m != nil {
		return citation{pre: "UN Treaty Collection", open: ", ", locs: []string{"status of " + m[1] + " (" + m[3] + ")"}}
	}
	for _, re := range []*regexp.Regexp{listOf, laterChange, rowAsOf} {
		if m := re.FindStringSubmatch(detail); m != nil {
			detail = m[1]
			break
		}
	}
	publisher := p.CitedSource
	if publisher == "" {
		publisher = publishers[file]
	}
	if publisher == "" {
		publisher = "exportrisk compilation"
	}
	c := citation{pre: publisher, open: " (", close: ")"}
	if detail != "" {
		c.locs = []string{detail}
	}
	return c
}

// splitSource splits a source string into the publication and its locators where it reads
// "Publisher, Title (date), locator; locator" (the publication ends at the first closing
// parenthesis followed by a comma, outside any parenthesis); otherwise it is all publication.
func splitSource(s string) (head string, locs []string) {
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && strings.HasPrefix(s[i+1:], ", ") && i+3 < len(s) {
				return s[:i+1], splitTop(s[i+3:], "; ")
			}
		}
	}
	return s, nil
}

// splitTop splits s at sep outside parentheses.
func splitTop(s, sep string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '(':
			depth++
		case s[i] == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], sep):
			out = append(out, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(out, s[start:])
}

// mergeCitations names each publication once, in the order first cited: the citations of one
// publication become one, its locators merged in order without repeats; a locator another one
// extends ("Tabelle 11" beside "Tabelle 11 mit Kommentar") is left out.
func mergeCitations(cs []citation) []string {
	var order []string
	byPub := map[string]*citation{}
	for _, c := range cs {
		if c.String() == "" {
			continue
		}
		k := c.publication()
		m, ok := byPub[k]
		if !ok {
			m = &citation{pre: c.pre, open: c.open, close: c.close, post: c.post}
			byPub[k] = m
			order = append(order, k)
		}
		for _, l := range c.locs {
			if !slices.Contains(m.locs, l) {
				m.locs = append(m.locs, l)
			}
		}
	}
	out := make([]string, len(order))
	for i, k := range order {
		m := byPub[k]
		all := slices.Clone(m.locs)
		m.locs = slices.DeleteFunc(m.locs, func(l string) bool {
			return slices.ContainsFunc(all, func(o string) bool {
				return strings.HasPrefix(o, l+" ") || strings.HasPrefix(o, l+",")
			})
		})
		out[i] = m.String()
	}
	return out
}

var (
	notePath    = regexp.MustCompile(`\s*\((?:indicators/importers|shared/data)[^()]*\)`)
	noteDataDir = regexp.MustCompile(`\bshared/data\b`)
)

// Note returns a value's note for a reader: our own file paths, which a compiler's note may
// name, are left out.
func Note(s string) string {
	s = notePath.ReplaceAllString(s, "")
	return noteDataDir.ReplaceAllString(s, "the published data set")
}

// NoteIn returns the note on a value for a reader of lang (without our file paths, see Note):
// in German the German note (note_de) where the value has one; otherwise the note as given,
// and english says it is an English note in a German output, which must be marked as such.
func NoteIn(lang string, p indicators.Provenance) (note string, english bool) {
	if de(lang) {
		if p.NoteDE != "" {
			return Note(p.NoteDE), false
		}
		return Note(p.Note), p.Note != ""
	}
	return Note(p.Note), false
}

// NoteLabel is the label of a note: "note" / "Anmerkung", "Anmerkung (englisch)" for an English
// note in a German output.
func NoteLabel(lang string, english bool) string {
	if english {
		return T(lang, "note_english")
	}
	return T(lang, "note")
}

// MarkedNote is the note on a value where it is shown without a label (a table cell, a list
// in parentheses): the note in lang (NoteIn), an English note in a German output prefixed
// "Anmerkung (englisch): ". Empty without a note.
func MarkedNote(lang string, p indicators.Provenance) string {
	n, english := NoteIn(lang, p)
	if english {
		return NoteLabel(lang, true) + ": " + n
	}
	return n
}

// Name returns the display name of an indicator, by its id (pts, att, UN) with its section
// (indices, memberships, embargoes) as a bundle field path (indices.pts, memberships.att,
// embargoes.UN, embargoes.EU.non_state). Without a label the id is returned.
func (p *Presenter) Name(lang, fieldPath string) string {
	section, id, _ := strings.Cut(fieldPath, ".")
	if section == "embargoes" {
		id, _, _ = strings.Cut(id, ".")
	}
	if t, ok := p.labels.names[section][id]; ok {
		return t.in(lang)
	}
	if m := Meaning(lang, fieldPath); m != "" {
		return m // an index the policies do not label (they do not read it): named by its meaning
	}
	return id
}

// ValueName is the name a value is listed under: the display name (Name), for an embargo
// record "UN arms embargo" / "UN-Waffenembargo".
func (p *Presenter) ValueName(lang, fieldPath string) string {
	name := p.Name(lang, fieldPath)
	if strings.HasPrefix(fieldPath, "embargoes.") {
		return name + pair{" arms embargo", "-Waffenembargo"}.in(lang)
	}
	return name
}

// Value returns an indicator value as a reader reads it: a label from the policy data
// (labels.values) where there is one, a number at its source's precision, an embargo as
// "in force since 22 November 2006 (state as a whole)".
func (p *Presenter) Value(lang string, v engine.IndicatorValue) string {
	section, id, _ := strings.Cut(v.ID, ".")
	scope := section
	if section == "indices" {
		scope = id
	}
	var raw string
	switch x := v.Value.(type) {
	case string:
		raw = x
	case bool:
		raw = strconv.FormatBool(x)
	case float64:
		raw = strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		raw = strconv.Itoa(x)
	default:
		raw = fmt.Sprint(x)
	}
	out := raw
	if t, ok := p.labels.values[scope][raw]; ok {
		out = t.in(lang)
	} else if f, ok := number(v.Value); ok {
		dec, known := indicators.Decimals[id]
		if !known || section != "indices" {
			dec = -1
		}
		if f == math.Trunc(f) && !known {
			dec = 0
		}
		out = Number(lang, f, dec)
	}
	if section == "embargoes" {
		if v.Since != "" {
			out += " " + T(lang, "since") + " " + Date(lang, v.Since)
		}
		if v.Addressee != "" {
			out += " (" + p.addressee(lang, v.Addressee) + ")"
		}
		if v.Unconfirmed {
			out += ", " + T(lang, "unconfirmed")
		}
	}
	return out
}

var addressees = map[string]pair{
	"state":     {"state as a whole", "gesamter Staat"},
	"non_state": {"non-state actors only", "nur nichtstaatliche Akteure"},
}

func (p *Presenter) addressee(lang, a string) string {
	if t, ok := addressees[a]; ok {
		return t.in(lang)
	}
	return a
}

// number returns x as a float64 if it is a number.
func number(x any) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

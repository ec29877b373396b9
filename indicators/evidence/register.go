// Package evidence is the evidence register: dated findings (torture reported by a UN
// body, lethal repression, diversion of weapons...) kept as reviewable text, one YAML file
// per country (EGY.yaml), in the bundle's evidence format plus who added each item and the
// sentence of the source it rests on. The register is merged into every bundle of the
// country dated on or after an item's date; the bundle records the register revision it
// took, so that a decision evaluated on it can be replayed exactly.
//
// A register file:
//
//	register_version: 1
//	country: EGY
//	items:
//	  - id: egy-2023-11-24-torture
//	    date: 2023-11-24
//	    category: torture
//	    reported_by: un_body
//	    summary: "..."
//	    source: "UN Committee against Torture, concluding observations on Egypt (CAT/C/EGY/CO/5)"
//	    url: "https://..."
//	    quote: "the sentence of the source, verbatim"
//	    added_by: "a.officer"
//	    added_on: 2026-12-06
package evidence

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// Version is the register file format version this build reads and writes.
const Version = 1

// MaxFileSize is the largest register file read.
const MaxFileSize = 4 << 20

// Required are the fields every register item has, beyond those a bundle's evidence
// item requires (id, date, category, summary, source): a register item must be
// checkable (url, quote), say who reported it and who added it when.
var Required = []string{"reported_by", "url", "quote", "added_by", "added_on"}

// File is one country's register file.
type File struct {
	Path     string // as given to Parse, for messages
	Country  string // ISO3
	Items    []indicators.Evidence
	Revision string // sha256 over the canonical JSON of Items
	lines    []int  // line of each item
	data     []byte // the file's text
}

// Register is the set of register files, by country.
type Register struct {
	Name  string // where it was read from, for messages
	files map[string]*File
}

var fileName = regexp.MustCompile(`^([A-Z]{3})\.yaml$`)

// Load reads and validates every ISO3.yaml file of fsys (other files are ignored); name
// says where fsys is. Problems of every file are returned together, as one
// *indicators.ValidationError per file joined with errors.Join. today bounds the dates.
func Load(fsys fs.FS, name string, today time.Time) (*Register, error) {
	r := &Register{Name: name, files: map[string]*File{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("evidence register %s: %w", name, err)
	}
	var errs []error
	for _, de := range entries {
		if de.IsDir() || !fileName.MatchString(de.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, de.Name())
		if err != nil {
			return nil, fmt.Errorf("evidence register: %w", err)
		}
		f, err := Parse(path.Join(name, de.Name()), data, today)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.files[f.Country] = f
	}
	if err := r.checkIDs(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// checkIDs refuses an id used in two files: an id names one finding.
func (r *Register) checkIDs() error {
	seen := map[string]string{}
	var problems []error
	for _, iso := range r.Countries() {
		f := r.files[iso]
		for i, e := range f.Items {
			if first, dup := seen[e.ID]; dup {
				problems = append(problems, &indicators.ValidationError{File: f.Path, Problems: []indicators.Problem{{
					Line: f.lines[i], Path: fmt.Sprintf("items[%d].id", i), Message: fmt.Sprintf("duplicate id %q (first in %s)", e.ID, first)}}})
				continue
			}
			seen[e.ID] = f.Path
		}
	}
	return errors.Join(problems...)
}

// Parse validates one register file; name (its path) must be ISO3.yaml and its country
// must match. Errors are a *indicators.ValidationError naming line and field path.
func Parse(name string, data []byte, today time.Time) (*File, error) {
	fail := func(p ...indicators.Problem) error { return &indicators.ValidationError{File: name, Problems: p} }
	if len(data) > MaxFileSize {
		return nil, fail(indicators.Problem{Message: fmt.Sprintf("file larger than %d bytes", MaxFileSize)})
	}
	root, err := indicators.ReadText(name, data)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, fail(indicators.Problem{Line: root.Line, Message: "want an object with register_version, country and items, got " + indicators.DescribeYAML(root)})
	}
	f := &File{Path: name, data: data}
	var problems []indicators.Problem
	add := func(n *yaml.Node, p, format string, args ...any) {
		problems = append(problems, indicators.Problem{Line: n.Line, Path: p, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]bool{}
	var itemsNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		seen[k.Value] = true
		switch k.Value {
		case "register_version":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Value != fmt.Sprint(Version) {
				add(v, k.Value, "want %d, got %s", Version, indicators.DescribeYAML(v))
			}
		case "country":
			f.Country = v.Value
			if _, ok := countries.Lookup(v.Value); v.Kind != yaml.ScalarNode || !ok {
				add(v, k.Value, "unknown country code %s (want ISO 3166-1 alpha-3, e.g. EGY)", indicators.DescribeYAML(v))
			} else if m := fileName.FindStringSubmatch(path.Base(name)); m == nil || m[1] != v.Value {
				add(v, k.Value, "%s does not match the file name %s (want %s.yaml)", v.Value, path.Base(name), v.Value)
			}
		case "items":
			itemsNode = v
		default:
			add(k, k.Value, "unknown field")
		}
	}
	for _, r := range []string{"register_version", "country", "items"} {
		if !seen[r] {
			add(root, r, "required field is missing")
		}
	}
	if itemsNode != nil {
		items, ps := indicators.DecodeEvidence(itemsNode, "items", today, "today")
		problems = append(problems, ps...)
		problems = append(problems, checkItems(itemsNode, items, today)...)
		f.Items = items
		for _, n := range itemsNode.Content {
			f.lines = append(f.lines, n.Line)
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, fail(problems...)
	}
	f.Revision, err = revision(f.Items)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// checkItems applies the register's own rules to decoded items: the Required fields, an
// http(s) URL, added_on not after today, and no finding recorded twice (same URL and quote).
func checkItems(list *yaml.Node, items []indicators.Evidence, today time.Time) []indicators.Problem {
	var problems []indicators.Problem
	if list.Kind != yaml.SequenceNode || len(list.Content) != len(items) {
		return nil // DecodeEvidence reported it
	}
	quotes := map[string]string{}
	for i, n := range list.Content {
		if n.Kind != yaml.MappingNode {
			continue
		}
		p := fmt.Sprintf("items[%d]", i)
		keys := map[string]*yaml.Node{}
		for j := 0; j+1 < len(n.Content); j += 2 {
			keys[n.Content[j].Value] = n.Content[j+1]
		}
		for _, r := range Required {
			if keys[r] == nil {
				problems = append(problems, indicators.Problem{Line: n.Line, Path: p + "." + r, Message: "required in the register"})
			}
		}
		e := items[i]
		if v := keys["url"]; v != nil && e.URL != "" {
			if u, err := url.Parse(e.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				problems = append(problems, indicators.Problem{Line: v.Line, Path: p + ".url", Message: fmt.Sprintf("want an http(s) URL of the public source, got %q", e.URL)})
			}
		}
		if v := keys["added_on"]; v != nil && e.AddedOn != "" && e.AddedOn > today.Format(time.DateOnly) {
			problems = append(problems, indicators.Problem{Line: v.Line, Path: p + ".added_on", Message: fmt.Sprintf("date %s is after today %s", e.AddedOn, today.Format(time.DateOnly))})
		}
		if e.URL != "" && e.Quote != "" {
			key := e.URL + "\x00" + normalise(e.Quote)
			if first, dup := quotes[key]; dup {
				problems = append(problems, indicators.Problem{Line: n.Line, Path: p, Message: fmt.Sprintf("the same finding as %s (same URL and quote)", first)})
			} else {
				quotes[key] = p
			}
		}
	}
	return problems
}

func normalise(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func revision(items []indicators.Evidence) (string, error) {
	c, err := indicators.Canonicalize(items)
	if err != nil {
		return "", fmt.Errorf("register revision: %w", err)
	}
	return indicators.Digest(c), nil
}

// Countries returns the countries with a register file, sorted.
func (r *Register) Countries() []string {
	out := make([]string, 0, len(r.files))
	for iso := range r.files {
		out = append(out, iso)
	}
	sort.Strings(out)
	return out
}

// File returns a country's register file, or nil.
func (r *Register) File(iso3 string) *File { return r.files[iso3] }

// Len returns the number of items in the register.
func (r *Register) Len() int {
	n := 0
	for _, f := range r.files {
		n += len(f.Items)
	}
	return n
}

// Merge adds to b the register items of its country that could be known on its as_of —
// dated on or before it, and published on or before it if the item says when — and
// records the country's register revision and the ids taken in b.EvidenceRegister. Items
// a previous merge added (listed in b.EvidenceRegister) are removed first, so merging a
// bundle again, with this or another revision of the register, gives the same bundle as
// merging the unmerged bundle. A register item whose id the bundle already uses is an
// error. Without a register file for the country, b is left as it was after that removal.
func (r *Register) Merge(b *indicators.Bundle) error {
	if ref := b.EvidenceRegister; ref != nil {
		b.Evidence = slices.DeleteFunc(b.Evidence, func(e indicators.Evidence) bool { return slices.Contains(ref.Items, e.ID) })
		b.EvidenceRegister = nil
	}
	f := r.files[b.Country.ISO3]
	if f == nil {
		return nil
	}
	ref := &indicators.RegisterRef{Revision: f.Revision, Items: []string{}}
	for _, e := range f.Items {
		if e.Date > b.AsOf || e.Published > b.AsOf {
			continue
		}
		if slices.ContainsFunc(b.Evidence, func(x indicators.Evidence) bool { return x.ID == e.ID }) {
			return fmt.Errorf("evidence register %s: item %s: the bundle of %s as of %s already has an evidence item with this id", f.Path, e.ID, b.Country.ISO3, b.AsOf)
		}
		b.Evidence = append(b.Evidence, e)
		ref.Items = append(ref.Items, e.ID)
	}
	b.EvidenceRegister = ref
	return nil
}

var (
	dayDate   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	monthDate = regexp.MustCompile(`^\d{4}-\d{2}$`)
	yearDate  = regexp.MustCompile(`^\d{4}$`)
)

// ParseDate reads a finding's date as a person gives it, YYYY-MM-DD, YYYY-MM (the month
// only) or YYYY (the year only), into the register's date (the first day of the month or
// year) and its precision ("" for a full date, "month", "year").
func ParseDate(s string) (date, precision string, err error) {
	switch {
	case dayDate.MatchString(s):
		date = s // a full date: no precision
	case monthDate.MatchString(s):
		date, precision = s+"-01", "month"
	case yearDate.MatchString(s):
		date, precision = s+"-01-01", "year"
	default:
		return "", "", fmt.Errorf("want YYYY-MM-DD, YYYY-MM or YYYY, got %q", s)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return "", "", fmt.Errorf("%q is not a calendar date", s)
	}
	return date, precision, nil
}

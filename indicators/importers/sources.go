package importers

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// Source is one annual data set of the data folder: a CSV file with one row per country and
// data year (or, Wide, one row per country and one column per data year). Import reads it
// into values; Build takes, for a bundle as of 31 December of YEAR, each country's latest
// value published by then (Publication).
//
// A data set of this shape is added as one row of Sources (docs/extending.md, "Adding a
// data source"); TestSourcesAreWiredUp lists the other places a new row needs and fails
// until they agree.
type Source struct {
	ID          string // the source's key: thresholds.data_age.<ID> in policies/data.yaml is its maximum age
	Name        string // the data set, as the README's table of sources names it
	File        string // the file in the data folder
	Publication        // when a data year becomes known, and how far back a value is carried
	// NoMaxAge says why the policies give this source no maximum age; "" means
	// thresholds.data_age.<ID> must list exactly the source's index ids.
	NoMaxAge string

	Code     string // column with the country code (ISO 3166 alpha-3; the Kosovo codes are mapped)
	Entity   string // column naming the row's entity, reported when its code is not a country's
	Year     string // column with the year; with Wide, the prefix of the per-year columns (hdi_ for hdi_2021)
	Wide     bool   // one column per data year instead of a year column
	Edition  bool   // the Year column holds the edition year, not the data year
	YearDiff int    // data year = the Year column's year + YearDiff (FSI: an edition rates the year before, -1)
	Tolerant bool   // rows may carry an unquoted comma in the last column: the surplus joins it

	Columns []Column
	// Needs are further columns Check and Provenance read.
	Needs []string
	// Check, when set, checks a row before its values are read (Freedom House: the edition
	// rates the data year before it).
	Check func(Row) error
	// Provenance gives the provenance of a row's values; a column's Note, when set, replaces
	// its note.
	Provenance func(Row) indicators.Provenance
}

// Column is one indicator a Source gives.
type Column struct {
	ID  string // the catalog id (indicators.Indices)
	Col string // the file's column; "" for a Wide source (the year's column) or a Read that names its own
	// Read reads the value: ok false is no value (a missing marker). Nil reads a number as it is
	// written (rounded to Decimals when Decimals > 0).
	Read     func(r Row, col string) (v any, ok bool, err error)
	Decimals int
	Note     string // the value's note, replacing the one Provenance gives
	NoteDE   string // Note in German
}

// Row is one row of a source's file, for Check, Provenance and a Column's Read.
type Row struct {
	t    *table
	r    row
	Year int // the data year of the row's values
}

// Get returns the trimmed field of a column.
func (r Row) Get(col string) string { return r.t.get(r.r, col) }

// Number reads a numeric field (ok false for a missing marker); an error names file, line and column.
func (r Row) Number(col string) (float64, bool, error) { return r.t.number(r.r, col) }

// Integer reads a whole number; an error names file, line and column.
func (r Row) Integer(col string) (int, bool, error) { return r.t.integer(r.r, col) }

// YearIn reads a column that must hold a year.
func (r Row) YearIn(col string) (int, error) { return r.t.year(r.r, col) }

// Errorf returns an error naming the row's file and line.
func (r Row) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", r.t.name, r.r.line, fmt.Sprintf(format, args...))
}

// whole reads a whole number (a rank) as a number value.
func whole(r Row, col string) (any, bool, error) {
	v, ok, err := r.Integer(col)
	return float64(v), ok, err
}

// notBelow reads a number and keeps it only when it is at least min.
func notBelow(min float64) func(Row, string) (any, bool, error) {
	return func(r Row, col string) (any, bool, error) {
		v, ok, err := r.Number(col)
		return v, ok && v >= min, err
	}
}

// oneOf reads a text that must be one of values; anything else, an empty field included, is
// an error.
func oneOf(values ...string) func(Row, string) (any, bool, error) {
	return func(r Row, col string) (any, bool, error) {
		s := r.Get(col)
		for _, v := range values {
			if s == v {
				return s, true, nil
			}
		}
		return nil, false, r.Errorf("%s: want %s, got %q", col, orList(values), s)
	}
}

// orList writes "F, PF or NF".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// round returns v rounded to n decimals.
func round(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(v*p) / p
}

// read reads one column of a row.
func (c Column) read(r Row, col string) (any, bool, error) {
	if c.Read != nil {
		return c.Read(r, col)
	}
	v, ok, err := r.Number(col)
	if ok && c.Decimals > 0 {
		v = round(v, c.Decimals)
	}
	return v, ok, err
}

// columns are the file's columns the source reads, each once, in order.
func (s *Source) columns() []string {
	var cols []string
	seen := map[string]bool{}
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	add(s.Code)
	add(s.Entity)
	if !s.Wide {
		add(s.Year)
	}
	for _, c := range s.Columns {
		add(c.Col)
	}
	for _, c := range s.Needs {
		add(c)
	}
	return cols
}

// Import reads the source's file: every value of every row, each with its data year and
// provenance. A row whose code is not a country's is returned as unmatched (once per data
// year in which it has a value); rows and years without a value are skipped.
func (s *Source) Import(r io.Reader) (*Result, error) {
	t, err := readTable(r, s.File, s.Tolerant)
	if err != nil {
		return nil, err
	}
	if err := t.need(s.columns()...); err != nil {
		return nil, err
	}
	type slot struct {
		col  string // the Wide column, else ""
		year int
	}
	var wide []slot
	if s.Wide {
		for _, h := range t.header {
			h = strings.TrimSpace(h)
			if rest, ok := strings.CutPrefix(h, s.Year); ok {
				if y, err := strconv.Atoi(rest); err == nil {
					wide = append(wide, slot{h, y})
				}
			}
		}
		if len(wide) == 0 {
			return nil, fmt.Errorf("%s: no %sYYYY columns", t.name, s.Year)
		}
	}
	res := &Result{}
	var vals []Value // a row's values, reused
	for _, rw := range t.rows {
		slots := wide
		if !s.Wide {
			y, err := s.year(t, rw)
			if err != nil {
				return nil, err
			}
			slots = []slot{{year: y}}
		}
		iso, reason := resolveCode(t.get(rw, s.Code))
		for _, sl := range slots {
			row := Row{t: t, r: rw, Year: sl.year}
			if s.Check != nil {
				if err := s.Check(row); err != nil {
					return nil, err
				}
			}
			vals = vals[:0]
			for _, c := range s.Columns {
				col := c.Col
				if s.Wide {
					col = sl.col
				}
				v, ok, err := c.read(row, col)
				if err != nil {
					return nil, err
				}
				if ok {
					vals = append(vals, Value{ISO3: iso, ID: c.ID, Value: v, Year: sl.year, Provenance: indicators.Provenance{Note: c.Note, NoteDE: c.NoteDE}})
				}
			}
			if len(vals) == 0 {
				continue
			}
			if iso == "" {
				res.unmatched(s.File, t.get(rw, s.Entity), sl.year, reason)
				continue
			}
			prov := s.Provenance(row)
			for _, v := range vals {
				p := prov
				if v.Note != "" {
					p.Note, p.NoteDE = v.Note, v.NoteDE
				}
				v.Provenance = p
				res.add(v)
			}
		}
	}
	return res, nil
}

// year reads a row's data year from the Year column.
func (s *Source) year(t *table, rw row) (int, error) {
	if !s.Edition {
		y, err := t.year(rw, s.Year)
		return y + s.YearDiff, err
	}
	edition, ok, err := t.integer(rw, s.Year)
	if err != nil || !ok {
		return 0, fmt.Errorf("%s:%d: %s: want the edition year (%v)", t.name, rw.line, s.Year, err)
	}
	return edition + s.YearDiff, nil
}

// SourceByID returns the source with the id.
func SourceByID(id string) (*Source, bool) {
	for i := range Sources {
		if Sources[i].ID == id {
			return &Sources[i], true
		}
	}
	return nil, false
}

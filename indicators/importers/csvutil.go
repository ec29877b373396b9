package importers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// table is a CSV file read whole: a header and rows, each with its line number.
type table struct {
	name   string
	header []string
	index  map[string]int
	rows   []row
}

type row struct {
	line   int
	fields []string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readTable reads a CSV file with a header line. A UTF-8 byte order mark is dropped. Rows
// may have more fields than the header when a producer left a comma unquoted in the last
// column: tolerant, if set, joins the surplus into the last column; otherwise such a row is
// an error naming the line.
func readTable(r io.Reader, name string, tolerant bool) (*table, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(3); err == nil && bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file", name)
		}
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	t := &table{name: name, header: header, index: map[string]int{}}
	for i, h := range header {
		t.index[strings.TrimSpace(h)] = i
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		switch {
		case len(rec) > len(header) && tolerant:
			last := len(header) - 1
			rec = append(rec[:last], strings.Join(rec[last:], ","))
		case len(rec) != len(header):
			return nil, fmt.Errorf("%s:%d: want %d fields, got %d", name, line, len(header), len(rec))
		}
		t.rows = append(t.rows, row{line: line, fields: rec})
	}
	return t, nil
}

// need checks that the table has the columns and returns an error naming the missing ones.
func (t *table) need(cols ...string) error {
	var missing []string
	for _, c := range cols {
		if _, ok := t.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing column(s) %s", t.name, strings.Join(missing, ", "))
	}
	return nil
}

// get returns the trimmed field of a column ("" when the table has no such column).
func (t *table) get(r row, col string) string {
	i, ok := t.index[col]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// missingMarkers are the producers' ways of saying "no value": SIPRI "..." (not available)
// and "xxx" (country did not exist or was not independent), PTS "NA", UNDP "NaN", FH "N/A".
var missingMarkers = map[string]bool{
	"": true, "..": true, "...": true, "xxx": true, "NA": true, "N/A": true, "n/a": true,
	"NaN": true, "nan": true, "-": true, "–": true, "—": true,
}

var decimalComma = regexp.MustCompile(`^-?\d*,\d+$`)

// parseNumber reads a number as producers write it: missing markers give ok false without
// an error; a decimal comma ("0,82") and a leading dot (".5", "-.25", as Stata writes) are
// accepted; anything else that is not a number is an error.
func parseNumber(s string) (v float64, ok bool, err error) {
	s = strings.TrimSpace(s)
	if missingMarkers[s] {
		return 0, false, nil
	}
	if decimalComma.MatchString(s) {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, fmt.Errorf("not a number: %q", s)
	}
	return f, true, nil
}

// number reads a numeric field, naming the file, line and column in an error.
func (t *table) number(r row, col string) (float64, bool, error) {
	v, ok, err := parseNumber(t.get(r, col))
	if err != nil {
		return 0, false, fmt.Errorf("%s:%d: %s: %w", t.name, r.line, col, err)
	}
	return v, ok, nil
}

// integer reads a whole number (a year, a code), naming the place in an error.
func (t *table) integer(r row, col string) (int, bool, error) {
	v, ok, err := t.number(r, col)
	if err != nil || !ok {
		return 0, ok, err
	}
	if v != float64(int(v)) {
		return 0, false, fmt.Errorf("%s:%d: %s: want a whole number, got %s", t.name, r.line, col, t.get(r, col))
	}
	return int(v), true, nil
}

// year reads a column that must hold a year, naming the place in an error.
func (t *table) year(r row, col string) (int, error) {
	v, ok, err := t.integer(r, col)
	if err != nil || !ok {
		return 0, fmt.Errorf("%s:%d: %s: want a year (%v)", t.name, r.line, col, err)
	}
	return v, nil
}

package indicators

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/indicators/countries"
	"github.com/exportrisk/exportrisk/indicators/safetext"
)

// MaxBundleSize is the largest bundle file Parse accepts.
const MaxBundleSize = 16 << 20

// Limits that bound the work and memory one bundle can cause.
const (
	MaxProblems  = 100    // problems listed; the rest are counted in one last problem
	MaxListItems = 10_000 // items of one list (embargoes, evidence)
	MaxLineText  = 1_000  // characters of a one-line string (names, sources, ids, URLs)
	MaxProseText = 20_000 // characters of prose (description, licence, note, summaries)
)

// now is the clock that decides whether as_of lies in the future (tests set it).
var now = time.Now

// Problem is one thing wrong with a bundle: where (line, field path) and what.
type Problem struct {
	Line    int    // 1-based; 0 when unknown
	Path    string // field path such as indices.pts.value; empty for the whole document
	Message string
}

// ValidationError lists the problems found in one file: at most MaxProblems, and how
// many more there were.
type ValidationError struct {
	File     string
	Problems []Problem
	More     int // problems found beyond those listed
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		if p.Path != "" {
			b.WriteString(": " + p.Path)
		}
		b.WriteString(": " + p.Message)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n%s: %d more problems not listed (at most %d are)", e.File, e.More, MaxProblems)
	}
	return b.String()
}

// LoadFile reads and validates a bundle file (YAML or JSON).
func LoadFile(path string) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBundleSize+1))
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse validates a bundle document (YAML or JSON); name is used in error messages.
// On any problem it returns a *ValidationError listing all problems, and no bundle.
func Parse(name string, data []byte) (*Bundle, error) {
	if len(data) > MaxBundleSize {
		return nil, &ValidationError{File: name, Problems: []Problem{{Message: fmt.Sprintf("file larger than %d bytes", MaxBundleSize)}}}
	}
	root, err := ReadText(name, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{}
	b := d.bundle(root)
	if len(d.problems) > 0 {
		return nil, &ValidationError{File: name, Problems: d.problems, More: d.omitted}
	}
	return b, nil
}

// ReadText is ReadYAML after the checks every file gets before it is read as YAML: UTF-8
// text, and JSON syntax when the file looks like JSON (the evidence register reads its files
// with it too).
func ReadText(name string, data []byte) (*yaml.Node, error) {
	if p, ok := notText(data); !ok {
		return nil, &ValidationError{File: name, Problems: []Problem{p}}
	}
	if looksJSON(data) {
		if p, ok := jsonSyntax(data); !ok {
			return nil, &ValidationError{File: name, Problems: []Problem{p}}
		}
	}
	return ReadYAML(name, data)
}

// notText refuses a file that is not UTF-8 text (a binary file, another encoding), naming
// the line of the first bad byte.
func notText(data []byte) (Problem, bool) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 || r == 0 {
			line := bytes.Count(data[:i], []byte("\n")) + 1
			return Problem{Line: line, Message: fmt.Sprintf("not a text file: byte %d (0x%02x) is not UTF-8 text; want a YAML or JSON bundle", i, data[i])}, false
		}
		i += size
	}
	return Problem{}, true
}

// looksJSON reports whether a document starts (after white space) with { or [.
func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// jsonSyntax checks a JSON document's syntax with a JSON parser, so that its errors are
// worded for JSON, with a line and column.
func jsonSyntax(data []byte) (Problem, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v json.RawMessage
	err := dec.Decode(&v)
	if err == nil {
		if _, err2 := dec.Token(); !errors.Is(err2, io.EOF) {
			line, col := position(data, dec.InputOffset())
			return Problem{Line: line, Message: fmt.Sprintf("invalid JSON: column %d: more than one JSON value in the file", col)}, false
		}
		return Problem{}, true
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		return Problem{Line: line, Message: fmt.Sprintf("invalid JSON: column %d: %s", col, strings.TrimPrefix(se.Error(), "json: "))}, false
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, col := position(data, int64(len(data)))
		return Problem{Line: line, Message: fmt.Sprintf("invalid JSON: column %d: the file ends before the JSON value does (truncated?)", col)}, false
	}
	return Problem{Message: "invalid JSON: " + err.Error()}, false
}

// position returns the line and column (1-based) of a byte offset.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

// ReadYAML reads a document of exactly one YAML (or JSON) value and returns its root node
// with line numbers, or a *ValidationError (syntax error, empty file, several documents).
func ReadYAML(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ValidationError{File: name, Problems: []Problem{{Message: "empty document"}}}
		}
		return nil, &ValidationError{File: name, Problems: []Problem{syntaxProblem(err)}}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{File: name, Problems: []Problem{{Line: extra.Line, Message: "more than one YAML document in the file"}}}
	}
	if len(doc.Content) == 0 {
		return nil, &ValidationError{File: name, Problems: []Problem{{Message: "empty document"}}}
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxProblem(err error) Problem {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Line: line, Message: "syntax error: " + safetext.Escape(m[2])}
	}
	return Problem{Message: "syntax error: " + safetext.Escape(strings.TrimPrefix(msg, "yaml: "))}
}

// decoder walks a YAML node tree, filling a Bundle and collecting problems.
type decoder struct {
	problems []Problem
	omitted  int        // problems found beyond MaxProblems
	asOf     time.Time  // zero until as_of is known
	asOfName string     // what asOf is, in messages; "" for the bundle's as_of
	memo     *entryMemo // entries decoded before, from bundles that share nodes; nil for none
}

// found is the number of problems found so far.
func (d *decoder) found() int { return len(d.problems) + d.omitted }

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	if len(d.problems) >= MaxProblems {
		d.omitted++
		return
	}
	d.problems = append(d.problems, Problem{Line: n.Line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// DescribeYAML names a YAML value in a message: "an object", "a list", a quoted string,
// or the scalar as written.
func DescribeYAML(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!str", "!!timestamp":
		return strconv.Quote(n.Value)
	}
	return safetext.Escape(n.Value)
}

// fields walks a mapping: fn handles each key and returns false for an unknown one.
// Required keys that are absent are reported.
func (d *decoder) fields(n *yaml.Node, path string, required []string, fn func(key string, v *yaml.Node, p string) bool) bool {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want an object, got %s", DescribeYAML(n))
		return false
	}
	keys := keyIndex{n: n}
	if len(n.Content) > 2*maxScannedKeys {
		keys.first = make(map[string]int, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if first := keys.find(k.Value, i); first < i {
			d.fail(k, p, "duplicate key (first at line %d): a later copy would silently replace the first", n.Content[first].Line)
			continue
		}
		keys.add(k.Value, i)
		if err := safetext.Check(k.Value, safetext.Line, 200); err != nil {
			d.fail(k, p, "key: %v", err)
			continue
		}
		if !fn(k.Value, v, p) {
			d.fail(k, p, "unknown field")
		}
	}
	for _, r := range required {
		if keys.find(r, len(n.Content)) == len(n.Content) {
			d.fail(n, join(path, r), "required field is missing")
		}
	}
	return true
}

// maxScannedKeys: the keys of an object up to this many are found by a scan (an object of
// a bundle has tens of keys at most, and a map per object costs more than the scans); a
// larger object gets a map, so that no object costs more than linear time.
const maxScannedKeys = 64

// keyIndex finds the keys of a mapping node.
type keyIndex struct {
	n     *yaml.Node
	first map[string]int // for a large object: the Content index of each key's first copy
}

// find returns the Content index of the first key named key before index end (among
// those added, with a map), or end if there is none.
func (x *keyIndex) find(key string, end int) int {
	if x.first != nil {
		if i, ok := x.first[key]; ok && i < end {
			return i
		}
		return end
	}
	for i := 0; i < end; i += 2 {
		if x.n.Content[i].Value == key {
			return i
		}
	}
	return end
}

// add notes the first copy of a key at Content index i.
func (x *keyIndex) add(key string, i int) {
	if x.first != nil {
		x.first[key] = i
	}
}

// join appends a key to a field path; the key is escaped (safetext.Escape), since paths
// appear in messages.
func join(path, key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] >= 0x7f { // printable ASCII is its own escape
			key = safetext.Escape(key)
			break
		}
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) scalar(n *yaml.Node, path string, tags ...string) bool {
	if n.Kind == yaml.ScalarNode && contains(tags, n.Tag) {
		return true
	}
	want := map[string]string{"!!str": "a string", "!!int": "a whole number", "!!float": "a number", "!!bool": "true or false", "!!timestamp": "a date"}[tags[0]]
	d.fail(n, path, "want %s, got %s", want, DescribeYAML(n))
	return false
}

// str reads a non-empty one-line string (see safetext.Check).
func (d *decoder) str(n *yaml.Node, path string) string {
	return d.text(n, path, safetext.Line, MaxLineText)
}

// prose reads a non-empty string that may span lines.
func (d *decoder) prose(n *yaml.Node, path string) string {
	return d.text(n, path, safetext.Text, MaxProseText)
}

func (d *decoder) text(n *yaml.Node, path string, mode safetext.Mode, max int) string {
	if !d.scalar(n, path, "!!str") {
		return ""
	}
	if strings.TrimSpace(n.Value) == "" {
		d.fail(n, path, "must not be empty")
	}
	if err := safetext.Check(n.Value, mode, max); err != nil {
		d.fail(n, path, "%v", err)
		return ""
	}
	return n.Value
}

func (d *decoder) oneOf(n *yaml.Node, path string, allowed []string) string {
	s := d.str(n, path)
	if s != "" && !contains(allowed, s) {
		d.fail(n, path, "want one of %s, got %q", strings.Join(allowed, ", "), s)
	}
	return s
}

func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	if !d.scalar(n, path, "!!float", "!!int") {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		d.fail(n, path, "want a finite number, got %s", n.Value)
		return 0, false
	}
	return f, true
}

func (d *decoder) integer(n *yaml.Node, path string, min, max int) int {
	if !d.scalar(n, path, "!!int") {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < min || v > max {
		d.fail(n, path, "want a whole number in %d..%d, got %s", min, max, n.Value)
		return 0
	}
	return v
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	if !d.scalar(n, path, "!!bool") {
		return false
	}
	return n.Value == "true"
}

// date reads YYYY-MM-DD; notAfterAsOf rejects dates after the bundle's as_of.
func (d *decoder) date(n *yaml.Node, path string, notAfterAsOf bool) string {
	if !d.scalar(n, path, "!!timestamp", "!!str") {
		return ""
	}
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		d.fail(n, path, "want a date YYYY-MM-DD, got %q", n.Value)
		return ""
	}
	if notAfterAsOf && !d.asOf.IsZero() && t.After(d.asOf) {
		what := d.asOfName
		if what == "" {
			what = "the bundle's as_of"
		}
		d.fail(n, path, "date %s is after %s %s", n.Value, what, d.asOf.Format(time.DateOnly))
	}
	return n.Value
}

func (d *decoder) year(n *yaml.Node, path string) int {
	return d.integer(n, path, 1900, d.maxYear())
}

// maxYear is the latest year a value may be of: as_of's.
func (d *decoder) maxYear() int {
	if d.asOf.IsZero() {
		return 2100
	}
	return d.asOf.Year()
}

func (d *decoder) provenance(p *Provenance, key string, v *yaml.Node, path string) bool {
	switch key {
	case "source":
		p.Source = d.str(v, path)
	case "cited_source":
		p.CitedSource = d.str(v, path)
	case "url":
		p.URL = d.str(v, path)
	case "note":
		p.Note = d.prose(v, path)
	case "note_de":
		p.NoteDE = d.prose(v, path)
	default:
		return false
	}
	return true
}

func (d *decoder) bundle(n *yaml.Node) *Bundle {
	b := &Bundle{Indices: map[string]Index{}, Memberships: map[string]Membership{}, Embargoes: []Embargo{}, Evidence: []Evidence{}}
	if n.Kind != yaml.MappingNode {
		d.fail(n, "", "want an object at the top level, got %s", DescribeYAML(n))
		return b
	}
	// as_of first: the other fields are checked against it.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "as_of" {
			if s := d.date(n.Content[i+1], "as_of", false); s != "" {
				b.AsOf = s
				d.asOf, _ = time.Parse(time.DateOnly, s)
				if today := now().UTC(); d.asOf.After(today.AddDate(0, 0, 1)) {
					d.fail(n.Content[i+1], "as_of", "%s is in the future (today is %s): evidence windows count back from as_of, so a future date would leave out current evidence",
						s, today.Format(time.DateOnly))
				}
			}
		}
	}
	required := []string{"schema_version", "country", "as_of", "indices", "memberships", "embargoes", "evidence"}
	var registerNode *yaml.Node
	d.fields(n, "", required, func(key string, v *yaml.Node, p string) bool {
		switch key {
		case "schema_version":
			if d.scalar(v, p, "!!int") && v.Value != strconv.Itoa(SchemaVersion) {
				d.fail(v, p, "unsupported schema version %s: this build reads %d", v.Value, SchemaVersion)
			}
			b.SchemaVersion = SchemaVersion
		case "country":
			b.Country = d.country(v, p)
		case "as_of":
		case "description":
			b.Description = d.prose(v, p)
		case "licence":
			b.Licence = d.prose(v, p)
		case "indices":
			b.Indices = make(map[string]Index, min(len(v.Content)/2, len(Indices))) // sized once: ids are from the catalog
			d.indices(v, p, b.Indices)
		case "memberships":
			b.Memberships = make(map[string]Membership, min(len(v.Content)/2, len(Instruments)))
			d.memberships(v, p, b.Memberships)
		case "embargoes":
			b.Embargoes = d.embargoes(v, p)
		case "evidence":
			b.Evidence = d.evidence(v, p)
		case "evidence_register":
			registerNode = v
		default:
			return false
		}
		return true
	})
	if registerNode != nil { // after evidence: it names evidence ids
		b.EvidenceRegister = d.registerRef(registerNode, "evidence_register", b.Evidence)
	}
	return b
}

var registerRevision = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// registerRef reads evidence_register: the register revision merged and the ids of the
// evidence items taken from it, each of which must be in the bundle's evidence.
func (d *decoder) registerRef(n *yaml.Node, path string, evidence []Evidence) *RegisterRef {
	r := &RegisterRef{Items: []string{}}
	d.fields(n, path, []string{"revision", "items"}, func(key string, v *yaml.Node, p string) bool {
		switch key {
		case "revision":
			r.Revision = d.str(v, p)
			if r.Revision != "" && !registerRevision.MatchString(r.Revision) {
				d.fail(v, p, "want sha256:<64 hex digits>, got %q", r.Revision)
			}
		case "items":
			seen := map[string]bool{}
			d.list(v, p, func(iv *yaml.Node, ip string) {
				id := d.str(iv, ip)
				if id == "" {
					return
				}
				if seen[id] {
					d.fail(iv, ip, "duplicate id %q", id)
				}
				seen[id] = true
				if !slices.ContainsFunc(evidence, func(e Evidence) bool { return e.ID == id }) {
					d.fail(iv, ip, "no evidence item has the id %q", id)
				}
				r.Items = append(r.Items, id)
			})
		default:
			return false
		}
		return true
	})
	return r
}

// DecodeEvidence reads a list of evidence items in the bundle format from a node of a
// document read with ReadYAML, checking every rule a bundle's evidence must pass; dates
// must not be after notAfter, which messages call limitName (e.g. "today"). Problems name
// the line and the field path under path.
func DecodeEvidence(n *yaml.Node, path string, notAfter time.Time, limitName string) ([]Evidence, []Problem) {
	d := &decoder{asOf: notAfter, asOfName: limitName}
	items := d.evidence(n, path)
	if d.omitted > 0 {
		return items, append(d.problems, Problem{Message: fmt.Sprintf("%d more problems not listed (at most %d are)", d.omitted, MaxProblems)})
	}
	return items, d.problems
}

func (d *decoder) country(n *yaml.Node, path string) Country {
	var c Country
	d.fields(n, path, []string{"iso3", "name_en", "name_de"}, func(key string, v *yaml.Node, p string) bool {
		switch key {
		case "iso3":
			c.ISO3 = d.iso3(v, p)
		case "name_en":
			c.NameEN = d.str(v, p)
		case "name_de":
			c.NameDE = d.str(v, p)
		default:
			return false
		}
		return true
	})
	return c
}

func (d *decoder) iso3(n *yaml.Node, path string) string {
	s := d.str(n, path)
	if s == "" {
		return ""
	}
	if _, ok := countries.Lookup(s); !ok {
		d.fail(n, path, "unknown country code %q (want ISO 3166-1 alpha-3, e.g. KAZ)", s)
	}
	return s
}

func (d *decoder) indices(n *yaml.Node, path string, out map[string]Index) {
	d.fields(n, path, nil, func(id string, v *yaml.Node, p string) bool {
		spec, ok := IndexByID(id)
		if !ok {
			d.fail(v, p, "unknown index id (see docs/bundle.md for the catalog)")
			return true
		}
		var ix Index
		d.fields(v, p, []string{"value", "year", "source"}, func(key string, fv *yaml.Node, fp string) bool {
			switch key {
			case "value":
				ix.Value = d.indexValue(spec, fv, fp)
			case "year":
				ix.Year = d.year(fv, fp)
			default:
				return d.provenance(&ix.Provenance, key, fv, fp)
			}
			return true
		})
		out[id] = ix
		return true
	})
}

func (d *decoder) indexValue(spec IndexSpec, n *yaml.Node, path string) any {
	switch spec.Kind {
	case Enum:
		return d.oneOf(n, path, spec.Values)
	case Boolean:
		return d.boolean(n, path)
	}
	f, ok := d.number(n, path)
	if !ok {
		return nil
	}
	if spec.Kind == Integer && f != math.Trunc(f) {
		d.fail(n, path, "want a whole number, got %s", n.Value)
	}
	if f < spec.Min || f > spec.Max {
		d.fail(n, path, "want %s, got %s", rangeText(spec), n.Value)
	}
	return f
}

func rangeText(s IndexSpec) string {
	if math.IsInf(s.Max, 1) {
		return fmt.Sprintf("%g or more", s.Min)
	}
	return fmt.Sprintf("%g..%g", s.Min, s.Max)
}

func (d *decoder) memberships(n *yaml.Node, path string, out map[string]Membership) {
	d.fields(n, path, nil, func(id string, v *yaml.Node, p string) bool {
		if !contains(Instruments, id) {
			d.fail(v, p, "unknown instrument id (see docs/bundle.md for the catalog)")
			return true
		}
		if m, ok := d.memo.membership(id, v); ok && m.Year <= d.maxYear() { // year 0: none given
			out[id] = m
			return true
		}
		found := d.found()
		var m Membership
		d.fields(v, p, []string{"status", "source"}, func(key string, fv *yaml.Node, fp string) bool {
			switch key {
			case "status":
				m.Status = d.oneOf(fv, fp, MembershipStatuses)
			case "year":
				m.Year = d.year(fv, fp)
			default:
				return d.provenance(&m.Provenance, key, fv, fp)
			}
			return true
		})
		out[id] = m
		if d.found() == found {
			d.memo.putMembership(id, v, m)
		}
		return true
	})
}

// entryMemo keeps the membership entries that decoded without a problem, by id and node,
// for the bundles of one history file: its years share the nodes of what did not change
// (see mergeValue.yamlNode), and an entry decodes to the same value whichever bundle holds
// it. Only the check of its year depends on the bundle (not after as_of's year), and that
// is made again for each bundle. A nil memo keeps nothing. (Memberships rarely change from
// one year to the next, about four in five entries are found here; index entries change
// nearly every year, so they are not kept.)
type entryMemo struct {
	mu          sync.Mutex
	memberships map[memoKey]Membership
}

type memoKey struct {
	id   string
	node *yaml.Node
}

func (m *entryMemo) membership(id string, n *yaml.Node) (Membership, bool) {
	if m == nil {
		return Membership{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ms, ok := m.memberships[memoKey{id, n}]
	return ms, ok
}

func (m *entryMemo) putMembership(id string, n *yaml.Node, ms Membership) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.memberships == nil {
		m.memberships = map[memoKey]Membership{}
	}
	m.memberships[memoKey{id, n}] = ms
}

func (d *decoder) list(n *yaml.Node, path string, each func(v *yaml.Node, p string)) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "want a list, got %s", DescribeYAML(n))
		return
	}
	if len(n.Content) > MaxListItems {
		d.fail(n, path, "at most %d items (got %d)", MaxListItems, len(n.Content))
		return
	}
	for i, v := range n.Content {
		each(v, fmt.Sprintf("%s[%d]", path, i))
	}
}

func (d *decoder) embargoes(n *yaml.Node, path string) []Embargo {
	out := []Embargo{}
	seen := map[string][]struct{ key, path string }{} // authority -> records so far
	d.list(n, path, func(v *yaml.Node, p string) {
		var e Embargo
		var addresseeNode *yaml.Node
		ok := d.fields(v, p, []string{"authority", "in_force", "source"}, func(key string, fv *yaml.Node, fp string) bool {
			switch key {
			case "authority":
				e.Authority = d.oneOf(fv, fp, Authorities)
			case "in_force":
				e.InForce = d.boolean(fv, fp)
			case "addressee":
				e.Addressee = d.oneOf(fv, fp, Addressees)
				addresseeNode = fv
			case "since":
				e.Since = d.date(fv, fp, true)
			case "unconfirmed":
				e.Unconfirmed = d.boolean(fv, fp)
			default:
				return d.provenance(&e.Provenance, key, fv, fp)
			}
			return true
		})
		if !ok {
			return
		}
		if e.InForce {
			if e.Addressee == "" && addresseeNode == nil {
				d.fail(v, join(p, "addressee"), "required when in_force is true (state or non_state)")
			}
			if e.Since == "" {
				d.fail(v, join(p, "since"), "required when in_force is true")
			}
		} else if addresseeNode != nil {
			d.fail(addresseeNode, join(p, "addressee"), "only allowed when in_force is true")
		}
		if e.Authority != "" {
			key := e.Addressee
			if !e.InForce {
				key = "none"
			}
			for _, prev := range seen[e.Authority] {
				if prev.key == key || prev.key == "none" || key == "none" {
					d.fail(v, p, "conflicts with %s: one record per authority and addressee, and a record with in_force false excludes other records of %s", prev.path, e.Authority)
					break
				}
			}
			seen[e.Authority] = append(seen[e.Authority], struct{ key, path string }{key, p})
		}
		out = append(out, e)
	})
	return out
}

var evidenceID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (d *decoder) evidence(n *yaml.Node, path string) []Evidence {
	out := []Evidence{}
	ids := map[string]string{}
	d.list(n, path, func(v *yaml.Node, p string) {
		var e Evidence
		d.fields(v, p, []string{"id", "date", "category", "summary", "source"}, func(key string, fv *yaml.Node, fp string) bool {
			switch key {
			case "id":
				e.ID = d.str(fv, fp)
				if e.ID == "" {
					break
				}
				if !evidenceID.MatchString(e.ID) {
					d.fail(fv, fp, "want letters, digits, '.', '_' or '-', got %q", e.ID)
				}
				if first, dup := ids[e.ID]; dup {
					d.fail(fv, fp, "duplicate id %q (first at %s)", e.ID, first)
				} else {
					ids[e.ID] = fp
				}
			case "date":
				e.Date = d.date(fv, fp, true)
			case "category":
				e.Category = d.oneOf(fv, fp, EvidenceCategories)
			case "summary":
				e.Summary = d.prose(fv, fp)
			case "summary_de":
				e.SummaryDE = d.prose(fv, fp)
			case "date_precision":
				e.DatePrecision = d.oneOf(fv, fp, DatePrecisions)
			case "published":
				e.Published = d.date(fv, fp, true)
			case "reported_by":
				e.ReportedBy = d.oneOf(fv, fp, Reporters)
			case "by_state":
				b := d.boolean(fv, fp)
				e.ByState = &b
			case "counterpart":
				e.Counterpart = d.iso3(fv, fp)
			case "figures":
				e.Figures = d.figures(fv, fp)
			case "quote":
				e.Quote = d.prose(fv, fp)
			case "added_by":
				e.AddedBy = d.str(fv, fp)
			case "added_on":
				e.AddedOn = d.date(fv, fp, false) // may be after as_of: the register is merged into older bundles
			case "approved_by":
				e.ApprovedBy = d.str(fv, fp)
			default:
				return d.provenance(&e.Provenance, key, fv, fp)
			}
			return true
		})
		switch {
		case e.DatePrecision == "month" && !strings.HasSuffix(e.Date, "-01"):
			d.fail(v, join(p, "date_precision"), "month: a date known to the month is written as its first day (YYYY-MM-01), got %s", e.Date)
		case e.DatePrecision == "year" && !strings.HasSuffix(e.Date, "-01-01"):
			d.fail(v, join(p, "date_precision"), "year: a date known to the year is written as YYYY-01-01, got %s", e.Date)
		}
		if e.Published != "" && e.Date != "" && e.Published < e.Date {
			d.fail(v, join(p, "published"), "%s is before the item's date %s: a finding is published after the event", e.Published, e.Date)
		}
		if e.Category == "torture" && e.ReportedBy == "" && v.Kind == yaml.MappingNode {
			d.fail(v, join(p, "reported_by"), "required for category torture (who reported it decides whether it counts)")
		}
		out = append(out, e)
	})
	return out
}

func (d *decoder) figures(n *yaml.Node, path string) map[string]int {
	out := map[string]int{}
	d.fields(n, path, nil, func(key string, v *yaml.Node, p string) bool {
		if !contains(FigureKeys, key) {
			return false
		}
		out[key] = d.integer(v, p, 0, math.MaxInt32)
		return true
	})
	return out
}

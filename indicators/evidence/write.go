package evidence

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/indicators"
)

// NewID returns an id for an item that no item of r uses: the country in lower case, the
// date and the category (egy-2023-11-24-torture), with -2, -3... when taken.
func (r *Register) NewID(iso3 string, e indicators.Evidence) string {
	base := strings.ToLower(iso3) + "-" + e.Date + "-" + strings.ReplaceAll(e.Category, "_", "-")
	taken := map[string]bool{}
	for _, f := range r.files {
		for _, x := range f.Items {
			taken[x.ID] = true
		}
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}

// Add returns the register with e appended to the text of its country's file (a new file
// if the country has none) and that file, checked exactly as Load checks a register: on
// any problem, an error and no register. r is not changed.
func (r *Register) Add(iso3 string, e indicators.Evidence, today time.Time) (*Register, *File, error) {
	old := []byte(fmt.Sprintf("# Evidence register of %s (see the README, \"The evidence register\").\nregister_version: %d\ncountry: %s\nitems:\n", iso3, Version, iso3))
	name := path.Join(r.Name, iso3+".yaml")
	if f := r.files[iso3]; f != nil {
		old, name = f.data, f.Path
	}
	text, err := ItemYAML(e)
	if err != nil {
		return nil, nil, err
	}
	data := append(bytes.TrimRight(old, "\n"), '\n')
	data = append(data, text...)
	f, err := Parse(name, data, today)
	if err != nil {
		return nil, nil, err
	}
	next := &Register{Name: r.Name, files: map[string]*File{}}
	for iso, x := range r.files {
		next.files[iso] = x
	}
	next.files[iso3] = f
	if err := next.checkIDs(); err != nil {
		return nil, nil, err
	}
	return next, f, nil
}

// Write writes f into dir as ISO3.yaml, replacing the file atomically.
func Write(dir string, f *File) error {
	if err := writeFile(filepath.Join(dir, f.Country+".yaml"), f.data); err != nil {
		return fmt.Errorf("evidence register: %w", err)
	}
	return nil
}

// writeFile replaces file with data atomically (a temporary file renamed over it).
func writeFile(file string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// itemFields is the order in which ItemYAML writes an item's fields.
var itemFields = []string{"id", "date", "date_precision", "published", "category", "reported_by", "summary", "summary_de",
	"source", "cited_source", "url", "quote", "by_state", "counterpart", "figures", "note", "note_de", "added_by", "added_on", "approved_by"}

// ItemYAML writes an item as one entry of a register file's items list ("  - id: ...").
func ItemYAML(e indicators.Evidence) ([]byte, error) {
	fields := map[string]*yaml.Node{}
	str := func(key, v string, quoted bool) {
		if v == "" {
			return
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
		if quoted {
			n.Style = yaml.DoubleQuotedStyle
		}
		fields[key] = n
	}
	str("id", e.ID, false)
	str("date", e.Date, false)
	str("date_precision", e.DatePrecision, false)
	str("published", e.Published, false)
	str("category", e.Category, false)
	str("reported_by", e.ReportedBy, false)
	str("summary", e.Summary, true)
	str("summary_de", e.SummaryDE, true)
	str("source", e.Source, true)
	str("cited_source", e.CitedSource, true)
	str("url", e.URL, true)
	str("quote", e.Quote, true)
	str("counterpart", e.Counterpart, false)
	str("note", e.Note, true)
	str("note_de", e.NoteDE, true)
	str("added_by", e.AddedBy, true)
	str("added_on", e.AddedOn, false)
	str("approved_by", e.ApprovedBy, true)
	for _, k := range []string{"date", "published", "added_on"} { // dates as dates, not strings
		if n := fields[k]; n != nil {
			n.Tag = "!!timestamp"
		}
	}
	if e.ByState != nil {
		fields["by_state"] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(*e.ByState)}
	}
	if len(e.Figures) > 0 {
		m := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		keys := make([]string, 0, len(e.Figures))
		for k := range e.Figures {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(e.Figures[k])})
		}
		fields["figures"] = m
	}
	item := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range itemFields {
		if v := fields[k]; v != nil {
			item.Content = append(item.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
		}
	}
	list := &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{item}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(list); err != nil {
		return nil, fmt.Errorf("evidence item: %w", err)
	}
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line != "" {
			out.WriteString("  " + line)
		}
	}
	return out.Bytes(), nil
}

// Current holds the register in force and can be swapped while bundles are being merged
// (the server swaps it when an item is approved). Its Merge merges with the register held
// at the time of the call.
type Current struct{ p atomic.Pointer[Register] }

// NewCurrent holds r.
func NewCurrent(r *Register) *Current {
	c := &Current{}
	c.p.Store(r)
	return c
}

// Load returns the register in force.
func (c *Current) Load() *Register { return c.p.Load() }

// Store makes r the register in force.
func (c *Current) Store(r *Register) { c.p.Store(r) }

// Merge merges the register in force into b (see Register.Merge).
func (c *Current) Merge(b *indicators.Bundle) error { return c.p.Load().Merge(b) }

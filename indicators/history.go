package indicators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"go.yaml.in/yaml/v3"
)

// A bundle history file holds one country's bundles of consecutive years, each dated
// 31 December, in little space: the first year's bundle whole, every later year as a JSON
// Merge Patch (RFC 7386) against the year before. It is named ISO3.FIRST-LAST.history.json
// (UKR.2012-2024.history.json), so that a library can index it without reading it. Each
// year expands to a bundle that is validated like any bundle file.
//
//	{
//	  "format": "exportrisk bundle history 1",
//	  "iso3": "UKR",
//	  "years": [
//	    {"as_of": "2012-12-31", "bundle": {...}},
//	    {"as_of": "2013-12-31", "patch": {...}},
//	    ...
//	  ]
//	}

// HistoryFormat is the format tag of a bundle history file.
const HistoryFormat = "exportrisk bundle history 1"

var historyName = regexp.MustCompile(`^([A-Z]{3})\.(\d{4})-(\d{4})\.history\.json$`)

// HistoryFileName is the file name of iso3's history from year first to year last.
func HistoryFileName(iso3 string, first, last int) string {
	return fmt.Sprintf("%s.%04d-%04d.history.json", iso3, first, last)
}

// parseHistoryName returns the country and the years a history file name covers.
func parseHistoryName(name string) (iso3 string, first, last int, ok bool) {
	m := historyName.FindStringSubmatch(name)
	if m == nil {
		return "", 0, 0, false
	}
	first, _ = strconv.Atoi(m[2])
	last, _ = strconv.Atoi(m[3])
	return m[1], first, last, first <= last
}

type historyFile struct {
	Format string        `json:"format"`
	ISO3   string        `json:"iso3"`
	Years  []historyYear `json:"years"`
}

type historyYear struct {
	AsOf   string          `json:"as_of"`
	Bundle json.RawMessage `json:"bundle,omitempty"`
	Patch  json.RawMessage `json:"patch,omitempty"`
}

// EncodeHistory writes the history file of one country from its bundles, oldest first, one
// per consecutive year, each dated 31 December: pretty-printed JSON with two spaces and a
// final newline. The same bundles give the same bytes.
func EncodeHistory(bundles []*Bundle) ([]byte, error) {
	if len(bundles) == 0 {
		return nil, fmt.Errorf("bundle history: no bundles")
	}
	h := historyFile{Format: HistoryFormat, ISO3: bundles[0].Country.ISO3}
	var prev []byte
	for i, b := range bundles {
		want := fmt.Sprintf("%04d-12-31", firstYear(bundles)+i)
		if b.Country.ISO3 != h.ISO3 || b.AsOf != want {
			return nil, fmt.Errorf("bundle history of %s: bundle %d is %s as of %s, want %s as of %s", h.ISO3, i+1, b.Country.ISO3, b.AsOf, h.ISO3, want)
		}
		cur, err := b.CanonicalJSON()
		if err != nil {
			return nil, err
		}
		y := historyYear{AsOf: b.AsOf}
		if prev == nil {
			y.Bundle = cur
		} else if y.Patch, err = jsonpatch.CreateMergePatch(prev, cur); err != nil {
			return nil, fmt.Errorf("bundle history of %s as of %s: %w", h.ISO3, b.AsOf, err)
		}
		h.Years = append(h.Years, y)
		prev = cur
	}
	compact, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func firstYear(bundles []*Bundle) int {
	y, _ := strconv.Atoi(bundles[0].AsOf[:4])
	return y
}

// ExpandHistory returns the bundle documents (JSON) of a history file by as_of date. name is
// the file's name (for messages and the check against its content); the documents are not
// yet validated (Parse them).
func ExpandHistory(name string, data []byte) (map[string][]byte, error) {
	years, err := expandHistory(name, data, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(years))
	for asOf, y := range years {
		out[asOf] = y.doc
	}
	return out, nil
}

// expandedYear is a year of a history file: the node tree readJSONNodes reads its document
// into (nil where it would refuse the document), and the document if it was asked for.
type expandedYear struct {
	node *yaml.Node
	doc  []byte
}

// expandHistory expands a history file: every year's nodes, and with docs every year's
// document (the first year's as the file has it, the others as the tree writes them).
func expandHistory(name string, data []byte, docs bool) (map[string]expandedYear, error) {
	iso3, first, last, ok := parseHistoryName(path.Base(name))
	if !ok {
		return nil, fmt.Errorf("%s: not a bundle history file name (want ISO3.YYYY-YYYY.history.json)", name)
	}
	// The file compacted (and escaped as jsonpatch writes): its bundle and patches are then
	// compact text as the tree holds values.
	compact, err := compactText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	h, err := readHistoryFile(compact)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if h.Format != HistoryFormat {
		return nil, fmt.Errorf("%s: format: want %q, got %q", name, HistoryFormat, h.Format)
	}
	if h.ISO3 != iso3 || len(h.Years) != last-first+1 {
		return nil, fmt.Errorf("%s: content is %s with %d years, the file name says %s %d-%d", name, h.ISO3, len(h.Years), iso3, first, last)
	}
	var original historyFile // for the first year's document as the file has it
	if docs {
		if err := json.Unmarshal(data, &original); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	// A year's document is at most the file's compact text with its keys written again (a
	// byte of invalid UTF-8 in a key becomes \ufffd, six bytes): six times that is under
	// MaxBundleSize, or the documents are written and measured.
	small := 6*len(compact) <= MaxBundleSize
	out := make(map[string]expandedYear, len(h.Years))
	var cur *mergeValue
	size := 0 // of the year before's document
	for i, y := range h.Years {
		want := fmt.Sprintf("%04d-12-31", first+i)
		if y.AsOf != want {
			return nil, fmt.Errorf("%s: years[%d].as_of: want %s, got %q", name, i, want, y.AsOf)
		}
		var year expandedYear
		switch {
		case i == 0 && len(y.Bundle) > 0 && len(y.Patch) == 0:
			cur, size = textValue(y.Bundle), len(y.Bundle)
			if docs || !small {
				year.doc = original.Years[0].Bundle
			}
		case i > 0 && len(y.Patch) > 0 && len(y.Bundle) == 0:
			if cur, err = mergePatch(cur, textValue(y.Patch)); err != nil {
				return nil, fmt.Errorf("%s: years[%d].patch: %w", name, i, err)
			}
			if docs || !small {
				var doc bytes.Buffer
				doc.Grow(size + size/8) // about the year before's size: one allocation
				cur.write(&doc)
				year.doc, size = doc.Bytes(), doc.Len()
			}
		default:
			return nil, fmt.Errorf("%s: years[%d]: the first year needs a bundle, every later year a patch", name, i)
		}
		if n, ok := cur.yamlNode(); ok && n.Kind == yaml.MappingNode && (small || len(year.doc) <= MaxBundleSize) {
			year.node = n // what readJSONNodes reads the year's document into
		}
		if !docs {
			year.doc = nil
		}
		out[y.AsOf] = year
	}
	return out, nil
}

// readHistoryFile reads a history file's compact text (valid JSON: compactText checked it)
// as json.Unmarshal reads it into a historyFile. A file of the shape EncodeHistory writes
// (the three keys in their order, each year its as_of and its bundle or patch, every string
// plain ASCII, every bundle and patch an object) is split where it stands, its bundles and
// patches the text's own bytes; anything else is left to json.Unmarshal.
func readHistoryFile(compact []byte) (historyFile, error) {
	if h, ok := splitHistoryFile(compact); ok {
		return h, nil
	}
	var h historyFile
	err := json.Unmarshal(compact, &h)
	return h, err
}

func splitHistoryFile(compact []byte) (h historyFile, ok bool) {
	if compact[0] != '{' {
		return h, false
	}
	keys, values := elements(compact)
	if len(keys) != 3 || string(keys[0]) != `"format"` || string(keys[1]) != `"iso3"` || string(keys[2]) != `"years"` || values[2][0] != '[' {
		return h, false
	}
	if h.Format, ok = plainASCIIString(values[0]); !ok {
		return h, false
	}
	if h.ISO3, ok = plainASCIIString(values[1]); !ok {
		return h, false
	}
	_, years := elements(values[2])
	h.Years = make([]historyYear, len(years))
	for i, y := range years {
		if y[0] != '{' {
			return h, false
		}
		keys, values := elements(y)
		if len(keys) != 2 || string(keys[0]) != `"as_of"` || values[1][0] != '{' {
			return h, false
		}
		if h.Years[i].AsOf, ok = plainASCIIString(values[0]); !ok {
			return h, false
		}
		switch string(keys[1]) {
		case `"bundle"`:
			h.Years[i].Bundle = values[1]
		case `"patch"`:
			h.Years[i].Patch = values[1]
		default:
			return h, false
		}
	}
	return h, true
}

// plainASCIIString returns the string of JSON text that is a string of printable ASCII
// without escapes (false for any other text).
func plainASCIIString(text []byte) (string, bool) {
	if len(text) < 2 || text[0] != '"' {
		return "", false
	}
	for _, c := range text[1 : len(text)-1] {
		if c < 0x20 || c > 0x7e || c == '\\' || c == '"' {
			return "", false
		}
	}
	return string(text[1 : len(text)-1]), true
}

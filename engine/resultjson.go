package engine

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/indicators"
)

// CanonicalJSON returns the result's canonical JSON: the bytes indicators.Canonicalize writes
// for it (encoding/json without HTML escaping, every object's keys sorted, no white space),
// which a decision records, digests and answers with. It is written from the typed result in
// one pass, strings by package plan's writer; the tests prove it byte for byte
// Canonicalize's on the result of every shipped bundle, on results with every field set or
// empty at random (found by reflection: a field added to the result types and not here fails
// them) and fuzzed (resultjson_test.go). A value this writer does not know (a vars value of
// a type the decoder never makes, a string with invalid UTF-8, a number JSON cannot hold)
// is left to Canonicalize.
func (r *Result) CanonicalJSON() ([]byte, error) {
	buf := resultBufs.Get().(*[]byte)
	defer resultBufs.Put(buf)
	b, err := r.AppendCanonicalJSON((*buf)[:0])
	if err != nil {
		return nil, err
	}
	*buf = b[:0]
	return slices.Clone(b), nil
}

// AppendCanonicalJSON appends the result's canonical JSON (CanonicalJSON) to dst: a caller
// that only compares or hashes it (replay) can reuse one buffer.
func (r *Result) AppendCanonicalJSON(dst []byte) ([]byte, error) {
	b, ok := appendResult(dst, r)
	if !ok || bytes.Contains(b[len(dst):], []byte(`\ufffd`)) {
		// \ufffd: a string with invalid UTF-8 (or that text), which Canonicalize writes
		// raw by its reference path.
		c, err := indicators.Canonicalize(r)
		if err != nil {
			return dst, err
		}
		return append(b[:len(dst)], c...), nil
	}
	return b, nil
}

var resultBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// The writers below write each struct's fields in the order of their JSON names (as
// Canonicalize sorts them), leaving out the empty omitempty fields as encoding/json does.
// They report false for a value they do not write.

func appendResult(b []byte, r *Result) ([]byte, bool) {
	if r == nil {
		return append(b, "null"...), true
	}
	b = appendKey(append(b, '{'), "as_of")
	b = plan.AppendString(b, r.AsOf)
	b = appendKey(b, "contract")
	b = strconv.AppendInt(b, int64(r.Contract), 10)
	b = appendKey(b, "country")
	b = appendCountry(b, &r.Country)
	b, ok := appendList(appendKey(b, "criteria"), r.Criteria, appendCriterion)
	if !ok {
		return b, false
	}
	b = appendKey(b, "critical_count")
	b = strconv.AppendInt(b, int64(r.CriticalCount), 10)
	b = appendKey(b, "input_digest")
	b = plan.AppendString(b, r.InputDigest)
	b = appendKey(b, "overall")
	b = plan.AppendString(b, r.Overall)
	b = appendKey(b, "policy_revision")
	b = plan.AppendString(b, r.PolicyRevision)
	return append(b, '}'), true
}

func appendCountry(b []byte, c *indicators.Country) []byte {
	b = appendKey(append(b, '{'), "iso3")
	b = plan.AppendString(b, c.ISO3)
	b = appendKey(b, "name_de")
	b = plan.AppendString(b, c.NameDE)
	b = appendKey(b, "name_en")
	b = plan.AppendString(b, c.NameEN)
	return append(b, '}')
}

func appendCriterion(b []byte, c *CriterionResult) ([]byte, bool) {
	b = appendKey(append(b, '{'), "basis")
	b = plan.AppendString(b, c.Basis)
	b = appendKey(b, "criterion")
	b = strconv.AppendInt(b, int64(c.Criterion), 10)
	b = appendKey(b, "missing")
	b = appendStrings(b, c.Missing)
	b, ok := appendList(appendKey(b, "reasons"), c.Reasons, appendReason)
	if !ok {
		return b, false
	}
	b = appendKey(b, "title")
	b = appendKey(append(b, '{'), "de")
	b = plan.AppendString(b, c.Title.DE)
	b = appendKey(b, "en")
	b = plan.AppendString(b, c.Title.EN)
	b = append(b, '}')
	b = appendKey(b, "verdict")
	b = plan.AppendString(b, c.Verdict)
	return append(b, '}'), true
}

func appendReason(b []byte, r *Reason) ([]byte, bool) {
	b = appendKey(append(b, '{'), "basis")
	b = plan.AppendString(b, r.Basis)
	b = appendKey(b, "code")
	b = plan.AppendString(b, r.Code)
	b = appendKey(b, "criterion")
	b = strconv.AppendInt(b, int64(r.Criterion), 10)
	b, _ = appendList(appendKey(b, "evidence"), r.Evidence, appendEvidence)
	b, ok := appendList(appendKey(b, "indicators"), r.Indicators, appendIndicator)
	if !ok {
		return b, false
	}
	if r.Signal != "" {
		b = appendKey(b, "signal")
		b = plan.AppendString(b, r.Signal)
	}
	b = appendKey(b, "vars")
	if r.Vars == nil {
		b = append(b, "null"...)
	} else if b, ok = appendAny(b, r.Vars); !ok {
		return b, false
	}
	b = appendKey(b, "verdict")
	b = plan.AppendString(b, r.Verdict)
	return append(b, '}'), true
}

func appendIndicator(b []byte, v *IndicatorValue) ([]byte, bool) {
	b = append(b, '{')
	b = appendOptString(b, "addressee", v.Addressee)
	b = appendOptString(b, "cited_source", v.CitedSource)
	b = appendKey(b, "id")
	b = plan.AppendString(b, v.ID)
	b = appendOptString(b, "note", v.Note)
	b = appendOptString(b, "note_de", v.NoteDE)
	b = appendOptString(b, "ref", v.Ref)
	b = appendOptString(b, "since", v.Since)
	b = appendKey(b, "source")
	b = plan.AppendString(b, v.Source)
	if v.Unconfirmed {
		b = appendKey(b, "unconfirmed")
		b = append(b, "true"...)
	}
	b = appendOptString(b, "url", v.URL)
	b = appendKey(b, "value")
	var ok bool
	if b, ok = appendAny(b, v.Value); !ok {
		return b, false
	}
	if v.Year != 0 {
		b = appendKey(b, "year")
		b = strconv.AppendInt(b, int64(v.Year), 10)
	}
	return append(b, '}'), true
}

func appendEvidence(b []byte, e *indicators.Evidence) ([]byte, bool) {
	b = append(b, '{')
	b = appendOptString(b, "added_by", e.AddedBy)
	b = appendOptString(b, "added_on", e.AddedOn)
	b = appendOptString(b, "approved_by", e.ApprovedBy)
	if e.ByState != nil {
		b = appendKey(b, "by_state")
		b = strconv.AppendBool(b, *e.ByState)
	}
	b = appendKey(b, "category")
	b = plan.AppendString(b, e.Category)
	b = appendOptString(b, "cited_source", e.CitedSource)
	b = appendOptString(b, "counterpart", e.Counterpart)
	b = appendKey(b, "date")
	b = plan.AppendString(b, e.Date)
	b = appendOptString(b, "date_precision", e.DatePrecision)
	if len(e.Figures) > 0 {
		b = appendKey(b, "figures")
		b = append(b, '{')
		for i, k := range sortedKeys(e.Figures) {
			b = comma(b, i)
			b = plan.AppendString(b, k)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(e.Figures[k]), 10)
		}
		b = append(b, '}')
	}
	b = appendKey(b, "id")
	b = plan.AppendString(b, e.ID)
	b = appendOptString(b, "note", e.Note)
	b = appendOptString(b, "note_de", e.NoteDE)
	b = appendOptString(b, "published", e.Published)
	b = appendOptString(b, "quote", e.Quote)
	b = appendOptString(b, "reported_by", e.ReportedBy)
	b = appendKey(b, "source")
	b = plan.AppendString(b, e.Source)
	b = appendKey(b, "summary")
	b = plan.AppendString(b, e.Summary)
	b = appendOptString(b, "summary_de", e.SummaryDE)
	b = appendOptString(b, "url", e.URL)
	return append(b, '}'), true
}

// appendAny writes a vars value or an indicator value: what the output decoder (goValue) and
// encoding/json's decoding of a recorded result make, and an index value of a bundle.
func appendAny(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, x), true
	case string:
		return plan.AppendString(b, x), true
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return b, false
		}
		return append(b, jsonNumber(x)...), true
	case []any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range x {
			var ok bool
			if b, ok = appendAny(comma(b, i), e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case map[string]any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			b = plan.AppendString(comma(b, i), k)
			b = append(b, ':')
			var ok bool
			if b, ok = appendAny(b, x[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	}
	return b, false
}

// appendKey writes "key": after a comma, or after nothing when it is the first member of
// the object (b ends with its opening brace: no value ends with one). Keys are plain ASCII
// names.
func appendKey(b []byte, key string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendOptString writes "key":value unless value is empty (omitempty).
func appendOptString(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	return plan.AppendString(appendKey(b, key), value)
}

func appendStrings(b []byte, xs []string) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range xs {
		b = plan.AppendString(comma(b, i), s)
	}
	return append(b, ']')
}

// appendList writes xs as a JSON array (null when nil), each element by elem; false when
// elem does not write one.
func appendList[T any](b []byte, xs []T, elem func([]byte, *T) ([]byte, bool)) ([]byte, bool) {
	if xs == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i := range xs {
		var ok bool
		if b, ok = elem(comma(b, i), &xs[i]); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// comma writes the comma before the i-th element of a list or object.
func comma(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/indicators"
)

// inputValue builds the policies' input from a bundle directly: the AST value of the
// bundle's canonical JSON (the same keys, omitted empty fields and nulls as encoding/json
// writes for the indicators types), without encoding and parsing the JSON text. The engine
// tests check it against ast.ValueFromReader of the canonical JSON for every shipped bundle.
func inputValue(b *indicators.Bundle) (ast.Value, error) {
	country := ast.NewObject(
		kv("iso3", b.Country.ISO3),
		kv("name_en", b.Country.NameEN),
		kv("name_de", b.Country.NameDE),
	)
	obj := ast.NewObject(
		ast.Item(ast.InternedTerm("schema_version"), ast.InternedTerm(b.SchemaVersion)),
		ast.Item(ast.InternedTerm("country"), ast.NewTerm(country)),
		kv("as_of", b.AsOf),
	)
	optKV(obj, "description", b.Description)
	optKV(obj, "licence", b.Licence)

	indices := ast.NullTerm()
	if b.Indices != nil {
		o := ast.NewObjectWithCapacity(len(b.Indices))
		for _, id := range sortedKeys(b.Indices) {
			ix := b.Indices[id]
			v, err := scalar(ix.Value)
			if err != nil {
				return nil, err
			}
			e := ast.NewObject(ast.Item(ast.InternedTerm("value"), v), ast.Item(ast.InternedTerm("year"), ast.InternedTerm(ix.Year)))
			provenance(e, &ix.Provenance)
			o.Insert(ast.StringTerm(id), ast.NewTerm(e))
		}
		indices = ast.NewTerm(o)
	}
	obj.Insert(ast.InternedTerm("indices"), indices)

	memberships := ast.NullTerm()
	if b.Memberships != nil {
		o := ast.NewObjectWithCapacity(len(b.Memberships))
		for _, id := range sortedKeys(b.Memberships) {
			m := b.Memberships[id]
			e := ast.NewObject(kv("status", m.Status))
			optInt(e, "year", m.Year)
			provenance(e, &m.Provenance)
			o.Insert(ast.StringTerm(id), ast.NewTerm(e))
		}
		memberships = ast.NewTerm(o)
	}
	obj.Insert(ast.InternedTerm("memberships"), memberships)

	embargoes := ast.NullTerm()
	if b.Embargoes != nil {
		terms := make([]*ast.Term, len(b.Embargoes))
		for i := range b.Embargoes {
			r := &b.Embargoes[i]
			e := ast.NewObject(kv("authority", r.Authority), ast.Item(ast.InternedTerm("in_force"), ast.InternedTerm(r.InForce)))
			optKV(e, "addressee", r.Addressee)
			optKV(e, "since", r.Since)
			if r.Unconfirmed {
				e.Insert(ast.InternedTerm("unconfirmed"), ast.InternedTerm(true))
			}
			provenance(e, &r.Provenance)
			terms[i] = ast.NewTerm(e)
		}
		embargoes = ast.ArrayTerm(terms...)
	}
	obj.Insert(ast.InternedTerm("embargoes"), embargoes)

	evidence := ast.NullTerm()
	if b.Evidence != nil {
		terms := make([]*ast.Term, len(b.Evidence))
		for i := range b.Evidence {
			x := &b.Evidence[i]
			e := ast.NewObject(kv("id", x.ID), kv("date", x.Date), kv("category", x.Category), kv("summary", x.Summary))
			optKV(e, "date_precision", x.DatePrecision)
			optKV(e, "published", x.Published)
			optKV(e, "summary_de", x.SummaryDE)
			optKV(e, "reported_by", x.ReportedBy)
			if x.ByState != nil {
				e.Insert(ast.InternedTerm("by_state"), ast.InternedTerm(*x.ByState))
			}
			optKV(e, "counterpart", x.Counterpart)
			if len(x.Figures) > 0 {
				f := ast.NewObjectWithCapacity(len(x.Figures))
				for _, k := range sortedKeys(x.Figures) {
					f.Insert(ast.StringTerm(k), ast.InternedTerm(x.Figures[k]))
				}
				e.Insert(ast.InternedTerm("figures"), ast.NewTerm(f))
			}
			optKV(e, "quote", x.Quote)
			optKV(e, "added_by", x.AddedBy)
			optKV(e, "added_on", x.AddedOn)
			optKV(e, "approved_by", x.ApprovedBy)
			provenance(e, &x.Provenance)
			terms[i] = ast.NewTerm(e)
		}
		evidence = ast.ArrayTerm(terms...)
	}
	obj.Insert(ast.InternedTerm("evidence"), evidence)
	if r := b.EvidenceRegister; r != nil {
		items := ast.NullTerm() // as encoding/json writes a nil slice
		if r.Items != nil {
			ids := make([]*ast.Term, len(r.Items))
			for i, id := range r.Items {
				ids[i] = ast.StringTerm(id)
			}
			items = ast.ArrayTerm(ids...)
		}
		obj.Insert(ast.InternedTerm("evidence_register"), ast.NewTerm(ast.NewObject(kv("revision", r.Revision), ast.Item(ast.InternedTerm("items"), items))))
	}
	return obj, nil
}

func kv(key, value string) [2]*ast.Term {
	return ast.Item(ast.InternedTerm(key), ast.StringTerm(value))
}

func optKV(o ast.Object, key, value string) {
	if value != "" {
		o.Insert(ast.InternedTerm(key), ast.StringTerm(value))
	}
}

func optInt(o ast.Object, key string, value int) {
	if value != 0 {
		o.Insert(ast.InternedTerm(key), ast.InternedTerm(value))
	}
}

func provenance(o ast.Object, p *indicators.Provenance) {
	o.Insert(ast.InternedTerm("source"), ast.StringTerm(p.Source))
	optKV(o, "cited_source", p.CitedSource)
	optKV(o, "url", p.URL)
	optKV(o, "note", p.Note)
	optKV(o, "note_de", p.NoteDE)
}

// scalar converts an index value (float64, string, bool; int from hand-built bundles).
func scalar(v any) (*ast.Term, error) {
	switch x := v.(type) {
	case nil:
		return ast.NullTerm(), nil
	case bool:
		return ast.InternedTerm(x), nil
	case string:
		return ast.StringTerm(x), nil
	case int:
		return ast.InternedTerm(x), nil
	case float64:
		return ast.NumberTerm(jsonNumber(x)), nil
	}
	x, err := ast.InterfaceToValue(v)
	if err != nil {
		return nil, fmt.Errorf("index value %v: %w", v, err)
	}
	return ast.NewTerm(x), nil
}

// jsonNumber formats f as encoding/json does.
func jsonNumber(f float64) json.Number {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return json.Number(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

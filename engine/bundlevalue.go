package engine

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/indicators"
)

// bundleFromValue makes the bundle of recorded canonical JSON from the compiled evaluator's
// value of that JSON (plan.ParseCanonical), instead of reading the text a second time with
// encoding/json (decodeBundle, about twice the cost of the parse itself). It gives what
// decodeBundle gives, field for field, and reports false for anything but the bundle types'
// own shapes: a key that names a field but for the case, a value of another type, a null
// inside a map or a list, a number the field cannot hold. The caller then decodes the JSON
// with encoding/json, which decides those cases as it always did (case-folding or failing).
// Other keys are ignored, as encoding/json ignores them. The tests prove both equal on every shipped bundle, on bundles with every field
// set or empty at random, on the differential fuzzer's inputs (absent, null and mistyped
// fields) and fuzzed (bundlevalue_test.go).
func bundleFromValue(v plan.Value) (*indicators.Bundle, bool) {
	if _, ok := v.(*plan.Object); !ok {
		return nil, false
	}
	r := valueReader{ok: true}
	b := &indicators.Bundle{}
	r.object(v, func(k string, v plan.Value) {
		switch k {
		case "schema_version":
			r.int(&b.SchemaVersion, v)
		case "country":
			r.object(v, func(k string, v plan.Value) {
				switch k {
				case "iso3":
					r.str(&b.Country.ISO3, v)
				case "name_en":
					r.str(&b.Country.NameEN, v)
				case "name_de":
					r.str(&b.Country.NameDE, v)
				default:
					r.other(k, countryFields)
				}
			})
		case "as_of":
			r.str(&b.AsOf, v)
		case "description":
			r.str(&b.Description, v)
		case "licence":
			r.str(&b.Licence, v)
		case "indices":
			r.mapOf(v, func(n int) { b.Indices = make(map[string]indicators.Index, n) }, func(id string, v plan.Value) {
				var ix indicators.Index
				r.object(v, func(k string, v plan.Value) {
					switch k {
					case "value":
						r.scalar(&ix.Value, v)
					case "year":
						r.int(&ix.Year, v)
					default:
						r.provenance(&ix.Provenance, k, v, indexFields)
					}
				})
				b.Indices[id] = ix
			})
		case "memberships":
			r.mapOf(v, func(n int) { b.Memberships = make(map[string]indicators.Membership, n) }, func(id string, v plan.Value) {
				var m indicators.Membership
				r.object(v, func(k string, v plan.Value) {
					switch k {
					case "status":
						r.str(&m.Status, v)
					case "year":
						r.int(&m.Year, v)
					default:
						r.provenance(&m.Provenance, k, v, membershipFields)
					}
				})
				b.Memberships[id] = m
			})
		case "embargoes":
			r.listOf(v, func(n int) { b.Embargoes = make([]indicators.Embargo, n) }, func(i int, v plan.Value) {
				e := &b.Embargoes[i]
				r.object(v, func(k string, v plan.Value) {
					switch k {
					case "authority":
						r.str(&e.Authority, v)
					case "in_force":
						r.bool(&e.InForce, v)
					case "addressee":
						r.str(&e.Addressee, v)
					case "since":
						r.str(&e.Since, v)
					case "unconfirmed":
						r.bool(&e.Unconfirmed, v)
					default:
						r.provenance(&e.Provenance, k, v, embargoFields)
					}
				})
			})
		case "evidence":
			r.listOf(v, func(n int) { b.Evidence = make([]indicators.Evidence, n) }, func(i int, v plan.Value) {
				r.evidence(&b.Evidence[i], v)
			})
		case "evidence_register":
			if _, null := v.(plan.Null); null {
				return
			}
			reg := &indicators.RegisterRef{}
			b.EvidenceRegister = reg
			r.object(v, func(k string, v plan.Value) {
				switch k {
				case "revision":
					r.str(&reg.Revision, v)
				case "items":
					r.listOf(v, func(n int) { reg.Items = make([]string, n) }, func(i int, v plan.Value) {
						r.str(&reg.Items[i], v)
					})
				default:
					r.other(k, registerFields)
				}
			})
		default:
			r.other(k, bundleFields)
		}
	})
	if !r.ok {
		return nil, false
	}
	return b, true
}

// valueReader sets bundle fields from plan values as encoding/json sets them from JSON; ok
// turns false at the first value it does not take.
type valueReader struct{ ok bool }

// object calls field with every key and value of an object; a null leaves the struct as it
// is (encoding/json).
func (r *valueReader) object(v plan.Value, field func(key string, v plan.Value)) {
	switch x := v.(type) {
	case plan.Null:
	case *plan.Object:
		for _, kv := range x.Items() {
			k, ok := kv.Key.(plan.String)
			if !ok || !r.ok {
				r.ok = false
				return
			}
			field(string(k), kv.Value)
		}
	default:
		r.ok = false
	}
}

// mapOf makes a map (alloc, with the number of entries) and calls entry with every key and
// value of an object; a null leaves the map nil, a null entry is not taken.
func (r *valueReader) mapOf(v plan.Value, alloc func(n int), entry func(key string, v plan.Value)) {
	switch x := v.(type) {
	case plan.Null:
	case *plan.Object:
		alloc(x.Len())
		r.object(x, func(k string, v plan.Value) {
			if _, null := v.(plan.Null); null {
				r.ok = false
				return
			}
			entry(k, v)
		})
	default:
		r.ok = false
	}
}

// listOf makes a slice (alloc, with its length) and calls elem with every element of an
// array; a null leaves the slice nil, a null element is not taken.
func (r *valueReader) listOf(v plan.Value, alloc func(n int), elem func(i int, v plan.Value)) {
	switch x := v.(type) {
	case plan.Null:
	case *plan.Array:
		alloc(x.Len())
		for i, e := range x.Elems() {
			if _, null := e.(plan.Null); null || !r.ok {
				r.ok = false
				return
			}
			elem(i, e)
		}
	default:
		r.ok = false
	}
}

func (r *valueReader) str(dst *string, v plan.Value) {
	switch x := v.(type) {
	case plan.Null:
	case plan.String:
		*dst = string(x)
	default:
		r.ok = false
	}
}

func (r *valueReader) bool(dst *bool, v plan.Value) {
	switch x := v.(type) {
	case plan.Null:
	case plan.Bool:
		*dst = bool(x)
	default:
		r.ok = false
	}
}

// int reads a number as encoding/json reads it into an int: a decimal integer that fits.
func (r *valueReader) int(dst *int, v plan.Value) {
	switch x := v.(type) {
	case plan.Null:
	case plan.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil {
			r.ok = false
			return
		}
		*dst = int(n)
	default:
		r.ok = false
	}
}

// scalar reads an index value as encoding/json reads it into an interface: a number as a
// float64, a string, a bool or nil; an object or an array is left to encoding/json.
func (r *valueReader) scalar(dst *any, v plan.Value) {
	switch x := v.(type) {
	case plan.Null:
	case plan.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			r.ok = false
			return
		}
		*dst = f
	case plan.String:
		*dst = string(x)
	case plan.Bool:
		*dst = bool(x)
	default:
		r.ok = false
	}
}

// provenance sets a field of an embedded Provenance; any other key is left to other, with
// the JSON names of the struct the Provenance is embedded in.
func (r *valueReader) provenance(p *indicators.Provenance, k string, v plan.Value, fields []string) {
	switch k {
	case "source":
		r.str(&p.Source, v)
	case "cited_source":
		r.str(&p.CitedSource, v)
	case "url":
		r.str(&p.URL, v)
	case "note":
		r.str(&p.Note, v)
	case "note_de":
		r.str(&p.NoteDE, v)
	default:
		r.other(k, fields)
	}
}

// other takes a key the reader does not set as encoding/json does: ignored, unless it names
// a field of the struct (fields: its JSON names) but for the case, which encoding/json would
// set (it matches names as bytes.EqualFold does), or a field the reader does not know (one
// added to the bundle types and not here): then the value is not taken.
func (r *valueReader) other(k string, fields []string) {
	for _, f := range fields {
		if strings.EqualFold(k, f) {
			r.ok = false
			return
		}
	}
}

// The JSON names of the bundle types' fields, those of embedded structs included.
var (
	bundleFields     = jsonNames(reflect.TypeFor[indicators.Bundle]())
	countryFields    = jsonNames(reflect.TypeFor[indicators.Country]())
	indexFields      = jsonNames(reflect.TypeFor[indicators.Index]())
	membershipFields = jsonNames(reflect.TypeFor[indicators.Membership]())
	embargoFields    = jsonNames(reflect.TypeFor[indicators.Embargo]())
	evidenceFields   = jsonNames(reflect.TypeFor[indicators.Evidence]())
	registerFields   = jsonNames(reflect.TypeFor[indicators.RegisterRef]())
)

// jsonNames lists the JSON names encoding/json gives the fields of struct type t.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported() && !f.Anonymous:
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonNames(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	return out
}

func (r *valueReader) evidence(e *indicators.Evidence, v plan.Value) {
	r.object(v, func(k string, v plan.Value) {
		switch k {
		case "id":
			r.str(&e.ID, v)
		case "date":
			r.str(&e.Date, v)
		case "date_precision":
			r.str(&e.DatePrecision, v)
		case "published":
			r.str(&e.Published, v)
		case "category":
			r.str(&e.Category, v)
		case "summary":
			r.str(&e.Summary, v)
		case "summary_de":
			r.str(&e.SummaryDE, v)
		case "reported_by":
			r.str(&e.ReportedBy, v)
		case "by_state":
			if x, ok := v.(plan.Bool); ok {
				b := bool(x)
				e.ByState = &b
			} else if _, null := v.(plan.Null); !null {
				r.ok = false
			}
		case "counterpart":
			r.str(&e.Counterpart, v)
		case "figures":
			r.mapOf(v, func(n int) { e.Figures = make(map[string]int, n) }, func(k string, v plan.Value) {
				var n int
				r.int(&n, v)
				e.Figures[k] = n
			})
		case "quote":
			r.str(&e.Quote, v)
		case "added_by":
			r.str(&e.AddedBy, v)
		case "added_on":
			r.str(&e.AddedOn, v)
		case "approved_by":
			r.str(&e.ApprovedBy, v)
		default:
			r.provenance(&e.Provenance, k, v, evidenceFields)
		}
	})
}

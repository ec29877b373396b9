package indicators

import (
	"bytes"
	"encoding/json"
	"math"
)

// SchemaPath is where the published JSON Schema lives in the repository.
const SchemaPath = "indicators/schema/bundle.schema.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of a bundle, generated from the
// catalogs in this package. The Go validator checks more (dates after as_of, duplicate
// ids, country codes, embargo record conflicts); the schema is for editors and other tools.
func JSONSchema() ([]byte, error) {
	str := obj{"type": "string", "minLength": 1}
	date := obj{"type": "string", "pattern": `^\d{4}-\d{2}-\d{2}$`}
	year := obj{"type": "integer", "minimum": 1900, "maximum": 2100}
	enum := func(v []string) obj { return obj{"type": "string", "enum": v} }
	provenance := obj{"source": str, "cited_source": str, "url": str, "note": str, "note_de": str}
	object := func(required []string, props obj, extra obj) obj {
		o := obj{"type": "object", "additionalProperties": false, "properties": props}
		if len(required) > 0 {
			o["required"] = required
		}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}
	with := func(base obj, more obj) obj {
		out := obj{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}

	indices := obj{}
	for _, s := range Indices {
		var value obj
		switch s.Kind {
		case Enum:
			value = enum(s.Values)
		case Boolean:
			value = obj{"type": "boolean"}
		default:
			value = obj{"type": "number", "minimum": s.Min}
			if s.Kind == Integer {
				value["type"] = "integer"
			}
			if !math.IsInf(s.Max, 1) {
				value["maximum"] = s.Max
			}
		}
		indices[s.ID] = object([]string{"value", "year", "source"}, with(provenance, obj{"value": value, "year": year}),
			obj{"description": s.Meaning})
	}
	memberships := obj{}
	for _, id := range Instruments {
		memberships[id] = object([]string{"status", "source"}, with(provenance, obj{"status": enum(MembershipStatuses), "year": year}), nil)
	}
	figures := obj{}
	for _, k := range FigureKeys {
		figures[k] = obj{"type": "integer", "minimum": 0}
	}
	embargo := object([]string{"authority", "in_force", "source"}, with(provenance, obj{
		"authority": enum(Authorities), "in_force": obj{"type": "boolean"}, "addressee": enum(Addressees),
		"since": date, "unconfirmed": obj{"type": "boolean"},
	}), obj{
		"if":   obj{"properties": obj{"in_force": obj{"const": true}}},
		"then": obj{"required": []string{"addressee", "since"}},
		"else": obj{"not": obj{"required": []string{"addressee"}}},
	})
	evidence := object([]string{"id", "date", "category", "summary", "source"}, with(provenance, obj{
		"id": obj{"type": "string", "pattern": evidenceID.String()}, "date": date, "category": enum(EvidenceCategories),
		"summary": str, "summary_de": str, "date_precision": enum(DatePrecisions), "published": date, "reported_by": enum(Reporters), "by_state": obj{"type": "boolean"},
		"counterpart": obj{"type": "string", "pattern": "^[A-Z]{3}$"},
		"figures":     object(nil, figures, nil),
		"quote":       str, "added_by": str, "added_on": date, "approved_by": str,
	}), obj{
		"if":   obj{"properties": obj{"category": obj{"const": "torture"}}},
		"then": obj{"required": []string{"reported_by"}},
	})
	schema := object(
		[]string{"schema_version", "country", "as_of", "indices", "memberships", "embargoes", "evidence"},
		obj{
			"schema_version": obj{"const": SchemaVersion},
			"country": object([]string{"iso3", "name_en", "name_de"}, obj{
				"iso3": obj{"type": "string", "pattern": "^[A-Z]{3}$"}, "name_en": str, "name_de": str}, nil),
			"as_of":       date,
			"description": str,
			"licence":     str,
			"indices":     object(nil, indices, nil),
			"memberships": object(nil, memberships, nil),
			"embargoes":   obj{"type": "array", "items": embargo},
			"evidence":    obj{"type": "array", "items": evidence},
			"evidence_register": object([]string{"revision", "items"}, obj{
				"revision": obj{"type": "string", "pattern": registerRevision.String()},
				"items":    obj{"type": "array", "items": obj{"type": "string", "pattern": evidenceID.String()}, "uniqueItems": true},
			}, obj{"description": "The evidence register revision merged into evidence, and the ids of the items taken from it."}),
		},
		obj{
			"$schema":     "https://json-schema.org/draft/2020-12/schema",
			"$id":         "https://github.com/exportrisk/exportrisk/" + SchemaPath,
			"title":       "exportrisk indicator bundle",
			"description": "One destination at one as_of date: indices, memberships, embargoes and evidence, each with its source. See docs/bundle.md.",
		},
	)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(schema); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type obj = map[string]any

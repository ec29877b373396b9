package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

// Evaluator settings (the "evaluator" configuration key).
const (
	// EvaluatorAuto runs the compiled evaluator when it supports the policies, else OPA's
	// interpreter (with a warning in the log). The default.
	EvaluatorAuto = "auto"
	// EvaluatorCompiled requires the compiled evaluator: New fails for policies it does not
	// support.
	EvaluatorCompiled = "compiled"
	// EvaluatorOPA runs OPA's interpreter, the reference.
	EvaluatorOPA = "opa"
)

// Evaluators lists the evaluator settings.
var Evaluators = []string{EvaluatorAuto, EvaluatorCompiled, EvaluatorOPA}

// Option configures New.
type Option func(*options)

type options struct {
	evaluator string
}

// WithEvaluator selects the evaluator: EvaluatorAuto (the default, also for ""),
// EvaluatorCompiled or EvaluatorOPA.
func WithEvaluator(name string) Option {
	return func(o *options) { o.evaluator = name }
}

// EvaluatorInfo says which evaluator an engine runs and why.
type EvaluatorInfo struct {
	// Name is EvaluatorCompiled or EvaluatorOPA: the evaluator that runs.
	Name string `json:"name"`
	// Setting is the evaluator that was asked for.
	Setting string `json:"setting"`
	// Fallback, when the compiled evaluator was asked for (auto) but OPA's interpreter runs,
	// says why: the statements or builtins the compiled evaluator lacks.
	Fallback string `json:"fallback,omitempty"`
	// Functions and Statements describe the compiled plan.
	Functions  int `json:"functions,omitempty"`
	Statements int `json:"statements,omitempty"`
}

// String is a one-line description: "compiled (OPA's plan of the policies)", "opa (OPA's
// interpreter)" or "opa (OPA's interpreter: the compiled evaluator does not implement ...)".
func (i EvaluatorInfo) String() string {
	switch {
	case i.Name == EvaluatorCompiled:
		return "compiled (OPA's plan of the policies)"
	case i.Fallback != "":
		return "opa (OPA's interpreter: " + i.Fallback + ")"
	}
	return "opa (OPA's interpreter)"
}

// Evaluator says which evaluator the engine runs.
func (e *Engine) Evaluator() EvaluatorInfo { return e.evaluator }

// compileProgram plans the policies for the compiled evaluator according to the setting:
// nil when OPA's interpreter is to run.
func compileProgram(ctx context.Context, p *policy.Set, setting string) (*plan.Program, EvaluatorInfo, error) {
	info := EvaluatorInfo{Name: EvaluatorOPA, Setting: setting}
	switch setting {
	case EvaluatorOPA:
		return nil, info, nil
	case EvaluatorAuto, EvaluatorCompiled:
	default:
		return nil, info, fmt.Errorf("evaluator %q: want auto, compiled or opa", setting)
	}
	prog, err := plan.Compile(ctx, Query, p.Modules(), p.Documents(), deterministicCapabilities())
	if err != nil {
		var u *plan.Unsupported
		if !errors.As(err, &u) {
			return nil, info, fmt.Errorf("compiled evaluator: %w", err)
		}
		if setting == EvaluatorCompiled {
			return nil, info, err
		}
		info.Fallback = u.Error()
		slog.Warn("policies run on OPA's interpreter: "+u.Error(), "source", p.Source, "revision", p.Revision)
		return nil, info, nil
	}
	st := prog.Stats()
	info.Name, info.Functions, info.Statements = EvaluatorCompiled, st.Functions, st.Statements
	return prog, info, nil
}

// decodeOutput decodes the policies' output, whichever evaluator made it.
func decodeOutput(v plan.Value) (*rawAssessment, error) {
	out, err := decodeAssessment(v)
	if err != nil {
		return nil, fmt.Errorf("policy output does not match the result contract: %w", err)
	}
	return out, nil
}

var errUndefined = fmt.Errorf("%s is undefined: the policies produced no assessment", Query)

// planInput builds the compiled evaluator's input from a bundle directly: the value of the
// bundle's canonical JSON, as inputValue builds the AST value (the differential test checks
// both against the canonical JSON for every shipped bundle).
func planInput(b *indicators.Bundle) (plan.Value, error) {
	top := []plan.KV{
		pkv("schema_version", plan.IntValue(b.SchemaVersion)),
		pkv("country", plan.ObjectOf(pstr("iso3", b.Country.ISO3), pstr("name_en", b.Country.NameEN), pstr("name_de", b.Country.NameDE))),
		pstr("as_of", b.AsOf),
	}
	top = poptStr(top, "description", b.Description)
	top = poptStr(top, "licence", b.Licence)

	// The entries of indices and memberships, most of a bundle's keys, are made with their
	// keys in order: ObjectOf then finds them sorted.
	var indices plan.Value = plan.Null{}
	if b.Indices != nil {
		items := make([]plan.KV, 0, len(b.Indices))
		for _, id := range sortedKeys(b.Indices) {
			ix := b.Indices[id]
			v, err := planScalar(ix.Value)
			if err != nil {
				return nil, err
			}
			e := pprovenance(make([]plan.KV, 0, 2+provenanceKeys), &ix.Provenance, nil)
			e = append(e, pkv("value", v), pkv("year", plan.IntValue(ix.Year)))
			items = append(items, pkv(id, plan.ObjectOf(e...)))
		}
		indices = plan.ObjectOf(items...)
	}
	top = append(top, pkv("indices", indices))

	var memberships plan.Value = plan.Null{}
	if b.Memberships != nil {
		items := make([]plan.KV, 0, len(b.Memberships))
		for _, id := range sortedKeys(b.Memberships) {
			m := b.Memberships[id]
			status := pstr("status", m.Status)
			e := pprovenance(make([]plan.KV, 0, 2+provenanceKeys), &m.Provenance, &status)
			if m.Year != 0 {
				e = append(e, pkv("year", plan.IntValue(m.Year)))
			}
			items = append(items, pkv(id, plan.ObjectOf(e...)))
		}
		memberships = plan.ObjectOf(items...)
	}
	top = append(top, pkv("memberships", memberships))

	var embargoes plan.Value = plan.Null{}
	if b.Embargoes != nil {
		a := plan.NewArray(len(b.Embargoes))
		for i := range b.Embargoes {
			r := &b.Embargoes[i]
			e := append(make([]plan.KV, 0, 5+provenanceKeys), pstr("authority", r.Authority), pkv("in_force", plan.Bool(r.InForce)))
			e = poptStr(e, "addressee", r.Addressee)
			e = poptStr(e, "since", r.Since)
			if r.Unconfirmed {
				e = append(e, pkv("unconfirmed", plan.Bool(true)))
			}
			a.Append(plan.ObjectOf(pprovenance(e, &r.Provenance, nil)...))
		}
		embargoes = a
	}
	top = append(top, pkv("embargoes", embargoes))

	var evidence plan.Value = plan.Null{}
	if b.Evidence != nil {
		a := plan.NewArray(len(b.Evidence))
		for i := range b.Evidence {
			x := &b.Evidence[i]
			e := append(make([]plan.KV, 0, 15+provenanceKeys), pstr("id", x.ID), pstr("date", x.Date), pstr("category", x.Category), pstr("summary", x.Summary))
			e = poptStr(e, "date_precision", x.DatePrecision)
			e = poptStr(e, "published", x.Published)
			e = poptStr(e, "summary_de", x.SummaryDE)
			e = poptStr(e, "reported_by", x.ReportedBy)
			if x.ByState != nil {
				e = append(e, pkv("by_state", plan.Bool(*x.ByState)))
			}
			e = poptStr(e, "counterpart", x.Counterpart)
			if len(x.Figures) > 0 {
				f := make([]plan.KV, 0, len(x.Figures))
				for k, n := range x.Figures {
					f = append(f, pkv(k, plan.IntValue(n)))
				}
				e = append(e, pkv("figures", plan.ObjectOf(f...)))
			}
			e = poptStr(e, "quote", x.Quote)
			e = poptStr(e, "added_by", x.AddedBy)
			e = poptStr(e, "added_on", x.AddedOn)
			e = poptStr(e, "approved_by", x.ApprovedBy)
			a.Append(plan.ObjectOf(pprovenance(e, &x.Provenance, nil)...))
		}
		evidence = a
	}
	top = append(top, pkv("evidence", evidence))
	if r := b.EvidenceRegister; r != nil {
		var items plan.Value = plan.Null{} // as encoding/json writes a nil slice
		if r.Items != nil {
			a := plan.NewArray(len(r.Items))
			for _, id := range r.Items {
				a.Append(plan.String(id))
			}
			items = a
		}
		top = append(top, pkv("evidence_register", plan.ObjectOf(pstr("revision", r.Revision), pkv("items", items))))
	}
	return plan.ObjectOf(top...), nil
}

func pkv(key string, v plan.Value) plan.KV { return plan.KV{Key: plan.String(key), Value: v} }

func pstr(key, value string) plan.KV { return pkv(key, plan.String(value)) }

func poptStr(kvs []plan.KV, key, value string) []plan.KV {
	if value == "" {
		return kvs
	}
	return append(kvs, pstr(key, value))
}

// provenanceKeys is the number of keys pprovenance may add.
const provenanceKeys = 5

// pprovenance appends the provenance keys in their sorted order, and after "source" the key
// next if there is one (it must sort between "source" and "url").
func pprovenance(kvs []plan.KV, p *indicators.Provenance, next *plan.KV) []plan.KV {
	kvs = poptStr(kvs, "cited_source", p.CitedSource)
	kvs = poptStr(kvs, "note", p.Note)
	kvs = poptStr(kvs, "note_de", p.NoteDE)
	kvs = append(kvs, pstr("source", p.Source))
	if next != nil {
		kvs = append(kvs, *next)
	}
	return poptStr(kvs, "url", p.URL)
}

// planScalar converts an index value as scalar does.
func planScalar(v any) (plan.Value, error) {
	switch x := v.(type) {
	case nil:
		return plan.Null{}, nil
	case bool:
		return plan.Bool(x), nil
	case string:
		return plan.String(x), nil
	case int:
		return plan.IntValue(x), nil
	case float64:
		return plan.Number(jsonNumber(x)), nil
	}
	t, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return plan.FromAST(t.Value)
}

// planInputSlow reads JSON into the compiled evaluator's input through OPA's JSON reader.
func planInputSlow(canonical []byte) (plan.Value, error) {
	v, err := ast.ValueFromReader(bytes.NewReader(canonical))
	if err != nil {
		return nil, err
	}
	return plan.FromAST(v)
}

// readRecorded reads recorded canonical JSON (ReadInput) into the compiled evaluator's input
// and the bundle. When the JSON is canonical as package indicators writes it, both come from
// one parse (bundleFromValue); else, or when the bundle types do not take the value as it
// is, the bundle is nil and decodeBundle reads it from the JSON.
func readRecorded(canonical []byte) (plan.Value, *indicators.Bundle, error) {
	v, ok := plan.ParseCanonical(canonical)
	if !ok {
		v, err := planInputSlow(canonical)
		return v, nil, err
	}
	b, _ := bundleFromValue(v)
	return v, b, nil
}

// The inputs of bundles already assessed, by the digest of their canonical JSON: a shipped
// bundle (the server's, the world overview's) or a replayed input is read and converted
// once. The values are never modified. The cache holds at most maxInputs bundles and starts
// afresh when full.
const maxInputs = 1024

type preparedInput struct {
	bundle *indicators.Bundle
	input  plan.Value
}

type inputCache struct {
	mu sync.Mutex
	m  map[string]*preparedInput
}

func (c *inputCache) get(digest string) *preparedInput {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[digest]
}

func (c *inputCache) put(digest string, p *preparedInput) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxInputs {
		c.m = make(map[string]*preparedInput, maxInputs)
	}
	c.m[digest] = p
}

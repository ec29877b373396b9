// Package engine evaluates indicator bundles against the Rego policies: it compiles the
// policies once, prepares one query for all eight criteria and returns typed results
// carrying the policy revision and the input digest.
package engine

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

// Query is the policies' entrypoint.
const Query = "data.main.assessment"

// Engine assesses bundles under one policy.Set. It is safe for concurrent use.
type Engine struct {
	policies *policy.Set
	query    rego.PreparedEvalQuery
	criteria []CriterionInfo
	rules    map[string]*Rule
	// program is the compiled plan of the policies; nil when OPA's interpreter runs.
	program   *plan.Program
	evaluator EvaluatorInfo
	inputs    inputCache // the compiled evaluator's inputs by input digest
}

// CriterionInfo describes a criterion, from its package METADATA.
type CriterionInfo struct {
	Number      int    `json:"criterion"`
	Package     string `json:"package"`
	Title       Text   `json:"title"`
	Description string `json:"description"`
}

// New compiles the policies and prepares the query. Policies may not use builtins whose
// result depends on anything but their input and data (time.now_ns, http.send, rand...),
// so that a replay of the same input under the same revision gives the same result.
// By default (EvaluatorAuto) the policies are also planned for the compiled evaluator
// (package engine/plan), which then runs them; see WithEvaluator.
func New(ctx context.Context, p *policy.Set, opts ...Option) (*Engine, error) {
	o := options{evaluator: EvaluatorAuto}
	for _, opt := range opts {
		opt(&o)
	}
	if o.evaluator == "" {
		o.evaluator = EvaluatorAuto
	}
	compiler := ast.NewCompiler().
		WithCapabilities(deterministicCapabilities()).
		WithEnablePrintStatements(false)
	compiler.Compile(p.Modules())
	if compiler.Failed() {
		return nil, fmt.Errorf("compile policies from %s:\n%s", p.Source, formatErrors(compiler.Errors))
	}
	criteria, err := criteriaInfo(compiler)
	if err != nil {
		return nil, fmt.Errorf("policies from %s: %w", p.Source, err)
	}
	rules, err := readRules(compiler)
	if err != nil {
		return nil, fmt.Errorf("policies from %s: reason codes: %w", p.Source, err)
	}
	pq, err := rego.New(
		rego.Query(Query),
		rego.Compiler(compiler),
		rego.Store(inmem.NewFromObjectWithOpts(p.Documents(), inmem.OptReturnASTValuesOnRead(true))),
		rego.StoreReadAST(true),
		// A builtin error (a type error, a date that does not parse) fails the evaluation
		// instead of silently leaving a rule undefined, which could drop a reason.
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare policies from %s: %w", p.Source, err)
	}
	program, info, err := compileProgram(ctx, p, o.evaluator)
	if err != nil {
		return nil, fmt.Errorf("policies from %s: %w", p.Source, err)
	}
	return &Engine{policies: p, query: pq, criteria: criteria, rules: rules, program: program, evaluator: info}, nil
}

// Policies returns the policy set the engine evaluates.
func (e *Engine) Policies() *policy.Set { return e.policies }

// Criteria returns the eight criteria as the policies describe them.
func (e *Engine) Criteria() []CriterionInfo { return append([]CriterionInfo(nil), e.criteria...) }

// Assess evaluates one bundle: NewInput, then AssessInput.
func (e *Engine) Assess(ctx context.Context, b *indicators.Bundle) (*Assessment, error) {
	in, err := NewInput(b)
	if err != nil {
		return nil, fmt.Errorf("assess: %w", err)
	}
	return e.AssessInput(ctx, in)
}

// AssessInput evaluates an input: the one evaluation path of the CLI, the server, the world
// overview and replay.
func (e *Engine) AssessInput(ctx context.Context, in *Input) (*Assessment, error) {
	evalTime := time.Now()
	b := in.bundle
	var input any
	var err error
	if e.program != nil {
		v := in.value
		if v == nil {
			if c := e.inputs.get(in.digest); c != nil {
				v = c.input
				if b == nil {
					b = c.bundle
				}
			}
		}
		if v == nil {
			if b != nil {
				v, err = planInput(b)
			} else {
				v, b, err = readRecorded(in.canonical)
			}
			if err != nil {
				return nil, fmt.Errorf("assess: input: %w", err)
			}
			if b == nil {
				if b, err = decodeBundle(in.canonical); err != nil {
					return nil, fmt.Errorf("assess: %w", err)
				}
			}
			e.inputs.put(in.digest, &preparedInput{bundle: b, input: v}) // read once per digest
		}
		input = v
	} else if b != nil {
		input, err = inputValue(b)
	} else {
		input, err = ast.ValueFromReader(bytes.NewReader(in.canonical))
	}
	if err != nil {
		return nil, fmt.Errorf("assess: input: %w", err)
	}
	if b == nil {
		if b, err = decodeBundle(in.canonical); err != nil {
			return nil, fmt.Errorf("assess: %w", err)
		}
	}
	res, err := e.assess(ctx, b, in.digest, input)
	if err != nil {
		return nil, err
	}
	return &Assessment{Bundle: b, Input: in, Policies: e.policies, EvalTime: evalTime, Result: res}, nil
}

// assess evaluates bundle b, whose canonical JSON's digest is digest and whose input value is
// input (a plan.Value for the compiled evaluator, else an ast.Value).
func (e *Engine) assess(ctx context.Context, b *indicators.Bundle, digest string, input any) (*Result, error) {
	out, err := e.evaluate(ctx, input)
	if err != nil {
		return nil, fmt.Errorf("assess %s: %w", b.Country.ISO3, err)
	}
	if err := e.check(out.criteria); err != nil {
		return nil, fmt.Errorf("assess %s: %w", b.Country.ISO3, err)
	}
	res := &Result{
		Contract:       ResultContract,
		Country:        b.Country,
		AsOf:           b.AsOf,
		PolicyRevision: e.policies.Revision,
		InputDigest:    digest,
		Overall:        out.overall,
		CriticalCount:  out.criticalCount,
		Criteria:       make([]CriterionResult, len(out.criteria)),
		Evaluator:      e.evaluator.Name,
	}
	idx := &bundleIndex{b: b}
	for i, c := range out.criteria {
		cr := CriterionResult{
			Criterion: c.criterion,
			Title:     e.criteria[i].Title,
			Verdict:   c.verdict,
			Reasons:   make([]Reason, len(c.reasons)),
			Missing:   c.missing,
		}
		for j := range c.reasons {
			r, err := e.reason(c.criterion, &c.reasons[j], idx)
			if err != nil {
				return nil, fmt.Errorf("assess %s: policy output does not match the result contract: criterion %d: %w", b.Country.ISO3, c.criterion, err)
			}
			cr.Reasons[j] = r
		}
		cr.Basis = verdictBasis(cr.Verdict, cr.Reasons)
		res.Criteria[i] = cr
	}
	return res, nil
}

// evaluate runs the policies on input with the engine's evaluator and decodes the output.
func (e *Engine) evaluate(ctx context.Context, input any) (*rawAssessment, error) {
	if e.program != nil {
		// The output is decoded while its collections are valid (EvalScoped).
		var out *rawAssessment
		var decodeErr error
		err := e.program.EvalScoped(ctx, input.(plan.Value), func(v plan.Value) {
			if v == nil {
				decodeErr = errUndefined
				return
			}
			out, decodeErr = decodeOutput(v)
		})
		if err != nil {
			return nil, fmt.Errorf("evaluate policies: %w", err)
		}
		return out, decodeErr
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input.(ast.Value)), rego.EvalGenerateJSON(rawValue))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, errUndefined
	}
	v, err := plan.FromAST(rs[0].Expressions[0].Value.(ast.Value))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	return decodeOutput(v)
}

// rawValue hands the evaluation result over as the AST value it is, without a conversion
// to Go values.
func rawValue(t *ast.Term, _ *rego.EvalContext) (any, error) { return t.Value, nil }

// check enforces the parts of the contract a decoder cannot: eight criteria in order,
// known verdicts, at least one reason each.
func (e *Engine) check(cs []rawCriterion) error {
	if len(cs) != len(e.criteria) {
		return fmt.Errorf("policies returned %d criteria, want %d", len(cs), len(e.criteria))
	}
	for i, c := range cs {
		if c.criterion != i+1 {
			return fmt.Errorf("policies returned criterion %d at position %d", c.criterion, i+1)
		}
		switch c.verdict {
		case Critical, PossiblyCritical, NotCritical, InsufficientData:
		default:
			return fmt.Errorf("criterion %d: unknown verdict %q", c.criterion, c.verdict)
		}
		if len(c.reasons) == 0 {
			return fmt.Errorf("criterion %d: verdict %s without a reason", c.criterion, c.verdict)
		}
	}
	return nil
}

// criteriaInfo reads the criteria packages' METADATA (package data.criteria.cN).
func criteriaInfo(c *ast.Compiler) ([]CriterionInfo, error) {
	var out []CriterionInfo
	for _, entry := range c.GetAnnotationSet().Flatten() {
		a := entry.Annotations
		if a.Scope != "package" {
			continue
		}
		pkg := strings.TrimPrefix(entry.Path.String(), "data.")
		var n int
		if _, err := fmt.Sscanf(pkg, "criteria.c%d", &n); err != nil || pkg != fmt.Sprintf("criteria.c%d", n) {
			continue
		}
		de, _ := a.Custom["title_de"].(string)
		out = append(out, CriterionInfo{Number: n, Package: pkg, Title: Text{EN: a.Title, DE: de}, Description: a.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	if len(out) == 0 {
		return nil, fmt.Errorf("want METADATA on the criteria packages criteria.c1..cN, found none")
	}
	for i, ci := range out {
		if ci.Number != i+1 {
			return nil, fmt.Errorf("criteria packages: want criteria.c%d, found criteria.c%d", i+1, ci.Number)
		}
		if ci.Title.EN == "" || ci.Title.DE == "" {
			return nil, fmt.Errorf("package %s: METADATA needs title and custom.title_de", ci.Package)
		}
	}
	return out, nil
}

// deterministicCapabilities are this OPA version's capabilities less every builtin
// marked non-deterministic.
func deterministicCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !b.Nondeterministic {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	return caps
}

// nondeterministic reports whether name is a builtin OPA marks non-deterministic (left out
// of the engine's capabilities, so the compiler calls it undefined).
func nondeterministic(name string) bool {
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Name == name {
			return b.Nondeterministic
		}
	}
	return false
}

// formatErrors prints compile errors as file:row: code: message, one per line.
func formatErrors(errs ast.Errors) string {
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		loc := ""
		if e.Location != nil {
			loc = fmt.Sprintf("%s:%d: ", e.Location.File, e.Location.Row)
		}
		msg := e.Message
		if name, ok := strings.CutPrefix(msg, "undefined function "); ok && nondeterministic(name) {
			msg = name + ": not allowed: non-deterministic, replays would differ"
		}
		lines = append(lines, fmt.Sprintf("  %s%s: %s", loc, e.Code, msg))
	}
	return strings.Join(lines, "\n")
}

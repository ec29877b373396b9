package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/plan"
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

// String is a one-line description, e.g. "compiled (OPA plan, 113 functions, 6456 statements)".
func (i EvaluatorInfo) String() string {
	switch {
	case i.Name == EvaluatorCompiled:
		return fmt.Sprintf("compiled (OPA plan, %d functions, %d statements)", i.Functions, i.Statements)
	case i.Fallback != "":
		return "opa (interpreter; " + i.Fallback + ")"
	}
	return "opa (interpreter)"
}

// Evaluator says which evaluator the engine runs.
func (e *Engine) Evaluator() EvaluatorInfo { return e.evaluator }

// compileProgram plans the policies for the compiled evaluator according to the setting:
// nil when OPA's interpreter is to run.
func compileProgram(ctx context.Context, p *PolicySet, setting string) (*plan.Program, EvaluatorInfo, error) {
	info := EvaluatorInfo{Name: EvaluatorOPA, Setting: setting}
	switch setting {
	case EvaluatorOPA:
		return nil, info, nil
	case EvaluatorAuto, EvaluatorCompiled:
	default:
		return nil, info, fmt.Errorf("evaluator %q: want auto, compiled or opa", setting)
	}
	prog, err := plan.Compile(ctx, Query, p.modules, p.documents, deterministicCapabilities())
	if err != nil {
		var u *plan.Unsupported
		if setting == EvaluatorCompiled || !errors.As(err, &u) {
			return nil, info, fmt.Errorf("compiled evaluator: %w", err)
		}
		info.Fallback = u.Error()
		slog.Warn("policies run on OPA's interpreter: "+u.Error(), "source", p.Source, "revision", p.Revision)
		return nil, info, nil
	}
	st := prog.Stats()
	info.Name, info.Functions, info.Statements = EvaluatorCompiled, st.Functions, st.Statements
	return prog, info, nil
}

// evalCompiled runs the compiled plan on input and decodes the assessment.
func (e *Engine) evalCompiled(ctx context.Context, input plan.Value) (*rawAssessment, error) {
	v, err := e.program.Eval(ctx, input)
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	if v == nil {
		return nil, errUndefined
	}
	return decodeOutput(plan.ToAST(v))
}

// decodeOutput decodes the policies' output (an AST value).
func decodeOutput(x any) (*rawAssessment, error) {
	out, err := decodeAssessment(x)
	if err != nil {
		return nil, fmt.Errorf("policy output does not match the result contract: %w", err)
	}
	return out, nil
}

var errUndefined = fmt.Errorf("%s is undefined: the policies produced no assessment", Query)

// planInput builds the compiled evaluator's input from a bundle: the value of the bundle's
// canonical JSON, as inputValue builds the AST value (the tests check both against the
// canonical JSON).
func planInput(b *indicators.Bundle) (plan.Value, error) {
	v, err := inputValue(b)
	if err != nil {
		return nil, err
	}
	return plan.FromAST(v)
}

// planInputCanonical parses canonical JSON into the compiled evaluator's input.
func planInputCanonical(canonical []byte) (plan.Value, error) {
	v, err := ast.ValueFromReader(bytes.NewReader(canonical))
	if err != nil {
		return nil, err
	}
	return plan.FromAST(v)
}

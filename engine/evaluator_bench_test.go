package engine

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

// BenchmarkEvaluate times the policy evaluation alone on the Kazakhstan bundle, input built
// beforehand: OPA's interpreter (prepared query, AST input) and the compiled evaluator
// (plan, typed input; EvalScoped, as the engine evaluates: the value handed to a function
// that here only checks it is defined). make bench prints their ratio beside `opa bench` on
// the same files.
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	e := diffEngine(b)
	bd, err := indicators.LoadFile("../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("evaluator=opa", func(b *testing.B) {
		input, err := inputValue(bd)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalGenerateJSON(rawValue))
			if err != nil || len(rs) != 1 {
				b.Fatal(err)
			}
		}
	})
	b.Run("evaluator=compiled", func(b *testing.B) {
		input, err := planInput(bd)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			defined := false
			err := e.program.EvalScoped(ctx, input, func(v plan.Value) { defined = v != nil })
			if err != nil || !defined {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAssessEvaluators times a whole assessment of the Kazakhstan bundle with each
// evaluator: "bundle" from the parsed bundle (Assess: the input with its canonical JSON and
// digest, evaluation, decoding, reasons: assess --bundle); "shipped" from the Input the
// server and the world overview keep per shipped bundle (AssessInput: evaluation, decoding,
// reasons); "recorded" from recorded canonical JSON as replay reads it (ReadInput: digest;
// the compiled evaluator's input cached by digest).
func BenchmarkAssessEvaluators(b *testing.B) {
	ctx := context.Background()
	p, err := policy.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	bd, err := indicators.LoadFile("../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	in, err := NewInput(bd)
	if err != nil {
		b.Fatal(err)
	}
	for _, ev := range []string{EvaluatorOPA, EvaluatorCompiled} {
		e, err := New(ctx, p, WithEvaluator(ev))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("evaluator="+ev+"/bundle", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Assess(ctx, bd); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("evaluator="+ev+"/shipped", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.AssessInput(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("evaluator="+ev+"/recorded", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.AssessInput(ctx, ReadInput(in.Canonical())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

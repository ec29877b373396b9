package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
)

// TestEvaluatorSetting: auto and compiled run the compiled evaluator on the default
// policies, opa runs OPA's interpreter, and both give the same result.
func TestEvaluatorSetting(t *testing.T) {
	ctx := context.Background()
	p, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	bundle := load(t, kazBundle)
	results := map[string]*engine.Result{}
	for setting, want := range map[string]string{"": engine.EvaluatorCompiled, engine.EvaluatorAuto: engine.EvaluatorCompiled, engine.EvaluatorCompiled: engine.EvaluatorCompiled, engine.EvaluatorOPA: engine.EvaluatorOPA} {
		e, err := engine.New(ctx, p, engine.WithEvaluator(setting))
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Evaluator(); got.Name != want || got.Fallback != "" {
			t.Errorf("setting %q: evaluator %+v, want %s", setting, got, want)
		}
		a, err := e.Assess(ctx, bundle)
		if err != nil {
			t.Fatal(err)
		}
		res := a.Result
		if res.Evaluator != want {
			t.Errorf("setting %q: result names evaluator %q, want %q", setting, res.Evaluator, want)
		}
		results[want] = res
	}
	results[engine.EvaluatorOPA].Evaluator = engine.EvaluatorCompiled
	if diff := cmp.Diff(results[engine.EvaluatorOPA], results[engine.EvaluatorCompiled]); diff != "" {
		t.Errorf("results differ (-opa +compiled):\n%s", diff)
	}
	if _, err := engine.New(ctx, p, engine.WithEvaluator("fast")); err == nil || !strings.Contains(err.Error(), `evaluator "fast"`) {
		t.Errorf("unknown evaluator: err = %v", err)
	}
}

// TestUnsupportedPolicyFallsBack: policies using a builtin the compiled evaluator lacks run
// on OPA's interpreter under auto, and say why; compiled refuses them.
func TestUnsupportedPolicyFallsBack(t *testing.T) {
	ctx := context.Background()
	emb, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for k, v := range emb.Files {
		files[k] = v
	}
	src := string(files["lib/bundle.rego"])
	changed := strings.Replace(src, "as_of := input.as_of\n", "as_of := lower(input.as_of)\n", 1)
	if changed == src {
		t.Fatal("lib/bundle.rego no longer defines as_of := input.as_of")
	}
	files["lib/bundle.rego"] = []byte(changed)
	p, err := policy.New(mapFS(files), "changed")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	info := e.Evaluator()
	if info.Name != engine.EvaluatorOPA || !strings.Contains(info.Fallback, "builtins lower") {
		t.Errorf("evaluator %+v, want opa with a fallback naming lower", info)
	}
	a, err := e.Assess(ctx, load(t, kazBundle))
	if err != nil {
		t.Fatal(err)
	}
	res := a.Result
	if res.Evaluator != engine.EvaluatorOPA {
		t.Errorf("result names evaluator %q", res.Evaluator)
	}
	if _, err := engine.New(ctx, p, engine.WithEvaluator(engine.EvaluatorCompiled)); err == nil || !strings.Contains(err.Error(), "does not implement builtins lower") {
		t.Errorf("compiled on unsupported policies: err = %v", err)
	}
}

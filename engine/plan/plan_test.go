package plan

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

func compileSource(t *testing.T, src string) (*Program, error) {
	t.Helper()
	m, err := ast.ParseModuleWithOpts("p.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	return Compile(context.Background(), "data.p.out", map[string]*ast.Module{"p.rego": m}, map[string]any{"limit": 3}, ast.CapabilitiesForThisVersion())
}

// parseInput reads JSON as OPA reads an input and converts it to a Value.
func parseInput(t *testing.T, input string) (ast.Value, Value) {
	t.Helper()
	in, err := ast.ValueFromReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromAST(in)
	if err != nil {
		t.Fatal(err)
	}
	return in, v
}

// evalBoth evaluates data.p.out of src (compiled as p) on input (JSON) with the compiled
// evaluator (EvalScoped) and with OPA's interpreter: each result's JSON, or "undefined".
func evalBoth(t *testing.T, p *Program, src, input string) (compiled, opa string) {
	t.Helper()
	ctx := context.Background()
	in, v := parseInput(t, input)
	compiled, opa = "undefined", "undefined"
	// As the engine evaluates: the value read while it is valid.
	err := p.EvalScoped(ctx, v, func(got Value) {
		if got != nil {
			compiled = string(AppendJSON(nil, got))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rego.New(rego.Query("data.p.out"), rego.Module("p.rego", src), rego.ParsedInput(in),
		rego.Store(inmem.NewFromObject(map[string]any{"limit": 3}))).Eval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 1 {
		b, err := json.Marshal(rs[0].Expressions[0].Value)
		if err != nil {
			t.Fatal(err)
		}
		opa = string(b)
	}
	return compiled, opa
}

// errBoth evaluates data.p.out of src (compiled as p) on input (JSON) with the compiled
// evaluator and with OPA's interpreter (strict builtin errors, as the engine runs it) and
// returns each one's error.
func errBoth(t *testing.T, p *Program, src, input string) (compiled, opa error) {
	t.Helper()
	in, v := parseInput(t, input)
	_, compiled = p.Eval(context.Background(), v)
	_, opa = rego.New(rego.Query("data.p.out"), rego.Module("p.rego", src), rego.ParsedInput(in),
		rego.Store(inmem.NewFromObject(map[string]any{"limit": 3})), rego.StrictBuiltinErrors(true)).Eval(context.Background())
	return compiled, opa
}

// TestUnsupported: a policy needing a statement or builtin this package lacks is refused,
// naming it.
func TestUnsupported(t *testing.T) {
	for name, tc := range map[string]struct {
		src  string
		want Unsupported
	}{
		"builtin": {"package p\nout := upper(input.x)\n", Unsupported{Builtins: []string{"upper"}}},
		"with":    {"package p\nf := input.x\nout := y if { y := f with input.x as 1 }\n", Unsupported{Statements: []string{"WithStmt"}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := compileSource(t, tc.src)
			var u *Unsupported
			if !errors.As(err, &u) {
				t.Fatalf("err = %v, want *Unsupported", err)
			}
			if diff := cmp.Diff(&tc.want, u); diff != "" {
				t.Errorf("unsupported (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEval runs a small policy (iteration, negation, else, sets, objects, data, an
// undefined term making a rule undefined) on both evaluators.
func TestEval(t *testing.T) {
	src := `package p

big contains k if { some k, v in input.xs; v >= data.limit }

label := "many" if { count(big) > 1 } else := "few"

out := {"big": big, "label": label, "none_small": none_small, "keys": sort(object.keys(input.xs))}

none_small if not small

small if { some v in input.xs; v < 1 }
`
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ input, want string }{
		{`{"xs": {"a": 3, "b": 4, "c": 1}}`, `{"big":["a","b"],"keys":["a","b","c"],"label":"many","none_small":true}`},
		{`{"xs": {"a": 0.5}}`, `undefined`},
		{`{"xs": {"a": 3.0}}`, `{"big":["a"],"keys":["a"],"label":"few","none_small":true}`},
	} {
		gotJSON, opaJSON := evalBoth(t, p, src, tc.input)
		if gotJSON != tc.want || opaJSON != tc.want {
			t.Errorf("input %s: compiled %s, OPA %s, want %s", tc.input, gotJSON, opaJSON, tc.want)
		}
	}
}

// TestEvalMatchesOPA runs policies whose plans exercise the link-time rewrites (copies,
// constants, dead locals, scan keys and values, literal arrays for builtins) across else
// chains, negation, nested iteration, comprehensions and functions with several bodies,
// on both evaluators: the same value or both undefined.
func TestEvalMatchesOPA(t *testing.T) {
	src := `package p

f(x) := "neg" if { x < 0 } else := "zero" if { x == 0 } else := "pos"

g(x) := y if { y := x.a } else := y if { y := x.b }

pairs contains [k, v] if { some k, v in input.xs; v > 1 }

firsts := [k | some k, _ in input.xs]

joined := {concat(".", ["x", k]) | some k, _ in input.xs}

counted := count([k, k]) if { some k, _ in input.xs }

none_big if { not any_big }

any_big if { some v in input.xs; v > 100 }

nested contains [k, w] if {
	some k, v in input.xs
	some w in input.ws
	w > v
	not w == 0
}

out := {
	"f": [f(v) | some v in input.xs],
	"g": g(input.o),
	"pairs": pairs,
	"firsts": firsts,
	"joined": joined,
	"counted": counted,
	"none_big": none_big,
	"nested": nested,
	"label": label,
}

label := "a" if { input.o.a } else := "b" if { input.o.b } else := "none"
`
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, input := range []string{
		`{"xs": {"a": 3, "b": -4, "c": 0}, "ws": [0, 3, 5], "o": {"a": 1}}`,
		`{"xs": {}, "ws": [], "o": {"b": 2}}`,
		`{"xs": {"z": 1.0}, "ws": [1], "o": {}}`,
		`{"xs": {"a": 300}, "ws": [300, 0], "o": {"a": false, "b": null}}`,
		`{"xs": [5, 6], "ws": "x", "o": 1}`,
		`{}`,
	} {
		gotJSON, opaJSON := evalBoth(t, p, src, input)
		if gotJSON != opaJSON {
			t.Errorf("input %s: compiled %s, OPA %s", input, gotJSON, opaJSON)
		}
	}
	if p.Stats().Copies == 0 {
		t.Error("no copies elided")
	}
}

// TestEvalErrorLocation: an evaluation error names the policy file and line.
func TestEvalErrorLocation(t *testing.T) {
	p, err := compileSource(t, "package p\n\nx := 1 if input.a\n\nx := 2 if input.b\n\nout := x\n")
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromAST(ast.MustParseTerm(`{"a": true, "b": true}`).Value)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Eval(context.Background(), v)
	var e *Error
	if !errors.As(err, &e) || e.File != "p.rego" || e.Row == 0 || !strings.Contains(e.Msg, "multiple outputs") {
		t.Errorf("err = %#v, want a conflict in p.rego with a line", err)
	}
}

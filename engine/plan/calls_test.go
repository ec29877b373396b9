package plan

import "testing"

// TestCallMemoMatchesOPA: calls of functions with the same scalar arguments in one evaluation
// have the first call's value, as in OPA (also when undefined; f(1.0) after f(1) is f(1)'s
// value, "1" and true are other arguments); nothing is kept from one evaluation to the next
// (the functions read the input).
func TestCallMemoMatchesOPA(t *testing.T) {
	src := `package p

f(x) := [x, input.k]

g(x) := y if {
	x > 1
	y := [x, input.k]
}

h(x, y) := concat("-", [x, y, input.s])

out := {
	"f": [f(1), f(1.0), f(1), f("1"), f(1), f(true), f(null)],
	"g": [v | some x in [1, 2, 2, 1, 3]; v := g(x)],
	"h": [h("a", "b"), h("a", "b"), h("b", "a")],
	"n": to_number(input.s) * 2,
}
`
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		for _, input := range []string{
			`{"k": 1, "s": "1"}`,
			`{"k": "x", "s": "2"}`,
			`{"k": [1], "s": "2"}`,
			`{"s": "3"}`,
		} {
			gotJSON, opaJSON := evalBoth(t, p, src, input)
			if gotJSON != opaJSON {
				t.Errorf("round %d, input %s: compiled %s, OPA %s", round, input, gotJSON, opaJSON)
			}
		}
	}
}

// TestCallMemoInSharedRule: a shared rule's call does not take a value an input-dependent rule's
// call made earlier in the evaluation (its collections are the evaluation's, made again by the
// next one); the shared value stays OPA's over later evaluations.
func TestCallMemoInSharedRule(t *testing.T) {
	src := `package p

f(x) := [x, [data.limit]]

default a := "none"

a := f(1) if input.go

default b := "none"

kept := f(1)

b := kept if a

out := {"a": a, "b": b, "kept": kept, "xs": [[y, [y]] | some y in input.xs]}
`
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, input := range []string{
		`{"go": true, "xs": [1, 2]}`,
		`{"go": false, "xs": [7, 8, 9, 10]}`,
		`{"xs": ["a", "b", "c", "d", "e"]}`,
	} {
		gotJSON, opaJSON := evalBoth(t, p, src, input)
		if gotJSON != opaJSON {
			t.Errorf("input %s: compiled %s, OPA %s", input, gotJSON, opaJSON)
		}
	}
}

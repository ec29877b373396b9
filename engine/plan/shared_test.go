package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sharedSrc has rules that read no input (directly or through what they call), next to rules
// that do.
const sharedSrc = `package p

lim := data.limit

doubled := [x | some x in [lim, lim * 2]]

add_limit(a) := a * data.limit

viaFunction := add_limit(1)

ignores(a) := data.limit

viaInputArgument := ignores(input.x)

direct := input.x

viaRule := direct

readsInput(a) := [a, input.x]

viaFunctionReadingInput := readsInput(1)

count_xs := count(input.xs) if is_array(input.xs)

under contains x if {
	some x in input.xs
	x < lim
}

out := {
	"lim": lim, "doubled": doubled, "viaFunction": viaFunction, "viaInputArgument": viaInputArgument,
	"direct": direct, "viaRule": viaRule, "viaFunctionReadingInput": viaFunctionReadingInput,
	"count": count_xs, "under": under,
}
`

func sharedNames(p *Program) []string {
	var out []string
	for _, fn := range p.funcs {
		if fn.shared {
			out = append(out, fn.name[strings.LastIndex(fn.name, ".")+1:])
		}
	}
	slices.Sort(out)
	return out
}

// TestMarkShared: exactly the rules that read no input, neither themselves nor through the
// rules and functions they call, are shared; passing the input to a function that ignores
// it (as every call does) reads nothing, an argument made from the input does.
func TestMarkShared(t *testing.T) {
	p, err := compileSource(t, sharedSrc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"doubled", "lim", "viaFunction"}
	if diff := cmp.Diff(want, sharedNames(p)); diff != "" {
		t.Errorf("shared rules (-want +got):\n%s", diff)
	}
	if p.Stats().Shared != len(want) {
		t.Errorf("Stats().Shared = %d, want %d", p.Stats().Shared, len(want))
	}
}

// TestSharedMatchesOPA evaluates one program on a sequence of inputs: a shared rule's value
// kept from an earlier evaluation is the value OPA computes for the next input, and no
// value of a rule reading the input is kept.
func TestSharedMatchesOPA(t *testing.T) {
	p, err := compileSource(t, sharedSrc)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		for _, input := range []string{
			`{"x": 1, "xs": [1, 5, 2]}`,
			`{"x": 7, "xs": []}`,
			`{"xs": 3}`,
			`{"x": "a"}`,
			`{"x": 2.5, "xs": [0, 2, 3, 4]}`,
		} {
			gotJSON, opaJSON := evalBoth(t, p, sharedSrc, input)
			if gotJSON != opaJSON {
				t.Errorf("round %d, input %s: compiled %s, OPA %s", round, input, gotJSON, opaJSON)
			}
		}
	}
}

// TestSharedErrorNotKept: a shared rule whose evaluation fails fails again in every
// evaluation that reaches it, and only in those.
func TestSharedErrorNotKept(t *testing.T) {
	src := "package p\n\nbad := to_number(\"abc\")\n\nout := bad if input.reach\n\nout := 1 if not input.reach\n"
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bad"}, sharedNames(p)); diff != "" {
		t.Fatalf("shared rules (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		input   string
		wantErr bool
	}{
		{`{"reach": false}`, false},
		{`{"reach": true}`, true},
		{`{"reach": true}`, true},
		{`{"reach": false}`, false},
	} {
		err, opaErr := errBoth(t, p, src, tc.input)
		if (err != nil) != tc.wantErr || (opaErr != nil) != tc.wantErr {
			t.Errorf("input %s: compiled error %v, OPA error %v, want an error: %v", tc.input, err, opaErr, tc.wantErr)
		}
		var e *Error
		if err != nil && (!strings.Contains(err.Error(), "to_number") || !errors.As(err, &e) || e.Row != 3) {
			t.Errorf("input %s: error %v, want to_number's at p.rego:3", tc.input, err)
		}
	}
}

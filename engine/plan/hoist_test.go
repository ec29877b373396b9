package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHoistInvariants: a scan's leading statements move out of the loop when they are pure
// and read only constants, unwritten parameters and what the prefix wrote before; the run
// stops at the first statement that does not qualify.
func TestHoistInvariants(t *testing.T) {
	dot := func(src operand, key string, target int32) stmt {
		return stmt{op: opDot, a: src, b: konst(String(key)), target: target}
	}
	get := func(src operand, target int32) stmt {
		return stmt{op: opCallBuiltin, args: []operand{src, konst(String("k")), konst(NewObject(0))}, bi: builtins["object.get"], target: target}
	}
	gt := func(x, y operand, target int32) stmt {
		return stmt{op: opCallBuiltin, args: []operand{x, y}, bi: builtins["gt"], target: target}
	}
	add := stmt{op: opSetAdd, a: loc(5), target: 2}
	rule := &function{memo: 0}
	helper := &function{memo: -1}
	scan := func(body ...stmt) stmt { return stmt{op: opScan, a: loc(3), key: 4, val: 5, blocks: [][]stmt{body}} }
	for name, tc := range map[string]struct {
		before []stmt // statements of the function before the scan
		body   []stmt
		moved  int
	}{
		"data reference and builtin": {
			body:  []stmt{dot(loc(1), "t", 6), get(loc(6), 7), gt(loc(5), loc(7), 8), add},
			moved: 2,
		},
		"reference in nested blocks, as the planner writes data refs": {
			body: []stmt{{op: opBlock, blocks: [][]stmt{{{op: opBlock, blocks: [][]stmt{{dot(loc(1), "t", 6), {op: opBreak, n: 1}}}}, {op: opBreak, n: 1}}}},
				get(loc(6), 7), gt(loc(5), loc(7), 8), add},
			moved: 2,
		},
		"memoized rule called": {
			body:  []stmt{{op: opCall, fn: rule, args: []operand{loc(0), loc(1)}, target: 6}, gt(loc(5), loc(6), 8), add},
			moved: 1,
		},
		"stops at the first statement reading the element": {
			body:  []stmt{dot(loc(1), "t", 6), dot(loc(5), "a", 7), dot(loc(1), "u", 8), add},
			moved: 1,
		},
		"element read":              {body: []stmt{dot(loc(5), "a", 6), add}},
		"key read":                  {body: []stmt{gt(loc(4), konst(IntValue(1)), 6), add}},
		"local the rest writes":     {body: []stmt{dot(loc(9), "a", 6), {op: opAssignVar, a: loc(5), target: 9}, add}},
		"local written before":      {before: []stmt{dot(loc(0), "x", 9)}, body: []stmt{dot(loc(9), "a", 6), add}},
		"written again by the rest": {body: []stmt{dot(loc(1), "t", 6), {op: opAssignVar, a: loc(5), target: 6}, add}},
		"read before written":       {body: []stmt{gt(loc(6), konst(IntValue(1)), 7), dot(loc(1), "t", 6), add}},
		"parameter written":         {before: []stmt{dot(loc(0), "x", 1)}, body: []stmt{dot(loc(1), "t", 6), add}},
		"parameter mutated":         {before: []stmt{{op: opSetAdd, a: konst(String("x")), target: 1}}, body: []stmt{dot(loc(1), "t", 6), add}},
		"collection made":           {body: []stmt{{op: opMakeSet, target: 6}, add}},
		"function called":           {body: []stmt{{op: opCall, fn: helper, args: []operand{loc(0), loc(1), konst(IntValue(1))}, target: 6}, add}},
		"definedness tested":        {body: []stmt{dot(loc(1), "t", 6), {op: opIsDefined, a: loc(6)}, add}, moved: 1},
		"conflict checked":          {body: []stmt{{op: opAssignVarOnce, a: loc(1), target: 6}, add}},
	} {
		t.Run(name, func(t *testing.T) {
			body := append([]stmt(nil), tc.body...)
			fn := &function{params: []int32{0, 1}, blocks: [][]stmt{append(append([]stmt(nil), tc.before...), scan(body...))}}
			if got := hoistInvariants(fn); got != tc.moved {
				t.Errorf("moved %d statements, want %d", got, tc.moved)
			}
			st := fn.blocks[0][len(tc.before)]
			want := [][]string{listing(tc.body[tc.moved:])}
			if tc.moved > 0 {
				want = append(want, listing(tc.body[:tc.moved]))
			}
			var got [][]string
			for _, b := range st.blocks {
				got = append(got, listing(b))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("scan blocks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHoistMatchesOPA: policies whose scans start with invariant statements (references to
// data and input, builtins on them, a rule's value) give OPA's results on collections that
// are empty, scalars or missing, with the invariant part undefined, and with early exits.
func TestHoistMatchesOPA(t *testing.T) {
	src := `package p

big contains x if {
	some x in input.xs
	t := object.get(input, "t", data.limit)
	x > t
}

tagged contains [k, tag] if {
	some k, _ in input.xs
	tag := concat(":", [input.tag, "x"])
}

any_over if {
	some x in input.xs
	x > data.limit
}

first_key := k if {
	some k, x in input.xs
	input.t
	x == 1
}

sizes := [n | some x in input.xs; n := count(input.names); x > n]

nested contains [x, y] if {
	some x in input.xs
	some y in input.ys
	lim := data.limit
	y > lim
	x < y
}

out := {"big": big, "tagged": tagged, "any_over": any_over, "first_key": first_key, "sizes": sizes, "nested": nested}
`
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stats().Hoisted == 0 {
		t.Fatal("nothing hoisted")
	}
	for _, input := range []string{
		`{"xs": [1, 5, 2, 9], "t": 2, "tag": "a", "names": ["p", "q"], "ys": [0, 4, 10]}`,
		`{"xs": {"a": 1, "b": 7}, "t": true, "tag": "b", "names": {"x": 1}, "ys": [3]}`,
		`{"xs": [1, 5], "tag": 3, "ys": []}`,
		`{"xs": [], "t": 0, "tag": "a", "names": [], "ys": [5]}`,
		`{"xs": 4, "t": 0, "ys": 7}`,
		`{"xs": ["a", 1], "t": false}`,
		`{}`,
	} {
		gotJSON, opaJSON := evalBoth(t, p, src, input)
		if gotJSON != opaJSON {
			t.Errorf("input %s: compiled %s, OPA %s", input, gotJSON, opaJSON)
		}
	}
}

// TestHoistedErrorOnlyWhenScanned: an invariant statement that fails with an error fails
// only where the loop runs it: not for an empty collection, and with the same statement's
// error otherwise, as in OPA.
func TestHoistedErrorOnlyWhenScanned(t *testing.T) {
	src := "package p\n\nout contains x if {\n\tsome x in input.xs\n\tn := to_number(input.s)\n\tx > n\n}\n"
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stats().Hoisted == 0 {
		t.Fatal("nothing hoisted")
	}
	for _, tc := range []struct {
		input   string
		wantErr bool
	}{
		{`{"xs": [], "s": "abc"}`, false},
		{`{"xs": 3, "s": "abc"}`, false},
		{`{"xs": [1, 2], "s": "abc"}`, true},
		{`{"xs": [1, 2], "s": "1"}`, false},
	} {
		err, opaErr := errBoth(t, p, src, tc.input)
		if (err != nil) != tc.wantErr || (opaErr != nil) != tc.wantErr {
			t.Errorf("input %s: compiled error %v, OPA error %v, want an error: %v", tc.input, err, opaErr, tc.wantErr)
		}
		var e *Error
		if err != nil && (!strings.Contains(err.Error(), "to_number") || !errors.As(err, &e) || e.Row != 5) {
			t.Errorf("input %s: error %v, want to_number's at p.rego:5", tc.input, err)
		}
	}
}

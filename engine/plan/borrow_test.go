package plan

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBorrowArrays: a literal array read once by a builtin that keeps no operand is made from
// the evaluation's scratch arrays; any other use keeps it a new array.
func TestBorrowArrays(t *testing.T) {
	mkArr := stmt{op: opMakeArray, target: 5}
	app := func(v operand) stmt { return stmt{op: opArrayAppend, a: v, target: 5} }
	call := func(name string, target int32, args ...operand) stmt {
		return stmt{op: opCallBuiltin, bi: builtins[name], args: args, target: target}
	}
	ret := stmt{op: opReturn, a: loc(2)}
	for name, tc := range map[string]struct {
		body []stmt
		want bool
	}{
		"concat":       {[]stmt{mkArr, app(konst(String("a"))), app(loc(0)), call("concat", 2, konst(String(".")), loc(5)), ret}, true},
		"count":        {[]stmt{mkArr, app(loc(0)), call("count", 2, loc(5)), ret}, true},
		"sort keeps":   {[]stmt{mkArr, app(loc(0)), call("sort", 2, loc(5)), ret}, false},
		"read twice":   {[]stmt{mkArr, app(loc(0)), call("concat", 2, loc(5), loc(5)), ret}, false},
		"live after":   {[]stmt{mkArr, app(loc(0)), call("count", 6, loc(5)), {op: opReturn, a: loc(5)}}, false},
		"itself added": {[]stmt{mkArr, app(loc(5)), call("count", 2, loc(5)), ret}, false},
		"copied first": {[]stmt{mkArr, {op: opAssignVar, a: loc(5), target: 6}, call("count", 2, loc(5)), {op: opReturn, a: loc(6)}}, false},
		"undefined between, live there": {[]stmt{{op: opBlock, blocks: [][]stmt{{mkArr, {op: opDot, a: loc(0), b: konst(String("x")), target: 7},
			call("count", 2, loc(5))}}}, {op: opReturn, a: loc(5)}}, false},
		"nested block between": {[]stmt{mkArr, {op: opBlock, blocks: [][]stmt{{app(loc(0))}}}, call("count", 2, loc(5)), ret}, false},
	} {
		t.Run(name, func(t *testing.T) {
			blocks := [][]stmt{tc.body}
			borrowArrays(blocks, analyze(blocks, 2, 16))
			got := false
			walkStmts(blocks[0], func(st *stmt) { got = got || st.op == opMakeScratchArray })
			if got != tc.want {
				t.Errorf("scratch array = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestScratchArraysNotShared: a result made with scratch arrays stays as it was when the
// next evaluation reuses them.
func TestScratchArraysNotShared(t *testing.T) {
	src := `package p

out := {
	"paths": {concat(".", ["x", k]) | some k, _ in input.xs},
	"n": count([k | some k, _ in input.xs]),
	"sorted": [sort([k, "z"]) | some k, _ in input.xs],
}
`
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	eval := func(input string) Value {
		_, v := parseInput(t, input)
		out, err := p.Eval(context.Background(), v)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	scratch := 0
	var walk func([]instr)
	walk = func(body []instr) {
		for _, in := range body {
			if in.op == opMakeScratchArray {
				scratch++
			}
			if in.x != nil {
				for _, b := range in.x.blocks {
					walk(b)
				}
			}
		}
	}
	for _, fn := range p.funcs {
		for _, b := range fn.code {
			walk(b)
		}
	}
	if scratch == 0 {
		t.Fatal("no scratch arrays")
	}
	first := eval(`{"xs": {"a": 1, "b": 2}}`)
	want := `{"n":2,"paths":["x.a","x.b"],"sorted":[["a","z"],["b","z"]]}`
	for _, input := range []string{`{"xs": {"c": 1, "d": 2, "e": 3}}`, `{"xs": {}}`} {
		eval(input)
		if diff := cmp.Diff(want, string(AppendJSON(nil, first))); diff != "" {
			t.Errorf("first result after evaluating %s (-want +got):\n%s", input, diff)
		}
	}
}

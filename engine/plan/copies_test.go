package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// listing writes statements one a line for comparisons: op, operands, target.
func listing(body []stmt) []string {
	var out []string
	opd := func(o operand) string {
		if o.konst != nil {
			return string(AppendJSON(nil, o.konst))
		}
		return fmt.Sprintf("L%d", o.local)
	}
	for _, st := range body {
		var b strings.Builder
		fmt.Fprintf(&b, "%d", st.op)
		for _, o := range append([]operand{st.a, st.b}, st.args...) {
			b.WriteString(" " + opd(o))
		}
		fmt.Fprintf(&b, " -> L%d", st.target)
		if st.op == opScan {
			fmt.Fprintf(&b, " key L%d value L%d", st.key, st.val)
		}
		if st.test {
			b.WriteString(" test")
		}
		out = append(out, b.String())
		for _, nested := range st.blocks {
			for _, l := range listing(nested) {
				out = append(out, "  "+l)
			}
		}
	}
	return out
}

func loc(l int32) operand   { return operand{local: l} }
func konst(v Value) operand { return operand{konst: v} }

// TestElideCopies: a copy goes when its local has no other reader, and stays when one
// exists anywhere in the function, when the local is written between a constant and its
// reader, or when the reader takes the local not as an operand.
func TestElideCopies(t *testing.T) {
	dot := func(src operand, key string, target int32) stmt {
		return stmt{op: opDot, a: src, b: konst(String(key)), target: target}
	}
	assign := func(src operand, target int32) stmt { return stmt{op: opAssignVar, a: src, target: target} }
	mk := func(v Value, target int32) stmt { return stmt{op: opMakeConst, a: konst(v), target: target} }
	gt := func(x, y operand, target int32) stmt {
		return stmt{op: opCallBuiltin, args: []operand{x, y}, bi: builtins["gt"], target: target}
	}
	ret := stmt{op: opReturn, a: loc(2)}
	for name, tc := range map[string]struct {
		in, want []stmt
		removed  int
	}{
		"result copied": {
			in:      []stmt{dot(loc(0), "a", 5), assign(loc(5), 2), ret},
			want:    []stmt{dot(loc(0), "a", 2), ret},
			removed: 1,
		},
		"chain": {
			in:      []stmt{dot(loc(0), "a", 5), assign(loc(5), 6), assign(loc(6), 2), ret},
			want:    []stmt{dot(loc(0), "a", 2), ret},
			removed: 2,
		},
		"result read again": {
			in:   []stmt{dot(loc(0), "a", 5), assign(loc(5), 2), dot(loc(5), "b", 7), ret},
			want: []stmt{dot(loc(0), "a", 5), assign(loc(5), 2), dot(loc(5), "b", 7), ret},
		},
		"result read in another block": {
			in: []stmt{dot(loc(0), "a", 5), assign(loc(5), 2),
				{op: opBlock, blocks: [][]stmt{{{op: opIsDefined, a: loc(5)}}}}, ret},
			want: []stmt{dot(loc(0), "a", 5), assign(loc(5), 2),
				{op: opBlock, blocks: [][]stmt{{{op: opIsDefined, a: loc(5)}}}}, ret},
		},
		"copy read": {
			in:      []stmt{assign(loc(0), 5), dot(loc(5), "a", 2), ret},
			want:    []stmt{dot(loc(0), "a", 2), ret},
			removed: 1,
		},
		"copy read where its reader goes when undefined": {
			in: []stmt{{op: opBlock, blocks: [][]stmt{{assign(loc(0), 5), dot(loc(5), "a", 6), {op: opResetLocal, target: 5}, assign(loc(6), 2)}}},
				{op: opIsDefined, a: loc(5)}, ret},
			want: []stmt{{op: opBlock, blocks: [][]stmt{{assign(loc(0), 5), dot(loc(5), "a", 6), {op: opResetLocal, target: 5}, assign(loc(6), 2)}}},
				{op: opIsDefined, a: loc(5)}, ret},
		},
		"constant read where a statement between goes when undefined": {
			in: []stmt{{op: opBlock, blocks: [][]stmt{{mk(IntValue(0), 8), dot(loc(0), "a", 7), gt(loc(7), loc(8), 2), {op: opResetLocal, target: 8}}}},
				{op: opIsDefined, a: loc(8)}, ret},
			want: []stmt{{op: opBlock, blocks: [][]stmt{{mk(IntValue(0), 8), dot(loc(0), "a", 7), gt(loc(7), loc(8), 2), {op: opResetLocal, target: 8}}}},
				{op: opIsDefined, a: loc(8)}, ret},
		},
		"call tested": {
			in:      []stmt{gt(loc(0), loc(1), 9), {op: opNotEqual, a: loc(9), b: konst(Bool(false))}, ret},
			want:    []stmt{{op: opCallBuiltin, args: []operand{loc(0), loc(1)}, bi: builtins["gt"], target: 9, test: true}, ret},
			removed: 1,
		},
		"call tested, value read later": {
			in:   []stmt{gt(loc(0), loc(1), 9), {op: opNotEqual, a: loc(9), b: konst(Bool(false))}, assign(loc(9), 2), ret},
			want: []stmt{gt(loc(0), loc(1), 9), {op: opNotEqual, a: loc(9), b: konst(Bool(false))}, assign(loc(9), 2), ret},
		},
		"call compared with true": {
			in:   []stmt{gt(loc(0), loc(1), 9), {op: opNotEqual, a: loc(9), b: konst(Bool(true))}, ret},
			want: []stmt{gt(loc(0), loc(1), 9), {op: opNotEqual, a: loc(9), b: konst(Bool(true))}, ret},
		},
		"copy mutated": {
			in:   []stmt{assign(loc(0), 5), {op: opSetAdd, a: konst(String("x")), target: 5}, ret},
			want: []stmt{assign(loc(0), 5), {op: opSetAdd, a: konst(String("x")), target: 5}, ret},
		},
		"constant": {
			in:      []stmt{mk(IntValue(0), 8), dot(loc(0), "a", 7), gt(loc(7), loc(8), 2), ret},
			want:    []stmt{dot(loc(0), "a", 7), gt(loc(7), konst(IntValue(0)), 2), ret},
			removed: 1,
		},
		"constant overwritten before its reader": {
			in: []stmt{mk(IntValue(0), 8), {op: opBlock, blocks: [][]stmt{{dot(loc(0), "a", 8)}}},
				gt(loc(0), loc(8), 2), ret},
			want: []stmt{mk(IntValue(0), 8), {op: opBlock, blocks: [][]stmt{{dot(loc(0), "a", 8)}}},
				gt(loc(0), loc(8), 2), ret},
		},
		"constant tested for definedness": {
			in:   []stmt{mk(Null{}, 8), {op: opIsDefined, a: loc(8)}, ret},
			want: []stmt{mk(Null{}, 8), {op: opIsDefined, a: loc(8)}, ret},
		},
		"returned local": { // read by the caller (ret = L5)
			in:      []stmt{dot(loc(0), "a", 5), assign(loc(5), 3)},
			want:    []stmt{dot(loc(0), "a", 5)},
			removed: 1,
		},
		"return": {
			in:      []stmt{dot(loc(0), "a", 5), assign(loc(5), 3), {op: opReturn, a: loc(3)}},
			want:    []stmt{dot(loc(0), "a", 3), {op: opReturn, a: loc(3)}},
			removed: 1,
		},
		"unread locals": {
			in:      []stmt{mk(IntValue(1), 9), {op: opResetLocal, target: 9}, assign(loc(0), 9), {op: opLen, a: loc(0), target: 9}, ret},
			want:    []stmt{ret},
			removed: 4,
		},
		"unread dot": { // may be undefined: stays
			in:   []stmt{dot(loc(0), "a", 9), ret},
			want: []stmt{dot(loc(0), "a", 9), ret},
		},
		"scan copies": {
			in: []stmt{{op: opScan, a: loc(0), key: 5, val: 6, blocks: [][]stmt{{
				assign(loc(5), 7), assign(loc(6), 8), dot(loc(8), "x", 9), {op: opObjectInsert, a: loc(7), b: loc(9), target: 2}}}}, ret},
			want: []stmt{{op: opScan, a: loc(0), key: 7, val: 8, blocks: [][]stmt{{
				dot(loc(8), "x", 9), {op: opObjectInsert, a: loc(7), b: loc(9), target: 2}}}}, ret},
			removed: 2,
		},
		"scan key read again": {
			in: []stmt{{op: opScan, a: loc(0), key: 5, val: 6, blocks: [][]stmt{{
				assign(loc(5), 7), dot(loc(6), "x", 9), {op: opObjectInsert, a: loc(7), b: loc(5), target: 2}}}}, ret},
			want: []stmt{{op: opScan, a: loc(0), key: 5, val: 6, blocks: [][]stmt{{
				assign(loc(5), 7), dot(loc(6), "x", 9), {op: opObjectInsert, a: loc(7), b: loc(5), target: 2}}}}, ret},
		},
	} {
		t.Run(name, func(t *testing.T) {
			blocks := [][]stmt{tc.in}
			ret := int32(5) // read by the caller in "returned local"
			if name != "returned local" {
				ret = 2
			}
			removed := elideCopies(blocks, ret, 16)
			if diff := cmp.Diff(listing(tc.want), listing(blocks[0])); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
			if removed != tc.removed {
				t.Errorf("removed %d, want %d", removed, tc.removed)
			}
		})
	}
}

// TestRenumber: the locals a function uses are numbered densely, in order, parameters and
// return local included.
func TestRenumber(t *testing.T) {
	fn := &function{params: []int32{0, 1, 4}, ret: 2, nlocals: 20, blocks: [][]stmt{{
		{op: opScan, a: loc(4), key: 11, val: 15, blocks: [][]stmt{{
			{op: opDot, a: loc(15), b: konst(String("x")), target: 19},
			{op: opObjectInsert, a: loc(11), b: loc(19), target: 2},
		}}},
		{op: opReturn, a: loc(2)},
	}}}
	if n := renumber(fn); n != 7 {
		t.Errorf("nlocals = %d, want 7", n)
	}
	want := &function{params: []int32{0, 1, 3}, ret: 2, blocks: [][]stmt{{
		{op: opScan, a: loc(3), key: 4, val: 5, blocks: [][]stmt{{
			{op: opDot, a: loc(5), b: konst(String("x")), target: 6},
			{op: opObjectInsert, a: loc(4), b: loc(6), target: 2},
		}}},
		{op: opReturn, a: loc(2)},
	}}}
	if diff := cmp.Diff(listing(want.blocks[0]), listing(fn.blocks[0])); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, 1, 3}, fn.params); diff != "" || fn.ret != 2 {
		t.Errorf("params %v (-want +got):\n%s, ret %d", fn.params, diff, fn.ret)
	}
}

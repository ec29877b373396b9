package plan

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
)

// edgeValues are values on the edges of the fast paths of Compare, equal, Object.Get and
// Set.Add: every kind, numbers with different texts that compare equal, strings that are
// prefixes of each other, empty and one-element collections.
func edgeValues() []Value {
	return []Value{
		Null{}, Bool(false), Bool(true),
		Number("0"), Number("-0"), Number("1"), Number("1.0"), Number("1e0"), Number("10"), Number("2"), Number("007"), Number("-10"),
		Number("-1"), Number("1.5"), Number("1e400"), Number("9223372036854775808"),
		String(""), String("a"), String("ab"), String("b"), String("B"), String("ba"), String("1"), String("ä"),
		NewArray(0), &Array{elems: []Value{String("a")}}, &Array{elems: []Value{Number("1.0")}},
		NewObject(0), ObjectOf(KV{String("a"), Number("1")}), ObjectOf(KV{Number("1"), String("a")}),
		NewSet(0), &Set{elems: []Value{String("a")}}, &Set{elems: []Value{Number("1")}},
	}
}

func sign(c int) int { return min(max(c, -1), 1) }

// TestCompareMatchesAST: Compare and equal order every pair of edge values as ast.Compare does.
func TestCompareMatchesAST(t *testing.T) {
	vs := edgeValues()
	for _, a := range vs {
		for _, b := range vs {
			want := sign(ast.Compare(ToAST(a), ToAST(b)))
			if got := sign(Compare(a, b)); got != want {
				t.Errorf("Compare(%s, %s) = %d, ast.Compare %d", AppendJSON(nil, a), AppendJSON(nil, b), got, want)
			}
			if got := equal(a, b); got != (want == 0) {
				t.Errorf("equal(%s, %s) = %v, ast.Compare %d", AppendJSON(nil, a), AppendJSON(nil, b), got, want)
			}
		}
	}
}

// TestObjectGet: Get finds every key, and no other, in objects of every size around the
// linear-scan limit, with keys of mixed kinds (numbers that equal other numbers' texts,
// strings that look like numbers, collections).
func TestObjectGet(t *testing.T) {
	keys := edgeValues()
	for _, n := range []int{0, 1, 2, linearKeys - 1, linearKeys, linearKeys + 1, len(keys)} {
		for _, mixed := range []bool{false, true} {
			var kvs []KV
			for i, k := range keys {
				if _, isString := k.(String); (mixed || isString) && len(kvs) < n {
					kvs = append(kvs, KV{k, IntValue(i)})
				}
			}
			o := ObjectOf(slices.Clone(kvs)...)
			t.Run(fmt.Sprintf("n=%d/mixed=%v", n, mixed), func(t *testing.T) {
				for _, k := range keys {
					var want Value
					for _, kv := range o.kvs {
						if ast.Compare(ToAST(kv.Key), ToAST(k)) == 0 {
							want = kv.Value
						}
					}
					got := o.Get(k)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("Get(%s) (-want +got):\n%s", AppendJSON(nil, k), diff)
					}
				}
			})
		}
	}
}

// TestSetAdd: a set built in any order, with repeats and numbers of different texts that are
// equal, holds its elements sorted as ast.Compare sorts them, each once (the first added).
func TestSetAdd(t *testing.T) {
	vs := edgeValues()
	for name, order := range map[string][]Value{
		"empty":     nil,
		"one":       vs[:1],
		"sorted":    vs,
		"reversed":  reversed(vs),
		"repeated":  append(slices.Clone(vs), vs...),
		"equal num": {Number("1.0"), Number("1"), Number("1e0"), Number("0"), Number("-0")},
		"strings":   {String("b"), String("a"), String("ab"), String("b"), String("")},
	} {
		t.Run(name, func(t *testing.T) {
			s := NewSet(0)
			for _, v := range order {
				s.Add(v)
			}
			terms := make([]*ast.Term, len(order))
			for i, v := range order {
				terms[i] = ast.NewTerm(ToAST(v))
			}
			want := string(AppendJSON(nil, mustFromAST(t, ast.NewSet(terms...))))
			if got := string(AppendJSON(nil, s)); got != want {
				t.Errorf("set = %s, want %s", got, want)
			}
		})
	}
}

func mustFromAST(t *testing.T, v ast.Value) Value {
	t.Helper()
	out, err := FromAST(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func reversed(vs []Value) []Value {
	out := slices.Clone(vs)
	slices.Reverse(out)
	return out
}

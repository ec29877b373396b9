package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Value is a Rego value as the evaluator holds it: Null, Bool, Number, String, *Array,
// *Object or *Set. Objects and sets keep their elements sorted in OPA's order (ast.Compare),
// which is the order OPA's interpreter iterates them in.
type Value interface{ kind() int }

// Null is the JSON null.
type Null struct{}

// Bool is a boolean.
type Bool bool

// Number is a number in its JSON text, exactly as ast.Number holds it.
type Number string

// String is a string.
type String string

// Array is an array; the evaluator appends to it in place.
type Array struct{ elems []Value }

// Object is an object with its keys in sorted order; the evaluator inserts in place.
type Object struct{ kvs []KV }

// KV is a key and its value.
type KV struct{ Key, Value Value }

// Set is a set with its elements in sorted order; the evaluator adds in place.
type Set struct{ elems []Value }

// The kinds in OPA's sort order (ast's valueSortOrder: only relative order matters).
const (
	kindNull = iota
	kindBool
	kindNumber
	kindString
	kindArray  = 7
	kindObject = 8
	kindSet    = 9
)

func (Null) kind() int    { return kindNull }
func (Bool) kind() int    { return kindBool }
func (Number) kind() int  { return kindNumber }
func (String) kind() int  { return kindString }
func (*Array) kind() int  { return kindArray }
func (*Object) kind() int { return kindObject }
func (*Set) kind() int    { return kindSet }

// NewArray returns an array with room for n elements.
func NewArray(n int) *Array { return &Array{elems: make([]Value, 0, n)} }

// Append adds v at the end of a.
func (a *Array) Append(v Value) { a.elems = append(a.elems, v) }

// Len is the number of elements.
func (a *Array) Len() int { return len(a.elems) }

// Elem returns the i-th element.
func (a *Array) Elem(i int) Value { return a.elems[i] }

// Elems returns the elements; callers must not modify them.
func (a *Array) Elems() []Value { return a.elems }

// NewObject returns an empty object with room for n keys.
func NewObject(n int) *Object { return &Object{kvs: make([]KV, 0, n)} }

func (o *Object) find(k Value) (int, bool) {
	if s, ok := k.(String); ok {
		return o.findString(string(s))
	}
	return slices.BinarySearchFunc(o.kvs, k, func(e KV, k Value) int { return Compare(e.Key, k) })
}

// findString is find for a string key: string keys sort after null, bools and numbers and
// before arrays, objects and sets.
func (o *Object) findString(s string) (int, bool) {
	lo, hi := 0, len(o.kvs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		var c int
		if es, ok := o.kvs[m].Key.(String); ok {
			c = compareStrings(string(es), s)
		} else {
			c = cmp.Compare(o.kvs[m].Key.kind(), kindString)
		}
		switch {
		case c < 0:
			lo = m + 1
		case c > 0:
			hi = m
		default:
			return m, true
		}
	}
	return lo, false
}

// Insert sets key k to v (replacing a previous value).
func (o *Object) Insert(k, v Value) {
	i, found := o.find(k)
	if found {
		o.kvs[i].Value = v
		return
	}
	o.kvs = slices.Insert(o.kvs, i, KV{k, v})
}

// ObjectOf returns the object of kvs (in any order; a repeated key keeps its last value).
// It takes kvs over.
func ObjectOf(kvs ...KV) *Object {
	slices.SortStableFunc(kvs, func(a, b KV) int { return Compare(a.Key, b.Key) })
	out := kvs[:0]
	for i, kv := range kvs {
		if i+1 < len(kvs) && Compare(kv.Key, kvs[i+1].Key) == 0 {
			continue
		}
		out = append(out, kv)
	}
	return &Object{kvs: out}
}

// Get returns the value of key k, or nil.
func (o *Object) Get(k Value) Value {
	var i int
	var found bool
	if s, ok := k.(String); ok {
		i, found = o.indexString(string(s))
	} else {
		i, found = o.find(k)
	}
	if found {
		return o.kvs[i].Value
	}
	return nil
}

// indexString is the index of string key s, if o has it.
func (o *Object) indexString(s string) (int, bool) {
	if len(o.kvs) <= linearKeys {
		// A few keys: compared for equality in order, cheaper than a binary search.
		for i := range o.kvs {
			if es, ok := o.kvs[i].Key.(String); ok && string(es) == s {
				return i, true
			}
		}
		return 0, false
	}
	return o.findString(s)
}

// linearKeys is the number of keys up to which Get scans an object's keys in order.
const linearKeys = 8

// Len is the number of keys.
func (o *Object) Len() int { return len(o.kvs) }

// Items returns the keys and values in key order; callers must not modify them.
func (o *Object) Items() []KV { return o.kvs }

// NewSet returns an empty set with room for n elements.
func NewSet(n int) *Set { return &Set{elems: make([]Value, 0, n)} }

// Add adds v to s.
func (s *Set) Add(v Value) {
	if n := len(s.elems); n == 0 || Compare(s.elems[n-1], v) < 0 {
		s.elems = append(s.elems, v) // in order, as most sets are built
		return
	}
	i, found := slices.BinarySearchFunc(s.elems, v, Compare)
	if !found {
		s.elems = slices.Insert(s.elems, i, v)
	}
}

// Elems returns the elements in sorted order; callers must not modify them.
func (s *Set) Elems() []Value { return s.elems }

// Len is the number of elements.
func (s *Set) Len() int { return len(s.elems) }

// Contains reports whether v is in s.
func (s *Set) Contains(v Value) bool {
	_, found := slices.BinarySearchFunc(s.elems, v, Compare)
	return found
}

// Compare orders values as ast.Compare does.
func Compare(a, b Value) int {
	// Two strings or two numbers, the most common cases, without the kinds.
	if x, ok := a.(String); ok {
		if y, ok := b.(String); ok {
			return compareStrings(string(x), string(y))
		}
	} else if x, ok := a.(Number); ok {
		if y, ok := b.(Number); ok {
			if x == y {
				return 0
			}
			if i, ok := shortInt(string(x)); ok {
				if j, ok := shortInt(string(y)); ok {
					return cmp.Compare(i, j)
				}
			}
			return ast.NumberCompare(ast.Number(x), ast.Number(y))
		}
	}
	ka, kb := a.kind(), b.kind()
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch x := a.(type) {
	case Null:
		return 0
	case Bool:
		y := b.(Bool)
		switch {
		case x == y:
			return 0
		case !bool(x):
			return -1
		}
		return 1
	case Number:
		return ast.NumberCompare(ast.Number(x), ast.Number(b.(Number)))
	case String:
		return strings.Compare(string(x), string(b.(String)))
	case *Array:
		return slices.CompareFunc(x.elems, b.(*Array).elems, Compare)
	case *Object:
		y := b.(*Object)
		n := min(len(x.kvs), len(y.kvs))
		for i := range n {
			if c := Compare(x.kvs[i].Key, y.kvs[i].Key); c != 0 {
				return c
			}
			if c := Compare(x.kvs[i].Value, y.kvs[i].Value); c != 0 {
				return c
			}
		}
		return len(x.kvs) - len(y.kvs)
	case *Set:
		return slices.CompareFunc(x.elems, b.(*Set).elems, Compare)
	}
	panic(fmt.Sprintf("plan: compare %T", a))
}

// compareStrings is strings.Compare, deciding by the first bytes where they differ without
// a call (the keys and ids the policies compare mostly differ there).
func compareStrings(a, b string) int {
	if len(a) > 0 && len(b) > 0 && a[0] != b[0] {
		if a[0] < b[0] {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// equal reports whether Compare(a, b) == 0, faster for strings.
func equal(a, b Value) bool {
	if x, ok := a.(String); ok {
		y, ok := b.(String)
		return ok && x == y
	}
	return Compare(a, b) == 0
}

// Small integers as Numbers, so that array indexes and counts need no allocation.
var smallInts = func() []Value {
	out := make([]Value, 1024)
	for i := range out {
		out[i] = Number(strconv.Itoa(i))
	}
	return out
}()

// IntValue returns the Number of i.
func IntValue(i int) Value {
	if i >= 0 && i < len(smallInts) {
		return smallInts[i]
	}
	return Number(strconv.Itoa(i))
}

// StringValue boxes s as a Value.
func StringValue(s string) Value { return String(s) }

// FromAST converts an AST value (scalars and collections only).
func FromAST(v ast.Value) (Value, error) {
	switch x := v.(type) {
	case ast.Null:
		return Null{}, nil
	case ast.Boolean:
		return Bool(x), nil
	case ast.Number:
		return Number(x), nil
	case ast.String:
		return String(x), nil
	case *ast.Array:
		out := NewArray(x.Len())
		for i := range x.Len() {
			e, err := FromAST(x.Elem(i).Value)
			if err != nil {
				return nil, err
			}
			out.elems = append(out.elems, e)
		}
		return out, nil
	case ast.Set:
		out := NewSet(x.Len())
		for _, t := range x.Slice() { // sorted
			e, err := FromAST(t.Value)
			if err != nil {
				return nil, err
			}
			out.elems = append(out.elems, e)
		}
		return out, nil
	case ast.Object:
		out := NewObject(x.Len())
		for _, k := range x.Keys() { // sorted
			kv, err := FromAST(k.Value)
			if err != nil {
				return nil, err
			}
			vv, err := FromAST(x.Get(k).Value)
			if err != nil {
				return nil, err
			}
			out.kvs = append(out.kvs, KV{kv, vv})
		}
		return out, nil
	}
	return nil, fmt.Errorf("plan: no value for %s", ast.ValueName(v))
}

// ToAST converts v to an AST value.
func ToAST(v Value) ast.Value {
	switch x := v.(type) {
	case Null:
		return ast.Null{}
	case Bool:
		return ast.Boolean(x)
	case Number:
		return ast.Number(x)
	case String:
		return ast.String(x)
	case *Array:
		terms := make([]*ast.Term, len(x.elems))
		for i, e := range x.elems {
			terms[i] = ast.NewTerm(ToAST(e))
		}
		return ast.NewArray(terms...)
	case *Set:
		terms := make([]*ast.Term, len(x.elems))
		for i, e := range x.elems {
			terms[i] = ast.NewTerm(ToAST(e))
		}
		return ast.NewSet(terms...)
	case *Object:
		o := ast.NewObjectWithCapacity(len(x.kvs))
		for _, kv := range x.kvs {
			o.Insert(ast.NewTerm(ToAST(kv.Key)), ast.NewTerm(ToAST(kv.Value)))
		}
		return o
	}
	panic(fmt.Sprintf("plan: ToAST %T", v))
}

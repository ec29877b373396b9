package plan

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// builtin is a builtin function: it returns nil for an undefined result. The native
// implementations cover the operand types the policies pass; any other operands go to
// OPA's own implementation of the builtin (through AST values), so that odd inputs get
// OPA's result or OPA's error.
type builtin struct {
	name string
	fn   func(s *state, args []Value) (Value, error)
}

// builtins are exactly the builtins the policies use. A policy set needing another one is
// not compiled (Unsupported) and runs on OPA's interpreter.
var builtins = map[string]*builtin{}

func init() {
	native := map[string]func(s *state, args []Value) (Value, error){
		"count":             builtinCount,
		"gt":                compareWith(func(c int) bool { return c > 0 }),
		"gte":               compareWith(func(c int) bool { return c >= 0 }),
		"lt":                compareWith(func(c int) bool { return c < 0 }),
		"lte":               compareWith(func(c int) bool { return c <= 0 }),
		"and":               setOp(intersect),
		"or":                setOp(union),
		"minus":             setOp(difference),
		"internal.member_2": builtinMember,
		"is_array":          func(_ *state, a []Value) (Value, error) { _, ok := a[0].(*Array); return Bool(ok), nil },
		"is_object":         func(_ *state, a []Value) (Value, error) { _, ok := a[0].(*Object); return Bool(ok), nil },
		"object.keys":       builtinObjectKeys,
		"object.get":        builtinObjectGet,
		"concat":            builtinConcat,
		"sort":              builtinSort,
		"array.concat":      builtinArrayConcat,
		// Arithmetic beyond set difference and the time functions run on OPA's code.
		"mul":           nil,
		"floor":         nil,
		"time.parse_ns": nil,
		"time.add_date": nil,
		"time.format":   nil,
	}
	for name, fn := range native {
		impl := topdown.GetBuiltin(name)
		if impl == nil {
			panic("plan: OPA has no builtin " + name)
		}
		b := &builtin{name: name}
		fallback := func(s *state, args []Value) (Value, error) { return viaOPA(s, impl, args) }
		if fn == nil {
			b.fn = fallback
		} else {
			b.fn = func(s *state, args []Value) (Value, error) {
				v, err := fn(s, args)
				if errors.Is(err, errNotNative) {
					return fallback(s, args)
				}
				return v, err
			}
		}
		builtins[name] = b
	}
}

// errNotNative sends a call to OPA's implementation.
var errNotNative = errors.New("not native")

// viaOPA calls OPA's implementation of a builtin.
func viaOPA(s *state, impl topdown.BuiltinFunc, args []Value) (Value, error) {
	terms := make([]*ast.Term, len(args))
	for i, a := range args {
		terms[i] = ast.NewTerm(ToAST(a))
	}
	var out Value
	err := impl(topdown.BuiltinContext{Context: s.ctx}, terms, func(t *ast.Term) error {
		v, err := FromAST(t.Value)
		out = v
		return err
	})
	return out, err
}

func builtinCount(_ *state, a []Value) (Value, error) {
	switch x := a[0].(type) {
	case *Array, *Object, *Set:
		return IntValue(length(x)), nil
	case String:
		return IntValue(utf8.RuneCountInString(string(x))), nil
	}
	return nil, errNotNative
}

func compareWith(ok func(int) bool) func(*state, []Value) (Value, error) {
	return func(_ *state, a []Value) (Value, error) { return Bool(ok(Compare(a[0], a[1]))), nil }
}

func setOp(op func(x, y *Set) *Set) func(*state, []Value) (Value, error) {
	return func(_ *state, a []Value) (Value, error) {
		x, ok1 := a[0].(*Set)
		y, ok2 := a[1].(*Set)
		if !ok1 || !ok2 {
			return nil, errNotNative
		}
		return op(x, y), nil
	}
}

// intersect, union and difference merge the sorted elements.
func intersect(x, y *Set) *Set {
	out := NewSet(min(len(x.elems), len(y.elems)))
	i, j := 0, 0
	for i < len(x.elems) && j < len(y.elems) {
		switch c := Compare(x.elems[i], y.elems[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out.elems = append(out.elems, x.elems[i])
			i++
			j++
		}
	}
	return out
}

func union(x, y *Set) *Set {
	out := NewSet(len(x.elems) + len(y.elems))
	i, j := 0, 0
	for i < len(x.elems) && j < len(y.elems) {
		switch c := Compare(x.elems[i], y.elems[j]); {
		case c < 0:
			out.elems = append(out.elems, x.elems[i])
			i++
		case c > 0:
			out.elems = append(out.elems, y.elems[j])
			j++
		default:
			out.elems = append(out.elems, x.elems[i])
			i++
			j++
		}
	}
	out.elems = append(out.elems, x.elems[i:]...)
	out.elems = append(out.elems, y.elems[j:]...)
	return out
}

func difference(x, y *Set) *Set {
	out := NewSet(len(x.elems))
	i, j := 0, 0
	for i < len(x.elems) {
		if j >= len(y.elems) {
			out.elems = append(out.elems, x.elems[i:]...)
			break
		}
		switch c := Compare(x.elems[i], y.elems[j]); {
		case c < 0:
			out.elems = append(out.elems, x.elems[i])
			i++
		case c > 0:
			j++
		default:
			i++
			j++
		}
	}
	return out
}

func builtinMember(_ *state, a []Value) (Value, error) {
	switch c := a[1].(type) {
	case *Set:
		return Bool(c.Contains(a[0])), nil
	case *Array:
		return Bool(slices.ContainsFunc(c.elems, func(e Value) bool { return Compare(a[0], e) == 0 })), nil
	case *Object:
		return Bool(slices.ContainsFunc(c.vals, func(e Value) bool { return Compare(a[0], e) == 0 })), nil
	}
	return Bool(false), nil
}

func builtinObjectKeys(_ *state, a []Value) (Value, error) {
	o, ok := a[0].(*Object)
	if !ok {
		return nil, errNotNative
	}
	return &Set{elems: slices.Clone(o.keys)}, nil
}

func builtinObjectGet(_ *state, a []Value) (Value, error) {
	o, ok := a[0].(*Object)
	if !ok {
		return nil, errNotNative
	}
	if _, path := a[1].(*Array); path {
		return nil, errNotNative
	}
	if v := o.Get(a[1]); v != nil {
		return v, nil
	}
	return a[2], nil
}

func builtinConcat(_ *state, a []Value) (Value, error) {
	sep, ok := a[0].(String)
	if !ok {
		return nil, errNotNative
	}
	var elems []Value
	switch c := a[1].(type) {
	case *Array:
		elems = c.elems
	case *Set:
		elems = c.elems
	default:
		return nil, errNotNative
	}
	n := len(sep) * max(len(elems)-1, 0)
	for _, e := range elems {
		s, ok := e.(String)
		if !ok {
			return nil, errNotNative
		}
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for i, e := range elems {
		if i > 0 {
			b.WriteString(string(sep))
		}
		b.WriteString(string(e.(String)))
	}
	return String(b.String()), nil
}

func builtinSort(_ *state, a []Value) (Value, error) {
	switch c := a[0].(type) {
	case *Array:
		elems := slices.Clone(c.elems)
		slices.SortStableFunc(elems, Compare)
		return &Array{elems: elems}, nil
	case *Set:
		return &Array{elems: slices.Clone(c.elems)}, nil
	}
	return nil, errNotNative
}

func builtinArrayConcat(_ *state, a []Value) (Value, error) {
	x, ok1 := a[0].(*Array)
	y, ok2 := a[1].(*Array)
	if !ok1 || !ok2 {
		return nil, errNotNative
	}
	elems := make([]Value, 0, len(x.elems)+len(y.elems))
	elems = append(append(elems, x.elems...), y.elems...)
	return &Array{elems: elems}, nil
}

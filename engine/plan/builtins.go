package plan

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
		"minus":             builtinMinus,
		"internal.member_2": builtinMember,
		"is_array":          func(_ *state, a []Value) (Value, error) { _, ok := a[0].(*Array); return Bool(ok), nil },
		"is_object":         func(_ *state, a []Value) (Value, error) { _, ok := a[0].(*Object); return Bool(ok), nil },
		"object.keys":       builtinObjectKeys,
		"object.get":        builtinObjectGet,
		"concat":            builtinConcat,
		"sort":              builtinSort,
		"array.concat":      builtinArrayConcat,
		"mul":               smallArith(func(x, y int64) int64 { return x * y }),
		"floor":             builtinFloor,
		"time.parse_ns":     builtinParseNS,
		"time.add_date":     builtinAddDate,
		"time.format":       builtinTimeFormat,
		// the year of as_of, for the age of index values (policies/lib/bundle.rego)
		"substring": builtinSubstring,
		"to_number": builtinToNumber,
	}
	for name, fn := range native {
		impl := topdown.GetBuiltin(name)
		if impl == nil {
			panic("plan: OPA has no builtin " + name)
		}
		b := &builtin{name: name}
		b.fn = func(s *state, args []Value) (Value, error) {
			v, err := fn(s, args)
			if err != nil && errors.Is(err, errNotNative) {
				return viaOPA(s, name, impl, args)
			}
			return v, err
		}
		builtins[name] = b
	}
}

// errNotNative sends a call to OPA's implementation.
var errNotNative = errors.New("not native")

// builtinSubstring is substring of an ASCII string at a non-negative offset, as OPA's fast
// path computes it; anything else goes to OPA's implementation.
func builtinSubstring(_ *state, a []Value) (Value, error) {
	base, ok := a[0].(String)
	start, ok1 := smallInt(a[1])
	n, ok2 := smallInt(a[2])
	if !ok || !ok1 || !ok2 || start < 0 || base == "" || !isASCII(string(base)) {
		return nil, errNotNative
	}
	if int(start) >= len(base) {
		return String(""), nil
	}
	if start == 0 && (n < 0 || n >= int64(len(base))) {
		return a[0], nil // the whole string: no new value
	}
	if n < 0 {
		return base[start:], nil
	}
	return base[start : start+min(n, int64(len(base))-start)], nil
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// builtinToNumber is to_number of a number, or of a string that is an integer written as
// Go writes it (OPA's answer then has the same text); anything else goes to OPA's
// implementation.
func builtinToNumber(_ *state, a []Value) (Value, error) {
	switch x := a[0].(type) {
	case Number:
		return x, nil
	case String:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil && strconv.FormatInt(i, 10) == string(x) {
			return Number(x), nil
		}
	}
	return nil, errNotNative
}

// viaOPA calls OPA's implementation of a builtin. The builtins are deterministic, so
// results on scalar operands are kept (up to maxMemo of them): the policies call some with
// the same operands in every evaluation (floor(count(...) * share) on a threshold), and OPA's
// implementation of arithmetic on non-integers costs dozens of allocations a call.
func viaOPA(s *state, name string, impl topdown.BuiltinFunc, args []Value) (Value, error) {
	key, ok := memoKey(name, args)
	if ok {
		if v, hit := opaMemo.Load(key); hit {
			return v.(Value), nil
		}
	}
	v, err := callOPA(s, impl, args)
	if err == nil && ok && opaMemoSize.Add(1) <= maxMemo {
		opaMemo.Store(key, v)
	}
	return v, err
}

const maxMemo = 4096

var (
	opaMemo     sync.Map // memoKey -> Value
	opaMemoSize atomic.Int64
)

type memoKeyT struct {
	name string // the builtin
	args string // the operands' JSON, NUL-separated
}

// memoKey identifies a call on short scalar operands; false for any other.
func memoKey(name string, args []Value) (memoKeyT, bool) {
	var buf [64]byte
	b := buf[:0]
	for _, a := range args {
		switch a.(type) {
		case Null, Bool, Number, String:
		default:
			return memoKeyT{}, false
		}
		b = append(AppendJSON(b, a), 0)
	}
	if len(b) > 256 {
		return memoKeyT{}, false
	}
	return memoKeyT{name: name, args: string(b)}, true
}

// callOPA calls OPA's implementation of a builtin.
func callOPA(s *state, impl topdown.BuiltinFunc, args []Value) (Value, error) {
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

func setOp(op func(s *state, x, y *Set) *Set) func(*state, []Value) (Value, error) {
	return func(s *state, a []Value) (Value, error) {
		x, ok1 := a[0].(*Set)
		y, ok2 := a[1].(*Set)
		if !ok1 || !ok2 {
			return nil, errNotNative
		}
		return op(s, x, y), nil
	}
}

// intersect, union and difference merge the sorted elements. A result equal to an operand
// is that operand (values are never modified), so that no set is made for nothing.
func intersect(s *state, x, y *Set) *Set {
	if len(y.elems) < len(x.elems) {
		x, y = y, x
	}
	var out *Set // nil while the result is x so far
	i, j := 0, 0
	for i < len(x.elems) {
		if j < len(y.elems) {
			switch c := Compare(x.elems[i], y.elems[j]); {
			case c > 0:
				j++
				continue
			case c == 0:
				if out != nil {
					out.elems = append(out.elems, x.elems[i])
				}
				i++
				j++
				continue
			}
		}
		// x.elems[i] is not in y.
		if out == nil {
			out = s.newSet(len(x.elems) - 1)
			out.elems = append(out.elems, x.elems[:i]...)
		}
		i++
	}
	if out == nil {
		return x
	}
	return out
}

func union(s *state, x, y *Set) *Set {
	switch {
	case len(y.elems) == 0:
		return x
	case len(x.elems) == 0:
		return y
	}
	out := s.newSet(len(x.elems) + len(y.elems))
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

func difference(s *state, x, y *Set) *Set {
	var out *Set // nil while the result is x so far
	i, j := 0, 0
	for i < len(x.elems) {
		if j < len(y.elems) {
			switch c := Compare(x.elems[i], y.elems[j]); {
			case c > 0:
				j++
				continue
			case c == 0: // x.elems[i] goes
				if out == nil {
					out = s.newSet(len(x.elems) - 1)
					out.elems = append(out.elems, x.elems[:i]...)
				}
				i++
				j++
				continue
			}
		}
		if out != nil {
			out.elems = append(out.elems, x.elems[i])
		}
		i++
	}
	if out == nil {
		return x
	}
	return out
}

func builtinMember(_ *state, a []Value) (Value, error) {
	switch c := a[1].(type) {
	case *Set:
		return Bool(c.Contains(a[0])), nil
	case *Array:
		return Bool(slices.ContainsFunc(c.elems, func(e Value) bool { return equal(a[0], e) })), nil
	case *Object:
		return Bool(slices.ContainsFunc(c.kvs, func(e KV) bool { return equal(a[0], e.Value) })), nil
	}
	return Bool(false), nil
}

func builtinObjectKeys(s *state, a []Value) (Value, error) {
	o, ok := a[0].(*Object)
	if !ok {
		return nil, errNotNative
	}
	out := s.newSet(len(o.kvs))
	for _, kv := range o.kvs {
		out.elems = append(out.elems, kv.Key)
	}
	return out, nil
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

// concatKey is a concat of up to three strings; the policies join field paths
// ("indices.hdi", "embargoes.UN.state") from a small set of parts.
type concatKey struct{ sep, a, b, c string }

// concatCache holds the results of such concats, shared by evaluations (at most
// maxConcats; it starts afresh when full).
var concatCache struct {
	sync.RWMutex
	m map[concatKey]Value
}

const maxConcats = 4096

func builtinConcat(_ *state, a []Value) (Value, error) {
	if v := concatCached(a); v != nil {
		return v, nil
	}
	return concatJoin(a)
}

// concatCached is concat(sep, [x, y] or [x, y, z]) of strings from the cache.
func concatCached(a []Value) Value {
	sep, ok := a[0].(String)
	arr, ok2 := a[1].(*Array)
	if !ok || !ok2 || len(arr.elems) < 2 || len(arr.elems) > 3 {
		return nil
	}
	var parts [3]string
	for i, e := range arr.elems {
		s, ok := e.(String)
		if !ok {
			return nil
		}
		parts[i] = string(s)
	}
	k := concatKey{string(sep), parts[0], parts[1], parts[2]}
	if len(arr.elems) == 2 {
		k.c = "\x00" // not a third part
	}
	concatCache.RLock()
	v := concatCache.m[k]
	concatCache.RUnlock()
	if v != nil {
		return v
	}
	v, err := concatJoin(a)
	if err != nil {
		return nil
	}
	concatCache.Lock()
	if concatCache.m == nil || len(concatCache.m) >= maxConcats {
		concatCache.m = make(map[concatKey]Value, maxConcats)
	}
	concatCache.m[k] = v
	concatCache.Unlock()
	return v
}

func concatJoin(a []Value) (Value, error) {
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
		if slices.IsSortedFunc(c.elems, Compare) {
			return c, nil // values are never modified
		}
		elems := slices.Clone(c.elems)
		slices.SortStableFunc(elems, Compare)
		return &Array{elems: elems}, nil
	case *Set:
		// The set's sorted elements, shared (values are never modified; the capacity is
		// cut so that an append copies).
		return &Array{elems: c.elems[:len(c.elems):len(c.elems)]}, nil
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

// smallInt is n as an int64 in the int32 window, as OPA's arithmetic takes its exact path.
func smallInt(v Value) (int64, bool) {
	n, ok := v.(Number)
	if !ok {
		return 0, false
	}
	if i, ok := shortInt(string(n)); ok {
		return i, true
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	return i, err == nil && math.MinInt32 <= i && i <= math.MaxInt32
}

// shortInt is strconv.ParseInt(s, 10, 64) for a sign and at most 9 digits (inside the int32
// window), without its generality; false for anything else.
func shortInt(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	var i int64
	for j := range len(s) {
		c := s[j]
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int64(c-'0')
	}
	if neg {
		i = -i
	}
	return i, true
}

// smallArith computes on ints in the int32 window (whose products fit an int64), as OPA
// does; anything else goes to OPA's implementation.
func smallArith(op func(x, y int64) int64) func(*state, []Value) (Value, error) {
	return func(_ *state, a []Value) (Value, error) {
		x, ok1 := smallInt(a[0])
		y, ok2 := smallInt(a[1])
		if !ok1 || !ok2 {
			return nil, errNotNative
		}
		return IntValue(int(op(x, y))), nil
	}
}

var subtract = smallArith(func(x, y int64) int64 { return x - y })

// builtinMinus is set difference or subtraction.
func builtinMinus(s *state, a []Value) (Value, error) {
	x, ok1 := a[0].(*Set)
	y, ok2 := a[1].(*Set)
	if ok1 && ok2 {
		return difference(s, x, y), nil
	}
	return subtract(s, a)
}

func builtinFloor(_ *state, a []Value) (Value, error) {
	if x, ok := smallInt(a[0]); ok {
		return IntValue(int(x)), nil
	}
	return nil, errNotNative
}

// OPA's names for Go's time layouts (topdown's acceptedTimeFormats): a layout with one of
// these names goes to OPA's implementation.
var namedLayouts = []string{"ANSIC", "UnixDate", "RubyDate", "RFC822", "RFC822Z", "RFC850", "RFC1123", "RFC1123Z", "RFC3339", "RFC3339Nano"}

// nsRange is the range of times whose Unix nanoseconds fit an int64.
var nsMin, nsMax = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

func unixNano(t time.Time) (Value, error) {
	if t.Before(nsMin) || t.After(nsMax) {
		return nil, errNotNative
	}
	return Number(strconv.FormatInt(t.UnixNano(), 10)), nil
}

// builtinParseNS is time.parse_ns with a layout given as a Go layout.
func builtinParseNS(_ *state, a []Value) (Value, error) {
	layout, ok1 := a[0].(String)
	value, ok2 := a[1].(String)
	if !ok1 || !ok2 || slices.Contains(namedLayouts, string(layout)) {
		return nil, errNotNative
	}
	t, err := time.Parse(string(layout), string(value))
	if err != nil {
		return nil, errNotNative // OPA's error
	}
	return unixNano(t)
}

// nanos reads a timestamp given as an integer number of nanoseconds (UTC).
func nanos(v Value) (time.Time, bool) {
	n, ok := v.(Number)
	if !ok {
		return time.Time{}, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, i).In(time.UTC), true
}

func builtinAddDate(_ *state, a []Value) (Value, error) {
	t, ok := nanos(a[0])
	var n [3]int
	for i := range n {
		x, isInt := a[i+1].(Number)
		v, err := strconv.Atoi(string(x))
		if !isInt || err != nil {
			return nil, errNotNative
		}
		n[i] = v
	}
	if !ok {
		return nil, errNotNative
	}
	return unixNano(t.AddDate(n[0], n[1], n[2]))
}

// builtinTimeFormat formats [ns, "UTC" or "", layout] with a Go layout.
func builtinTimeFormat(_ *state, a []Value) (Value, error) {
	arr, ok := a[0].(*Array)
	if !ok || len(arr.elems) != 3 {
		return nil, errNotNative
	}
	t, ok := nanos(arr.elems[0])
	tz, ok2 := arr.elems[1].(String)
	layout, ok3 := arr.elems[2].(String)
	if !ok || !ok2 || !ok3 || (tz != "UTC" && tz != "") || layout == "" || slices.Contains(namedLayouts, string(layout)) {
		return nil, errNotNative
	}
	return String(t.Format(string(layout))), nil
}

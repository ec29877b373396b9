package plan

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
)

// Error is an evaluation error (a conflict, a builtin error) with the policy location.
type Error struct {
	File string
	Row  int
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Row, e.Msg)
}

// retSignal is what exec returns when a ReturnLocalStmt ran.
const retSignal = -1

type state struct {
	p        *Program
	consts   []Value // p.consts
	ctx      context.Context
	memo     []Value
	memoDone []bool
	slab     []Value
	sp       int
	ret      Value
	results  []Value
	args     [8]Value
	calls    []callMemo // this evaluation's calls of functions on scalar arguments
	// hints holds, per dot with a constant string key, where in its object the key was found
	// last: objects read at one place mostly have the same keys (see state.dot).
	hints []int32
	// The collections the plan makes (see newArray): after Eval they belong to the caller,
	// after EvalScoped they are reset and made again by the next evaluation.
	arrays  arena[smallArray]
	objects arena[smallObject]
	sets    arena[smallSet]
	// heap > 0 while a shared rule is evaluated: the program keeps its value, so its
	// collections are allocated apart, never reused (shared.go).
	heap int
	// The arrays of opMakeScratchArray, reused by every evaluation: nscratch handed out.
	scratch  []*smallArray
	nscratch int
}

var statePool = sync.Pool{New: func() any { return &state{} }}

// Eval evaluates the query for input and returns the value of the queried rule, or nil
// when it is undefined.
func (p *Program) Eval(ctx context.Context, input Value) (Value, error) {
	var out Value
	err := p.eval(ctx, input, false, func(v Value) { out = v })
	return out, err
}

// EvalScoped evaluates the query for input and calls use with the value of the queried rule
// (nil when it is undefined), unless the evaluation fails. The value, and every collection in
// it, is valid only until use returns: the next evaluation makes its collections in the same
// memory. A caller that decodes the value into its own types allocates only those.
func (p *Program) EvalScoped(ctx context.Context, input Value, use func(Value)) error {
	return p.eval(ctx, input, true, use)
}

func (p *Program) eval(ctx context.Context, input Value, scoped bool, use func(Value)) error {
	s := statePool.Get().(*state)
	defer func() {
		clear(s.memo)
		clear(s.memoDone)
		clear(s.results)
		clear(s.calls)
		s.calls = s.calls[:0]
		s.ret, s.results, s.ctx, s.p, s.consts, s.heap = nil, s.results[:0], nil, nil, nil, 0
		for _, x := range s.scratch[:s.nscratch] {
			x.reset()
		}
		s.nscratch = 0
		if scoped {
			s.arrays.recycle((*smallArray).reset)
			s.objects.recycle((*smallObject).reset)
			s.sets.recycle((*smallSet).reset)
		} else {
			s.arrays.keep()
			s.objects.keep()
			s.sets.keep()
		}
		statePool.Put(s)
	}()
	s.p, s.ctx, s.consts = p, ctx, p.consts
	if cap(s.memo) < p.memoSize {
		s.memo, s.memoDone = make([]Value, p.memoSize), make([]bool, p.memoSize)
	}
	s.memo, s.memoDone = s.memo[:p.memoSize], s.memoDone[:p.memoSize]
	if len(s.hints) < p.hints {
		s.hints = make([]int32, p.hints)
	}
	if len(s.slab) < p.stackSize {
		s.slab, s.sp = make([]Value, p.stackSize), 0
	}
	entry := &p.entry[0]
	frame, m := s.alloc(int(entry.n))
	defer s.free(frame, m)
	frame[ir.Input], frame[ir.Data] = input, p.data
	for _, b := range entry.x.blocks {
		r, err := s.exec(frame, b)
		if err != nil {
			return err
		}
		if r == retSignal {
			break
		}
	}
	switch len(s.results) {
	case 0:
		use(nil)
		return nil
	case 1:
		obj, ok := s.results[0].(*Object)
		if !ok {
			return errors.New("plan: result is not an object")
		}
		use(obj.Get(String("result")))
		return nil
	}
	return fmt.Errorf("plan: %d results", len(s.results))
}

// mark is the state of the locals' slab before a frame was allocated.
type mark struct {
	slab []Value
	sp   int
}

// alloc returns n cleared locals and the mark to free them with.
func (s *state) alloc(n int) ([]Value, mark) {
	m := mark{s.slab, s.sp}
	if s.sp+n > len(s.slab) {
		// A new slab: frames already handed out keep the old one.
		s.slab = make([]Value, max(1024, 2*n))
		s.sp = 0
	}
	f := s.slab[s.sp : s.sp+n : s.sp+n]
	s.sp += n
	return f, m
}

// free clears frame f and returns the slab to mark m.
func (s *state) free(f []Value, m mark) {
	clear(f)
	s.slab, s.sp = m.slab, m.sp
}

func (s *state) errorf(st *instr, format string, args ...any) error {
	e := &Error{Msg: fmt.Sprintf(format, args...)}
	if st.x != nil && st.x.loc != nil {
		loc := st.x.loc
		if loc.File >= 0 && loc.File < len(s.p.fileNames) {
			e.File = s.p.fileNames[loc.File]
		}
		e.Row = loc.Row
	}
	return e
}

// read returns operand o: a local (o ≥ 0) or a constant.
func (s *state) read(f []Value, o int32) Value {
	if o >= 0 {
		return f[o]
	}
	return s.consts[^o]
}

// exec runs a block: 0 when it ran to its end, k > 0 to leave k enclosing levels (a
// statement that is undefined leaves 1: its own block), retSignal after a return.
func (s *state) exec(f []Value, body []instr) (int, error) {
	for i := range body {
		st := &body[i]
		switch st.op {
		case opReturn:
			s.ret = f[st.a]
			return retSignal, nil
		case opCall:
			v, err := s.call(f, st)
			if err != nil {
				return 0, err
			}
			if v == nil || st.test && v == Value(Bool(false)) {
				return 1, nil
			}
			f[st.target] = v
		case opCallBuiltin:
			args := s.args[:0]
			bi := st.x.bi
			for _, a := range st.x.args {
				v := s.read(f, a)
				if v == nil {
					return 0, s.errorf(st, "%s: undefined operand", bi.name)
				}
				args = append(args, v)
			}
			v, err := bi.fn(s, args)
			if err != nil {
				return 0, s.errorf(st, "%s: %v", bi.name, err)
			}
			if v == nil || st.test && v == Value(Bool(false)) {
				return 1, nil
			}
			f[st.target] = v
		case opBlock:
			for _, b := range st.x.blocks {
				r, err := s.exec(f, b)
				if err != nil || r == retSignal {
					return r, err
				}
				if r > 1 {
					return r - 1, nil
				}
			}
		case opBreak:
			return int(st.n) + 1, nil
		case opDot:
			v := s.dot(s.read(f, st.a), s.read(f, st.b), st.n)
			if v == nil {
				return 1, nil
			}
			f[st.target] = v
		case opLen:
			f[st.target] = IntValue(length(s.read(f, st.a)))
		case opScan:
			r, err := s.scan(f, st)
			if err != nil || r != 0 {
				return r, err
			}
		case opNot:
			r, err := s.exec(f, st.x.blocks[0])
			switch {
			case err != nil || r == retSignal:
				return r, err
			case r == 0: // the negated block held
				return 1, nil
			case r > 1:
				return r - 1, nil
			}
		case opAssignInt, opAssignVar, opMakeConst:
			f[st.target] = s.read(f, st.a)
		case opAssignVarOnce:
			v := s.read(f, st.a)
			if old := f[st.target]; old != nil {
				if !equal(old, v) {
					return 0, s.errorf(st, "complete rules must not produce multiple outputs")
				}
				continue
			}
			f[st.target] = v
		case opResetLocal:
			f[st.target] = nil
		case opMakeArray:
			f[st.target] = s.newArray(int(st.n))
		case opMakeScratchArray:
			f[st.target] = s.scratchArray()
		case opMakeObject:
			f[st.target] = s.newObject(int(st.n))
		case opMakeSet:
			f[st.target] = s.newSet(0)
		case opEqual:
			if !equal(s.read(f, st.a), s.read(f, st.b)) {
				return 1, nil
			}
		case opNotEqual:
			if equal(s.read(f, st.a), s.read(f, st.b)) {
				return 1, nil
			}
		case opIsArray:
			if _, ok := s.read(f, st.a).(*Array); !ok {
				return 1, nil
			}
		case opIsObject:
			if _, ok := s.read(f, st.a).(*Object); !ok {
				return 1, nil
			}
		case opIsSet:
			if _, ok := s.read(f, st.a).(*Set); !ok {
				return 1, nil
			}
		case opIsDefined:
			if f[st.a] == nil {
				return 1, nil
			}
		case opIsUndefined:
			if f[st.a] != nil {
				return 1, nil
			}
		case opArrayAppend:
			a, ok := f[st.target].(*Array)
			if !ok {
				return 0, s.errorf(st, "append to a non-array")
			}
			a.Append(s.read(f, st.a))
		case opObjectInsert, opObjectInsertOnce:
			o, ok := f[st.target].(*Object)
			if !ok {
				return 0, s.errorf(st, "insert into a non-object")
			}
			k, v := s.read(f, st.a), s.read(f, st.b)
			if st.op == opObjectInsertOnce {
				if old := o.Get(k); old != nil {
					if !equal(old, v) {
						return 0, s.errorf(st, "object keys must be unique")
					}
					continue
				}
			}
			o.Insert(k, v)
		case opSetAdd:
			set, ok := f[st.target].(*Set)
			if !ok {
				return 0, s.errorf(st, "add to a non-set")
			}
			set.Add(s.read(f, st.a))
		case opResultSetAdd:
			s.results = append(s.results, f[st.a])
		case opNop:
		}
	}
	return 0, nil
}

// scan runs the scan's block for every element of its source (none for a scalar). Inside
// the block, level 1 is the loop (next element) and level 2 the scan (stop scanning).
func (s *state) scan(f []Value, st *instr) (int, error) {
	body, key, val := st.x.blocks[0], st.x.key, st.x.val
	if len(st.x.blocks) > 1 {
		if r, done, err := s.prefix(f, st); done {
			return r, err
		}
	}
	step := func(k, v Value) (stop bool, r int, err error) {
		f[key], f[val] = k, v
		r, err = s.exec(f, body)
		switch {
		case err != nil || r == retSignal:
			return true, r, err
		case r <= 1:
			return false, 0, nil
		case r == 2:
			return true, 0, nil
		}
		return true, r - 2, nil
	}
	switch x := f[st.a].(type) {
	case *Array:
		for i := 0; i < len(x.elems); i++ {
			if stop, r, err := step(IntValue(i), x.elems[i]); stop {
				return r, err
			}
		}
	case *Object:
		for i := 0; i < len(x.kvs); i++ {
			if stop, r, err := step(x.kvs[i].Key, x.kvs[i].Value); stop {
				return r, err
			}
		}
	case *Set:
		for i := 0; i < len(x.elems); i++ {
			if stop, r, err := step(x.elems[i], x.elems[i]); stop {
				return r, err
			}
		}
	}
	return 0, nil
}

// prefix runs the loop-invariant prefix of a scan's block (its second block, hoist.go) once,
// with the first element bound, where the first iteration would run it. The scan is done
// (with r and err as scan returns them) when there is no element, or when the prefix left
// the block, as every iteration's would then: the scan stops, or (when the prefix was
// undefined) ends with the last element bound, as after the loop.
func (s *state) prefix(f []Value, st *instr) (r int, done bool, err error) {
	src := f[st.a]
	n := 0
	switch x := src.(type) {
	case *Array:
		n = len(x.elems)
	case *Object:
		n = len(x.kvs)
	case *Set:
		n = len(x.elems)
	}
	if n == 0 {
		return 0, true, nil
	}
	f[st.x.key], f[st.x.val] = element(src, 0)
	r, err = s.exec(f, st.x.blocks[1])
	switch {
	case err != nil || r == retSignal:
		return r, true, err
	case r == 0:
		return 0, false, nil
	case r == 1:
		f[st.x.key], f[st.x.val] = element(src, n-1)
		return 0, true, nil
	case r == 2:
		return 0, true, nil
	}
	return r - 2, true, nil
}

// element is the key and value of a collection's i-th element, as scan binds them.
func element(src Value, i int) (k, v Value) {
	switch x := src.(type) {
	case *Array:
		return IntValue(i), x.elems[i]
	case *Object:
		return x.kvs[i].Key, x.kvs[i].Value
	case *Set:
		return x.elems[i], x.elems[i]
	}
	return nil, nil
}

func (s *state) call(f []Value, st *instr) (Value, error) {
	fn := st.x.fn
	if fn.memo >= 0 && s.memoDone[fn.memo] {
		return s.memo[fn.memo], nil
	}
	if fn.shared {
		if sv := s.p.sharedSlot(fn).Load(); sv != nil {
			s.memo[fn.memo], s.memoDone[fn.memo] = sv.v, true
			return sv.v, nil
		}
	}
	// Not while a shared rule is evaluated: a value made before would be the evaluation's.
	memoized := fn.memo < 0 && len(fn.params) > 2 && len(fn.params) <= 2+len(callMemo{}.args) && len(s.calls) < maxCalls && s.heap == 0
	var key callMemo
	if memoized {
		key, memoized = s.callKey(f, st)
		if memoized {
			for i := range s.calls {
				if c := &s.calls[i]; c.fn == key.fn && c.sameArgs(&key, len(fn.params)-2) {
					return c.v, nil
				}
			}
		}
	}
	if fn.shared {
		s.heap++
		defer func() { s.heap-- }()
	}
	var v Value
	var err error
	if fn.nlocals <= stackFrame {
		// A frame on the goroutine's stack: written without write barriers, cleared with
		// the stack.
		var frame [stackFrame]Value
		v, err = s.run(fn, f, st, frame[:fn.nlocals])
	} else {
		frame, m := s.alloc(fn.nlocals)
		v, err = s.run(fn, f, st, frame)
		s.free(frame, m)
	}
	if err != nil {
		return nil, err
	}
	if fn.memo >= 0 {
		s.memo[fn.memo], s.memoDone[fn.memo] = v, true
	}
	if fn.shared {
		s.p.sharedSlot(fn).Store(&sharedValue{v})
	}
	if memoized {
		key.v = v
		s.calls = append(s.calls, key)
	}
	return v, nil
}

// callMemo is the value v of a call of function fn with arguments args (after input and
// data). OPA's interpreter keeps the value of every call of a function for the rest of the
// evaluation, keyed by the arguments' values (topdown's virtual cache: 1 and 1.0 are the same
// argument, and the first call's value is the one every later call gets). A function's value
// depends only on the input and data, fixed for an evaluation, and its arguments, so exec
// does the same for calls on scalar arguments (lib.evidence's window_start(years): six calls,
// three distinct windows); calls with collections as arguments are evaluated every time, and
// so are the calls a shared rule makes (its value must not hold the evaluation's collections).
type callMemo struct {
	fn   *function
	args [2]Value
	v    Value
}

// sameArgs reports whether the first n arguments of c and d are equal values.
func (c *callMemo) sameArgs(d *callMemo, n int) bool {
	for i := range n {
		if !equal(c.args[i], d.args[i]) {
			return false
		}
	}
	return true
}

// maxCalls bounds the calls memoized in one evaluation.
const maxCalls = 64

// callKey is the memo key of call st from frame f, if its arguments are scalars.
func (s *state) callKey(f []Value, st *instr) (callMemo, bool) {
	key := callMemo{fn: st.x.fn}
	for i, a := range st.x.args[2:] {
		switch v := s.read(f, a).(type) {
		case Null, Bool, Number, String:
			key.args[i] = v
		default:
			return callMemo{}, false
		}
	}
	return key, true
}

// stackFrame is the number of locals up to which a call's frame is on the stack (most
// functions of the shipped policies have fewer than 16).
const stackFrame = 16

// run runs fn's blocks in frame, its parameters bound from the call st in frame f.
func (s *state) run(fn *function, f []Value, st *instr, frame []Value) (Value, error) {
	for i, p := range fn.params {
		frame[p] = s.read(f, st.x.args[i])
	}
	for _, b := range fn.code {
		r, err := s.exec(frame, b)
		if err != nil {
			return nil, err
		}
		if r == retSignal {
			v := s.ret
			s.ret = nil
			return v, nil
		}
	}
	return frame[fn.ret], nil
}

// dot is dot(src, key) for a statement with hint slot (-1: none). A key's index in the
// object the statement read last is tried first, and kept for the next time: the objects a
// statement reads (the input's evidence items, an index value) mostly have the same keys.
func (s *state) dot(src, key Value, slot int32) Value {
	o, ok := src.(*Object)
	if !ok || slot < 0 {
		return dot(src, key)
	}
	k := key.(String)
	if h := int(s.hints[slot]); h < len(o.kvs) {
		if ks, ok := o.kvs[h].Key.(String); ok && ks == k {
			return o.kvs[h].Value
		}
	}
	i, found := o.indexString(string(k))
	if !found {
		return nil
	}
	s.hints[slot] = int32(i)
	return o.kvs[i].Value
}

// dot is source[key]: an object's value, an array's element, a set's member; nil otherwise.
func dot(src, key Value) Value {
	switch x := src.(type) {
	case *Object:
		return x.Get(key)
	case *Array:
		n, ok := key.(Number)
		if !ok {
			return nil
		}
		i, err := strconv.Atoi(string(n))
		if err != nil {
			j, ok := ast.Number(n).Int()
			if !ok {
				return nil
			}
			i = j
		}
		if i < 0 || i >= len(x.elems) {
			return nil
		}
		return x.elems[i]
	case *Set:
		if x.Contains(key) {
			return key
		}
	}
	return nil
}

func length(v Value) int {
	switch x := v.(type) {
	case *Array:
		return len(x.elems)
	case *Object:
		return len(x.kvs)
	case *Set:
		return len(x.elems)
	case String:
		return len(x)
	}
	return 0
}

// Collections made by the plan start with room for a few elements in the same allocation,
// and are allocated chunkSize at a time: one evaluation of the shipped policies makes about
// 180 of them, mostly small.
type smallArray struct {
	a      Array
	inline [4]Value
}

type smallObject struct {
	o      Object
	inline [4]KV
}

type smallSet struct {
	s      Set
	inline [4]Value
}

// reset empties a collection for its next use, keeping the room it has grown to and
// dropping every reference it held.
func (x *smallArray) reset() {
	clear(x.a.elems)
	x.a.elems, x.inline = x.a.elems[:0], [4]Value{}
}

func (x *smallObject) reset() {
	clear(x.o.kvs)
	x.o.kvs, x.inline = x.o.kvs[:0], [4]KV{}
}

func (x *smallSet) reset() {
	clear(x.s.elems)
	x.s.elems, x.inline = x.s.elems[:0], [4]Value{}
}

const chunkSize = 32

// arena hands out collections from chunks of up to chunkSize: the first i of chunk c are
// the last handed out.
type arena[T any] struct {
	chunks [][]T
	c, i   int
}

// next hands out a collection: a zero one, or one reset after an earlier evaluation.
func (a *arena[T]) next() *T {
	if a.c < len(a.chunks) && a.i == len(a.chunks[a.c]) {
		a.c, a.i = a.c+1, 0
	}
	if a.c == len(a.chunks) {
		a.chunks = append(a.chunks, make([]T, chunkSize))
	}
	x := &a.chunks[a.c][a.i]
	a.i++
	return x
}

// keep leaves the collections handed out to the caller: the arena drops them, keeping the
// rest of the chunk it was handing out from.
func (a *arena[T]) keep() {
	if len(a.chunks) == 0 {
		return
	}
	a.chunks[a.c] = a.chunks[a.c][a.i:]
	n := copy(a.chunks, a.chunks[a.c:])
	clear(a.chunks[n:])
	a.chunks, a.c, a.i = a.chunks[:n], 0, 0
}

// recycle resets the collections handed out, to be handed out again.
func (a *arena[T]) recycle(reset func(*T)) {
	for c := 0; c < a.c && c < len(a.chunks); c++ {
		for j := range a.chunks[c] {
			reset(&a.chunks[c][j])
		}
	}
	if a.c < len(a.chunks) {
		for j := range a.i {
			reset(&a.chunks[a.c][j])
		}
	}
	a.c, a.i = 0, 0
}

func (s *state) newArray(n int) *Array {
	if s.heap > 0 {
		return NewArray(n)
	}
	x := s.arrays.next()
	if x.a.elems == nil {
		x.a.elems = x.inline[:0]
	}
	if cap(x.a.elems) < n {
		x.a.elems = make([]Value, 0, n)
	}
	return &x.a
}

func (s *state) newObject(n int) *Object {
	if s.heap > 0 {
		return NewObject(n)
	}
	x := s.objects.next()
	if x.o.kvs == nil {
		x.o.kvs = x.inline[:0]
	}
	if cap(x.o.kvs) < n {
		x.o.kvs = make([]KV, 0, n)
	}
	return &x.o
}

func (s *state) newSet(n int) *Set {
	if s.heap > 0 {
		return NewSet(n)
	}
	x := s.sets.next()
	if x.s.elems == nil {
		x.s.elems = x.inline[:0]
	}
	if cap(x.s.elems) < n {
		x.s.elems = make([]Value, 0, n)
	}
	return &x.s
}

// scratchArray hands out an array that is dead once the builtin reading it returns: it is
// used again by the next evaluation.
func (s *state) scratchArray() *Array {
	if s.nscratch == len(s.scratch) {
		s.scratch = append(s.scratch, new(smallArray))
	}
	x := s.scratch[s.nscratch]
	s.nscratch++
	if x.a.elems == nil {
		x.a.elems = x.inline[:0]
	}
	return &x.a
}

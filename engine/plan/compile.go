// Package plan evaluates Rego policies compiled by OPA's own planner: the policies are
// planned once into OPA's intermediate representation (package ir: functions, blocks and
// statements, no unification, no backtracking) and this package executes that plan over
// typed values (Value) built directly from the caller's data. It implements the IR
// statements and exactly the builtins the project's policies use; Compile rejects a policy
// set that needs anything else, so that the caller can fall back to OPA's interpreter.
package plan

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Unsupported is the error of Compile for a policy set that uses IR statements or builtins
// this evaluator does not implement.
type Unsupported struct {
	Statements []string // IR statement types, e.g. WithStmt
	Builtins   []string // builtin names, e.g. sprintf
}

func (u *Unsupported) Error() string {
	var parts []string
	if len(u.Statements) > 0 {
		parts = append(parts, "statements "+strings.Join(u.Statements, ", "))
	}
	if len(u.Builtins) > 0 {
		parts = append(parts, "builtins "+strings.Join(u.Builtins, ", "))
	}
	return "the compiled evaluator does not implement " + strings.Join(parts, " and ")
}

// Program is a compiled query: safe for concurrent use.
type Program struct {
	entry     []instr // the plan's single block list, flattened into one block statement
	consts    []Value // the constants of the statements' operands
	funcs     []*function
	data      Value
	stats     Stats
	fileNames []string
	memoSize  int
	stackSize int // locals of the deepest chain of calls
	hints     int // dots with a constant string key (state.hints)
	// The values of the rules that read no input, per memo index, once computed (shared.go).
	shared []atomic.Pointer[sharedValue]
}

// Stats describes the plan.
type Stats struct {
	Functions  int
	Statements int
	Folded     int // statements folded into constants at link time
	Copies     int // copies elided at link time
	Hoisted    int // statements hoisted out of scans (hoist.go)
	Shared     int // rules that read no input, evaluated once per program (shared.go)
	Builtins   []string
}

// Stats describes the compiled plan.
func (p *Program) Stats() Stats { return p.stats }

type function struct {
	name    string
	params  []int32
	ret     int32
	nlocals int
	memo    int       // index into the memo table, -1 without memoization
	shared  bool      // a rule that reads no input: its value is kept in Program.shared
	blocks  [][]stmt  // while linking
	code    [][]instr // the blocks lowered
}

type opcode uint8

const (
	opReturn opcode = iota
	opCall
	opCallBuiltin
	opBlock
	opBreak
	opDot
	opLen
	opScan
	opNot
	opAssignInt
	opAssignVar
	opAssignVarOnce
	opResetLocal
	opMakeConst // MakeNull, MakeNumberInt, MakeNumberRef
	opMakeArray
	opMakeScratchArray // an array only a builtin that keeps no operand reads (borrow.go)
	opMakeObject
	opMakeSet
	opEqual
	opNotEqual
	opIsArray
	opIsObject
	opIsSet
	opIsDefined
	opIsUndefined
	opArrayAppend
	opObjectInsert
	opObjectInsertOnce
	opSetAdd
	opResultSetAdd
	opNop
)

// operand is a local (konst == nil) or a constant.
type operand struct {
	local int32
	konst Value
}

type stmt struct {
	op     opcode
	test   bool // a call that is also undefined when its value is false (copies.go)
	a, b   operand
	target int32
	key    int32
	val    int32
	n      int // break index, array or object capacity
	args   []operand
	fn     *function
	bi     *builtin
	blocks [][]stmt
	loc    *ir.Location
}

// Compile plans query (e.g. "data.main.assessment", which must be a rule) over modules
// and the base documents data, with the given capabilities, and prepares it for Eval.
// It returns an *Unsupported error when the plan needs something this package lacks.
//
// OPA plans the query: package rego compiles the modules and the query and hands the plan
// (package ir) to the evaluator of a "target" registered with it (rego.RegisterPlugin, the
// way OPA's own Wasm target is wired) — here planTarget, which only keeps the plan. That is
// the plan `opa build -t plan` writes for the same query (TestCompilePlansAsBuild), without
// compile.Build's detour through JSON (the plan written and read back, the modules
// formatted, the plan pretty-printed to a discarded writer: about half of preparing).
func Compile(ctx context.Context, query string, modules map[string]*ast.Module, data map[string]any, caps *ast.Capabilities) (*Program, error) {
	policy, err := planQuery(ctx, query, modules, caps)
	if err != nil {
		return nil, err
	}
	dataValue, err := dataDocument(data)
	if err != nil {
		return nil, fmt.Errorf("plan %s: data: %w", query, err)
	}
	return link(policy, dataValue)
}

// planQuery plans `result = query` over modules with OPA's planner (through package rego).
func planQuery(ctx context.Context, query string, modules map[string]*ast.Module, caps *ast.Capabilities) (*ir.Policy, error) {
	ref, err := ast.ParseRef(query)
	if err != nil {
		return nil, fmt.Errorf("plan: query %q: %w", query, err)
	}
	opts := []func(*rego.Rego){
		rego.ParsedQuery(ast.NewBody(ast.Equality.Expr(ast.VarTerm("result"), ast.NewTerm(ref)))),
		rego.Capabilities(caps),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Target(planTarget),
	}
	for _, name := range slices.Sorted(maps.Keys(modules)) {
		// The compiler rewrites the modules it compiles: give it copies.
		opts = append(opts, rego.ParsedModule(modules[name].Copy()))
	}
	var sink planSink
	if _, err := rego.New(opts...).PrepareForEval(context.WithValue(ctx, planSink{}, &sink)); err != nil {
		return nil, fmt.Errorf("plan %s: %w", query, err)
	}
	if sink.policy == nil {
		return nil, fmt.Errorf("plan %s: OPA made no plan", query)
	}
	return sink.policy, nil
}

// planTarget is the rego target whose "evaluator" keeps the plan OPA hands it in the
// planSink of the context; it never evaluates anything.
const planTarget = "exportrisk-plan"

func init() { rego.RegisterPlugin(planTarget, planPlugin{}) }

type planSink struct{ policy *ir.Policy }

type planPlugin struct{}

func (planPlugin) IsTarget(t string) bool { return t == planTarget }

func (planPlugin) PrepareForEval(ctx context.Context, policy *ir.Policy, _ ...rego.PrepareOption) (rego.TargetPluginEval, error) {
	sink, ok := ctx.Value(planSink{}).(*planSink)
	if !ok {
		return nil, errors.New("plan: the plan target is only for plan.Compile")
	}
	sink.policy = policy
	return planPlugin{}, nil
}

func (planPlugin) Eval(context.Context, *rego.EvalContext, ast.Value) (ast.Value, error) {
	return nil, errors.New("plan: the plan target does not evaluate")
}

// dataDocument converts the base documents as OPA's store holds them.
func dataDocument(data map[string]any) (Value, error) {
	v, err := ast.InterfaceToValue(data)
	if err != nil {
		return nil, err
	}
	return FromAST(v)
}

// linker translates the IR into the evaluator's statements, resolving calls, constants and
// builtins, and collects what it cannot translate.
type linker struct {
	policy      *ir.Policy
	strings     []Value
	funcs       map[string]*function
	unsupported map[string]bool
	builtins    map[string]bool
	nstmts      int
	memo        int
	folded      int
	copies      int
	hoisted     int
}

func link(policy *ir.Policy, data Value) (*Program, error) {
	if policy.Plans == nil || len(policy.Plans.Plans) != 1 {
		return nil, errors.New("plan: want exactly one plan")
	}
	l := &linker{policy: policy, funcs: map[string]*function{}, unsupported: map[string]bool{}, builtins: map[string]bool{}}
	if policy.Static != nil {
		for _, s := range policy.Static.Strings {
			l.strings = append(l.strings, String(s.Value))
		}
	}
	var funcs []*ir.Func
	if policy.Funcs != nil {
		funcs = policy.Funcs.Funcs
	}
	p := &Program{data: data}
	if policy.Static != nil {
		for _, f := range policy.Static.Files {
			p.fileNames = append(p.fileNames, f.Value)
		}
	}
	for _, f := range funcs {
		fn := &function{name: f.Name, ret: int32(f.Return), memo: -1}
		for _, p := range f.Params {
			fn.params = append(fn.params, int32(p))
		}
		if len(f.Params) == 2 { // rules (input, data): evaluated once per query, as OPA's Wasm memoizes them
			fn.memo = l.memo
			l.memo++
		}
		l.funcs[f.Name] = fn
		p.funcs = append(p.funcs, fn)
	}
	for i, f := range funcs {
		fn := p.funcs[i]
		maxLocal := int(f.Return)
		for _, p := range f.Params {
			maxLocal = max(maxLocal, int(p))
		}
		for _, b := range f.Blocks {
			fn.blocks = append(fn.blocks, l.block(b, &maxLocal))
		}
		fn.nlocals = maxLocal + 1
		var n int
		fn.blocks, n = foldFunction(fn.blocks)
		l.folded += n
		l.copies += elideCopies(fn.blocks, fn.ret, fn.nlocals)
		borrowArrays(fn.blocks, analyze(fn.blocks, fn.ret, fn.nlocals))
		fn.nlocals = renumber(fn)
		for _, b := range fn.blocks {
			sizeObjects(b)
		}
		l.hoisted += hoistInvariants(fn)
	}
	plan := policy.Plans.Plans[0]
	maxLocal := 1
	var blocks [][]stmt
	for _, b := range plan.Blocks {
		blocks = append(blocks, l.block(b, &maxLocal))
	}
	entry := []stmt{{op: opBlock, blocks: blocks, n: maxLocal + 1}}
	if len(l.unsupported) > 0 || len(l.missingBuiltins()) > 0 {
		u := &Unsupported{Builtins: l.missingBuiltins()}
		for s := range l.unsupported {
			u.Statements = append(u.Statements, s)
		}
		sort.Strings(u.Statements)
		return nil, u
	}
	p.stats = Stats{Functions: len(funcs), Statements: l.nstmts, Folded: l.folded, Copies: l.copies, Hoisted: l.hoisted}
	for name := range l.builtins {
		p.stats.Builtins = append(p.stats.Builtins, name)
	}
	sort.Strings(p.stats.Builtins)
	p.memoSize = l.memo
	p.stats.Shared = markShared(p.funcs)
	p.shared = make([]atomic.Pointer[sharedValue], l.memo)
	p.stackSize = stackSize(entry, entry[0].n, map[*function]int{})
	lw := &lowerer{}
	for _, fn := range p.funcs {
		for _, b := range fn.blocks {
			fn.code = append(fn.code, lw.body(b))
		}
	}
	for _, fn := range p.funcs {
		fn.blocks = nil
	}
	p.entry, p.consts = lw.body(entry), lw.consts
	p.hints = int(lw.hints)
	return p, nil
}

// renumber numbers the locals fn still uses densely, in their order, and returns how many
// there are: after the copies are gone, a frame needs fewer locals (each call clears its
// frame when it returns).
func renumber(fn *function) int {
	used := make([]bool, fn.nlocals)
	for _, p := range fn.params {
		used[p] = true
	}
	used[fn.ret] = true
	each := func(visit func(*int32)) {
		for _, b := range fn.blocks {
			walkStmts(b, func(st *stmt) {
				for _, o := range append([]*operand{&st.a, &st.b}, pointers(st.args)...) {
					if o.konst == nil {
						visit(&o.local)
					}
				}
				visit(&st.target)
				if st.op == opScan {
					visit(&st.key)
					visit(&st.val)
				}
			})
		}
	}
	each(func(l *int32) { used[*l] = true })
	index := make([]int32, fn.nlocals)
	n := int32(0)
	for l, u := range used {
		if u {
			index[l] = n
			n++
		}
	}
	each(func(l *int32) { *l = index[*l] })
	for i, p := range fn.params {
		fn.params[i] = index[p]
	}
	fn.ret = index[fn.ret]
	return int(n)
}

func pointers(ops []operand) []*operand {
	out := make([]*operand, len(ops))
	for i := range ops {
		out[i] = &ops[i]
	}
	return out
}

// sizeObjects sets the capacity of every object a block makes to the number of inserts into
// it that follow in the block: an object literal is made with room for all its keys.
func sizeObjects(body []stmt) {
	for i := range body {
		for _, b := range body[i].blocks {
			sizeObjects(b)
		}
		if body[i].op != opMakeObject {
			continue
		}
		t, n := body[i].target, 0
		for _, st := range body[i+1:] {
			if (st.op == opObjectInsert || st.op == opObjectInsertOnce) && st.target == t {
				n++
			}
		}
		body[i].n = n
	}
}

// stackSize is the number of locals a call of body (with own locals) needs at most,
// its callees' frames included. Rego has no recursion, so the call graph is acyclic.
func stackSize(body []stmt, own int, memo map[*function]int) int {
	deepest := 0
	walkStmts(body, func(st *stmt) {
		if st.op != opCall {
			return
		}
		n, ok := memo[st.fn]
		if !ok {
			memo[st.fn] = 1 << 16 // a cycle would be planned as such; stay safe
			n = 0
			for _, b := range st.fn.blocks {
				n = max(n, stackSize(b, st.fn.nlocals, memo))
			}
			memo[st.fn] = n
		}
		deepest = max(deepest, n)
	})
	return own + deepest
}

func (l *linker) missingBuiltins() []string {
	var out []string
	for name := range l.builtins {
		if _, ok := builtins[name]; !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (l *linker) operand(o ir.Operand, maxLocal *int) operand {
	// Operands read back from the plan's JSON are pointers.
	switch v := o.Value.(type) {
	case ir.Local:
		*maxLocal = max(*maxLocal, int(v))
		return operand{local: int32(v)}
	case *ir.Local:
		*maxLocal = max(*maxLocal, int(*v))
		return operand{local: int32(*v)}
	case ir.Bool:
		return operand{konst: Bool(v)}
	case *ir.Bool:
		return operand{konst: Bool(*v)}
	case ir.StringIndex:
		return operand{konst: l.strings[v]}
	case *ir.StringIndex:
		return operand{konst: l.strings[*v]}
	}
	l.unsupported[fmt.Sprintf("operand %T", o.Value)] = true
	return operand{}
}

func (l *linker) local(x ir.Local, maxLocal *int) int32 {
	*maxLocal = max(*maxLocal, int(x))
	return int32(x)
}

func (l *linker) block(b *ir.Block, maxLocal *int) []stmt {
	out := make([]stmt, 0, len(b.Stmts))
	for _, s := range b.Stmts {
		l.nstmts++
		st := stmt{loc: s.GetLocation()}
		switch x := s.(type) {
		case *ir.ReturnLocalStmt:
			st.op, st.a = opReturn, operand{local: l.local(x.Source, maxLocal)}
		case *ir.CallStmt:
			st.target = l.local(x.Result, maxLocal)
			for _, a := range x.Args {
				st.args = append(st.args, l.operand(a, maxLocal))
			}
			if fn, ok := l.funcs[x.Func]; ok {
				st.op, st.fn = opCall, fn
			} else {
				st.op = opCallBuiltin
				l.builtins[x.Func] = true
				if bi, ok := builtins[x.Func]; ok {
					st.bi = bi
				}
			}
		case *ir.BlockStmt:
			st.op = opBlock
			for _, b := range x.Blocks {
				st.blocks = append(st.blocks, l.block(b, maxLocal))
			}
		case *ir.BreakStmt:
			st.op, st.n = opBreak, int(x.Index)
		case *ir.DotStmt:
			st.op, st.a, st.b, st.target = opDot, l.operand(x.Source, maxLocal), l.operand(x.Key, maxLocal), l.local(x.Target, maxLocal)
		case *ir.LenStmt:
			st.op, st.a, st.target = opLen, l.operand(x.Source, maxLocal), l.local(x.Target, maxLocal)
		case *ir.ScanStmt:
			st.op = opScan
			st.a = operand{local: l.local(x.Source, maxLocal)}
			st.key, st.val = l.local(x.Key, maxLocal), l.local(x.Value, maxLocal)
			st.blocks = [][]stmt{l.block(x.Block, maxLocal)}
		case *ir.NotStmt:
			st.op, st.blocks = opNot, [][]stmt{l.block(x.Block, maxLocal)}
		case *ir.AssignIntStmt:
			st.op, st.a, st.target = opAssignInt, operand{konst: IntValue(int(x.Value))}, l.local(x.Target, maxLocal)
		case *ir.AssignVarStmt:
			st.op, st.a, st.target = opAssignVar, l.operand(x.Source, maxLocal), l.local(x.Target, maxLocal)
		case *ir.AssignVarOnceStmt:
			st.op, st.a, st.target = opAssignVarOnce, l.operand(x.Source, maxLocal), l.local(x.Target, maxLocal)
		case *ir.ResetLocalStmt:
			st.op, st.target = opResetLocal, l.local(x.Target, maxLocal)
		case *ir.MakeNullStmt:
			st.op, st.a, st.target = opMakeConst, operand{konst: Null{}}, l.local(x.Target, maxLocal)
		case *ir.MakeNumberIntStmt:
			st.op, st.a, st.target = opMakeConst, operand{konst: IntValue(int(x.Value))}, l.local(x.Target, maxLocal)
		case *ir.MakeNumberRefStmt:
			st.op, st.target = opMakeConst, l.local(x.Target, maxLocal)
			st.a = operand{konst: Number(l.policy.Static.Strings[x.Index].Value)}
		case *ir.MakeArrayStmt:
			st.op, st.n, st.target = opMakeArray, int(x.Capacity), l.local(x.Target, maxLocal)
		case *ir.MakeObjectStmt:
			st.op, st.target = opMakeObject, l.local(x.Target, maxLocal)
		case *ir.MakeSetStmt:
			st.op, st.target = opMakeSet, l.local(x.Target, maxLocal)
		case *ir.EqualStmt:
			st.op, st.a, st.b = opEqual, l.operand(x.A, maxLocal), l.operand(x.B, maxLocal)
		case *ir.NotEqualStmt:
			st.op, st.a, st.b = opNotEqual, l.operand(x.A, maxLocal), l.operand(x.B, maxLocal)
		case *ir.IsArrayStmt:
			st.op, st.a = opIsArray, l.operand(x.Source, maxLocal)
		case *ir.IsObjectStmt:
			st.op, st.a = opIsObject, l.operand(x.Source, maxLocal)
		case *ir.IsSetStmt:
			st.op, st.a = opIsSet, l.operand(x.Source, maxLocal)
		case *ir.IsDefinedStmt:
			st.op, st.a = opIsDefined, operand{local: l.local(x.Source, maxLocal)}
		case *ir.IsUndefinedStmt:
			st.op, st.a = opIsUndefined, operand{local: l.local(x.Source, maxLocal)}
		case *ir.ArrayAppendStmt:
			st.op, st.a, st.target = opArrayAppend, l.operand(x.Value, maxLocal), l.local(x.Array, maxLocal)
		case *ir.ObjectInsertStmt:
			st.op, st.a, st.b, st.target = opObjectInsert, l.operand(x.Key, maxLocal), l.operand(x.Value, maxLocal), l.local(x.Object, maxLocal)
		case *ir.ObjectInsertOnceStmt:
			st.op, st.a, st.b, st.target = opObjectInsertOnce, l.operand(x.Key, maxLocal), l.operand(x.Value, maxLocal), l.local(x.Object, maxLocal)
		case *ir.SetAddStmt:
			st.op, st.a, st.target = opSetAdd, l.operand(x.Value, maxLocal), l.local(x.Set, maxLocal)
		case *ir.ResultSetAddStmt:
			st.op, st.a = opResultSetAdd, operand{local: l.local(x.Value, maxLocal)}
		case *ir.NopStmt:
			st.op = opNop
		default: // WithStmt, CallDynamicStmt, ObjectMergeStmt and anything newer
			l.unsupported[reflect.TypeOf(s).Elem().Name()] = true
			continue
		}
		out = append(out, st)
	}
	return slices.Clip(out)
}

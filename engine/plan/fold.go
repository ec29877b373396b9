package plan

// Constant folding. The planner builds every literal collection at run time, statement by
// statement: the METADATA chain each reason carries (rego.metadata.chain(), a constant the
// compiler substitutes) alone is hundreds of object inserts per assessment. fold builds at
// link time every collection whose elements are all constants and that is only ever mutated
// while it is built, and replaces its construction by the finished constant. Values are
// never mutated after construction, so a constant may be shared by evaluations.

// access lists the locals one statement reads, writes and mutates (its own operands, not
// those of nested blocks).
func (st *stmt) access() (reads []int32, writes []int32, mut int32) {
	mut = -1
	rd := func(o operand) {
		if o.konst == nil {
			reads = append(reads, o.local)
		}
	}
	switch st.op {
	case opReturn, opIsDefined, opIsUndefined, opResultSetAdd, opIsArray, opIsObject, opIsSet:
		rd(st.a)
	case opCall, opCallBuiltin:
		for _, a := range st.args {
			rd(a)
		}
		writes = append(writes, st.target)
	case opDot:
		rd(st.a)
		rd(st.b)
		writes = append(writes, st.target)
	case opLen, opAssignVar, opAssignVarOnce:
		rd(st.a)
		writes = append(writes, st.target)
	case opScan:
		rd(st.a)
		writes = append(writes, st.key, st.val)
	case opAssignInt, opMakeConst, opResetLocal, opMakeArray, opMakeScratchArray, opMakeObject, opMakeSet:
		writes = append(writes, st.target)
	case opEqual, opNotEqual:
		rd(st.a)
		rd(st.b)
	case opArrayAppend, opSetAdd:
		rd(st.a)
		mut = st.target
	case opObjectInsert, opObjectInsertOnce:
		rd(st.a)
		rd(st.b)
		mut = st.target
	}
	return reads, writes, mut
}

// walkStmts calls fn for every statement of body and of its nested blocks.
func walkStmts(body []stmt, fn func(*stmt)) {
	for i := range body {
		fn(&body[i])
		for _, b := range body[i].blocks {
			walkStmts(b, fn)
		}
	}
}

// folder folds the constants of one function.
type folder struct {
	// escaping counts, per local, the statements mutating it that are not preceded, in
	// their block or an enclosing one, by a Make of that local: mutations of a value that
	// came from elsewhere (a comprehension adding to a set made in an earlier block).
	escaping map[int32]int
	aliases  map[int32][]int32 // local -> locals assigned from it
	folded   int
}

// countEscaping fills f.escaping for body, where the locals of made were made before.
func (f *folder) countEscaping(body []stmt, made map[int32]bool) {
	for i := range body {
		st := &body[i]
		if len(st.blocks) > 0 {
			inner := make(map[int32]bool, len(made))
			for l, ok := range made {
				inner[l] = ok
			}
			for _, b := range st.blocks {
				f.countEscaping(b, inner)
			}
		}
		_, writes, mut := st.access()
		if mut >= 0 && !made[mut] {
			f.escaping[mut]++
		}
		for _, l := range writes {
			made[l] = st.op == opMakeObject || st.op == opMakeArray || st.op == opMakeSet
		}
	}
}

// mutatedBeforeRewrite reports whether a statement of body mutates local t (also in a
// nested block) before one writes t anew.
func mutatedBeforeRewrite(body []stmt, t int32) bool {
	for i := range body {
		st := &body[i]
		nested := false
		for _, b := range st.blocks {
			walkStmts(b, func(n *stmt) {
				if _, _, m := n.access(); m == t {
					nested = true
				}
			})
		}
		_, writes, mut := st.access()
		if nested || mut == t {
			return true
		}
		for _, l := range writes {
			if l == t {
				return false
			}
		}
	}
	return false
}

type candidate struct {
	value Value
	make  int   // index of the Make statement
	muts  []int // indexes of the folded mutations
}

func foldFunction(blocks [][]stmt) ([][]stmt, int) {
	f := &folder{escaping: map[int32]int{}, aliases: map[int32][]int32{}}
	for _, b := range blocks {
		walkStmts(b, func(st *stmt) {
			if (st.op == opAssignVar || st.op == opAssignVarOnce) && st.a.konst == nil {
				f.aliases[st.a.local] = append(f.aliases[st.a.local], st.target)
			}
		})
		f.countEscaping(b, map[int32]bool{})
	}
	out := make([][]stmt, len(blocks))
	for i, b := range blocks {
		out[i] = f.block(b, map[int32]Value{})
	}
	return out, f.folded
}

// block folds one block; consts are the locals known to hold a constant on entry.
func (f *folder) block(body []stmt, consts map[int32]Value) []stmt {
	cands := map[int32]*candidate{}
	drop := map[int]bool{}
	value := func(o operand) (Value, bool) {
		if o.konst != nil {
			return o.konst, true
		}
		v, ok := consts[o.local]
		return v, ok
	}
	var at int // the statement being folded
	finalize := func(t int32) {
		c := cands[t]
		delete(cands, t)
		// Built at run time if mutated after this point or from elsewhere.
		if f.escaping[t] > 0 || mutatedBeforeRewrite(body[at:], t) {
			return
		}
		for _, a := range f.aliases[t] {
			if f.escaping[a] > 0 {
				return
			}
		}
		body[c.make] = stmt{op: opMakeConst, a: operand{konst: c.value}, target: t, loc: body[c.make].loc}
		for _, i := range c.muts {
			drop[i] = true
		}
		consts[t] = c.value
		f.folded += len(c.muts)
	}
	write := func(t int32) {
		delete(cands, t)
		delete(consts, t)
	}
	for i := range body {
		st := &body[i]
		at = i
		// A candidate mutated with constants stays a candidate.
		if c := cands[st.target]; c != nil && (st.op == opObjectInsert || st.op == opArrayAppend || st.op == opSetAdd) {
			ops := []operand{st.a}
			if st.op == opObjectInsert {
				ops = append(ops, st.b)
			}
			for _, o := range ops {
				if o.konst == nil && cands[o.local] != nil {
					finalize(o.local)
				}
			}
			k, okK := value(st.a)
			v, okV := value(st.b)
			switch {
			case st.op == opObjectInsert && okK && okV:
				c.value.(*Object).Insert(k, v)
			case st.op == opArrayAppend && okK:
				a := c.value.(*Array)
				a.elems = append(a.elems, k)
			case st.op == opSetAdd && okK:
				c.value.(*Set).Add(k)
			default:
				delete(cands, st.target)
				continue
			}
			c.muts = append(c.muts, i)
			continue
		}
		// Everything a nested block reads of a candidate finishes it; what it writes or
		// mutates is no longer known.
		if len(st.blocks) > 0 {
			reads, writes := map[int32]bool{}, map[int32]bool{}
			for _, b := range st.blocks {
				walkStmts(b, func(n *stmt) {
					r, w, m := n.access()
					for _, l := range r {
						reads[l] = true
					}
					for _, l := range w {
						writes[l] = true
					}
					if m >= 0 {
						writes[m] = true
					}
				})
			}
			for l := range reads {
				if cands[l] != nil && !writes[l] {
					finalize(l)
				}
			}
			for l := range writes {
				write(l)
			}
			inner := make(map[int32]Value, len(consts))
			for l, v := range consts {
				if !writes[l] {
					inner[l] = v
				}
			}
			_, ownWrites, _ := st.access()
			for _, l := range ownWrites { // a scan's key and value change per element
				delete(inner, l)
			}
			for j, b := range st.blocks {
				scoped := make(map[int32]Value, len(inner))
				for l, v := range inner {
					scoped[l] = v
				}
				st.blocks[j] = f.block(b, scoped)
			}
		}
		reads, writes, mut := st.access()
		for _, l := range reads {
			if cands[l] != nil {
				finalize(l)
			}
		}
		if mut >= 0 {
			delete(cands, mut)
			delete(consts, mut)
		}
		for _, l := range writes {
			write(l)
		}
		switch st.op {
		case opMakeObject:
			cands[st.target] = &candidate{value: &Object{}, make: i}
		case opMakeArray:
			cands[st.target] = &candidate{value: &Array{}, make: i}
		case opMakeSet:
			cands[st.target] = &candidate{value: &Set{}, make: i}
		case opMakeConst, opAssignInt:
			consts[st.target] = st.a.konst
		case opAssignVar:
			if v, ok := value(st.a); ok {
				consts[st.target] = v
			}
		}
	}
	at = len(body)
	for t := range cands {
		finalize(t)
	}
	if len(drop) == 0 {
		return body
	}
	out := make([]stmt, 0, len(body)-len(drop))
	for i := range body {
		if !drop[i] {
			out = append(out, body[i])
		}
	}
	return out
}

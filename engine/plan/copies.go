package plan

import "slices"

// Copy elimination. The planner moves almost every value through a fresh local before its
// one use: a call's result is copied into the rule's variable, a constant is made into a
// local and passed on (`MakeNumberInt 0 -> L8; gt(L7, L8)`), a variable is copied once more
// into the rule's result. A third of the statements one assessment runs are such copies.
// elideCopies removes a copy whose local is read by no other statement of the function (the
// planner reuses local numbers across rule bodies, so a local may be written in several):
//
//	X -> t; AssignVar t -> u    becomes  X -> u        (X a statement that only writes t)
//	AssignVar s -> t; Y(t)      becomes  Y(s)          (Y reading t as an operand)
//	MakeConst c -> t; ...; Y(t) becomes  ...; Y(c)     (Y later in the same block, t not
//	                                                    written in between)
//
// In all three the one read of t gets the value it got before, and no other statement
// reads t, so the values left in t do not matter. It also removes the statements that only
// write a local nothing reads, and lets a scan write its key and value straight into the
// locals its block first copies them to.

// elideCopies rewrites the blocks of a function with the given return local and returns
// the number of statements removed.
func elideCopies(blocks [][]stmt, ret int32) int {
	c := &copies{uses: map[int32]int{}}
	c.uses[ret]++ // read by the caller
	for _, b := range blocks {
		walkStmts(b, func(st *stmt) {
			reads, _, mut := st.access()
			for _, l := range reads {
				c.uses[l]++
			}
			if mut >= 0 || st.op == opAssignVarOnce || st.op == opObjectInsertOnce {
				// Mutated, or read as the previous value: more than a plain write.
				c.uses[st.target]++
			}
		})
	}
	for i := range blocks {
		blocks[i] = c.body(blocks[i])
	}
	return c.removed
}

type copies struct {
	uses    map[int32]int // reads of each local in the function
	removed int
}

// single reports whether local t is read once in the function.
func (c *copies) single(t int32) bool { return c.uses[t] == 1 }

// body rewrites one block and its nested blocks.
func (c *copies) body(body []stmt) []stmt {
	for i := range body {
		for j := range body[i].blocks {
			body[i].blocks[j] = c.body(body[i].blocks[j])
		}
	}
	out := body[:0]
	for i := 0; i < len(body); i++ {
		st := body[i]
		if alwaysWrites(st.op) && c.uses[st.target] == 0 {
			c.removed++ // a local nothing reads
			continue
		}
		if st.op == opScan {
			c.scanCopies(&st)
		}
		if st.op == opAssignVar && st.a.konst == nil && len(out) > 0 {
			prev := &out[len(out)-1]
			if writesOnlyTarget(prev.op) && prev.target == st.a.local && c.single(st.a.local) {
				prev.target = st.target // X -> t; AssignVar t -> u
				c.removed++
				continue
			}
		}
		if st.op == opAssignVar && st.a.konst == nil && i+1 < len(body) && c.single(st.target) {
			if o := operandReading(&body[i+1], st.target); o != nil {
				*o = st.a // AssignVar s -> t; Y(t)
				c.removed++
				continue
			}
		}
		if (st.op == opMakeConst || st.op == opAssignInt || st.op == opAssignVar) && st.a.konst != nil && c.single(st.target) {
			if c.substitute(body[i+1:], st.target, st.a) {
				c.removed++ // MakeConst c -> t; ...; Y(c)
				continue
			}
		}
		out = append(out, st)
	}
	return out
}

// scanCopies lets a scan write its key and value straight into the locals its block first
// copies them to: `Scan k=K v=V { AssignVar K -> k; AssignVar V -> v; ... }`.
func (c *copies) scanCopies(st *stmt) {
	body := st.blocks[0]
	for len(body) > 0 && body[0].op == opAssignVar && body[0].a.konst == nil && c.single(body[0].a.local) {
		from, to := body[0].a.local, body[0].target
		switch {
		case from == st.key && to != st.val:
			st.key = to
		case from == st.val && to != st.key:
			st.val = to
		default:
			st.blocks[0] = body
			return
		}
		body = body[1:]
		c.removed++
	}
	st.blocks[0] = body
}

// substitute replaces the read of local t by constant k in the first statement of body that
// reads t as an operand, if no statement before it reads or writes t (also in a nested
// block). It reports whether it did.
func (c *copies) substitute(body []stmt, t int32, k operand) bool {
	for i := range body {
		if o := operandReading(&body[i], t); o != nil {
			*o = k
			return true
		}
		touched := false
		walkStmts(body[i:i+1], func(n *stmt) {
			reads, writes, mut := n.access()
			touched = touched || slices.Contains(reads, t) || slices.Contains(writes, t) || mut == t
		})
		if touched {
			return false
		}
	}
	return false
}

// writesOnlyTarget reports whether a statement of op computes a value into its target and
// does nothing else with it (no mutation, no check of its previous value).
func writesOnlyTarget(op opcode) bool {
	switch op {
	case opCall, opCallBuiltin, opDot, opLen, opMakeConst, opAssignInt, opAssignVar:
		return true
	}
	return false
}

// alwaysWrites reports whether a statement of op writes its target, does nothing else, and is
// never undefined (unlike calls and dots, which may leave their block).
func alwaysWrites(op opcode) bool {
	switch op {
	case opLen, opMakeConst, opAssignInt, opAssignVar, opResetLocal, opMakeArray, opMakeObject, opMakeSet:
		return true
	}
	return false
}

// operandReading returns the operand of st (not of its nested blocks) that reads local t
// through read (which takes a constant too), or nil.
func operandReading(st *stmt, t int32) *operand {
	is := func(o *operand) bool { return o.konst == nil && o.local == t }
	switch st.op {
	case opCall, opCallBuiltin:
		for i := range st.args {
			if is(&st.args[i]) {
				return &st.args[i]
			}
		}
	case opDot, opEqual, opNotEqual, opObjectInsert, opObjectInsertOnce:
		if is(&st.a) {
			return &st.a
		}
		if is(&st.b) {
			return &st.b
		}
	case opLen, opAssignVar, opAssignVarOnce, opIsArray, opIsObject, opIsSet, opArrayAppend, opSetAdd:
		if is(&st.a) {
			return &st.a
		}
	}
	return nil
}

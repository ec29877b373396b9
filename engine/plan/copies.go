package plan

// Copy elimination. The planner moves almost every value through a fresh local before its
// one use: a call's result is copied into the rule's variable, a constant is made into a
// local and passed on (`MakeNumberInt 0 -> L8; gt(L7, L8)`), a variable is copied once more
// into the rule's result. A third of the statements one assessment ran were such copies.
// elideCopies removes, where the local t is dead afterwards (liveness.go; the planner reuses
// local numbers across rule bodies, so uses alone say little):
//
//	X -> t; AssignVar t -> u    becomes  X -> u     (X a statement that only writes t)
//	AssignVar s -> t; Y(t)      becomes  Y(s)       (Y reading t once, as an operand)
//	MakeConst c -> t; ...; Y(t) becomes  ...; Y(c)  (Y later in the same block, t neither
//	                                                 accessed nor live where a statement
//	                                                 in between may go)
//	X -> t                      goes                (X only writes t and is never undefined)
//	Scan k=K { AssignVar K -> u; ... } becomes Scan k=u { ... } (also for the value)
//	Y -> t; NotEqual t false    becomes  Y test    (Y a call: undefined when false too)
//
// In each, every read of t that remains gets the value it got before.

// elideCopies rewrites the blocks of a function with the given return local and number of
// locals, and returns the number of statements removed.
func elideCopies(blocks [][]stmt, ret int32, nlocals int) int {
	removed := 0
	for range 8 { // a rewrite can make another possible
		c := &copies{lv: analyze(blocks, ret, nlocals)}
		for i := range blocks {
			blocks[i] = c.body(blocks[i])
		}
		removed += c.removed
		if c.removed == 0 {
			break
		}
	}
	return removed
}

type copies struct {
	lv      *liveness // of the statements as they were before this pass
	removed int
}

// body rewrites one block and its nested blocks. The statements it looks up in c.lv keep
// their addresses until the pass ends: the rewritten block is a new slice.
func (c *copies) body(body []stmt) []stmt {
	out := make([]stmt, 0, len(body))
	for i := range body {
		st := &body[i]
		if st.op == opScan {
			c.scanCopies(st)
		}
		for j := range st.blocks {
			st.blocks[j] = c.body(st.blocks[j])
		}
		switch {
		case alwaysWrites(st.op) && !c.lv.after[st].has(st.target):
			c.removed++ // X -> t, t dead
			continue
		case st.op == opAssignVar && st.a.konst == nil && len(out) > 0 && !c.lv.after[st].has(st.a.local):
			if prev := &out[len(out)-1]; writesOnlyTarget(prev.op) && prev.target == st.a.local {
				prev.target = st.target // X -> t; AssignVar t -> u
				c.removed++
				continue
			}
		}
		if st.op == opNotEqual && len(out) > 0 {
			if prev := &out[len(out)-1]; (prev.op == opCall || prev.op == opCallBuiltin) && !prev.test && c.onlyTestsFalse(st, prev.target) {
				prev.test = true // Y -> t; NotEqual t false
				c.removed++
				continue
			}
		}
		if st.op == opAssignVar && st.a.konst == nil && i+1 < len(body) {
			if o := c.lv.soleRead(&body[i+1], st.target); o != nil {
				*o = st.a // AssignVar s -> t; Y(t)
				c.removed++
				continue
			}
		}
		if (st.op == opMakeConst || st.op == opAssignInt || st.op == opAssignVar) && st.a.konst != nil && c.substitute(body[i+1:], st.target, st.a) {
			c.removed++ // MakeConst c -> t; ...; Y(c)
			continue
		}
		out = append(out, *st)
	}
	return out
}

// onlyTestsFalse reports whether NotEqual st compares local t with false, and t is dead
// after it (also where it goes when undefined).
func (c *copies) onlyTestsFalse(st *stmt, t int32) bool {
	a, b := st.a, st.b
	if b.konst == nil {
		a, b = b, a
	}
	return a.konst == nil && a.local == t && b.konst == Value(Bool(false)) && !c.lv.liveAfter(st, t)
}

// substitute replaces the read of local t by constant k in the first statement of body that
// reads it, if no statement before that one accesses t, has nested blocks, breaks or returns,
// or may go where t is live. It reports whether it did.
func (c *copies) substitute(body []stmt, t int32, k operand) bool {
	for i := range body {
		st := &body[i]
		if o := c.lv.soleRead(st, t); o != nil {
			*o = k
			return true
		}
		if len(st.blocks) > 0 || st.op == opBreak || st.op == opReturn || c.lv.liveIfUndefined(st, t) {
			return false
		}
		reads, writes, mut := st.access()
		for _, l := range append(reads, writes...) {
			if l == t {
				return false
			}
		}
		if mut == t || st.target == t && (st.op == opAssignVarOnce || st.op == opObjectInsertOnce) {
			return false
		}
	}
	return false
}

// scanCopies lets a scan write its key and value straight into the locals its block first
// copies them to: `Scan k=K v=V { AssignVar K -> k; AssignVar V -> v; ... }`.
func (c *copies) scanCopies(st *stmt) {
	body := st.blocks[0]
	for len(body) > 0 && body[0].op == opAssignVar && body[0].a.konst == nil && !c.lv.after[&body[0]].has(body[0].a.local) {
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
	case opLen, opMakeConst, opAssignInt, opAssignVar, opResetLocal, opMakeArray, opMakeScratchArray, opMakeObject, opMakeSet:
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

package plan

// Loop-invariant statements. A scan's body often starts with statements that compute the
// same values on every iteration: lib.bundle's too_old reads data.thresholds and calls
// object.get on it once per index value. hoistInvariants moves such a leading run of
// statements (the prefix) out of the loop: exec's scan runs it once, when the first element
// is bound, where the first iteration would have run it, and then runs the rest of the body
// for every element (see state.scan). OPA's semantics are kept exactly:
//
//   - a scan over an empty collection or a scalar runs nothing, the prefix included;
//   - an undefined prefix (or a break out of it) leaves where the first iteration's would,
//     and every later iteration would have left at the same place: the scan still binds the
//     remaining elements and runs nothing else;
//   - an error is the first iteration's error, at the same statement.
//
// That holds because a prefix statement is pure (a dot, a builtin call — every builtin the
// evaluator implements is deterministic —, an assignment, a comparison, a type or length
// test, or a block, not or break of such statements: nothing that makes or mutates a
// collection, calls a function or returns) and reads only constants, parameters of the
// function that nothing in it writes or mutates, and locals an earlier prefix statement
// wrote (in textual order, which within a prefix is the order of execution), and every
// local it writes is written by nothing else in the function. So each iteration's prefix
// would take the same path and write the same values as the first.

// hoistInvariants hoists the invariant prefixes of the scans of fn and returns how many
// statements it moved.
func hoistInvariants(fn *function) int {
	writes := map[int32]int{}
	for _, b := range fn.blocks {
		walkStmts(b, func(st *stmt) {
			_, w, mut := st.access()
			for _, l := range w {
				writes[l]++
			}
			if mut >= 0 {
				writes[mut]++
			}
		})
	}
	fixed := map[int32]bool{}
	for _, p := range fn.params {
		if writes[p] == 0 {
			fixed[p] = true
		}
	}
	moved := 0
	for _, b := range fn.blocks {
		walkStmts(b, func(st *stmt) {
			if st.op != opScan || len(st.blocks) != 1 {
				return
			}
			body := st.blocks[0]
			known := map[int32]bool{}
			n := 0
			for n < len(body) && invariant(&body[n], fixed, known, writes) {
				n++
			}
			if n > 0 {
				st.blocks = [][]stmt{body[n:], body[:n]}
				moved += n
			}
		})
	}
	return moved
}

// invariant reports whether st (with its nested blocks) can be part of a hoisted prefix
// after the statements that wrote the locals of known, and adds the locals it writes.
func invariant(st *stmt, fixed, known map[int32]bool, writes map[int32]int) bool {
	switch st.op {
	case opDot, opCallBuiltin, opAssignVar, opAssignInt, opMakeConst, opLen,
		opEqual, opNotEqual, opIsArray, opIsObject, opIsSet, opBlock, opNot, opBreak, opNop:
	case opCall:
		if st.fn.memo < 0 {
			return false
		}
	default:
		return false
	}
	reads, ws, mut := st.access()
	if mut >= 0 {
		return false
	}
	for _, l := range reads {
		if !fixed[l] && !known[l] {
			return false
		}
	}
	for _, l := range ws {
		if writes[l] != 1 {
			return false
		}
		known[l] = true
	}
	for _, b := range st.blocks {
		for i := range b {
			if !invariant(&b[i], fixed, known, writes) {
				return false
			}
		}
	}
	return true
}

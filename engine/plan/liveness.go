package plan

// Liveness of locals in one function, for the rewrites of copies.go. A local is live at a
// point when some path from there reads it before writing it. The paths follow exec: a
// statement that is undefined leaves its block, a break leaves n+1 levels, a scan's block
// runs again or ends the scan, a not's block that completes makes the not undefined, every
// top-level block of a function is followed by the next, and the caller reads the function's
// return local after the last one.

// set is a set of locals.
type set []uint64

func newSet(n int) set { return make(set, (n+63)/64) }

func (s set) has(l int32) bool { return s[l/64]&(1<<(l%64)) != 0 }
func (s set) add(l int32)      { s[l/64] |= 1 << (l % 64) }
func (s set) remove(l int32)   { s[l/64] &^= 1 << (l % 64) }

func (s set) clone() set { return append(set(nil), s...) }

func (s set) union(o set) set {
	out := s.clone()
	for i := range o {
		out[i] |= o[i]
	}
	return out
}

func (s set) equal(o set) bool {
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// liveness holds, for every statement of a function, the locals live after it: on the next
// statement (after) and, for a statement that may be undefined, where it then goes (undef).
type liveness struct {
	n       int
	after   map[*stmt]set
	undef   map[*stmt]set
	heads   map[*stmt]set // per scan: live at the start of an element
	changed bool
}

// analyze computes the liveness of the locals (numbered below n) of a function.
func analyze(blocks [][]stmt, ret int32, n int) *liveness {
	lv := &liveness{n: n, heads: map[*stmt]set{}}
	for {
		lv.after, lv.undef, lv.changed = map[*stmt]set{}, map[*stmt]set{}, false
		next := newSet(n)
		next.add(ret) // read by the caller
		for j := len(blocks) - 1; j >= 0; j-- {
			end := next
			next = lv.body(blocks[j], end, func(int) set { return end })
		}
		if !lv.changed { // the scans' heads are stable
			return lv
		}
	}
}

// body returns the locals live at the start of body, given those live at its end and where
// leaving k levels goes (exit(1): leaving body).
func (lv *liveness) body(body []stmt, end set, exit func(k int) set) set {
	live := end
	for i := len(body) - 1; i >= 0; i-- {
		st := &body[i]
		lv.after[st] = live
		live = lv.stmt(st, live, exit)
	}
	return live
}

// mayBeUndefined reports whether a statement of op can leave its block.
func mayBeUndefined(op opcode) bool {
	switch op {
	case opCall, opCallBuiltin, opDot, opEqual, opNotEqual, opIsArray, opIsObject, opIsSet, opIsDefined, opIsUndefined:
		return true
	}
	return false
}

// stmt returns the locals live before st, given those live after it.
func (lv *liveness) stmt(st *stmt, after set, exit func(k int) set) set {
	switch st.op {
	case opReturn:
		live := newSet(lv.n)
		live.add(st.a.local)
		return live
	case opBreak:
		return exit(st.n + 1)
	case opBlock:
		// A block that completes or is undefined goes on to the next block.
		live := after
		for j := len(st.blocks) - 1; j >= 0; j-- {
			next := live
			live = lv.body(st.blocks[j], next, func(k int) set {
				if k == 1 {
					return next
				}
				return exit(k - 1)
			})
		}
		return live
	case opScan:
		// Level 1 is the next element, level 2 the end of the scan.
		head, ok := lv.heads[st]
		if !ok {
			head = newSet(lv.n)
		}
		in := lv.body(st.blocks[0], head, func(k int) set {
			switch k {
			case 1:
				return head
			case 2:
				return after
			}
			return exit(k - 2)
		})
		in = in.clone()
		in.remove(st.key)
		in.remove(st.val)
		newHead := after.union(in)
		if !newHead.equal(head) {
			lv.heads[st], lv.changed = newHead, true
		}
		live := newHead.clone()
		live.add(st.a.local)
		return live
	case opNot:
		// The block completing makes the not undefined; the block undefined goes on.
		return lv.body(st.blocks[0], exit(1), func(k int) set {
			if k == 1 {
				return after
			}
			return exit(k - 1)
		})
	}
	reads, writes, mut := st.access()
	live := after.clone()
	for _, l := range writes {
		live.remove(l)
	}
	for _, l := range reads {
		live.add(l)
	}
	if mut >= 0 || st.op == opAssignVarOnce || st.op == opObjectInsertOnce {
		live.add(st.target) // mutated, or its previous value read
	}
	if mayBeUndefined(st.op) {
		undef := exit(1)
		lv.undef[st] = undef
		live = live.union(undef)
	}
	return live
}

// liveAfter reports whether local t is live after simple statement st, on the next
// statement or where st goes when undefined.
func (lv *liveness) liveAfter(st *stmt, t int32) bool {
	if lv.after[st].has(t) {
		return true
	}
	u, ok := lv.undef[st]
	return ok && u.has(t)
}

// liveIfUndefined reports whether local t is live where st goes when undefined.
func (lv *liveness) liveIfUndefined(st *stmt, t int32) bool {
	u, ok := lv.undef[st]
	return ok && u.has(t)
}

// soleRead returns the operand of st that is its only access to local t, if t is dead after
// st; nil otherwise.
func (lv *liveness) soleRead(st *stmt, t int32) *operand {
	o := operandReading(st, t)
	if o == nil || lv.liveAfter(st, t) {
		return nil
	}
	reads, writes, mut := st.access()
	n := 0
	for _, l := range append(reads, writes...) {
		if l == t {
			n++
		}
	}
	if n != 1 || mut == t || ((st.op == opAssignVarOnce || st.op == opObjectInsertOnce) && st.target == t) {
		return nil
	}
	return o
}

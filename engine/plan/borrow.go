package plan

// Arrays built only to be passed to a builtin: the policies join field paths with
// concat(".", ["indices", id]) and format dates with time.format([ns, "UTC", layout]), about
// sixty literal arrays per assessment that are garbage as soon as the builtin returns.
// borrowArrays finds them and makes them with opMakeScratchArray: from a few arrays the
// evaluation state keeps and reuses in the next evaluation, instead of new ones.

// borrowers are the builtins that keep no reference to their operands: their results are
// new values (strings, numbers, booleans) and, where they fall back to OPA's implementation,
// made from copies of the operands.
var borrowers = map[string]bool{"concat": true, "count": true, "time.format": true, "internal.member_2": true}

// borrowArrays marks the arrays of the blocks (of one function, with liveness lv) that are
// made, appended to, and read by one borrower after which they are dead, with nothing else
// touching them in between.
func borrowArrays(blocks [][]stmt, lv *liveness) {
	for _, b := range blocks {
		borrowIn(b, lv)
	}
}

func borrowIn(body []stmt, lv *liveness) {
	for i := range body {
		for _, b := range body[i].blocks {
			borrowIn(b, lv)
		}
		if body[i].op == opMakeArray && borrowed(body[i+1:], body[i].target, lv) {
			body[i].op = opMakeScratchArray
		}
	}
}

// borrowed reports whether the array made into local t is, in the statements of body that
// follow, only appended to (values other than itself) and then read once by a borrower after
// which t is dead, with no statement in between that accesses t, has nested blocks, breaks,
// returns or may go where t is live.
func borrowed(body []stmt, t int32, lv *liveness) bool {
	for i := range body {
		st := &body[i]
		if st.op == opArrayAppend && st.target == t && (st.a.konst != nil || st.a.local != t) {
			continue
		}
		if st.op == opCallBuiltin && st.bi != nil && borrowers[st.bi.name] {
			if lv.soleRead(st, t) != nil {
				return true
			}
		}
		if len(st.blocks) > 0 || st.op == opBreak || st.op == opReturn || lv.liveIfUndefined(st, t) {
			return false
		}
		reads, writes, mut := st.access()
		for _, l := range append(reads, writes...) {
			if l == t {
				return false
			}
		}
		if mut == t {
			return false
		}
	}
	return false
}

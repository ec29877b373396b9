package plan

import "sync/atomic"

// Rules that do not depend on the input. A rule is planned as a function of (input, data)
// whose value exec memoizes for one evaluation. Data is fixed per program (the planner
// passes every function the data it was called with, and the statement that would change
// that, WithStmt, is not supported), so a rule that never reads its input — neither itself
// nor through the functions it calls — has the same value in every evaluation: the
// thresholds of a criterion, a set built from them (criteria.c1's _instruments), a lookup
// table. markShared finds those rules and exec keeps their value in the program once an
// evaluation has computed it (Program.shared), for every later evaluation.
//
// Only a value is kept: a rule whose evaluation fails is evaluated again (and fails again,
// at the same place) by every evaluation that reaches it, as OPA's interpreter would.
// Values are never mutated after construction (see fold.go), so evaluations may share one.

// sharedValue is the value of a rule that does not read its input; nil when undefined.
type sharedValue struct{ v Value }

// markShared marks the rules of funcs that read no input (function.shared) and returns how
// many there are.
func markShared(funcs []*function) int {
	// used[f][i]: parameter i of f may influence what f returns or whether it fails. A read
	// of a parameter counts unless it is an argument of a call whose parameter it becomes is
	// itself unused; a fixpoint from "nothing used".
	used := make(map[*function][]bool, len(funcs))
	for _, fn := range funcs {
		used[fn] = make([]bool, len(fn.params))
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			param := make(map[int32]int, len(fn.params))
			for i, p := range fn.params {
				param[p] = i
			}
			use := func(l int32) {
				if i, ok := param[l]; ok && !used[fn][i] {
					used[fn][i], changed = true, true
				}
			}
			for _, b := range fn.blocks {
				walkStmts(b, func(st *stmt) {
					reads, writes, mut := st.access()
					if st.op == opCall {
						reads = nil
						for j, a := range st.args {
							if a.konst == nil && (j >= len(st.fn.params) || used[st.fn][j]) {
								use(a.local)
							}
						}
					}
					for _, l := range append(append(reads, writes...), mut) {
						use(l)
					}
				})
			}
		}
	}
	n := 0
	for _, fn := range funcs {
		if fn.memo >= 0 && len(fn.params) == 2 && !used[fn][0] {
			fn.shared = true
			n++
		}
	}
	return n
}

// sharedSlot is where the program keeps the value of shared rule fn.
func (p *Program) sharedSlot(fn *function) *atomic.Pointer[sharedValue] {
	return &p.shared[fn.memo]
}

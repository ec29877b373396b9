package plan

import "github.com/open-policy-agent/opa/v1/ir"

// instr is a statement as exec runs it, lowered from a linked stmt once the link-time
// rewrites are done: 32 bytes with the fields most statements read, operands as int32 (a local
// when ≥ 0, else ^i for constant i of Program.consts), the rest behind x. A stmt is 152 bytes;
// about 4,000 of them run per assessment, spread over the whole plan.
type instr struct {
	op     opcode
	test   bool  // see stmt.test
	a, b   int32 // operands
	target int32
	n      int32 // break index, array or object capacity, a dot's hint slot (-1: none)
	x      *extra
}

// extra holds the fields of the statements that call, nest blocks, scan, or can fail with
// an error naming their place in the policies (mayFail).
type extra struct {
	args     []int32
	blocks   [][]instr
	fn       *function
	bi       *builtin
	key, val int32
	loc      *ir.Location
}

// lowerer lowers the statements of one program, collecting its constants.
type lowerer struct {
	consts []Value
	hints  int32 // hint slots given to dots
}

func (lw *lowerer) operand(o operand) int32 {
	if o.konst == nil {
		return o.local
	}
	lw.consts = append(lw.consts, o.konst)
	return ^int32(len(lw.consts) - 1)
}

func (lw *lowerer) body(body []stmt) []instr {
	out := make([]instr, len(body))
	for i := range body {
		st := &body[i]
		in := instr{op: st.op, test: st.test, a: lw.operand(st.a), b: lw.operand(st.b), target: st.target, n: int32(st.n)}
		if st.op == opDot {
			in.n = -1
			if _, ok := st.b.konst.(String); ok {
				in.n = lw.hints
				lw.hints++
			}
		}
		if len(st.args) > 0 || len(st.blocks) > 0 || st.fn != nil || st.bi != nil || st.op == opScan || st.loc != nil && mayFail(st.op) {
			in.x = &extra{fn: st.fn, bi: st.bi, key: st.key, val: st.val, loc: st.loc}
			for _, a := range st.args {
				in.x.args = append(in.x.args, lw.operand(a))
			}
			for _, b := range st.blocks {
				in.x.blocks = append(in.x.blocks, lw.body(b))
			}
		}
		out[i] = in
	}
	return out
}

// mayFail reports whether a statement of op can end the evaluation with an error naming its
// place in the policies (exec's errorf).
func mayFail(op opcode) bool {
	switch op {
	case opCallBuiltin, opAssignVarOnce, opArrayAppend, opObjectInsert, opObjectInsertOnce, opSetAdd:
		return true
	}
	return false
}

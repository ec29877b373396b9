package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/template/parse"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/policy/calibration"
	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
)

// templateRoots are the template fields the engine provides besides a rule's vars
// (engine/present/messages.go): the indicator values and evidence items a reason names.
var templateRoots = []string{"indicators", "evidence", "indices", "memberships", "embargoes"}

// ContractReport counts what Contract checked.
type ContractReport struct {
	Templates      int      // message templates checked against their rule's vars
	Unchecked      []string // codes whose rule passes vars that are not an object literal
	ThresholdReads int      // data.thresholds paths checked against the data file
}

// Contract finds, before anything runs, the mistakes that otherwise show only at assess
// time or never: a message template that uses a variable its rule does not pass
// (custom.message.en: {{.milex_limt}}), a data.thresholds key a rule reads that the data
// file does not have (the rule would silently never fire), and a builtin whose result is
// not determined by input and data (time.now_ns: replays would differ). Test files are
// not checked. Every problem is one line, file:row: what.
func Contract(p *Policies) (*ContractReport, error) {
	rep := &ContractReport{}
	var problems []string
	files := make([]string, 0, len(p.Modules))
	for f := range p.Modules {
		if !policyfile.IsTest(f) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	nondet := nondeterministicBuiltins()
	for _, f := range files {
		m := p.Modules[f]
		problems = append(problems, checkBuiltins(m, nondet)...)
		problems = append(problems, checkThresholds(m, p.Data, rep)...)
		helpers := reasonHelpers(m)
		for _, r := range m.Rules {
			problems = append(problems, checkTemplates(r, helpers, rep)...)
		}
	}
	if len(problems) > 0 {
		return rep, errors.New(strings.Join(problems, "\n"))
	}
	return rep, nil
}

func where(loc *ast.Location) string {
	if loc == nil {
		return "?"
	}
	return fmt.Sprintf("%s:%d", loc.File, loc.Row)
}

func nondeterministicBuiltins() map[string]bool {
	out := map[string]bool{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Nondeterministic {
			out[b.Name] = true
		}
	}
	return out
}

// checkBuiltins names every call of a non-deterministic builtin.
func checkBuiltins(m *ast.Module, nondet map[string]bool) []string {
	var out []string
	ast.WalkTerms(m, func(t *ast.Term) bool {
		call, ok := t.Value.(ast.Call)
		if !ok || len(call) == 0 {
			return false
		}
		if name := call[0].String(); nondet[name] {
			out = append(out, fmt.Sprintf("%s: %s: not allowed: non-deterministic, replays would differ", where(t.Location), name))
		}
		return false
	})
	ast.WalkExprs(m, func(e *ast.Expr) bool {
		if !e.IsCall() {
			return false
		}
		if name := e.Operator().String(); nondet[name] {
			out = append(out, fmt.Sprintf("%s: %s: not allowed: non-deterministic, replays would differ", where(e.Location), name))
		}
		return false
	})
	return out
}

// checkThresholds checks every path under data.thresholds a module reads, directly or
// through a package-level alias (_t := data.thresholds.c2) or an import, against the data.
func checkThresholds(m *ast.Module, data map[string]any, rep *ContractReport) []string {
	aliases := map[ast.Var]ast.Ref{} // alias -> the data.thresholds ref it stands for
	for _, imp := range m.Imports {
		if ref, ok := imp.Path.Value.(ast.Ref); ok && thresholdsRef(ref) {
			name := imp.Alias
			if name == "" {
				name = ast.Var(fmt.Sprint(ref[len(ref)-1].Value.(ast.String)))
			}
			aliases[name] = ref
		}
	}
	for _, r := range m.Rules {
		if r.Head.Value == nil || len(r.Head.Args) > 0 || len(r.Head.Reference) != 1 {
			continue
		}
		if ref, ok := r.Head.Value.Value.(ast.Ref); ok && thresholdsRef(ref) {
			aliases[ast.Var(r.Head.Reference[0].Value.(ast.Var))] = ref
		}
	}
	var out []string
	seen := map[string]bool{}
	ast.WalkRefs(m, func(ref ast.Ref) bool {
		full := ref
		if v, ok := ref[0].Value.(ast.Var); ok {
			if a, isAlias := aliases[v]; isAlias {
				full = append(a.Copy(), ref[1:]...)
			}
		}
		if !thresholdsRef(full) {
			return false
		}
		rep.ThresholdReads++
		if msg := missingKey(full, data); msg != "" {
			line := fmt.Sprintf("%s: %s", where(ref[0].Location), msg)
			if !seen[line] {
				seen[line] = true
				out = append(out, line)
			}
		}
		return false
	})
	return out
}

func thresholdsRef(ref ast.Ref) bool {
	return len(ref) >= 2 && ref[0].Equal(ast.DefaultRootDocument) && ref[1].Equal(ast.StringTerm("thresholds"))
}

// missingKey follows the constant keys of ref (data.thresholds....) through the data and
// describes the first that is not there; "" if every key it can follow exists.
func missingKey(ref ast.Ref, data map[string]any) string {
	var node any = data
	path := "data"
	for _, t := range ref[1:] {
		key, ok := t.Value.(ast.String)
		if !ok {
			return "" // a variable or a number: not a constant key
		}
		obj, ok := node.(map[string]any)
		if !ok {
			return ""
		}
		next, ok := obj[string(key)]
		if !ok {
			known := make([]string, 0, len(obj))
			for k := range obj {
				known = append(known, k)
			}
			sort.Strings(known)
			hint := ""
			if best := calibration.Closest(string(key), known); best != "" {
				hint = fmt.Sprintf(" (did you mean %s.%s?)", path, best)
			}
			return fmt.Sprintf("%s.%s: the rule reads a threshold the data file does not have, so the rule would never fire%s", path, string(key), hint)
		}
		node = next
		path += "." + string(key)
	}
	return ""
}

// reasonVars returns the vars object literal of a reason.make call (or of a call of a
// helper function that wraps one), and whether t is such a call at all.
func reasonVars(t *ast.Term, helpers map[string]ast.Object) (ast.Object, bool) {
	call, ok := t.Value.(ast.Call)
	if !ok || len(call) < 2 {
		return nil, false
	}
	name := call[0].String()
	if obj, ok := helpers[name]; ok {
		return obj, true
	}
	if !strings.HasSuffix(name, "reason.make") || len(call) < 3 {
		return nil, false
	}
	obj, _ := call[2].Value.(ast.Object)
	return obj, true
}

// reasonHelpers finds the functions of a module that wrap reason.make with an object
// literal of vars (_gap_reason(chain, gaps, total, limit) := reason.make(chain, {...}, ...)).
func reasonHelpers(m *ast.Module) map[string]ast.Object {
	out := map[string]ast.Object{}
	for _, r := range m.Rules {
		if len(r.Head.Args) == 0 {
			continue
		}
		ast.WalkTerms(r, func(t *ast.Term) bool {
			if obj, ok := reasonVars(t, nil); ok && obj != nil {
				out[r.Head.Name.String()] = obj
				return true
			}
			return false
		})
	}
	return out
}

// checkTemplates checks the message templates of a rule with custom.code against the
// vars its reason.make call passes, when they are an object literal: every field a
// template uses must be one of them or one the engine provides.
func checkTemplates(r *ast.Rule, helpers map[string]ast.Object, rep *ContractReport) []string {
	var ann *ast.Annotations
	for _, a := range r.Annotations {
		if _, ok := a.Custom["code"]; ok {
			ann = a
		}
	}
	if ann == nil {
		return nil
	}
	msg, _ := ann.Custom["message"].(map[string]any)
	code, _ := ann.Custom["code"].(string)
	var vars ast.Object
	literal := true
	found := false
	ast.WalkTerms(r, func(t *ast.Term) bool {
		obj, ok := reasonVars(t, helpers)
		if !ok {
			return false
		}
		found = true
		if obj == nil {
			literal = false
			return true
		}
		if vars == nil {
			vars = obj
		} else if merged, ok := vars.Merge(obj); ok {
			vars = merged
		}
		return false
	})
	if !found || !literal || vars == nil {
		rep.Unchecked = append(rep.Unchecked, code)
		return nil
	}
	keys := map[string]bool{}
	for _, k := range templateRoots {
		keys[k] = true
	}
	var known []string
	for _, k := range vars.Keys() {
		if s, ok := k.Value.(ast.String); ok {
			keys[string(s)] = true
			known = append(known, string(s))
		}
	}
	sort.Strings(known)
	var out []string
	langs := make([]string, 0, len(msg))
	for l := range msg {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		text, _ := msg[lang].(string)
		rep.Templates++
		tree := parse.New(code + "." + lang)
		tree.Mode = parse.SkipFuncCheck
		if _, err := tree.Parse(text, "{{", "}}", map[string]*parse.Tree{}); err != nil {
			out = append(out, fmt.Sprintf("%s: %s: custom.message.%s: %v", where(ann.Location), code, lang, err))
			continue
		}
		for _, f := range fields(tree.Root) {
			if keys[f] {
				continue
			}
			hint := ""
			if best := calibration.Closest(f, known); best != "" {
				hint = fmt.Sprintf(" (did you mean .%s?)", best)
			}
			out = append(out, fmt.Sprintf("%s: %s: custom.message.%s uses .%s, which the rule does not pass to reason.make (it passes %s)%s",
				where(ann.Location), code, lang, f, strings.Join(known, ", "), hint))
		}
	}
	return out
}

// fields lists the first names of the fields a template reads from its data (.limit,
// .indices.hdi: limit, indices), leaving out those inside range and with, where the dot
// is something else.
func fields(n parse.Node) []string {
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				for _, a := range c.Args {
					walk(a)
				}
			}
		case *parse.FieldNode:
			out = append(out, n.Ident[0])
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.VariableNode:
			if len(n.Ident) > 1 && n.Ident[0] == "$" {
				out = append(out, n.Ident[1])
			}
		}
	}
	walk(n)
	return out
}

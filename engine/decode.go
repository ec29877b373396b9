package engine

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/plan"
)

// The policies' output, read from the value of data.main.assessment (the compiled
// evaluator's value, or OPA's AST value converted to one):
//
//	{"overall": "light_red", "critical_count": 1, "criteria": [
//	  {"criterion": 1, "verdict": "not_critical", "missing": ["memberships.hcoc"], "reasons": [
//	    {"code": "C1-PASS", "verdict": "not_critical", "vars": {...},
//	     "indicators": ["embargoes.UN", "memberships.att"], "evidence": []}]}, ...]}
//
// "signal" is optional in a reason; every other field is required and no other field is
// allowed.

type rawAssessment struct {
	overall       string
	criticalCount int
	criteria      []rawCriterion
}

type rawCriterion struct {
	criterion int
	verdict   string
	reasons   []rawReason
	missing   []string
}

// pathError names the place in the output that breaks the contract. The path is built on the
// way out, only for an error.
type pathError struct {
	path string // e.g. .criteria[1].reasons[0].vars
	msg  string
}

func (e *pathError) Error() string { return "assessment" + e.path + ": " + e.msg }

func contractError(format string, args ...any) error {
	return &pathError{msg: fmt.Sprintf(format, args...)}
}

// within prefixes the path of a contract error with step (".name" or "[i]").
func within(err error, step func() string) error {
	if pe, ok := err.(*pathError); ok {
		pe.path = step() + pe.path
	}
	return err
}

func decodeAssessment(v plan.Value) (*rawAssessment, error) {
	out := &rawAssessment{}
	err := fields(v, []string{"overall", "critical_count", "criteria"}, nil, func(key string, v plan.Value) error {
		var err error
		switch key {
		case "overall":
			out.overall, err = str(v)
		case "critical_count":
			out.criticalCount, err = integer(v)
		case "criteria":
			out.criteria = make([]rawCriterion, 0, size(v))
			err = each(v, func(v plan.Value) error {
				c, err := decodeCriterion(v)
				out.criteria = append(out.criteria, c)
				return err
			})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func decodeCriterion(v plan.Value) (rawCriterion, error) {
	var c rawCriterion
	err := fields(v, []string{"criterion", "verdict", "reasons", "missing"}, nil, func(key string, v plan.Value) error {
		var err error
		switch key {
		case "criterion":
			c.criterion, err = integer(v)
		case "verdict":
			c.verdict, err = str(v)
		case "reasons":
			c.reasons = make([]rawReason, 0, size(v))
			err = each(v, func(v plan.Value) error {
				r, err := decodeReason(v)
				c.reasons = append(c.reasons, r)
				return err
			})
		case "missing":
			c.missing, err = strs(v)
			if c.missing == nil {
				c.missing = []string{}
			}
		}
		return err
	})
	return c, err
}

func decodeReason(v plan.Value) (rawReason, error) {
	var r rawReason
	err := fields(v, []string{"code", "verdict", "vars", "indicators", "evidence"}, []string{"signal"}, func(key string, v plan.Value) error {
		var err error
		switch key {
		case "code":
			r.code, err = str(v)
		case "verdict":
			r.verdict, err = str(v)
		case "signal":
			r.signal, err = str(v)
		case "vars":
			obj, ok := v.(*plan.Object)
			if !ok {
				return contractError("want an object, got %s", kind(v))
			}
			var x any
			x, err = goValue(obj)
			r.vars, _ = x.(map[string]any)
		case "indicators":
			r.indicators, err = strs(v)
		case "evidence":
			r.evidence, err = strs(v)
		}
		return err
	})
	return r, err
}

// kind names a value's type as ast.ValueName does.
func kind(v plan.Value) string {
	switch v.(type) {
	case plan.Null:
		return "null"
	case plan.Bool:
		return "boolean"
	case plan.Number:
		return "number"
	case plan.String:
		return "string"
	case *plan.Array:
		return "array"
	case *plan.Object:
		return "object"
	case *plan.Set:
		return "set"
	}
	return fmt.Sprintf("%T", v)
}

func fields(v plan.Value, required, optional []string, fn func(key string, v plan.Value) error) error {
	obj, ok := v.(*plan.Object)
	if !ok {
		return contractError("want an object, got %s", kind(v))
	}
	seen := 0
	for _, kv := range obj.Items() {
		key, ok := kv.Key.(plan.String)
		if !ok {
			return contractError("want string keys, got %s", plan.AppendJSON(nil, kv.Key))
		}
		name := string(key)
		switch {
		case slices.Contains(required, name):
			seen++
		case slices.Contains(optional, name):
		default:
			return contractError("unknown field %q", name)
		}
		if err := fn(name, kv.Value); err != nil {
			return within(err, func() string { return "." + name })
		}
	}
	if seen != len(required) {
		for _, k := range required {
			if obj.Get(plan.String(k)) == nil {
				return contractError("missing field %q", k)
			}
		}
	}
	return nil
}

func each(v plan.Value, fn func(v plan.Value) error) error {
	var xs []plan.Value
	switch x := v.(type) {
	case *plan.Array:
		xs = x.Elems()
	case *plan.Set:
		xs = x.Elems()
	default:
		return contractError("want an array, got %s", kind(v))
	}
	for i, x := range xs {
		if err := fn(x); err != nil {
			return within(err, func() string { return fmt.Sprintf("[%d]", i) })
		}
	}
	return nil
}

// size is the number of elements of an array or set, 0 for anything else.
func size(v plan.Value) int {
	switch x := v.(type) {
	case *plan.Array:
		return x.Len()
	case *plan.Set:
		return x.Len()
	}
	return 0
}

func str(v plan.Value) (string, error) {
	s, ok := v.(plan.String)
	if !ok {
		return "", contractError("want a string, got %s", kind(v))
	}
	return string(s), nil
}

func integer(v plan.Value) (int, error) {
	n, ok := v.(plan.Number)
	if !ok {
		return 0, contractError("want an integer, got %s", kind(v))
	}
	i, ok := ast.Number(n).Int()
	if !ok {
		return 0, contractError("want an integer, got %s", n)
	}
	return i, nil
}

func strs(v plan.Value) ([]string, error) {
	var out []string
	switch x := v.(type) {
	case *plan.Array:
		out = make([]string, 0, x.Len()) // an empty array is an empty list
	case *plan.Set:
		if x.Len() > 0 {
			out = make([]string, 0, x.Len())
		}
	}
	err := each(v, func(v plan.Value) error {
		s, err := str(v)
		out = append(out, s)
		return err
	})
	return out, err
}

// pgoValue converts a value for a template as goValue does.
func goValue(v plan.Value) (any, error) {
	switch x := v.(type) {
	case plan.Null:
		return nil, nil
	case plan.Bool:
		return bool(x), nil
	case plan.String:
		return string(x), nil
	case plan.Number:
		if i, ok := ast.Number(x).Int(); ok {
			return i, nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, contractError("number %s: %v", x, err)
		}
		return f, nil
	case *plan.Array, *plan.Set:
		var elems []plan.Value
		if a, ok := x.(*plan.Array); ok {
			elems = a.Elems()
		} else {
			elems = x.(*plan.Set).Elems()
		}
		out := make([]any, 0, len(elems))
		err := each(x, func(v plan.Value) error {
			g, err := goValue(v)
			out = append(out, g)
			return err
		})
		return out, err
	case *plan.Object:
		out := make(map[string]any, x.Len())
		for _, kv := range x.Items() {
			key, ok := kv.Key.(plan.String)
			if !ok {
				return nil, contractError("want string keys, got %s", plan.AppendJSON(nil, kv.Key))
			}
			g, err := goValue(kv.Value)
			out[string(key)] = g
			if err != nil {
				return out, within(err, func() string { return "." + string(key) })
			}
		}
		return out, nil
	}
	return nil, contractError("unsupported value %s", kind(v))
}

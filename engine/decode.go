package engine

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The policies' output, read straight from the AST value of data.main.assessment:
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

func decodeAssessment(x any) (*rawAssessment, error) {
	v, ok := x.(ast.Value)
	if !ok {
		return nil, fmt.Errorf("want an AST value, got %T", x)
	}
	out := &rawAssessment{}
	err := fields(v, []string{"overall", "critical_count", "criteria"}, nil, func(key string, v ast.Value) error {
		var err error
		switch key {
		case "overall":
			out.overall, err = str(v)
		case "critical_count":
			out.criticalCount, err = integer(v)
		case "criteria":
			err = each(v, func(v ast.Value) error {
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

func decodeCriterion(v ast.Value) (rawCriterion, error) {
	var c rawCriterion
	err := fields(v, []string{"criterion", "verdict", "reasons", "missing"}, nil, func(key string, v ast.Value) error {
		var err error
		switch key {
		case "criterion":
			c.criterion, err = integer(v)
		case "verdict":
			c.verdict, err = str(v)
		case "reasons":
			err = each(v, func(v ast.Value) error {
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

func decodeReason(v ast.Value) (rawReason, error) {
	var r rawReason
	err := fields(v, []string{"code", "verdict", "vars", "indicators", "evidence"}, []string{"signal"}, func(key string, v ast.Value) error {
		var err error
		switch key {
		case "code":
			r.code, err = str(v)
		case "verdict":
			r.verdict, err = str(v)
		case "signal":
			r.signal, err = str(v)
		case "vars":
			obj, ok := v.(ast.Object)
			if !ok {
				return contractError("want an object, got %s", ast.ValueName(v))
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

// fields calls fn for every key of object v; required keys must be present, and no keys
// other than required and optional ones are allowed.
func fields(v ast.Value, required, optional []string, fn func(key string, v ast.Value) error) error {
	obj, ok := v.(ast.Object)
	if !ok {
		return contractError("want an object, got %s", ast.ValueName(v))
	}
	seen := 0
	err := obj.Iter(func(k, val *ast.Term) error {
		key, ok := k.Value.(ast.String)
		if !ok {
			return contractError("want string keys, got %s", k)
		}
		name := string(key)
		switch {
		case slices.Contains(required, name):
			seen++
		case slices.Contains(optional, name):
		default:
			return contractError("unknown field %q", name)
		}
		return within(fn(name, val.Value), func() string { return "." + name })
	})
	if err != nil {
		return err
	}
	if seen != len(required) {
		for _, k := range required {
			if obj.Get(ast.InternedTerm(k)) == nil {
				return contractError("missing field %q", k)
			}
		}
	}
	return nil
}

// each calls fn for the items of an array, or of a set in sorted order.
func each(v ast.Value, fn func(v ast.Value) error) error {
	var xs *ast.Array
	switch x := v.(type) {
	case *ast.Array:
		xs = x
	case ast.Set:
		xs = x.Sorted()
	default:
		return contractError("want an array, got %s", ast.ValueName(v))
	}
	for i := range xs.Len() {
		if err := fn(xs.Elem(i).Value); err != nil {
			return within(err, func() string { return fmt.Sprintf("[%d]", i) })
		}
	}
	return nil
}

func str(v ast.Value) (string, error) {
	s, ok := v.(ast.String)
	if !ok {
		return "", contractError("want a string, got %s", ast.ValueName(v))
	}
	return string(s), nil
}

func integer(v ast.Value) (int, error) {
	n, ok := v.(ast.Number)
	if !ok {
		return 0, contractError("want an integer, got %s", ast.ValueName(v))
	}
	i, ok := n.Int()
	if !ok {
		return 0, contractError("want an integer, got %s", n)
	}
	return i, nil
}

func strs(v ast.Value) ([]string, error) {
	var out []string
	if a, ok := v.(*ast.Array); ok {
		out = make([]string, 0, a.Len())
	}
	err := each(v, func(v ast.Value) error {
		s, err := str(v)
		out = append(out, s)
		return err
	})
	return out, err
}

// goValue converts an AST value for a template: objects to map[string]any, arrays and sets
// (sorted) to []any, integral numbers to int, other numbers to float64.
func goValue(v ast.Value) (any, error) {
	switch x := v.(type) {
	case ast.Null:
		return nil, nil
	case ast.Boolean:
		return bool(x), nil
	case ast.String:
		return string(x), nil
	case ast.Number:
		if i, ok := x.Int(); ok {
			return i, nil
		}
		f, err := json.Number(x).Float64()
		if err != nil {
			return nil, contractError("number %s: %v", x, err)
		}
		return f, nil
	case *ast.Array, ast.Set:
		var out []any
		if a, ok := x.(*ast.Array); ok {
			out = make([]any, 0, a.Len())
		} else {
			out = make([]any, 0, x.(ast.Set).Len())
		}
		err := each(x, func(v ast.Value) error {
			g, err := goValue(v)
			out = append(out, g)
			return err
		})
		return out, err
	case ast.Object:
		out := make(map[string]any, x.Len())
		err := x.Iter(func(k, val *ast.Term) error {
			key, ok := k.Value.(ast.String)
			if !ok {
				return contractError("want string keys, got %s", k)
			}
			g, err := goValue(val.Value)
			out[string(key)] = g
			return within(err, func() string { return "." + string(key) })
		})
		return out, err
	}
	return nil, contractError("unsupported value %s", ast.ValueName(v))
}

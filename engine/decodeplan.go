package engine

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/plan"
)

// The compiled evaluator's output is read straight from its values, with the contract and
// the errors of decode.go (the differential test decodes both evaluators' output of every
// shipped bundle and compares).

func decodePlanAssessment(v plan.Value) (*rawAssessment, error) {
	out := &rawAssessment{}
	err := pfields(v, []string{"overall", "critical_count", "criteria"}, nil, func(key string, v plan.Value) error {
		var err error
		switch key {
		case "overall":
			out.overall, err = pstrValue(v)
		case "critical_count":
			out.criticalCount, err = pinteger(v)
		case "criteria":
			err = peach(v, func(v plan.Value) error {
				c, err := decodePlanCriterion(v)
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

func decodePlanCriterion(v plan.Value) (rawCriterion, error) {
	var c rawCriterion
	err := pfields(v, []string{"criterion", "verdict", "reasons", "missing"}, nil, func(key string, v plan.Value) error {
		var err error
		switch key {
		case "criterion":
			c.criterion, err = pinteger(v)
		case "verdict":
			c.verdict, err = pstrValue(v)
		case "reasons":
			err = peach(v, func(v plan.Value) error {
				r, err := decodePlanReason(v)
				c.reasons = append(c.reasons, r)
				return err
			})
		case "missing":
			c.missing, err = pstrs(v)
			if c.missing == nil {
				c.missing = []string{}
			}
		}
		return err
	})
	return c, err
}

func decodePlanReason(v plan.Value) (rawReason, error) {
	var r rawReason
	err := pfields(v, []string{"code", "verdict", "vars", "indicators", "evidence"}, []string{"signal"}, func(key string, v plan.Value) error {
		var err error
		switch key {
		case "code":
			r.code, err = pstrValue(v)
		case "verdict":
			r.verdict, err = pstrValue(v)
		case "signal":
			r.signal, err = pstrValue(v)
		case "vars":
			obj, ok := v.(*plan.Object)
			if !ok {
				return contractError("want an object, got %s", pkind(v))
			}
			var x any
			x, err = pgoValue(obj)
			r.vars, _ = x.(map[string]any)
		case "indicators":
			r.indicators, err = pstrs(v)
		case "evidence":
			r.evidence, err = pstrs(v)
		}
		return err
	})
	return r, err
}

// pkind names a value's type as ast.ValueName does.
func pkind(v plan.Value) string {
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

func pfields(v plan.Value, required, optional []string, fn func(key string, v plan.Value) error) error {
	obj, ok := v.(*plan.Object)
	if !ok {
		return contractError("want an object, got %s", pkind(v))
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

func peach(v plan.Value, fn func(v plan.Value) error) error {
	var xs []plan.Value
	switch x := v.(type) {
	case *plan.Array:
		xs = x.Elems()
	case *plan.Set:
		xs = x.Elems()
	default:
		return contractError("want an array, got %s", pkind(v))
	}
	for i, x := range xs {
		if err := fn(x); err != nil {
			return within(err, func() string { return fmt.Sprintf("[%d]", i) })
		}
	}
	return nil
}

func pstrValue(v plan.Value) (string, error) {
	s, ok := v.(plan.String)
	if !ok {
		return "", contractError("want a string, got %s", pkind(v))
	}
	return string(s), nil
}

func pinteger(v plan.Value) (int, error) {
	n, ok := v.(plan.Number)
	if !ok {
		return 0, contractError("want an integer, got %s", pkind(v))
	}
	i, ok := ast.Number(n).Int()
	if !ok {
		return 0, contractError("want an integer, got %s", n)
	}
	return i, nil
}

func pstrs(v plan.Value) ([]string, error) {
	var out []string
	if a, ok := v.(*plan.Array); ok {
		out = make([]string, 0, a.Len())
	}
	err := peach(v, func(v plan.Value) error {
		s, err := pstrValue(v)
		out = append(out, s)
		return err
	})
	return out, err
}

// pgoValue converts a value for a template as goValue does.
func pgoValue(v plan.Value) (any, error) {
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
		err := peach(x, func(v plan.Value) error {
			g, err := pgoValue(v)
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
			g, err := pgoValue(kv.Value)
			out[string(key)] = g
			if err != nil {
				return out, within(err, func() string { return "." + string(key) })
			}
		}
		return out, nil
	}
	return nil, contractError("unsupported value %s", pkind(v))
}

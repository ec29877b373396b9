package plan

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/topdown"
)

// TestNativeBuiltinsMatchOPA calls the native implementations of substring and to_number and
// OPA's on operands on and beside every edge of their native paths: same value, or both fail.
func TestNativeBuiltinsMatchOPA(t *testing.T) {
	s := &state{ctx: context.Background()}
	strs := []Value{String(""), String("2024-12-31"), String("abc"), String("ä-ü"), String("0"), String("-0"),
		String("007"), String("+5"), String("12"), String("-12"), String("1.5"), String("1e3"), String("Inf"),
		String("NaN"), String("9223372036854775807"), String("9223372036854775808"), String(" 1"), String("0x10")}
	ints := []Value{IntValue(0), IntValue(1), IntValue(4), IntValue(10), IntValue(11), Number("-1"), Number("-5"),
		Number("1.0"), Number("2.5"), Number("2147483648"), Number("1e2")}
	others := []Value{Null{}, Bool(true), Bool(false), Number("3"), Number("-2.5"), Number("1e400"), NewArray(0)}
	check := func(name string, args ...Value) {
		t.Helper()
		got, gotErr := builtins[name].fn(s, args)
		want, wantErr := callOPA(s, topdown.GetBuiltin(name), args)
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("%s%s: error %v, OPA's %v", name, fmt.Sprint(args), gotErr, wantErr)
			return
		}
		if gotErr == nil && (Compare(got, want) != 0 || string(AppendJSON(nil, got)) != string(AppendJSON(nil, want))) {
			t.Errorf("%s%s = %s, OPA's %s", name, fmt.Sprint(args), AppendJSON(nil, got), AppendJSON(nil, want))
		}
	}
	for _, x := range append(append([]Value{}, strs...), others...) {
		check("to_number", x)
	}
	for _, base := range append(strs, Number("5")) {
		for _, start := range ints {
			for _, n := range ints {
				check("substring", base, start, n)
			}
		}
	}
}

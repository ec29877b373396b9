package plan

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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

// TestShortInt: the fast path of smallInt agrees with strconv.ParseInt wherever it answers,
// and answers for every sign and up to 9 digits.
func TestShortInt(t *testing.T) {
	for _, s := range []string{"0", "7", "-0", "+0", "-7", "+7", "007", "-007", "123456789", "-123456789",
		"1234567890", "", "-", "+", "--1", "1-", "1.0", "1e3", " 1", "1 ", "0x1", "1_0", "٣", "999999999", "2147483647"} {
		got, ok := shortInt(s)
		want, err := strconv.ParseInt(s, 10, 64)
		digits := strings.TrimLeft(s, "+-")
		wantOK := err == nil && len(digits) >= 1 && len(digits) <= 9 && len(s)-len(digits) <= 1
		if ok != wantOK || ok && got != want {
			t.Errorf("shortInt(%q) = %d, %v; ParseInt %d, %v", s, got, ok, want, err)
		}
	}
}

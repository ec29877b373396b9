package engine

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/exportrisk/exportrisk/indicators"
)

// NewInput writes a bundle's canonical JSON from the compiled evaluator's typed value, not with
// indicators.Canonicalize (encoding/json over the bundle types). These tests prove the two
// byte-identical: on every shipped bundle (TestInputValueMatchesCanonicalJSON and, for every
// year, TestCompiledMatchesOPAOnShippedBundles), on bundles with every field of every bundle
// type set or left empty at random (found by reflection, so a field added to the bundle types
// and not to planInput fails here), and fuzzed.

// canonicalStrings are values beside every rule of JSON string encoding.
var canonicalStrings = []string{
	"", "a", "KAZ", "2026-06-01", "<&>", "\u2028\u2029", "\"quoted\" \\back\\", "\x00\x01\x1f\x7f",
	"\b\f\n\r\t", "Ünïcödé ✓ 😀", "\xff\xfe invalid", "a\xc3", "\u00e9\u0301", "</script>",
}

// randomFill sets every field of the value v points to, recursively: at random empty (nil,
// zero: omitempty's case) or filled, with strings from canonicalStrings (rarely one with
// invalid UTF-8) or extra.
func randomFill(r *rand.Rand, v reflect.Value, extra string) {
	pick := func() string {
		if extra != "" && r.IntN(4) == 0 {
			return extra
		}
		s := canonicalStrings[r.IntN(len(canonicalStrings))]
		if !utf8.ValidString(s) && r.IntN(500) != 0 {
			// Rarely: a document holds a few hundred strings, and one with invalid
			// UTF-8 sends it all to Canonicalize (NewInput, Result.CanonicalJSON).
			return "plain"
		}
		return s
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(pick())
	case reflect.Int:
		v.SetInt([]int64{0, 1, -1, 2024, math.MaxInt32, math.MinInt64}[r.IntN(6)])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomFill(r, v.Field(i), extra)
			}
		}
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		randomFill(r, p.Elem(), extra)
		v.Set(p)
	case reflect.Slice:
		switch r.IntN(4) {
		case 0:
			return // nil: null
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // empty: []
			return
		}
		s := reflect.MakeSlice(v.Type(), 1+r.IntN(3), 3)
		for i := range s.Len() {
			randomFill(r, s.Index(i), extra)
		}
		v.Set(s)
	case reflect.Map:
		switch r.IntN(4) {
		case 0:
			return
		case 1:
			v.Set(reflect.MakeMap(v.Type()))
			return
		}
		m := reflect.MakeMap(v.Type())
		for range 1 + r.IntN(4) {
			k := reflect.New(v.Type().Key()).Elem()
			randomFill(r, k, extra)
			e := reflect.New(v.Type().Elem()).Elem()
			randomFill(r, e, extra)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface: // an index value: what a bundle file decodes to
		vals := []any{nil, true, false, 0.0, math.Copysign(0, -1), 1.5, 1e-7, 1e21, 1e300, -3.25, math.SmallestNonzeroFloat64, 42, pick()}
		if x := vals[r.IntN(len(vals))]; x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		panic("randomFill: a bundle field of kind " + v.Kind().String() + ": teach planInput and this test about it")
	}
}

// sameCanonicalJSON fails t unless NewInput's canonical JSON and digest are those of
// indicators.Canonicalize.
func sameCanonicalJSON(t testing.TB, b *indicators.Bundle) {
	t.Helper()
	want, err := indicators.Canonicalize(b)
	if err != nil {
		t.Fatal(err)
	}
	in, err := NewInput(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(in.Canonical(), want) {
		t.Fatalf("canonical JSON differs:\n got %s\nwant %s", in.Canonical(), want)
	}
	if in.Digest() != indicators.Digest(want) {
		t.Fatalf("digest %s, want %s", in.Digest(), indicators.Digest(want))
	}
}

func TestNewInputCanonicalOnEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	written := 0
	for range 3000 {
		b := &indicators.Bundle{}
		randomFill(r, reflect.ValueOf(b).Elem(), "")
		sameCanonicalJSON(t, b)
		if in, _ := NewInput(b); in.value != nil {
			written++
		}
	}
	// Most bundles must be written by NewInput itself, not by Canonicalize (invalid UTF-8).
	if written < 2000 {
		t.Fatalf("NewInput wrote %d of 3000 bundles itself, want most", written)
	}
}

func FuzzNewInputCanonical(f *testing.F) {
	for _, s := range canonicalStrings {
		f.Add(uint64(len(s)), s)
	}
	f.Fuzz(func(t *testing.T, seed uint64, s string) {
		b := &indicators.Bundle{}
		randomFill(rand.New(rand.NewPCG(seed, 7)), reflect.ValueOf(b).Elem(), s)
		sameCanonicalJSON(t, b)
	})
}

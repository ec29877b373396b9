package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/indicators"
)

// Result.CanonicalJSON writes a result's canonical JSON from the typed result, not with
// indicators.Canonicalize (encoding/json over the result types, then the keys sorted). These
// tests prove the two byte-identical: on the result of every shipped bundle of every year
// (sameResultJSON in TestCompiledMatchesOPAOnShippedBundles), on those results as a replay
// decodes them from a record (TestResultCanonicalDecoded), on results with every field of
// every result type set or left empty at random (found by reflection, so a field added to the
// result types and not to the writer fails here), and fuzzed (FuzzResultCanonical).

// sameResultJSON reports how res.CanonicalJSON differs from indicators.Canonicalize(res)
// (bytes, or error), or nil.
func sameResultJSON(res *Result) error {
	want, wantErr := indicators.Canonicalize(res)
	got, gotErr := res.CanonicalJSON()
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		return fmt.Errorf("canonical JSON of the result: error %v, want %v", gotErr, wantErr)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("canonical JSON of the result differs:\n got %s\nwant %s", got, want)
	}
	// Appended to a buffer that holds something already (replay reuses one).
	prefix := []byte("[previous]")
	app, err := res.AppendCanonicalJSON(append(make([]byte, 0, len(prefix)+8), prefix...))
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || wantErr == nil && !bytes.Equal(app, append(prefix, want...)) {
		return fmt.Errorf("AppendCanonicalJSON: %q (error %v), want %q after the buffer's bytes", app, err, want)
	}
	return nil
}

// TestResultCanonicalDecoded: the results of the shipped bundles decoded from their canonical
// JSON as a replay decodes a recorded result (every number a float64) are written back to the
// same bytes.
func TestResultCanonicalDecoded(t *testing.T) {
	e := diffEngine(t)
	for iso, b := range enginetest.Shipped(t) {
		a, err := e.Assess(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.Result.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var decoded Result
		if err := json.Unmarshal(want, &decoded); err != nil {
			t.Fatal(err)
		}
		got, err := decoded.CanonicalJSON()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: decoded result written as\n %s (%v)\nwant\n %s", iso, got, err, want)
		}
		if err := sameResultJSON(&decoded); err != nil {
			t.Fatalf("%s: %v", iso, err)
		}
	}
}

// randomAny is a vars value: what the output decoder makes (int, float64, string, bool, nil,
// []any, map[string]any, nested), and now and then one it never makes (int64, json.Number),
// which CanonicalJSON leaves to Canonicalize.
func randomAny(r *rand.Rand, depth int, extra string) any {
	switch n := r.IntN(14); {
	case n < 8 || depth > 2:
		vals := []any{nil, true, false, 0, -7, 1 << 40, 0.0, math.Copysign(0, -1), 0.55, 1e-7, 1e21, 123456789.125, extra,
			canonicalStrings[r.IntN(len(canonicalStrings))]}
		return vals[r.IntN(len(vals))]
	case n < 10:
		var xs []any
		if r.IntN(4) > 0 {
			xs = []any{}
		}
		for range r.IntN(4) {
			xs = append(xs, randomAny(r, depth+1, extra))
		}
		return xs
	case n < 12:
		var m map[string]any
		if r.IntN(4) > 0 {
			m = map[string]any{}
		}
		for range r.IntN(4) {
			if m == nil {
				m = map[string]any{}
			}
			k := canonicalStrings[r.IntN(len(canonicalStrings))]
			if r.IntN(3) == 0 {
				k = extra
			}
			m[k] = randomAny(r, depth+1, extra)
		}
		return m
	default:
		return []any{int64(3), json.Number("2.50")}[r.IntN(2)]
	}
}

// randomResult is a result with every field set or empty at random (randomFill), its vars
// and values varied further by randomAny.
func randomResult(r *rand.Rand, extra string) *Result {
	res := &Result{}
	randomFill(r, reflect.ValueOf(res).Elem(), extra)
	for i := range res.Criteria {
		for j := range res.Criteria[i].Reasons {
			rs := &res.Criteria[i].Reasons[j]
			if r.IntN(2) == 0 {
				rs.Vars = map[string]any{"x": randomAny(r, 0, extra), extra: randomAny(r, 0, extra)}
			}
			for k := range rs.Indicators {
				if r.IntN(4) == 0 {
					rs.Indicators[k].Value = randomAny(r, 0, extra)
				}
			}
		}
	}
	return res
}

func TestResultCanonicalOnEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	written := 0
	for i := range 3000 {
		res := randomResult(r, "")
		if err := sameResultJSON(res); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if b, ok := appendResult(nil, res); ok && !bytes.Contains(b, []byte(`\ufffd`)) {
			written++
		}
	}
	// Most results must be written by the typed writer, not left to Canonicalize.
	if written < 2000 {
		t.Fatalf("the typed writer wrote %d of 3000 results itself, want most", written)
	}
	// No result, and numbers JSON cannot write (an error either way).
	if err := sameResultJSON(nil); err != nil {
		t.Fatal(err)
	}
	for _, x := range []any{math.NaN(), math.Inf(1), []any{1, math.Inf(-1)}} {
		res := &Result{Criteria: []CriterionResult{{Reasons: []Reason{{Vars: map[string]any{"x": x}}}}}}
		if err := sameResultJSON(res); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzResultCanonical(f *testing.F) {
	for _, s := range canonicalStrings {
		f.Add(uint64(len(s)), s)
	}
	f.Fuzz(func(t *testing.T, seed uint64, s string) {
		if err := sameResultJSON(randomResult(rand.New(rand.NewPCG(seed, 11)), s)); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkResultCanonical times the canonical JSON of the Kazakhstan bundle's result, as a
// record is made of it: written from the typed result ("typed") and by
// indicators.Canonicalize ("canonicalize": encoding/json, then the keys sorted).
func BenchmarkResultCanonical(b *testing.B) {
	bd, err := indicators.LoadFile("../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	a, err := diffEngine(b).Assess(context.Background(), bd)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Result.CanonicalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("canonicalize", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := indicators.Canonicalize(a.Result); err != nil {
				b.Fatal(err)
			}
		}
	})
}

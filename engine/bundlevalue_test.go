package engine

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/indicators"
)

// A replay reads the bundle of a recorded input from the compiled evaluator's value of the
// JSON (bundleFromValue) instead of decoding the JSON again (decodeBundle, encoding/json).
// These tests prove both give the same bundle wherever bundleFromValue takes the value, and
// that it leaves to encoding/json what only encoding/json decides.

// sameRecordedBundle fails t unless bundleFromValue's bundle of data is decodeBundle's, when
// data is canonical and bundleFromValue takes it; it returns whether it did.
func sameRecordedBundle(t testing.TB, data []byte) bool {
	t.Helper()
	v, ok := plan.ParseCanonical(data)
	if !ok {
		return false
	}
	got, ok := bundleFromValue(v)
	if !ok {
		return false
	}
	shown := data[:min(len(data), 2000)]
	want, err := decodeBundle(data)
	if err != nil {
		t.Fatalf("bundleFromValue takes what encoding/json refuses (%v): %s", err, shown)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("bundle differs from encoding/json's (-json +value):\n%s\ninput: %s", d, shown)
	}
	return true
}

func TestBundleFromValueShippedAndRandom(t *testing.T) {
	var bundles []*indicators.Bundle
	for _, b := range enginetest.Shipped(t) {
		bundles = append(bundles, b)
	}
	for _, b := range enginetest.Synthetic() {
		bundles = append(bundles, b)
	}
	for _, b := range bundles {
		in, err := NewInput(b)
		if err != nil {
			t.Fatal(err)
		}
		if !sameRecordedBundle(t, in.Canonical()) {
			t.Errorf("%s %s: bundleFromValue does not take a shipped bundle", b.Country.ISO3, b.AsOf)
		}
	}
	// Every field of every bundle type set or empty at random (reflection: a field added to
	// the bundle types and not to bundleFromValue makes it refuse, and this test fail).
	r := rand.New(rand.NewPCG(3, 4))
	taken := 0
	for range 2000 {
		b := &indicators.Bundle{}
		randomFill(r, reflect.ValueOf(b).Elem(), "")
		c, err := indicators.Canonicalize(b)
		if err != nil {
			t.Fatal(err)
		}
		if sameRecordedBundle(t, c) {
			taken++
		}
	}
	// Not taken: only an index value encoding/json cannot hold (1e300 is fine; none is
	// written that is not) and strings with invalid UTF-8 (not canonical).
	if taken < 1900 {
		t.Fatalf("bundleFromValue took %d of 2000 random bundles, want nearly all", taken)
	}
}

// TestBundleFromValueFuzzerInputs: the differential fuzzer's inputs, with absent, null, empty
// and mistyped sections and fields.
func TestBundleFromValueFuzzerInputs(t *testing.T) {
	g := newFuzzer(t, diffEngine(t))
	taken := 0
	for seed := range uint64(600) {
		if sameRecordedBundle(t, g.input(seed)) {
			taken++
		}
	}
	if taken < 100 {
		t.Fatalf("bundleFromValue took %d of 600 fuzzer inputs, want many", taken)
	}
}

// TestBundleFromValueShapes: what it takes and what it leaves to encoding/json.
func TestBundleFromValueShapes(t *testing.T) {
	for _, c := range []struct {
		json  string
		taken bool
	}{
		{`{}`, true},
		{`{"as_of":"2026-01-01","country":null,"description":null,"schema_version":null}`, true},
		{`{"country":{"iso3":"KAZ"},"embargoes":[],"evidence":null,"indices":{},"memberships":null}`, true},
		{`{"indices":{"x":{"source":"s","value":-0,"year":2024}}}`, true},
		{`{"indices":{"a":{"value":true},"b":{"value":"high"},"c":{"value":null},"d":{"value":1e-7}}}`, true},
		{`{"evidence":[{"by_state":null,"figures":{}},{"by_state":false,"figures":{"deaths":3}}]}`, true},
		{`{"evidence_register":null}`, true},
		{`{"evidence_register":{"items":null}}`, true},
		{`{"evidence_register":{"items":[],"revision":"r"}}`, true},
		{`{"memberships":{"att":{"status":"party","year":0}}}`, true},
		// Keys the types do not name are ignored, whatever their value, as encoding/json does.
		{`{"benchmark_case":1,"evidence":[{"extra":{"a":[null]},"id":"e"}],"indices":{"x":{"unit":"%"}}}`, true},
		// encoding/json decides these: it sets a field whose name matches but for the case
		// (bytes.EqualFold: also ſ for s, K for k), decodes a null inside a map or list as a
		// zero value, and refuses the rest.
		{`{"AS_OF":"2026-01-01"}`, false},
		{`{"indices":{"x":{"Value":1}}}`, false},
		{`{"indices":{"x":{"ſource":"s"}}}`, false},
		{`{"country":{"ISO3":"KAZ"}}`, false},
		{`{"evidence_register":{"Items":[]}}`, false},
		{`{"indices":{"x":null}}`, false},
		{`{"embargoes":[null]}`, false},
		{`{"evidence":[{"figures":{"a":null}}]}`, false},
		{`{"evidence_register":{"items":[null]}}`, false},
		{`{"indices":{"x":{"value":{}}}}`, false},
		{`{"indices":{"x":{"value":[1]}}}`, false},
		{`{"indices":{"x":{"value":1e400}}}`, false},
		{`{"indices":{"x":{"year":1.0}}}`, false},
		{`{"schema_version":1e2}`, false},
		{`{"schema_version":99999999999999999999}`, false},
		{`{"schema_version":"1"}`, false},
		{`{"indices":[]}`, false},
		{`{"embargoes":{}}`, false},
		{`{"country":[]}`, false},
		{`{"evidence":[{"by_state":"yes"}]}`, false},
		{`{"evidence_register":{"items":[1]}}`, false},
		{`[]`, false},
		{`null`, false},
		{`"bundle"`, false},
	} {
		if _, ok := plan.ParseCanonical([]byte(c.json)); !ok {
			t.Fatalf("%s: not canonical: the case tests nothing", c.json)
		}
		if got := sameRecordedBundle(t, []byte(c.json)); got != c.taken {
			t.Errorf("%s: taken %v, want %v", c.json, got, c.taken)
		}
	}
}

// FuzzBundleFromValue mutates canonical bundles byte by byte (make fuzz).
func FuzzBundleFromValue(f *testing.F) {
	for _, s := range []string{
		`{"as_of":"2026-01-01","country":{"iso3":"KAZ","name_de":"Kasachstan","name_en":"Kazakhstan"},"embargoes":[{"authority":"UN","in_force":false,"source":"s"}],"evidence":[{"by_state":true,"category":"c","date":"2024-01-01","figures":{"deaths":3},"id":"e1","source":"s","summary":"x"}],"evidence_register":{"items":["e1"],"revision":"r"},"indices":{"a":{"source":"s","value":0.5,"year":2024},"b":{"note":"n","source":"s","value":"high","year":2023}},"memberships":{"att":{"source":"s","status":"party","year":2014}},"schema_version":1}`,
		`{"indices":{"x":{"value":1e-7}},"memberships":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameRecordedBundle(t, data)
	})
}

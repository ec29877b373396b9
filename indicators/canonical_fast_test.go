package indicators

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/fixtures"
)

// TestCanonicalize: the fast canonical encoding is byte for byte the reference encoding,
// for every shipped bundle and for values that stress escaping, key order and numbers.
// A difference would change input digests and make replays differ.
func TestCanonicalize(t *testing.T) {
	n := 0
	lib, err := OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, iso := range lib.Countries() {
		for _, e := range lib.Entries(iso) {
			// the curated bundles and two years of the history (every year costs 0.3 s)
			if !strings.HasPrefix(e.Path, "curated/") && e.AsOf != "2012-12-31" && e.AsOf != "2024-12-31" {
				continue
			}
			b, err := lib.Load(e)
			if err != nil {
				t.Fatal(err)
			}
			sameCanonical(t, e.Path, b)
			n++
		}
	}
	if n < 190 {
		t.Errorf("only %d bundles compared", n)
	}

	type inner struct {
		B     string         `json:"b"`
		A     any            `json:"a"`
		Z     []int          `json:"z"`
		M     map[string]int `json:"m,omitempty"`
		Empty map[string]int `json:"empty"`
	}
	type outer struct {
		inner
		Zeta  float64 `json:"zeta"`
		Alpha *inner  `json:"alpha"`
		Nil   *inner  `json:"nil"`
		Raw   json.RawMessage
		Omit  string `json:"omit,omitempty"`
	}
	values := map[string]any{
		"escapes":    map[string]any{"a\"b": 1, "a": "<&> \u2028 \u2029 \t\n\r\b\f \x01 \\ / é 😀", "": []any{}, "é": nil, "Z": true, "z": false, "a\\b": "x"},
		"numbers":    []any{0.0, 1.0, -0.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.MaxInt64, -3, float32(0.1), 100},
		"structs":    outer{inner: inner{B: "b", A: map[string]any{"y": 1, "x": []any{map[string]any{"d": 1, "c": 2}}}, Z: []int{3, 1}, M: map[string]int{"deaths": 2, "cases": 1}}, Zeta: 2.5, Alpha: &inner{B: "</script>"}, Raw: json.RawMessage(`{"q":1,"p":[2,{"s":3,"r":4}]}`)},
		"unsorted":   json.RawMessage(`{"b":{"d":1,"c":{"f":[{"h":1,"g":2}],"e":0}},"a":[]}`),
		"invalid":    map[string]string{"k": "bad \xff utf-8"},
		"escapedkey": map[string]int{"\u00e9": 1, "e": 2, "\u2028": 3, "<": 4, "\"": 5},
		"empty":      map[string]any{},
		"null":       nil,
		"string":     "just a string",
	}
	for name, v := range values {
		sameCanonical(t, name, v)
	}
}

func sameCanonical(t *testing.T, name string, v any) {
	t.Helper()
	want, err := canonicalReference(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got, err := Canonicalize(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: differs at byte %d:\n got %q\nwant %q", name, i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
	}
}

// FuzzCanonicalize compares the two encodings on decoded JSON documents.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":2}`, `[{"z":{"y":[1,2,{"x":"\u00e9"}]}}]`, `{"\u00e9":1,"e":2}`, `"\ud800"`, `1e400`, `{"a":{"a":{"a":{}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		sameCanonical(t, string(data), v)
	})
}

func BenchmarkCanonicalize(b *testing.B) {
	bundle, err := LoadFile("../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Canonicalize(bundle); err != nil {
			b.Fatal(err)
		}
	}
}

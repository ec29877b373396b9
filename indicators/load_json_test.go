package indicators

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/fixtures"
)

// sameNodes compares the parts of two node trees the decoder reads: kind, tag, value and
// children (not lines, columns or styles).
func sameNodes(a, b *yaml.Node, at string) error {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: kind %v tag %s value %q (%d children) vs kind %v tag %s value %q (%d children)",
			at, a.Kind, a.Tag, a.Value, len(a.Content), b.Kind, b.Tag, b.Value, len(b.Content))
	}
	for i := range a.Content {
		if err := sameNodes(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); err != nil {
			return err
		}
	}
	return nil
}

// Every year of every shipped history reads through the fast path to the node tree the
// YAML path gives (the decoder reads nothing else but lines for messages), so do the nodes
// its expansion made, and the latest year of each country to the same bundle.
func TestParseJSONShippedHistory(t *testing.T) {
	lib, err := OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var years atomic.Int64
	t.Cleanup(func() {
		if n := years.Load(); !t.Failed() && n < 2000 {
			t.Errorf("%d history years compared, want every shipped one", n)
		}
	})
	for _, iso := range lib.Countries() {
		t.Run(iso, func(t *testing.T) {
			t.Parallel()
			var last *yaml.Node
			var lastData []byte
			var docs map[string][]byte
			var lastName string
			for _, e := range lib.Entries(iso) {
				if !strings.Contains(e.Path, "#") {
					continue
				}
				file, _, _ := strings.Cut(e.Path, "#")
				if docs == nil { // one expansion with documents per country
					raw, err := fs.ReadFile(fixtures.FS, file)
					if err != nil {
						t.Fatal(err)
					}
					if docs, err = ExpandHistory(file, raw); err != nil {
						t.Fatal(err)
					}
				}
				data := docs[e.AsOf]
				h, asOf, err := lib.history(e)
				if err != nil {
					t.Fatal(err)
				}
				name := path.Join("fixtures", e.Path)
				fast, ok := readJSONNodes(data)
				if !ok {
					t.Fatalf("%s: the fast path refuses a shipped history year", name)
				}
				slow, err := ReadText(name, data)
				if err != nil {
					t.Fatal(err)
				}
				if err := sameNodes(slow, fast, name); err != nil {
					t.Fatal(err)
				}
				// The nodes the expansion made from its tree, which Load reads, are
				// those nodes too.
				if n := h.years[asOf].node; n == nil {
					t.Fatalf("%s: no nodes from the expansion", name)
				} else if err := sameNodes(slow, n, name+" (expansion)"); err != nil {
					t.Fatal(err)
				}
				last, lastData, lastName = slow, data, name
				years.Add(1)
			}
			if last == nil {
				return
			}
			d := &decoder{}
			want := d.bundle(last) // what Parse returns, without reading the YAML again
			if len(d.problems) > 0 {
				t.Fatalf("%s: %v", lastName, d.problems)
			}
			got, err := parseJSON(lastName, lastData)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s (-Parse +parseJSON):\n%s", lastName, diff)
			}
		})
	}
}

// A document the fast path might read differently from YAML is refused by it; one it
// takes gives YAML's node tree; a bad document gets exactly Parse's problems.
func TestParseJSONEdges(t *testing.T) {
	lib, err := OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	e, err := lib.Find("KAZ", "2020-12-31")
	if err != nil {
		t.Fatal(err)
	}
	good, err := lib.document(e)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("%q not in the KAZ bundle", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	for _, tc := range []struct {
		name   string
		doc    []byte
		refuse bool // the fast path must not take it
	}{
		{"shipped", good, false},
		{"escapes shared", []byte(`{"a":"\"\\\b\f\n\r\t\u00e9\u2028 <\u003c>"}`), false},
		{"numbers", []byte(`{"a":[0,-0,1.5,-2e3,1E+2,9223372036854775807,18446744073709551615,18446744073709551616,1e-400]}`), false},
		{"literals", []byte(`{"a":true,"b":false,"c":null,"d":{},"e":[]}`), false},
		{"indented", []byte("{\n  \"a\": [\n    1,\n    \"x\"\n  ]\n}\n"), false},
		{"duplicate key", []byte(`{"a":1,"a":2}`), false},
		{"slash escape", []byte(`{"a":"x\/y"}`), true},
		{"surrogate escape", []byte(`{"a":"\ud83d\ude00"}`), true},
		{"number out of range", []byte(`{"a":1e400}`), true},
		{"tab", []byte("{\t\"a\": 1}"), true},
		{"carriage return", []byte("{\"a\": 1}\r\n"), true},
		{"line separator", []byte("{\"a\": \"x\u2028y\"}"), true},
		{"C1 control", []byte("{\"a\": \"x\u0085y\"}"), true},
		{"DEL", []byte("{\"a\": \"x\x7fy\"}"), true},
		{"byte order mark", []byte("\ufeff{\"a\": 1}"), true},
		{"invalid UTF-8", []byte("{\"a\": \"\xff\"}"), true},
		{"key then newline", []byte("{\"a\"\n: 1}"), true},
		{"long key", []byte(`{"` + strings.Repeat("k", 1100) + `":1}`), true},
		{"colon far after the key", []byte(`{"k"` + strings.Repeat(" ", 1100) + `:1}`), true},
		{"colon after spaces", []byte(`{"k"   :1}`), false},
		{"top-level list", []byte(`[1]`), true},
		{"two values", []byte(`{"a":1} {"b":2}`), true},
		{"truncated", good[:len(good)/2], true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fast, ok := readJSONNodes(tc.doc)
			if ok == tc.refuse {
				t.Fatalf("fast path took it: %v, want %v", ok, !tc.refuse)
			}
			if !ok {
				return
			}
			slow, err := ReadText("doc.json", tc.doc)
			if err != nil {
				t.Fatalf("the fast path takes what YAML refuses: %v", err)
			}
			if err := sameNodes(slow, fast, "doc"); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, tc := range []struct{ name, old, new string }{
		{"value out of range", `"value":`, `"value":-99999,"x":`},
		{"unknown field", `"as_of":`, `"bogus":1,"as_of":`},
		{"wrong as_of", `"as_of":"2020-12-31"`, `"as_of":"2020-12-32"`},
		{"slash escape in a name", `"name_en":"`, `"name_en":"\/`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := edit(tc.old, tc.new)
			_, want := Parse("fixtures/KAZ.json", doc)
			b, got := parseJSON("fixtures/KAZ.json", doc)
			if want == nil && got == nil {
				wb, _ := Parse("fixtures/KAZ.json", doc)
				if diff := cmp.Diff(wb, b); diff != "" {
					t.Fatalf("(-Parse +parseJSON):\n%s", diff)
				}
				return
			}
			if want == nil || got == nil || want.Error() != got.Error() {
				t.Fatalf("Parse: %v\nparseJSON: %v", want, got)
			}
		})
	}
}

// Whatever the fast path takes, the YAML path reads to the same node tree.
func FuzzReadJSONNodes(f *testing.F) {
	for _, seed := range []string{
		`{"a":"\"\\\b\f\n\r\t\u00e9 <\u003c>","b":[1,-0,2.5e-3,true,null,{}]}`,
		"{\n  \"a\": [\n    1,\n    \"x\"\n  ]\n}\n",
		`{"a":"x\/y"}`, `{"a":1e400}`, `{"a"  :  "b" , "c":{"d":[]}}`, `{"k":"\u0000"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		fast, ok := readJSONNodes(doc)
		if !ok {
			return
		}
		slow, err := ReadText("doc.json", doc)
		if err != nil {
			t.Fatalf("the fast path takes what YAML refuses: %v", err)
		}
		if err := sameNodes(slow, fast, "doc"); err != nil {
			t.Fatal(err)
		}
	})
}

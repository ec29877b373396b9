package indicators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/fixtures"
)

// jsonTree reads valid compact JSON text into a tree to compare: objects as maps by the
// text of their keys (so their order does not count), arrays as slices, every other value
// as its text, byte for byte. It returns the tree and the rest of the text.
func jsonTree(text []byte) (any, []byte, error) {
	switch text[0] {
	case '{', '[':
		obj, arr := map[string]any{}, []any{}
		rest := text[1:]
		for rest[0] != '}' && rest[0] != ']' {
			var key string
			if text[0] == '{' {
				k, after, err := jsonTree(rest)
				if err != nil {
					return nil, nil, err
				}
				key = k.(string) // as written, escapes and all
				if _, dup := obj[key]; dup {
					return nil, nil, fmt.Errorf("key %q twice", key)
				}
				rest = after[1:] // ':'
			}
			v, after, err := jsonTree(rest)
			if err != nil {
				return nil, nil, err
			}
			if text[0] == '{' {
				obj[key] = v
			} else {
				arr = append(arr, v)
			}
			if rest = after; rest[0] == ',' {
				rest = rest[1:]
			}
		}
		if text[0] == '{' {
			return obj, rest[1:], nil
		}
		return arr, rest[1:], nil
	case '"':
		i := 1
		for ; text[i] != '"'; i++ {
			if text[i] == '\\' {
				i++
			}
		}
		return string(text[:i+1]), text[i+1:], nil
	default:
		i := 0
		for i < len(text) && !bytes.ContainsRune([]byte(",]}"), rune(text[i])) {
			i++
		}
		return string(text[:i]), text[i:], nil
	}
}

// sameJSON says how two compact JSON texts differ ("" if not) but for the order of keys:
// the same keys and scalars, each with the same text.
func sameJSON(t *testing.T, want, got []byte) string {
	t.Helper()
	var trees [2]any
	for i, text := range [][]byte{want, got} {
		var c bytes.Buffer
		if err := json.Compact(&c, text); err != nil || !bytes.Equal(c.Bytes(), text) {
			t.Fatalf("not compact JSON (%v): %s", err, text)
		}
		tree, rest, err := jsonTree(text)
		if err != nil || len(rest) > 0 {
			t.Fatalf("%v (%d bytes after the value): %s", err, len(rest), text)
		}
		trees[i] = tree
	}
	return cmp.Diff(trees[0], trees[1])
}

// referenceExpand expands a history file as ExpandHistory did before the tree: every
// year's patch applied by jsonpatch.MergePatch to the bytes of the year before.
func referenceExpand(t *testing.T, data []byte) []historyYear {
	t.Helper()
	var h historyFile
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	var cur []byte
	for i, y := range h.Years {
		if i == 0 {
			cur = y.Bundle
		} else {
			next, err := jsonpatch.MergePatch(cur, y.Patch)
			if err != nil {
				t.Fatalf("years[%d]: %v", i, err)
			}
			cur = next
		}
		h.Years[i].Bundle = cur
	}
	return h.Years
}

// Every year of every shipped history expands to the document jsonpatch.MergePatch gives:
// the first year byte for byte, every later one compact, with every key and every value's
// text the same (jsonpatch puts the keys a patch adds in random order: two of its own
// expansions differ); and the same document every time.
func TestExpandHistoryShipped(t *testing.T) {
	files, err := fs.Glob(fixtures.FS, "world/history/*.history.json")
	if err != nil {
		t.Fatal(err)
	}
	years := shippedYearCount(t)
	for _, file := range files {
		t.Run(path.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := fs.ReadFile(fixtures.FS, file)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := ExpandHistory(file, data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ExpandHistory(file, data)
			if err != nil {
				t.Fatal(err)
			}
			for i, y := range referenceExpand(t, data) {
				got := docs[y.AsOf]
				if !bytes.Equal(got, again[y.AsOf]) {
					t.Fatalf("%s as of %s: two expansions differ", file, y.AsOf)
				}
				if i == 0 {
					if !bytes.Equal(got, y.Bundle) {
						t.Fatalf("%s as of %s: the first year is not the file's bundle", file, y.AsOf)
					}
				} else if d := sameJSON(t, y.Bundle, got); d != "" {
					t.Fatalf("%s as of %s differs from jsonpatch's (-jsonpatch +tree):\n%s", file, y.AsOf, d)
				}
				years.Add(1)
			}
		})
	}
}

// The merge on trees against jsonpatch.MergePatch on bytes, on the cases RFC 7386 names
// and where jsonpatch goes its own way (nulls removed inside arrays of a new value, not
// inside a value that replaces an object), each applied as the second year of a history
// and again as the third (the tree is changed in place).
func TestMergePatchMatchesJSONPatch(t *testing.T) {
	tests := []struct{ name, doc, patch string }{
		{"replace", `{"a":"b"}`, `{"a":"c"}`},
		{"add", `{"a":"b"}`, `{"b":"c"}`},
		{"remove", `{"a":"b","b":"c"}`, `{"a":null}`},
		{"remove absent", `{"a":"b"}`, `{"x":null}`},
		{"array replaced", `{"a":["b"]}`, `{"a":["c","d"]}`},
		{"object by scalar", `{"a":{"b":"c"}}`, `{"a":1}`},
		{"scalar by object, nulls removed", `{"a":1}`, `{"a":{"b":null,"c":{"d":null,"e":2}}}`},
		{"new value, nulls removed in arrays", `{"a":1}`, `{"n":[{"x":null,"y":1},null,[{"z":null}]]}`},
		{"array on array, nulls removed", `{"a":[1]}`, `{"a":[{"x":null,"y":1},null]}`},
		{"array by object's place, nulls kept", `{"a":{"b":1}}`, `{"a":[{"x":null}]}`},
		{"null member replaced", `{"a":null}`, `{"a":{"b":null,"c":1}}`},
		{"nested", `{"a":{"b":{"c":1,"d":2},"e":3},"f":4}`, `{"a":{"b":{"c":null,"g":5},"h":{"i":null}},"f":null}`},
		{"new keys in order", `{"a":1}`, `{"z":1,"b":2,"y":3}`},
		{"escapes", `{"a<b":"x&y\u2028","k\u00e9":{"s":"<"}}`, `{"k\u00e9":{"t":"a>b"},"new\u0026":"\u00e9"}`},
		{"new value, its keys written again", `{"a":1}`, `{"n":{"k\u00e9":{"x\u003c":1}},"m":[{"\u00e9":2}]}`},
		{"numbers kept as written", `{"a":1.0e+2,"b":{"c":-0}}`, `{"b":{"d":1E5,"e":0.10}}`},
		{"white space", "{\n  \"a\" : { \"b\" : [ 1 , 2 ] }\n}", "{ \"a\" : { \"c\" : { \"d\" : null , \"e\" : true } } }"},
		{"empty", `{}`, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each patch is applied twice: the second time to the result of the first.
			file := fmt.Sprintf(`{"format":%q,"iso3":"UKR","years":[{"as_of":"2021-12-31","bundle":%s},{"as_of":"2022-12-31","patch":%s},{"as_of":"2023-12-31","patch":%s}]}`,
				HistoryFormat, tc.doc, tc.patch, tc.patch)
			docs, err := ExpandHistory("UKR.2021-2023.history.json", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			for _, y := range referenceExpand(t, []byte(file))[1:] {
				if d := sameJSON(t, y.Bundle, docs[y.AsOf]); d != "" {
					t.Errorf("%s (-jsonpatch +tree):\n%s", y.AsOf, d)
				}
			}
		})
	}
	// Keys an object has keep their place; new ones follow in the patch's order.
	file := fmt.Sprintf(`{"format":%q,"iso3":"UKR","years":[{"as_of":"2021-12-31","bundle":{"m":1,"a":{"q":1,"p":2}}},{"as_of":"2022-12-31","patch":{"z":1,"a":{"q":3,"c":4,"b":5},"m":null,"b":2}}]}`, HistoryFormat)
	docs, err := ExpandHistory("UKR.2021-2022.history.json", []byte(file))
	if want := `{"a":{"q":3,"p":2,"c":4,"b":5},"z":1,"b":2}`; err != nil || string(docs["2022-12-31"]) != want {
		t.Errorf("got %s (%v), want %s", docs["2022-12-31"], err, want)
	}
}

// A history file is read as json.Unmarshal reads it: every shipped file split where it
// stands, and files of any other shape (keys in another order or case, more keys, escapes,
// a bundle that is not an object) through json.Unmarshal.
func TestReadHistoryFile(t *testing.T) {
	files, err := fs.Glob(fixtures.FS, "world/history/*.history.json")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, file := range files {
		data, err := fs.ReadFile(fixtures.FS, file)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	shipped := len(texts)
	const year = `{"as_of":"2021-12-31","bundle":{"a":1}}`
	for _, y := range []string{
		year,
		`{"as_of":"2021-12-31","patch":{"a":1}}`,
		`{"bundle":{"a":1},"as_of":"2021-12-31"}`,
		`{"as_of":"2021-12-31","Bundle":{"a":1}}`,
		`{"As_Of":"2021-12-31","bundle":{"a":1}}`,
		`{"as_of":"2021-12-31","bundle":{"a":1},"patch":{"b":2}}`,
		`{"as_of":"2021-12-31","bundle":{"a":1},"other":3}`,
		`{"as_of":"2021-12-31","bundle":null}`,
		`{"as_of":"2021-12-31","bundle":"x"}`,
		`{"as_of":"2021-12-31","bundle":[1]}`,
		`{"as_of":"2021\u002d12-31","bundle":{"a":1}}`,
		`{"as_of":"2021-12-31\u00e9","bundle":{"a":1}}`,
		`{"as_of":"2021-12-31"}`,
		`{}`,
		`null`,
		`"x"`,
	} {
		texts = append(texts, `{"format":"f","iso3":"UKR","years":[`+year+`,`+y+`]}`)
	}
	const noYears = `{"format":"f","iso3":"UKR","years":[]}`
	texts = append(texts,
		noYears,
		`{"iso3":"UKR","format":"f","years":[`+year+`]}`,
		`{"FORMAT":"f","iso3":"UKR","years":[`+year+`]}`,
		`{"format":"f","iso3":"UKR","years":[`+year+`],"more":1}`,
		`{"format":"f","iso3":"UKR","years":[`+year+`],"years":[]}`,
		`{"format":"f","iso3":"UK\u0052","years":[`+year+`]}`,
		`{"format":"fé","iso3":"UKR","years":[`+year+`]}`,
		`{"format":1,"iso3":"UKR","years":[`+year+`]}`,
		`{"format":"f","iso3":"UKR","years":{}}`,
		`{"format":"f","iso3":"UKR","years":null}`,
		`{"format":"f","iso3":"UKR"}`,
		`[]`,
	)
	for i, text := range texts {
		compact, err := compactText([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var want historyFile
		wantErr := json.Unmarshal(compact, &want)
		got, gotErr := readHistoryFile(compact)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%.200s: err %v, json.Unmarshal's %v", text, gotErr, wantErr)
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b json.RawMessage) bool { return bytes.Equal(a, b) })); diff != "" {
			t.Errorf("%.200s (-json.Unmarshal +read):\n%s", text, diff)
		}
		if _, split := splitHistoryFile(compact); split != (i < shipped+2 || text == noYears) { // the shipped files, the first two years

			t.Errorf("%.200s: split %v", text, split)
		}
	}
}

// A key twice in an object a patch reaches is an error naming the year (which one counts
// would not be clear; the bundle's YAML reading refuses such a document too).
func TestExpandHistoryDuplicateKey(t *testing.T) {
	file := fmt.Sprintf(`{"format":%q,"iso3":"UKR","years":[{"as_of":"2021-12-31","bundle":{"a":{"b":1,"b":2}}},{"as_of":"2022-12-31","patch":{"a":{"c":1}}}]}`, HistoryFormat)
	_, err := ExpandHistory("x/UKR.2021-2022.history.json", []byte(file))
	if err == nil || !strings.Contains(err.Error(), `x/UKR.2021-2022.history.json: years[1].patch: key "b" twice in an object`) {
		t.Errorf("err = %v", err)
	}
}

// historyLibrary is a library of one history file, and the file's documents by as_of.
func historyLibrary(t *testing.T, file string, data []byte) (*Library, map[string][]byte) {
	t.Helper()
	docs, err := ExpandHistory(file, data)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := OpenLibrary(fstest.MapFS{file: {Data: data}}, "lib")
	if err != nil {
		t.Fatal(err)
	}
	return lib, docs
}

// loadsAsParsed requires the library's UKR bundle as of asOf to load as Parse reads its
// document (the same bundle, or the same error); it returns the entry and Parse's error.
func loadsAsParsed(t *testing.T, lib *Library, docs map[string][]byte, asOf string) (Entry, error) {
	t.Helper()
	e, err := lib.Find("UKR", asOf)
	if err != nil {
		t.Fatal(err)
	}
	want, wantErr := Parse("lib/"+e.Path, docs[asOf])
	got, gotErr := lib.Load(e)
	if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
		t.Fatalf("%s: Load: %v\nParse: %v", asOf, gotErr, wantErr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-Parse +Load):\n%s", asOf, diff)
	}
	return e, wantErr
}

// A history year with a problem is reported as Parse reports its document (lines, paths,
// messages); a year the fast path refuses (an escape YAML lacks) goes to Parse too.
func TestLoadHistoryYearFallback(t *testing.T) {
	good, err := EncodeHistory([]*Bundle{historyBundle(t, "2021-12-31", 3, "a"), historyBundle(t, "2022-12-31", 4, "b"), historyBundle(t, "2023-12-31", 5, "c")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new string
		refused        bool
	}{
		{"good", "", "", false},
		{"value out of range", `"value": 4`, `"value": -99999`, false},
		{"unknown field", `"value": 4`, `"value": 4, "bogus": 1`, false},
		{"refused by the fast path", `"note": "b"`, `"note": "x\/y"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(good, []byte(tc.old)) {
				t.Fatalf("%s not in the history", tc.old)
			}
			data := bytes.Replace(good, []byte(tc.old), []byte(tc.new), 1)
			const file = "UKR.2021-2023.history.json"
			lib, docs := historyLibrary(t, file, data)
			e, wantErr := loadsAsParsed(t, lib, docs, "2022-12-31")
			if (wantErr == nil) != (tc.old == "") {
				t.Errorf("Parse: %v", wantErr)
			}
			h, asOf, err := lib.history(e)
			if err != nil || (h.years[asOf].node == nil) != tc.refused {
				t.Errorf("nodes of the year: %v (%v), want refused %v", h.years[asOf].node, err, tc.refused)
			}
		})
	}
}

// BenchmarkExpandHistory expands every shipped history file (197 countries, about 2,560
// years): what opening the shipped library costs before any bundle is parsed. The
// reference is jsonpatch.MergePatch applied to the bytes of each year before.
func BenchmarkExpandHistory(b *testing.B) {
	files, err := fs.Glob(fixtures.FS, "world/history/*.history.json")
	if err != nil {
		b.Fatal(err)
	}
	data := make([][]byte, len(files))
	for i, f := range files {
		if data[i], err = fs.ReadFile(fixtures.FS, f); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("tree", func(b *testing.B) {
		for b.Loop() {
			for i, f := range files {
				if _, err := ExpandHistory(f, data[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("jsonpatch", func(b *testing.B) {
		for b.Loop() {
			for i := range files {
				var h historyFile
				if err := json.Unmarshal(data[i], &h); err != nil {
					b.Fatal(err)
				}
				cur := []byte(h.Years[0].Bundle)
				for _, y := range h.Years[1:] {
					if cur, err = jsonpatch.MergePatch(cur, y.Patch); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
}

// Whatever object and patch: the second and third year of a history made of them expand to
// what jsonpatch.MergePatch gives, but for the order of the keys a patch adds; or both
// refuse.
func FuzzMergePatch(f *testing.F) {
	for _, seed := range [][2]string{
		{`{"a":{"b":1,"c":[{"d":null}]},"e":"<&>"}`, `{"a":{"b":null,"f":{"g":null,"h":2}},"e":{"i":[null,{"j":null}]}}`},
		{`{"k\u00e9":{"x":1}}`, `{"k\u00e9":{"y":{"\u00e9":"\u2028"}},"z":null}`},
		{"{\n \"a\" : 1.50 }", `{"a":{"b":-0}}`},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	f.Fuzz(func(t *testing.T, doc, patch []byte) {
		for _, d := range [][]byte{doc, patch} {
			if !json.Valid(d) || len(bytes.TrimSpace(d)) == 0 || bytes.TrimSpace(d)[0] != '{' {
				return
			}
		}
		file := fmt.Sprintf(`{"format":%q,"iso3":"UKR","years":[{"as_of":"2021-12-31","bundle":%s},{"as_of":"2022-12-31","patch":%s},{"as_of":"2023-12-31","patch":%s}]}`,
			HistoryFormat, doc, patch, patch)
		docs, err := ExpandHistory("UKR.2021-2023.history.json", []byte(file))
		var h historyFile
		if json.Unmarshal([]byte(file), &h) != nil {
			return
		}
		cur := []byte(h.Years[0].Bundle)
		for _, y := range h.Years[1:] {
			next, refErr := jsonpatch.MergePatch(cur, y.Patch)
			if refErr != nil || hasDuplicateKey(cur) || hasDuplicateKey(y.Patch) {
				return // a key twice: ExpandHistory refuses it where a patch reaches it
			}
			if err != nil {
				t.Fatalf("ExpandHistory: %v; jsonpatch takes it", err)
			}
			if d := sameJSON(t, next, docs[y.AsOf]); d != "" {
				t.Fatalf("%s (-jsonpatch +tree):\n%s", y.AsOf, d)
			}
			cur = next
		}
	})
}

// hasDuplicateKey reports whether an object of JSON text has a key twice.
func hasDuplicateKey(text []byte) bool {
	var c bytes.Buffer
	if json.Compact(&c, text) != nil {
		return true
	}
	_, _, err := jsonTree(c.Bytes())
	return err != nil
}

// The years of a history share the membership entries that did not change, and the library
// decodes each only once; every year still gets exactly what Parse gives for its document,
// whatever order the years are loaded in: a membership year after a bundle's as_of is
// refused in that bundle though a later year loaded before took the same entry, and an
// entry that changed is read anew.
func TestLoadHistoryMembershipMemo(t *testing.T) {
	bundle := func(asOf, wassenaar string) *Bundle {
		return &Bundle{SchemaVersion: SchemaVersion, Country: Country{ISO3: "UKR", NameEN: "Ukraine", NameDE: "Ukraine"}, AsOf: asOf,
			Indices: map[string]Index{"pts": {Value: 3.0, Year: 2020, Provenance: Provenance{Source: "PTS"}}},
			Memberships: map[string]Membership{
				"att":       {Status: "party", Year: 2023, Provenance: Provenance{Source: "UNODA"}},
				"wassenaar": {Status: wassenaar, Provenance: Provenance{Source: "Wassenaar"}},
			},
			Embargoes: []Embargo{}, Evidence: []Evidence{}}
	}
	data, err := EncodeHistory([]*Bundle{bundle("2021-12-31", "party"), bundle("2022-12-31", "party"), bundle("2023-12-31", "party"), bundle("2024-12-31", "not_party")})
	if err != nil {
		t.Fatal(err)
	}
	const file = "UKR.2021-2024.history.json"
	lib, docs := historyLibrary(t, file, data)
	for _, asOf := range []string{"2024-12-31", "2023-12-31", "2022-12-31", "2021-12-31", "2022-12-31", "2023-12-31", "2024-12-31"} {
		if _, wantErr := loadsAsParsed(t, lib, docs, asOf); (wantErr != nil) != (asOf < "2023-12-31") {
			t.Errorf("%s: Parse: %v", asOf, wantErr)
		}
	}
	h, _, err := lib.history(Entry{Path: file + "#2022-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	// Each entry is decoded for the first year (its own tree) and once for the later years
	// that share it: att twice, wassenaar three times (changed in 2024); eight without sharing.
	if n := len(h.memo.memberships); n != 5 {
		t.Errorf("%d membership entries decoded, want 5", n)
	}
}

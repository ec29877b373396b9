package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/valyala/fastjson"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// encodingJSON is how package indicators writes a string: encoding/json, no HTML escaping.
func encodingJSON(t testing.TB, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<&>", "\x00\x01\b\f\n\r\t\x1f\x7f", "\u2028\u2029", "ü€𝄞", "bad \xff\xfe utf-8", "\xe2\x82"} {
		if got, want := appendJSONString(nil, s), encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

// TestAppendJSONStringEveryOffset: each byte or rune that needs care, at every offset of
// the first three 8-byte words and in strings of every length around them, written as
// encoding/json writes it — the eight-bytes-at-a-time scan must stop exactly at it.
func TestAppendJSONStringEveryOffset(t *testing.T) {
	specials := []string{"\x00", "\x1f", "\n", " ", "!", "\"", "#", "[", "\\", "]", "\x7f",
		"\x80", "\xff", "ü", "€", "𝄞", "\u2028", "\u2029", "\xe2\x80", "\xe2\x80\xa7", "<&>"}
	for n := 0; n <= 26; n++ {
		for at := 0; at <= n; at++ {
			for _, sp := range specials {
				s := strings.Repeat("a", at) + sp + strings.Repeat("z", n-at)
				if got, want := appendJSONString(nil, s), encodingJSON(t, s); !bytes.Equal(got, want) {
					t.Fatalf("%q: got %s, want %s", s, got, want)
				}
			}
		}
	}
}

// plainPrefixBytewise is plainPrefix one byte at a time.
func plainPrefixBytewise(w uint64) int {
	for i := range 8 {
		c := byte(w >> (8 * i))
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return i
		}
	}
	return 8
}

// TestPlainPrefix: every pair of byte values at every pair of positions of a word (the
// others plain), so every borrow one flagged byte can pass to a higher one is tried.
func TestPlainPrefix(t *testing.T) {
	const plain = 'a' * lsb
	for p := range 8 {
		for q := p; q < 8; q++ {
			for c := range 256 {
				for d := range 256 {
					w := plain&^(0xff<<(8*p)|0xff<<(8*q)) | uint64(c)<<(8*p) | uint64(d)<<(8*q)
					if q == p {
						w = plain&^(0xff<<(8*p)) | uint64(c)<<(8*p)
					}
					if got, want := plainPrefix(w), plainPrefixBytewise(w); got != want {
						t.Fatalf("plainPrefix(%#016x) = %d, want %d", w, got, want)
					}
				}
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("a\u2028<b>\x00\xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString(nil, s), encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// TestParseCanonical: canonical text is read fast into the value encoding/json (through
// OPA's reader) decodes; anything else is refused, to be read the slow way.
func TestParseCanonical(t *testing.T) {
	for _, in := range []string{
		`{"a":[1,2.5,-0,1e-7,1E+22,true,false,null],"b":{"c":"<&> \u2028 \"q\" é"},"e":[],"o":{}}`,
		`"just a string"`, `12`, `[]`,
	} {
		if !sameParse(t, []byte(in)) {
			t.Errorf("%s: refused", in)
		}
	}
	for _, in := range []string{
		`{"b":1,"a":2}`, `{"a": 1}`, `{"a":1,"a":2}`, `[NaN]`, `[01]`, `[1.]`, `["\u0041"]`, "[\"\xff\"]",
		"[\"a\tb\"]", `["<"]` + " ", `{"a":Infinity}`, `[+1]`,
	} {
		if sameParse(t, []byte(in)) {
			t.Errorf("%s: accepted", in)
		}
	}
}

// sameParse fails t unless parseDiff finds ParseCanonical's decision on data as before; it
// returns whether data was accepted.
func sameParse(t testing.TB, data []byte) bool {
	t.Helper()
	ok, err := parseDiff(data)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// parseDiff checks ParseCanonical against its definition: it accepts data exactly when
// parseCanonicalBefore (the reader as it was before it compared in place: the whole value
// written again and compared with data) does, and then gives the same value, which is also
// the value of OPA's JSON reader. It returns whether data was accepted.
func parseDiff(data []byte) (bool, error) {
	got, ok := ParseCanonical(data)
	want, wantOK := parseCanonicalBefore(data)
	shown := data[:min(len(data), 300)]
	if ok != wantOK {
		return ok, fmt.Errorf("accepted %v, before %v: %q", ok, wantOK, shown)
	}
	if !ok {
		return false, nil
	}
	if Compare(got, want) != 0 || !bytes.Equal(AppendCanonical(nil, got), data) {
		return true, fmt.Errorf("value differs from before's: %q", shown)
	}
	return true, sameAsOPA(got, data)
}

// sameAsOPA checks that v is the value OPA's JSON reader reads from data.
func sameAsOPA(v Value, data []byte) error {
	shown := data[:min(len(data), 300)]
	av, err := ast.ValueFromReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("OPA's reader refuses what ParseCanonical accepts (%v): %q", err, shown)
	}
	fromOPA, err := FromAST(av)
	if err != nil {
		return err
	}
	if Compare(v, fromOPA) != 0 || !bytes.Equal(AppendCanonical(nil, v), AppendCanonical(nil, fromOPA)) {
		return fmt.Errorf("value differs from OPA's reader's: %q", shown)
	}
	return nil
}

// parseCanonicalBefore is ParseCanonical as it was before 2026-12 (fastjson's tree into a
// value, then AppendCanonical of the value compared with data), kept as the definition the
// tests hold the faster reader to.
func parseCanonicalBefore(data []byte) (Value, bool) {
	var p fastjson.Parser
	fv, err := p.ParseBytes(data)
	if err != nil {
		return nil, false
	}
	v, ok := fromFastBefore(fv)
	if !ok || !bytes.Equal(AppendCanonical(nil, v), data) {
		return nil, false
	}
	return v, true
}

func fromFastBefore(v *fastjson.Value) (Value, bool) {
	switch v.Type() {
	case fastjson.TypeNull:
		return Null{}, true
	case fastjson.TypeTrue:
		return Bool(true), true
	case fastjson.TypeFalse:
		return Bool(false), true
	case fastjson.TypeNumber:
		raw := v.MarshalTo(nil)
		if !validNumber(raw) {
			return nil, false
		}
		return Number(raw), true
	case fastjson.TypeString:
		s, err := v.StringBytes()
		if err != nil {
			return nil, false
		}
		return String(s), true
	case fastjson.TypeArray:
		items, _ := v.Array()
		out := NewArray(len(items))
		for _, it := range items {
			e, ok := fromFastBefore(it)
			if !ok {
				return nil, false
			}
			out.elems = append(out.elems, e)
		}
		return out, true
	case fastjson.TypeObject:
		o, _ := v.Object()
		kvs := make([]KV, 0, o.Len())
		ok := true
		o.Visit(func(k []byte, v *fastjson.Value) {
			if !ok {
				return
			}
			var e Value
			if e, ok = fromFastBefore(v); ok {
				kvs = append(kvs, KV{String(k), e})
			}
		})
		if !ok {
			return nil, false
		}
		return ObjectOf(kvs...), true
	}
	return nil, false
}

// canonicalCases are texts ParseCanonical must decide as before: canonical ones and near
// misses of every kind (spacing, key order, duplicate keys, escapes written another way,
// U+2028, invalid UTF-8, numbers in and out of JSON's grammar).
var canonicalCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `""`, `"a"`, `[[]]`, `[{}]`, `{"":{}}`,
	`{"a":1,"b":2}`, `{"a":1,"a":2}`, `{"b":1,"a":2}`, `{"a":1,"b":2,"b":3}`, `{"a":1 ,"b":2}`,
	`{"a":1, "b":2}`, `{"a" :1}`, `{"a": 1}`, ` {}`, `{} `, "{}\n", `[1 ]`, `[ 1]`, `[1,2]`, `[1,,2]`,
	`[1,2,]`, `{"a":1,}`, `{,}`, `[`, `{"a"}`, `{"a":}`, `"`, `"a`, `[1][2]`, `{"a":1}}`,
	// Key order is byte order (of UTF-8), each key once.
	`{"B":1,"a":2}`, `{"a":1,"B":2}`, `{"a":1,"ab":2}`, `{"ab":1,"a":2}`, `{"é":1,"z":2}`,
	`{"z":1,"é":2}`, `{"\uffff":1,"𝄞":2}`, `{"𝄞":1,"\uffff":2}`, "{\"\uffff\":1,\"𝄞\":2}",
	"{\"𝄞\":1,\"\uffff\":2}", `{"a\"b":1,"a\\b":2}`, `{"a\\b":1,"a\"b":2}`,
	`{"a":1,"a\u0000":2}`, `{"a\u0000":1,"a":2}`,
	// Escapes: the writer's (\" \\ \b \f \n \r \t \u00XX lower-case hex, \u2028, \u2029) and others.
	`"\"\\\b\f\n\r\t"`, `"\u0000\u001f\u007f"`, `"\u001F"`, `"\u000a"`, `"\u000A"`, `"\u0008"`,
	`"\/"`, `"/"`, `"\u0041"`, `"\u00e9"`, `"é"`, `"\u2028\u2029"`, "\"\u2028\"", "\"\u2029\"",
	`"\u2027"`, "\"\u2027\"", `"\ud834\udd1e"`, `"𝄞"`, `"\ud834"`, `"\udd1e"`, `"\ud834x"`,
	`"\ud834\u0041"`, `"\ufffd"`, "\"\ufffd\"", `"\x"`, `"\u12"`, `"\u12g4"`, `"\"`, `"\'"`,
	"\"\x7f\"", "\"\x00\"", "\"\x1f\"", "\"a\tb\"", "\"a\nb\"", "\"\xff\"", "\"\xc3\"",
	"\"\xc3\xa9\"", "\"\xed\xa0\x80\"", "\"\xe2\x80\"", "\"\xf4\x90\x80\x80\"", "{\"\xff\":1}",
	"{\"a\tb\":1}", `{"a\tb":1}`, `"<&>"`, `"\u003c"`, `"\u0026"`, `"'"`,
	// Numbers.
	`1`, `-1`, `1.5`, `-1.5`, `1e5`, `1E5`, `1e+5`, `1e-5`, `1E+22`, `0.0`, `-0.0`, `1.0`, `1.50`,
	`100000000000000000000000`, `1e400`, `01`, `-01`, `00`, `1.`, `.5`, `-`, `+1`, `1e`, `1e+`,
	`-.5`, `1.e5`, `0x10`, `NaN`, `Infinity`, `-Infinity`, `inf`, `nan`, `[1e5,-0,0.5]`,
	`{"a":01}`, `{"a":1.}`, `[1,2e]`, `tru`, `nul`, `True`, `NULL`,
}

func TestParseCanonicalAsBefore(t *testing.T) {
	accepted := 0
	for _, c := range canonicalCases {
		if sameParse(t, []byte(c)) {
			accepted++
		}
	}
	if accepted < 40 || accepted > len(canonicalCases)-40 {
		t.Errorf("%d of %d cases accepted: the cases do not test both sides", accepted, len(canonicalCases))
	}
}

// TestParseCanonicalShipped: every shipped bundle of every year, with the evidence register
// merged as recorded decisions have it, is read fast into the value of OPA's JSON reader;
// byte mutations of the Kazakhstan bundle (a byte changed, inserted or deleted at random)
// are decided as before.
func TestParseCanonicalShipped(t *testing.T) {
	sub, err := fs.Sub(fixtures.Evidence, "evidence")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := evidence.Load(sub, "evidence", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	lib = lib.WithEvidence(reg)
	var entries []indicators.Entry
	for _, iso := range lib.Countries() {
		entries = append(entries, lib.Entries(iso)...)
	}
	if len(entries) < 190*13 {
		t.Fatalf("found %d shipped bundles, want the world of every year", len(entries))
	}
	// On every core (ParseCanonical is used concurrently).
	var kaz []byte
	errs := make([]error, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(entries); i = int(next.Add(1)) - 1 {
				b, err := lib.Load(entries[i])
				if err != nil {
					errs[i] = err
					continue
				}
				text, err := b.CanonicalJSON()
				if err != nil {
					errs[i] = err
					continue
				}
				// Canonical: read fast (as before), and as OPA's reader reads it.
				if v, ok := ParseCanonical(text); !ok {
					errs[i] = fmt.Errorf("%s: refused", entries[i].Path)
				} else if err := sameAsOPA(v, text); err != nil {
					errs[i] = fmt.Errorf("%s: %w", entries[i].Path, err)
				}
				if strings.HasPrefix(entries[i].Path, "curated/KAZ") {
					kaz = text // one entry
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if kaz == nil {
		t.Fatal("no curated Kazakhstan bundle")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	insert := []byte(" \t\n\",:{}[]\\/0e.-+aé\xff")
	for range 500 {
		m := bytes.Clone(kaz)
		at := rng.IntN(len(m))
		switch c := insert[rng.IntN(len(insert))]; rng.IntN(3) {
		case 0:
			m[at] = c
		case 1:
			m = slices.Insert(m, at, c)
		default:
			m = slices.Delete(m, at, at+1)
		}
		sameParse(t, m)
	}
}

// TestParseCanonicalSharedBound: a reader keeps at most maxSharedBytes of shared strings
// after a text, however many distinct ones the text had.
func TestParseCanonicalSharedBound(t *testing.T) {
	var text []byte
	text = append(text, '[')
	for i := range 3000 {
		if i > 0 {
			text = append(text, ',')
		}
		text = fmt.Appendf(text, `"%04d%s"`, i, strings.Repeat("x", 996))
	}
	text = append(text, ']')
	r := new(canonicalReader)
	if v, ok := r.read(text); !ok || v.(*Array).Len() != 3000 {
		t.Fatal("not read")
	}
	if r.sharedBytes > maxSharedBytes || len(r.sharedStrings) > maxSharedBytes/1000 {
		t.Errorf("%d strings of %d bytes kept, want at most %d bytes", len(r.sharedStrings), r.sharedBytes, maxSharedBytes)
	}
	if _, ok := r.read([]byte(`["a","b"]`)); !ok || len(r.sharedStrings) != 2 {
		t.Errorf("%d strings kept after the next text, want 2", len(r.sharedStrings))
	}
}

// FuzzParseCanonical: ParseCanonical decides every text as before (make fuzz).
func FuzzParseCanonical(f *testing.F) {
	for _, c := range canonicalCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(`{"as_of":"2026-01-01","country":{"iso3":"KAZ","name_de":"Kasachstan"},"indices":{"a":{"source":"SIPRI Jahrbuch","value":0.5,"year":2024},"b":{"note":"n\u2028\"q\"","source":"SIPRI Jahrbuch","value":"high","year":2023}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameParse(t, data)
	})
}

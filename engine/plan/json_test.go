package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
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
		v, ok := ParseCanonical([]byte(in))
		if !ok {
			t.Errorf("%s: refused", in)
			continue
		}
		av, err := ast.ValueFromReader(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		want, err := FromAST(av)
		if err != nil {
			t.Fatal(err)
		}
		if Compare(v, want) != 0 || !bytes.Equal(AppendCanonical(nil, v), []byte(in)) {
			t.Errorf("%s: read as %s", in, AppendCanonical(nil, v))
		}
	}
	for _, in := range []string{
		`{"b":1,"a":2}`, `{"a": 1}`, `{"a":1,"a":2}`, `[NaN]`, `[01]`, `[1.]`, `["\u0041"]`, "[\"\xff\"]",
		"[\"a\tb\"]", `["<"]` + " ", `{"a":Infinity}`, `[+1]`,
	} {
		if _, ok := ParseCanonical([]byte(in)); ok {
			t.Errorf("%s: accepted", in)
		}
	}
}

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

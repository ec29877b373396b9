package indicators

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// parseJSON is Parse for a JSON document that is expected to be valid (a year of a bundle
// history): it reads the document with encoding/json into the node tree the YAML parser
// would build, without line numbers, and validates that. Only a document that reads and
// validates without a problem is returned from there; anything else goes through Parse, so
// that what is reported (lines, messages) is exactly what Parse reports.
func parseJSON(name string, data []byte) (*Bundle, error) {
	if root, ok := readJSONNodes(data); ok {
		d := &decoder{}
		if b := d.bundle(root); len(d.problems) == 0 {
			return b, nil
		}
	}
	return Parse(name, data)
}

// readJSONNodes reads a JSON document into the yaml.Node tree ReadText would return for it,
// less the line and column numbers and the styles (the decoder reads neither but to report
// a problem). It refuses (false) any document that ReadText might read differently or
// refuse: not plain JSON text, not valid JSON (encoding/json decides), an escape YAML does
// not share, a key YAML would not take as a simple key, a number YAML would not resolve to
// a number, a top level that is not an object.
func readJSONNodes(data []byte) (*yaml.Node, bool) {
	if len(data) > MaxBundleSize || !plainJSONText(data) || !json.Valid(data) {
		return nil, false
	}
	s := &jsonScanner{data: data}
	s.space()
	if s.i >= len(data) || data[s.i] != '{' {
		return nil, false
	}
	return s.value()
}

// jsonScanner walks a document that json.Valid accepted and plainJSONText let through
// (so white space is only spaces and line feeds).
type jsonScanner struct {
	data []byte
	i    int
}

func (s *jsonScanner) space() {
	for s.i < len(s.data) && (s.data[s.i] == ' ' || s.data[s.i] == '\n') {
		s.i++
	}
}

// maxJSONKey bounds the bytes from the end of the previous token to the ':' after a key: the
// YAML scanner takes a key as a simple key only if its ':' follows within 1024 bytes.
const maxJSONKey = 1000

func (s *jsonScanner) value() (*yaml.Node, bool) {
	switch c := s.data[s.i]; {
	case c == '{':
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		s.i++
		for {
			start := s.i
			s.space()
			if s.data[s.i] == '}' {
				s.i++
				return n, true
			}
			key, ok := s.value()
			colon := colonOnSameLine(s.data[s.i:])
			if !ok || colon < 0 || s.i+colon-start > maxJSONKey {
				return nil, false
			}
			s.i += colon + 1
			s.space()
			v, ok := s.value()
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, key, v)
			s.space()
			if s.data[s.i] == ',' {
				s.i++
			}
		}
	case c == '[':
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		s.i++
		for {
			s.space()
			if s.data[s.i] == ']' {
				s.i++
				return n, true
			}
			v, ok := s.value()
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, v)
			s.space()
			if s.data[s.i] == ',' {
				s.i++
			}
		}
	case c == '"':
		start := s.i
		s.i = stringEnd(s.data, s.i) + 1
		raw := s.data[start:s.i]
		escaped := bytes.IndexByte(raw, '\\') >= 0
		v := string(raw[1 : len(raw)-1])
		if escaped {
			var err error
			if v, err = strconv.Unquote(string(raw)); err != nil {
				return nil, false
			}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.DoubleQuotedStyle}, true
	case c == 't' || c == 'f' || c == 'n':
		start := s.i
		for s.i < len(s.data) && s.data[s.i] >= 'a' && s.data[s.i] <= 'z' {
			s.i++
		}
		tag := map[string]string{"true": "!!bool", "false": "!!bool", "null": "!!null"}[string(s.data[start:s.i])]
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(s.data[start:s.i])}, tag != ""
	default:
		start := s.i
		for s.i < len(s.data) && bytes.IndexByte([]byte("+-.eE0123456789"), s.data[s.i]) >= 0 {
			s.i++
		}
		v := string(s.data[start:s.i])
		tag, ok := yamlNumberTag(v)
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}, ok
	}
}

// colonOnSameLine returns the offset of the ':' after a key if only spaces come before it,
// else -1.
func colonOnSameLine(rest []byte) int {
	for i, c := range rest {
		switch c {
		case ' ':
		case ':':
			return i
		default:
			return -1
		}
	}
	return -1
}

// yamlNumberTag is the tag the YAML parser resolves a JSON number to, as its resolver does
// for a plain scalar: !!int if it is a 64-bit integer, else !!float if it parses as a
// float64 (false otherwise: YAML would take it as a string).
func yamlNumberTag(s string) (string, bool) {
	if _, err := strconv.ParseInt(s, 0, 64); err == nil {
		return "!!int", true
	}
	if _, err := strconv.ParseUint(s, 0, 64); err == nil {
		return "!!int", true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return "!!float", true
	}
	return "", false
}

// plainJSONText reports whether data is text both parsers read alike: UTF-8 of characters
// the YAML reader accepts and does not take as line breaks (no tab, carriage return,
// C0/C1 control, DEL, U+2028, U+2029, byte order mark, U+FFFE, U+FFFF), and only the escapes
// JSON and YAML share (\" \\ \b \f \n \r \t \uXXXX outside the surrogates; YAML has no \/).
func plainJSONText(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\\':
			if i+1 >= len(data) {
				return false
			}
			switch data[i+1] {
			case '"', '\\', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(data) || surrogateEscape(data[i+2:i+4]) {
					return false
				}
				i += 6
			default:
				return false
			}
			continue
		case c == '\n' || c >= 0x20 && c < 0x7f:
			i++
			continue
		case c < 0x80:
			return false
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false
		}
		i += size
	}
	return true
}

// surrogateEscape reports whether the first two hex digits of a \u escape start a UTF-16
// surrogate (D800-DFFF), which YAML refuses and JSON combines.
func surrogateEscape(hex []byte) bool {
	return (hex[0] == 'd' || hex[0] == 'D') && bytes.IndexByte([]byte("89abAB"), hex[1]) >= 0
}

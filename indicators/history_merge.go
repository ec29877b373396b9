package indicators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Expanding a history applies each year's JSON Merge Patch (RFC 7386) to the year before,
// held as a tree: the objects a patch reaches are opened into their members, in order,
// and every other value is kept as its compact JSON text. Each year's document is the
// tree written out; a patch costs what it changes, not a decoding of the whole year.
// No JSON library applies merge patches to a tree that keeps the order of keys and the
// text of every value (github.com/evanphx/json-patch, which writes the patches, works on
// bytes and decodes the whole document for every patch), hence this small merge.
//
// The documents are those jsonpatch.MergePatch writes, applied year after year (a test
// compares them on every shipped history): compact, with '<', '>', '&', U+2028 and U+2029
// escaped as encoding/json escapes them; keys an object already has keep their place,
// new keys follow in the patch's order (jsonpatch adds them in Go's random map order);
// a value set where there was none or no object has the nulls of its objects removed,
// at any depth, arrays included, as jsonpatch does.

// mergeValue is a JSON value of a history being expanded: an object a patch reached, as
// its members (a nil member is JSON null), or any other value as compact text.
type mergeValue struct {
	text    []byte // nil for an opened object
	keys    []string
	members []*mergeValue

	// The node tree readJSONNodes would read the value into (see yamlNode), kept for the
	// value's text, for an opened object until a patch reaches it again, and for the keys
	// of an opened object: the years share what they share.
	node     *yaml.Node
	refused  bool
	keyNodes []*yaml.Node
}

// compactText returns JSON text compact and escaped as jsonpatch writes it.
func compactText(text []byte) ([]byte, error) {
	var c, out bytes.Buffer
	if err := json.Compact(&c, text); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc([]byte("<>&"), func(b byte) bool { return bytes.IndexByte(c.Bytes(), b) >= 0 }) &&
		!bytes.Contains(c.Bytes(), []byte("\u2028")) && !bytes.Contains(c.Bytes(), []byte("\u2029")) {
		return c.Bytes(), nil // nothing HTMLEscape would escape
	}
	json.HTMLEscape(&out, c.Bytes())
	return out.Bytes(), nil
}

// isObject opens v if it is an object (an error for an object with a key twice: which
// one counts would not be clear).
func (v *mergeValue) isObject() (bool, error) {
	if v == nil {
		return false, nil
	}
	if v.text == nil {
		return true, nil
	}
	if v.text[0] != '{' {
		return false, nil
	}
	keys, members := elements(v.text)
	v.keys = make([]string, len(keys))
	v.members = make([]*mergeValue, len(members))
	for i, k := range keys {
		key, err := decodeKey(k)
		if err != nil {
			return false, err
		}
		if slices.Contains(v.keys[:i], key) {
			return false, fmt.Errorf("key %q twice in an object", key)
		}
		v.keys[i], v.members[i] = key, textValue(members[i])
	}
	v.text, v.node, v.keyNodes = nil, nil, make([]*yaml.Node, len(keys))
	return true, nil
}

// elements splits compact JSON text of an object or an array (valid: a history file's
// document, compacted) into its keys (for an object) and values, each as its text.
func elements(text []byte) (keys, values [][]byte) {
	for i := 1; text[i] != '}' && text[i] != ']'; {
		if text[0] == '{' {
			end := skipJSON(text, i)
			keys = append(keys, text[i:end])
			i = end + 1 // the colon
		}
		end := skipJSON(text, i)
		values = append(values, text[i:end])
		if i = end; text[i] == ',' {
			i++
		}
	}
	return keys, values
}

// skipJSON returns the end of the value of compact JSON text that starts at i.
func skipJSON(text []byte, i int) int {
	depth := 0
	for ; ; i++ {
		switch text[i] {
		case '"':
			i = stringEnd(text, i)
		case '{', '[':
			depth++
			continue
		case '}', ']':
			depth--
		default:
			if depth == 0 && (text[i+1] == ',' || text[i+1] == '}' || text[i+1] == ']') {
				return i + 1
			}
			continue
		}
		if depth == 0 {
			return i + 1
		}
	}
}

// stringEnd returns the index of the quote that ends the JSON string starting at i (valid
// text): the first quote after it not escaped, that is after an even run of backslashes.
func stringEnd(text []byte, i int) int {
	for {
		i += 1 + bytes.IndexByte(text[i+1:], '"')
		backslashes := 0
		for text[i-1-backslashes] == '\\' {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
	}
}

// decodeKey returns the string a key's JSON text stands for.
func decodeKey(text []byte) (string, error) {
	for _, c := range text[1 : len(text)-1] {
		if c == '\\' || c >= 0x80 {
			var key string
			err := json.Unmarshal(text, &key)
			return key, err
		}
	}
	return string(text[1 : len(text)-1]), nil
}

// textValue is compact JSON text as a value (nil for null).
func textValue(text []byte) *mergeValue {
	if string(text) == "null" {
		return nil
	}
	return &mergeValue{text: text}
}

// mergePatch applies patch to target and returns the result; target's opened objects are
// changed in place.
func mergePatch(target, patch *mergeValue) (*mergeValue, error) {
	if ok, err := target.isObject(); err != nil {
		return nil, err
	} else if !ok {
		return withoutNulls(patch)
	}
	if ok, err := patch.isObject(); err != nil || !ok {
		return patch, err
	}
	target.node = nil // the patch reaches it: its node is made again
	for i, key := range patch.keys {
		p := patch.members[i]
		at := slices.Index(target.keys, key)
		switch {
		case p == nil && at >= 0:
			target.keys = slices.Delete(target.keys, at, at+1)
			target.members = slices.Delete(target.members, at, at+1)
			target.keyNodes = slices.Delete(target.keyNodes, at, at+1)
		case p == nil:
		case at < 0:
			m, err := withoutNulls(p)
			if err != nil {
				return nil, err
			}
			target.keys = append(target.keys, key)
			target.members = append(target.members, m)
			target.keyNodes = append(target.keyNodes, nil)
		default:
			m, err := mergePatch(target.members[at], p)
			if err != nil {
				return nil, err
			}
			target.members[at] = m
		}
	}
	return target, nil
}

// withoutNulls returns v without the null members of its objects, at any depth (arrays
// included), their keys written as encoding/json writes them. Text without null, escapes
// and non-ASCII stays as it is.
func withoutNulls(v *mergeValue) (*mergeValue, error) {
	if v == nil || v.text == nil || !bytes.Contains(v.text, []byte("null")) && !slices.ContainsFunc(v.text, func(c byte) bool { return c == '\\' || c >= 0x80 }) {
		return v, nil // (a byte from 0x80 starts every character beyond ASCII and is every invalid byte)
	}
	var out bytes.Buffer
	if err := writeWithoutNulls(&out, v.text); err != nil {
		return nil, err
	}
	return &mergeValue{text: out.Bytes()}, nil
}

// writeWithoutNulls writes compact JSON text without the null members of its objects;
// the keys of those objects as encoding/json writes them, every other value as its text.
func writeWithoutNulls(out *bytes.Buffer, text []byte) error {
	if text[0] != '{' && text[0] != '[' {
		out.Write(text)
		return nil
	}
	keys, values := elements(text)
	out.WriteByte(text[0])
	n := 0
	for i, v := range values {
		if keys != nil && string(v) == "null" {
			continue
		}
		if n++; n > 1 {
			out.WriteByte(',')
		}
		if keys != nil {
			key, err := decodeKey(keys[i])
			if err != nil {
				return err
			}
			writeKey(out, key)
			out.WriteByte(':')
		}
		if err := writeWithoutNulls(out, v); err != nil {
			return err
		}
	}
	if text[0] == '{' {
		out.WriteByte('}')
	} else {
		out.WriteByte(']')
	}
	return nil
}

// writeKey writes an object key as jsonpatch does: as encoding/json did before Go 1.22,
// which wrote \b and \f as \u0008 and \u000c.
func writeKey(out *bytes.Buffer, key string) {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(key) // a string always encodes
			for i := 0; i < len(b); i++ {
				switch {
				case b[i] != '\\':
					out.WriteByte(b[i])
				case b[i+1] == 'b':
					out.WriteString(`\u0008`)
				case b[i+1] == 'f':
					out.WriteString(`\u000c`)
				default:
					out.Write(b[i : i+2])
				}
				if b[i] == '\\' {
					i++
				}
			}
			return
		}
	}
	out.WriteByte('"')
	out.WriteString(key)
	out.WriteByte('"')
}

// write writes v as compact JSON text.
func (v *mergeValue) write(out *bytes.Buffer) {
	switch {
	case v == nil:
		out.WriteString("null")
	case v.text != nil:
		out.Write(v.text)
	default:
		out.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				out.WriteByte(',')
			}
			writeKey(out, k)
			out.WriteByte(':')
			v.members[i].write(out)
		}
		out.WriteByte('}')
	}
}

// yamlNode returns the node tree readJSONNodes reads the value's text into, or false where
// it would refuse the text. The text of a year is the values' texts and the opened
// objects' keys joined by JSON's punctuation, and readJSONNodes checks each token alone
// (plain JSON text, a key's length up to its colon, a number YAML reads as one), so the
// parts give the whole: the years share the nodes of the values they share. Nodes are
// read, never changed.
func (v *mergeValue) yamlNode() (*yaml.Node, bool) {
	switch {
	case v == nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, true
	case v.text != nil:
		if v.node == nil && !v.refused {
			v.node, v.refused = readJSONToken(v.text)
		}
		return v.node, !v.refused
	case v.node != nil:
		return v.node, true
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: make([]*yaml.Node, 0, 2*len(v.keys))}
	for i, key := range v.keys {
		if v.keyNodes[i] == nil {
			var text bytes.Buffer
			writeKey(&text, key)
			k, refused := readJSONToken(text.Bytes())
			if refused || text.Len() > maxJSONKey {
				return nil, false
			}
			v.keyNodes[i] = k
		}
		m, ok := v.members[i].yamlNode()
		if !ok {
			return nil, false
		}
		n.Content = append(n.Content, v.keyNodes[i], m)
	}
	v.node = n
	return n, true
}

// readJSONToken reads one compact JSON value as readJSONNodes reads it inside a document
// (refused: readJSONNodes would refuse a document with it).
func readJSONToken(text []byte) (n *yaml.Node, refused bool) {
	if !plainJSONText(text) {
		return nil, true
	}
	s := &jsonScanner{data: text}
	n, ok := s.value()
	return n, !ok || s.i != len(text)
}

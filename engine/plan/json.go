package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// AppendCanonical appends the canonical JSON of v as package indicators writes it
// (encoding/json without HTML escaping, object keys sorted, no white space, numbers as
// they are written). Sets are written as arrays.
func AppendCanonical(b []byte, v Value) []byte { return appendValue(b, v, false) }

// AppendJSON appends the JSON text of v as encoding/json writes it (HTML escaping on):
// object keys and set elements in sorted order (sets as arrays), numbers as they are
// written. Object keys that are not strings are written as their JSON text in a string, as
// ast.JSON does for them.
func AppendJSON(b []byte, v Value) []byte { return appendValue(b, v, true) }

// appendValue writes v for AppendCanonical (html false) and AppendJSON (html true): the two
// differ only in how strings are escaped.
func appendValue(b []byte, v Value, html bool) []byte {
	switch x := v.(type) {
	case Null:
		return append(b, "null"...)
	case Bool:
		return strconv.AppendBool(b, bool(x))
	case Number:
		return append(b, x...)
	case String:
		return appendStringAs(b, string(x), html)
	case *Array:
		return appendListAs(b, x.elems, html)
	case *Set:
		return appendListAs(b, x.elems, html)
	case *Object:
		b = append(b, '{')
		for i, kv := range x.kvs {
			if i > 0 {
				b = append(b, ',')
			}
			k, ok := kv.Key.(String)
			if !ok {
				k = String(appendValue(nil, kv.Key, html))
			}
			b = appendStringAs(b, string(k), html)
			b = append(b, ':')
			b = appendValue(b, kv.Value, html)
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("plan: JSON of %T", v))
}

func appendListAs(b []byte, elems []Value, html bool) []byte {
	b = append(b, '[')
	for i, e := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendValue(b, e, html)
	}
	return append(b, ']')
}

// AppendString appends s as a JSON string as AppendCanonical writes strings (encoding/json
// without HTML escaping; invalid UTF-8 as \ufffd).
func AppendString(b []byte, s string) []byte { return appendJSONString(b, s) }

// appendStringAs writes s as a JSON string: with HTML escaping as encoding/json's Marshal
// does, or without (appendJSONString).
func appendStringAs(b []byte, s string, html bool) []byte {
	if !html {
		return appendJSONString(b, s)
	}
	q, _ := json.Marshal(s)
	return append(b, q...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as encoding/json does with HTML escaping off: quotes,
// backslashes and control characters escaped, U+2028 and U+2029 escaped, invalid UTF-8 as
// \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; ; {
		j := plainEnd(s, i)
		b = append(b, s[i:j]...)
		if j == len(s) {
			break
		}
		if c := s[j]; c < utf8.RuneSelf {
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i = j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else { // U+2028 or U+2029
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		}
		i = j + size
	}
	return append(b, '"')
}

// plainEnd returns where the run of s from i that appendJSONString writes as it is ends:
// at the first quote, backslash, control character, invalid UTF-8 byte, U+2028 or U+2029
// (or at the end).
func plainEnd(s string, i int) int {
	for i < len(s) {
		// Plain runs, eight bytes at a time: skip to the first byte that may need
		// escaping (see plainPrefix); that byte and the rest take the byte-wise path.
		for i+8 <= len(s) {
			w := s[i : i+8] // one bounds check; the eight loads below become one
			n := plainPrefix(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 |
				uint64(w[3])<<24 | uint64(w[4])<<32 | uint64(w[5])<<40 |
				uint64(w[6])<<48 | uint64(w[7])<<56)
			i += n
			if n < 8 {
				break
			}
		}
		if i >= len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return i
		}
		i += size
	}
	return len(s)
}

const (
	lsb = 0x0101010101010101 // 0x01 in every byte
	msb = 0x8080808080808080 // 0x80 in every byte
)

// plainPrefix reports how many of the eight bytes of w (the first in the low byte) are
// written as they are from the start: ASCII from 0x20 up, other than '"' and '\\'. A byte
// is flagged (its top bit set in the mask) if it is ≥ 0x80, below 0x20, '"' or '\\'. The
// tests "below n" (x - n·lsb) &^ x & msb and "equal" (below 1 after XOR) can flag a byte
// wrongly only through a borrow out of a lower byte that is itself flagged rightly, so the
// lowest flag is always a real one.
func plainPrefix(w uint64) int {
	quote := w ^ ('"' * lsb)      // zero bytes where w has '"'
	backslash := w ^ ('\\' * lsb) // zero bytes where w has '\\'
	mask := (w - 0x20*lsb) &^ w   // bytes below 0x20
	mask |= (quote - lsb) &^ quote
	mask |= (backslash - lsb) &^ backslash
	mask = (mask | w) & msb // and bytes from 0x80 up
	return bits.TrailingZeros64(mask) / 8
}

// ParseCanonical reads canonical JSON (as AppendCanonical writes it) into a value, fast.
// It reports false for anything else (other key order or spacing, duplicate keys, escapes
// written differently, invalid UTF-8, numbers outside JSON's grammar): the caller then
// reads the text the slow way, so that the value is always the one encoding/json decodes.
//
// fastjson tokenises the text; the reader then walks its tree and compares, piece by piece,
// what AppendCanonical would write for the value with the text at the same place (no copy of
// the text is written): the value is accepted only if the text is exactly its canonical
// JSON, as a whole rewrite and comparison would decide (TestParseCanonicalAsBefore). The
// value does not share memory with data or the parser. Strings and numbers are boxed once
// and shared between the values of the texts a pooled reader reads (they recur: object
// keys, sources, URLs, notes, dates; a String or Number cannot be modified); a text's
// objects and arrays are cut from four allocations.
func ParseCanonical(data []byte) (Value, bool) {
	r := readers.Get().(*canonicalReader)
	defer readers.Put(r)
	return r.read(data)
}

// read is ParseCanonical with reader r.
func (r *canonicalReader) read(data []byte) (Value, bool) {
	fv, err := r.p.ParseBytes(data)
	if err != nil {
		return nil, false
	}
	r.start(data, fv)
	v := r.value(fv)
	ok := r.ok && r.pos == len(data)
	r.start(nil, nil) // keep neither the text nor its objects in the pool
	if !ok {
		return nil, false
	}
	return v, true
}

var readers = sync.Pool{New: func() any { return new(canonicalReader) }}

// Shared strings and numbers: those of at most maxSharedLen bytes; a reader keeps at most
// maxSharedBytes of them after a text (more, and the tables start afresh).
const (
	maxSharedLen   = 1024
	maxSharedBytes = 1 << 20
)

// keyHint is a plain string and its value.
type keyHint struct {
	s string
	v Value
}

// maxKeyHints is the number of key positions canonicalReader.key remembers.
const maxKeyHints = 32

// canonicalReader is ParseCanonical's state; a pool keeps the parser and the tables of
// shared strings and numbers between texts.
type canonicalReader struct {
	p             fastjson.Parser
	sharedStrings map[string]Value // plain strings (written as they are), boxed
	sharedNumbers map[string]Value
	sharedBytes   int
	keyHints      []keyHint // the last plain key at each position of an object
	scratch       []byte

	// Per text.
	data []byte
	pos  int // where the next value's canonical JSON must start in data
	ok   bool
	// The text's objects and arrays and their elements, allocated together (start) and
	// cut in order (cut).
	objs   []Object
	kvs    []KV
	arrays []Array
	elems  []Value
}

// start prepares reading data, whose fastjson tree is v (nil: forget the last text).
func (r *canonicalReader) start(data []byte, v *fastjson.Value) {
	r.data, r.pos, r.ok = data, 0, true
	r.objs, r.kvs, r.arrays, r.elems = nil, nil, nil, nil
	if v != nil {
		var n blockSizes
		n.count(v)
		r.objs, r.kvs = make([]Object, n.objs), make([]KV, n.kvs)
		r.arrays, r.elems = make([]Array, n.arrays), make([]Value, n.elems)
	}
	if r.sharedStrings == nil || r.sharedBytes > maxSharedBytes {
		r.sharedStrings, r.sharedNumbers, r.sharedBytes = map[string]Value{}, map[string]Value{}, 0
	}
}

// blockSizes counts the objects, keys, arrays and elements of a text.
type blockSizes struct{ objs, kvs, arrays, elems int }

func (n *blockSizes) count(v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeArray:
		items, _ := v.Array()
		n.arrays++
		n.elems += len(items)
		for _, it := range items {
			n.count(it)
		}
	case fastjson.TypeObject:
		o, _ := v.Object()
		n.objs++
		n.kvs += o.Len()
		o.Visit(func(_ []byte, v *fastjson.Value) { n.count(v) })
	}
}

// cut cuts the next n elements from a block start allocated. The slice's capacity is n,
// so appending to it copies instead of writing into the block.
func cut[T any](block *[]T, n int) []T {
	b := *block
	*block = b[n:]
	return b[:n:n]
}

// expect checks that data continues with b at pos and moves past it.
func (r *canonicalReader) expect(b byte) {
	if r.pos < len(r.data) && r.data[r.pos] == b {
		r.pos++
		return
	}
	r.ok = false
}

// expectText checks that data continues with s at pos and moves past it.
func (r *canonicalReader) expectText(s []byte) {
	if len(r.data)-r.pos >= len(s) && bytes.Equal(r.data[r.pos:r.pos+len(s)], s) {
		r.pos += len(s)
		return
	}
	r.ok = false
}

// expectString checks that data continues with s between quotes and moves past it.
func (r *canonicalReader) expectString(s []byte) {
	end := r.pos + 1 + len(s)
	if end < len(r.data) && r.data[r.pos] == '"' && bytes.Equal(r.data[r.pos+1:end], s) && r.data[end] == '"' {
		r.pos = end + 1
		return
	}
	r.ok = false
}

func (r *canonicalReader) value(v *fastjson.Value) Value {
	switch v.Type() {
	case fastjson.TypeNull:
		r.expectText([]byte("null"))
		return Null{}
	case fastjson.TypeTrue:
		r.expectText([]byte("true"))
		return Bool(true)
	case fastjson.TypeFalse:
		r.expectText([]byte("false"))
		return Bool(false)
	case fastjson.TypeNumber:
		r.scratch = v.MarshalTo(r.scratch[:0]) // the number's text as written
		if !validNumber(r.scratch) {
			r.ok = false
			return nil
		}
		r.expectText(r.scratch)
		if n, ok := r.sharedNumbers[string(r.scratch)]; ok {
			return n
		}
		n := Value(Number(r.scratch))
		if len(r.scratch) <= maxSharedLen {
			r.sharedNumbers[string(n.(Number))] = n
			r.sharedBytes += len(r.scratch)
		}
		return n
	case fastjson.TypeString:
		s, err := v.StringBytes()
		if err != nil {
			r.ok = false
			return nil
		}
		v, _ := r.string(s)
		return v
	case fastjson.TypeArray:
		items, _ := v.Array()
		a := &cut(&r.arrays, 1)[0]
		a.elems = cut(&r.elems, len(items))
		r.expect('[')
		for i, it := range items {
			if i > 0 {
				r.expect(',')
			}
			if a.elems[i] = r.value(it); !r.ok {
				return nil
			}
		}
		r.expect(']')
		return a
	case fastjson.TypeObject:
		fo, _ := v.Object()
		o := &cut(&r.objs, 1)[0]
		o.kvs = cut(&r.kvs, fo.Len())
		r.expect('{')
		i := 0
		var prev []byte
		fo.Visit(func(k []byte, v *fastjson.Value) {
			if !r.ok {
				return
			}
			if i > 0 {
				// Canonical keys are in ascending byte order (Compare's order of
				// strings), each once.
				if bytes.Compare(prev, k) >= 0 {
					r.ok = false
					return
				}
				r.expect(',')
			}
			prev = k
			o.kvs[i].Key = r.key(i, k)
			r.expect(':')
			o.kvs[i].Value = r.value(v)
			i++
		})
		r.expect('}')
		if !r.ok {
			return nil
		}
		return o
	}
	r.ok = false
	return nil
}

// key is string for the i-th key of an object. Objects of one kind have the same keys in
// the same order, so the i-th key is most often the previous object's i-th key (compared
// before looking the key up; for the first maxKeyHints keys).
func (r *canonicalReader) key(i int, k []byte) Value {
	if i >= maxKeyHints {
		v, _ := r.string(k)
		return v
	}
	if i == len(r.keyHints) {
		r.keyHints = append(r.keyHints, keyHint{})
	}
	if h := r.keyHints[i]; h.s == string(k) && h.v != nil {
		r.expectString(k)
		return h.v
	}
	v, plain := r.string(k)
	if plain {
		r.keyHints[i] = keyHint{string(v.(String)), v}
	}
	return v
}

// string checks that data continues with the canonical JSON of s and returns s's value, and
// whether s is plain (written as it is, between quotes).
func (r *canonicalReader) string(s []byte) (Value, bool) {
	shared := len(s) <= maxSharedLen
	if shared {
		if v, ok := r.sharedStrings[string(s)]; ok {
			// Shared strings are plain.
			r.expectString(s)
			return v, true
		}
	}
	str := string(s)
	if plainEnd(str, 0) == len(str) {
		r.expectString(s)
		v := Value(String(str))
		if shared {
			r.sharedStrings[str] = v
			r.sharedBytes += len(str)
		}
		return v, true
	}
	r.scratch = appendJSONString(r.scratch[:0], str)
	r.expectText(r.scratch)
	return String(str), false
}

// validNumber reports whether s is a number in JSON's grammar.
func validNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}

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
	start := 0
	for i := 0; i < len(s); {
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
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
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
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
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

var parsers fastjson.ParserPool

var canonicalBuf = sync.Pool{New: func() any { return new([]byte) }}

// ParseCanonical reads canonical JSON (as AppendCanonical writes it) into a value, fast.
// It reports false for anything else (other key order or spacing, duplicate keys, escapes
// written differently, invalid UTF-8, numbers outside JSON's grammar): the caller then
// reads the text the slow way, so that the value is always the one encoding/json decodes.
func ParseCanonical(data []byte) (Value, bool) {
	p := parsers.Get()
	defer parsers.Put(p)
	fv, err := p.ParseBytes(data)
	if err != nil {
		return nil, false
	}
	v, ok := fromFast(fv)
	if !ok {
		return nil, false
	}
	buf := canonicalBuf.Get().(*[]byte)
	*buf = AppendCanonical((*buf)[:0], v)
	same := bytes.Equal(*buf, data)
	canonicalBuf.Put(buf)
	if !same {
		return nil, false
	}
	return v, true
}

func fromFast(v *fastjson.Value) (Value, bool) {
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
			e, ok := fromFast(it)
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
			if e, ok = fromFast(v); ok {
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

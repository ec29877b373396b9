package indicators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// Canonicalize encodes any JSON-marshalable value canonically (see Bundle.CanonicalJSON).
// It encodes v once (no HTML escaping) and sorts the object keys of that text, as
// encoding/json sorts map keys. The result is byte for byte that of canonicalReference,
// which decodes the encoding into maps and encodes it again, only several times faster;
// the tests compare the two. The one case where the texts would differ, a string with
// invalid UTF-8, falls back to canonicalReference.
func Canonicalize(v any) ([]byte, error) {
	buf := encodeBuffers.Get().(*bytes.Buffer)
	defer encodeBuffers.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	src := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if bytes.Contains(src, []byte(`\ufffd`)) {
		return canonicalReference(v)
	}
	c := &canonicalizer{src: src, out: make([]byte, 0, len(src))}
	if err := c.value(); err != nil || c.i != len(src) {
		return canonicalReference(v) // not expected: encoding/json wrote it
	}
	return c.out, nil
}

var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// canonicalizer copies compact JSON written by encoding/json from src to out, with the
// members of every object sorted by their (unescaped) keys, as encoding/json sorts map
// keys.
type canonicalizer struct {
	src     []byte
	i       int
	out     []byte
	scratch []byte
	members []member // a stack: the members of the objects being read
}

type member struct {
	key        []byte // unescaped, for sorting (a part of src unless the key has escapes)
	start, end int    // of `"key":value` in out
}

func (c *canonicalizer) value() error {
	if c.i >= len(c.src) {
		return errTruncated
	}
	switch c.src[c.i] {
	case '{':
		return c.object()
	case '[':
		c.out = append(c.out, '[')
		c.i++
		for first := true; ; first = false {
			if c.i >= len(c.src) {
				return errTruncated
			}
			if c.src[c.i] == ']' {
				c.i++
				c.out = append(c.out, ']')
				return nil
			}
			if !first {
				if c.src[c.i] != ',' {
					return errUnexpected
				}
				c.i++
				c.out = append(c.out, ',')
			}
			if err := c.value(); err != nil {
				return err
			}
		}
	case '"':
		start := c.i
		if err := c.skipString(); err != nil {
			return err
		}
		c.out = append(c.out, c.src[start:c.i]...)
		return nil
	default: // number, true, false, null
		start := c.i
	scan:
		for ; c.i < len(c.src); c.i++ {
			switch c.src[c.i] {
			case ',', ']', '}':
				break scan
			}
		}
		c.out = append(c.out, c.src[start:c.i]...)
		return nil
	}
}

func (c *canonicalizer) object() error {
	c.i++ // '{'
	c.out = append(c.out, '{')
	region := len(c.out)
	// Members of nested objects are stacked above this object's in c.members.
	base := len(c.members)
	defer func() { c.members = c.members[:base] }()
	sorted := true
	count := 0
	for first := true; ; first = false {
		if c.i >= len(c.src) {
			return errTruncated
		}
		if c.src[c.i] == '}' {
			c.i++
			break
		}
		if !first {
			if c.src[c.i] != ',' {
				return errUnexpected
			}
			c.i++
		}
		ks := c.i
		if err := c.skipString(); err != nil {
			return err
		}
		rawKey := c.src[ks:c.i]
		key, err := unescapeKey(rawKey)
		if err != nil {
			return err
		}
		if c.i >= len(c.src) || c.src[c.i] != ':' {
			return errUnexpected
		}
		c.i++
		m := member{key: key, start: len(c.out)}
		c.out = append(c.out, rawKey...)
		c.out = append(c.out, ':')
		if err := c.value(); err != nil {
			return err
		}
		m.end = len(c.out)
		c.members = c.members[:base+count]
		if count > 0 && bytes.Compare(c.members[len(c.members)-1].key, key) >= 0 {
			sorted = false
		}
		c.members = append(c.members, m)
		count++
	}
	members := c.members[base : base+count]
	if !sorted {
		slices.SortFunc(members, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	}
	// Write the members back in order, with commas.
	c.scratch = append(c.scratch[:0], c.out[region:]...)
	c.out = c.out[:region]
	for k, m := range members {
		if k > 0 {
			c.out = append(c.out, ',')
		}
		c.out = append(c.out, c.scratch[m.start-region:m.end-region]...)
	}
	c.out = append(c.out, '}')
	return nil
}

// skipString moves past the string that starts at c.i.
func (c *canonicalizer) skipString() error {
	c.i++ // '"'
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case '\\':
			c.i += 2
		case '"':
			c.i++
			return nil
		default:
			c.i++
		}
	}
	return errTruncated
}

// unescapeKey returns the text of a key as encoding/json compares map keys.
func unescapeKey(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

var (
	errTruncated  = fmt.Errorf("canonical json: truncated")
	errUnexpected = fmt.Errorf("canonical json: unexpected character")
)

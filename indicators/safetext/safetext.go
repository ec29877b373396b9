// Package safetext keeps text that reaches a terminal honest: Check refuses control
// characters, ANSI escapes, bidirectional overrides and over-long values where text enters
// the tool (bundles, flags, API fields); Writer shows any that are already stored (records
// written before the check existed) as visible \uXXXX escapes instead of passing them to
// the terminal.
package safetext

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// Mode says which layout characters a value may hold.
type Mode int

const (
	// Line is a one-line value (a name, a case reference): no line break or tab.
	Line Mode = iota
	// Text is prose that may span lines: line feeds and tabs are allowed.
	Text
)

// Problem is why a value was refused; Error names the first offending character.
type Problem struct {
	Rune   rune // the offending character (utf8.RuneError for invalid UTF-8)
	Offset int  // its byte offset
	Len    int  // the value's length in characters, when too long
	Max    int
}

func (p *Problem) Error() string {
	switch {
	case p.Max > 0:
		return fmt.Sprintf("longer than %d characters (got %d)", p.Max, p.Len)
	case p.Rune == utf8.RuneError:
		return fmt.Sprintf("not valid UTF-8 (byte %d)", p.Offset)
	case isBidi(p.Rune):
		return fmt.Sprintf("bidirectional control character U+%04X at byte %d is not allowed (it can make text read differently from what is stored)", p.Rune, p.Offset)
	case p.Rune == 0x1b:
		return fmt.Sprintf("escape character (ESC, U+001B) at byte %d is not allowed (terminal control sequences)", p.Offset)
	}
	return fmt.Sprintf("control character U+%04X at byte %d is not allowed", p.Rune, p.Offset)
}

// Check returns a *Problem if s holds a character a terminal or a reader could be misled
// by (see Unsafe), is not valid UTF-8, or is longer than max characters (max <= 0: no limit).
func Check(s string, mode Mode, max int) error {
	n := 0
	for i, r := range s {
		n++
		if r >= 0x20 && r < 0x7f {
			continue // printable ASCII: safe
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return &Problem{Rune: utf8.RuneError, Offset: i}
			}
		}
		if Unsafe(r) && !(mode == Text && (r == '\n' || r == '\t')) {
			return &Problem{Rune: r, Offset: i}
		}
	}
	if max > 0 && n > max {
		return &Problem{Len: n, Max: max}
	}
	return nil
}

// Unsafe reports whether r must not reach a terminal raw: C0 and C1 control characters
// (ESC starts ANSI sequences, CR rewrites a line) and DEL, bidirectional controls
// (U+202E reverses the text that follows), line and paragraph separators.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return isBidi(r)
}

func isBidi(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Escape returns s with every unsafe character but line feed and tab written as \uXXXX
// (which a JSON reader decodes back to the same string) and invalid UTF-8 bytes as \xNN.
func Escape(s string) string {
	var b []byte
	b = appendEscaped(b, []byte(s), true)
	return string(b)
}

// appendEscaped appends p escaped. Unless final, an incomplete UTF-8 sequence at the end
// is left out; the count of bytes consumed is len(p) minus that tail.
func appendEscaped(dst, p []byte, final bool) []byte {
	dst, _ = escape(dst, p, final)
	return dst
}

func escape(dst, p []byte, final bool) ([]byte, int) {
	i := 0
	for i < len(p) {
		c := p[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			dst = append(dst, c)
			i++
			continue
		}
		if c < 0x80 { // other C0 controls, DEL
			dst = fmt.Appendf(dst, `\u%04x`, c)
			i++
			continue
		}
		if !final && !utf8.FullRune(p[i:]) {
			return dst, i
		}
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = fmt.Appendf(dst, `\x%02x`, c)
		case Unsafe(r):
			dst = fmt.Appendf(dst, `\u%04x`, r)
		default:
			dst = append(dst, p[i:i+size]...)
		}
		i += size
	}
	return dst, i
}

// Writer escapes everything written through it (see Escape) before passing it on. A
// UTF-8 sequence split across writes is held back until it is complete; Flush writes
// what is held (escaped, as it can no longer complete).
type Writer struct {
	w    io.Writer
	tail []byte // an incomplete UTF-8 sequence from the last Write (at most 3 bytes)
	buf  []byte
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it; it reports len(p) on success.
func (w *Writer) Write(p []byte) (int, error) {
	in := p
	if len(w.tail) > 0 {
		in = append(w.tail, p...)
	}
	out, used := escape(w.buf[:0], in, false)
	w.tail = append([]byte(nil), in[used:]...)
	w.buf = out[:0]
	if _, err := w.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held incomplete sequence, escaped.
func (w *Writer) Flush() error {
	if len(w.tail) == 0 {
		return nil
	}
	out := appendEscaped(nil, w.tail, true)
	w.tail = nil
	_, err := w.w.Write(out)
	return err
}

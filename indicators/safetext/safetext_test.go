package safetext

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		in   string
		mode Mode
		max  int
		want string // "" = accepted; else a substring of the error
	}{
		{"plain", "Kasachstan – Республика", Line, 0, ""},
		{"ansi", "KAZ\x1b[1A\x1b[2K", Line, 0, "escape character (ESC, U+001B) at byte 3"},
		{"rlo", "abc\u202egpj.exe", Line, 0, "bidirectional control character U+202E at byte 3"},
		{"isolate", "a\u2066b", Line, 0, "U+2066"},
		{"cr", "a\rb", Line, 0, "control character U+000D"},
		{"newline in a line", "a\nb", Line, 0, "U+000A"},
		{"newline in text", "a\nb\tc", Text, 0, ""},
		{"c1", "a\u0085b", Text, 0, "U+0085"},
		{"line separator", "a\u2028b", Text, 0, "U+2028"},
		{"invalid utf-8", "a\xffb", Line, 0, "not valid UTF-8 (byte 1)"},
		{"nul", "a\x00", Line, 0, "U+0000"},
		{"too long", strings.Repeat("é", 201), Line, 200, "longer than 200 characters (got 201)"},
		{"at the limit", strings.Repeat("é", 200), Line, 200, ""},
		{"ascii too long", strings.Repeat("a", 201), Line, 200, "longer than 200 characters (got 201)"},
		{"ascii at the limit", strings.Repeat("a", 200), Line, 200, ""},
		{"mixed too long", "ab" + strings.Repeat("é", 199), Line, 200, "longer than 200 characters (got 201)"},
		{"mixed at the limit", "ab" + strings.Repeat("é", 198), Line, 200, ""},
		{"control after ascii", "abcd\x7f", Line, 0, "control character U+007F at byte 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.in, tt.mode, tt.max)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.want == "" && err != nil || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("Check(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"Overall\x1b[1A\x1b[2Knone", `Overall\u001b[1A\u001b[2Knone`},
		{"a\u202eb", `a\u202eb`},
		{"a\rb\x7f", `a\u000db\u007f`},
		{"bad\xff", `bad\xff`},
		{"Äußerung 国", "Äußerung 国"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWriterSplitsRunes: a multi-byte character split across writes passes unchanged; an
// unsafe one split across writes is still escaped.
func TestWriterSplitsRunes(t *testing.T) {
	in := []byte("ä\u202e国\x1b!")
	for cut := 0; cut <= len(in); cut++ {
		var out bytes.Buffer
		w := NewWriter(&out)
		if _, err := w.Write(in[:cut]); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(in[cut:]); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(Escape(string(in)), out.String()); diff != "" {
			t.Errorf("cut at %d (-want +got):\n%s", cut, diff)
		}
	}
}

// FuzzEscape: nothing Escape returns holds an unsafe character or invalid UTF-8, what
// passes Check is unchanged, and the Writer agrees with Escape however input is split.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a\x1b[2Kb", "\u202e", "\xe2\x80", "ok\n\t", "\xff\xfe"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, s string, cut int) {
		got := Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q: not valid UTF-8", s, got)
		}
		if err := Check(got, Text, 0); err != nil {
			t.Fatalf("Escape(%q) = %q: %v", s, got, err)
		}
		if Check(s, Text, 0) == nil && got != s {
			t.Fatalf("Escape(%q) changed a safe value to %q", s, got)
		}
		for _, mode := range []Mode{Line, Text} {
			for _, max := range []int{0, cut % 8} {
				if got, want := Check(s, mode, max), checkRuneByRune(s, mode, max); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("Check(%q, %d, %d) = %v, rune by rune %v", s, mode, max, got, want)
				}
			}
		}
		if cut < 0 {
			cut = -cut
		}
		if len(s) > 0 {
			cut %= len(s) + 1
		} else {
			cut = 0
		}
		var out bytes.Buffer
		w := NewWriter(&out)
		_, _ = w.Write([]byte(s[:cut]))
		_, _ = w.Write([]byte(s[cut:]))
		_ = w.Flush()
		if out.String() != got {
			t.Fatalf("Writer(%q split at %d) = %q, Escape = %q", s, cut, out.String(), got)
		}
	})
}

// checkRuneByRune is Check without its fast path for printable ASCII.
func checkRuneByRune(s string, mode Mode, max int) error {
	n := 0
	for i, r := range s {
		n++
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

package main

import (
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInterspersed(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	tests := map[string]struct{ in, want []string }{
		"flags after the country": {
			in:   []string{"x", "assess", "KAZ", "--lang", "de", "--format=json"},
			want: []string{"x", "assess", "--lang", "de", "--format=json", "KAZ"},
		},
		"global flag first": {
			in:   []string{"x", "--config", "c.yaml", "assess", "KAZ", "--explain", "2"},
			want: []string{"x", "--config", "c.yaml", "assess", "--explain", "2", "KAZ"},
		},
		"already in order": {
			in:   []string{"x", "assess", "--bundle", "b.yaml"},
			want: []string{"x", "assess", "--bundle", "b.yaml"},
		},
		"double dash ends flags": {
			in:   []string{"x", "validate", "a.yaml", "--", "-odd-name.yaml"},
			want: []string{"x", "validate", "a.yaml", "--", "-odd-name.yaml"},
		},
		"unknown command untouched": {
			in:   []string{"x", "asses", "KAZ", "--lang", "de"},
			want: []string{"x", "asses", "KAZ", "--lang", "de"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, interspersed(app, tc.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

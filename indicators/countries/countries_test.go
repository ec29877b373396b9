package countries

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLookup(t *testing.T) {
	tests := map[string]struct {
		iso3 string
		want Country
		ok   bool
	}{
		"kazakhstan": {"KAZ", Country{ISO2: "KZ", ISO3: "KAZ", NameEN: "Kazakhstan", NameDE: "Kasachstan",
			Independent: true, UNMember: true, Borders: []string{"CHN", "KGZ", "RUS", "TKM", "UZB"}}, true},
		"kosovo as XKX":   {"XKX", Country{ISO2: "XK", ISO3: "XKX", NameEN: "Kosovo", NameDE: "Kosovo", Borders: []string{"ALB", "MKD", "MNE", "SRB"}}, true},
		"UNK not a code":  {"UNK", Country{}, false},
		"unknown":         {"XYZ", Country{}, false},
		"lower case":      {"kaz", Country{}, false},
		"holy see not UN": {"VAT", Country{ISO2: "VA", ISO3: "VAT", NameEN: "Vatican City", NameDE: "Vatikanstadt", Independent: true, Borders: []string{"ITA"}}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := Lookup(tc.iso3)
			if ok != tc.ok {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tc.iso3, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Lookup(%q) mismatch (-want +got):\n%s", tc.iso3, diff)
			}
		})
	}
	if n := len(All()); n != 250 {
		t.Errorf("All() has %d countries, want 250", n)
	}
}

package present_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

// TestMeaningsComplete: every index of the catalog has a German meaning of its own (a new
// index cannot reach a German page with its English meaning), and there is none for an
// index the catalog does not have.
func TestMeaningsComplete(t *testing.T) {
	for _, spec := range indicators.Indices {
		de := present.MeaningsDE[spec.ID]
		switch {
		case de == "":
			t.Errorf("index %s has no German meaning (engine/present/meanings.go)", spec.ID)
		case de == spec.Meaning:
			t.Errorf("index %s: the German meaning is the English one, %q", spec.ID, de)
		}
	}
	for id := range present.MeaningsDE {
		if _, ok := indicators.IndexByID(id); !ok {
			t.Errorf("German meaning of %s: no such index in the catalog (indicators.Indices)", id)
		}
	}
}

func TestMeaning(t *testing.T) {
	tests := []struct {
		lang, fieldPath, want string
	}{
		{"en", "indices.fh_status", "Freedom House status: Free, Partly Free, Not Free"},
		{"de", "indices.fh_status", "Freedom-House-Status: frei, teilweise frei, nicht frei"},
		{"de", "indices.pts", "Political Terror Scale (5 = schlechtester Wert)"},
		{"de", "indices.gmi_rank", "Rang im Globalen Militarisierungsindex (1 = am stärksten militarisiert)"},
		{"fr", "indices.pts", "Political Terror Scale (5 worst)"}, // any other language is English
		{"de", "indices.no_such_index", ""},
		{"de", "memberships.att", ""},
		{"de", "pts", ""},
	}
	var got, want []string
	for _, tc := range tests {
		got = append(got, tc.lang+" "+tc.fieldPath+": "+present.Meaning(tc.lang, tc.fieldPath))
		want = append(want, tc.lang+" "+tc.fieldPath+": "+tc.want)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Meaning (-want +got):\n%s", d)
	}
}

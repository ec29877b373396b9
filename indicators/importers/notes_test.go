package importers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/indicators"
)

// TestAddNote: a note is German only while every part has a German version.
func TestAddNote(t *testing.T) {
	tests := []struct {
		parts  [][2]string // en, de
		en, de string
	}{
		{[][2]string{{"a", "A"}}, "a", "A"},
		{[][2]string{{"a", "A"}, {"b", "B"}}, "a; b", "A; B"},
		{[][2]string{{"a", ""}, {"b", "B"}}, "a; b", ""},
		{[][2]string{{"a", "A"}, {"b", ""}}, "a; b", ""},
		{[][2]string{{"a", "A"}, {"b", ""}, {"c", "C"}}, "a; b; c", ""},
	}
	for _, tc := range tests {
		var p indicators.Provenance
		for _, part := range tc.parts {
			addNote(&p, "; ", part[0], part[1])
		}
		if p.Note != tc.en || p.NoteDE != tc.de {
			t.Errorf("%v: got %q / %q, want %q / %q", tc.parts, p.Note, p.NoteDE, tc.en, tc.de)
		}
	}
	d := time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC)
	if diff := cmp.Diff([]string{"12. März 2025", "12. März 2025", "August 2022", "2026", "mid-2018"},
		[]string{dateDE(d), partialDateDE("2025-03-12"), partialDateDE("2022-08"), partialDateDE("2026"), partialDateDE("mid-2018")}); diff != "" {
		t.Errorf("German dates (-want +got):\n%s", diff)
	}
}

// TestShippedNotesInGerman: in the shipped history of 2023, the notes the importers compose
// from their own templates come with a German version for every country.
func TestShippedNotesInGerman(t *testing.T) {
	lib := shippedLibrary(t, "world")
	templated := []string{"coups_20y", "ucdp_gov_osv_years_5y", "ucdp_internal_conflicts", "ucdp_interstate_conflicts",
		"ucdp_neighbour_conflicts", "ucdp_nonstate_conflicts", "pts", "wgi_rule_of_law"}
	countries := 0
	for _, iso := range lib.Countries() {
		e, err := lib.Find(iso, "2023-12-31")
		if err != nil {
			continue
		}
		b, err := lib.Load(e)
		if err != nil {
			t.Fatal(err)
		}
		countries++
		for _, id := range templated {
			v, ok := b.Indices[id]
			if ok && v.Note != "" && v.NoteDE == "" {
				t.Errorf("%s %s: note without a German version: %q", iso, id, v.Note)
			}
			// the template, before the data's own names (UCDP actors, conflicts) after ": "
			if tmpl, _, _ := strings.Cut(v.NoteDE, ": "); ok && strings.Contains(tmpl, " the ") {
				t.Errorf("%s %s: German note reads English: %q", iso, id, v.NoteDE)
			}
		}
	}
	if countries < 190 {
		t.Errorf("only %d countries have a 2023 bundle", countries)
	}
}

package importers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/indicators"
)

// exampleSources holds the worked example of docs/extending.md, "Adding a data source": the
// row that adds Reporters Without Borders' World Press Freedom Index 2024 (a real file of the
// data folder, extras/). It is not in Sources, so the shipped bundles stay as they are;
// TestExtendingExample keeps the document and this row the same.
var exampleSources = []Source{
	// example:begin
	{
		// The World Press Freedom Index, 2024 edition (published in May 2024): one score per
		// country, 0-100, 100 = best. The year is the edition's.
		ID: "rsf", Name: "Reporters Without Borders, World Press Freedom Index",
		File: "extras/rsf_world_press_freedom_index_2024.csv",
		Publication: Publication{Lag: 0, Window: 3,
			Rule: "the index of year Y appears in early May of Y"},
		Code: "iso3", Entity: "country", Year: "year",
		Columns: []Column{{ID: "rsf_press_freedom", Col: "score"}},
		Provenance: func(r Row) indicators.Provenance {
			return indicators.Provenance{Source: fmt.Sprintf("Reporters Without Borders, World Press Freedom Index %d", r.Year)}
		},
	},
	// example:end
}

// TestExtendingExample follows docs/extending.md's example: the document shows the row above
// verbatim; the row imports the test excerpt of the real file; and, added to Sources alone,
// it is reported as missing from exactly the places the document lists as the next steps.
func TestExtendingExample(t *testing.T) {
	t.Parallel()
	doc := readRepoFile(t, "docs/extending.md")
	src := readRepoFile(t, "indicators/importers/extending_test.go")
	_, block, _ := strings.Cut(src, "// example:begin\n")
	block, _, _ = strings.Cut(block, "\t// example:end")
	block = strings.ReplaceAll("\n"+block, "\n\t", "\n")[1:]
	if !strings.Contains(doc, "```go\n"+block+"```\n") {
		t.Errorf("docs/extending.md does not show the example row as it is in extending_test.go:\n%s", block)
	}

	rsf := exampleSources[0]
	res, err := rsf.Import(open(t, "rsf.csv"))
	if err != nil {
		t.Fatal(err)
	}
	v := pick(t, res.Values, "KAZ", "rsf_press_freedom", 2024)
	if v.Value != 41.11 || v.Source != "Reporters Without Borders, World Press Freedom Index 2024" {
		t.Errorf("KAZ = %+v", v)
	}
	if diff := cmp.Diff([]string{"Nowhere"}, names(res.Unmatched)); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}

	want := []string{
		"rsf_press_freedom: not in the catalog (indicators.Indices)",
		"rsf_press_freedom: no row in docs/bundle.md's index catalog",
		"rsf_press_freedom: not in the README's table of sources",
		"the README's table of sources names no file in extras/",
		"no maximum age: policies/data.yaml has no thresholds.data_age.rsf (max_years, indices), and the row does not say why (NoMaxAge)",
	}
	got := readWiring(t).check(rsf)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the places a new source needs changed: update docs/extending.md and this list (-want +got):\n%s", diff)
	}
	for _, step := range []string{"indicators/catalog.go", "UPDATE_GOLDEN=1 go test ./indicators", "data.schema.json", "docs/bundle.md", "The README", "thresholds.data_age", "labels.indices", "exportrisk data build"} {
		if !strings.Contains(doc, step) {
			t.Errorf("docs/extending.md does not name %s", step)
		}
	}
}

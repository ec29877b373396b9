package importers

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/policies"
)

// TestSourcesAreWiredUp checks that every row of Sources is complete and known to the other
// places a data source needs (docs/extending.md, "Adding a data source"): each index id is in
// the catalog (indicators.Indices; TestSchemaUpToDate keeps the schema in step) and in
// docs/bundle.md; the source has a maximum age in policies/data.yaml (thresholds.data_age,
// listing exactly its ids) or says why not; an id the policies read has a label in both
// languages (labels.indices); the README's table of sources names the file's folder and
// every id.
func TestSourcesAreWiredUp(t *testing.T) {
	t.Parallel()
	var data struct {
		Thresholds struct {
			DataAge map[string]struct {
				MaxYears *int     `yaml:"max_years"`
				Indices  []string `yaml:"indices"`
			} `yaml:"data_age"`
		} `yaml:"thresholds"`
		Labels struct {
			Indices map[string]map[string]string `yaml:"indices"`
		} `yaml:"labels"`
	}
	raw, err := fs.ReadFile(policies.FS, "data.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	read := indicesReadByPolicies(t)
	readme := readRepoFile(t, "README.md")
	bundleDoc := readRepoFile(t, "docs/bundle.md")

	ids, files := map[string]bool{}, map[string]bool{}
	for _, s := range Sources {
		t.Run(s.ID, func(t *testing.T) {
			if s.ID == "" || ids[s.ID] || s.File == "" || files[s.File] {
				t.Fatalf("id %q / file %q: each must be set and unique", s.ID, s.File)
			}
			ids[s.ID], files[s.File] = true, true
			if s.Name == "" || s.Rule == "" || s.Lag < 0 || s.Window < 0 || s.Code == "" || s.Entity == "" || s.Year == "" || s.Provenance == nil || len(s.Columns) == 0 {
				t.Errorf("incomplete row: name, publication rule, code, entity, year, provenance and columns are required: %+v", s)
			}
			if s.Wide && len(s.Columns) != 1 {
				t.Errorf("a Wide source gives one index, not %d", len(s.Columns))
			}
			var cols []string
			for _, c := range s.Columns {
				cols = append(cols, c.ID)
				if _, ok := indicators.IndexByID(c.ID); !ok {
					t.Errorf("%s: not in the catalog (indicators.Indices in indicators/catalog.go; then go test ./indicators -update for the schema)", c.ID)
				}
				if !strings.Contains(bundleDoc, "| `"+c.ID+"` |") {
					t.Errorf("%s: no row in docs/bundle.md's index catalog", c.ID)
				}
				if !strings.Contains(readme, "`"+c.ID+"`") {
					t.Errorf("%s: not in the README's table of sources (Where every indicator comes from)", c.ID)
				}
				if read[c.ID] && (data.Labels.Indices[c.ID]["en"] == "" || data.Labels.Indices[c.ID]["de"] == "") {
					t.Errorf("%s: the policies read it, but policies/data.yaml has no label (labels.indices.%s, en and de)", c.ID, c.ID)
				}
			}
			if folder := path.Dir(s.File) + "/"; !strings.Contains(readme, "`"+folder) {
				t.Errorf("the README's table of sources names no file in %s", folder)
			}
			age, hasAge := data.Thresholds.DataAge[s.ID]
			switch {
			case s.NoMaxAge == "" && !hasAge:
				t.Errorf("no maximum age: policies/data.yaml needs thresholds.data_age.%s (max_years, indices), or the row says why not (NoMaxAge)", s.ID)
			case s.NoMaxAge != "" && hasAge:
				t.Errorf("thresholds.data_age.%s exists, but the row says there is none: %s", s.ID, s.NoMaxAge)
			case hasAge:
				sort.Strings(cols)
				got := append([]string(nil), age.Indices...)
				sort.Strings(got)
				if diff := cmp.Diff(cols, got); diff != "" || age.MaxYears == nil {
					t.Errorf("thresholds.data_age.%s: want max_years and exactly the source's ids (-source +data.yaml):\n%s", s.ID, diff)
				}
			}
		})
	}
}

// indicesReadByPolicies are the index ids the shipped rules read (indices.<id> in a Rego
// module that is not a test).
func indicesReadByPolicies(t *testing.T) map[string]bool {
	t.Helper()
	ref := regexp.MustCompile(`\bindices\.([a-z0-9_]+)`)
	read := map[string]bool{}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		src, err := fs.ReadFile(policies.FS, p)
		for _, m := range ref.FindAllStringSubmatch(string(src), -1) {
			read[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(read) < 10 {
		t.Fatalf("only %d index ids found in the policies: the pattern no longer matches how rules read them", len(read))
	}
	return read
}

// readRepoFile reads a file of the repository by its path from the top.
func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("../../" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

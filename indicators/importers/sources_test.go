package importers

import (
	"fmt"
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
// places a data source needs (wiring.check lists them; docs/extending.md, "Adding a data
// source", walks through them).
func TestSourcesAreWiredUp(t *testing.T) {
	t.Parallel()
	w := readWiring(t)
	ids, files := map[string]bool{}, map[string]bool{}
	for _, s := range Sources {
		if s.ID == "" || ids[s.ID] || s.File == "" || files[s.File] {
			t.Errorf("source id %q / file %q: each must be set and unique", s.ID, s.File)
		}
		ids[s.ID], files[s.File] = true, true
		for _, p := range w.check(s) {
			t.Errorf("%s: %s", s.ID, p)
		}
	}
}

// wiring is what the places outside the source table say.
type wiring struct {
	dataAge map[string]struct {
		MaxYears *int     `yaml:"max_years"`
		Indices  []string `yaml:"indices"`
	}
	labels    map[string]map[string]string // index id -> language -> name
	read      map[string]bool              // index ids the policies read
	readme    string
	bundleDoc string
}

func readWiring(t *testing.T) *wiring {
	t.Helper()
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
	if len(data.Thresholds.DataAge) == 0 {
		t.Fatal("policies/data.yaml: no thresholds.data_age")
	}
	return &wiring{
		dataAge:   data.Thresholds.DataAge,
		labels:    data.Labels.Indices,
		read:      indicesReadByPolicies(t),
		readme:    readRepoFile(t, "README.md"),
		bundleDoc: readRepoFile(t, "docs/bundle.md"),
	}
}

// check returns what a source row lacks, in the order docs/extending.md names the steps:
// a complete row; each index id in the catalog (indicators.Indices; TestSchemaUpToDate and
// engine/policy/calibration's TestSchemaEnumsMatchCatalogs keep the two schemas in step) and in
// docs/bundle.md; a maximum age in policies/data.yaml (thresholds.data_age, listing exactly
// the source's ids) or a reason why not; a label in both languages for an id the policies
// read; the file's folder and every id in the README's table of sources.
func (w *wiring) check(s Source) []string {
	var out []string
	if s.Name == "" || s.Rule == "" || s.Lag < 0 || s.Window < 0 || s.Code == "" || s.Entity == "" || s.Year == "" || s.Provenance == nil || len(s.Columns) == 0 {
		out = append(out, "incomplete row: Name, Publication (Lag, Window, Rule), Code, Entity, Year, Provenance and Columns are required")
	}
	if s.Wide && len(s.Columns) != 1 {
		out = append(out, fmt.Sprintf("a Wide source gives one index, not %d", len(s.Columns)))
	}
	var cols []string
	for _, c := range s.Columns {
		cols = append(cols, c.ID)
		if _, ok := indicators.IndexByID(c.ID); !ok {
			out = append(out, c.ID+": not in the catalog (indicators.Indices)")
		}
		if !strings.Contains(w.bundleDoc, "| `"+c.ID+"` |") {
			out = append(out, c.ID+": no row in docs/bundle.md's index catalog")
		}
		if w.read[c.ID] && (w.labels[c.ID]["en"] == "" || w.labels[c.ID]["de"] == "") {
			out = append(out, c.ID+": the policies read it, but policies/data.yaml has no label labels.indices."+c.ID+" (en and de)")
		}
		if !strings.Contains(w.readme, "`"+c.ID+"`") {
			out = append(out, c.ID+": not in the README's table of sources")
		}
	}
	if folder := path.Dir(s.File) + "/"; !strings.Contains(w.readme, "`"+folder) {
		out = append(out, "the README's table of sources names no file in "+folder)
	}
	age, hasAge := w.dataAge[s.ID]
	switch {
	case s.NoMaxAge == "" && !hasAge:
		out = append(out, "no maximum age: policies/data.yaml has no thresholds.data_age."+s.ID+" (max_years, indices), and the row does not say why (NoMaxAge)")
	case s.NoMaxAge != "" && hasAge:
		out = append(out, "thresholds.data_age."+s.ID+" exists, but the row says there is none: "+s.NoMaxAge)
	case hasAge:
		sort.Strings(cols)
		got := append([]string(nil), age.Indices...)
		sort.Strings(got)
		if diff := cmp.Diff(cols, got); diff != "" || age.MaxYears == nil {
			out = append(out, fmt.Sprintf("thresholds.data_age.%s: want max_years and exactly the source's ids (-source +data.yaml):\n%s", s.ID, diff))
		}
	}
	return out
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

// TestImportErrors: bad input in a source's file is an error naming the file, line and column.
func TestImportErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ source, in, want string }{
		"missing column": {"cpi", "iso3,country,year\nDNK,Denmark,2023\n",
			"ti_cpi/cpi_2012_2025_long.csv: missing column(s) cpi_score"},
		"not a number": {"cpi", "iso3,country,year,cpi_score\nDNK,Denmark,2023,high\n",
			`ti_cpi/cpi_2012_2025_long.csv:2: cpi_score: not a number: "high"`},
		"no year": {"cpi", "iso3,country,year,cpi_score\nDNK,Denmark,,90\n",
			"ti_cpi/cpi_2012_2025_long.csv:2: year: want a year"},
		"no edition": {"fsi", "iso3,country_fsi,year,total\nKAZ,Kazakhstan,,60.6\n",
			"fsi/fsi_all_years.csv:2: year: want the edition year"},
		"status outside the list": {"freedom_house", "iso3,data_year,Country/Territory,C/T,Edition,Status,PR,CL,Total\nDEU,2023,Germany,c,2024,X,39,54,93\n",
			`freedom_house/fiw_2013_2025_all_data.csv:2: Status: want F, PF or NF, got "X"`},
		"PTS out of range": {"pts", "iso3,Country,Year,PTS_A,PTS_H,PTS_S\nKAZ,Kazakhstan,2022,4,6,4\n",
			"pts/pts_1976_2023_iso3.csv:2: PTS_H: want 1..5, got 6"},
		"GDI band": {"gdi", "iso3,year,band,source_url,index_name,band_detail,basis,note\nKAZ,2013,G,,GI2013,,printed,\n",
			`gdi/gdi_bands.csv:2: band: want A..F, got "G"`},
		"GMI rank not whole": {"gmi", "iso3,name,year,gmi_score,gmi_rank\nUKR,Ukraine,2022,334.71,1.5\n",
			"gmi/gmi_1990_2022_bicc2023.csv:2: gmi_rank: want a whole number, got 1.5"},
		"wide without year columns": {"hdi", "iso3,country,gii_2021\nAFG,Afghanistan,0.6\n",
			"undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv: no hdi_YYYY columns"},
		"strict field count": {"efw", "iso3,year,value\nAGO,2022,3,3\n",
			"efw/efw_military_interference.csv:2: want 3 fields, got 4"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, ok := SourceByID(tc.source)
			if !ok {
				t.Fatalf("no source %q", tc.source)
			}
			_, err := s.Import(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

package importers

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// sharedData is the raw data folder next to the repository; these tests skip without it.
const sharedData = "../../../shared/data"

// shippedLibrary opens the shipped bundles of fixtures/dir (world: the history; curated).
func shippedLibrary(t *testing.T, dir string) *indicators.Library {
	t.Helper()
	fsys, err := fs.Sub(fixtures.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := indicators.OpenLibrary(fsys, "fixtures/"+dir)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func sharedFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedData, name))
	if err != nil {
		t.Skipf("raw data not available: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestQoGJan25TargetYear backs the year recorded for QoG Jan25 values (2021): its HDI column
// equals UNDP's hdi_2021 for every country that has both.
func TestQoGJan25TargetYear(t *testing.T) {
	t.Parallel()
	hdiSource, _ := SourceByID("hdi")
	hdi, err := hdiSource.Import(sharedFile(t, hdiSource.File))
	if err != nil {
		t.Fatal(err)
	}
	undp := map[string]float64{}
	for _, v := range hdi.Values {
		if v.Year == 2021 {
			undp[v.ISO3] = v.Value.(float64)
		}
	}
	tab, err := readTable(sharedFile(t, QoGEditions[0].File), QoGEditions[0].File, false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rw := range tab.rows {
		v, ok, err := tab.number(rw, "undp_hdi")
		if err != nil {
			t.Fatal(err)
		}
		want, has := undp[tab.get(rw, "ccodealp")]
		if !ok || !has {
			continue
		}
		n++
		if math.Abs(v-want) > 0.0006 {
			t.Errorf("%s: QoG Jan25 undp_hdi %v, UNDP hdi_2021 %v", tab.get(rw, "ccodealp"), v, want)
		}
	}
	if n < 180 {
		t.Errorf("only %d countries compared", n)
	}
}

// TestBuildRealData builds the 2023 world from shared/data twice: every bundle validates
// (Encode parses it back) and the two builds are byte-identical.
func TestBuildRealData(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		t.Skip("raw data not available")
	}
	var encoded [2]map[string][]byte
	for i := range encoded {
		res, err := Build(os.DirFS(sharedData), 2023, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Bundles) != 197 {
			t.Errorf("%d bundles, want 197", len(res.Bundles))
		}
		encoded[i] = map[string][]byte{}
		for _, b := range res.Bundles {
			data, err := Encode(b)
			if err != nil {
				t.Fatal(err)
			}
			encoded[i][FileName(b)] = data
		}
	}
	for name, data := range encoded[0] {
		if !bytes.Equal(data, encoded[1][name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
	for _, year := range []int{2011, 2025} {
		if _, err := Build(os.DirFS(sharedData), year, Options{}); err == nil {
			t.Errorf("year %d: want an error (the data supports 2012-2024)", year)
		}
	}
}

// TestShippedHistoryIsTheBuild rebuilds the whole world history from shared/data, as
// "exportrisk data build" does, and checks that every history file is byte-identical to the
// shipped one (fixtures/world/history): the shipped data is what one command makes of the
// public data. Without shared/data it skips, except under CI=true, where it fails: CI must
// check the shipped history against the data.
func TestShippedHistoryIsTheBuild(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("raw data not available at %s, and CI=true: CI checks the shipped history against it", sharedData)
		}
		t.Skip("raw data not available")
	}
	fsys := os.DirFS(sharedData)
	last, err := LastYear(fsys)
	if err != nil {
		t.Fatal(err)
	}
	curated := shippedLibrary(t, "curated")
	regFS, err := fs.Sub(fixtures.Evidence, "evidence")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := evidence.Load(regFS, "evidence register (built in)", time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	// The description says how the bundles were built; the command line is cmd's to know, so
	// it is taken from the shipped bundles here (cmd's TestDataBuildYear checks it).
	shippedLib := shippedLibrary(t, "world")
	describe := func(year int) string {
		e, err := shippedLib.Find("UKR", fmt.Sprintf("%d-12-31", year))
		if err != nil {
			t.Fatal(err)
		}
		b, err := shippedLib.Load(e)
		if err != nil {
			t.Fatal(err)
		}
		return b.Description
	}
	byISO := map[string][]*indicators.Bundle{}
	for year := FirstYear; year <= last; year++ {
		res, err := Build(fsys, year, Options{Curated: curated, Description: describe})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range res.Bundles {
			if err := reg.Merge(b); err != nil { // as data build does
				t.Fatal(err)
			}
			byISO[b.Country.ISO3] = append(byISO[b.Country.ISO3], b)
		}
	}
	shipped, err := fs.ReadDir(fixtures.FS, "world/history")
	if err != nil {
		t.Fatal(err)
	}
	if len(shipped) != len(byISO) || len(byISO) != 197 {
		t.Errorf("%d history files shipped, %d countries built, want 197", len(shipped), len(byISO))
	}
	for iso, bundles := range byISO {
		built, err := indicators.EncodeHistory(bundles)
		if err != nil {
			t.Fatal(err)
		}
		name := indicators.HistoryFileName(iso, FirstYear, last)
		data, err := fs.ReadFile(fixtures.FS, "world/history/"+name)
		if err != nil || !bytes.Equal(built, data) {
			t.Errorf("%s differs from the build (%v): rebuild the fixtures with `exportrisk data build`", name, err)
		}
	}
}

// TestNothingFromTheFuture builds two years and checks every value against its source's
// publication rule: a value of a source with lag L in a bundle as of YEAR-12-31 has a data
// year of at most YEAR-L; the UCDP indicators have data year YEAR-UCDPLag.
func TestNothingFromTheFuture(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		t.Skip("raw data not available")
	}
	lag := map[string]int{} // index id -> lag of its source
	for _, s := range Sources {
		for _, c := range s.Columns {
			lag[c.ID] = s.Lag
		}
	}
	for _, year := range []int{2016, 2024} {
		res, err := Build(os.DirFS(sharedData), year, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range res.Bundles {
			for id, ix := range b.Indices {
				switch l, ok := lag[id]; {
				case ok && ix.Year > year-l:
					t.Errorf("%s %s: data year %d, but the source publishes data year %d by %s at the latest", b.Country.ISO3, id, ix.Year, year-l, b.AsOf)
				case strings.HasPrefix(id, "ucdp_") && ix.Year != year-UCDPLag:
					t.Errorf("%s %s: data year %d, want %d (UCDP)", b.Country.ISO3, id, ix.Year, year-UCDPLag)
				}
			}
		}
	}
}

// TestUNTCScrapeAgrees cross-checks the 2026 UN Treaty Collection scrape against the lists
// read independently: every party of an older list is a party in the scrape with the same
// deposit year, unless the scrape records a withdrawal or cannot resolve the state's name.
func TestUNTCScrapeAgrees(t *testing.T) {
	t.Parallel()
	f, err := Curated.Open(UNTCScrapeFile)
	if err != nil {
		t.Fatal(err)
	}
	scrape, err := ReadUNTCScrape(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]MembershipRow{} // "ISO3 instrument"
	covered := map[string]bool{}
	for _, r := range scrape {
		got[r.ISO3+" "+r.Instrument] = r
		covered[r.Instrument] = true
	}
	var older []MembershipRow
	lists, _ := shippedUNTCLists(t)
	for _, rows := range lists {
		older = append(older, rows...)
	}
	wf, err := Curated.Open(WithdrawalsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	withdrawals, err := ReadWithdrawals(wf)
	if err != nil {
		t.Fatal(err)
	}
	curated, err := ReadCuratedMemberships(sharedFile(t, MembershipsFile), withdrawals)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := ReadTreatySummary(sharedFile(t, TreatySummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	older = append(older, curated...)
	older = append(older, summary...)
	// Disagreements where the older list is wrong: the scrape (UNTC's own table) wins by
	// precedence. Each must still occur, so the list cannot go stale.
	known := map[string]string{
		"SLB iccpr": "the 2021 compilation ties Solomon Islands to the UK's 1976 ratification (its note: \"Signature tied to the UK's\"); UNTC records no action",
		"TUV iccpr": "as Solomon Islands: tied to the UK's 1976 ratification; UNTC records no action",
		"ZAF iccpr": "the 2021 compilation gives the signature year (1994); UNTC: ratification 1998",
		"GNQ iccpr": "the 2021 compilation gives 1979; UNTC: accession 1987",
	}
	seen := map[string]bool{}
	compared := 0
	for _, o := range older {
		if !covered[o.Instrument] || o.Status != "party" || o.Override {
			continue
		}
		key := o.ISO3 + " " + o.Instrument
		n, ok := got[key]
		if !ok {
			continue // withdrawn in the scrape, or a state it cannot resolve or does not cover
		}
		compared++
		if n.Status != "party" || (o.Year != 0 && n.Year != o.Year) {
			if _, ok := known[key]; ok {
				seen[key] = true
				continue
			}
			t.Errorf("%s: party since %d in %s, %s %d in the 2026 scrape", key, o.Year, o.Source, n.Status, n.Year)
		}
	}
	for key, why := range known {
		if !seen[key] {
			t.Errorf("%s no longer disagrees (%s): drop it from the known list", key, why)
		}
	}
	if compared < 1000 {
		t.Errorf("only %d party rows compared", compared)
	}
	t.Logf("%d party rows of older lists compared", compared)
}

// BenchmarkBuildHistory builds the whole world history from shared/data, as
// "exportrisk data build" does before writing: every year 2012-2024, 197 bundles each, every
// bundle validated. One op = 13 years. Skipped without shared/data.
func BenchmarkBuildHistory(b *testing.B) {
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		b.Skip("raw data not available")
	}
	fsys := os.DirFS(sharedData)
	last, err := LastYear(fsys)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		for year := FirstYear; year <= last; year++ {
			res, err := Build(fsys, year, Options{})
			if err != nil {
				b.Fatal(err)
			}
			n += len(res.Bundles)
		}
		b.ReportMetric(float64(n), "bundles/op")
	}
}

// BenchmarkImportSources imports every file of the source table from memory: the cost of
// Source.Import alone, without the rest of Build. Skipped without shared/data.
func BenchmarkImportSources(b *testing.B) {
	data := map[string][]byte{}
	for _, s := range Sources {
		d, err := os.ReadFile(filepath.Join(sharedData, s.File))
		if err != nil {
			b.Skip("raw data not available")
		}
		data[s.File] = d
	}
	for b.Loop() {
		for i := range Sources {
			if _, err := Sources[i].Import(bytes.NewReader(data[Sources[i].File])); err != nil {
				b.Fatal(err)
			}
		}
	}
}

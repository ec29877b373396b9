package importers

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/google/go-cmp/cmp"
)

func open(t *testing.T, name string) io.Reader {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// pick returns value, year and note of one imported value, or fails.
func pick(t *testing.T, vals []Value, iso, id string, year int) Value {
	t.Helper()
	for _, v := range vals {
		if v.ISO3 == iso && v.ID == id && (year == 0 || v.Year == year) {
			return v
		}
	}
	t.Fatalf("no %s %s (year %d) among %d values", iso, id, year, len(vals))
	return Value{}
}

// importFile imports a test excerpt with a row of Sources.
func importFile(t *testing.T, id, name string) (*Result, error) {
	t.Helper()
	s, ok := SourceByID(id)
	if !ok {
		t.Fatalf("no source %q", id)
	}
	return s.Import(open(t, name))
}

func has(vals []Value, iso, id string) bool {
	for _, v := range vals {
		if v.ISO3 == iso && v.ID == id {
			return true
		}
	}
	return false
}

func names(um []Unmatched) []string {
	var out []string
	for _, u := range um {
		out = append(out, u.Name)
	}
	return out
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      string
		want    float64
		ok, err bool
	}{
		"plain":                    {in: "1.5197", want: 1.5197, ok: true},
		"leading dot (Stata)":      {in: ".48300001", want: 0.48300001, ok: true},
		"negative leading dot":     {in: "-.37624919", want: -0.37624919, ok: true},
		"decimal comma":            {in: "0,82", want: 0.82, ok: true},
		"integer":                  {in: "93", want: 93, ok: true},
		"SIPRI not available":      {in: "...", ok: false},
		"SIPRI not independent":    {in: "xxx", ok: false},
		"PTS NA":                   {in: "NA", ok: false},
		"UNDP NaN":                 {in: "NaN", ok: false},
		"FH N/A":                   {in: "N/A", ok: false},
		"empty":                    {in: "  ", ok: false},
		"text is an error":         {in: "high", err: true},
		"thousands comma is error": {in: "1,234,5", err: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := parseNumber(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if ok != tc.ok || got != tc.want {
				t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestReadTableBOMAndSurplusFields(t *testing.T) {
	t.Parallel()
	tab, err := readTable(strings.NewReader("\ufeffiso3,note\nDEU,\"a, b\"\nIRN,c, d\n"), "x.csv", true)
	if err != nil {
		t.Fatal(err)
	}
	if tab.header[0] != "iso3" {
		t.Errorf("BOM not stripped: header %q", tab.header[0])
	}
	if got := tab.get(tab.rows[1], "note"); got != "c, d" {
		t.Errorf("surplus field not joined into the last column: %q", got)
	}
	if _, err := readTable(strings.NewReader("iso3,note\nIRN,c, d\n"), "x.csv", false); err == nil || !strings.Contains(err.Error(), "x.csv:2: want 2 fields, got 3") {
		t.Errorf("strict read: err = %v", err)
	}
}

func TestFreedomHouse(t *testing.T) {
	t.Parallel()
	res, err := importFile(t, "freedom_house", "fh.csv") // starts with a UTF-8 BOM
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		iso, id string
		want    any
	}{
		"status":                    {"DEU", "fh_status", "F"},
		"political rights":          {"DEU", "fh_political_rights", 39.0},
		"civil liberties":           {"DEU", "fh_civil_liberties", 54.0},
		"total":                     {"DEU", "fh_total", 93.0},
		"Kosovo keeps XKX":          {"XKX", "fh_status", "PF"},
		"territory with a code":     {"HKG", "fh_total", 40.0},
		"negative PR: total stays":  {"SYR", "fh_total", 1.0},
		"negative PR: status stays": {"SYR", "fh_status", "NF"},
		"negative PR is recorded":   {"SYR", "fh_political_rights", -3.0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := pick(t, res.Values, tc.iso, tc.id, 2023)
			if v.Value != tc.want {
				t.Errorf("value = %v, want %v", v.Value, tc.want)
			}
			if !strings.Contains(v.Source, "Freedom in the World 2024 (data year 2023)") {
				t.Errorf("source %q does not name edition and data year", v.Source)
			}
		})
	}
	if diff := cmp.Diff([]string{"Crimea"}, names(res.Unmatched)); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
	if _, err := importFile(t, "freedom_house", "fh_bad_edition.csv"); err == nil || !strings.Contains(err.Error(), "edition 2023 does not rate data year 2023") {
		t.Errorf("edition check: err = %v", err)
	}
}

func TestPTS(t *testing.T) {
	t.Parallel()
	res, err := importFile(t, "pts", "pts.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		iso  string
		year int
		want float64
		note string
	}{
		"all three sources":         {"KAZ", 2022, 4, "A 4, H 4, S 4"},
		"State Dept NA (88 for US)": {"USA", 2023, 3, "A 3, H NA, S NA"},
		"maximum of A and S":        {"ALB", 2023, 2, "A 1, H NA, S 2"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := pick(t, res.Values, tc.iso, "pts", tc.year)
			if v.Value != tc.want || !strings.Contains(v.Note, tc.note) {
				t.Errorf("got %v (%s), want %v (%s)", v.Value, v.Note, tc.want, tc.note)
			}
		})
	}
	// The Soviet Union has no score in 2023 (NA 77): not reported. Crimea has one: reported.
	if diff := cmp.Diff([]string{"Crimea"}, names(res.Unmatched)); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
}

func TestQoG(t *testing.T) {
	t.Parallel()
	res, err := QoG(open(t, "qog.csv"), QoGEdition{File: "qog.csv", Version: "Jan24", Year: 2020})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		iso, id string
		want    float64
	}{
		"WGI voice, negative":           {"AFG", "wgi_voice_accountability", -1.0776886},
		"leading dot":                   {"ALB", "wgi_voice_accountability", 0.086402573},
		"negative leading dot":          {"ALB", "wgi_rule_of_law", -0.37624919},
		"health spending":               {"ALB", "health_exp_gdp", 6.659587860107422},
		"GMI score":                     {"ISR", "gmi_score", 362.468505859375},
		"GMI rank 1 = most militarised": {"ISR", "gmi_rank", 1},
		"GMI rank 3 of 3":               {"ALB", "gmi_rank", 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := pick(t, res.Values, tc.iso, tc.id, 2020)
			if v.Value != tc.want {
				t.Errorf("value = %v, want %v", v.Value, tc.want)
			}
		})
	}
	if has(res.Values, "ALB", "education_exp_gdp") || has(res.Values, "PRK", "wgi_rule_of_law") {
		t.Error("empty cells must give no value")
	}
	if v := pick(t, res.Values, "AFG", "wgi_voice_accountability", 2020); !strings.Contains(v.Note, "±3") || v.CitedSource == "" {
		t.Errorf("QoG values must say the year window and cite the producer: %+v", v)
	}
	if diff := cmp.Diff([]string{"Nowhere"}, names(res.Unmatched)); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
}

func TestSimpleImporters(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		file      string
		source    string // the id of its row of Sources
		iso, id   string
		year      int
		want      any
		absent    []string // "ISO3 id" that must not be imported
		unmatched []string
	}{
		"SIPRI share of GDP":      {file: "sipri.csv", source: "sipri_milex", iso: "DZA", id: "milex_gdp", year: 2023, want: 8.1717, absent: []string{"AFG milex_gdp", "AFG milex_usd_m"}, unmatched: []string{"Yugoslavia"}},
		"SIPRI constant US$":      {file: "sipri.csv", source: "sipri_milex", iso: "DEU", id: "milex_usd_m", year: 2023, want: 61187.425},
		"HDI column year":         {file: "hdi.csv", source: "hdi", iso: "AFG", id: "hdi", year: 2021, want: 0.473, absent: []string{"PRK hdi", "MCO hdi"}, unmatched: []string{"World", "World"}},
		"EFW verbatim float":      {file: "efw.csv", source: "efw", iso: "AGO", id: "efw_military_interference", year: 2022, want: 3.3333333333333335},
		"FSI edition rates 2022":  {file: "fsi.csv", source: "fsi", iso: "KAZ", id: "fsi_total", year: 2022, want: 60.6},
		"GDI band":                {file: "gdi.csv", source: "gdi", iso: "KAZ", id: "gdi_band", year: 2013, want: "D", absent: []string{"SDN gdi_band"}},
		"SATS activity year":      {file: "sats.csv", source: "sats", iso: "CHE", id: "sats_barometer", year: 2018, want: 21.75},
		"SATS unquoted comma row": {file: "sats.csv", source: "sats", iso: "IRN", id: "sats_barometer", year: 2018, want: 0.0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, err := importFile(t, tc.source, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			v := pick(t, res.Values, tc.iso, tc.id, tc.year)
			if v.Value != tc.want {
				t.Errorf("value = %v, want %v", v.Value, tc.want)
			}
			if v.Source == "" {
				t.Error("no source")
			}
			for _, a := range tc.absent {
				f := strings.Fields(a)
				if has(res.Values, f[0], f[1]) {
					t.Errorf("%s must not be imported (missing marker)", a)
				}
			}
			if tc.unmatched != nil {
				if diff := cmp.Diff(tc.unmatched, names(res.Unmatched)); diff != "" {
					t.Errorf("unmatched (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestSATSNotes(t *testing.T) {
	t.Parallel()
	res, err := importFile(t, "sats", "sats.csv")
	if err != nil {
		t.Fatal(err)
	}
	v := pick(t, res.Values, "IRN", "sats_barometer", 2018)
	if !strings.Contains(v.Note, "URL not recorded; see reliefweb.int") || !strings.Contains(v.Note, "no source URL recorded") {
		t.Errorf("note = %q", v.Note)
	}
	if !strings.Contains(v.CitedSource, "Barometer 2021 (2018 activities)") {
		t.Errorf("cited source = %q", v.CitedSource)
	}
}

func TestReadUNTCList(t *testing.T) {
	t.Parallel()
	l := UNTCList{Chapter: "XVIII-12", Instrument: "untoc"}
	rows, unmatched, err := ReadUNTCList(open(t, "untc.csv"), l)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		if r.ListAsOf != "2013-05-17" || r.SourceURL != "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-12&chapter=18" || r.Instrument != "untoc" {
			t.Errorf("%s: list date %s, url %s, instrument %s", r.ISO3, r.ListAsOf, r.SourceURL, r.Instrument)
		}
		got[r.ISO3] = fmt.Sprintf("%s %d", r.Status, r.Year)
	}
	want := map[string]string{
		"AFG": "party 2003", "BHR": "party 2004", "BRB": "signatory 0", "CIV": "party 2012",
		"FIN": "party 2006", "MNE": "party 2006", "GBR": "party 2006", "DMA": "party 2013",
		// absent UN members, the Holy See and Palestine: not_party as of the list date
		"DEU": "not_party 0", "VAT": "not_party 0", "PSE": "not_party 0",
	}
	for iso, w := range want {
		if got[iso] != w {
			t.Errorf("%s: got %q, want %q", iso, got[iso], w)
		}
	}
	for _, iso := range []string{"XKX", "TWN", "HKG"} {
		if _, ok := got[iso]; ok {
			t.Errorf("%s: a row for a state that cannot join UN treaties (or a territory)", iso)
		}
	}
	if len(got) != 195 {
		t.Errorf("%d rows, want 195 (193 UN members, the Holy See, Palestine)", len(got))
	}
	if diff := cmp.Diff([]Unmatched{{Source: "curated/untc/XVIII-12.csv", Name: "European Union", Reason: "not a state in the countries table"}}, unmatched); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
}

func TestReadUNTCListErrors(t *testing.T) {
	t.Parallel()
	l := UNTCList{Chapter: "IV-1", Instrument: "genocide_convention"}
	const header = "Participant,Signature,\"Accession(a), Succession(d), Ratification\"\n"
	tests := map[string]struct{ in, want string }{
		"bad header":   {"Country,Signed,Ratified\nAfghanistan,,22 Mar 1956 a\n", "curated/untc/IV-1.csv: header: want Participant, Signature and an action column"},
		"bad date":     {header + "Afghanistan,,1956-03-22\n", `curated/untc/IV-1.csv:2: Accession(a), Succession(d), Ratification: want a date like "24 Sep 2003" or "24 Sep 2003 a", got "1956-03-22"`},
		"unknown kind": {header + "Afghanistan,,22 Mar 1956 x\n", `got "22 Mar 1956 x"`},
		"no dates":     {header + "Afghanistan,,\n", "curated/untc/IV-1.csv:2: Afghanistan has neither a signature nor an action date"},
		"duplicate":    {header + "Albania,,12 May 1955 a\nAlbania,,12 May 1955 a\n", "curated/untc/IV-1.csv:3: Albania is already listed on line 2"},
		"empty":        {header, "curated/untc/IV-1.csv: no participants"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := ReadUNTCList(strings.NewReader(tc.in), l)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestUNTCListsFacts reads the shipped UN Treaty Collection lists and checks them against
// facts no one disputes, at the lists' own time (2013) and at a later as_of, where a state
// missing from a 2013 list is unknown, not "not a party".
func TestUNTCListsFacts(t *testing.T) {
	t.Parallel()
	sources, unmatched := shippedUNTCLists(t)
	for _, u := range unmatched {
		if u.Name != "European Union" {
			t.Errorf("%s: participant %q not matched to a country", u.Source, u.Name)
		}
	}
	for i, rows := range sources {
		if n := len(rows); n < 195 {
			t.Errorf("%s: %d rows, want every UN member state, the Holy See and Palestine", UNTCLists[i].File(), n)
		}
	}
	at := func(date string) map[string]map[string]indicators.Membership {
		asOf, _ := time.Parse(time.DateOnly, date)
		got, _ := ResolveMemberships(sources, asOf)
		return got
	}
	in2013, in2023 := at("2013-12-31"), at("2023-12-31")
	tests := []struct {
		name, iso, id string
		want2013      string // status and deposit year; "" = unknown
		want2023      string
	}{
		{"USA ratified the Genocide Convention in 1988", "USA", "genocide_convention", "party 1988", "party 1988"},
		{"Germany acceded to the Genocide Convention in 1954", "DEU", "genocide_convention", "party 1954", "party 1954"},
		{"USA ratified UNTOC in 2005", "USA", "untoc", "party 2005", "party 2005"},
		{"Japan had only signed UNTOC in 2013 (ratified 2017: unknown to a 2013 list)", "JPN", "untoc", "signatory 0", ""},
		{"Germany had only signed UNCAC in 2013", "DEU", "uncac", "signatory 0", ""},
		{"USA signed, never ratified the ICESCR", "USA", "icescr", "signatory 0", ""},
		{"USA signed, never ratified CEDAW", "USA", "cedaw", "signatory 0", ""},
		{"CRC list of 2006: too old to say the USA's status in 2013", "USA", "crc", "", ""},
		{"Germany ratified the CRC in 1992", "DEU", "crc", "party 1992", "party 1992"},
		{"USA ratified the Hostages Convention in 1984", "USA", "hostages_1979", "party 1984", "party 1984"},
		{"Kazakhstan acceded to UNCAC in 2008", "KAZ", "uncac", "party 2008", "party 2008"},
		{"Germany ratified the Terrorist Financing Convention in 2004", "DEU", "terrorist_financing_1999", "party 2004", "party 2004"},
		{"Germany ratified the Nuclear Terrorism Convention in 2008", "DEU", "nuclear_terrorism_2005", "party 2008", "party 2008"},
		{"Kosovo cannot join UN treaties: no row", "XKX", "untoc", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				got  map[string]map[string]indicators.Membership
				want string
			}{{in2013, tc.want2013}, {in2023, tc.want2023}} {
				m, ok := c.got[tc.iso][tc.id]
				got := ""
				if ok {
					got = fmt.Sprintf("%s %d", m.Status, m.Year)
				}
				if got != c.want {
					t.Errorf("got %q, want %q", got, c.want)
				}
			}
		})
	}
}

func TestReadUNTCScrape(t *testing.T) {
	t.Parallel()
	rows, err := ReadUNTCScrape(open(t, "untcscrape.ts"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		if r.ListAsOf != "2024" || r.CitedSource == "" || !strings.HasPrefix(r.SourceURL, "https://treaties.un.org/") {
			t.Errorf("%s %s: list date %s, url %s", r.ISO3, r.Instrument, r.ListAsOf, r.SourceURL)
		}
		got[r.ISO3+" "+r.Instrument] = fmt.Sprintf("%s %d", r.Status, r.Year)
	}
	want := map[string]string{
		"DEU crc": "party 1992", "USA crc": "signatory 0", "FRA crc": "not_party 0",
		"DEU ccm": "party 2009", "NGA ccm": "party 2023", "DEU apmbc": "party 1998",
		"UKR rome_statute": "party 2024", "VAT cat": "not_party 0", "PSE iccpr": "not_party 0",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	absent := []string{
		"BDI rome_statute",              // withdrawn, undated: no row
		"MHL crc", "VCT crc", "WSM crc", // the scrape cannot resolve these names
		"XKX crc", "TWN crc", // cannot join UN treaties
		"DEU paris", "DEU att", "DEU wassenaar", // not read from the scrape
	}
	for _, k := range absent {
		if v, ok := got[k]; ok {
			t.Errorf("%s: got %q, want no row", k, v)
		}
	}
}

func TestReadUNTCScrapeErrors(t *testing.T) {
	t.Parallel()
	const head = "export const TREATIES: TreatyMapping = "
	full := `"iccpr":{},"icescr":{},"cedaw":{},"cat":{},"crc":{},"rome-statute":{},"mine-ban":{}`
	tests := map[string]struct{ in, want string }{
		"no marker":    {`{"crc":{}}`, `curated/untc/mondiale-treaties.gen.ts: no "export const TREATIES: TreatyMapping = "`},
		"bad json":     {head + `{"crc":{"DE":`, "curated/untc/mondiale-treaties.gen.ts: treaty object: unexpected EOF"},
		"missing list": {head + `{` + full + `}`, `curated/untc/mondiale-treaties.gen.ts: no list "cluster-munitions"`},
		"bad code":     {head + `{` + full + `,"cluster-munitions":{"XY":{"standing":"party","year":2010}}}`, "curated/untc/mondiale-treaties.gen.ts: cluster-munitions.XY: unknown ISO 3166 alpha-2 code"},
		"bad standing": {head + `{` + full + `,"cluster-munitions":{"DE":{"standing":"member"}}}`, `cluster-munitions.DE.standing: want party, signatory or withdrawn, got "member"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ReadUNTCScrape(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// shippedUNTCLists reads every list of curated/untc/*.csv, in the order of UNTCLists.
func shippedUNTCLists(t *testing.T) (sources [][]MembershipRow, unmatched []Unmatched) {
	t.Helper()
	for _, l := range UNTCLists {
		f, err := Curated.Open(l.File())
		if err != nil {
			t.Fatal(err)
		}
		rows, um, err := ReadUNTCList(f, l)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, rows)
		unmatched = append(unmatched, um...)
	}
	return sources, unmatched
}

func TestWGI(t *testing.T) {
	t.Parallel()
	res, err := importFile(t, "wgi", "wgi.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Value{}
	for _, v := range res.Values {
		got[fmt.Sprintf("%s %s %d", v.ISO3, v.ID, v.Year)] = v
	}
	for key, want := range map[string]float64{
		"NOR wgi_voice_accountability 2023": 1.7771, // float32 noise rounded to 4 decimals
		"SOM wgi_political_stability 2011":  -3.0838,
		"XKX wgi_rule_of_law 2023":          -0.2,
	} {
		if v, ok := got[key]; !ok || v.Value != want || v.Source != wgiSource {
			t.Errorf("%s = %+v, want %v from %s", key, v, want, wgiSource)
		}
	}
	if _, ok := got["XKX wgi_political_stability 2023"]; ok {
		t.Error("an empty cell gave a value")
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Name != "Netherlands Antilles (former)" || res.Unmatched[0].Year != 2013 {
		t.Errorf("unmatched = %+v, want the one Netherlands Antilles row with a value", res.Unmatched)
	}
}

func TestGMI(t *testing.T) {
	t.Parallel()
	res, err := importFile(t, "gmi", "gmi.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, v := range res.Values {
		got[fmt.Sprintf("%s %s %d", v.ISO3, v.ID, v.Year)] = v.Value
	}
	want := map[string]any{
		"UKR gmi_score 2022": 334.71, "UKR gmi_rank 2022": 1.0,
		"ISR gmi_score 2021": 350.1, "ISR gmi_rank 2021": 1.0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Name != "Nowhere" {
		t.Errorf("unmatched = %+v", res.Unmatched)
	}
}

func TestCPISeries(t *testing.T) {
	t.Parallel()
	res, err := importFile(t, "cpi", "cpi_long.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, v := range res.Values {
		got[fmt.Sprintf("%s %d %s", v.ISO3, v.Year, v.Source)] = v.Value
	}
	want := map[string]any{
		"DNK 2023 Transparency International, Corruption Perceptions Index 2023": 90.0,
		"XKX 2023 Transparency International, Corruption Perceptions Index 2023": 41.0,
		"SOM 2012 Transparency International, Corruption Perceptions Index 2012": 8.0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

// TestNonState counts the non-state dyads of the data year and the year before on the
// territory, and the land neighbours with a non-state conflict in the data year; a country
// without a row has no value (unknown), and a neighbour without a row is named as not counted.
func TestNonState(t *testing.T) {
	t.Parallel()
	rows, um, err := ReadNonState(open(t, "ov.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(um) != 1 || um[0].Name != "German Democratic Republic" {
		t.Errorf("unmatched = %+v", um)
	}
	vals := NonStateFacts(rows, 2023, []string{"MLI", "SEN", "GIN", "BFA"}, nil)
	got := map[string]Value{}
	for _, v := range vals {
		got[v.ISO3+" "+v.ID] = v
	}
	for key, want := range map[string]float64{
		"MLI ucdp_nonstate_conflicts":           2, // 12345 (2022 only) and 12346
		"SEN ucdp_nonstate_conflicts":           0,
		"GIN ucdp_nonstate_conflicts":           0,
		"MLI ucdp_neighbour_nonstate_conflicts": 1, // Niger; Senegal and Guinea calm
		"SEN ucdp_neighbour_nonstate_conflicts": 1, // Mali
		"GIN ucdp_neighbour_nonstate_conflicts": 1, // Mali
	} {
		if v, ok := got[key]; !ok || v.Value != want || v.Year != 2023 {
			t.Errorf("%s = %+v, want %v (2023)", key, v, want)
		}
	}
	if _, ok := got["BFA ucdp_nonstate_conflicts"]; ok {
		t.Error("Burkina Faso has no row in the excerpt: its count must be unknown")
	}
	if n := got["MLI ucdp_nonstate_conflicts"].Note; !strings.Contains(n, "12345 Dan Na Ambassagou - JNIM; 12346 IS Sahel - JNIM") {
		t.Errorf("note = %q", n)
	}
	if n := got["MLI ucdp_neighbour_nonstate_conflicts"].Note; !strings.Contains(n, ": NER") || !strings.Contains(n, "not in the file (not counted): BFA, CIV, DZA, MRT") {
		t.Errorf("note = %q", n)
	}
	if _, _, err := ReadNonState(strings.NewReader("country_cy,year_cy,ns_dyad_count_cy,ns_dyad_ids_cy,ns_dyad_names_cy\nMali,2023,2,1,a\n")); err == nil || !strings.Contains(err.Error(), "ns_dyad_count_cy 2, but 1 ids") {
		t.Errorf("count mismatch: err = %v", err)
	}
}

package importers

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/indicators/countries"
)

// UNTCList is one participant list of the UN Treaty Collection (Multilateral Treaties
// Deposited with the Secretary-General), kept verbatim in curated/untc/<Chapter>.csv as
// scraped by zmjones/untreaties (curated/README.md).
type UNTCList struct {
	Chapter    string // UNTC chapter number, e.g. "XVIII-12-a"
	Instrument string // catalog instrument id
}

// File is the list's path in Curated.
func (l UNTCList) File() string { return "curated/untc/" + l.Chapter + ".csv" }

// URL is the list's page in the UN Treaty Collection.
func (l UNTCList) URL() string {
	chapter, _, _ := strings.Cut(l.Chapter, "-")
	return fmt.Sprintf("https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=%s&chapter=%d", l.Chapter, romanChapter[chapter])
}

var romanChapter = map[string]int{"IV": 4, "XVIII": 18}

// UNTCLists are the UN Treaty Collection lists the world build reads.
var UNTCLists = []UNTCList{
	{"IV-1", "genocide_convention"},
	{"IV-2", "cerd"},
	{"IV-3", "icescr"},
	{"IV-8", "cedaw"},
	{"IV-11", "crc"},
	{"XVIII-5", "hostages_1979"},
	{"XVIII-7", "protected_persons_1973"},
	{"XVIII-9", "terrorist_bombings_1997"},
	{"XVIII-11", "terrorist_financing_1999"},
	{"XVIII-12", "untoc"},
	{"XVIII-12-a", "untoc_trafficking"},
	{"XVIII-12-b", "untoc_smuggling"},
	{"XVIII-12-c", "untoc_firearms"},
	{"XVIII-14", "uncac"},
	{"XVIII-15", "nuclear_terrorism_2005"},
}

// untcCited names the lists behind every UNTC row (the chapter and list date are in the row's
// source and URL).
const untcCited = "UN Treaty Collection status lists, as scraped by zmjones/untreaties (lists of 2006-2013)"

// untcAliases are the UN Treaty Collection's names that differ from the countries table's
// English common names.
var untcAliases = map[string]string{
	"Bolivia (Plurinational State of)":          "BOL",
	"Brunei Darussalam":                         "BRN",
	"Cape Verde":                                "CPV",
	"Congo":                                     "COG",
	"Cote d'Ivoire":                             "CIV",
	"Côte d'Ivoire":                             "CIV",
	"Czech Republic":                            "CZE",
	"Democratic People's Republic of Korea":     "PRK",
	"Democratic Republic of the Congo":          "COD",
	"Holy See":                                  "VAT",
	"Iran (Islamic Republic of)":                "IRN",
	"Lao People's Democratic Republic":          "LAO",
	"Micronesia (Federated States of)":          "FSM",
	"Republic of Korea":                         "KOR",
	"Republic of Moldova":                       "MDA",
	"Russian Federation":                        "RUS",
	"Sao Tome and Principe":                     "STP",
	"St. Kitts and Nevis":                       "KNA",
	"St. Lucia":                                 "LCA",
	"St. Vincent and the Grenadines":            "VCT",
	"Swaziland":                                 "SWZ",
	"Syrian Arab Republic":                      "SYR",
	"The former Yugoslav Republic of Macedonia": "MKD",
	"Turkey": "TUR",
	"United Kingdom of Great Britain and Northern Ireland": "GBR",
	"United Republic of Tanzania":                          "TZA",
	"United States of America":                             "USA",
	"Venezuela (Bolivarian Republic of)":                   "VEN",
	"Viet Nam":                                             "VNM",
}

// untcDate is one date cell: "24 Sep 2003", optionally followed by the kind of action
// (a = accession, d = succession, A = acceptance, AA = approval).
var untcDate = regexp.MustCompile(`^(\d{1,2} [A-Z][a-z]{2} \d{4})(?: (a|d|A|AA))?$`)

// ReadUNTCList reads one participant list as the UN Treaty Collection prints it: a
// Participant column, a Signature column and an action column (ratification, accession,
// succession, ...) with dates like "24 Sep 2003 a". A participant with an action date is a
// party (year = deposit year), one with a signature only a signatory. The list is complete up
// to its latest date (the scrape is at least that recent), which becomes every row's
// list_as_of; each UN member state, the Holy See and Palestine missing from the list gets a
// not_party row with that date. Participants that are not states are returned as unmatched.
func ReadUNTCList(r io.Reader, l UNTCList) ([]MembershipRow, []Unmatched, error) {
	t, err := readTable(r, l.File(), false)
	if err != nil {
		return nil, nil, err
	}
	if len(t.header) != 3 || t.header[0] != "Participant" || !strings.HasPrefix(t.header[1], "Signature") {
		return nil, nil, fmt.Errorf("%s: header: want Participant, Signature and an action column, got %q", l.File(), t.header)
	}
	signature, action := t.header[1], t.header[2]
	type entry struct {
		status string
		year   int
		line   int
	}
	found := map[string]entry{}
	var unmatched []Unmatched
	var latest time.Time
	date := func(rw row, col string) (time.Time, bool, error) {
		v := t.get(rw, col)
		if v == "" {
			return time.Time{}, false, nil
		}
		m := untcDate.FindStringSubmatch(v)
		if m == nil {
			return time.Time{}, false, fmt.Errorf("%s:%d: %s: want a date like \"24 Sep 2003\" or \"24 Sep 2003 a\", got %q", l.File(), rw.line, col, v)
		}
		d, err := time.Parse("2 Jan 2006", m[1])
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%s:%d: %s: %w", l.File(), rw.line, col, err)
		}
		if d.After(latest) {
			latest = d
		}
		return d, true, nil
	}
	for _, rw := range t.rows {
		name := t.get(rw, "Participant")
		_, hasSig, err := date(rw, signature)
		if err != nil {
			return nil, nil, err
		}
		deposited, hasAction, err := date(rw, action)
		if err != nil {
			return nil, nil, err
		}
		if !hasSig && !hasAction {
			return nil, nil, fmt.Errorf("%s:%d: %s has neither a signature nor an action date", l.File(), rw.line, name)
		}
		iso, ok := untcAliases[name]
		if !ok {
			iso, ok = isoByName(name)
		}
		if !ok {
			unmatched = append(unmatched, Unmatched{Source: l.File(), Name: name, Reason: "not a state in the countries table"})
			continue
		}
		if e, dup := found[iso]; dup {
			return nil, nil, fmt.Errorf("%s:%d: %s is already listed on line %d", l.File(), rw.line, name, e.line)
		}
		e := entry{status: "signatory", line: rw.line}
		if hasAction {
			e = entry{status: "party", year: deposited.Year(), line: rw.line}
		}
		found[iso] = e
	}
	if latest.IsZero() {
		return nil, nil, fmt.Errorf("%s: no participants", l.File())
	}
	asOf := latest.Format(time.DateOnly)
	row := func(iso, status string, year int) MembershipRow {
		return MembershipRow{
			ISO3: iso, Instrument: l.Instrument, Status: status, Year: year, ListAsOf: asOf, SourceURL: l.URL(),
			Source:      fmt.Sprintf("exportrisk curated table indicators/importers/%s (UN Treaty Collection %s, list as of %s)", l.File(), l.Chapter, asOf),
			CitedSource: untcCited,
		}
	}
	var rows []MembershipRow
	for iso, e := range found {
		rows = append(rows, row(iso, e.status, e.year))
	}
	for _, c := range countries.All() {
		if _, listed := found[c.ISO3]; !listed && canJoinUNTreaties(c) {
			rows = append(rows, row(c.ISO3, "not_party", 0))
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ISO3 < rows[j].ISO3 })
	return rows, unmatched, nil
}

// canJoinUNTreaties: UN member states, the Holy See and Palestine can deposit instruments with
// the UN Secretary-General; Kosovo and Taiwan cannot, and territories are not parties.
func canJoinUNTreaties(c countries.Country) bool {
	return c.UNMember || c.ISO3 == "VAT" || c.ISO3 == "PSE"
}

package importers

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// Curated holds this package's curated tables (curated/*.csv, see curated/README.md).
//
//go:embed curated/*.csv curated/untc/*.csv curated/untc/*.ts curated/README.md
var Curated embed.FS

// Files read from the curated tables.
const (
	ExclusionsFile     = "curated/unsc_mandated.csv"
	EmbargoHistoryFile = "curated/embargo_history.csv"
)

// CuratedInstruments are the instruments with a curated table curated/<id>.csv.
var CuratedInstruments = []string{"att", "hcoc", "nuclear_terrorism_2005"}

// Universe returns the countries a world build makes bundles for: every independent state
// or UN member of the countries table (194, the Holy See included) plus Kosovo, Palestine and
// Taiwan, which the data sets rate as countries. Territories (Hong Kong, Puerto Rico, Western
// Sahara, ...) are left out.
func Universe() []string {
	var out []string
	for _, c := range countries.All() {
		if c.Independent || c.UNMember || c.ISO3 == "XKX" || c.ISO3 == "PSE" || c.ISO3 == "TWN" {
			out = append(out, c.ISO3)
		}
	}
	sort.Strings(out)
	return out
}

// notInStateSystem are countries outside the state systems UCDP (Gleditsch & Ward) and
// Powell & Thyne (COW) code: their conflict and coup counts are unknown, not zero. UCDP
// codes fighting in Gaza and the West Bank as located in Israel.
var notInStateSystem = map[string]bool{"PSE": true}

// DeploymentsCompleteFrom is the first year for which the deployments table (a state of
// early 2026) can also say that no mission was under way.
const DeploymentsCompleteFrom = 2023

// Options tunes Build.
type Options struct {
	// Curated, when set, is a library of hand-curated bundles. A country with a curated bundle
	// dated exactly on the build's as_of gets no built bundle: the curated one takes its place.
	// Curated bundles with other dates need nothing: the library picks by date.
	Curated *indicators.Library
}

// BuildResult is one world build.
type BuildResult struct {
	Year      int
	AsOf      string
	Bundles   []*indicators.Bundle // sorted by ISO3
	Skipped   []string             // "ISO3: reason"
	Unmatched []Unmatched          // rows without a country code, in or near the build's years
	Warnings  []string
}

// Build reads the data sets in fsys (the shared/data folder) and assembles one bundle per
// country of the Universe as of year-12-31. Every bundle is validated with indicators.Parse.
// The result depends only on the input files and year: the same inputs give the same bundles.
func Build(fsys fs.FS, year int, opts Options) (*BuildResult, error) {
	asOf := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	res := &BuildResult{Year: year, AsOf: asOf.Format(time.DateOnly)}
	isos := Universe()

	open := func(name string, read func(io.Reader) error) error {
		f, err := fsys.Open(name)
		if err != nil {
			return fmt.Errorf("open data file: %w", err)
		}
		defer f.Close()
		if err := read(f); err != nil {
			return fmt.Errorf("import %s: %w", name, err)
		}
		return nil
	}
	openCurated := func(name string, read func(io.Reader) error) error {
		f, err := Curated.Open(name)
		if err != nil {
			return fmt.Errorf("open curated table: %w", err)
		}
		defer f.Close()
		if err := read(f); err != nil {
			return fmt.Errorf("import %s: %w", name, err)
		}
		return nil
	}
	keepUnmatched := func(um []Unmatched) {
		for _, u := range um {
			if u.Year == 0 || (u.Year >= year-10 && u.Year <= year) {
				res.Unmatched = append(res.Unmatched, u)
			}
		}
	}

	// Conflicts first: they bound the years the data supports.
	var conflicts []Conflict
	if err := open(UCDPConflictFile, func(r io.Reader) error {
		var um []Unmatched
		var err error
		conflicts, um, err = ReadConflicts(r)
		keepUnmatched(um)
		return err
	}); err != nil {
		return nil, err
	}
	lastACD := 0
	for _, c := range conflicts {
		lastACD = max(lastACD, c.Year)
	}
	if year-UCDPLag > lastACD || year < FirstYear {
		return nil, fmt.Errorf("year %d: the data supports %d to %d (UCDP/PRIO ACD v24.1 ends with data year %d, published in 2024)", year, FirstYear, lastACD+UCDPLag, lastACD)
	}
	dataYear := year - UCDPLag // the UCDP data year known on as_of
	var excl []Exclusion
	if err := openCurated(ExclusionsFile, func(r io.Reader) (err error) {
		excl, err = ReadExclusions(r, ExclusionsFile)
		return err
	}); err != nil {
		return nil, err
	}

	// Annual and edition values: per source the latest data year published by as_of
	// (Publications), carried from at most Window data years before.
	indices := map[string]map[string]Value{}
	merge := func(vals []Value, pub Publication) {
		newest := year - pub.Lag
		for iso, byID := range Latest(vals, newest-pub.Window, newest) {
			if indices[iso] == nil {
				indices[iso] = map[string]Value{}
			}
			for id, v := range byID {
				if _, taken := indices[iso][id]; taken {
					continue
				}
				if v.Year < newest {
					if v.Note != "" {
						v.Note += "; "
					}
					v.Note += fmt.Sprintf("carried: %d is this country's latest data year in the data set; data year %d was due by as_of (%s)", v.Year, newest, pub.Rule)
				}
				indices[iso][id] = v
			}
		}
	}
	simple := []struct {
		file string
		read func(io.Reader) (*Result, error)
	}{
		{FreedomHouseFile, FreedomHouse}, {PTSFile, PTS}, {WGIFile, WGI}, {SIPRIMilexFile, SIPRIMilex}, {HDIFile, HDI},
		{EFWFile, EFW}, {FSIFile, FSI}, {GMIFile, GMI}, {CPISeriesFile, CPISeries}, {GDIFile, GDI}, {SATSFile, SATS},
	}
	for _, s := range simple {
		if err := open(s.file, func(r io.Reader) error {
			out, err := s.read(r)
			if err != nil {
				return err
			}
			keepUnmatched(out.Unmatched)
			merge(out.Values, Publications[s.file])
			return nil
		}); err != nil {
			return nil, err
		}
	}
	// QoG: only editions published by as_of, only the ids without a series of their own.
	for _, ed := range QoGEditions { // Jan25 first: Latest keeps its newer year
		if QoGPublished[ed.Version] > year {
			continue
		}
		if err := open(ed.File, func(r io.Reader) error {
			out, err := QoG(r, ed)
			if err != nil {
				return err
			}
			keepUnmatched(out.Unmatched)
			var keep []Value
			for _, v := range out.Values {
				if QoGIndices[v.ID] {
					keep = append(keep, v)
				}
			}
			merge(keep, Publication{Lag: year - ed.Year, Window: 0, Rule: "QoG " + ed.Version})
			return nil
		}); err != nil {
			return nil, err
		}
	}

	// Computed indicators.
	var computed []Value
	computed = append(computed, ConflictFacts(conflicts, excl, dataYear, isos, notInStateSystem)...)
	if err := open(OrganizedViolenceFile, func(r io.Reader) error {
		rows, um, err := ReadNonState(r)
		if err != nil {
			return err
		}
		keepUnmatched(um)
		computed = append(computed, NonStateFacts(rows, dataYear, isos, notInStateSystem)...)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := open(OneSidedFile, func(r io.Reader) error {
		rows, um, err := ReadOneSided(r)
		if err != nil {
			return err
		}
		keepUnmatched(um)
		last := 0
		for _, o := range rows {
			last = max(last, o.Year)
		}
		if dataYear > last {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s ends in %d: ucdp_gov_osv_years_5y left out", OneSidedFile, last))
			return nil
		}
		computed = append(computed, GovOSVYears(rows, dataYear, isos, notInStateSystem)...)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := open(CoupsFile, func(r io.Reader) error {
		coups, um, err := ReadCoups(r)
		if err != nil {
			return err
		}
		keepUnmatched(um)
		computed = append(computed, Coups20y(coups, asOf, isos, notInStateSystem)...)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := open(DeploymentsFile, func(r io.Reader) error {
		deps, um, err := ReadDeployments(r)
		if err != nil {
			return err
		}
		keepUnmatched(um)
		complete := year >= DeploymentsCompleteFrom
		if !complete {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s is a state as of early 2026 that keeps only three ended missions: before %d allied_forces_present is given only where a listed mission was under way", DeploymentsFile, DeploymentsCompleteFrom))
		}
		computed = append(computed, AlliedForces(deps, asOf, isos, complete)...)
		return nil
	}); err != nil {
		return nil, err
	}
	for _, v := range computed {
		if indices[v.ISO3] == nil {
			indices[v.ISO3] = map[string]Value{}
		}
		indices[v.ISO3][v.ID] = v
	}

	// Memberships, in order of precedence.
	var sources [][]MembershipRow
	var withdrawals map[string]Withdrawal
	if err := openCurated(WithdrawalsFile, func(r io.Reader) (err error) {
		withdrawals, err = ReadWithdrawals(r)
		return err
	}); err != nil {
		return nil, err
	}
	if err := open(MembershipsFile, func(r io.Reader) error {
		rows, err := ReadCuratedMemberships(r, withdrawals)
		sources = append(sources, rows)
		return err
	}); err != nil {
		return nil, err
	}
	for _, inst := range CuratedInstruments {
		if err := openCurated("curated/"+inst+".csv", func(r io.Reader) error {
			rows, err := ReadCuratedInstrument(r, inst)
			sources = append(sources, rows)
			return err
		}); err != nil {
			return nil, err
		}
	}
	if err := openCurated(UNTCScrapeFile, func(r io.Reader) error {
		rows, err := ReadUNTCScrape(r)
		sources = append(sources, rows)
		return err
	}); err != nil {
		return nil, err
	}
	if err := open(TreatySummaryFile, func(r io.Reader) error {
		rows, err := ReadTreatySummary(r)
		sources = append(sources, rows)
		return err
	}); err != nil {
		return nil, err
	}
	for _, l := range UNTCLists {
		if err := openCurated(l.File(), func(r io.Reader) error {
			rows, um, err := ReadUNTCList(r, l)
			keepUnmatched(um)
			sources = append(sources, rows)
			return err
		}); err != nil {
			return nil, err
		}
	}
	memberships, unknownMemberships := ResolveMemberships(sources, asOf)
	res.Warnings = append(res.Warnings, unknownMemberships...)

	// Embargoes.
	var embargoRows, history []EmbargoRow
	if err := open(EmbargoesFile, func(r io.Reader) error {
		var um []Unmatched
		var err error
		embargoRows, um, err = ReadEmbargoes(r)
		keepUnmatched(um)
		return err
	}); err != nil {
		return nil, err
	}
	if err := openCurated(EmbargoHistoryFile, func(r io.Reader) (err error) {
		history, err = ReadEmbargoHistory(r, EmbargoHistoryFile)
		return err
	}); err != nil {
		return nil, err
	}
	embargoes, warns := ResolveEmbargoes(embargoRows, history, asOf, isos)
	res.Warnings = append(res.Warnings, warns...)

	for _, iso := range isos {
		if opts.Curated != nil {
			if e, err := opts.Curated.Find(iso, res.AsOf); err == nil && e.AsOf == res.AsOf {
				res.Skipped = append(res.Skipped, fmt.Sprintf("%s: curated bundle %s/%s has the same date and takes precedence", iso, opts.Curated.Name(), e.Path))
				continue
			}
		}
		b, err := assemble(iso, res.AsOf, year, indices[iso], memberships[iso], embargoes[iso])
		if err != nil {
			return nil, err
		}
		res.Bundles = append(res.Bundles, b)
	}
	sort.Slice(res.Unmatched, func(i, j int) bool {
		a, b := res.Unmatched[i], res.Unmatched[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Year < b.Year
	})
	return res, nil
}

// assemble builds and validates one country's bundle.
func assemble(iso, asOf string, year int, vals map[string]Value, ms map[string]indicators.Membership, es []indicators.Embargo) (*indicators.Bundle, error) {
	c, _ := countries.Lookup(iso)
	b := &indicators.Bundle{
		SchemaVersion: indicators.SchemaVersion,
		Country:       indicators.Country{ISO3: iso, NameEN: c.NameEN, NameDE: c.NameDE},
		AsOf:          asOf,
		Description: fmt.Sprintf("Built by `exportrisk data build --year %d` from the public data sets in shared/data (README, section Rating the whole world from public data): every value names its source and its own reference year. %s.",
			year, countries.Attribution),
		Licence:     "Compiled from public data sets under their producers' terms (README, section Rating the whole world from public data); the country table is ODbL 1.0 (mledoze/countries)",
		Indices:     map[string]indicators.Index{},
		Memberships: map[string]indicators.Membership{},
		Embargoes:   []indicators.Embargo{},
		Evidence:    []indicators.Evidence{},
	}
	for id, v := range vals {
		b.Indices[id] = indicators.Index{Value: v.Value, Year: v.Year, Provenance: v.Provenance}
	}
	for id, m := range ms {
		b.Memberships[id] = m
	}
	b.Embargoes = append(b.Embargoes, es...)
	if _, err := Encode(b); err != nil {
		return nil, err
	}
	return b, nil
}

// FileName is the library file name of a built bundle.
func FileName(b *indicators.Bundle) string {
	return b.Country.ISO3 + "-" + b.AsOf + ".json"
}

// Encode writes a bundle as canonical, pretty-printed JSON (keys sorted at every level, two
// spaces, final newline) and checks it: indicators.Parse must accept it, and parsing it back
// must give the same canonical JSON.
func Encode(b *indicators.Bundle) ([]byte, error) {
	canonical, err := b.CanonicalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", FileName(b), err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, canonical, "", "  "); err != nil {
		return nil, fmt.Errorf("encode %s: %w", FileName(b), err)
	}
	pretty.WriteByte('\n')
	parsed, err := indicators.Parse(FileName(b), pretty.Bytes())
	if err != nil {
		return nil, fmt.Errorf("built bundle does not validate: %w", err)
	}
	again, err := parsed.CanonicalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", FileName(b), err)
	}
	if !bytes.Equal(again, canonical) {
		return nil, fmt.Errorf("encode %s: the bundle does not survive a round trip through the loader", FileName(b))
	}
	return pretty.Bytes(), nil
}

// UnmatchedBySource groups unmatched rows into one line per source, names sorted and
// de-duplicated, each with its reason unless it is simply "no country code", for warnings.
func UnmatchedBySource(um []Unmatched) []string {
	names := map[string]map[string]bool{}
	for _, u := range um {
		if names[u.Source] == nil {
			names[u.Source] = map[string]bool{}
		}
		n := u.Name
		if u.Reason != "no country code" {
			n += " [" + u.Reason + "]"
		}
		names[u.Source][n] = true
	}
	sources := make([]string, 0, len(names))
	for s := range names {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	var out []string
	for _, s := range sources {
		list := make([]string, 0, len(names[s]))
		for n := range names[s] {
			list = append(list, n)
		}
		sort.Strings(list)
		out = append(out, fmt.Sprintf("%s: %d row name(s) not tied to a country: %s", s, len(list), strings.Join(list, "; ")))
	}
	return out
}

// LastYear is the last year the data in fsys supports: the last data year of the UCDP/PRIO
// ACD plus its publication lag (UCDPLag).
func LastYear(fsys fs.FS) (int, error) {
	f, err := fsys.Open(UCDPConflictFile)
	if err != nil {
		return 0, fmt.Errorf("open data file: %w", err)
	}
	defer f.Close()
	conflicts, _, err := ReadConflicts(f)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", UCDPConflictFile, err)
	}
	last := 0
	for _, c := range conflicts {
		last = max(last, c.Year)
	}
	return last + UCDPLag, nil
}

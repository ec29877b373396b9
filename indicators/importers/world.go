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
	// Description, when set, gives the description of the bundles of a year (the caller
	// knows how the build was started); without it the bundles have none.
	Description func(year int) string
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
//
// The steps, in order: the UCDP/PRIO conflicts (they bound the years the data supports), the
// annual data sets (Sources), the QoG editions, the computed indicators (UCDP, coups,
// deployments), the memberships, the embargoes; then one bundle per country.
func Build(fsys fs.FS, year int, opts Options) (*BuildResult, error) {
	asOf := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	w := &worldBuild{
		fsys: fsys, year: year, asOf: asOf, isos: Universe(),
		res:     &BuildResult{Year: year, AsOf: asOf.Format(time.DateOnly)},
		indices: map[string]map[string]Value{},
	}
	for _, step := range []func() error{
		w.readConflicts, w.readSources, w.readQoG, w.computeIndicators, w.readMemberships, w.readEmbargoes,
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := w.assembleAll(opts); err != nil {
		return nil, err
	}
	return w.res, nil
}

// worldBuild is one Build under way: its inputs and what the steps have found so far.
type worldBuild struct {
	fsys fs.FS
	year int
	asOf time.Time
	isos []string
	res  *BuildResult

	conflicts   []Conflict
	dataYear    int                                         // the UCDP data year known on as_of
	indices     map[string]map[string]Value                 // ISO3 -> index id -> value
	memberships map[string]map[string]indicators.Membership // ISO3 -> instrument -> status
	embargoes   map[string][]indicators.Embargo             // ISO3 -> records
}

// open reads a file of the data folder.
func (w *worldBuild) open(name string, read func(io.Reader) error) error {
	return readFrom(w.fsys, "data file", name, read)
}

// openCurated reads one of this package's curated tables.
func (w *worldBuild) openCurated(name string, read func(io.Reader) error) error {
	return readFrom(Curated, "curated table", name, read)
}

// readFrom opens a file and reads it, naming the file in an error.
func readFrom(fsys fs.FS, kind, name string, read func(io.Reader) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("open %s: %w", kind, err)
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	return nil
}

// keepUnmatched keeps the unmatched rows of the build's years and the ten before.
func (w *worldBuild) keepUnmatched(um []Unmatched) {
	for _, u := range um {
		if u.Year == 0 || (u.Year >= w.year-10 && u.Year <= w.year) {
			w.res.Unmatched = append(w.res.Unmatched, u)
		}
	}
}

// readConflicts reads the UCDP/PRIO conflicts and refuses a year the data cannot speak for.
func (w *worldBuild) readConflicts() error {
	if err := w.open(UCDPConflictFile, func(r io.Reader) error {
		var um []Unmatched
		var err error
		w.conflicts, um, err = ReadConflicts(r)
		w.keepUnmatched(um)
		return err
	}); err != nil {
		return err
	}
	lastACD := lastDataYear(w.conflicts)
	if w.year-UCDPLag > lastACD || w.year < FirstYear {
		return fmt.Errorf("year %d: the data supports %d to %d (UCDP/PRIO ACD v24.1 ends with data year %d, published in 2024)", w.year, FirstYear, lastACD+UCDPLag, lastACD)
	}
	w.dataYear = w.year - UCDPLag
	return nil
}

// merge takes, per country and index id not yet taken, the latest value published by as_of
// (pub.Lag) and at most pub.Window data years older; a value older than the latest data year
// due says so in its note.
func (w *worldBuild) merge(vals []Value, pub Publication) {
	newest := w.year - pub.Lag
	for iso, byID := range Latest(vals, newest-pub.Window, newest) {
		if w.indices[iso] == nil {
			w.indices[iso] = map[string]Value{}
		}
		for id, v := range byID {
			if _, taken := w.indices[iso][id]; taken {
				continue
			}
			if v.Year < newest {
				de := ""
				if pub.RuleDE != "" {
					de = fmt.Sprintf("fortgeschrieben: %d ist das neueste Datenjahr dieses Landes im Datensatz; Datenjahr %d war zum Stichtag fällig (%s)", v.Year, newest, pub.RuleDE)
				}
				addNote(&v.Provenance, "; ", fmt.Sprintf("carried: %d is this country's latest data year in the data set; data year %d was due by as_of (%s)", v.Year, newest, pub.Rule), de)
			}
			w.indices[iso][id] = v
		}
	}
}

// readSources reads the annual data sets of Sources.
func (w *worldBuild) readSources() error {
	for i := range Sources {
		s := &Sources[i]
		if err := w.open(s.File, func(r io.Reader) error {
			out, err := s.Import(r)
			if err != nil {
				return err
			}
			w.keepUnmatched(out.Unmatched)
			w.merge(out.Values, s.Publication)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// readQoG reads the QoG editions published by as_of, only the ids without a series of their own.
func (w *worldBuild) readQoG() error {
	for _, ed := range QoGEditions { // Jan25 first: Latest keeps its newer year
		if QoGPublished[ed.Version] > w.year {
			continue
		}
		if err := w.open(ed.File, func(r io.Reader) error {
			out, err := QoG(r, ed)
			if err != nil {
				return err
			}
			w.keepUnmatched(out.Unmatched)
			var keep []Value
			for _, v := range out.Values {
				if QoGIndices[v.ID] {
					keep = append(keep, v)
				}
			}
			w.merge(keep, Publication{Lag: w.year - ed.Year, Window: 0, Rule: "QoG " + ed.Version})
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// computeIndicators counts conflicts, one-sided violence, coups and deployments; a computed
// value takes the place of any imported one with the same id.
func (w *worldBuild) computeIndicators() error {
	var excl []Exclusion
	if err := w.openCurated(ExclusionsFile, func(r io.Reader) (err error) {
		excl, err = ReadExclusions(r, ExclusionsFile)
		return err
	}); err != nil {
		return err
	}
	var computed []Value
	computed = append(computed, ConflictFacts(w.conflicts, excl, w.dataYear, w.isos, notInStateSystem)...)
	if err := w.open(OrganizedViolenceFile, func(r io.Reader) error {
		rows, um, err := ReadNonState(r)
		if err != nil {
			return err
		}
		w.keepUnmatched(um)
		computed = append(computed, NonStateFacts(rows, w.dataYear, w.isos, notInStateSystem)...)
		return nil
	}); err != nil {
		return err
	}
	if err := w.open(OneSidedFile, func(r io.Reader) error {
		rows, um, err := ReadOneSided(r)
		if err != nil {
			return err
		}
		w.keepUnmatched(um)
		last := 0
		for _, o := range rows {
			last = max(last, o.Year)
		}
		if w.dataYear > last {
			w.res.Warnings = append(w.res.Warnings, fmt.Sprintf("%s ends in %d: ucdp_gov_osv_years_5y left out", OneSidedFile, last))
			return nil
		}
		computed = append(computed, GovOSVYears(rows, w.dataYear, w.isos, notInStateSystem)...)
		return nil
	}); err != nil {
		return err
	}
	if err := w.open(CoupsFile, func(r io.Reader) error {
		coups, um, err := ReadCoups(r)
		if err != nil {
			return err
		}
		w.keepUnmatched(um)
		computed = append(computed, Coups20y(coups, w.asOf, w.isos, notInStateSystem)...)
		return nil
	}); err != nil {
		return err
	}
	if err := w.open(DeploymentsFile, func(r io.Reader) error {
		deps, um, err := ReadDeployments(r)
		if err != nil {
			return err
		}
		w.keepUnmatched(um)
		complete := w.year >= DeploymentsCompleteFrom
		if !complete {
			w.res.Warnings = append(w.res.Warnings, fmt.Sprintf("%s is a state as of early 2026 that keeps only three ended missions: before %d allied_forces_present is given only where a listed mission was under way", DeploymentsFile, DeploymentsCompleteFrom))
		}
		computed = append(computed, AlliedForces(deps, w.asOf, w.isos, complete)...)
		return nil
	}); err != nil {
		return err
	}
	for _, v := range computed {
		if w.indices[v.ISO3] == nil {
			w.indices[v.ISO3] = map[string]Value{}
		}
		w.indices[v.ISO3][v.ID] = v
	}
	return nil
}

// readMemberships reads the membership lists, in order of precedence, and resolves each
// country's status on as_of.
func (w *worldBuild) readMemberships() error {
	var sources [][]MembershipRow
	var withdrawals map[string]Withdrawal
	if err := w.openCurated(WithdrawalsFile, func(r io.Reader) (err error) {
		withdrawals, err = ReadWithdrawals(r)
		return err
	}); err != nil {
		return err
	}
	if err := w.open(MembershipsFile, func(r io.Reader) error {
		rows, err := ReadCuratedMemberships(r, withdrawals)
		sources = append(sources, rows)
		return err
	}); err != nil {
		return err
	}
	for _, inst := range CuratedInstruments {
		if err := w.openCurated("curated/"+inst+".csv", func(r io.Reader) error {
			rows, err := ReadCuratedInstrument(r, inst)
			sources = append(sources, rows)
			return err
		}); err != nil {
			return err
		}
	}
	if err := w.openCurated(UNTCScrapeFile, func(r io.Reader) error {
		rows, err := ReadUNTCScrape(r)
		sources = append(sources, rows)
		return err
	}); err != nil {
		return err
	}
	if err := w.open(TreatySummaryFile, func(r io.Reader) error {
		rows, err := ReadTreatySummary(r)
		sources = append(sources, rows)
		return err
	}); err != nil {
		return err
	}
	for _, l := range UNTCLists {
		if err := w.openCurated(l.File(), func(r io.Reader) error {
			rows, um, err := ReadUNTCList(r, l)
			w.keepUnmatched(um)
			sources = append(sources, rows)
			return err
		}); err != nil {
			return err
		}
	}
	var unknown []string
	w.memberships, unknown = ResolveMemberships(sources, w.asOf)
	w.res.Warnings = append(w.res.Warnings, unknown...)
	return nil
}

// readEmbargoes reads the embargo table and its curated history and resolves each
// country's embargoes on as_of.
func (w *worldBuild) readEmbargoes() error {
	var rows, history []EmbargoRow
	if err := w.open(EmbargoesFile, func(r io.Reader) error {
		var um []Unmatched
		var err error
		rows, um, err = ReadEmbargoes(r)
		w.keepUnmatched(um)
		return err
	}); err != nil {
		return err
	}
	if err := w.openCurated(EmbargoHistoryFile, func(r io.Reader) (err error) {
		history, err = ReadEmbargoHistory(r, EmbargoHistoryFile)
		return err
	}); err != nil {
		return err
	}
	var warns []string
	w.embargoes, warns = ResolveEmbargoes(rows, history, w.asOf, w.isos)
	w.res.Warnings = append(w.res.Warnings, warns...)
	return nil
}

// assembleAll builds and validates one bundle per country, except where a curated bundle of
// the same date takes its place, and sorts the unmatched rows.
func (w *worldBuild) assembleAll(opts Options) error {
	description := ""
	if opts.Description != nil {
		description = opts.Description(w.year)
	}
	res := w.res
	for _, iso := range w.isos {
		if opts.Curated != nil {
			if e, err := opts.Curated.Find(iso, res.AsOf); err == nil && e.AsOf == res.AsOf {
				res.Skipped = append(res.Skipped, fmt.Sprintf("%s: curated bundle %s/%s has the same date and takes precedence", iso, opts.Curated.Name(), e.Path))
				continue
			}
		}
		b, err := assemble(iso, res.AsOf, description, w.indices[iso], w.memberships[iso], w.embargoes[iso])
		if err != nil {
			return err
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
	return nil
}

// assemble builds and validates one country's bundle.
func assemble(iso, asOf, description string, vals map[string]Value, ms map[string]indicators.Membership, es []indicators.Embargo) (*indicators.Bundle, error) {
	c, _ := countries.Lookup(iso)
	b := &indicators.Bundle{
		SchemaVersion: indicators.SchemaVersion,
		Country:       indicators.Country{ISO3: iso, NameEN: c.NameEN, NameDE: c.NameDE},
		AsOf:          asOf,
		Description:   description,
		Licence:       "Compiled from public data sets under their producers' terms (README, section Rating the whole world from public data); the country table is ODbL 1.0 (mledoze/countries)",
		Indices:       map[string]indicators.Index{},
		Memberships:   map[string]indicators.Membership{},
		Embargoes:     []indicators.Embargo{},
		Evidence:      []indicators.Evidence{},
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
	last := 0
	err := readFrom(fsys, "data file", UCDPConflictFile, func(r io.Reader) error {
		conflicts, _, err := ReadConflicts(r)
		last = lastDataYear(conflicts)
		return err
	})
	if err != nil {
		return 0, err
	}
	return last + UCDPLag, nil
}

// lastDataYear is the last year of the conflicts.
func lastDataYear(conflicts []Conflict) int {
	last := 0
	for _, c := range conflicts {
		last = max(last, c.Year)
	}
	return last
}

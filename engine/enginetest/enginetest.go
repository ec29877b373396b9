// Package enginetest holds test bundles for the engine and its presentation: every shipped
// bundle, and synthetic bundles that trigger the reason codes the shipped ones do not reach.
package enginetest

import (
	"fmt"
	"io/fs"
	"maps"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/policies"
)

// Shipped returns the curated bundles of the fixtures and the world bundles of sample years of
// the shipped history (SampleYears: every year would cost seconds in every test that calls it).
// They are loaded once per test binary (several tests of a package call Shipped) and shared:
// the map is the caller's, the bundles must not be modified.
func Shipped(t testing.TB) map[string]*indicators.Bundle {
	t.Helper()
	shipped.once.Do(func() { shipped.bundles, shipped.err = loadShipped() })
	if shipped.err != nil {
		t.Fatal(shipped.err)
	}
	return maps.Clone(shipped.bundles)
}

var shipped struct {
	once    sync.Once
	bundles map[string]*indicators.Bundle
	err     error
}

func loadShipped() (map[string]*indicators.Bundle, error) {
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		return nil, err
	}
	out := map[string]*indicators.Bundle{}
	for _, iso := range lib.Countries() {
		for _, e := range lib.Entries(iso) {
			if !SampleYears[e.AsOf[:4]] && !strings.HasPrefix(e.Path, "curated/") {
				continue
			}
			b, err := lib.Load(e)
			if err != nil {
				return nil, err
			}
			out[e.Path] = b
		}
	}
	if len(out) < len(SampleYears)*190 {
		return nil, fmt.Errorf("found %d shipped bundles, want the world of %d years", len(out), len(SampleYears))
	}
	return out, nil
}

// SampleYears are the years of the shipped history that Shipped returns: the first and the
// last.
var SampleYears = map[string]bool{"2012": true, "2024": true}

func idx(v any, year int) indicators.Index {
	return indicators.Index{Value: v, Year: year, Provenance: indicators.Provenance{Source: "Test index source"}}
}

func member(status string) indicators.Membership {
	return indicators.Membership{Status: status, Provenance: indicators.Provenance{Source: "Test treaty source"}}
}

func members(status string, ids ...string) map[string]indicators.Membership {
	m := map[string]indicators.Membership{}
	for _, id := range ids {
		m[id] = member(status)
	}
	return m
}

func merge(ms ...map[string]indicators.Membership) map[string]indicators.Membership {
	out := map[string]indicators.Membership{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func event(id, date, category string, extra func(e *indicators.Evidence)) indicators.Evidence {
	e := indicators.Evidence{
		ID: id, Date: date, Category: category, Summary: "Test event " + id,
		Provenance: indicators.Provenance{Source: "Test evidence source"},
	}
	if extra != nil {
		extra(&e)
	}
	return e
}

var (
	conventions29 = []string{
		"geneva_protocol_1925", "ptbt", "outer_space", "npt", "seabed", "bwc", "enmod", "ccw", "cwc", "apmbc", "ccm", "att",
		"aircraft_seizure_1970", "protected_persons_1973", "hostages_1979", "nuclear_material_1980",
		"plastic_explosives_1991", "terrorist_bombings_1997", "terrorist_financing_1999", "nuclear_terrorism_2005",
		"untoc", "untoc_trafficking", "untoc_smuggling", "untoc_firearms",
		"genocide_convention", "geneva_conventions_1949", "additional_protocols_1977", "rome_statute", "uncac",
	}
	humanRights = []string{"cat", "iccpr", "icescr", "cerd", "cedaw", "crc"}
)

// Synthetic returns bundles that trigger the reason codes the shipped bundles do not reach: every
// critical and possibly critical rule, every pass and every no-data rule.
func Synthetic() map[string]*indicators.Bundle {
	base := func(iso, name string) *indicators.Bundle {
		return &indicators.Bundle{
			SchemaVersion: 1, AsOf: "2026-06-01",
			Country:     indicators.Country{ISO3: iso, NameEN: name, NameDE: name},
			Indices:     map[string]indicators.Index{},
			Memberships: map[string]indicators.Membership{},
			Embargoes:   []indicators.Embargo{},
			Evidence:    []indicators.Evidence{},
		}
	}
	yes, no := true, false

	empty := base("ZZA", "Empty")

	hot := base("ZZB", "Hot")
	hot.Embargoes = []indicators.Embargo{
		{Authority: "UN", InForce: true, Addressee: "state", Since: "2011-05-23", Unconfirmed: true, Provenance: indicators.Provenance{Source: "UNSC", CitedSource: "UN press release"}},
		{Authority: "EU", InForce: true, Addressee: "state", Since: "2012-01-02", Provenance: indicators.Provenance{Source: "EU sanctions map"}},
		{Authority: "EU", InForce: true, Addressee: "non_state", Since: "2013-03-04", Provenance: indicators.Provenance{Source: "EU sanctions map"}},
	}
	hot.Memberships = merge(
		members("not_party", conventions29[:12]...),
		members("signatory", conventions29[12:20]...),
		members("party", conventions29[20:]...),
		members("not_party", "hcoc", "wassenaar", "cat", "rome_statute", "iccpr"),
	)
	hot.Indices = map[string]indicators.Index{
		"fh_status": idx("NF", 2026), "pts": idx(5.0, 2025), "wgi_voice_accountability": idx(-1.52, 2024),
		"wgi_rule_of_law": idx(-0.25, 2024), "efw_military_interference": idx(2.75, 2023),
		"ucdp_gov_osv_years_5y": idx(3.0, 2025), "ucdp_internal_conflicts": idx(2.0, 2025),
		"ucdp_nonstate_conflicts": idx(1.0, 2025), "coups_20y": idx(2.0, 2025), "wgi_political_stability": idx(-1.8, 2024),
		"fsi_total": idx(101.5, 2025), "ucdp_interstate_conflicts": idx(1.0, 2025), "ucdp_international_conflicts_10y": idx(3.0, 2025),
		"ucdp_neighbour_conflicts": idx(4.0, 2025), "ucdp_neighbour_nonstate_conflicts": idx(2.0, 2025),
		"allied_forces_present": idx(true, 2025), "gdi_band": idx("F", 2020),
		"sats_barometer": idx(2.5, 2022), "att_bap_score": idx(4.0, 2021), "hdi": idx(0.451, 2023), "gmi_rank": idx(7.0, 2024),
		"milex_gdp": idx(6.5, 2024),
	}
	hot.Evidence = []indicators.Evidence{
		event("torture-1", "2025-03-01", "torture", func(e *indicators.Evidence) {
			e.ReportedBy, e.SummaryDE, e.CitedSource = "un_body", "Testereignis Folter", "UN Committee against Torture"
		}),
		event("repression-1", "2024-02-03", "lethal_repression", nil),
		event("unrest-1", "2023-04-05", "unrest", nil),
		event("emergency-1", "2023-04-06", "state_of_emergency", nil),
		event("clash-1", "2022-09-14", "border_clash", func(e *indicators.Evidence) { e.Counterpart = "KGZ" }),
		event("claim-1", "2024-01-01", "territorial_claim", nil),
		event("diversion-1", "2024-06-01", "diversion", func(e *indicators.Evidence) { e.ByState = &yes }),
		event("loss-1", "2001-07-08", "weapons_loss", func(e *indicators.Evidence) { e.ByState = &no }),
	}

	warm := base("ZZC", "Warm")
	warm.Embargoes = []indicators.Embargo{{Authority: "OSCE", InForce: true, Addressee: "non_state", Since: "1992-02-28", Provenance: indicators.Provenance{Source: "OSCE"}}}
	warm.Memberships = merge(
		members("party", conventions29...),
		members("not_party", "apmbc", "ccm", "ptbt", "seabed", "enmod", "npt", "bwc", "cwc"),
		members("party", humanRights...), members("party", "hcoc", "wassenaar"),
	)
	warm.Indices = map[string]indicators.Index{
		"fh_status": idx("PF", 2026), "pts": idx(3.0, 2025), "wgi_voice_accountability": idx(0.1, 2024), "wgi_rule_of_law": idx(0.4, 2024),
		"efw_military_interference": idx(5.25, 2023), "ucdp_internal_conflicts": idx(0.0, 2025),
		"allied_forces_present": idx(true, 2025), "fsi_total": idx(84.2, 2025), "gdi_band": idx("D", 2020),
		"sats_barometer": idx(8.5, 2022), "hdi": idx(0.712, 2023), "gmi_rank": idx(31.0, 2024), "milex_gdp": idx(2.1, 2024),
		"ucdp_interstate_conflicts": idx(0.0, 2025), "ucdp_neighbour_conflicts": idx(0.0, 2025),
	}

	calm := base("ZZD", "Calm")
	calm.Embargoes = []indicators.Embargo{
		{Authority: "UN", Provenance: indicators.Provenance{Source: "UNSC"}},
		{Authority: "EU", Provenance: indicators.Provenance{Source: "EU sanctions map", URL: "https://www.sanctionsmap.eu"}},
	}
	calm.Memberships = merge(members("party", conventions29...), members("party", humanRights...),
		members("party", "hcoc", "wassenaar"), members("not_party", "apmbc"))
	delete(calm.Memberships, "uncac")
	calm.Indices = map[string]indicators.Index{
		"fh_status": idx("F", 2026), "pts": idx(1.0, 2025), "wgi_voice_accountability": idx(1.2, 2024),
		"ucdp_internal_conflicts": idx(0.0, 2025), "ucdp_interstate_conflicts": idx(0.0, 2025), "ucdp_neighbour_conflicts": idx(0.0, 2025),
		"allied_forces_present": idx(true, 2025), "fsi_total": idx(40.5, 2025), "gdi_band": idx("B", 2020),
		"sats_barometer": idx(15.5, 2022), "att_bap_score": idx(12.0, 2021),
		"hdi": idx(0.712, 2023), "gmi_rank": idx(90.0, 2024), "milex_gdp": idx(1.25, 2024),
	}

	graded := base("ZZE", "Forces, no grading")
	graded.Indices = map[string]indicators.Index{"allied_forces_present": idx(true, 2025), "hdi": idx(0.9, 2023)}

	quiet := base("ZZF", "No forces")
	quiet.Indices = map[string]indicators.Index{"allied_forces_present": idx(false, 2025)}

	return map[string]*indicators.Bundle{"empty": empty, "hot": hot, "warm": warm, "calm": calm, "graded": graded, "quiet": quiet}
}

// Policies returns a copy of the embedded policies (tests included) as a MapFS, for tests
// that change some of their files before loading them.
func Policies(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(policies.FS, p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

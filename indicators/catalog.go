package indicators

import (
	"math"
	"sync"
)

// Kind is the type of an index value.
type Kind int

// Index value kinds.
const (
	Number  Kind = iota // a float, within [Min, Max]
	Integer             // a whole number, within [Min, Max]
	Enum                // one of Values
	Boolean             // true or false
)

// IndexSpec documents one index: its type, range and meaning.
type IndexSpec struct {
	ID       string
	Kind     Kind
	Min, Max float64  // for Number and Integer; ±Inf when open
	Values   []string // for Enum
	Meaning  string
}

var inf = math.Inf(1)

// Indices is the closed catalog of index ids a bundle may carry (see docs/bundle.md).
var Indices = []IndexSpec{
	{ID: "fh_status", Kind: Enum, Values: []string{"F", "PF", "NF"}, Meaning: "Freedom House status: Free, Partly Free, Not Free"},
	{ID: "fh_total", Kind: Number, Min: 0, Max: 100, Meaning: "Freedom House total score"},
	{ID: "fh_political_rights", Kind: Number, Min: -4, Max: 40, Meaning: "Freedom House political rights (can fall below 0 through the discretionary question)"},
	{ID: "fh_civil_liberties", Kind: Number, Min: 0, Max: 60, Meaning: "Freedom House civil liberties"},
	{ID: "pts", Kind: Integer, Min: 1, Max: 5, Meaning: "Political Terror Scale (5 worst)"},
	{ID: "wgi_voice_accountability", Kind: Number, Min: -5, Max: 5, Meaning: "World Bank WGI Voice and Accountability"},
	{ID: "wgi_rule_of_law", Kind: Number, Min: -5, Max: 5, Meaning: "World Bank WGI Rule of Law"},
	{ID: "wgi_political_stability", Kind: Number, Min: -5, Max: 5, Meaning: "World Bank WGI Political Stability and Absence of Violence"},
	{ID: "efw_military_interference", Kind: Number, Min: 0, Max: 10, Meaning: "Fraser EFW military interference in rule of law and politics (10 = none)"},
	{ID: "ucdp_gov_osv_years_5y", Kind: Integer, Min: 0, Max: 5, Meaning: "years of the last five with UCDP one-sided violence by the government"},
	{ID: "ucdp_internal_conflicts", Kind: Integer, Min: 0, Max: inf, Meaning: "internal armed conflicts on the territory (data year or year before)"},
	{ID: "ucdp_nonstate_conflicts", Kind: Integer, Min: 0, Max: inf, Meaning: "non-state conflicts on the territory (data year or year before)"},
	{ID: "ucdp_interstate_conflicts", Kind: Integer, Min: 0, Max: inf, Meaning: "international armed conflicts the state is a party to in the data year"},
	{ID: "ucdp_international_conflicts_10y", Kind: Integer, Min: 0, Max: inf, Meaning: "international armed conflicts the state was a party to in the previous ten years"},
	{ID: "ucdp_neighbour_conflicts", Kind: Integer, Min: 0, Max: inf, Meaning: "land neighbours with an active armed conflict in the data year"},
	{ID: "ucdp_neighbour_nonstate_conflicts", Kind: Integer, Min: 0, Max: inf, Meaning: "land neighbours with a non-state conflict on their territory in the data year"},
	{ID: "coups_20y", Kind: Integer, Min: 0, Max: inf, Meaning: "coup attempts in the last twenty years (Powell & Thyne)"},
	{ID: "fsi_total", Kind: Number, Min: 0, Max: 120, Meaning: "Fragile States Index (higher = more fragile)"},
	{ID: "gdi_band", Kind: Enum, Values: []string{"A", "B", "C", "D", "E", "F"}, Meaning: "Government Defence Integrity band (A best, F worst)"},
	{ID: "sats_barometer", Kind: Number, Min: 0, Max: 25, Meaning: "Small Arms Trade Transparency Barometer"},
	{ID: "att_bap_score", Kind: Number, Min: 0, Max: 16, Meaning: "ATT Baseline Assessment Project transfer-control score"},
	{ID: "allied_forces_present", Kind: Boolean, Meaning: "EU, NATO or UN forces in the country or a neighbouring country"},
	{ID: "hdi", Kind: Number, Min: 0, Max: 1, Meaning: "UNDP Human Development Index"},
	{ID: "gmi_rank", Kind: Integer, Min: 1, Max: inf, Meaning: "Global Militarisation Index rank (1 = most militarised)"},
	{ID: "gmi_score", Kind: Number, Min: 0, Max: inf, Meaning: "Global Militarisation Index value"},
	{ID: "milex_gdp", Kind: Number, Min: 0, Max: 100, Meaning: "military expenditure, % of GDP"},
	{ID: "milex_usd_m", Kind: Number, Min: 0, Max: inf, Meaning: "military expenditure, million US$"},
	{ID: "health_exp_gdp", Kind: Number, Min: 0, Max: 100, Meaning: "health expenditure, % of GDP"},
	{ID: "education_exp_gdp", Kind: Number, Min: 0, Max: 100, Meaning: "education expenditure, % of GDP"},
	{ID: "external_debt_gdp", Kind: Number, Min: 0, Max: inf, Meaning: "external debt, % of GDP"},
	{ID: "cpi", Kind: Number, Min: 0, Max: 100, Meaning: "Corruption Perceptions Index"},
}

// Instruments is the closed list of treaty and regime ids (see docs/bundle.md).
var Instruments = []string{
	// arms control
	"geneva_protocol_1925", "ptbt", "outer_space", "npt", "seabed", "bwc", "enmod", "ccw", "cwc", "apmbc", "ccm", "att",
	"tpnw", "hcoc", "wassenaar",
	// anti-terrorism
	"aircraft_seizure_1970", "protected_persons_1973", "hostages_1979", "nuclear_material_1980",
	"plastic_explosives_1991", "terrorist_bombings_1997", "terrorist_financing_1999", "nuclear_terrorism_2005",
	// organised crime
	"untoc", "untoc_trafficking", "untoc_smuggling", "untoc_firearms",
	// others
	"genocide_convention", "geneva_conventions_1949", "additional_protocols_1977", "rome_statute", "uncac",
	// human rights
	"cat", "opcat", "iccpr", "icescr", "cerd", "cedaw", "cedaw_op", "crc", "crc_opsc", "crc_opac",
}

// DatePrecisions are the values of an evidence item's date_precision (omitted: a full date).
var DatePrecisions = []string{"month", "year"}

// Membership statuses.
var MembershipStatuses = []string{"party", "signatory", "not_party"}

// Embargo authorities and addressees.
var (
	Authorities = []string{"UN", "EU", "OSCE"}
	Addressees  = []string{"state", "non_state"}
)

// EvidenceCategories are the categories an evidence item may have.
var EvidenceCategories = []string{
	"torture", "lethal_repression", "unrest", "state_of_emergency", "border_clash",
	"territorial_claim", "diversion", "weapons_loss", "foreign_deployment",
}

// Reporters are the kinds of body that may have reported a finding.
var Reporters = []string{"un_body", "amnesty_international", "human_rights_watch", "npm", "ngo", "government", "media", "research"}

// FigureKeys are the counts an evidence item may carry.
var FigureKeys = []string{"deaths", "injured", "detained", "weapons", "cases"}

// IndexByID returns the spec of an index id.
func IndexByID(id string) (IndexSpec, bool) {
	if i, ok := indexPositions()[id]; ok {
		return Indices[i], true
	}
	return IndexSpec{}, false
}

// indexPositions maps each index id to its place in Indices (every bundle looks up each
// of its indices).
var indexPositions = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, len(Indices))
	for i, s := range Indices {
		if _, dup := m[s.ID]; !dup {
			m[s.ID] = i
		}
	}
	return m
})

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

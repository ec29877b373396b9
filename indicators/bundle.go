// Package indicators defines the indicator bundle: one destination at one as_of date,
// with indices, treaty memberships, embargoes and dated evidence, each with its source.
// It loads bundles from YAML or JSON and validates them with errors that name the file,
// line, field path and problem.
package indicators

// SchemaVersion is the bundle schema version this build reads and writes.
const SchemaVersion = 1

// Bundle is one destination at one point in time.
type Bundle struct {
	SchemaVersion int                   `json:"schema_version"`
	Country       Country               `json:"country"`
	AsOf          string                `json:"as_of"` // YYYY-MM-DD
	Description   string                `json:"description,omitempty"`
	Licence       string                `json:"licence,omitempty"`
	Indices       map[string]Index      `json:"indices"`
	Memberships   map[string]Membership `json:"memberships"`
	Embargoes     []Embargo             `json:"embargoes"`
	Evidence      []Evidence            `json:"evidence"`
	// EvidenceRegister says which revision of the country's evidence register was merged
	// into Evidence, and which items came from it; absent when none was merged.
	EvidenceRegister *RegisterRef `json:"evidence_register,omitempty"`
}

// RegisterRef records a merge of the evidence register into a bundle: the revision of the
// country's register (a digest of its items) and the ids of the items the bundle took.
type RegisterRef struct {
	Revision string   `json:"revision"` // sha256:<hex>
	Items    []string `json:"items"`    // evidence ids, in bundle order
}

// Country identifies the destination.
type Country struct {
	ISO3   string `json:"iso3"`
	NameEN string `json:"name_en"`
	NameDE string `json:"name_de"`
}

// Provenance says where a value comes from.
type Provenance struct {
	Source      string `json:"source"`
	CitedSource string `json:"cited_source,omitempty"` // the original source a compilation cites
	URL         string `json:"url,omitempty"`
	Note        string `json:"note,omitempty"`
	// NoteDE is the note in German, for German reports; a German report shows a note without
	// it marked as English.
	NoteDE string `json:"note_de,omitempty"`
}

// Index is one indicator value: a float64, a string (enum) or a bool.
type Index struct {
	Value any `json:"value"`
	Year  int `json:"year"`
	Provenance
}

// Membership is the status of one treaty or regime.
type Membership struct {
	Status string `json:"status"` // party, signatory, not_party
	Year   int    `json:"year,omitempty"`
	Provenance
}

// Embargo is the finding of one authority: an embargo in force, or none.
type Embargo struct {
	Authority   string `json:"authority"` // UN, EU, OSCE
	InForce     bool   `json:"in_force"`
	Addressee   string `json:"addressee,omitempty"` // state, non_state
	Since       string `json:"since,omitempty"`     // YYYY-MM-DD
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
	Provenance
}

// Evidence is a dated qualitative finding.
type Evidence struct {
	ID   string `json:"id"`
	Date string `json:"date"` // YYYY-MM-DD
	// DatePrecision says how much of Date the source gives: "month" (the day is a placeholder,
	// the first) or "year" (month and day are placeholders); empty for a full date. Reports
	// show the date at this precision ("January 2022", "2016").
	DatePrecision string `json:"date_precision,omitempty"`
	// Published (YYYY-MM-DD), if given, is when the source made the finding public: an item
	// enters only bundles whose as_of is on or after it, so that a bundle never holds what
	// could not be known on its date (an item is dated by the event it describes).
	Published   string         `json:"published,omitempty"`
	Category    string         `json:"category"`
	Summary     string         `json:"summary"`
	SummaryDE   string         `json:"summary_de,omitempty"`
	ReportedBy  string         `json:"reported_by,omitempty"`
	ByState     *bool          `json:"by_state,omitempty"`
	Counterpart string         `json:"counterpart,omitempty"`
	Figures     map[string]int `json:"figures,omitempty"`
	// Quote is the sentence of the source the item rests on, verbatim.
	Quote string `json:"quote,omitempty"`
	// AddedBy and AddedOn (YYYY-MM-DD) say who put the item in the register and when;
	// ApprovedBy is the second person who approved it (server four-eyes workflow).
	AddedBy    string `json:"added_by,omitempty"`
	AddedOn    string `json:"added_on,omitempty"`
	ApprovedBy string `json:"approved_by,omitempty"`
	Provenance
}

package importers

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// Deployments file and source.
const (
	DeploymentsFile   = "deployments/deployments_2026.csv"
	deploymentsSource = "shared/data deployments_2026.csv (curated UN, EU and NATO deployments by host country, state early 2026)"
)

// Deployment is one mission in one host country.
type Deployment struct {
	Host           string // ISO3
	Force, Mission string
	Start          time.Time // the mission (or its predecessor) was certainly under way from this day
	End            time.Time // zero while active
	Basis          string    // archived_page or general_knowledge
	SourceURL      string
	Predecessor    string // predecessor mission named in the note, whose start date Start is
}

var successorOf = regexp.MustCompile(`Successor of ([^()]+?) \((\d{4}-\d{2}-\d{2})\)`)

// partialDate reads YYYY, YYYY-MM or YYYY-MM-DD. It returns the last day of the period, the
// first day on which the event has certainly happened.
func partialDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "2006-01", "2006"} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		switch layout {
		case "2006-01":
			return t.AddDate(0, 1, -1), nil
		case "2006":
			return t.AddDate(1, 0, -1), nil
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("want YYYY, YYYY-MM or YYYY-MM-DD, got %q", s)
}

// ReadDeployments reads the deployments table. Status "ended_YYYY-MM-DD" and
// "active_mandate_to_YYYY-MM-DD" give an end date; a note "Successor of X (date)" (EUMAM
// Mozambique after EUTM Mozambique, MONUSCO after MONUC) moves the start back to the
// predecessor's, since the table has no row for it. Rows without a host country (maritime
// operations) are unmatched.
func ReadDeployments(r io.Reader) ([]Deployment, []Unmatched, error) {
	t, err := readTable(r, DeploymentsFile, false)
	if err != nil {
		return nil, nil, err
	}
	if err := t.need("host_iso3", "force", "mission", "since", "status_as_of_2026", "source_url", "basis", "note"); err != nil {
		return nil, nil, err
	}
	var (
		out []Deployment
		um  []Unmatched
	)
	for _, rw := range t.rows {
		d := Deployment{Force: t.get(rw, "force"), Mission: t.get(rw, "mission"), Basis: t.get(rw, "basis"), SourceURL: t.get(rw, "source_url")}
		if d.Host, _ = resolveCode(t.get(rw, "host_iso3")); d.Host == "" {
			um = append(um, Unmatched{Source: DeploymentsFile, Name: d.Force + " " + d.Mission, Reason: "no host country (maritime operation on the high seas)"})
			continue
		}
		if d.Start, err = partialDate(t.get(rw, "since")); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: since: %w", t.name, rw.line, err)
		}
		if m := successorOf.FindStringSubmatch(t.get(rw, "note")); m != nil {
			pred, err := time.Parse(time.DateOnly, m[2])
			if err != nil {
				return nil, nil, fmt.Errorf("%s:%d: note: predecessor date: %w", t.name, rw.line, err)
			}
			if pred.Before(d.Start) {
				d.Start, d.Predecessor = pred, strings.TrimSpace(m[1])
			}
		}
		status := t.get(rw, "status_as_of_2026")
		switch {
		case status == "active", status == "active_terminating":
		case strings.HasPrefix(status, "ended_"), strings.HasPrefix(status, "active_mandate_to_"):
			date := status[strings.LastIndex(status, "_")+1:]
			if d.End, err = time.Parse(time.DateOnly, date); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: status_as_of_2026: %w", t.name, rw.line, err)
			}
		default:
			return nil, nil, fmt.Errorf("%s:%d: status_as_of_2026: unknown status %q", t.name, rw.line, status)
		}
		if d.Basis != "archived_page" && d.Basis != "general_knowledge" {
			return nil, nil, fmt.Errorf("%s:%d: basis: want archived_page or general_knowledge, got %q", t.name, rw.line, d.Basis)
		}
		out = append(out, d)
	}
	return out, um, nil
}

// present reports whether the deployment was under way on day asOf.
func (d Deployment) present(asOf time.Time) bool {
	return !d.Start.After(asOf) && (d.End.IsZero() || !asOf.After(d.End))
}

// AlliedForces computes allied_forces_present for asOf: true when a UN, EU or NATO
// deployment of the table was under way in the country or a land neighbour. The note names
// the missions and flags rows the table marks general_knowledge (not confirmed from an
// archived page). The table covers UN peacekeeping operations, EU CSDP military missions and
// operations, and NATO deployments; UN special political missions, civilian CSDP missions
// and NATO air policing are outside it.
//
// complete says whether the table can also tell an absence: it is a state of early 2026 that
// keeps only three of the missions that ended before, so for an earlier as_of only a presence
// is a fact (a mission listed as under way then); without one the value is left out (unknown).
func AlliedForces(deps []Deployment, asOf time.Time, isos []string, complete bool) []Value {
	byHost := map[string][]Deployment{}
	for _, d := range deps {
		if d.present(asOf) {
			byHost[d.Host] = append(byHost[d.Host], d)
		}
	}
	var out []Value
	for _, iso := range isos {
		var parts []string
		general := false
		for _, host := range append([]string{iso}, LandNeighbours(iso)...) {
			for _, d := range byHost[host] {
				p := fmt.Sprintf("%s %s in %s", d.Force, d.Mission, host)
				if d.Predecessor != "" {
					p += " (as " + d.Predecessor + ")"
				}
				if d.Basis == "general_knowledge" {
					p += " [general_knowledge]"
					general = true
				}
				parts = append(parts, p)
			}
		}
		sort.Strings(parts)
		if len(parts) == 0 && !complete {
			continue
		}
		note := "no UN peacekeeping operation, EU CSDP military mission or NATO deployment in the country or a land neighbour"
		noteDE := "keine UN-Friedensmission, keine militärische GSVP-Mission der EU und kein NATO-Einsatz im Land oder in einem Nachbarland mit Landgrenze"
		if len(parts) > 0 {
			noteDE = "" // the rows' texts are English
			note = "present: " + strings.Join(parts, "; ")
			if general {
				note += "; rows marked general_knowledge were not confirmed from an archived page and need checking against the live mission pages"
			}
			if !complete {
				note += "; the table (state early 2026) misses most missions that ended before, so this names what it knows"
			}
		}
		out = append(out, Value{ISO3: iso, ID: "allied_forces_present", Value: len(parts) > 0, Year: asOf.Year(), Provenance: indicators.Provenance{
			Source: deploymentsSource, CitedSource: "UN Department of Peace Operations, EEAS, NATO/SHAPE public pages", Note: note, NoteDE: noteDE,
		}})
	}
	return out
}

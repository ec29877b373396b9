package importers

import (
	"fmt"
	"io"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// PTS file name.
const PTSFile = "pts/pts_1976_2023_iso3.csv"

const ptsSource = "Political Terror Scale, PTS-2024 release (data 1976-2023)"

// PTS reads the Political Terror Scale. The catalog's pts is the highest (worst) of the
// scores available for the country and year: PTS_A (coded from Amnesty International
// reports), PTS_H (Human Rights Watch) and PTS_S (US State Department). Taking the maximum
// follows the catalog definition ("highest of its sources") and is the cautious reading
// for an export-control screen; the note lists all three so the reader can see the spread.
// A year with no score at all (NA, with NA_Status 66/77/88/99) gives no value. Entities
// without a code (Soviet Union, Crimea, Gaza (Hamas), Somaliland, ...) are unmatched when
// they have a score.
func PTS(r io.Reader) (*Result, error) {
	t, err := readTable(r, PTSFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "Country", "Year", "PTS_A", "PTS_H", "PTS_S"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		year, err := t.year(rw, "Year")
		if err != nil {
			return nil, err
		}
		best, parts := 0, make([]string, 0, 3)
		for _, src := range []struct{ col, label string }{{"PTS_A", "A"}, {"PTS_H", "H"}, {"PTS_S", "S"}} {
			v, ok, err := t.integer(rw, src.col)
			if err != nil {
				return nil, err
			}
			if !ok {
				parts = append(parts, src.label+" NA")
				continue
			}
			if v < 1 || v > 5 {
				return nil, fmt.Errorf("%s:%d: %s: want 1..5, got %d", t.name, rw.line, src.col, v)
			}
			parts = append(parts, fmt.Sprintf("%s %d", src.label, v))
			best = max(best, v)
		}
		if best == 0 {
			continue // no score from any source this year
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(PTSFile, t.get(rw, "Country"), year, reason)
			continue
		}
		res.add(Value{ISO3: iso, ID: "pts", Value: float64(best), Year: year, Provenance: indicators.Provenance{
			Source: ptsSource,
			Note:   "highest of the available scores (Amnesty A, Human Rights Watch H, State Department S): " + strings.Join(parts, ", "),
		}})
	}
	return res, nil
}

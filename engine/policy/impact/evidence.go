package impact

import (
	"context"
	"fmt"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// Evidence compares, under the policies of e, every bundle of the country iso3 with the
// evidence of base merged and with the evidence of head merged (two revisions of the
// evidence register, e.g. without and with a proposed item). Changes are by bundle date.
// The Base and Head fields of the report are left to the caller.
func Evidence(ctx context.Context, e *engine.Engine, lib *indicators.Library, iso3 string, base, head indicators.Merger) (*Report, error) {
	var pairs []Pair
	for _, entry := range lib.Entries(iso3) {
		var p Pair
		for _, side := range []struct {
			m   indicators.Merger
			out **engine.Result
		}{{base, &p.Base}, {head, &p.Head}} {
			b, err := lib.WithEvidence(side.m).Load(entry)
			if err != nil {
				return nil, &BundleError{err}
			}
			a, err := e.Assess(ctx, b)
			if err != nil {
				return nil, fmt.Errorf("%s as of %s: %w", iso3, entry.AsOf, err)
			}
			*side.out = a.Result
		}
		pairs = append(pairs, p)
	}
	r, err := compare(pairs, false)
	if err != nil {
		return nil, err
	}
	r.Library = lib.Name()
	return r, nil
}

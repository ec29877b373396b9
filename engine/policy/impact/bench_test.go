package impact

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// BenchmarkImpactEveryYear is `exportrisk policy impact --as-of YYYY-12-31` for every year of
// the shipped library (the current year without --as-of), one after the other, without the printing: the shipped policies against
// the same policies with the critical HDI bound of criterion 8 raised from 0.55 to 0.65, every
// country's bundle of the year assessed under both (on GOMAXPROCS workers) and compared. The
// library is opened afresh every op, so one op also expands the history files and parses and
// validates every bundle, as the command does, with the command's garbage collector setting.
// Each runs with the compiled evaluator and with OPA's interpreter.
func BenchmarkImpactEveryYear(b *testing.B) {
	ctx := context.Background()
	// The collector as the command sets it (cmd/exportrisk/gc.go, applyBatchGC): GOGC 400 and
	// a soft limit of 1 GiB, unless GOGC or GOMEMLIMIT is set.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	}
	edit := map[string]string{"    critical_hdi_below: 0.55": "    critical_hdi_below: 0.65"}
	years := shippedYears(b)
	for _, ev := range []string{engine.EvaluatorCompiled, engine.EvaluatorOPA} {
		base := policiesWith(b, nil, engine.WithEvaluator(ev))
		head := policiesWith(b, edit, engine.WithEvaluator(ev))
		b.Run("evaluator="+ev, func(b *testing.B) {
			b.ReportMetric(float64(len(years)), "years/op")
			for b.Loop() {
				lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
				if err != nil {
					b.Fatal(err)
				}
				for _, y := range years {
					asOf := strconv.Itoa(y) + "-12-31"
					if asOf > time.Now().Format(time.DateOnly) {
						asOf = "" // this year: the latest bundles
					}
					r, err := Run(ctx, base, head, lib, Options{AsOf: asOf})
					if err != nil {
						b.Fatal(err)
					}
					if r.Countries < 190 {
						b.Fatalf("%d: %d countries compared, want the world", y, r.Countries)
					}
				}
			}
		})
	}
}

// shippedYears are the years of the shipped library's bundles.
func shippedYears(b *testing.B) []int {
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		b.Fatal(err)
	}
	seen := map[int]bool{}
	var years []int
	for _, iso := range lib.Countries() {
		for _, e := range lib.Entries(iso) {
			y, err := strconv.Atoi(e.AsOf[:4])
			if err != nil {
				b.Fatal(err)
			}
			if !seen[y] {
				seen[y] = true
				years = append(years, y)
			}
		}
	}
	if len(years) < 13 {
		b.Fatalf("%d years in the shipped library, want the history", len(years))
	}
	return years
}

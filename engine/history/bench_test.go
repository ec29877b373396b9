package history_test

import (
	"context"
	"testing"

	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// shippedService is a Service over a freshly opened shipped library: nothing expanded,
// parsed or assessed yet, so one op pays for all of it.
func shippedService(b *testing.B) *history.Service {
	b.Helper()
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		b.Fatal(err)
	}
	return history.New(newEngine(b), lib)
}

// BenchmarkAssessHistory assesses the whole shipped history: every country's bundle of every
// year (13 × 197), expanding the history files, parsing and validating every bundle, and
// evaluating it (countries in parallel, as assess --all). One op = the whole history.
func BenchmarkAssessHistory(b *testing.B) {
	ctx := context.Background()
	newEngine(b)
	for b.Loop() {
		svc := shippedService(b)
		n := 0
		for _, y := range svc.Years() {
			w, err := svc.World(ctx, y)
			if err != nil {
				b.Fatal(err)
			}
			n += len(w.Countries)
		}
		b.ReportMetric(float64(n), "bundles/op")
	}
}

// BenchmarkCountryHistory is "exportrisk history UKR" without the printing: 13 bundles
// loaded and assessed, the changes between years worked out.
func BenchmarkCountryHistory(b *testing.B) {
	ctx := context.Background()
	newEngine(b)
	for b.Loop() {
		if _, err := shippedService(b).Country(ctx, "UKR", 0, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiff is "exportrisk data diff --from 2022 --to 2023" without the printing: two
// worlds loaded and assessed, every flip with its reasons.
func BenchmarkDiff(b *testing.B) {
	ctx := context.Background()
	newEngine(b)
	for b.Loop() {
		if _, err := shippedService(b).Diff(ctx, 2022, 2023); err != nil {
			b.Fatal(err)
		}
	}
}

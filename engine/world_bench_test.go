package engine_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// BenchmarkAssessAll assesses the latest shipped bundle of every country (the built world
// bundles plus the curated ones), as `exportrisk assess --all` does, with one engine prepared
// once. "assess" times the evaluation alone, one country after the other; "assess-parallel"
// spreads the countries over GOMAXPROCS workers as assess --all does; "load+assess" adds
// parsing and validating every bundle file (sequential). One op = the whole world. Each
// runs with the compiled evaluator and with OPA's interpreter.
func BenchmarkAssessAll(b *testing.B) {
	for _, ev := range []string{engine.EvaluatorCompiled, engine.EvaluatorOPA} {
		b.Run("evaluator="+ev, func(b *testing.B) { benchmarkAssessAll(b, ev) })
	}
}

func benchmarkAssessAll(b *testing.B, evaluator string) {
	ctx := context.Background()
	p, err := policy.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	e, err := engine.New(ctx, p, engine.WithEvaluator(evaluator))
	if err != nil {
		b.Fatal(err)
	}
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		b.Fatal(err)
	}
	var (
		entries []indicators.Entry
		bundles []*indicators.Bundle
	)
	for _, iso := range lib.Countries() {
		entry, err := lib.Find(iso, "")
		if err != nil {
			b.Fatal(err)
		}
		bd, err := lib.Load(entry)
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, entry)
		bundles = append(bundles, bd)
	}
	if len(bundles) < 190 {
		b.Fatalf("only %d countries in the shipped library; the world bundles are missing", len(bundles))
	}
	b.Run("assess", func(b *testing.B) {
		b.ReportMetric(float64(len(bundles)), "countries/op")
		for b.Loop() {
			for _, bd := range bundles {
				if _, err := e.Assess(ctx, bd); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("assess-parallel", func(b *testing.B) {
		b.ReportMetric(float64(len(bundles)), "countries/op")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
		for b.Loop() {
			assessParallel(b, e, bundles)
		}
	})
	b.Run("load+assess", func(b *testing.B) {
		b.ReportMetric(float64(len(entries)), "countries/op")
		for b.Loop() {
			for _, entry := range entries {
				bd, err := lib.Load(entry)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Assess(ctx, bd); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// assessParallel assesses bundles on GOMAXPROCS workers, as assess --all and the history do.
func assessParallel(b *testing.B, e *engine.Engine, bundles []*indicators.Bundle) {
	ctx := context.Background()
	jobs := make(chan *indicators.Bundle)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for bd := range jobs {
				if _, err := e.Assess(ctx, bd); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for _, bd := range bundles {
		jobs <- bd
	}
	close(jobs)
	wg.Wait()
}

// BenchmarkAssessEveryYear assesses every bundle of the shipped library: every country of
// every year of the history plus the curated bundles (about 2,600). "assess-parallel" from the
// parsed bundles (input with canonical JSON and digest, evaluation, reasons) on GOMAXPROCS
// workers; "load+assess-parallel" opens the library afresh every op, so it adds expanding the
// history files and parsing and validating every bundle. One op = the whole library. Each
// runs with the compiled evaluator and with OPA's interpreter.
func BenchmarkAssessEveryYear(b *testing.B) {
	ctx := context.Background()
	p, err := policy.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	for _, ev := range []string{engine.EvaluatorCompiled, engine.EvaluatorOPA} {
		e, err := engine.New(ctx, p, engine.WithEvaluator(ev))
		if err != nil {
			b.Fatal(err)
		}
		lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
		if err != nil {
			b.Fatal(err)
		}
		bundles := loadEvery(b, lib)
		if len(bundles) < 13*190 {
			b.Fatalf("only %d bundles in the shipped library; the history is missing", len(bundles))
		}
		b.Run("evaluator="+ev+"/assess-parallel", func(b *testing.B) {
			b.ReportMetric(float64(len(bundles)), "bundles/op")
			for b.Loop() {
				assessParallel(b, e, bundles)
			}
		})
		b.Run("evaluator="+ev+"/load+assess-parallel", func(b *testing.B) {
			b.ReportMetric(float64(len(bundles)), "bundles/op")
			for b.Loop() {
				lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
				if err != nil {
					b.Fatal(err)
				}
				assessParallel(b, e, loadEvery(b, lib))
			}
		})
	}
}

// loadEvery loads every bundle of lib.
func loadEvery(b *testing.B, lib *indicators.Library) []*indicators.Bundle {
	var out []*indicators.Bundle
	for _, iso := range lib.Countries() {
		for _, entry := range lib.Entries(iso) {
			bd, err := lib.Load(entry)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, bd)
		}
	}
	return out
}

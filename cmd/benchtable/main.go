// Command benchtable supports make bench: it writes the Kazakhstan input for `opa bench`
// and prints the side-by-side table of the benchmarks, each with its ratio against OPA's
// interpreter and upstream opa measured in the same run.
//
//	benchtable input FILE       write the canonical JSON of the Kazakhstan bundle to FILE
//	benchtable table FILE...    read `go test -bench` output (opa bench --format gobench
//	                            included) and print the table as Markdown
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	switch {
	case len(args) == 2 && args[0] == "input":
		raw, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
		if err != nil {
			return err
		}
		b, err := indicators.Parse("curated/KAZ-2026-06-01.yaml", raw)
		if err != nil {
			return err
		}
		c, err := b.CanonicalJSON()
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], c, 0o644)
	case len(args) >= 2 && args[0] == "table":
		results := results{}
		for _, name := range args[1:] {
			if err := results.read(name); err != nil {
				return err
			}
		}
		results.table(w)
		return nil
	}
	return errors.New("usage: benchtable input FILE | benchtable table FILE [FILE]")
}

// results are the metrics of each benchmark by name (without the -GOMAXPROCS suffix):
// unit -> value, e.g. "ns/op" -> 2.5e6.
type results map[string]map[string]float64

func (r results) read(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		bench := fields[0]
		if i := strings.LastIndexByte(bench, '-'); i > 0 {
			if _, err := strconv.Atoi(bench[i+1:]); err == nil {
				bench = bench[:i]
			}
		}
		m := map[string]float64{}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			m[fields[i+1]] = v
		}
		r[bench] = m
	}
	return sc.Err()
}

func (r results) get(bench, unit string) (float64, bool) {
	m, ok := r[bench]
	if !ok {
		return 0, false
	}
	v, ok := m[unit]
	return v, ok
}

// row is one line of the table: the benchmarks of exportrisk's compiled evaluator, of
// exportrisk on OPA's interpreter and of upstream opa ("" when there is none), compared in
// unit (lower is better unless higher), shown multiplied by scale in shown.
type row struct {
	what                  string
	compiled, interp, opa string
	unit                  string
	higher                bool
	scale                 float64
	shown                 string
}

func (r results) table(w io.Writer) {
	const (
		ev = "BenchmarkEvaluate/evaluator="
		as = "BenchmarkAssessEvaluators/evaluator="
		wa = "BenchmarkAssessAll/evaluator="
		rp = "BenchmarkReplay/embedded/evaluator="
		ey = "BenchmarkAssessEveryYear/evaluator="
	)
	rows := []row{
		{what: "policy evaluation, Kazakhstan", compiled: ev + "compiled", interp: ev + "opa", opa: "BenchmarkOPAEval", unit: "ns/op", scale: 1e-3, shown: "µs"},
		{what: "allocations of that evaluation", compiled: ev + "compiled", interp: ev + "opa", opa: "BenchmarkOPAEval", unit: "allocs/op", scale: 1, shown: "allocs"},
		{what: "whole assessment of a shipped bundle (its input kept, as the server and the world overview keep it)", compiled: as + "compiled/shipped", interp: as + "opa/shipped", opa: "BenchmarkOPAEval", unit: "ns/op", scale: 1e-3, shown: "µs"},
		{what: "allocations of that assessment", compiled: as + "compiled/shipped", interp: as + "opa/shipped", opa: "BenchmarkOPAEval", unit: "allocs/op", scale: 1, shown: "allocs"},
		{what: "whole assessment of a parsed bundle (assess --bundle: input, canonical JSON and digest made)", compiled: as + "compiled/bundle", interp: as + "opa/bundle", opa: "BenchmarkOPAEval", unit: "ns/op", scale: 1e-3, shown: "µs"},
		{what: "allocations of that assessment", compiled: as + "compiled/bundle", interp: as + "opa/bundle", opa: "BenchmarkOPAEval", unit: "allocs/op", scale: 1, shown: "allocs"},
		{what: "whole assessment of recorded canonical JSON (replay: digest, input read or found by digest)", compiled: as + "compiled/recorded", interp: as + "opa/recorded", opa: "BenchmarkOPAEval", unit: "ns/op", scale: 1e-3, shown: "µs"},
		{what: "the whole world (assess --all, one core)", compiled: wa + "compiled/assess", interp: wa + "opa/assess", unit: "ns/op", scale: 1e-6, shown: "ms"},
		{what: "the whole world on 2 workers", compiled: wa + "compiled/assess-parallel", interp: wa + "opa/assess-parallel", unit: "ns/op", scale: 1e-6, shown: "ms"},
		{what: "the whole world with loading and validation", compiled: wa + "compiled/load+assess", interp: wa + "opa/load+assess", unit: "ns/op", scale: 1e-6, shown: "ms"},
		{what: "every country × every year (every bundle of the library, about 2,600; 2 workers)", compiled: ey + "compiled/assess-parallel", interp: ey + "opa/assess-parallel", unit: "ns/op", scale: 1e-6, shown: "ms"},
		{what: "the same with expanding, loading and validating every bundle", compiled: ey + "compiled/load+assess-parallel", interp: ey + "opa/load+assess-parallel", unit: "ns/op", scale: 1e-6, shown: "ms"},
		{what: "`policy impact` over every year (library loaded, every country under both revisions)", compiled: "BenchmarkImpactEveryYear/evaluator=compiled", interp: "BenchmarkImpactEveryYear/evaluator=opa", unit: "ns/op", scale: 1e-6, shown: "ms"},
		{what: "replay of 10,000 decisions from the store", compiled: rp + "compiled/from-store", interp: rp + "opa/from-store", unit: "s/10k", scale: 1, shown: "s"},
		{what: "server with recording, 8 clients (opa: `opa run --server`, no recording)", compiled: "BenchmarkServeAssessments/country/clients=8", opa: "BenchmarkOPAServer", unit: "assessments/s", higher: true, scale: 1, shown: "/s"},
		{what: "p99 latency of those requests", compiled: "BenchmarkServeAssessments/country/clients=8", opa: "BenchmarkOPAServer", unit: "p99-ms", scale: 1, shown: "ms"},
	}
	fmt.Fprintln(w, "| measure | compiled | OPA interpreter (in exportrisk) | upstream opa | compiled vs interpreter | compiled vs opa |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, x := range rows {
		c, okC := r.get(x.compiled, x.unit)
		i, okI := r.get(x.interp, x.unit)
		o, okO := r.get(x.opa, x.unit)
		if !okC {
			continue
		}
		cell := func(v float64, ok bool) string {
			if !ok {
				return "–"
			}
			return format(v*x.scale) + " " + x.shown
		}
		ratio := func(other float64, ok bool) string {
			if !ok || c == 0 || other == 0 {
				return "–"
			}
			if x.higher {
				return fmt.Sprintf("%.2f×", c/other)
			}
			if other < c {
				return fmt.Sprintf("%.2f× slower", c/other)
			}
			return fmt.Sprintf("%.2f× faster", other/c)
		}
		if x.unit == "allocs/op" {
			ratio = func(other float64, ok bool) string {
				if !ok || c == 0 {
					return "–"
				}
				return fmt.Sprintf("%.2f× fewer", other/c)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", x.what, cell(c, okC), cell(i, okI), cell(o, okO), ratio(i, okI), ratio(o, okO))
	}
}

func format(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/report"
	"github.com/exportrisk/exportrisk/indicators"
)

// World is the assessment of every country of a library under one policy revision.
type World struct {
	AsOf             string              `json:"as_of,omitempty"` // the --as-of asked for; empty = each country's latest bundle
	PolicyRevision   string              `json:"policy_revision"`
	Countries        []CountryVerdicts   `json:"countries"`
	Classes          map[string]int      `json:"classes"`           // overall class -> number of countries
	InsufficientData map[string][]string `json:"insufficient_data"` // criterion "1".."8" -> ISO3 codes
	NoBundle         []string            `json:"no_bundle,omitempty"`
}

// CountryVerdicts is one country's line of the world table.
type CountryVerdicts struct {
	ISO3          string   `json:"iso3"`
	NameEN        string   `json:"name_en"`
	NameDE        string   `json:"name_de"`
	AsOf          string   `json:"as_of"`
	Bundle        string   `json:"bundle"`
	Verdicts      []string `json:"verdicts"` // criteria 1..8
	Overall       string   `json:"overall"`
	CriticalCount int      `json:"critical_count"`
}

// AssessWorld assesses the latest bundle of every country in lib dated on or before asOf
// ("" for each country's latest), with one prepared engine. Countries are evaluated in
// parallel (one worker per CPU; the engine is safe for concurrent use); the result is in
// ISO3 order whatever the scheduling.
func AssessWorld(ctx context.Context, e *engine.Engine, lib *indicators.Library, asOf string) (*World, error) {
	w := &World{
		AsOf: asOf, PolicyRevision: e.Policies().Revision,
		Classes:          map[string]int{engine.DarkRed: 0, engine.LightRed: 0, engine.None: 0},
		InsufficientData: map[string][]string{},
	}
	var entries []indicators.Entry
	for _, iso := range lib.Countries() {
		entry, err := lib.Find(iso, asOf)
		if err != nil {
			w.NoBundle = append(w.NoBundle, iso)
			continue
		}
		entries = append(entries, entry)
	}
	type outcome struct {
		b   *indicators.Bundle
		res *engine.Result
		err error
	}
	outcomes := make([]outcome, len(entries))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(entries), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b, err := lib.Load(entries[i])
				if err != nil {
					outcomes[i].err = inputError(err)
					continue
				}
				res, err := e.Assess(ctx, b)
				if err != nil {
					err = withCode(exitPolicy, fmt.Errorf("assess %s: %w", entries[i].Path, err))
				}
				outcomes[i] = outcome{b, res, err}
			}
		}()
	}
	for i := range entries {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, entry := range entries {
		o := outcomes[i]
		if o.err != nil {
			return nil, o.err
		}
		iso, b, res := entry.ISO3, o.b, o.res
		cv := CountryVerdicts{
			ISO3: iso, NameEN: b.Country.NameEN, NameDE: b.Country.NameDE, AsOf: b.AsOf,
			Bundle: lib.Name() + "/" + entry.Path, Overall: res.Overall, CriticalCount: res.CriticalCount,
			Verdicts: make([]string, 8),
		}
		for _, c := range res.Criteria {
			if c.Criterion < 1 || c.Criterion > 8 {
				continue
			}
			cv.Verdicts[c.Criterion-1] = c.Verdict
			if c.Verdict == engine.InsufficientData {
				k := strconv.Itoa(c.Criterion)
				w.InsufficientData[k] = append(w.InsufficientData[k], iso)
			}
		}
		w.Classes[res.Overall]++
		w.Countries = append(w.Countries, cv)
	}
	return w, nil
}

// assessAll is assess --all: every country of the library, the eight verdicts and the
// overall class, then the count per class and where data is insufficient.
func assessAll(c *cli.Context, cfg *Config) error {
	switch {
	case c.NArg() > 0:
		return usageErrorf("assess: --all rates every country; it takes no country code")
	case c.IsSet("bundle"):
		return usageErrorf("assess: --all cannot be used with --bundle")
	case c.IsSet("explain"):
		return usageErrorf("assess: --all cannot be used with --explain")
	}
	if err := cfg.checkFormat("table", "csv", "json"); err != nil {
		return err
	}
	asOf := c.String("as-of")
	if asOf != "" {
		if _, err := time.Parse(time.DateOnly, asOf); err != nil {
			return usageErrorf("as-of: want a date YYYY-MM-DD, got %q", asOf)
		}
	}
	lib, err := openLibrary(cfg)
	if err != nil {
		return err
	}
	e, err := newEngine(c.Context, cfg)
	if err != nil {
		return err
	}
	w, err := AssessWorld(c.Context, e, lib, asOf)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	switch cfg.Format {
	case "json":
		err = writeJSON(&out, w)
	case "csv":
		err = writeWorldCSV(&out, w)
	default:
		err = writeWorldTable(&out, w, cfg.Lang)
	}
	if err != nil {
		return err
	}
	_, err = c.App.Writer.Write(out.Bytes())
	return err
}

// shortVerdicts are the table's column codes.
var shortVerdicts = map[string]string{
	engine.Critical: "CRIT", engine.PossiblyCritical: "poss", engine.NotCritical: "-", engine.InsufficientData: "n/d",
}

func writeWorldTable(out io.Writer, w *World, lang string) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ISO3\tCountry\tAs of\t1\t2\t3\t4\t5\t6\t7\t8\tOverall")
	for _, cv := range w.Countries {
		name := cv.NameEN
		if lang == "de" {
			name = cv.NameDE
		}
		cols := make([]string, len(cv.Verdicts))
		for i, v := range cv.Verdicts {
			cols[i] = shortVerdicts[v]
			if cols[i] == "" {
				cols[i] = v
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cv.ISO3, name, cv.AsOf, strings.Join(cols, "\t"), cv.Overall)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nCRIT = %s, poss = %s, - = %s, n/d = %s\n",
		report.Verdict(engine.Critical, lang), report.Verdict(engine.PossiblyCritical, lang),
		report.Verdict(engine.NotCritical, lang), report.Verdict(engine.InsufficientData, lang))
	fmt.Fprintf(out, "%d countries: %d %s, %d %s, %d %s\n", len(w.Countries),
		w.Classes[engine.DarkRed], report.Overall(engine.DarkRed, lang),
		w.Classes[engine.LightRed], report.Overall(engine.LightRed, lang),
		w.Classes[engine.None], report.Overall(engine.None, lang))
	for n := 1; n <= 8; n++ {
		if isos := w.InsufficientData[strconv.Itoa(n)]; len(isos) > 0 {
			fmt.Fprintf(out, "%s on criterion %d (%d): %s\n", report.Verdict(engine.InsufficientData, lang), n, len(isos), strings.Join(isos, " "))
		}
	}
	if len(w.NoBundle) > 0 {
		fmt.Fprintf(out, "no bundle on or before %s: %s\n", w.AsOf, strings.Join(w.NoBundle, " "))
	}
	fmt.Fprintf(out, "Policy revision: %s\n", w.PolicyRevision)
	return nil
}

func writeWorldCSV(out io.Writer, w *World) error {
	cw := csv.NewWriter(out)
	header := []string{"iso3", "name_en", "name_de", "as_of", "bundle"}
	for n := 1; n <= 8; n++ {
		header = append(header, "c"+strconv.Itoa(n))
	}
	header = append(header, "overall", "critical_count")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, cv := range w.Countries {
		rec := append([]string{cv.ISO3, cv.NameEN, cv.NameDE, cv.AsOf, cv.Bundle}, cv.Verdicts...)
		rec = append(rec, cv.Overall, strconv.Itoa(cv.CriticalCount))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

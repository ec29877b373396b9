package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

// assessWorld is engine.AssessWorld with exit codes: an invalid bundle is invalid input,
// a failing evaluation a policy error.
func assessWorld(ctx context.Context, e *engine.Engine, lib *indicators.Library, asOf string) (*engine.World, error) {
	w, err := engine.AssessWorld(ctx, e, lib, asOf)
	var werr *engine.WorldError
	switch {
	case err == nil:
		return w, nil
	case errors.As(err, &werr) && werr.Assess:
		return nil, withCode(exitPolicy, err)
	default:
		return nil, inputError(err)
	}
}

// worldOutput is the JSON of assess --all: the world table and whether its decisions
// were recorded (each country then has its decision_id).
type worldOutput struct {
	*engine.World
	Recorded bool `json:"recorded"`
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
	w, err := assessWorld(c.Context, e, lib, asOf)
	if err != nil {
		return err
	}
	// Every country's decision is recorded in one append: all of them or none.
	as := make([]*engine.Assessment, 0, len(w.Countries))
	for _, a := range w.Assessments() {
		as = append(as, a.Assessment)
	}
	recs, err := recordAll(c, cfg, as)
	if err != nil {
		return err
	}
	for i, r := range recs {
		w.Countries[i].DecisionID = r.DecisionID
	}
	var out bytes.Buffer
	switch cfg.Format {
	case "json":
		err = writeJSON(&out, worldOutput{World: w, Recorded: !c.Bool("no-record")})
	case "csv":
		err = writeWorldCSV(&out, w, len(e.Criteria()))
	default:
		err = writeWorldTable(&out, w, len(e.Criteria()), cfg.Lang)
		if err == nil {
			writeWorldRecorded(&out, recs, c.Bool("no-record"), cfg.Lang)
		}
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

// writeWorldTable writes the world as a table, one column per criterion (criteria of them).
func writeWorldTable(out io.Writer, w *engine.World, criteria int, lang string) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "ISO3\t%s\t%s\t", present.T(lang, "country"), present.T(lang, "as_of_col"))
	for n := 1; n <= criteria; n++ {
		fmt.Fprintf(tw, "%d\t", n)
	}
	fmt.Fprintf(tw, "%s\n", present.T(lang, "overall"))
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cv.ISO3, name, cv.AsOf, strings.Join(cols, "\t"), present.ClassLabel(lang, cv.Overall))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nCRIT = %s, poss = %s, - = %s, n/d = %s\n",
		present.VerdictLabel(lang, engine.Critical), present.VerdictLabel(lang, engine.PossiblyCritical),
		present.VerdictLabel(lang, engine.NotCritical), present.VerdictLabel(lang, engine.InsufficientData))
	fmt.Fprintf(out, "%s: %d %s, %d %s, %d %s\n", present.Count(lang, len(w.Countries), "country"),
		w.Classes[engine.DarkRed], present.ClassLabel(lang, engine.DarkRed),
		w.Classes[engine.LightRed], present.ClassLabel(lang, engine.LightRed),
		w.Classes[engine.None], present.T(lang, "without_critical"))
	for n := 1; n <= criteria; n++ {
		if isos := w.InsufficientData[strconv.Itoa(n)]; len(isos) > 0 {
			fmt.Fprintf(out, "%s %d (%s): %s\n", present.T(lang, "insufficient_on"), n, present.Count(lang, len(isos), "country"), strings.Join(isos, " "))
		}
	}
	if len(w.NoBundle) > 0 {
		fmt.Fprintf(out, "%s %s: %s\n", present.T(lang, "no_bundle_before"), present.Date(lang, w.AsOf), strings.Join(w.NoBundle, " "))
	}
	fmt.Fprintf(out, "%s: %s\n", present.T(lang, "revision"), w.PolicyRevision)
	return nil
}

func writeWorldCSV(out io.Writer, w *engine.World, criteria int) error {
	cw := csv.NewWriter(out)
	header := []string{"iso3", "name_en", "name_de", "as_of", "bundle"}
	for n := 1; n <= criteria; n++ {
		header = append(header, "c"+strconv.Itoa(n))
	}
	header = append(header, "overall", "critical_count", "decision_id")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, cv := range w.Countries {
		rec := append([]string{cv.ISO3, cv.NameEN, cv.NameDE, cv.AsOf, cv.Bundle}, cv.Verdicts...)
		rec = append(rec, cv.Overall, strconv.Itoa(cv.CriticalCount), cv.DecisionID)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeWorldRecorded says under the world table whether (and where in the chain) the
// decisions were recorded; audit list shows each decision id.
func writeWorldRecorded(out io.Writer, recs []*audit.RecordV1, dryRun bool, lang string) {
	switch {
	case dryRun && lang == "de":
		fmt.Fprintln(out, "\nNicht aufgezeichnet (Probelauf).")
	case dryRun:
		fmt.Fprintln(out, "\nNot recorded (dry run).")
	case len(recs) == 0:
	case lang == "de":
		fmt.Fprintf(out, "\n%d Entscheidungen im Prüfprotokoll aufgezeichnet (seq %d bis %d; exportrisk audit list zeigt ihre IDs).\n",
			len(recs), recs[0].Seq, recs[len(recs)-1].Seq)
	default:
		fmt.Fprintf(out, "\nRecorded %d decision(s) in the audit log (seq %d to %d; exportrisk audit list shows their ids).\n",
			len(recs), recs[0].Seq, recs[len(recs)-1].Seq)
	}
}

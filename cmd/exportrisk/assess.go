package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

const assessHelp = `Rates a destination on the eight criteria. The bundle is the country's latest shipped
bundle (or the latest on or before --as-of), or the file given with --bundle.

Examples:
   exportrisk assess KAZ
   exportrisk assess KAZ --lang de --format markdown > kasachstan.md
   exportrisk assess KAZ --explain 2
   exportrisk assess --bundle case-4711.json --format json`

func assessCommand() *cli.Command {
	return &cli.Command{
		Name:        "assess",
		Usage:       "assess a destination: eight verdicts, reasons, overall class",
		ArgsUsage:   "ISO3",
		Description: assessHelp,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "bundle", Usage: "assess this bundle file (YAML or JSON) instead of a shipped one"},
			&cli.StringFlag{Name: "as-of", Usage: "use the country's latest bundle dated on or before `DATE` (YYYY-MM-DD)"},
			&cli.IntFlag{Name: "explain", Usage: "print every reason of criterion `N` (1..8) with values and sources"},
			&cli.BoolFlag{Name: "all", Usage: "rate every country of the library and record each decision, all in one append (--format table, csv or json)"},
			langFlag, formatFlag("table, json or markdown"), policiesFlag, fixturesFlag, evidenceFlag, logFlag,
		}, recordFlags()...),
		Action: assess,
	}
}

var iso3Pattern = regexp.MustCompile(`^[A-Za-z]{3}$`)

func assess(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.Bool("all") {
		return assessAll(c, cfg)
	}
	if err := cfg.checkFormat("table", "json", "markdown"); err != nil {
		return err
	}
	file := c.String("bundle")
	switch {
	case file == "" && c.NArg() != 1:
		return usageErrorf("assess: give one country code (ISO3) or --bundle FILE")
	case file != "" && c.NArg() > 0:
		return usageErrorf("assess: give a country code or --bundle FILE, not both")
	case file != "" && c.IsSet("as-of"):
		return usageErrorf("assess: --as-of picks a shipped bundle; it cannot be used with --bundle")
	}
	b, source, err := loadBundle(c, cfg, file)
	if err != nil {
		return err
	}
	e, err := newEngine(c.Context, cfg)
	if err != nil {
		return err
	}
	explain := c.Int("explain")
	if n := len(e.Criteria()); c.IsSet("explain") && (explain < 1 || explain > n) { // the criteria the policies declare
		return usageErrorf("explain: want a criterion 1..%d (got %d)", n, explain)
	}
	a, err := e.Assess(c.Context, b)
	if err != nil {
		return withCode(exitPolicy, err)
	}
	a.Source = source
	res := a.Result
	decision, err := recordDecision(c, cfg, a)
	if err != nil {
		return err
	}

	pr, err := newPresenter(e)
	if err != nil {
		return err
	}
	// Render fully before writing, so a failure leaves no half-written output.
	var out bytes.Buffer
	opts := present.Options{Lang: cfg.Lang, Bundle: source, Explain: "--explain N"}
	if p := e.Policies(); p.Source != policy.EmbeddedSource {
		opts.Policies = p.Source
	}
	switch {
	case explain > 0 && cfg.Format == "json":
		var dc *present.DocCriterion
		if dc, err = pr.DocCriterion(res.Criterion(explain)); err == nil {
			err = writeJSON(&out, dc)
		}
	case explain > 0:
		err = pr.Explain(&out, res, explain, opts)
	case cfg.Format == "json":
		var doc *present.Document
		if doc, err = pr.Document(res); err == nil {
			err = writeJSON(&out, present.Assessment{Document: doc, Bundle: source, Evaluator: res.Evaluator, DecisionID: decision.id, Recorded: !decision.dryRun})
		}
	case cfg.Format == "markdown":
		err = pr.Markdown(&out, res, opts)
	default:
		err = pr.Table(&out, res, opts)
	}
	if err != nil {
		return err
	}
	if cfg.Format != "json" {
		decision.footer(&out, cfg.Lang, cfg.Format == "markdown" && explain == 0)
	}
	_, err = c.App.Writer.Write(out.Bytes())
	return err
}

func loadBundle(c *cli.Context, cfg *Config, file string) (*indicators.Bundle, string, error) {
	if file != "" {
		b, err := indicators.LoadFile(file)
		if err != nil {
			return nil, "", inputError(err)
		}
		return b, file, nil
	}
	iso3 := c.Args().First()
	if !iso3Pattern.MatchString(iso3) {
		return nil, "", withCode(exitInvalidInput, fmt.Errorf("country %q: want an ISO 3166-1 alpha-3 code such as KAZ", iso3))
	}
	lib, err := openLibrary(cfg)
	if err != nil {
		return nil, "", err
	}
	entry, err := lib.Find(upper(iso3), c.String("as-of"))
	if errors.Is(err, indicators.ErrFutureAsOf) {
		return nil, "", withCode(exitUsage, err)
	}
	if err != nil {
		return nil, "", withCode(exitInvalidInput, err)
	}
	b, err := lib.Load(entry)
	if err != nil {
		return nil, "", inputError(err)
	}
	if asOf := c.String("as-of"); asOf != "" && entry.AsOf != asOf {
		// The officer asked about one date and gets the data of an earlier one: say how
		// much earlier, so that the report is not read as describing the date asked for.
		want, _ := time.Parse(time.DateOnly, asOf) // Find checked it
		got, _ := time.Parse(time.DateOnly, entry.AsOf)
		fmt.Fprintf(c.App.ErrWriter, "exportrisk: note: --as-of %s: the latest bundle of %s on or before that date is as of %s, %d days earlier\n",
			asOf, entry.ISO3, entry.AsOf, int(want.Sub(got).Hours()/24))
	}
	return b, bundleSource(cfg.Lang, lib, entry, b), nil
}

// bundleSource says where a library bundle came from, with the evidence register items
// merged into it.
func bundleSource(lang string, lib *indicators.Library, entry indicators.Entry, b *indicators.Bundle) string {
	src := lib.Name() + "/" + entry.Path
	if r := b.EvidenceRegister; r != nil && len(r.Items) > 0 {
		src += " + " + present.Count(lang, len(r.Items), "evidence_item") + " " + present.T(lang, "from_register")
	}
	return src
}

// newPresenter words the results of e; a message template that does not parse is a policy
// error.
func newPresenter(e *engine.Engine) (*present.Presenter, error) {
	p, err := present.New(e)
	if err != nil {
		return nil, withCode(exitPolicy, err)
	}
	return p, nil
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }

func writeJSON(out *bytes.Buffer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

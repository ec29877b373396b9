package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine/policy/impact"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/engine/server"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

const evidenceHelp = `The evidence register: dated findings (torture reported by a UN body, lethal repression,
diversion of weapons...) kept as one YAML file per country (fixtures/evidence/EGY.yaml). Every
command that assesses merges the register into each bundle of the country dated on or after
an item's date; the rules' windows decide whether an item still counts.

The register is the directory --evidence DIR (EXPORTRISK_EVIDENCE, config key evidence), else
fixtures/evidence under the working directory when it exists (a checkout of the repository),
else the register built into the binary.

Examples:
   exportrisk evidence list EGY
   exportrisk evidence list --category torture
   exportrisk evidence check
   exportrisk evidence add EGY --category torture --date 2023-11-24 --reported-by un_body \
     --source "UN Committee against Torture, concluding observations on Egypt" \
     --url https://... --quote "..." --summary "..." --dry-run`

// serverLibrary opens the bundle library for serve with the register in force merged,
// and the four-eyes workflow when the register is a directory (the built-in register is
// read-only: the server then takes no proposals).
func serverLibrary(cfg *Config) (*indicators.Library, *server.EvidenceRegister, error) {
	lib, err := openBundles(cfg)
	if err != nil {
		return nil, nil, err
	}
	reg, err := openRegister(cfg)
	if err != nil {
		return nil, nil, err
	}
	ev := &server.EvidenceRegister{Current: evidence.NewCurrent(reg), Dir: registerDir(cfg)}
	return lib.WithEvidence(ev.Current), ev, nil
}

// defaultRegisterDir is the register of a checkout, used when it exists.
const defaultRegisterDir = "fixtures/evidence"

var evidenceFlag = &cli.StringFlag{Name: "evidence", Usage: "evidence register `DIR` (files ISO3.yaml) (EXPORTRISK_EVIDENCE)"}

// today is the date register dates may not pass (a variable for tests).
var today = func() time.Time { return time.Now().UTC() }

func evidenceCommand() *cli.Command {
	return &cli.Command{
		Name:        "evidence",
		Usage:       "the evidence register: add, list and check dated findings",
		Description: evidenceHelp,
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "add a finding to a country's register file (with --dry-run: only show what it would change)",
				ArgsUsage: "ISO3",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "category", Required: true, Usage: strings.Join(indicators.EvidenceCategories, ", ")},
					&cli.StringFlag{Name: "date", Required: true, Usage: "`DATE` of the finding: YYYY-MM-DD, YYYY-MM (month only) or YYYY (year only)"},
					&cli.StringFlag{Name: "published", Usage: "`DATE` (YYYY-MM-DD) the source made the finding public, if later than the date: the item enters only bundles as of then"},
					&cli.StringFlag{Name: "reported-by", Required: true, Usage: strings.Join(indicators.Reporters, ", ")},
					&cli.StringFlag{Name: "source", Required: true, Usage: "title of the source, as a reader would cite it"},
					&cli.StringFlag{Name: "url", Required: true, Usage: "URL of the public source"},
					&cli.StringFlag{Name: "quote", Required: true, Usage: "the sentence of the source the finding rests on, verbatim"},
					&cli.StringFlag{Name: "summary", Required: true, Usage: "one-line English summary"},
					&cli.StringFlag{Name: "summary-de", Usage: "one-line German summary"},
					&cli.StringFlag{Name: "id", Usage: "item id (default: iso3-date-category)"},
					&cli.StringFlag{Name: "added-by", Usage: "who adds the item (default: the requester setting, $USER)"},
					&cli.StringFlag{Name: "by-state", Usage: "diversion or weapons loss by state organs: true or false"},
					&cli.StringFlag{Name: "counterpart", Usage: "ISO3 of the other state involved"},
					&cli.BoolFlag{Name: "dry-run", Usage: "write nothing; show which verdicts the item would change"},
					evidenceFlag, fixturesFlag, policiesFlag, logFlag,
				},
				Action: evidenceAdd,
			},
			{
				Name:      "list",
				Usage:     "list the register's items (of one country)",
				ArgsUsage: "[ISO3]",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "category", Usage: "only items of this category"},
					formatFlag("table or json"), evidenceFlag, logFlag,
				},
				Action: evidenceList,
			},
			{
				Name:   "check",
				Usage:  "validate the register; lists every problem with file, line and field",
				Flags:  []cli.Flag{evidenceFlag, logFlag},
				Action: evidenceCheck,
			},
		},
	}
}

// registerDir returns the register directory on disk, or "" for the embedded register.
func registerDir(cfg *Config) string {
	if cfg.Evidence != "" {
		return cfg.Evidence
	}
	if st, err := os.Stat(defaultRegisterDir); err == nil && st.IsDir() {
		return defaultRegisterDir
	}
	return ""
}

// openRegister loads the configured register. An invalid register is invalid input.
func openRegister(cfg *Config) (*evidence.Register, error) {
	dir := registerDir(cfg)
	var (
		fsys fs.FS
		name = dir
	)
	if dir == "" {
		sub, err := fs.Sub(fixtures.Evidence, "evidence")
		if err != nil {
			return nil, err
		}
		fsys, name = sub, "evidence register (built in)"
	} else {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, usageErrorf("evidence: %s is not a directory", dir)
		}
		fsys = os.DirFS(dir)
	}
	reg, err := evidence.Load(fsys, name, today())
	if err != nil {
		var verr *indicators.ValidationError
		if errors.As(err, &verr) {
			return nil, withCode(exitInvalidInput, err)
		}
		return nil, err
	}
	return reg, nil
}

func evidenceAdd(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() != 1 || !iso3Pattern.MatchString(c.Args().First()) {
		return usageErrorf("evidence add: give one country code (ISO3)")
	}
	iso3 := upper(c.Args().First())
	date, precision, err := evidence.ParseDate(c.String("date"))
	if err != nil {
		return usageErrorf("date: %v", err)
	}
	addedBy := c.String("added-by")
	if addedBy == "" {
		addedBy = cfg.Requester
	}
	e := indicators.Evidence{
		ID: c.String("id"), Date: date, DatePrecision: precision, Published: c.String("published"), Category: c.String("category"),
		ReportedBy: c.String("reported-by"), Summary: c.String("summary"), SummaryDE: c.String("summary-de"),
		Quote: c.String("quote"), Counterpart: c.String("counterpart"),
		AddedBy: addedBy, AddedOn: today().Format(time.DateOnly),
		Provenance: indicators.Provenance{Source: c.String("source"), URL: c.String("url")},
	}
	if s := c.String("by-state"); s != "" {
		if s != "true" && s != "false" {
			return usageErrorf("by-state: want true or false (got %q)", s)
		}
		v := s == "true"
		e.ByState = &v
	}
	dir := registerDir(cfg)
	if dir == "" && !c.Bool("dry-run") {
		return usageErrorf("evidence add: no register directory to write to: the built-in register is read-only (give --evidence DIR, or run in a checkout with %s)", defaultRegisterDir)
	}
	reg, err := openRegister(cfg)
	if err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = reg.NewID(iso3, e)
	}
	next, f, err := reg.Add(iso3, e, today())
	if err != nil {
		return inputError(err)
	}
	var out bytes.Buffer
	if err := writeEvidenceImpact(c, cfg, &out, iso3, e, reg, next); err != nil {
		return err
	}
	if c.Bool("dry-run") {
		fmt.Fprintf(&out, "Dry run: nothing written; %s would get item %s.\n", f.Path, e.ID)
	} else {
		if err := evidence.Write(dir, f); err != nil {
			return err
		}
		fmt.Fprintf(&out, "Added %s to %s (register revision of %s: %s).\n", e.ID, f.Path, iso3, f.Revision)
	}
	_, err = c.App.Writer.Write(out.Bytes())
	return err
}

// writeEvidenceImpact writes which verdicts of the country's bundles change when the
// register next replaces reg (impact.Evidence, the machinery of policy impact).
func writeEvidenceImpact(c *cli.Context, cfg *Config, out *bytes.Buffer, iso3 string, e indicators.Evidence, reg, next *evidence.Register) error {
	lib, err := openBundles(cfg)
	if err != nil {
		return err
	}
	if len(lib.Entries(iso3)) == 0 {
		fmt.Fprintf(out, "%s has no bundle in %s: no verdict to change.\n", iso3, lib.Name())
		return nil
	}
	eng, err := newEngine(c.Context, cfg)
	if err != nil {
		return err
	}
	r, err := impact.Evidence(c.Context, eng, lib, iso3, reg, next)
	if err != nil {
		var berr *impact.BundleError
		if errors.As(err, &berr) {
			return inputError(err)
		}
		return withCode(exitPolicy, err)
	}
	fmt.Fprintf(out, "Impact of %s (%s, %s) on the %s of %s:\n", e.ID, e.Category, displayDate(e), present.Count("en", r.Countries, "bundle"), iso3)
	if !r.Changed() {
		fmt.Fprintf(out, "  no verdict changes (%s with other reasons).\n", present.Count("en", r.ReasonsOnly, "criterion"))
	}
	for _, ch := range r.Changes {
		fmt.Fprintf(out, "  as of %s, criterion %d: %s -> %s\n", present.Date("en", ch.AsOf), ch.Criterion, present.VerdictLabel("en", ch.From), present.VerdictLabel("en", ch.To))
		for _, x := range ch.Added {
			fmt.Fprintf(out, "    + %s\n", x.Code)
		}
		for _, x := range ch.Removed {
			fmt.Fprintf(out, "    - %s\n", x.Code)
		}
	}
	for _, o := range r.Overall {
		fmt.Fprintf(out, "  overall: %s -> %s\n", present.ClassLabel("en", o.From), present.ClassLabel("en", o.To))
	}
	return nil
}

// displayDate writes an item's date as precise as the source gives it: "May 2022".
func displayDate(e indicators.Evidence) string { return present.DateAt("en", e.Date, e.DatePrecision) }

func evidenceList(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if !c.IsSet("format") && cfg.Format == "" {
		cfg.Format = "table"
	}
	if err := cfg.checkFormat("table", "json"); err != nil {
		return err
	}
	if c.NArg() > 1 || (c.NArg() == 1 && !iso3Pattern.MatchString(c.Args().First())) {
		return usageErrorf("evidence list: give at most one country code (ISO3)")
	}
	cat := c.String("category")
	if cat != "" && !slices.Contains(indicators.EvidenceCategories, cat) {
		return usageErrorf("category: want one of %s (got %q)", strings.Join(indicators.EvidenceCategories, ", "), cat)
	}
	reg, err := openRegister(cfg)
	if err != nil {
		return err
	}
	type row struct {
		Country string `json:"country"`
		indicators.Evidence
	}
	rows := []row{}
	for _, iso := range reg.Countries() {
		if c.NArg() == 1 && iso != upper(c.Args().First()) {
			continue
		}
		for _, e := range reg.File(iso).Items {
			if cat == "" || e.Category == cat {
				rows = append(rows, row{iso, e})
			}
		}
	}
	var out bytes.Buffer
	if cfg.Format == "json" {
		if err := writeJSON(&out, rows); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "COUNTRY\tDATE\tCATEGORY\tREPORTED BY\tID\tSOURCE")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Country, displayDate(r.Evidence), r.Category, r.ReportedBy, r.ID, r.Source)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(&out, "%s (%s)\n", present.Count("en", len(rows), "evidence_item"), reg.Name)
	}
	_, err = c.App.Writer.Write(out.Bytes())
	return err
}

func evidenceCheck(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	reg, err := openRegister(cfg)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s: valid (%s for %s)\n", reg.Name, present.Count("en", reg.Len(), "evidence_item"),
		present.Count("en", len(reg.Countries()), "country"))
	_, err = c.App.Writer.Write(out.Bytes())
	return err
}

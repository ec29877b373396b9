package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/indicators"
)

const dataDiffHelp = `Compares the world of two years (every country's bundle dated 31 December of each) and
lists every verdict that flipped, grouped by criterion, with the reasons that appeared or
disappeared. With --to-fixtures DIR the --to side is read from DIR instead (for instance the
bundles of "data build --year 2023 --out DIR" after a data update, compared with the shipped
2023). Nothing is recorded.

--decisions also reads the audit log and lists the recorded decisions whose country is rated
worse in the --to year than in the decision, on any criterion or overall: the re-assessment
the Common Position asks for.

Formats: table (default), json, markdown, csv (one row per flipped verdict).

Examples:
   exportrisk data diff --from 2022 --to 2023
   exportrisk data diff --from 2023 --to 2024 --decisions
   exportrisk data build --year 2023 --out /tmp/w2023 && exportrisk data diff --from 2023 --to 2023 --to-fixtures /tmp/w2023`

func dataDiffCommand() *cli.Command {
	return &cli.Command{
		Name:        "diff",
		Usage:       "what flipped between two years (or two builds of one year), and why",
		Description: dataDiffHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "from", Usage: "earlier `YEAR` (required)"},
			&cli.IntFlag{Name: "to", Usage: "later `YEAR` (required)"},
			&cli.StringFlag{Name: "to-fixtures", Usage: "read the --to year from `DIR` (bundles ISO3-YYYY-MM-DD.json or history files)"},
			&cli.BoolFlag{Name: "decisions", Usage: "list recorded decisions whose country is rated worse now"},
			langFlag, formatFlag("table, json, markdown or csv"), policiesFlag, fixturesFlag, logFlag,
		},
		Action:       dataDiff,
		OnUsageError: onUsageError,
	}
}

func dataDiff(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("data diff: unexpected argument %q", c.Args().First())
	}
	if !c.IsSet("from") || !c.IsSet("to") {
		return usageErrorf("data diff: --from and --to are required (e.g. --from 2022 --to 2023)")
	}
	if err := cfg.checkFormat("table", "json", "markdown", "csv"); err != nil {
		return err
	}
	from, to := c.Int("from"), c.Int("to")
	lib, err := openLibrary(cfg)
	if err != nil {
		return err
	}
	toLib := lib
	toLabel := fmt.Sprint(to)
	if dir := c.String("to-fixtures"); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return withCode(exitUsage, err)
		}
		if toLib, err = indicators.OpenLibrary(os.DirFS(dir), dir); err != nil {
			return inputError(err)
		}
		toLabel = fmt.Sprintf("%d (%s)", to, dir)
	}
	e, err := newEngine(c.Context, cfg)
	if err != nil {
		return err
	}
	fromSvc, toSvc := history.New(e, lib), history.New(e, toLib)
	a, err := fromSvc.World(c.Context, from)
	if err != nil {
		return diffError(err)
	}
	b, err := toSvc.World(c.Context, to)
	if err != nil {
		return diffError(err)
	}
	d := history.Compare(fmt.Sprint(from), a, toLabel, b, e.Criteria())
	if c.Bool("decisions") {
		decisions, err := recordedDecisions(c, cfg)
		if err != nil {
			return err
		}
		d.Decisions = history.Alerts(decisions, b)
	}
	labels, err := history.WordsOf(e)
	if err != nil {
		return withCode(exitPolicy, err)
	}
	var out bytes.Buffer
	switch cfg.Format {
	case "json":
		err = writeJSON(&out, d)
	case "markdown":
		err = history.WriteDiffMarkdown(&out, cfg.Lang, d, labels, c.Bool("decisions"))
	case "csv":
		err = history.WriteDiffCSV(&out, d)
	default:
		err = history.WriteDiffText(&out, cfg.Lang, d, labels, c.Bool("decisions"))
	}
	if err != nil {
		return err
	}
	_, err = c.App.Writer.Write(out.Bytes())
	return err
}

func diffError(err error) error {
	if errors.Is(err, history.ErrNoYear) {
		return withCode(exitInvalidInput, err)
	}
	return inputError(err)
}

// recordedDecisions reads every decision's summary from the audit log (engine/audit's List).
func recordedDecisions(c *cli.Context, cfg *Config) ([]history.Decision, error) {
	s, err := openStore(c.Context, cfg, false)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sums, err := s.List(c.Context, audit.Filter{})
	if err != nil {
		return nil, fmt.Errorf("read the audit log %s: %w", s.Location(), err)
	}
	out := make([]history.Decision, 0, len(sums))
	for _, sm := range sums {
		out = append(out, history.Decision{
			DecisionID: sm.DecisionID, Timestamp: sm.Timestamp, Requester: sm.Requester, CaseRef: sm.CaseRef,
			Country: sm.Country, AsOf: sm.AsOf, Overall: sm.Overall, Verdicts: strings.Fields(sm.Verdicts),
		})
	}
	return out, nil
}

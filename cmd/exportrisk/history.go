package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine/history"
)

const historyHelp = `Assesses the country's shipped bundle of every year (dated 31 December, 2012 to 2024) and
prints the eight verdicts and the overall class per year, each change marked, and for each
change the reasons that appeared or disappeared with the indicator values behind them. Nothing
is recorded in the audit log.

Formats: table (default), json, markdown, csv (one row per year).

Examples:
   exportrisk history UKR
   exportrisk history MLI --from 2018 --to 2024
   exportrisk history UKR --format markdown --lang de > ukraine.md`

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:        "history",
		Usage:       "one country's verdicts year by year, what changed and why",
		ArgsUsage:   "ISO3",
		Description: historyHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "from", Usage: "first `YEAR` (default: the first shipped)"},
			&cli.IntFlag{Name: "to", Usage: "last `YEAR` (default: the last shipped)"},
			langFlag, formatFlag("table, json, markdown or csv"), policiesFlag, fixturesFlag, logFlag,
		},
		Action:       historyAction,
		OnUsageError: onUsageError,
	}
}

func historyAction(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErrorf("history: want one country code (e.g. history UKR)")
	}
	if err := cfg.checkFormat("table", "json", "markdown", "csv"); err != nil {
		return err
	}
	iso := strings.ToUpper(c.Args().First())
	lib, err := openLibrary(cfg)
	if err != nil {
		return err
	}
	e, err := newEngine(c.Context, cfg)
	if err != nil {
		return err
	}
	svc := history.New(e, lib)
	h, err := svc.Country(c.Context, iso, c.Int("from"), c.Int("to"))
	switch {
	case errors.Is(err, history.ErrNoCountry), errors.Is(err, history.ErrNoYear):
		return withCode(exitInvalidInput, err)
	case err != nil:
		return inputError(err)
	}
	labels, err := history.WordsOf(e)
	if err != nil {
		return withCode(exitPolicy, err)
	}
	var out bytes.Buffer
	switch cfg.Format {
	case "json":
		err = writeJSON(&out, h)
	case "markdown":
		err = history.WriteCountryMarkdown(&out, cfg.Lang, h, labels)
	case "csv":
		err = history.WriteCountryCSV(&out, h)
	default:
		err = history.WriteCountryText(&out, cfg.Lang, h, labels)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(c.App.Writer, out.String())
	return err
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/renameio/v2"
	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/countries"
	"github.com/exportrisk/exportrisk/indicators/importers"
)

const dataBuildHelp = `Reads the public data sets (Freedom House, PTS, WGI, UCDP, Powell & Thyne, SIPRI, UNDP,
Fraser, FFP, BICC GMI, TI, Small Arms Survey, QoG and the curated embargo, deployment and
treaty tables) and builds one indicator bundle per country and year, as of 31 December. Each
value is the latest one published by that date (the publication rule of each source is in
the README), with its own data year. Every bundle is validated before anything is written; the
same inputs give byte-identical files. Files go to a temporary folder first and are swapped in
at the end, so a failed build leaves the previous files untouched.

Without --year it builds the world history, by default every year from 2012 to 2024, and
writes one bundle history file per country (ISO3.2012-2024.history.json: the first year whole,
every later year as a JSON Merge Patch against the year before) to fixtures/world/history,
which the binary embeds. "exportrisk data export ISO3 YEAR" writes one year back as a bundle.

With --year it writes that year's bundles as single files ISO3-YEAR-12-31.json to --out,
for instance to compare a data update with the shipped year (data diff --to-fixtures DIR).

Rows that cannot be tied to a country code (disputed territories, aggregates, maritime
operations, list-based embargoes) are reported as warnings on stderr.

Precedence: a hand-curated bundle (fixtures/curated) is a separate bundle with its own date,
and the library picks the latest bundle on or before the date asked for. So "assess KAZ" rates
the June 2026 report bundle, "assess KAZ --as-of 2023-12-31" the built one.

The data folder (the public data sets, with their SOURCES.md) is given by --data or
EXPORTRISK_DATA; there is no default, so a build never reads a folder by accident.

Examples:
   exportrisk data build --data /srv/exportrisk-data
   exportrisk data build --data /srv/exportrisk-data --year 2023 --out /tmp/world-2023
   exportrisk data build --data /srv/exportrisk-data --out /tmp/history`

const dataExportHelp = `Writes the shipped bundle of country ISO3 as of YEAR-12-31 as a single bundle file
(canonical, pretty-printed JSON, as "data build --year" writes it), to stdout or --out FILE.
"validate" and "assess --bundle" read it.

Examples:
   exportrisk data export UKR 2022
   exportrisk data export UKR 2022 --out UKR-2022-12-31.json`

func dataCommand() *cli.Command {
	build := &cli.Command{
		Name:        "build",
		Usage:       "build the world history (or one year) from the public data sets",
		Description: dataBuildHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "year", Usage: "build only `YEAR` (bundles dated YEAR-12-31) as single files to --out"},
			&cli.IntFlag{Name: "from", Usage: "first `YEAR` of the history (default 2012)"},
			&cli.IntFlag{Name: "to", Usage: "last `YEAR` of the history (default: the last the data supports)"},
			&cli.StringFlag{Name: "data", Usage: "`DIR` with the raw data sets (required, or EXPORTRISK_DATA)"},
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default fixtures/world/history; required with --year)"},
			evidenceFlag, logFlag,
		},
		Action:       dataBuild,
		OnUsageError: onUsageError,
	}
	export := &cli.Command{
		Name:         "export",
		Usage:        "write one shipped bundle (ISO3 YEAR) as a single bundle file",
		ArgsUsage:    "ISO3 YEAR",
		Description:  dataExportHelp,
		Flags:        []cli.Flag{&cli.StringFlag{Name: "out", Usage: "write to `FILE` instead of stdout"}, fixturesFlag, logFlag},
		Action:       dataExport,
		OnUsageError: onUsageError,
	}
	return &cli.Command{
		Name:         "data",
		Usage:        "build, export and compare indicator bundles",
		Subcommands:  []*cli.Command{build, export, dataDiffCommand()},
		OnUsageError: onUsageError,
	}
}

// defaultHistoryDir is where the shipped world history lives.
var defaultHistoryDir = filepath.Join("fixtures", "world", "history")

// dataDir returns the raw data folder: --data or EXPORTRISK_DATA.
func dataDir(c *cli.Context) (string, error) {
	dir := c.String("data")
	if dir == "" {
		dir = os.Getenv("EXPORTRISK_DATA")
	}
	if dir == "" {
		return "", usageErrorf("data: no data folder given: --data DIR or EXPORTRISK_DATA names the public data sets")
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", usageErrorf("data: %s is not a directory (--data DIR or EXPORTRISK_DATA names the public data sets)", dir)
	}
	return dir, nil
}

func dataBuild(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("data build: unexpected argument %q", c.Args().First())
	}
	dir, err := dataDir(c)
	if err != nil {
		return err
	}
	curatedFS, err := fs.Sub(fixtures.FS, "curated")
	if err != nil {
		return fmt.Errorf("curated fixtures: %w", err)
	}
	curated, err := indicators.OpenLibrary(curatedFS, "fixtures/curated")
	if err != nil {
		return err
	}
	opts := importers.Options{Curated: curated, Description: builtDescription}
	// The evidence register: each item joins its country's bundle of every year dated on or
	// after the item; the bundle records the register revision (evidence.go).
	reg, err := openRegister(cfg)
	if err != nil {
		return err
	}
	merge := func(res *importers.BuildResult) error {
		for _, b := range res.Bundles {
			if err := reg.Merge(b); err != nil {
				return withCode(exitInvalidInput, err)
			}
			if _, err := importers.Encode(b); err != nil { // validates the bundle with its evidence
				return err
			}
		}
		return nil
	}
	out := c.String("out")
	if c.IsSet("year") {
		if c.IsSet("from") || c.IsSet("to") {
			return usageErrorf("data build: --year and --from/--to exclude each other")
		}
		if out == "" {
			return usageErrorf("data build: --year writes single bundle files and needs --out DIR (the shipped history is built without --year)")
		}
		res, err := buildYear(dir, c.Int("year"), opts)
		if err != nil {
			return err
		}
		if err := merge(res); err != nil {
			return err
		}
		files := make(map[string][]byte, len(res.Bundles))
		for _, b := range res.Bundles {
			data, err := importers.Encode(b)
			if err != nil {
				return err
			}
			files[importers.FileName(b)] = data
		}
		if err := replaceDir(out, files); err != nil {
			return fmt.Errorf("write bundles: %w", err)
		}
		_, err = fmt.Fprintf(c.App.Writer, "built %d bundles as of %s in %s (data: %s)\n", len(files), res.AsOf, out, dir)
		return err
	}

	from, to := importers.FirstYear, 0
	if c.IsSet("from") {
		from = c.Int("from")
	}
	if c.IsSet("to") {
		to = c.Int("to")
	} else if to, err = importers.LastYear(os.DirFS(dir)); err != nil {
		return withCode(exitInvalidInput, fmt.Errorf("data build from %s: %w", dir, err))
	}
	if from > to {
		return usageErrorf("data build: --from %d is after --to %d", from, to)
	}
	if out == "" {
		out = defaultHistoryDir
	}
	byISO := map[string][]*indicators.Bundle{}
	for year := from; year <= to; year++ {
		res, err := buildYear(dir, year, opts)
		if err != nil {
			return err
		}
		if err := merge(res); err != nil {
			return err
		}
		for _, b := range res.Bundles {
			byISO[b.Country.ISO3] = append(byISO[b.Country.ISO3], b)
		}
	}
	files := make(map[string][]byte, len(byISO))
	for iso, bundles := range byISO {
		if len(bundles) != to-from+1 {
			return withCode(exitInvalidInput, fmt.Errorf("data build: %s has %d bundles for the %d years %d-%d (a curated bundle dated 31 December takes a year's place; the history needs every year)", iso, len(bundles), to-from+1, from, to))
		}
		data, err := indicators.EncodeHistory(bundles)
		if err != nil {
			return err
		}
		files[indicators.HistoryFileName(iso, from, to)] = data
	}
	if err := replaceDir(out, files); err != nil {
		return fmt.Errorf("write bundle histories: %w", err)
	}
	_, err = fmt.Fprintf(c.App.Writer, "built %d bundle histories, %d to %d (%d bundles), in %s (data: %s)\n", len(files), from, to, len(files)*(to-from+1), out, dir)
	return err
}

// builtDescription is the description of a built bundle: how it was made.
func builtDescription(year int) string {
	return fmt.Sprintf("Built by `exportrisk data build --year %d` from the public data sets in shared/data (README, section Rating the whole world from public data): every value names its source and its own reference year. %s.",
		year, countries.Attribution)
}

// buildYear builds one year and reports what the build could not tie or use on stderr.
func buildYear(dir string, year int, opts importers.Options) (*importers.BuildResult, error) {
	res, err := importers.Build(os.DirFS(dir), year, opts)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, withCode(exitInvalidInput, fmt.Errorf("data build from %s: %w", dir, err))
		}
		return nil, withCode(exitInvalidInput, err)
	}
	for _, line := range importers.UnmatchedBySource(res.Unmatched) {
		slog.Warn("rows without a country code", "year", year, "detail", line)
	}
	for _, w := range res.Warnings {
		slog.Warn("data build", "year", year, "detail", w)
	}
	for _, s := range res.Skipped {
		slog.Warn("curated bundle takes precedence", "year", year, "detail", s)
	}
	return res, nil
}

func dataExport(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() != 2 {
		return usageErrorf("data export: want ISO3 YEAR (e.g. data export UKR 2022)")
	}
	iso := strings.ToUpper(c.Args().Get(0))
	year, err := strconv.Atoi(c.Args().Get(1))
	if err != nil || year < 1 || year > 9999 {
		return usageErrorf("data export: YEAR: want a year such as 2022, got %q", c.Args().Get(1))
	}
	lib, err := openLibrary(cfg)
	if err != nil {
		return err
	}
	asOf := fmt.Sprintf("%04d-12-31", year)
	entry, err := lib.Find(iso, asOf)
	if err != nil || entry.AsOf != asOf {
		return withCode(exitInvalidInput, fmt.Errorf("data export: no bundle for %s as of %s in %s", iso, asOf, lib.Name()))
	}
	b, err := lib.Load(entry)
	if err != nil {
		return inputError(err)
	}
	data, err := importers.Encode(b)
	if err != nil {
		return err
	}
	if path := c.String("out"); path != "" {
		return renameio.WriteFile(path, data, 0o644)
	}
	_, err = c.App.Writer.Write(data)
	return err
}

// replaceDir writes files into a new temporary folder next to dir and then puts it in
// dir's place, so that readers never see a half-written set.
func replaceDir(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return err
		}
	}
	old := tmp + ".old"
	hadOld := false
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return err
		}
		hadOld = true
	}
	if err := os.Rename(tmp, dir); err != nil {
		if hadOld {
			_ = os.Rename(old, dir)
		}
		return err
	}
	if hadOld {
		return os.RemoveAll(old)
	}
	return nil
}

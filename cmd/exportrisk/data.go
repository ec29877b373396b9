package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/importers"
)

const dataBuildHelp = `Reads the public data sets (Freedom House, PTS, QoG, UCDP, Powell & Thyne, SIPRI, UNDP,
Fraser, FFP, TI, Small Arms Survey and the curated embargo, deployment and treaty tables) and
writes one indicator bundle per country as of YEAR-12-31: canonical, pretty-printed JSON named
ISO3-YEAR-12-31.json, each validated before it is written. The same inputs give byte-identical
files. The files are written to a temporary folder first and swapped in at the end, so a failed
build leaves the previous bundles untouched.

Rows that cannot be tied to a country code (disputed territories, aggregates, maritime
operations, list-based embargoes) are reported as warnings on stderr.

Precedence: a hand-curated bundle (fixtures/curated) is a separate bundle with its own date,
and the library picks the latest bundle on or before the date asked for. So "assess KAZ" rates
the June 2026 report bundle, "assess KAZ --as-of 2023-12-31" the built one. A curated bundle
dated exactly YEAR-12-31 replaces the built one (the build skips that country).

The data folder defaults to ../shared/data (relative to the working directory, i.e. the
repository root) or EXPORTRISK_DATA. The data supports 2013 to 2023 (UCDP/PRIO ACD v24.1 ends
in 2023); the shipped fixtures are the 2023 build.

Examples:
   exportrisk data build --year 2023
   exportrisk data build --year 2023 --data /work/shared/data --out /tmp/world-2023`

func dataCommand() *cli.Command {
	build := &cli.Command{
		Name:        "build",
		Usage:       "build one bundle per country from the public data sets",
		Description: dataBuildHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "year", Usage: "data `YEAR`: bundles are dated YEAR-12-31 (required)"},
			&cli.StringFlag{Name: "data", Usage: "`DIR` with the raw data sets (EXPORTRISK_DATA; default ../shared/data)"},
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default fixtures/world/YEAR)"},
			evidenceFlag, logFlag,
		},
		Action:       dataBuild,
		OnUsageError: onUsageError,
	}
	return &cli.Command{
		Name:         "data",
		Usage:        "build indicator bundles from the public data sets",
		Subcommands:  []*cli.Command{build},
		OnUsageError: onUsageError,
	}
}

// defaultDataDir is the shared data folder next to the repository.
const defaultDataDir = "../shared/data"

func dataBuild(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("data build: unexpected argument %q", c.Args().First())
	}
	if !c.IsSet("year") {
		return usageErrorf("data build: --year is required (e.g. --year 2023)")
	}
	year := c.Int("year")
	dir := c.String("data")
	if dir == "" {
		dir = os.Getenv("EXPORTRISK_DATA")
	}
	if dir == "" {
		dir = defaultDataDir
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return usageErrorf("data: %s is not a directory (run from the repository root, or pass --data DIR)", dir)
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("fixtures", "world", strconv.Itoa(year))
	}

	curatedFS, err := fs.Sub(fixtures.FS, "curated")
	if err != nil {
		return fmt.Errorf("curated fixtures: %w", err)
	}
	curated, err := indicators.OpenLibrary(curatedFS, "fixtures/curated")
	if err != nil {
		return err
	}
	res, err := importers.Build(os.DirFS(dir), year, importers.Options{Curated: curated})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return withCode(exitInvalidInput, fmt.Errorf("data build from %s: %w", dir, err))
		}
		return withCode(exitInvalidInput, err)
	}
	for _, line := range importers.UnmatchedBySource(res.Unmatched) {
		slog.Warn("rows without a country code", "detail", line)
	}
	for _, w := range res.Warnings {
		slog.Warn("data build", "detail", w)
	}
	for _, s := range res.Skipped {
		slog.Warn("curated bundle takes precedence", "detail", s)
	}

	// The evidence register: each item joins the country's bundle when dated on or before
	// its as_of; the bundle records the register revision (evidence.go).
	reg, err := openRegister(cfg)
	if err != nil {
		return err
	}
	files := make(map[string][]byte, len(res.Bundles))
	for _, b := range res.Bundles {
		if err := reg.Merge(b); err != nil {
			return withCode(exitInvalidInput, err)
		}
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

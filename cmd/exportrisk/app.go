package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/indicators/safetext"
)

// run executes the command line and returns the exit code. Everything it writes passes
// through one escaping step (safetext.Writer): a control character, ANSI escape or bidi
// override that reached a value (a record stored before bundles and flags were checked,
// a file name, an error from a library) is shown as \uXXXX, never acted on by a terminal.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out, errOut := safetext.NewWriter(stdout), safetext.NewWriter(stderr)
	defer out.Flush()
	defer errOut.Flush()
	slog.SetDefault(slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: logLevel})))
	app := newApp(out, errOut)
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(errOut, "exportrisk: %v\n", err)
	return exitCode(err)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "exportrisk",
		Usage:     "assess arms-export licence risk on the eight criteria of the EU Common Position",
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "config file (YAML, JSON or TOML); also EXPORTRISK_CONFIG"},
		},
		Commands: []*cli.Command{
			assessCommand(),
			criteriaCommand(),
			dataCommand(),
			historyCommand(),
			validateCommand(),
			versionCommand(),
			auditCommand(),
			replayCommand(),
			serveCommand(),
			policyCommand(),
			evidenceCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("unknown command %q (see exportrisk help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		OnUsageError:   onUsageError,
		ExitErrHandler: func(*cli.Context, error) {}, // run maps errors to exit codes
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = onUsageError
	}
	return app
}

func onUsageError(_ *cli.Context, err error, _ bool) error {
	return withCode(exitUsage, err)
}

// Flags shared by several commands; their names are the config keys.
var (
	langFlag     = &cli.StringFlag{Name: "lang", Usage: "language of the report: en or de (EXPORTRISK_LANG)"}
	policiesFlag = &cli.StringFlag{Name: "policies", Usage: "directory of Rego policies, or a policy bundle (.tar.gz), replacing the embedded ones (EXPORTRISK_POLICIES)"}
	fixturesFlag = &cli.StringFlag{Name: "fixtures", Usage: "directory of bundles ISO3-YYYY-MM-DD.yaml|json replacing the shipped ones (EXPORTRISK_FIXTURES)"}
	logFlag      = &cli.StringFlag{Name: "log-level", Usage: "debug, info, warn or error (EXPORTRISK_LOG_LEVEL)"}
)

func formatFlag(formats string) *cli.StringFlag {
	return &cli.StringFlag{Name: "format", Usage: "output format: " + formats + " (EXPORTRISK_FORMAT)"}
}

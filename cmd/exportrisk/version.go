package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

// engineVersion is this build's version: the ldflags value, else the module version.
func engineVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func opaVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/open-policy-agent/opa" {
				return d.Version
			}
		}
	}
	return "unknown"
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the embedded policy revision, the evaluator and the OPA version",
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			p, err := policy.Embedded()
			if err != nil {
				return withCode(exitPolicy, err)
			}
			e, err := engine.New(c.Context, p, engine.WithEvaluator(cfg.Evaluator))
			if err != nil {
				return withCode(exitPolicy, err)
			}
			fmt.Fprintf(c.App.Writer, "exportrisk %s\nembedded policy revision %s\nevaluator %s\nOPA %s, %s\n",
				engineVersion(), p.Revision, e.Evaluator(), opaVersion(), runtime.Version())
			return nil
		},
	}
}

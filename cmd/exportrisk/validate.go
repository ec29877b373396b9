package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check indicator bundle files; stops at the first invalid one and lists all its problems",
		ArgsUsage: "FILE...",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usageErrorf("validate: give at least one bundle file")
			}
			for _, f := range c.Args().Slice() {
				b, err := indicators.LoadFile(f)
				if err != nil {
					return inputError(err)
				}
				fmt.Fprintf(c.App.Writer, "%s: valid (%s as of %s: %s, %s, %s, %s)\n", f, b.Country.ISO3, b.AsOf,
					present.Count("en", len(b.Indices), "index"), present.Count("en", len(b.Memberships), "membership"),
					present.Count("en", len(b.Embargoes), "embargo_record"), present.Count("en", len(b.Evidence), "bundle_evidence"))
			}
			return nil
		},
	}
}

package main

import (
	"bytes"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

func criteriaCommand() *cli.Command {
	return &cli.Command{
		Name:  "criteria",
		Usage: "list the eight criteria in English and German, as the policies describe them",
		Flags: []cli.Flag{formatFlag("table or json"), policiesFlag, logFlag},
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			if err := cfg.checkFormat("table", "json"); err != nil {
				return err
			}
			e, err := newEngine(c.Context, cfg)
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if cfg.Format == "json" {
				if err := writeJSON(&out, e.Criteria()); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "#\tEnglish\tDeutsch")
				for _, ci := range e.Criteria() {
					fmt.Fprintf(tw, "%d\t%s\t%s\n", ci.Number, ci.Title.EN, ci.Title.DE)
				}
				tw.Flush()
			}
			_, err = c.App.Writer.Write(out.Bytes())
			return err
		},
	}
}

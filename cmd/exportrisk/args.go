package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed moves each command's flags in front of its positional arguments, so that
// "exportrisk assess KAZ --lang de" works like "exportrisk assess --lang de KAZ" (urfave/cli
// v2 stops reading flags at the first positional argument). A "--" ends the flags.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	flags, rest := splitFlags(app.Flags, args[1:], true)
	out = append(out, flags...)
	cmds := app.Commands
	for len(rest) > 0 {
		cmd := find(cmds, rest[0])
		if cmd == nil {
			return append(out, rest...)
		}
		out = append(out, rest[0])
		stopAtCommand := len(cmd.Subcommands) > 0
		flags, rest = splitFlags(cmd.Flags, rest[1:], stopAtCommand)
		out = append(out, flags...)
		if !stopAtCommand {
			return append(out, rest...)
		}
		cmds = cmd.Subcommands
	}
	return out
}

// splitFlags returns the flags (with their values) and the other arguments. With
// stopAtPositional it stops at the first positional argument (a subcommand name).
func splitFlags(defs []cli.Flag, args []string, stopAtPositional bool) (flags, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(rest, args[i:]...)
		case !strings.HasPrefix(a, "-") || a == "-":
			if stopAtPositional {
				return flags, append(rest, args[i:]...)
			}
			rest = append(rest, a)
		default:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && takesValue(defs, strings.TrimLeft(a, "-")) && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return flags, rest
}

func takesValue(defs []cli.Flag, name string) bool {
	for _, f := range defs {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false // unknown flags are reported by the parser
}

func find(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/engine/policy/check"
	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
	"github.com/exportrisk/exportrisk/policies"
)

const policyHelp = `Commands for policy staff: test the Rego policies, check them, see the impact of a rule
change on every country before shipping it, and ship the policies as a signed bundle.

test, check, fmt and bundle build read the policies/ directory of the working tree when
run inside a checkout (found from the current directory upwards), else the policies
embedded in this binary; --policies DIR names another directory. They do not read the
policies config key: that one says which policies assess uses.

Exit status: 0 ok; 5 a test, check or verification failed, or impact found changes;
2 usage; 3 invalid indicator bundles; 4 policies that do not load or compile.`

func policyCommand() *cli.Command {
	cmd := &cli.Command{
		Name:        "policy",
		Usage:       "test, check, format, compare and bundle the Rego policies (for policy staff)",
		Description: policyHelp,
		Subcommands: []*cli.Command{
			policyTestCommand(), policyCheckCommand(), policyFmtCommand(), policyImpactCommand(), policyBundleCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("unknown policy command %q (see exportrisk policy --help)", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
	}
	setUsageErrors(cmd)
	return cmd
}

func setUsageErrors(cmd *cli.Command) {
	cmd.OnUsageError = onUsageError
	for _, sub := range cmd.Subcommands {
		setUsageErrors(sub)
	}
}

// policyDirFlag is --policies for the policy commands: a directory only.
var policyDirFlag = &cli.StringFlag{Name: "policies", Usage: "policy `DIR` (default: policies/ of the working tree, else the embedded policies)"}

// policySource is where a policy command reads the policies from.
type policySource struct {
	dir   string // a directory; "" for the embedded policies
	label string // how the output names them
}

func (s policySource) fs() fs.FS {
	if s.dir == "" {
		return policies.FS
	}
	return os.DirFS(s.dir)
}

// name is how messages name the policies' directory: data file messages read
// policies/data.yaml for the embedded ones.
func (s policySource) name() string {
	if s.dir == "" {
		return "policies"
	}
	return s.dir
}

// workingTree finds the policies/ directory of a checkout: the nearest directory,
// from the current one upwards, that holds policies/data.yaml. It returns the path as
// given relative to the current directory when possible.
func workingTree() (string, bool) {
	cwd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for dir := cwd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "policies")
		if info, err := os.Stat(filepath.Join(p, "data.yaml")); err == nil && info.Mode().IsRegular() {
			if rel, err := filepath.Rel(cwd, p); err == nil {
				return rel, true
			}
			return p, true
		}
		if filepath.Dir(dir) == dir {
			return "", false
		}
	}
}

// sourceFor resolves --policies DIR, else the working tree, else the embedded policies.
func sourceFor(c *cli.Context) (policySource, error) {
	if dir := c.String("policies"); dir != "" {
		if bundle.IsBundle(dir) {
			return policySource{}, usageErrorf("policies: %s is a bundle; this command reads a policy directory (bundles hold no tests)", dir)
		}
		info, err := os.Stat(dir)
		if err != nil {
			return policySource{}, withCode(exitUsage, fmt.Errorf("policies: %w", err))
		}
		if !info.IsDir() {
			return policySource{}, usageErrorf("policies: %s is not a directory", dir)
		}
		return policySource{dir: dir, label: dir}, nil
	}
	if dir, ok := workingTree(); ok {
		return policySource{dir: dir, label: dir + " (working tree)"}, nil
	}
	return policySource{label: "embedded policies"}, nil
}

// loadSource reads and parses the policies of a source, tests included.
func loadSource(c *cli.Context) (policySource, *check.Policies, error) {
	src, err := sourceFor(c)
	if err != nil {
		return src, nil, err
	}
	p, err := check.Load(src.fs(), src.name())
	if err != nil {
		return src, nil, withCode(exitPolicy, err)
	}
	return src, p, nil
}

const policyTestHelp = `Runs the Rego unit tests (*_test.rego) through OPA's tester with the policy data file
loaded, as OPA's "opa test" does. A failing test is printed with the expression that failed
and the values of its variables. Then the line coverage of the non-test modules: with
--coverage per file, with the lines not covered. The exit status is 5 when a test fails
or the coverage is below --threshold (default 90 percent; with --run the threshold is only
enforced when given).

Examples:
   exportrisk policy test
   exportrisk policy test --coverage
   exportrisk policy test --run 'c8_test' -v
   exportrisk policy test --policies /tmp/my-policies --threshold 95`

func policyTestCommand() *cli.Command {
	return &cli.Command{
		Name:        "test",
		Usage:       "run the Rego unit tests with coverage",
		Description: policyTestHelp,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "coverage", Usage: "list the coverage of each file"},
			&cli.Float64Flag{Name: "threshold", Value: 90, Usage: "lowest acceptable coverage in `PERCENT` of the non-test lines"},
			&cli.StringFlag{Name: "run", Usage: "run only the tests whose name matches `REGEX`"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list every test, and the full trace of a failure"},
			policyDirFlag, logFlag,
		},
		Action: policyTest,
	}
}

func policyTest(c *cli.Context) error {
	if _, err := loadConfig(c); err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("policy test: unexpected argument %q", c.Args().First())
	}
	threshold := c.Float64("threshold")
	if threshold < 0 || threshold > 100 {
		return usageErrorf("threshold: want a percentage 0..100 (got %g)", threshold)
	}
	src, p, err := loadSource(c)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "Policies: %s\n", src.label)
	rep, err := check.RunTests(c.Context, p, check.TestOptions{Run: c.String("run"), Verbose: c.Bool("verbose")}, &out)
	if err != nil {
		if strings.HasPrefix(err.Error(), "run:") {
			return usageErrorf("run: %v", strings.TrimPrefix(err.Error(), "run: "))
		}
		return withCode(exitPolicy, err)
	}
	enforce := c.String("run") == "" || c.IsSet("threshold")
	if c.Bool("coverage") {
		fmt.Fprintf(&out, "\nCoverage of the non-test modules:\n")
		for _, f := range rep.Files {
			line := fmt.Sprintf("  %6.2f%%  %s", f.Coverage, f.File)
			if len(f.NotCovered) > 0 {
				line += "  (not covered: lines " + strings.Join(f.NotCovered, ", ") + ")"
			}
			fmt.Fprintln(&out, line)
		}
	}
	switch {
	case enforce:
		fmt.Fprintf(&out, "Coverage: %.2f%% of the non-test lines (threshold %g%%)\n", rep.Coverage, threshold)
	default:
		fmt.Fprintf(&out, "Coverage: %.2f%% of the non-test lines (not checked with --run; give --threshold to check it)\n", rep.Coverage)
	}
	if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
		return err
	}
	total := rep.Passed + rep.Failed + rep.Errored + rep.Skipped
	switch {
	case total == 0:
		return withCode(exitCheckFailed, fmt.Errorf("policy test: no test matches %q", c.String("run")))
	case rep.Failed+rep.Errored > 0:
		return withCode(exitCheckFailed, fmt.Errorf("policy test: %d of %d tests failed", rep.Failed+rep.Errored, total))
	case enforce && rep.Coverage < threshold:
		return withCode(exitCheckFailed, fmt.Errorf("policy test: coverage %.2f%% is below the threshold %g%%", rep.Coverage, threshold))
	}
	return nil
}

const policyCheckHelp = `Checks the policies as CI does, before they are tested or shipped:
  parse     every .rego file, tests included, with METADATA annotations
  strict    OPA's strict compiler (unused variables, imports and arguments, shadowed names...)
  opa fmt   every .rego file is formatted as opa fmt formats it (policy fmt shows the difference)
  data      the policy data file (data.yaml) against its schema: unknown keys, wrong types,
            values out of range, inconsistent pairs (a critical bound looser than its possibly
            critical bound), unknown instruments, categories, reporters or index ids
  engine    the engine accepts the policies: deterministic builtins only, the eight criteria
            with their METADATA, the entrypoint prepares
  compiled  whether the compiled evaluator runs the policies (else they fall back to OPA's
            interpreter, noted)
  agree     the compiled evaluator and OPA's interpreter, the reference, give byte-identical
            results on the latest bundle of every country of the library (the shipped
            bundles, or --fixtures DIR with the evidence register merged); a difference names
            the country, the bundle's date and the first criterion that differs
Every problem is printed as file:line: what. The exit status is 5 when a check fails.

Examples:
   exportrisk policy check
   exportrisk policy check --policies /tmp/my-policies`

func policyCheckCommand() *cli.Command {
	return &cli.Command{
		Name:        "check",
		Usage:       "strict compile, opa fmt check, data file validation",
		Description: policyCheckHelp,
		Flags:       []cli.Flag{policyDirFlag, fixturesFlag, evidenceFlag, logFlag},
		Action:      policyCheck,
	}
}

func policyCheck(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("policy check: unexpected argument %q", c.Args().First())
	}
	src, err := sourceFor(c)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "Policies: %s\n", src.label)
	failed := 0
	report := func(name string, err error, ok string) {
		if err == nil {
			fmt.Fprintf(&out, "ok    %-8s %s\n", name, ok)
			return
		}
		failed++
		fmt.Fprintf(&out, "FAIL  %s\n", name)
		for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
			fmt.Fprintf(&out, "      %s\n", strings.TrimSpace(line))
		}
	}
	p, err := check.Load(src.fs(), src.name())
	if err != nil {
		report("parse", err, "")
		_, _ = c.App.Writer.Write(out.Bytes())
		return withCode(exitCheckFailed, fmt.Errorf("policy check: the policies do not parse"))
	}
	tests := 0
	for f := range p.Sources {
		if policyfile.IsTest(f) {
			tests++
		}
	}
	report("parse", nil, fmt.Sprintf("%d .rego files (%d of them tests)", len(p.Sources), tests))
	var strictErr error
	if errs := check.Strict(p); errs != nil {
		strictErr = fmt.Errorf("%s", check.FormatErrors(errs))
	}
	report("strict", strictErr, "compiles with OPA's strict checks, tests included")
	unformatted, err := check.Format(p)
	if err == nil && len(unformatted) > 0 {
		names := make([]string, len(unformatted))
		for i, u := range unformatted {
			names[i] = u.File + ": not formatted as opa fmt formats it"
		}
		err = fmt.Errorf("%s\n(exportrisk policy fmt shows the difference, policy fmt --write fixes it)", strings.Join(names, "\n"))
	}
	report("opa fmt", err, fmt.Sprintf("%d files formatted", len(p.Sources)))
	dataErr := check.Data(p)
	report("data", dataErr, dataFileName(p)+": valid")
	if crep, err := check.Contract(p); err != nil {
		report("rules", err, "")
	} else {
		report("rules", nil, fmt.Sprintf("%d message templates match their rules' vars, %d threshold reads exist in the data file, no non-deterministic builtin",
			crep.Templates, crep.ThresholdReads))
	}
	var engineErr error
	e, err := check.PrepareEngine(c.Context, p)
	if err != nil {
		engineErr = err
	}
	ok := ""
	if e != nil {
		ok = fmt.Sprintf("prepares the eight criteria; policy revision %s", e.Policies().Revision)
	}
	report("engine", engineErr, ok)
	if e != nil {
		if info := e.Evaluator(); info.Fallback != "" {
			fmt.Fprintf(&out, "note  %-8s these policies run on OPA's interpreter: %s\n", "compiled", info.Fallback)
		} else {
			report("compiled", nil, info.String())
			ok, err := agreement(c.Context, cfg, e)
			report("agree", err, ok)
		}
	}
	if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
		return err
	}
	if failed > 0 {
		return withCode(exitCheckFailed, fmt.Errorf("policy check: %d %s failed", failed, policyPlural(failed, "check", "checks")))
	}
	return nil
}

// agreement runs the policies with the compiled evaluator and with OPA's interpreter on the
// latest bundle of every country in the configured library: the check's line and its error.
func agreement(ctx context.Context, cfg *Config, e *engine.Engine) (string, error) {
	lib, err := openLibrary(cfg)
	if err != nil {
		return "", fmt.Errorf("the bundle library: %w", err)
	}
	a, err := check.Agree(ctx, e, lib)
	if err != nil {
		return "", err
	}
	if len(a.Differ) > 0 {
		const shown = 20
		lines := a.Differ[:min(len(a.Differ), shown)]
		if len(a.Differ) > shown {
			lines = append(lines, fmt.Sprintf("... and %d more", len(a.Differ)-shown))
		}
		return "", fmt.Errorf("the compiled evaluator and OPA's interpreter (the reference) give different results on %d of %d bundles:\n%s",
			len(a.Differ), a.Bundles, strings.Join(lines, "\n"))
	}
	where := "the shipped bundles"
	if cfg.Fixtures != "" {
		where = lib.Name()
	}
	return fmt.Sprintf("the compiled evaluator and OPA's interpreter give identical results on the latest bundle of each of %d countries (%s)",
		a.Bundles, where), nil
}

func dataFileName(p *check.Policies) string {
	for _, n := range policyfile.DataNames {
		if _, ok := p.Files[n]; ok {
			return filepath.ToSlash(filepath.Join(p.Name, n))
		}
	}
	return p.Name + "/data.yaml"
}

func policyPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

const policyFmtHelp = `Lists the .rego files that opa fmt would change, with the difference (-file +formatted),
and exits with status 5 if there are any; with --write it rewrites them in place (a
directory only: the embedded policies cannot be rewritten).

Examples:
   exportrisk policy fmt
   exportrisk policy fmt --write`

func policyFmtCommand() *cli.Command {
	return &cli.Command{
		Name:        "fmt",
		Usage:       "show or fix the files opa fmt would change",
		Description: policyFmtHelp,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "write", Aliases: []string{"w"}, Usage: "rewrite the files in place"},
			policyDirFlag, logFlag,
		},
		Action: policyFmt,
	}
}

func policyFmt(c *cli.Context) error {
	if _, err := loadConfig(c); err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("policy fmt: unexpected argument %q", c.Args().First())
	}
	src, p, err := loadSource(c)
	if err != nil {
		return err
	}
	write := c.Bool("write")
	if write && src.dir == "" {
		return usageErrorf("policy fmt --write: the embedded policies cannot be rewritten; run it in a checkout or give --policies DIR")
	}
	unformatted, err := check.Format(p)
	if err != nil {
		return withCode(exitPolicy, err)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "Policies: %s\n", src.label)
	switch {
	case len(unformatted) == 0:
		fmt.Fprintf(&out, "All %d .rego files are formatted.\n", len(p.Sources))
	case write:
		for _, u := range unformatted {
			file := filepath.Join(src.dir, filepath.FromSlash(u.File))
			info, err := os.Stat(file)
			if err != nil {
				return fmt.Errorf("policy fmt: %w", err)
			}
			if err := os.WriteFile(file, u.Formatted, info.Mode().Perm()); err != nil {
				return fmt.Errorf("policy fmt: %w", err)
			}
			fmt.Fprintf(&out, "formatted %s\n", u.File)
		}
	default:
		for _, u := range unformatted {
			out.WriteString(u.Diff)
		}
		fmt.Fprintf(&out, "%d of %d .rego files are not formatted (exportrisk policy fmt --write fixes them).\n", len(unformatted), len(p.Sources))
	}
	if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
		return err
	}
	if len(unformatted) > 0 && !write {
		return withCode(exitCheckFailed, fmt.Errorf("policy fmt: %d %s not formatted", len(unformatted), policyPlural(len(unformatted), "file is", "files are")))
	}
	return nil
}

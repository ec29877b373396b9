package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/engine/policy/impact"
)

const policyImpactHelp = `Evaluates every country's bundle of the library (the latest of each, or the latest on or
before --as-of) under two versions of the policies and reports each criterion verdict
that changes: country, criterion, from -> to, the reasons added and removed with their
messages; then the overall classes that change and the totals per criterion.

--base is a git revision (read with "git archive REV policies" in the checkout), a
policy directory, a policy bundle (.tar.gz), or "embedded" (the policies of this
binary). --head is a directory, a bundle or "embedded"; it defaults to the policies/
directory of the working tree when run in a checkout, else the embedded policies.
Signed bundles need their verification key (--verification-key or
policies_verification_key).

Exit status: 0 when no verdict changes, 5 when some do (so that it can gate a merge),
2 usage, 3 invalid bundles in the library, 4 policies that do not load or compile.

Examples:
   exportrisk policy impact --base HEAD
   exportrisk policy impact --base main --format markdown > impact.md
   exportrisk policy impact --base embedded --head ./policies --as-of 2023-12-31
   exportrisk policy impact --base policies-2026.06.tar.gz --head policies-2026.07.tar.gz --format json`

func policyImpactCommand() *cli.Command {
	return &cli.Command{
		Name:        "impact",
		Usage:       "show which verdicts a policy change flips, country by country",
		Description: policyImpactHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "base", Usage: "the policies before: `REV`ISION (git), directory, bundle or \"embedded\" (required)"},
			&cli.StringFlag{Name: "head", Usage: "the policies after: directory, bundle or \"embedded\" (default: policies/ of the working tree, else embedded)"},
			&cli.StringFlag{Name: "as-of", Usage: "use each country's latest bundle dated on or before `DATE` (YYYY-MM-DD)"},
			verificationKeyFlag,
			formatFlag("table, markdown or json"), fixturesFlag, evidenceFlag, logFlag,
		},
		Action: policyImpact,
	}
}

func policyImpact(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("policy impact: unexpected argument %q (give the versions with --base and --head)", c.Args().First())
	}
	if err := cfg.checkFormat("table", "markdown", "json"); err != nil {
		return err
	}
	if c.String("base") == "" {
		return usageErrorf("policy impact: give the policies to compare with: --base REVISION|DIR|BUNDLE|embedded")
	}
	asOf := c.String("as-of")
	if asOf != "" {
		if _, err := time.Parse(time.DateOnly, asOf); err != nil {
			return usageErrorf("as-of: want a date YYYY-MM-DD, got %q", asOf)
		}
	}
	key, err := verificationKey(c, cfg)
	if err != nil {
		return err
	}
	base, cleanup, err := impactEngine(c.Context, c.String("base"), true, key)
	if err != nil {
		return err
	}
	defer cleanup()
	head, cleanupHead, err := impactEngine(c.Context, c.String("head"), false, key)
	if err != nil {
		return err
	}
	defer cleanupHead()
	lib, err := openLibrary(cfg)
	if err != nil {
		return err
	}
	applyBatchGC()
	start := time.Now()
	r, err := impact.Run(c.Context, base, head, lib, impact.Options{AsOf: asOf})
	if err != nil {
		var berr *impact.BundleError
		if errors.As(err, &berr) {
			return inputError(err)
		}
		return withCode(exitPolicy, fmt.Errorf("policy impact: %w", err))
	}
	slog.Debug("impact", "countries", r.Countries, "took", time.Since(start))
	if r.Countries == 0 {
		when := ""
		if asOf != "" {
			when = " on or before " + asOf
		}
		return withCode(exitInvalidInput, fmt.Errorf("policy impact: no country has a bundle%s in %s", when, lib.Name()))
	}
	var out bytes.Buffer
	switch cfg.Format {
	case "json":
		err = impact.WriteJSON(&out, r)
	case "markdown":
		err = impact.WriteMarkdown(&out, r)
	default:
		err = impact.WriteTable(&out, r)
	}
	if err != nil {
		return err
	}
	if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
		return err
	}
	if r.Changed() {
		return withCode(exitCheckFailed, fmt.Errorf("policy impact: %s", r.Summary()))
	}
	return nil
}

// impactEngine prepares the engine for one side of the comparison. spec is a directory,
// a bundle, "embedded", or (for the base) a git revision; "" is the working tree's
// policies or the embedded ones. The cleanup removes what a git revision was read into.
func impactEngine(ctx context.Context, spec string, isBase bool, key *bundle.Key) (*engine.Engine, func(), error) {
	cleanup := func() {}
	var (
		ps  *policy.Set
		err error
	)
	_, statErr := os.Stat(spec)
	switch {
	case spec == "":
		if dir, ok := workingTree(); ok {
			ps, err = policy.FS(os.DirFS(dir), dir+" (working tree)", dir)
		} else {
			ps, err = openPolicies("", key)
		}
	case spec == "embedded":
		ps, err = openPolicies("", key)
	case statErr == nil || bundle.IsBundle(spec): // a directory or a bundle file
		ps, err = openPolicies(spec, key)
	case !isBase:
		return nil, cleanup, usageErrorf("head: %s is neither a directory nor a bundle file", spec)
	default:
		var dir, label string
		dir, label, cleanup, err = gitPolicies(ctx, spec)
		if err != nil {
			return nil, cleanup, err
		}
		ps, err = policy.FS(os.DirFS(dir), label, "policies@"+spec)
	}
	if err != nil {
		return nil, cleanup, withCode(exitPolicy, err)
	}
	e, err := engine.New(ctx, ps)
	if err != nil {
		return nil, cleanup, withCode(exitPolicy, err)
	}
	return e, cleanup, nil
}

// gitPolicies extracts the policies/ directory of a git revision into a temporary
// directory ("git archive REV policies", run in the checkout that holds the working
// tree's policies/, else in the current directory).
func gitPolicies(ctx context.Context, rev string) (dir, label string, cleanup func(), err error) {
	cleanup = func() {}
	if strings.HasPrefix(rev, "-") {
		return "", "", cleanup, usageErrorf("base: %q is not a revision", rev)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return "", "", cleanup, usageErrorf("base: %s is not a directory or a bundle, and git is not installed to read it as a revision", rev)
	}
	repo := "."
	if wt, ok := workingTree(); ok {
		repo = filepath.Dir(absOrSame(wt))
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	commit, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return "", "", cleanup, usageErrorf("base: %q is not a directory, a bundle or a git revision of %s", rev, absOrSame(repo))
	}
	full := strings.TrimSpace(string(commit))
	short := full[:min(12, len(full))]
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		return "", "", cleanup, usageErrorf("base: %v", err)
	}
	// The tree of the policies directory at that commit, so the archive holds its files.
	tree := full + ":" + strings.TrimSpace(string(prefix)) + "policies"
	archive, err := git("archive", "--format=tar", tree)
	if err != nil {
		return "", "", cleanup, usageErrorf("base: revision %s has no policies directory (%v)", rev, err)
	}
	tmp, err := os.MkdirTemp("", "exportrisk-policies-")
	if err != nil {
		return "", "", cleanup, err
	}
	cleanup = func() { _ = os.RemoveAll(tmp) }
	if err := extractTar(archive, tmp); err != nil {
		return "", "", cleanup, fmt.Errorf("base: extract the policies of %s: %w", rev, err)
	}
	dir = tmp
	return dir, fmt.Sprintf("policies at git %s (commit %s)", rev, short), cleanup, nil
}

func absOrSame(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// extractTar writes the regular files of a tar archive under dir, refusing paths that
// would leave it.
func extractTar(data []byte, dir string) error {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("unsafe path %q in archive", h.Name)
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			b, err := io.ReadAll(io.LimitReader(tr, bundle.MaxSize))
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, b, 0o644); err != nil {
				return err
			}
		}
	}
}

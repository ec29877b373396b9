package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// newEngine loads the configured policies (--policies, the policies config key,
// EXPORTRISK_POLICIES; the embedded ones by default) and prepares the engine. assess,
// criteria, and serve (at start and on SIGHUP) use it.
func newEngine(ctx context.Context, cfg *Config) (*engine.Engine, error) {
	return loadEngine(ctx, cfg, cfg.Policies)
}

// loadEngine loads the policies at path ("" for the embedded ones) with loadPolicies and
// prepares the engine.
func loadEngine(ctx context.Context, cfg *Config, path string) (*engine.Engine, error) {
	start := time.Now()
	p, err := loadPolicies(cfg, path)
	if err != nil {
		return nil, err
	}
	e, err := engine.New(ctx, p, engine.WithEvaluator(cfg.Evaluator))
	if err != nil {
		return nil, withCode(exitPolicy, err)
	}
	slog.Debug("policies prepared", "source", p.Source, "revision", p.Revision, "evaluator", e.Evaluator().String(), "plan_functions", e.Evaluator().Functions, "plan_statements", e.Evaluator().Statements, "took", time.Since(start))
	return e, nil
}

// loadPolicies is how every command loads policies a user gives for assessing (assess,
// criteria, serve and its reload, replay --policies): policy.Load, which verifies a
// bundle's signature with policies_verification_key and validates the data file. Failures
// are policy errors (exit status 4).
func loadPolicies(cfg *Config, path string) (*policy.Set, error) {
	var key *bundle.Key
	if cfg.PoliciesVerificationKey != "" && path != "" && bundle.IsBundle(path) {
		k, err := bundle.LoadVerificationKey(cfg.PoliciesVerificationKey)
		if err != nil {
			return nil, withCode(exitPolicy, err)
		}
		key = k
	}
	p, err := policy.Load(path, key)
	if err != nil {
		return nil, withCode(exitPolicy, err)
	}
	return p, nil
}

// manifestRevision is the manifest revision of the policy bundle at path (its signature
// verified as loadPolicies does), or "" for a directory or the embedded policies.
func manifestRevision(cfg *Config, path string) (string, error) {
	if path == "" || !bundle.IsBundle(path) {
		return "", nil
	}
	var key *bundle.Key
	if cfg.PoliciesVerificationKey != "" {
		k, err := bundle.LoadVerificationKey(cfg.PoliciesVerificationKey)
		if err != nil {
			return "", withCode(exitPolicy, err)
		}
		key = k
	}
	info, err := bundle.ReadFile(path, key)
	if err != nil {
		return "", withCode(exitPolicy, err)
	}
	return info.Revision, nil
}

// openLibrary opens the configured bundle library (the shipped fixtures by default) with
// the evidence register merged into every bundle it loads (evidence.go).
func openLibrary(cfg *Config) (*indicators.Library, error) {
	lib, err := openBundles(cfg)
	if err != nil {
		return nil, err
	}
	reg, err := openRegister(cfg)
	if err != nil {
		return nil, err
	}
	return lib.WithEvidence(reg), nil
}

// openBundles opens the configured bundle library as the files hold the bundles.
func openBundles(cfg *Config) (*indicators.Library, error) {
	if cfg.Fixtures == "" {
		return indicators.OpenLibrary(fixtures.FS, "fixtures")
	}
	if _, err := os.Stat(cfg.Fixtures); err != nil {
		return nil, withCode(exitUsage, err)
	}
	return indicators.OpenLibrary(os.DirFS(cfg.Fixtures), cfg.Fixtures)
}

// inputError marks bundle validation errors as invalid input.
func inputError(err error) error {
	var verr *indicators.ValidationError
	if errors.As(err, &verr) {
		return withCode(exitInvalidInput, err)
	}
	return err
}

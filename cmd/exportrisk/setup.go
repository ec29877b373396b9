package main

import (
	"context"
	"errors"
	"fmt"
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
	p, err := loadPolicies(cfg, path)
	if err != nil {
		return nil, err
	}
	return prepareEngine(ctx, cfg, p)
}

// prepareEngine prepares the engine for a loaded policy set, with the configured evaluator.
func prepareEngine(ctx context.Context, cfg *Config, p *policy.Set) (*engine.Engine, error) {
	start := time.Now()
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
	if path != "" && bundle.IsBundle(path) {
		k, err := readVerificationKey(cfg.PoliciesVerificationKey)
		if err != nil {
			return nil, withCode(exitPolicy, err)
		}
		key = k
	}
	p, err := openPolicies(path, key)
	if err != nil {
		return nil, withCode(exitPolicy, err)
	}
	return p, nil
}

// openPolicies is policy.Load (Open, then Check) with what only the command line says: how
// to use a signed bundle, and which bundle release is in use.
func openPolicies(path string, key *bundle.Key) (*policy.Set, error) {
	p, err := policy.Open(path, key)
	var serr *bundle.SignedError
	if errors.As(err, &serr) {
		return nil, fmt.Errorf("%w: configure its verification key (policies_verification_key, "+
			"EXPORTRISK_POLICIES_VERIFICATION_KEY) to use it", err)
	}
	if err != nil {
		return nil, err
	}
	if info := p.Bundle; info != nil {
		if !info.Signed {
			slog.Warn("policy bundle is not signed; configure policies_verification_key to accept signed bundles only",
				"bundle", path, "revision", info.Revision)
		}
		slog.Info("policies from bundle", "bundle", path, "manifest_revision", info.Revision,
			"policy_revision", p.Revision, "signature_verified", info.Verified)
	}
	if err := policy.Check(p, path); err != nil {
		return nil, err
	}
	return p, nil
}

// manifestRevision is the manifest revision of the policy bundle a policy set was loaded
// from, or "" for a directory or the embedded policies.
func manifestRevision(p *policy.Set) string {
	if p.Bundle == nil {
		return ""
	}
	return p.Bundle.Revision
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

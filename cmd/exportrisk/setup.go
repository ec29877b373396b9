package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policybundle"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// newEngine loads the configured policies (embedded by default) and prepares the engine.
func newEngine(ctx context.Context, cfg *Config) (*engine.Engine, error) {
	start := time.Now()
	var (
		p   *engine.PolicySet
		err error
	)
	switch {
	case cfg.Policies == "":
		p, err = engine.Embedded()
	case policybundle.IsBundle(cfg.Policies):
		p, err = loadPolicyBundle(cfg) // policy_bundle.go
	default:
		p, err = engine.LoadPoliciesDir(cfg.Policies)
	}
	if err != nil {
		return nil, withCode(exitPolicy, err)
	}
	if err := checkPolicyData(p, cfg.Policies); err != nil { // policy_bundle.go
		return nil, withCode(exitPolicy, err)
	}
	e, err := engine.New(ctx, p)
	if err != nil {
		return nil, withCode(exitPolicy, err)
	}
	slog.Debug("policies prepared", "source", p.Source, "revision", p.Revision, "took", time.Since(start))
	return e, nil
}

// openLibrary opens the configured bundle library (the shipped fixtures by default).
func openLibrary(cfg *Config) (*indicators.Library, error) {
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

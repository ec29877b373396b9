package main

import (
	"errors"
	"fmt"
)

// Exit codes, listed in the README.
const (
	exitOK           = 0 // success
	exitFailure      = 1 // unexpected failure (I/O, internal error)
	exitUsage        = 2 // bad command line or configuration
	exitInvalidInput = 3 // invalid bundle, unknown country, no bundle for the date
	exitPolicy       = 4 // policies do not load, compile or keep the result contract
	exitCheckFailed  = 5 // replay differed or failed, audit verify found a broken chain
)

// exitError carries the exit code for an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

func usageErrorf(format string, args ...any) error {
	return withCode(exitUsage, fmt.Errorf(format, args...))
}

func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}

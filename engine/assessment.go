package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

// Input is a bundle as the policies read it and as a decision records it: the bundle, its
// canonical JSON and that JSON's digest. It is made once per bundle (NewInput from a bundle,
// ReadInput from recorded canonical JSON) and never modified, so it can be kept and assessed
// again (the server and the world overview keep one per shipped bundle).
type Input struct {
	bundle    *indicators.Bundle // nil when read from canonical JSON: decoded on assessment
	canonical []byte
	digest    string
	value     plan.Value // the compiled evaluator's value of canonical, when built with it
}

// NewInput makes the input of a bundle. Its canonical JSON is written from the same typed
// value the compiled evaluator reads, in one pass; the tests prove it byte for byte
// indicators.Canonicalize's for every shipped bundle, every field of the bundle types and
// fuzzed bundles (canonical_test.go).
func NewInput(b *indicators.Bundle) (*Input, error) {
	if b == nil {
		return nil, fmt.Errorf("input: no bundle")
	}
	v, err := planInput(b)
	if err != nil {
		return nil, fmt.Errorf("input of %s: %w", b.Country.ISO3, err)
	}
	canonical := plan.AppendCanonical(make([]byte, 0, 32<<10), v) // a world bundle is 20-30 KB
	if bytes.Contains(canonical, []byte(`\ufffd`)) {
		// A string with invalid UTF-8 (or the text \ufffd): indicators.Canonicalize writes
		// invalid bytes as U+FFFD itself, not escaped. The input is then read from that
		// canonical JSON, bundle included, exactly as a replay reads it.
		if canonical, err = indicators.Canonicalize(b); err != nil {
			return nil, fmt.Errorf("input of %s: %w", b.Country.ISO3, err)
		}
		return ReadInput(canonical), nil
	}
	return &Input{bundle: b, canonical: canonical, digest: indicators.Digest(canonical), value: v}, nil
}

// ReadInput makes the input of a bundle given as canonical JSON (as a decision records it):
// the bytes are kept as given, so a replay reads exactly what was recorded.
func ReadInput(canonical []byte) *Input {
	return &Input{canonical: canonical, digest: indicators.Digest(canonical)}
}

// Canonical returns the bundle's canonical JSON (not to be modified).
func (in *Input) Canonical() []byte { return in.canonical }

// Digest returns the digest of the canonical JSON ("sha256:<hex>").
func (in *Input) Digest() string { return in.digest }

// Bundle returns the bundle, nil for an input read from canonical JSON before it was assessed
// (Assessment.Bundle has it then).
func (in *Input) Bundle() *indicators.Bundle { return in.bundle }

// Assessment is one evaluation of a bundle, the value that flows from Engine.Assess to the
// recorder (engine/audit), the reports (engine/present), the server and replay: the bundle,
// its canonical JSON and digest, the policies that decided, when, and the result.
type Assessment struct {
	// Source says where the bundle came from, as shown to people (a library path, a file,
	// "request body"); set by the caller, "" when it did not say.
	Source string
	Bundle *indicators.Bundle
	// Input is the bundle's canonical JSON and its digest: what the policies read and what
	// is recorded. It can be assessed again.
	Input *Input
	// Policies are the policies that decided; the revision is Policies.Revision (and
	// Result.PolicyRevision), the files are archived with a revision's first decision.
	Policies *policy.Set
	EvalTime time.Time // when the evaluation ran
	Result   *Result
}

// decodeBundle decodes a bundle from its canonical JSON.
func decodeBundle(canonical []byte) (*indicators.Bundle, error) {
	b := &indicators.Bundle{}
	if err := json.Unmarshal(canonical, b); err != nil {
		return nil, fmt.Errorf("decode input: %w", err)
	}
	return b, nil
}

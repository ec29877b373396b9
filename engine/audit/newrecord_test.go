package audit

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// NewRecord checks what its caller gives; the digests it computes or is given are checked
// with the whole record when a store appends it.
func TestNewRecordChecks(t *testing.T) {
	input := []byte(`{"as_of":"2026-06-01","country":{"iso3":"KAZ"}}`)
	digest := indicators.Digest(input)
	decision := func(edit func(*Decision)) Decision {
		d := Decision{Input: input, Requester: "tester", EngineVersion: "test",
			Result: &engine.Result{Country: indicators.Country{ISO3: "KAZ"}, AsOf: "2026-06-01", PolicyRevision: testRevision,
				InputDigest: digest, Overall: "light_red", Criteria: []engine.CriterionResult{{Criterion: 1, Verdict: "critical"}}},
			EvalTime: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Now: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)}
		edit(&d)
		return d
	}
	for _, tc := range []struct {
		name      string
		edit      func(*Decision)
		newErr    string // NewRecord's error; "" = none
		appendErr string // checkAppend's error; "" = none
	}{
		{"digest computed", func(*Decision) {}, "", ""},
		{"digest given", func(d *Decision) { d.InputDigest = digest }, "", ""},
		{"wrong digest given", func(d *Decision) { d.InputDigest = indicators.Digest([]byte("{}")) }, "", "input_digest"},
		{"result of another input", func(d *Decision) { d.Result.InputDigest = indicators.Digest([]byte("{}")) }, "", "input digest differ"},
		{"no requester", func(d *Decision) { d.Requester = "" }, "requester: missing", ""},
		{"no policy revision", func(d *Decision) { d.Result.PolicyRevision = "" }, "policy_revision: missing", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRecord(decision(tc.edit))
			if tc.newErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.newErr) {
					t.Fatalf("NewRecord: %v, want an error with %q", err, tc.newErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = checkAppend([]*RecordV1{r})
			if tc.appendErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r.InputDigest != digest {
					t.Errorf("input_digest %s, want %s", r.InputDigest, digest)
				}
				return
			}
			if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), tc.appendErr) {
				t.Fatalf("append: %v, want ErrInvalidRecord with %q", err, tc.appendErr)
			}
		})
	}
}

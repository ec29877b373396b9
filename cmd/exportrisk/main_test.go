package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/internal/golden"
)

const kazFixture = "../../fixtures/curated/KAZ-2026-06-01.yaml"

// digests change with every policy or fixture edit; the engine tests check them.
var digest = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// decision ids are new for every assessment.
var decisionID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// newStore creates an audit store (as exportrisk audit init does) and returns its path.
func newStore(t *testing.T) string {
	t.Helper()
	return newStoreAt(t, filepath.Join(t.TempDir(), "audit.db"))
}

func newStoreAt(t *testing.T, path string) string {
	t.Helper()
	s, err := audit.OpenSQLite(context.Background(), path, audit.SQLiteOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no user config file
	// Each run records its decisions in its own audit store.
	t.Setenv("EXPORTRISK_AUDIT_PATH", newStore(t))
	t.Setenv("EXPORTRISK_REQUESTER", "tester")
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"exportrisk"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestCLI runs each command, format and language against golden output in
// testdata/NAME.golden (stdout, then stderr after a marker line).
func TestCLI(t *testing.T) {
	configFile, badConfig := "testdata/config-de.yaml", "testdata/config-bad.yaml"
	tests := map[string]struct {
		args []string
		env  map[string]string
		code int
		as   string // the golden of another case this one must match byte for byte
	}{
		"assess-table":            {args: []string{"assess", "KAZ"}},
		"assess-table-de":         {args: []string{"assess", "kaz", "--lang", "de"}},
		"assess-markdown":         {args: []string{"assess", "KAZ", "--format", "markdown"}},
		"assess-markdown-de":      {args: []string{"assess", "KAZ", "--format", "markdown", "--lang", "de"}},
		"assess-json":             {args: []string{"assess", "KAZ", "--format", "json"}},
		"assess-explain-2":        {args: []string{"assess", "KAZ", "--explain", "2"}},
		"assess-explain-7-de":     {args: []string{"assess", "KAZ", "--explain", "7", "--lang", "de"}},
		"assess-explain-2-de":     {args: []string{"assess", "KAZ", "--explain", "2", "--lang", "de"}},
		"assess-bundle":           {args: []string{"assess", "--bundle", kazFixture, "--format", "json"}},
		"assess-env":              {args: []string{"assess", "KAZ"}, env: map[string]string{"EXPORTRISK_LANG": "de", "EXPORTRISK_FORMAT": "markdown"}, as: "assess-markdown-de"},
		"assess-config-file":      {args: []string{"--config", configFile, "assess", "KAZ"}, as: "assess-markdown-de"},
		"assess-flag-beats-env":   {args: []string{"assess", "KAZ", "--lang", "en"}, env: map[string]string{"EXPORTRISK_LANG": "de"}, as: "assess-table"},
		"assess-unknown-country":  {args: []string{"assess", "XYZ"}, code: exitInvalidInput},
		"assess-not-a-code":       {args: []string{"assess", "Kazakhstan"}, code: exitInvalidInput},
		"assess-too-early":        {args: []string{"assess", "KAZ", "--as-of", "2012-06-30"}, code: exitInvalidInput},
		"assess-invalid-bundle":   {args: []string{"assess", "--bundle", "../../indicators/testdata/invalid/out-of-range.yaml"}, code: exitInvalidInput},
		"assess-missing-bundle":   {args: []string{"assess", "--bundle", "testdata/nope.yaml"}, code: exitFailure},
		"assess-no-args":          {args: []string{"assess"}, code: exitUsage},
		"assess-bad-format":       {args: []string{"assess", "KAZ", "--format", "pdf"}, code: exitUsage},
		"assess-bad-lang-env":     {args: []string{"assess", "KAZ"}, env: map[string]string{"EXPORTRISK_LANG": "fr"}, code: exitUsage},
		"assess-bad-explain":      {args: []string{"assess", "KAZ", "--explain", "9"}, code: exitUsage},
		"assess-unknown-flag":     {args: []string{"assess", "KAZ", "--colour"}, code: exitUsage},
		"assess-bad-config-key":   {args: []string{"--config", badConfig, "assess", "KAZ"}, code: exitUsage},
		"assess-missing-config":   {args: []string{"--config", "testdata/nope.yaml", "assess", "KAZ"}, code: exitUsage},
		"assess-policies-dir":     {args: []string{"assess", "KAZ", "--policies", "../../policies"}},
		"history-ukr":             {args: []string{"history", "UKR", "--from", "2013", "--to", "2015"}},
		"history-mli-markdown":    {args: []string{"history", "mli", "--from", "2019", "--to", "2021", "--format", "markdown"}},
		"history-kaz-csv":         {args: []string{"history", "KAZ", "--format", "csv"}},
		"history-unknown":         {args: []string{"history", "XYZ"}, code: exitInvalidInput},
		"history-bad-format":      {args: []string{"history", "UKR", "--format", "pdf"}, code: exitUsage},
		"history-no-args":         {args: []string{"history"}, code: exitUsage},
		"data-diff-csv":           {args: []string{"data", "diff", "--from", "2022", "--to", "2023", "--format", "csv"}},
		"data-diff-no-year":       {args: []string{"data", "diff", "--from", "2010", "--to", "2023"}, code: exitInvalidInput},
		"data-diff-usage":         {args: []string{"data", "diff", "--from", "2022"}, code: exitUsage},
		"assess-policies-dir-md":  {args: []string{"assess", "KAZ", "--policies", "../../policies", "--format", "markdown", "--lang", "de"}},
		"assess-broken-policies":  {args: []string{"assess", "KAZ", "--policies", "testdata/broken-policies"}, code: exitPolicy},
		"assess-missing-policies": {args: []string{"assess", "KAZ", "--policies", "testdata/nope"}, code: exitPolicy},
		"assess-all-curated":      {args: []string{"assess", "--all", "--fixtures", "../../fixtures/curated"}},
		"assess-all-curated-de":   {args: []string{"assess", "--all", "--fixtures", "../../fixtures/curated", "--lang", "de", "--no-record"}},
		"assess-all-curated-json": {args: []string{"assess", "--all", "--fixtures", "../../fixtures/curated", "--format", "json"}},
		"criteria":                {args: []string{"criteria"}},
		"criteria-json":           {args: []string{"criteria", "--format", "json"}},
		"validate-ok":             {args: []string{"validate", kazFixture, "../../indicators/testdata/valid/minimal.json"}},
		"validate-invalid":        {args: []string{"validate", kazFixture, "../../indicators/testdata/invalid/missing-source.yaml", "../../indicators/testdata/invalid/wrong-type.yaml"}, code: exitInvalidInput},
		"validate-no-args":        {args: []string{"validate"}, code: exitUsage},
		"unknown-command":         {args: []string{"asses", "KAZ"}, code: exitUsage},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, tc.code, stderr)
			}
			// validate reports each valid file before it stops at an invalid one.
			if tc.code != exitOK && tc.args[0] != "validate" && stdout != "" {
				t.Errorf("failed command wrote to stdout:\n%s", stdout)
			}
			got := digest.ReplaceAllString(stdout+"\n--- stderr ---\n"+stderr, "sha256:<digest>")
			got = decisionID.ReplaceAllString(got, "<decision-id>")
			if tc.as != "" {
				want, err := os.ReadFile(filepath.Join("testdata", tc.as+".golden"))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("output differs from testdata/%s.golden (-want +got):\n%s", tc.as, diff)
				}
				return
			}
			golden.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
		})
	}
}

// TestAssessKazakhstanJSON checks the JSON contract and BICC's ratings through the CLI.
func TestAssessKazakhstanJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "assess", "KAZ", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Country        struct{ ISO3 string } `json:"country"`
		AsOf           string                `json:"as_of"`
		PolicyRevision string                `json:"policy_revision"`
		InputDigest    string                `json:"input_digest"`
		Overall        string                `json:"overall"`
		Bundle         string                `json:"bundle"`
		Criteria       []struct {
			Criterion int               `json:"criterion"`
			Verdict   string            `json:"verdict"`
			Reasons   []json.RawMessage `json:"reasons"`
			Missing   []string          `json:"missing"`
		} `json:"criteria"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	verdicts := map[int]string{}
	for _, c := range got.Criteria {
		verdicts[c.Criterion] = c.Verdict
		if len(c.Reasons) == 0 || c.Missing == nil {
			t.Errorf("criterion %d: reasons %d, missing %v: want reasons and a missing list", c.Criterion, len(c.Reasons), c.Missing)
		}
	}
	want := map[int]string{1: "not_critical", 2: "critical", 3: "possibly_critical", 4: "possibly_critical",
		5: "not_critical", 6: "not_critical", 7: "possibly_critical", 8: "not_critical"}
	if diff := cmp.Diff(want, verdicts); diff != "" {
		t.Errorf("verdicts differ from BICC's table (-bicc +got):\n%s", diff)
	}
	if got.Country.ISO3 != "KAZ" || got.AsOf != "2026-06-01" || got.Overall != "light_red" ||
		!strings.HasPrefix(got.PolicyRevision, "sha256:") || !strings.HasPrefix(got.InputDigest, "sha256:") ||
		got.Bundle != "fixtures/curated/KAZ-2026-06-01.yaml" {
		t.Errorf("header fields: country %s, as_of %s, overall %q, bundle %q, revision %q, digest %q",
			got.Country.ISO3, got.AsOf, got.Overall, got.Bundle, got.PolicyRevision, got.InputDigest)
	}
}

// embeddedEngine returns an engine for the embedded policies, compiled once per test binary
// (an engine is safe for concurrent use and keeps no per-test state).
func embeddedEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := sharedEngine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var sharedEngine = sync.OnceValues(func() (*engine.Engine, error) {
	p, err := policy.Embedded()
	if err != nil {
		return nil, err
	}
	return engine.New(context.Background(), p)
})

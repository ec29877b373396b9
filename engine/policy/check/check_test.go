package check

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/policies"
)

// copyPolicies returns the embedded policies as a MapFS with some files replaced.
func copyPolicies(t *testing.T, replace map[string]string) fstest.MapFS {
	t.Helper()
	fsys := enginetest.Policies(t)
	for p, s := range replace {
		fsys[p] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

// TestShippedPolicies: the embedded policies pass every check but the tests. Their Rego
// tests run once per go test ./..., in policies.TestRego (with coverage); RunTests is tested
// here on part of them (TestCoverageFollowsRun) and on a failing test.
func TestShippedPolicies(t *testing.T) {
	p, err := Load(policies.FS, "policies")
	if err != nil {
		t.Fatal(err)
	}
	if errs := Strict(p); errs != nil {
		t.Errorf("strict: %v", errs)
	}
	if u, err := Format(p); err != nil || len(u) > 0 {
		t.Errorf("format: %v %v", u, err)
	}
	if err := Data(p); err != nil {
		t.Error(err)
	}
	if _, err := Engine(context.Background(), p); err != nil {
		t.Error(err)
	}
}

// TestFailingTestShowsValues: a failing Rego test reports the failing expression and the
// values of its variables.
func TestFailingTestShowsValues(t *testing.T) {
	fsys := copyPolicies(t, map[string]string{
		"extra/extra.rego": `package extra

critical(hdi) if hdi < data.thresholds.c8.critical_hdi_below
`,
		"extra/extra_test.rego": `package extra_test

import data.extra

test_hdi_060_is_critical if {
	hdi := 0.6
	extra.critical(hdi)
}
`,
	})
	p, err := Load(fsys, "copy")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := RunTests(context.Background(), p, TestOptions{Run: "extra_test"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 1 || rep.Passed != 0 {
		t.Errorf("report %+v, want exactly the one failure", rep)
	}
	for _, want := range []string{"extra/extra_test.rego:5:", "data.extra_test.test_hdi_060_is_critical: FAIL",
		"extra/extra_test.rego:7:", "extra.critical(hdi)", "0.6", "FAIL: 1/1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCoverageFollowsRun: running only some tests covers less.
func TestCoverageFollowsRun(t *testing.T) {
	p, err := Load(policies.FS, "policies")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := RunTests(context.Background(), p, TestOptions{Run: `criteria\.c8_test`}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed+rep.Errored > 0 || rep.Passed == 0 {
		t.Errorf("tests: %+v\n%s", rep, out.String())
	}
	cov := map[string]float64{}
	for _, f := range rep.Files {
		cov[f.File] = f.Coverage
		if strings.HasSuffix(f.File, "_test.rego") {
			t.Errorf("coverage lists test file %s", f.File)
		}
	}
	if cov["criteria/c8/c8.rego"] < 90 || cov["criteria/c1/c1.rego"] > 50 || rep.Coverage >= 90 {
		t.Errorf("coverage with only the c8 tests: c8 %.1f%%, c1 %.1f%%, total %.1f%%", cov["criteria/c8/c8.rego"], cov["criteria/c1/c1.rego"], rep.Coverage)
	}
}

func TestFormatAndDiff(t *testing.T) {
	fsys := copyPolicies(t, map[string]string{"extra/extra.rego": "package extra\n\nx := 1\ny   :=   2\n"})
	p, err := Load(fsys, "copy")
	if err != nil {
		t.Fatal(err)
	}
	u, err := Format(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(u) != 1 || u[0].File != "extra/extra.rego" {
		t.Fatalf("unformatted %v", u)
	}
	want := "--- extra/extra.rego\n+++ extra/extra.rego (opa fmt)\n@@ -1,4 +1,4 @@\n package extra\n \n x := 1\n-y   :=   2\n+y := 2\n"
	if u[0].Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", u[0].Diff, want)
	}
}

func TestStrictFindsUnusedVariable(t *testing.T) {
	fsys := copyPolicies(t, map[string]string{"extra/extra.rego": "package extra\n\nf(x) := 1\n"})
	p, err := Load(fsys, "copy")
	if err != nil {
		t.Fatal(err)
	}
	errs := Strict(p)
	if len(errs) == 0 || !strings.Contains(FormatErrors(errs), "extra/extra.rego:3: rego_compile_error") {
		t.Errorf("strict errors: %v", errs)
	}
}

func TestLoadParseError(t *testing.T) {
	fsys := copyPolicies(t, map[string]string{"extra/extra.rego": "package extra\n\nx := {\n"})
	_, err := Load(fsys, "copy")
	if err == nil || !strings.Contains(err.Error(), "extra/extra.rego:4: rego_parse_error") {
		t.Errorf("error %v", err)
	}
}

func TestUnifiedDiff(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	b := "1\n2x\n3\n4\n5\n6\n7\n8\n9\n10\n11x\n12\n"
	got := UnifiedDiff("f", a, b)
	want := "--- f\n+++ f (opa fmt)\n@@ -1,5 +1,5 @@\n 1\n-2\n+2x\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+11x\n 12\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestContract: the three policy mistakes that passed policy check and policy test are
// caught: a template variable typo, a threshold key typo, a non-deterministic builtin.
func TestContract(t *testing.T) {
	p, err := Load(policies.FS, "policies")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Contract(p)
	if err != nil {
		t.Fatalf("the shipped policies: %v", err)
	}
	if rep.Templates < 100 || rep.ThresholdReads < 50 || len(rep.Unchecked) > 0 {
		t.Errorf("checked too little: %+v", rep)
	}
	c2, _ := fs.ReadFile(policies.FS, "criteria/c2/c2.rego")
	c8, _ := fs.ReadFile(policies.FS, "criteria/c8/c8.rego")
	tests := map[string]struct {
		file, old, new string
		want           string
	}{
		"template variable typo": {"criteria/c2/c2.rego", "{{num .limit}} or more make", "{{num .limt}} or more make",
			"criteria/c2/c2.rego:81: C2-GOV-ONE-SIDED-VIOLENCE: custom.message.en uses .limt, which the rule does not pass to reason.make (it passes limit) (did you mean .limit?)"},
		"threshold key typo": {"criteria/c2/c2.rego", "_t.gov_osv_min_years", "_t.gov_osv_min_yaers",
			"criteria/c2/c2.rego:100: data.thresholds.c2.gov_osv_min_yaers: the rule reads a threshold the data file does not have, so the rule would never fire (did you mean data.thresholds.c2.gov_osv_min_years?)"},
		"non-deterministic builtin": {"criteria/c8/c8.rego", "import data.lib.reason\n", "import data.lib.reason\n\n_now := time.now_ns()\n",
			"criteria/c8/c8.rego:27: time.now_ns: not allowed: non-deterministic, replays would differ"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src := map[string][]byte{"criteria/c2/c2.rego": c2, "criteria/c8/c8.rego": c8}[tc.file]
			if !strings.Contains(string(src), tc.old) {
				t.Fatalf("%s does not contain %q", tc.file, tc.old)
			}
			fsys := copyPolicies(t, map[string]string{tc.file: strings.Replace(string(src), tc.old, tc.new, 1)})
			p, err := Load(fsys, "policies")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Contract(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Contract = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

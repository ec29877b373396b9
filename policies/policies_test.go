package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/exportrisk/exportrisk/engine/policy/calibration"
)

// entrypoint is the query that evaluates one bundle (input) against the policies.
const entrypoint = "data.main.assessment"

// dataFile is the name of the policy data file in FS.
const dataFile = "data.yaml"

// minCoverage is the lowest acceptable line coverage (percent) of the non-test modules.
const minCoverage = 90.0

var (
	verdicts = []string{"critical", "possibly_critical", "not_critical", "insufficient_data"}
	bases    = []string{"published", "calibration_default"}
	signals  = []string{"severe", "concern"}
)

// parse parses the given sources with annotations, failing the test on any error.
func parse(t testing.TB, sources map[string]string) map[string]*ast.Module {
	t.Helper()
	modules := make(map[string]*ast.Module, len(sources))
	for file, src := range sources {
		m, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{ProcessAnnotation: true})
		if err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		modules[file] = m
	}
	return modules
}

// sources returns the source of every embedded .rego file, keyed by path; test modules
// (*_test.rego) only if tests is set.
func sources(t testing.TB, tests bool) map[string]string {
	t.Helper()
	srcs := map[string]string{}
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		if !tests && strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		b, err := fs.ReadFile(FS, p)
		srcs[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) == 0 {
		t.Fatal("no .rego files embedded")
	}
	return srcs
}

// store holds data.yaml as the engine loads it.
func store(t testing.TB) storage.Store {
	t.Helper()
	return inmem.NewFromObjectWithOpts(shippedData(t), inmem.OptReturnASTValuesOnRead(true))
}

// shippedData is data.yaml, parsed.
func shippedData(t testing.TB) map[string]any {
	t.Helper()
	raw, err := fs.ReadFile(FS, dataFile)
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := util.Unmarshal(raw, &data); err != nil {
		t.Fatalf("parse %s: %v", dataFile, err)
	}
	return data
}

// TestEmbedded checks that every .rego file and data.yaml on disk is embedded.
func TestEmbedded(t *testing.T) {
	var onDisk []string
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".rego") || p == dataFile) {
			onDisk = append(onDisk, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var embedded []string
	for p := range sources(t, true) {
		embedded = append(embedded, p)
	}
	embedded = append(embedded, dataFile)
	sort.Strings(onDisk)
	sort.Strings(embedded)
	if diff := cmp.Diff(onDisk, embedded); diff != "" {
		t.Errorf("embedded files differ from files on disk (-disk +embedded):\n%s", diff)
	}
}

// TestRego runs every Rego test with coverage and checks the coverage of the non-test modules.
func TestRego(t *testing.T) {
	ctx := context.Background()
	modules := parse(t, sources(t, true))
	st := store(t)
	txn := storage.NewTransactionOrDie(ctx, st)
	defer st.Abort(ctx, txn)

	cov := cover.New()
	runner := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		SetStore(st).
		SetModules(modules).
		RaiseBuiltinErrors(true).
		SetCoverageQueryTracer(cov).
		CapturePrintOutput(true).
		SetTimeout(30 * time.Second)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	var passed, failed int
	for r := range ch {
		switch {
		case r.Error != nil:
			failed++
			t.Errorf("%s: %s.%s: ERROR: %v", r.Location, r.Package, r.Name, r.Error)
		case r.Fail:
			failed++
			t.Errorf("%s: %s.%s: FAIL%s", r.Location, r.Package, r.Name, output(r.Output))
		case r.Skip:
			t.Logf("%s: %s.%s: SKIPPED", r.Location, r.Package, r.Name)
		default:
			passed++
		}
	}
	t.Logf("rego tests: %d passed, %d failed", passed, failed)
	if passed == 0 {
		t.Fatal("no rego tests ran")
	}

	report := cov.Report(modules)
	files := make([]string, 0, len(report.Files))
	for f := range report.Files {
		files = append(files, f)
	}
	sort.Strings(files)
	var covered, notCovered int
	for _, f := range files {
		fr := report.Files[f]
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		covered += fr.CoveredLines
		notCovered += fr.NotCoveredLines
		var rows []string
		for _, r := range fr.NotCovered {
			rows = append(rows, fmt.Sprintf("%d-%d", r.Start.Row, r.End.Row))
		}
		t.Logf("coverage %6.2f%% %s%s", fr.Coverage, f, notCoveredRows(rows))
	}
	total := 100.0
	if covered+notCovered > 0 {
		total = 100 * float64(covered) / float64(covered+notCovered)
	}
	t.Logf("coverage %6.2f%% of non-test modules (%6.2f%% with tests)", total, report.Coverage)
	if total < minCoverage {
		t.Errorf("coverage of non-test modules %.2f%% is below %.0f%%", total, minCoverage)
	}
}

// readsShippedData are the Rego tests that read the shipped thresholds (data.yaml) on
// purpose, and why. Every other test runs the rules under the test calibration
// (lib/testdata_test.rego), so that policy staff can move a threshold in data.yaml and still
// pass exportrisk policy test; policy impact shows what the change does.
var readsShippedData = map[string]string{
	"data.main_test.test_kazakhstan_reproduces_bicc_ratings":            "BICC's table must hold under the shipped calibration",
	"data.criteria.c6_test.test_shipped_conventions_are_29_with_10_key": "checks data.yaml: BICC counts 29 conventions, 10 key ones",
	"data.lib.labels_test.test_every_instrument_read_has_labels":        "checks data.yaml: every instrument the thresholds name has labels",
}

// TestRegoIndependentOfCalibration runs the Rego tests with no thresholds in the data. The
// tests of readsShippedData must fail (they do read the shipped data); every other test must
// pass: it evaluates the rules with data.thresholds as the test calibration, so no value of
// data.yaml can fail it.
func TestRegoIndependentOfCalibration(t *testing.T) {
	ctx := context.Background()
	data := shippedData(t)
	delete(data, "thresholds")
	st := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	txn := storage.NewTransactionOrDie(ctx, st)
	defer st.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetStore(st).
		SetModules(parse(t, sources(t, true))).
		RaiseBuiltinErrors(true).
		SetTimeout(30*time.Second).
		RunTests(ctx, txn)
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	seen := map[string]bool{}
	for r := range ch {
		name := r.Package + "." + r.Name
		seen[name] = true
		failed := r.Fail || r.Error != nil
		switch why, shipped := readsShippedData[name]; {
		case shipped && !failed:
			t.Errorf("%s: %s passes without the shipped thresholds, but readsShippedData says it reads them (%s)", r.Location, name, why)
		case !shipped && failed:
			t.Errorf("%s: %s fails without the shipped thresholds: evaluate the rules under the test calibration "+
				"(with data.thresholds as td.calibration(overrides)), or list it in readsShippedData with a reason", r.Location, name)
		}
	}
	for name := range readsShippedData {
		if !seen[name] {
			t.Errorf("readsShippedData names %s, which is not a test", name)
		}
	}
}

// TestTestCalibration checks that the test calibration (data.lib.testdata_test.thresholds)
// is a valid data.thresholds: every key of the schema, consistent pairs.
func TestTestCalibration(t *testing.T) {
	opts := []func(*rego.Rego){rego.Query("data.lib.testdata_test.thresholds"), rego.Store(store(t))}
	for _, m := range parse(t, sources(t, true)) {
		opts = append(opts, rego.ParsedModule(m))
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("data.lib.testdata_test.thresholds: %v %v", rs, err)
	}
	doc, err := json.Marshal(map[string]any{"thresholds": rs[0].Expressions[0].Value, "labels": shippedData(t)["labels"]})
	if err != nil {
		t.Fatal(err)
	}
	if err := calibration.Validate("the test calibration", doc); err != nil {
		t.Error(err)
	}
}

func output(bs []byte) string {
	if len(bs) == 0 {
		return ""
	}
	return "\n" + strings.TrimRight(string(bs), "\n")
}

func notCoveredRows(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return " (not covered: " + strings.Join(rows, ", ") + ")"
}

// TestFormat checks that every .rego file is opa fmt clean.
func TestFormat(t *testing.T) {
	for file, src := range sources(t, true) {
		got, err := format.Source(file, []byte(src))
		if err != nil {
			t.Errorf("%s: format: %v", file, err)
			continue
		}
		if diff := cmp.Diff(src, string(got)); diff != "" {
			t.Errorf("%s is not opa fmt clean (-file +formatted):\n%s", file, diff)
		}
	}
}

// TestStrict compiles every module, tests included, with the strict compiler.
func TestStrict(t *testing.T) {
	compiler := ast.NewCompiler().WithStrict(true)
	if compiler.Compile(parse(t, sources(t, true))); compiler.Failed() {
		for _, e := range compiler.Errors {
			if e.Location != nil {
				t.Errorf("%s:%d: %s: %s", e.Location.File, e.Location.Row, e.Code, e.Message)
			} else {
				t.Errorf("%s: %s", e.Code, e.Message)
			}
		}
	}
}

var indicatorPath = regexp.MustCompile(`^(indices|memberships)\.[a-z0-9_]+$|^embargoes\.[A-Z]+(\.(state|non_state))?$`)

var criterionDir = regexp.MustCompile(`^criteria/c([1-8])/c[1-8]\.rego$`)

// TestMetadata checks the package and rule METADATA the reasons and the engine rely on.
func TestMetadata(t *testing.T) {
	modules := parse(t, sources(t, false))
	list := make([]*ast.Module, 0, len(modules))
	for _, m := range modules {
		list = append(list, m)
	}
	as, errs := ast.BuildAnnotationSet(list)
	if len(errs) > 0 {
		t.Fatalf("annotations: %v", errs)
	}
	codes := map[string]string{}
	criteria := map[string]bool{}
	for file, m := range modules {
		pkg := packageAnnotations(m)
		if pkg == nil || pkg.Title == "" || pkg.Description == "" {
			t.Errorf("%s: package %s: METADATA needs title and description", file, m.Package.Path)
			continue
		}
		checkBasis(t, file, "package", pkg.Custom)
		n := 0
		if sub := criterionDir.FindStringSubmatch(file); sub != nil {
			fmt.Sscan(sub[1], &n)
			criteria[sub[1]] = true
			if got := fmt.Sprint(pkg.Custom["criterion"]); got != sub[1] {
				t.Errorf("%s: package custom.criterion = %s, want %s", file, got, sub[1])
			}
			if s, _ := pkg.Custom["title_de"].(string); s == "" {
				t.Errorf("%s: package METADATA needs custom.title_de", file)
			}
			if len(pkg.RelatedResources) == 0 {
				t.Errorf("%s: package METADATA needs related_resources", file)
			}
			if got, want := fmt.Sprint(pkg.Custom["thresholds"]), "thresholds.c"+sub[1]; got != want {
				t.Errorf("%s: package custom.thresholds = %s, want %s (the section of data.yaml it reads)", file, got, want)
			}
			for _, rule := range []string{"verdict", "reasons", "missing"} {
				if len(m.RuleSet(ast.Var(rule))) == 0 {
					t.Errorf("%s: criterion has no %s rule", file, rule)
				}
			}
		}
		for _, rule := range m.Rules {
			loc := fmt.Sprintf("%s:%d", file, rule.Location.Row)
			var custom map[string]any
			for _, a := range as.GetRuleScope(rule) {
				custom = a.Custom
			}
			if !callsChain(rule) {
				if custom["code"] != nil {
					t.Errorf("%s: rule with custom.code does not call rego.metadata.chain()", loc)
				}
				continue
			}
			if n == 0 {
				t.Errorf("%s: rego.metadata.chain() outside a criterion", loc)
				continue
			}
			checkRule(t, loc, n, custom, codes)
		}
	}
	if len(criteria) != 8 {
		t.Errorf("found criteria %v, want c1..c8", criteria)
	}
}

// TestCriterionReadsOwnThresholds: criterion N reads data.thresholds.cN and no other
// section (shared sections are read by the library: data_age in lib/bundle.rego, overall in
// main), so policy staff can move one criterion's value without changing another's.
func TestCriterionReadsOwnThresholds(t *testing.T) {
	thresholds := ast.MustParseRef("data.thresholds")
	for file, m := range parse(t, sources(t, false)) {
		sub := criterionDir.FindStringSubmatch(file)
		if sub == nil {
			continue
		}
		own := ast.StringTerm("c" + sub[1])
		ast.WalkRefs(m, func(r ast.Ref) bool {
			if !r.HasPrefix(thresholds) {
				return false
			}
			if len(r) < 3 || !r[2].Equal(own) {
				t.Errorf("%s:%d: %s reads %v, not its own section data.thresholds.c%s", file, r[0].Location.Row, m.Package.Path, r, sub[1])
			}
			return false
		})
	}
}

var thresholdKey = regexp.MustCompile(`\bthresholds(\.[a-z0-9_]+)+`)

// TestDescriptionsNameExistingKeys: every data key a METADATA description names
// (thresholds.c2.pts_severe_min, thresholds.c6) is in data.yaml, so that a renamed key
// cannot leave a description pointing nowhere. Descriptions name keys, not their values.
func TestDescriptionsNameExistingKeys(t *testing.T) {
	data := shippedData(t)
	named := 0
	for file, m := range parse(t, sources(t, false)) {
		for _, a := range m.Annotations {
			text := a.Description + " " + fmt.Sprint(a.Custom["thresholds"])
			for _, key := range thresholdKey.FindAllString(text, -1) {
				named++
				var v any = data
				for _, k := range strings.Split(key, ".") {
					obj, _ := v.(map[string]any)
					if v = obj[k]; v == nil {
						t.Errorf("%s:%d: METADATA names %s, which data.yaml does not have", file, a.Location.Row, key)
						break
					}
				}
			}
		}
	}
	if named < 100 {
		t.Errorf("descriptions name %d data keys, want at least 100", named)
	}
}

func packageAnnotations(m *ast.Module) *ast.Annotations {
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			return a
		}
	}
	return nil
}

func checkBasis(t *testing.T, loc, what string, custom map[string]any) {
	t.Helper()
	if b, _ := custom["basis"].(string); !slices.Contains(bases, b) {
		t.Errorf("%s: %s custom.basis = %q, want one of %v", loc, what, b, bases)
	}
}

// checkRule checks the METADATA of a rule that builds a reason.
func checkRule(t *testing.T, loc string, criterion int, custom map[string]any, codes map[string]string) {
	t.Helper()
	code, _ := custom["code"].(string)
	if !strings.HasPrefix(code, fmt.Sprintf("C%d-", criterion)) {
		t.Errorf("%s: custom.code = %q, want prefix C%d-", loc, code, criterion)
	}
	if prev, ok := codes[code]; ok {
		t.Errorf("%s: custom.code %s already used at %s", loc, code, prev)
	}
	codes[code] = loc
	if v, _ := custom["verdict"].(string); !slices.Contains(verdicts, v) {
		t.Errorf("%s: custom.verdict = %q, want one of %v", loc, v, verdicts)
	}
	checkBasis(t, loc, "rule", custom)
	if s, ok := custom["signal"]; ok && !slices.Contains(signals, fmt.Sprint(s)) {
		t.Errorf("%s: custom.signal = %v, want one of %v", loc, s, signals)
	}
	// The engine parses the templates with its functions (TestMetadataTemplates).
	msg, _ := custom["message"].(map[string]any)
	for _, lang := range []string{"en", "de"} {
		if tpl, _ := msg[lang].(string); strings.TrimSpace(tpl) == "" {
			t.Errorf("%s: custom.message.%s is empty", loc, lang)
		}
	}
}

func callsChain(rule *ast.Rule) bool {
	found := false
	ast.WalkExprs(rule, func(x *ast.Expr) bool {
		ast.WalkTerms(x, func(term *ast.Term) bool {
			if call, ok := term.Value.(ast.Call); ok && call[0].Value.Compare(ast.RegoMetadataChain.Ref()) == 0 {
				found = true
			}
			return found
		})
		return found
	})
	return found
}

// reasonJSON is a reason as the policies emit it (the engine renders its messages).
type reasonJSON struct {
	Code       string         `json:"code"`
	Verdict    string         `json:"verdict"`
	Signal     string         `json:"signal,omitempty"`
	Vars       map[string]any `json:"vars"`
	Indicators []string       `json:"indicators"`
	Evidence   []string       `json:"evidence"`
}

type criterionJSON struct {
	Criterion int          `json:"criterion"`
	Verdict   string       `json:"verdict"`
	Reasons   []reasonJSON `json:"reasons"`
	Missing   []string     `json:"missing"`
}

type assessmentJSON struct {
	Overall       string          `json:"overall"`
	CriticalCount int             `json:"critical_count"`
	Criteria      []criterionJSON `json:"criteria"`
}

// prepare prepares the entrypoint as the engine does: non-test modules, data.yaml in the store.
func prepare(t testing.TB) rego.PreparedEvalQuery {
	t.Helper()
	opts := []func(*rego.Rego){
		rego.Query(entrypoint), rego.Store(store(t)), rego.StoreReadAST(true), rego.StrictBuiltinErrors(true),
	}
	for _, m := range parse(t, sources(t, false)) {
		opts = append(opts, rego.ParsedModule(m))
	}
	pq, err := rego.New(opts...).PrepareForEval(context.Background())
	if err != nil {
		t.Fatalf("prepare %s: %v", entrypoint, err)
	}
	return pq
}

// kazakhstan returns the Kazakhstan bundle defined in main/main_test.rego.
func kazakhstan(t testing.TB) ast.Value {
	t.Helper()
	opts := []func(*rego.Rego){rego.Query("data.main_test.kazakhstan"), rego.Store(store(t))}
	for _, m := range parse(t, sources(t, true)) {
		opts = append(opts, rego.ParsedModule(m))
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("data.main_test.kazakhstan: %v %v", rs, err)
	}
	v, err := ast.InterfaceToValue(rs[0].Expressions[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestAssessmentContract evaluates the Kazakhstan bundle through a prepared query and checks
// the output contract the engine decodes.
func TestAssessmentContract(t *testing.T) {
	pq := prepare(t)
	rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(kazakhstan(t)))
	if err != nil || len(rs) != 1 {
		t.Fatalf("eval: %v %v", rs, err)
	}
	raw, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var got assessmentJSON
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode assessment: %v\n%s", err, raw)
	}
	var verdictsGot []string
	for i, c := range got.Criteria {
		verdictsGot = append(verdictsGot, c.Verdict)
		if c.Criterion != i+1 {
			t.Errorf("criteria[%d].criterion = %d", i, c.Criterion)
		}
		if len(c.Reasons) == 0 {
			t.Errorf("criterion %d: no reasons", c.Criterion)
		}
		if c.Missing == nil {
			t.Errorf("criterion %d: missing is null, want an array", c.Criterion)
		}
		for _, r := range c.Reasons {
			if !strings.HasPrefix(r.Code, fmt.Sprintf("C%d-", c.Criterion)) || !slices.Contains(verdicts, r.Verdict) ||
				r.Vars == nil || r.Indicators == nil || r.Evidence == nil {
				t.Errorf("criterion %d: malformed reason %+v", c.Criterion, r)
			}
			for _, p := range r.Indicators {
				if !indicatorPath.MatchString(p) {
					t.Errorf("criterion %d: %s: indicator %q is not a bundle field path", c.Criterion, r.Code, p)
				}
			}
		}
	}
	want := []string{
		"not_critical", "critical", "possibly_critical", "possibly_critical",
		"not_critical", "not_critical", "possibly_critical", "not_critical",
	}
	if diff := cmp.Diff(want, verdictsGot); diff != "" {
		t.Errorf("Kazakhstan verdicts (-BICC +got):\n%s", diff)
	}
	if got.Overall != "light_red" || got.CriticalCount != 1 {
		t.Errorf("overall = %s, critical_count = %d; want light_red, 1", got.Overall, got.CriticalCount)
	}
}

// BenchmarkAssessment measures one evaluation of the entrypoint for one bundle.
func BenchmarkAssessment(b *testing.B) {
	pq := prepare(b)
	input := kazakhstan(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pq.Eval(ctx, rego.EvalParsedInput(input)); err != nil {
			b.Fatal(err)
		}
	}
}

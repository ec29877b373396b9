// Package check runs what policy staff run before they ship a rule change: the Rego
// unit tests through OPA's tester with coverage, the strict compiler, the opa fmt check,
// the policy data file's validation and the engine's own checks.
package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/calibration"
	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
)

// Policies are the files of a policy directory, tests included.
type Policies struct {
	Name    string                 // where they are, for messages ("policies", a directory)
	FS      fs.FS                  // the files
	Sources map[string][]byte      // every .rego file, tests included, by slash path
	Modules map[string]*ast.Module // the same, parsed with annotations
	Data    map[string]any         // the data files, merged (data.thresholds, data.labels)
	Files   map[string][]byte      // every data file, by slash path
}

// Load reads and parses the Rego files (tests included) and data files of fsys. Parse
// errors are returned as ast.Errors, each with file and row.
func Load(fsys fs.FS, name string) (*Policies, error) {
	f, err := policy.ReadFiles(fsys, policyfile.IsPolicy)
	if err != nil {
		var le loader.Errors
		if errors.As(err, &le) {
			return nil, &LoadError{Name: name, Errs: le}
		}
		return nil, fmt.Errorf("read policies from %s: %w", name, err)
	}
	p := &Policies{Name: name, FS: fsys, Sources: map[string][]byte{}, Files: map[string][]byte{},
		Modules: f.Modules, Data: f.Documents}
	for fp, b := range f.Bytes {
		if policyfile.IsRego(fp) {
			p.Sources[fp] = b
		} else {
			p.Files[fp] = b
		}
	}
	if len(p.Sources) == 0 {
		return nil, fmt.Errorf("read policies from %s: no .rego files", name)
	}
	return p, nil
}

// LoadError lists the files that do not parse.
type LoadError struct {
	Name string
	Errs loader.Errors
}

func (e *LoadError) Error() string {
	lines := []string{fmt.Sprintf("load policies from %s:", e.Name)}
	for _, err := range e.Errs {
		var ae *ast.Error
		if errors.As(err, &ae) {
			lines = append(lines, "  "+FormatError(ae))
			continue
		}
		lines = append(lines, "  "+err.Error())
	}
	return strings.Join(lines, "\n")
}

// FormatError prints an OPA error as file:row: code: message.
func FormatError(e *ast.Error) string {
	if e.Location != nil {
		return fmt.Sprintf("%s:%d: %s: %s", e.Location.File, e.Location.Row, e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// FormatErrors prints each error on its own line, indented.
func FormatErrors(errs ast.Errors) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = "  " + FormatError(e)
	}
	return strings.Join(lines, "\n")
}

// TestOptions tune RunTests.
type TestOptions struct {
	Run     string        // run only tests whose name matches this regular expression
	Verbose bool          // list every test, and the trace of failures
	Timeout time.Duration // per test; 0 for 30 s
}

// TestReport counts the test results and gives the coverage of the non-test modules.
type TestReport struct {
	Passed, Failed, Errored, Skipped int
	Files                            []FileCoverage // non-test modules, by path
	Coverage                         float64        // percent of the lines of non-test modules
}

// FileCoverage is the line coverage of one module.
type FileCoverage struct {
	File       string
	Coverage   float64  // percent
	NotCovered []string // line ranges such as 12-14
}

// RunTests runs the Rego tests with coverage. It writes OPA's report to out: each
// failure with the failing expression and the values of its variables, then the
// counts. A test that fails is counted, not returned as an error; compile errors are.
func RunTests(ctx context.Context, p *Policies, opts TestOptions, out io.Writer) (*TestReport, error) {
	if opts.Run != "" {
		if _, err := regexp.Compile(opts.Run); err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	st := inmem.NewFromObjectWithOpts(p.Data, inmem.OptReturnASTValuesOnRead(true))
	txn, err := st.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Abort(ctx, txn)
	cov := cover.New()
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true).WithRewriteTestRules(true)).
		SetStore(st).
		SetModules(p.Modules).
		RaiseBuiltinErrors(true).
		// Tracing shows the failing expression and its values; OPA's runner drops the
		// coverage tracer when tracing is enabled after it, so enable tracing first.
		EnableTracing(true).
		SetCoverageQueryTracer(cov).
		CapturePrintOutput(true).
		SetTimeout(opts.Timeout).
		Filter(opts.Run).
		RunTests(ctx, txn)
	if err != nil {
		var errs ast.Errors
		if errors.As(err, &errs) {
			return nil, fmt.Errorf("compile policies and tests from %s:\n%s", p.Name, FormatErrors(errs))
		}
		return nil, fmt.Errorf("run tests of %s: %w", p.Name, err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	rep := &TestReport{}
	for _, r := range results {
		switch {
		case r.Skip:
			rep.Skipped++
		case r.Error != nil:
			rep.Errored++
		case r.Fail:
			rep.Failed++
		default:
			rep.Passed++
		}
	}
	replay := make(chan *tester.Result, len(results))
	for _, r := range results {
		replay <- r
	}
	close(replay)
	pr := tester.PrettyReporter{Output: out, Verbose: opts.Verbose, FailureLine: true, LocalVars: true}
	if err := pr.Report(replay); err != nil {
		return nil, fmt.Errorf("report tests: %w", err)
	}
	coverage(rep, cov.Report(p.Modules))
	return rep, nil
}

func coverage(rep *TestReport, report cover.Report) {
	files := make([]string, 0, len(report.Files))
	for f := range report.Files {
		if !policyfile.IsTest(f) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	var covered, notCovered int
	for _, f := range files {
		fr := report.Files[f]
		covered += fr.CoveredLines
		notCovered += fr.NotCoveredLines
		fc := FileCoverage{File: f, Coverage: fr.Coverage}
		for _, r := range fr.NotCovered {
			if r.Start.Row == r.End.Row {
				fc.NotCovered = append(fc.NotCovered, fmt.Sprint(r.Start.Row))
			} else {
				fc.NotCovered = append(fc.NotCovered, fmt.Sprintf("%d-%d", r.Start.Row, r.End.Row))
			}
		}
		rep.Files = append(rep.Files, fc)
	}
	rep.Coverage = 100
	if covered+notCovered > 0 {
		rep.Coverage = 100 * float64(covered) / float64(covered+notCovered)
	}
}

// Strict compiles every module, tests included, with the strict compiler (unused
// variables, imports and arguments, deprecated builtins, duplicate imports...).
func Strict(p *Policies) ast.Errors {
	c := ast.NewCompiler().WithStrict(true).WithEnablePrintStatements(true)
	c.Compile(p.Modules)
	if c.Failed() {
		return c.Errors
	}
	return nil
}

// Engine checks that the engine accepts the policies: the evaluated files compile with
// the deterministic builtins only, the eight criteria packages carry their METADATA, the
// entrypoint prepares. It returns the policy set it built.
func Engine(ctx context.Context, p *Policies) (*policy.Set, error) {
	e, err := PrepareEngine(ctx, p)
	if err != nil {
		return nil, err
	}
	return e.Policies(), nil
}

// PrepareEngine is Engine returning the prepared engine (e.Evaluator() says whether the
// compiled evaluator supports the policies).
func PrepareEngine(ctx context.Context, p *Policies) (*engine.Engine, error) {
	ps, err := policy.New(p.FS, p.Name)
	if err != nil {
		return nil, err
	}
	return engine.New(ctx, ps)
}

// Data validates the policy data file (see engine/policy/calibration).
func Data(p *Policies) error {
	return calibration.CheckFiles(p.Files, p.Name)
}

// Unformatted is a Rego file that opa fmt would change.
type Unformatted struct {
	File      string // slash path within the policies
	Formatted []byte // what opa fmt makes of it
	Diff      string // unified diff (-file +formatted)
}

// Format returns the files opa fmt would change, by path.
func Format(p *Policies) ([]Unformatted, error) {
	files := make([]string, 0, len(p.Sources))
	for f := range p.Sources {
		files = append(files, f)
	}
	sort.Strings(files)
	var out []Unformatted
	for _, f := range files {
		src := p.Sources[f]
		got, err := format.Source(f, src)
		if err != nil {
			return nil, fmt.Errorf("format %s: %w", f, err)
		}
		if bytes.Equal(got, src) {
			continue
		}
		out = append(out, Unformatted{File: f, Formatted: got, Diff: UnifiedDiff(f, string(src), string(got))})
	}
	return out, nil
}

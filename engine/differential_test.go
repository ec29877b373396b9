package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// The differential test: the compiled evaluator (package engine/plan) must give exactly the
// result OPA's interpreter gives, compared as the canonical JSON of the raw Rego result
// (data.main.assessment) and as AST values (so that a set is never an array), on every
// shipped bundle and on fuzzed inputs. Both failing (a builtin error) counts as the same.

// diffEngine is the engine with both evaluators: the OPA query and the compiled program.
func diffEngine(t testing.TB) *Engine {
	t.Helper()
	p, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), p, WithEvaluator(EvaluatorCompiled))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// rawOPA evaluates input (JSON) with OPA's interpreter: the canonical JSON of the result and
// the result, or the error.
func rawOPA(ctx context.Context, e *Engine, input []byte) ([]byte, ast.Value, error) {
	v, err := ast.ValueFromReader(bytes.NewReader(input))
	if err != nil {
		return nil, nil, err
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(v), rego.EvalGenerateJSON(rawValue))
	if err != nil {
		return nil, nil, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return []byte("undefined"), nil, nil
	}
	out := rs[0].Expressions[0].Value.(ast.Value)
	j, err := ast.JSONWithOpt(out, ast.JSONOpt{SortSets: true})
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(j)
	return b, out, err
}

// rawCompiled evaluates input (JSON) with the compiled evaluator.
func rawCompiled(ctx context.Context, e *Engine, input []byte) ([]byte, plan.Value, error) {
	v, _, err := readRecorded(input)
	if err != nil {
		return nil, nil, err
	}
	out, err := e.program.Eval(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	if out == nil {
		return []byte("undefined"), nil, nil
	}
	return plan.AppendJSON(nil, out), out, nil
}

// sameResult fails t unless both evaluators agree on input.
func sameResult(t testing.TB, e *Engine, name string, input []byte) {
	t.Helper()
	if err := diffResult(e, name, input); err != nil {
		t.Fatal(err)
	}
}

// diffResult says how the two evaluators' results on input differ, or nil.
func diffResult(e *Engine, name string, input []byte) error {
	ctx := context.Background()
	wantJSON, want, wantErr := rawOPA(ctx, e, input)
	gotJSON, got, gotErr := rawCompiled(ctx, e, input)
	switch {
	case wantErr != nil && gotErr != nil:
		return nil
	case wantErr != nil || gotErr != nil:
		return fmt.Errorf("%s: OPA error %v, compiled error %v\ninput: %s", name, wantErr, gotErr, input)
	}
	if !bytes.Equal(wantJSON, gotJSON) {
		return fmt.Errorf("%s: results differ\n OPA:      %s\n compiled: %s\ninput: %s", name, wantJSON, gotJSON, input)
	}
	if (want == nil) != (got == nil) {
		return fmt.Errorf("%s: one result is undefined\n OPA:      %v\n compiled: %v", name, want, got)
	}
	if want == nil {
		return nil
	}
	if ast.Compare(want, plan.ToAST(got)) != 0 {
		return fmt.Errorf("%s: results differ in type\n OPA:      %v\n compiled: %v", name, want, plan.ToAST(got))
	}
	// The decoder reads the same assessment from both (OPA's converted as the engine
	// converts it), or fails the same way.
	wantV, err := plan.FromAST(want)
	if err != nil {
		return fmt.Errorf("%s: OPA's output: %v", name, err)
	}
	wantOut, wantErr := decodeAssessment(wantV)
	gotOut, gotErr := decodeAssessment(got)
	if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
		return fmt.Errorf("%s: decoding: OPA's output %v, compiled output %v", name, wantErr, gotErr)
	}
	if diff := cmp.Diff(wantOut, gotOut, cmp.AllowUnexported(rawAssessment{}, rawCriterion{}, rawReason{})); diff != "" {
		return fmt.Errorf("%s: decoded outputs differ (-OPA +compiled):\n%s", name, diff)
	}
	return nil
}

// TestCompiledMatchesOPAOnShippedBundles runs both evaluators on every shipped bundle, and
// checks that the compiled evaluator's input built from the bundle is the canonical JSON's
// and that the result's canonical JSON is indicators.Canonicalize's.
func TestCompiledMatchesOPAOnShippedBundles(t *testing.T) {
	if raceEnabled {
		t.Skip("sequential and slow under the race detector; make test runs it")
	}
	e := diffEngine(t)
	// Every entry of the shipped library: every country, every year, the curated bundles.
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var entries []indicators.Entry
	for _, iso := range lib.Countries() {
		entries = append(entries, lib.Entries(iso)...)
	}
	if len(entries) < 190 {
		t.Fatalf("found %d shipped bundles, want the world", len(entries))
	}
	check := func(entry indicators.Entry) error {
		name := entry.Path + " " + entry.AsOf
		b, err := lib.Load(entry)
		if err != nil {
			return err
		}
		canonical, err := b.CanonicalJSON()
		if err != nil {
			return err
		}
		if err := diffResult(e, name, canonical); err != nil {
			return err
		}
		in, err := NewInput(b)
		if err != nil || !bytes.Equal(in.Canonical(), canonical) {
			return fmt.Errorf("%s: NewInput's canonical JSON differs from indicators.Canonicalize's (%v)", name, err)
		}
		a, err := e.AssessInput(context.Background(), in)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := sameResultJSON(a.Result); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fromBundle, err := planInput(b)
		if err != nil {
			return err
		}
		fromJSON, _, err := readRecorded(canonical)
		if err != nil {
			return err
		}
		if plan.Compare(fromBundle, fromJSON) != 0 || !bytes.Equal(plan.AppendJSON(nil, fromBundle), plan.AppendJSON(nil, fromJSON)) {
			return fmt.Errorf("%s: compiled input from the bundle differs from its canonical JSON", name)
		}
		return nil
	}
	// On every core: the engine is safe for concurrent use.
	errs := make([]error, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(entries); i = int(next.Add(1)) - 1 {
				errs[i] = check(entries[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d shipped bundles: identical results", len(entries))
}

// fuzzCases is how many fuzzed inputs make test checks; make fuzz runs FuzzCompiledMatchesOPA.
const fuzzCases = 400

// TestCompiledMatchesOPAOnFuzzedInputs runs both evaluators on fuzzed inputs (a fixed set of
// seeds, so that a failure reproduces).
func TestCompiledMatchesOPAOnFuzzedInputs(t *testing.T) {
	if raceEnabled {
		t.Skip("sequential and slow under the race detector; make test runs it")
	}
	e := diffEngine(t)
	g := newFuzzer(t, e)
	for seed := range uint64(fuzzCases) {
		input := g.input(seed)
		sameResult(t, e, fmt.Sprintf("seed %d", seed), input)
	}
}

// TestCompiledConcurrent: one engine assessing on several goroutines at once (the server,
// assess --all, replay) gives each bundle the result it gives alone; under make race this
// checks the evaluator's pooled state and its caches.
func TestCompiledConcurrent(t *testing.T) {
	ctx := context.Background()
	e := diffEngine(t)
	var inputs [][]byte
	for _, b := range enginetest.Shipped(t) {
		c, err := b.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if inputs = append(inputs, c); len(inputs) == 24 {
			break
		}
	}
	want := make([][]byte, len(inputs))
	for i, in := range inputs {
		j, _, err := rawCompiled(ctx, e, in)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = j
	}
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for k := range 3 * len(inputs) {
				i := (k + w*7) % len(inputs)
				a, err := e.AssessInput(ctx, ReadInput(inputs[i]))
				if err != nil {
					errs <- err
					return
				}
				j, _, err := rawCompiled(ctx, e, inputs[i])
				if err != nil || !bytes.Equal(j, want[i]) || a.Result.InputDigest != indicators.Digest(inputs[i]) {
					errs <- fmt.Errorf("input %d: result differs on goroutine %d (%v)", i, w, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// FuzzCompiledMatchesOPA is the long differential run (make fuzz).
func FuzzCompiledMatchesOPA(f *testing.F) {
	for i := range uint64(8) {
		f.Add(i)
	}
	e := diffEngine(f)
	g := newFuzzer(f, e)
	f.Fuzz(func(t *testing.T, seed uint64) {
		sameResult(t, e, fmt.Sprintf("seed %d", seed), g.input(seed))
	})
}

// fuzzer makes inputs from the shipped bundles and the policies' data: index values on and
// beside every threshold, every status, category, reporter, authority and band the data
// names, evidence dated on the edges of every window, and absent, null or mistyped fields,
// sections and whole documents.
type fuzzer struct {
	bases   [][]byte // canonical JSON of the shipped bundles
	numbers []json.Number
	strs    []string
	windows []int
	indices []string
	members []string
	cats    []string
}

func newFuzzer(t testing.TB, e *Engine) *fuzzer {
	t.Helper()
	g := &fuzzer{}
	seen := map[string]bool{}
	addStr := func(list *[]string, s string) {
		if !seen[s+"\x00"+fmt.Sprint(len(*list) >= 0)] {
			*list = append(*list, s)
		}
	}
	_ = addStr
	nums := map[string]bool{}
	strs := map[string]bool{}
	windows := map[int]bool{}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, v := range x {
				walk(k, v)
			}
		case []any:
			for _, v := range x {
				walk(key, v)
			}
		case string:
			strs[x] = true
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				t.Fatal(err)
			}
			nums[string(x)] = true
			for _, d := range []float64{1, 0.1, 0.01, 0.001} {
				nums[strconv.FormatFloat(f-d, 'f', -1, 64)] = true
				nums[strconv.FormatFloat(f+d, 'f', -1, 64)] = true
			}
			if f == float64(int64(f)) {
				nums[strconv.FormatFloat(f, 'f', 1, 64)] = true // 4.0 beside 4
			}
			if strings.Contains(key, "window") {
				windows[int(f)] = true
			}
		}
	}
	walk("", toJSONNumbers(t, e.policies.Documents()["thresholds"]))
	for n := range nums {
		g.numbers = append(g.numbers, json.Number(n))
	}
	for w := range windows {
		g.windows = append(g.windows, w)
	}
	indices, members, cats := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, b := range enginetest.Shipped(t) {
		c, err := b.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		g.bases = append(g.bases, c)
		for k, ix := range b.Indices {
			indices[k] = true
			if s, ok := ix.Value.(string); ok {
				strs[s] = true
			}
		}
		for k := range b.Memberships {
			members[k] = true
		}
		for _, ev := range b.Evidence {
			cats[ev.Category] = true
		}
	}
	// Ids, categories and statuses the policies name (string literals of the Rego).
	lit := regexp.MustCompile(`"([a-z][a-z0-9_]*)"`)
	for name, src := range e.policies.Files {
		if strings.HasSuffix(name, ".rego") {
			for _, m := range lit.FindAllSubmatch(src, -1) {
				strs[string(m[1])] = true
				indices[string(m[1])] = true
			}
		}
	}
	for s := range strs {
		members[s] = true // instrument lists in the data
		cats[s] = true
	}
	g.strs = keys(strs)
	g.indices, g.members, g.cats = keys(indices), keys(members), keys(cats)
	sort.Slice(g.bases, func(i, j int) bool { return bytes.Compare(g.bases[i], g.bases[j]) < 0 })
	sort.Strings(g.strs)
	sort.Slice(g.numbers, func(i, j int) bool { return g.numbers[i] < g.numbers[j] })
	sort.Ints(g.windows)
	return g
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func toJSONNumbers(t testing.TB, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// input returns the fuzzed input of seed, as JSON.
func (g *fuzzer) input(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	d := json.NewDecoder(bytes.NewReader(pick(r, g.bases)))
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil {
		panic(err)
	}
	section := func(name string) map[string]any {
		m, ok := doc[name].(map[string]any)
		if !ok {
			m = map[string]any{}
			doc[name] = m
		}
		return m
	}
	list := func(name string) []any {
		l, _ := doc[name].([]any)
		return l
	}
	for range 1 + r.IntN(12) {
		switch r.IntN(16) {
		case 14: // many instruments with one status
			st := pick(r, []string{"party", "signatory", "not_party"})
			m := section("memberships")
			for _, id := range g.members {
				if r.IntN(2) == 0 {
					m[id] = map[string]any{"status": st, "source": "fuzz"}
				}
			}
		case 15: // nothing known: every section empty
			doc["indices"], doc["memberships"], doc["embargoes"], doc["evidence"] = map[string]any{}, map[string]any{}, []any{}, []any{}
		case 0, 1, 2, 3: // an index value on or beside a threshold
			section("indices")[pick(r, g.indices)] = map[string]any{"value": pick(r, g.numbers), "year": json.Number("2023"), "source": "fuzz"}
		case 4: // an index value of another type
			var v any
			switch r.IntN(4) {
			case 0:
				v = pick(r, g.strs)
			case 1:
				v = r.IntN(2) == 0
			case 2:
				v = nil
			case 3:
				v = map[string]any{}
			}
			section("indices")[pick(r, g.indices)] = map[string]any{"value": v, "year": json.Number("2023"), "source": "fuzz"}
		case 5: // an index without value, or gone
			ix := section("indices")
			id := pick(r, g.indices)
			if r.IntN(2) == 0 {
				delete(ix, id)
			} else {
				ix[id] = map[string]any{"year": json.Number("2023"), "source": "fuzz"}
			}
		case 6: // a membership status
			st := pick(r, append([]string{"party", "signatory", "not_party", "withdrawn", ""}, g.strs[:min(3, len(g.strs))]...))
			m := section("memberships")
			id := pick(r, g.members)
			if r.IntN(5) == 0 {
				delete(m, id)
			} else {
				m[id] = map[string]any{"status": st, "source": "fuzz"}
			}
		case 7: // an embargo record
			rec := map[string]any{"authority": pick(r, append([]string{"UN", "EU", "OSCE", "US"}, g.strs...)), "in_force": r.IntN(2) == 0, "source": "fuzz"}
			if r.IntN(3) == 0 {
				rec["addressee"] = pick(r, []string{"state", "non_state"})
			}
			if r.IntN(4) == 0 {
				rec["unconfirmed"] = true
			}
			if r.IntN(3) == 0 {
				rec["since"] = "2020-01-01"
			}
			l := list("embargoes")
			if len(l) > 0 && r.IntN(3) == 0 {
				l = slices.Delete(l, 0, 1)
			}
			doc["embargoes"] = append(l, rec)
		case 8, 9, 10: // evidence dated on a window edge (relative to the final as_of, below)
			doc["evidence"] = append(list("evidence"), map[string]any{"edge": true})
		case 11: // a whole section absent, null, empty or mistyped
			name := pick(r, []string{"indices", "memberships", "embargoes", "evidence", "country", "as_of"})
			switch r.IntN(4) {
			case 0:
				delete(doc, name)
			case 1:
				doc[name] = nil
			case 2:
				doc[name] = map[string]any{}
			case 3:
				doc[name] = []any{}
			}
		case 12: // as_of on a leap day, a year end, or not a date
			doc["as_of"] = pick(r, []string{"2024-02-29", "2023-02-28", "2023-03-01", "2026-12-31", "2026-01-01", "2012-02-29", "not a date"})
		case 13: // drop evidence items
			l := list("evidence")
			if len(l) > 0 {
				doc["evidence"] = l[:r.IntN(len(l))]
			}
		}
	}
	if l, ok := doc["evidence"].([]any); ok {
		asOf, _ := doc["as_of"].(string)
		at, err := time.Parse("2006-01-02", asOf)
		for i, x := range l {
			m, ok := x.(map[string]any)
			if !ok || m["edge"] != true {
				continue
			}
			date := "2020-06-30"
			if err == nil && len(g.windows) > 0 {
				date = at.AddDate(-pick(r, g.windows), 0, r.IntN(3)-1).Format("2006-01-02")
			}
			item := map[string]any{
				"id": fmt.Sprintf("fz-%d", i), "date": date, "category": pick(r, g.cats),
				"summary": "fuzz", "source": "fuzz",
			}
			if r.IntN(2) == 0 {
				item["reported_by"] = pick(r, append([]string{"media"}, g.strs...))
			}
			if r.IntN(2) == 0 {
				item["by_state"] = r.IntN(2) == 0
			}
			if r.IntN(3) == 0 {
				item["figures"] = map[string]any{"deaths": json.Number(strconv.Itoa(r.IntN(100)))}
			}
			l[i] = item
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

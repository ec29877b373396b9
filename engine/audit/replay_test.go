package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

const kazFixture = "../../fixtures/curated/KAZ-2026-06-01.yaml"

// preparedEngine prepares an engine once for all tests.
type preparedEngine struct {
	once sync.Once
	load func() (*policy.Set, error)
	e    *engine.Engine
	err  error
}

func (p *preparedEngine) get(t testing.TB) *engine.Engine {
	t.Helper()
	p.once.Do(func() {
		var ps *policy.Set
		if ps, p.err = p.load(); p.err == nil {
			p.e, p.err = engine.New(context.Background(), ps)
		}
	})
	if p.err != nil {
		t.Fatal(p.err)
	}
	return p.e
}

var (
	embedded = &preparedEngine{load: policy.Embedded}
	minimal  = &preparedEngine{load: func() (*policy.Set, error) { return policy.NewDir("testdata/policies") }}
)

// embeddedEngine has the real policies; minimalEngine has testdata/policies, eight
// trivial criteria whose verdict on criterion 2 depends on the input.
func embeddedEngine(t testing.TB) *engine.Engine { return embedded.get(t) }
func minimalEngine(t testing.TB) *engine.Engine  { return minimal.get(t) }

// assessRecord assesses the Kazakhstan fixture, its description set to make case n
// distinct, and returns the decision record (unchained).
func assessRecord(t testing.TB, e *engine.Engine, n int) *RecordV1 {
	t.Helper()
	b, err := indicators.LoadFile(kazFixture)
	if err != nil {
		t.Fatal(err)
	}
	b.Description = fmt.Sprintf("replay test case %d", n)
	input, err := b.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)
	a, err := e.AssessInput(context.Background(), engine.ReadInput(input))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRecord(Decision{Input: input, Result: a.Result, Requester: "tester", EngineVersion: "test", EvalTime: at})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// recordDecisions appends n assessed decisions (one transaction) after archiving the
// engine's policies.
func recordDecisions(t testing.TB, s Store, e *engine.Engine, n int) []*RecordV1 {
	t.Helper()
	ctx := context.Background()
	if err := s.ArchivePolicies(ctx, e.Policies().Revision, e.Policies().Files); err != nil {
		t.Fatal(err)
	}
	recs := make([]*RecordV1, n)
	for i := range recs {
		recs[i] = assessRecord(t, e, i)
	}
	if err := s.Append(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestReplayMatches(t *testing.T) {
	for name, e := range map[string]func(testing.TB) *engine.Engine{"minimal": minimalEngine, "embedded": embeddedEngine} {
		t.Run(name, func(t *testing.T) { testReplayMatches(t, e(t)) })
	}
}

func testReplayMatches(t *testing.T, e *engine.Engine) {
	ctx := context.Background()
	s := sqliteBackend().open(t)
	recs := recordDecisions(t, s, e, 3)
	rp := NewReplayer(s)
	for _, r := range recs {
		stored, err := s.Get(ctx, r.DecisionID)
		if err != nil {
			t.Fatal(err)
		}
		out, err := rp.Replay(ctx, stored)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Match || out.Diff != "" || out.Revision != r.PolicyRevision || out.Files != len(e.Policies().Files) {
			t.Errorf("replay of %s: match %v, revision %s, files %d, diff:\n%s", r.DecisionID, out.Match, out.Revision, out.Files, out.Diff)
		}
	}
	if len(rp.engines) != 1 {
		t.Errorf("replayer prepared %d engines for one revision", len(rp.engines))
	}
}

// TestReplayDiffers appends a record whose result is not what its policies give (as a
// buggy or manipulated engine would have recorded it): replay shows the difference.
func TestReplayDiffers(t *testing.T) {
	ctx := context.Background()
	e := minimalEngine(t)
	s := sqliteBackend().open(t)
	recordDecisions(t, s, e, 1)
	r := assessRecord(t, e, 7)
	res, err := r.DecodeResult()
	if err != nil {
		t.Fatal(err)
	}
	res.Criteria[1].Verdict = "not_critical" // criterion 2
	res.Overall = "none"
	r.Result, _ = indicators.Canonicalize(res)
	r.ResultDigest = indicators.Digest(r.Result)
	r.Country, r.AsOf, r.Overall, r.Verdicts = Summarize(res)
	if err := s.Append(ctx, r); err != nil {
		t.Fatal(err)
	}
	out, err := NewReplayer(s).Replay(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if out.Match {
		t.Fatal("replay matched a doctored result")
	}
	var minus, plus bool
	for _, line := range strings.Split(out.Diff, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		minus = minus || line == `- Verdict: "not_critical",`
		plus = plus || line == `+ Verdict: "critical",`
	}
	if !minus || !plus {
		t.Errorf("diff does not show criterion 2's verdict as recorded (-) and replayed (+):\n%s", out.Diff)
	}
}

func TestReplayWithOtherPolicies(t *testing.T) {
	ctx := context.Background()
	e := minimalEngine(t)
	s := sqliteBackend().open(t)
	r := recordDecisions(t, s, e, 1)[0]

	// The same rules plus an unrelated module: another revision, the same verdicts.
	dir := t.TempDir()
	for p, b := range e.Policies().Files {
		writeFile(t, filepath.Join(dir, p), b)
	}
	writeFile(t, filepath.Join(dir, "extra", "extra.rego"), []byte("package extra\n\nanswer := 42\n"))
	ps, err := policy.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	other, err := engine.New(ctx, ps)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ReplayWith(ctx, other, r)
	if err != nil {
		t.Fatal(err)
	}
	if out.Revision == r.PolicyRevision || !out.Match || out.Diff != "" {
		t.Errorf("other revision %s: match %v diff:\n%s", out.Revision, out.Match, out.Diff)
	}
	if out.Replayed.PolicyRevision != ps.Revision {
		t.Errorf("result revision %s, want %s", out.Replayed.PolicyRevision, ps.Revision)
	}
}

func TestReplayRefuses(t *testing.T) {
	ctx := context.Background()
	e := minimalEngine(t)
	tests := map[string]struct {
		tamper func(t *testing.T, b backend, s Store, r *RecordV1) *RecordV1
		want   string
	}{
		"record changed": {
			tamper: func(t *testing.T, b backend, s Store, r *RecordV1) *RecordV1 {
				c := *r
				c.Result = json.RawMessage(strings.Replace(string(r.Result), "critical", "harmless", 1))
				return &c
			},
			want: "the result no longer matches its digest",
		},
		"archived policy file changed": {
			tamper: func(t *testing.T, b backend, s Store, r *RecordV1) *RecordV1 {
				b.exec(t, s, `DROP TRIGGER policy_files_no_update`)
				b.exec(t, s, `UPDATE policy_files SET content = CAST('package main' AS BLOB) WHERE digest = (SELECT min(digest) FROM policy_files)`)
				return r
			},
			want: "does not match its digest",
		},
		"policies not archived": {
			tamper: func(t *testing.T, b backend, s Store, r *RecordV1) *RecordV1 {
				c := *r
				c.PolicyRevision = "sha256:unknown"
				c.Hash = c.ComputeHash()
				return &c
			},
			want: "not found",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := sqliteBackend()
			s := b.open(t)
			r := recordDecisions(t, s, e, 1)[0]
			_, err := NewReplayer(s).Replay(ctx, tc.tamper(t, b, s, r))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("replay: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestReplayChecksEveryDocument: a replayer compares an input or a result with one it has
// checked against the same digest instead of hashing it again; one changed after the same one
// was replayed (its digest and so its hash as before) is still refused, and the checked one
// still replays.
func TestReplayChecksEveryDocument(t *testing.T) {
	ctx := context.Background()
	s := sqliteBackend().open(t)
	r := recordDecisions(t, s, minimalEngine(t), 1)[0]
	rp := NewReplayer(s)
	same := *r
	same.Input = bytes.Clone(r.Input)
	same.Result = bytes.Clone(r.Result)
	changed := *r
	changed.Input = bytes.Replace(r.Input, []byte(`"KAZ"`), []byte(`"KGZ"`), 1)
	changedResult := *r
	changedResult.Result = bytes.Replace(r.Result, []byte(`"KAZ"`), []byte(`"KGZ"`), 1)
	if bytes.Equal(changed.Input, r.Input) || changed.ComputeHash() != r.Hash ||
		bytes.Equal(changedResult.Result, r.Result) || changedResult.ComputeHash() != r.Hash {
		t.Fatal("the changed input or result is not a change of that document alone")
	}
	for i, c := range []struct {
		rec  *RecordV1
		want string // "" for a match
	}{
		{r, ""}, {&same, ""},
		{&changed, "the input no longer matches its digest"},
		{&changedResult, "the result no longer matches its digest"},
		{r, ""},
	} {
		out, err := rp.Replay(ctx, c.rec)
		switch {
		case c.want == "" && (err != nil || !out.Match):
			t.Errorf("replay %d: %v, want a match", i, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("replay %d: %v, want an error saying %q", i, err, c.want)
		}
	}
	if in, result := rp.checked.get(r.InputDigest, r.ResultDigest); in == nil || !bytes.Equal(in.Canonical(), r.Input) || !bytes.Equal(result, r.Result) {
		t.Errorf("the replayer does not keep the checked input and result")
	}
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// asContract1 rewrites a recorded result into the shape of result contract 1, as results were
// recorded before engine/present: no contract field, no basis, no vars, a rendered message per
// reason.
func asContract1(t *testing.T, result []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(result, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "contract")
	for _, c := range m["criteria"].([]any) {
		cm := c.(map[string]any)
		delete(cm, "basis")
		for _, r := range cm["reasons"].([]any) {
			rm := r.(map[string]any)
			delete(rm, "basis")
			delete(rm, "vars")
			rm["message"] = map[string]any{"en": "a message rendered then", "de": "eine damals gerenderte Meldung"}
		}
	}
	if edit != nil {
		edit(m)
	}
	out, err := indicators.Canonicalize(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReplayContract1: a record made before result contract 2 replays by its decision-bearing
// parts — MATCH when they agree whatever its messages said, a difference when a verdict differs.
func TestReplayContract1(t *testing.T) {
	ctx := context.Background()
	e := embeddedEngine(t)
	s := sqliteBackend().open(t)
	recordDecisions(t, s, e, 1)
	same, doctored := assessRecord(t, e, 8), assessRecord(t, e, 9)
	same.Result = asContract1(t, same.Result, nil)
	doctored.Result = asContract1(t, doctored.Result, func(m map[string]any) {
		m["criteria"].([]any)[5].(map[string]any)["verdict"] = "insufficient_data" // criterion 6
	})
	for _, r := range []*RecordV1{same, doctored} {
		res, err := r.DecodeResult()
		if err != nil {
			t.Fatal(err)
		}
		r.Country, r.AsOf, r.Overall, r.Verdicts = Summarize(res)
		r.ResultDigest = indicators.Digest(r.Result)
	}
	if err := s.Append(ctx, same, doctored); err != nil {
		t.Fatal(err)
	}
	rp := NewReplayer(s)
	out, err := rp.Replay(ctx, same)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Match || !out.Contract1 || out.Diff != "" {
		t.Errorf("contract-1 record: match %v, contract1 %v, diff:\n%s", out.Match, out.Contract1, out.Diff)
	}
	out, err = rp.Replay(ctx, doctored)
	if err != nil {
		t.Fatal(err)
	}
	if out.Match || !strings.Contains(out.Diff, `"insufficient_data"`) || !strings.Contains(out.Diff, `"not_critical"`) {
		t.Errorf("doctored contract-1 record: match %v, diff:\n%s", out.Match, out.Diff)
	}
}

func TestResultContract(t *testing.T) {
	for _, tc := range []struct {
		result string
		want   int
	}{
		{`{"as_of":"2026-06-01","contract":2,"country":{"iso3":"KAZ"},"criteria":[]}`, 2},
		{`{"as_of":"2026-06-01","contract":2}`, 2},
		{`{"as_of":"2026-06-01","contract":12,"x":1}`, 12},
		{`{"as_of":"2026-06-01","contract":1234567}`, 1234567},
		{`{"as_of":"a\",\"contract\":7","contract":2}`, 2},
		{`{"as_of":"2026-06-01","contract":02}`, 1},
		{`{"as_of":"2026-06-01","contract":2.5}`, 1},
		{`{"as_of":"2026-06-01","contract":0,"x":1}`, 1},
		{`{"as_of":"2026-06-01","country":{"iso3":"KAZ"},"criteria":[{"reasons":[{"message":{"en":"x"}}]}]}`, 1},
		{`{"contract":3}`, 3},
		{`{"contract":0}`, 1},
		{`{"contract":"2"}`, 1},
		{`{"criteria":[{"contract":5}]}`, 1},
		{`[]`, 1},
		{`not json`, 1},
	} {
		if got := resultContract([]byte(tc.result)); got != tc.want {
			t.Errorf("resultContract(%s) = %d, want %d", tc.result, got, tc.want)
		}
	}
}

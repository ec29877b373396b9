package audit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// countingStore counts ArchivePolicies calls and can make them fail.
type countingStore struct {
	Store
	archives atomic.Int64
	fail     atomic.Bool
}

func (c *countingStore) ArchivePolicies(ctx context.Context, revision string, files map[string][]byte) error {
	c.archives.Add(1)
	if c.fail.Load() {
		return errors.New("disk full")
	}
	return c.Store.ArchivePolicies(ctx, revision, files)
}

func kazBundle(t testing.TB, description string) *indicators.Bundle {
	t.Helper()
	b, err := indicators.LoadFile(kazFixture)
	if err != nil {
		t.Fatal(err)
	}
	b.Description = description
	return b
}

func TestRecorderRecordsAndReplays(t *testing.T) {
	ctx := context.Background()
	e := embeddedEngine(t)
	cs := &countingStore{Store: sqliteBackend().open(t)}
	rec := &Recorder{Store: cs, EngineVersion: "test"}

	// Concurrent first decisions archive the policies once.
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := kazBundle(t, "case "+string(rune('a'+i)))
			a, err := e.Assess(ctx, b)
			if err != nil {
				t.Error(err)
				return
			}
			r, err := rec.Record(ctx, a, "alice", "AG-1")
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = r.DecisionID
		}()
	}
	wg.Wait()
	if n := cs.archives.Load(); n != 1 {
		t.Errorf("policies archived %d times, want once", n)
	}
	if rep := mustVerify(t, cs); !rep.OK() || rep.Records != 8 {
		t.Fatalf("verify: %+v", rep)
	}
	got, err := cs.Get(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if got.Requester != "alice" || got.CaseRef != "AG-1" || got.EngineVersion != "test" || got.Seq == 0 {
		t.Errorf("record: requester %q case %q engine %q seq %d", got.Requester, got.CaseRef, got.EngineVersion, got.Seq)
	}
	out, err := NewReplayer(cs).Replay(ctx, got)
	if err != nil || !out.Match {
		t.Errorf("replay: %v, match %v\n%s", err, out != nil && out.Match, func() string {
			if out != nil {
				return out.Diff
			}
			return ""
		}())
	}
}

func TestRecorderBatch(t *testing.T) {
	ctx := context.Background()
	e := embeddedEngine(t)
	s := sqliteBackend().open(t)
	rec := &Recorder{Store: s, EngineVersion: "test"}
	var batch []*engine.Assessment
	for _, d := range []string{"one", "two", "three"} {
		a, err := e.Assess(ctx, kazBundle(t, d))
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, a)
	}
	recs, err := rec.RecordAll(ctx, batch, "bob", "")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Errorf("record %d has seq %d: a batch keeps its order", i, r.Seq)
		}
	}

	// All or nothing: a result of another revision fails the whole batch before
	// anything is appended.
	other := *batch[0]
	res := *other.Result
	res.PolicyRevision = "sha256:another"
	other.Result = &res
	bad := append(append([]*engine.Assessment(nil), batch...), &other)
	if _, err := rec.RecordAll(ctx, bad, "bob", ""); err == nil {
		t.Fatal("a result of another revision was recorded")
	}
	if n, _ := s.Count(ctx, Filter{}); n != 3 {
		t.Errorf("%d records after a failed batch, want 3", n)
	}
	if _, err := rec.RecordAll(ctx, batch[:1], "", ""); err == nil {
		t.Error("a decision without requester was recorded")
	}
}

func TestRecorderArchiveFailureIsRetried(t *testing.T) {
	ctx := context.Background()
	e := embeddedEngine(t)
	cs := &countingStore{Store: sqliteBackend().open(t)}
	rec := &Recorder{Store: cs, EngineVersion: "test"}
	b := kazBundle(t, "x")
	a, err := e.Assess(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	cs.fail.Store(true)
	if _, err := rec.Record(ctx, a, "alice", ""); err == nil {
		t.Fatal("recorded although the policies could not be archived")
	}
	cs.fail.Store(false)
	if _, err := rec.Record(ctx, a, "alice", ""); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	if n := cs.archives.Load(); n != 2 {
		t.Errorf("archived %d times, want 2 (the failure is not remembered)", n)
	}
}

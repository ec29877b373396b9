package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

// Recorder records decisions in a store: it archives the policy files of an engine's
// revision the first time it records a decision of that revision, then appends. It is
// the one way exportrisk records (assess, assess --all, the server). The zero value
// needs Store and EngineVersion set; it is safe for concurrent use and must not be
// copied after first use.
type Recorder struct {
	Store         Store
	EngineVersion string // the exportrisk build that decides, recorded with every decision
	// Appended, if set, is called with the seq of the last record of every append
	// (the server tells its Checkpointer).
	Appended func(seq int64)

	mu       sync.Mutex
	archived map[string]*archiveOnce
}

type archiveOnce struct {
	done chan struct{}
	err  error
}

// Assessed is one assessment to record.
type Assessed struct {
	Bundle *indicators.Bundle
	// Input is the bundle's canonical JSON if the caller has it already; nil means
	// Bundle.CanonicalJSON().
	Input    []byte
	Result   *engine.Result
	EvalTime time.Time // when the evaluation ran
}

// Record records one decision: e decided b with res at evalTime, asked by requester
// (caseRef may be ""). It returns the record once it is durable in the store.
func (r *Recorder) Record(ctx context.Context, e *engine.Engine, b *indicators.Bundle, res *engine.Result, evalTime time.Time,
	requester, caseRef string) (*RecordV1, error) {
	recs, err := r.RecordAll(ctx, e, []Assessed{{Bundle: b, Result: res, EvalTime: evalTime}}, requester, caseRef)
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// RecordAll records several decisions of one engine in one append: all of them are
// recorded, in the order given, or none is.
func (r *Recorder) RecordAll(ctx context.Context, e *engine.Engine, as []Assessed, requester, caseRef string) ([]*RecordV1, error) {
	if r.Store == nil {
		return nil, errors.New("record decision: no audit store")
	}
	if len(as) == 0 {
		return nil, nil
	}
	if requester == "" {
		return nil, errors.New("record decision: no requester")
	}
	revision := e.Policies().Revision
	now := time.Now()
	recs := make([]*RecordV1, len(as))
	for i, a := range as {
		if a.Result == nil {
			return nil, errors.New("record decision: no result")
		}
		if a.Result.PolicyRevision != revision {
			return nil, fmt.Errorf("record decision: the result was decided under revision %s, not the engine's %s", a.Result.PolicyRevision, revision)
		}
		input := a.Input
		if input == nil {
			if a.Bundle == nil {
				return nil, errors.New("record decision: no input")
			}
			var err error
			if input, err = a.Bundle.CanonicalJSON(); err != nil {
				return nil, fmt.Errorf("record decision: %w", err)
			}
		}
		rec, err := NewRecord(Decision{Input: input, Result: a.Result, Requester: requester, CaseRef: caseRef,
			EngineVersion: r.EngineVersion, EvalTime: a.EvalTime, Now: now})
		if err != nil {
			return nil, fmt.Errorf("record decision: %w", err)
		}
		recs[i] = rec
	}
	if err := r.archive(ctx, e.Policies()); err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	if err := r.Store.Append(ctx, recs...); err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	if r.Appended != nil {
		r.Appended(recs[len(recs)-1].Seq)
	}
	return recs, nil
}

// archive stores the policy files of p once per Recorder: concurrent first callers
// wait for one archiving; a failure is not remembered, so the next call tries again.
func (r *Recorder) archive(ctx context.Context, p *policy.Set) error {
	for {
		r.mu.Lock()
		if r.archived == nil {
			r.archived = map[string]*archiveOnce{}
		}
		a := r.archived[p.Revision]
		if a == nil {
			a = &archiveOnce{done: make(chan struct{})}
			r.archived[p.Revision] = a
			r.mu.Unlock()
			a.err = r.Store.ArchivePolicies(ctx, p.Revision, p.Files)
			if a.err != nil {
				r.mu.Lock()
				delete(r.archived, p.Revision)
				r.mu.Unlock()
			}
			close(a.done)
			return a.err
		}
		r.mu.Unlock()
		select {
		case <-a.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if a.err == nil {
			return nil
		}
		// The other caller's archiving failed; try again ourselves.
	}
}

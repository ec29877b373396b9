package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
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

// Record records one decision, the assessment a, asked by requester (caseRef may be "").
// It returns the record once it is durable in the store.
func (r *Recorder) Record(ctx context.Context, a *engine.Assessment, requester, caseRef string) (*RecordV1, error) {
	recs, err := r.RecordAll(ctx, []*engine.Assessment{a}, requester, caseRef)
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// RecordAll records several decisions in one append: all of them are recorded, in the
// order given, or none is. The policies of each revision are archived before its first
// decision is.
func (r *Recorder) RecordAll(ctx context.Context, as []*engine.Assessment, requester, caseRef string) ([]*RecordV1, error) {
	if r.Store == nil {
		return nil, errors.New("record decision: no audit store")
	}
	if len(as) == 0 {
		return nil, nil
	}
	if requester == "" {
		return nil, errors.New("record decision: no requester")
	}
	now := time.Now()
	recs := make([]*RecordV1, len(as))
	var policies []*policy.Set
	for i, a := range as {
		if a == nil || a.Result == nil || a.Input == nil || a.Policies == nil {
			return nil, errors.New("record decision: incomplete assessment")
		}
		if a.Result.PolicyRevision != a.Policies.Revision {
			return nil, fmt.Errorf("record decision: the result was decided under revision %s, not %s", a.Result.PolicyRevision, a.Policies.Revision)
		}
		if !slices.Contains(policies, a.Policies) {
			policies = append(policies, a.Policies)
		}
		rec, err := NewRecord(Decision{Input: a.Input.Canonical(), InputDigest: a.Input.Digest(), Result: a.Result,
			Requester: requester, CaseRef: caseRef, EngineVersion: r.EngineVersion, EvalTime: a.EvalTime, Now: now})
		if err != nil {
			return nil, fmt.Errorf("record decision: %w", err)
		}
		recs[i] = rec
	}
	for _, p := range policies {
		if err := r.archive(ctx, p); err != nil {
			return nil, fmt.Errorf("record decision: %w", err)
		}
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

package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// EvidenceEventVersion is the record_version of an evidence event: one step of the
// evidence register's four-eyes workflow (an item proposed, approved or rejected,
// evidence.Event). It is a record of the same log as the decisions — the same hash chain,
// a leaf of the same Merkle tree, covered by checkpoints, inclusion proofs and Verify —
// and its hash covers the same fields as a version 2 record's. Its columns say:
//
//	decision_id      the event's id (a UUID, like a decision's)
//	timestamp        when it was recorded; eval_time is the same time
//	requester        who took the step (the token's name); verdicts: that token's role
//	case_ref         the proposal's id (the item's id): it ties a proposal to its approval
//	country, as_of   the item's country and date
//	overall          the action: proposed, approved or rejected
//	input            the item, canonical JSON (input_digest its SHA-256)
//	result           the event document, canonical JSON (result_digest its SHA-256)
//	policy_revision  "" (an event is decided by no policy)
//
// Check refuses an event whose columns differ from its documents. Replay skips events.
const EvidenceEventVersion = 3

// The kinds of records (Summary.Kind, Filter.Kind).
const (
	KindDecision      = "decision"
	KindEvidenceEvent = "evidence_event"
)

// Kind returns the record's kind: KindEvidenceEvent or KindDecision.
func (r *RecordV1) Kind() string { return kindOf(r.RecordVersion) }

func kindOf(recordVersion int) string {
	if recordVersion == EvidenceEventVersion {
		return KindEvidenceEvent
	}
	return KindDecision
}

// NewEvidenceRecord builds an unchained record of ev (see NewRecord), timestamped
// ev.Time (time.Now() if zero), by the exportrisk build engineVersion.
func NewEvidenceRecord(ev evidence.Event, engineVersion string) (*RecordV1, error) {
	item, err := indicators.Canonicalize(ev.Item)
	if err != nil {
		return nil, fmt.Errorf("new evidence event: %w", err)
	}
	doc, err := indicators.Canonicalize(ev)
	if err != nil {
		return nil, fmt.Errorf("new evidence event: %w", err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new evidence event: id: %w", err)
	}
	now := ev.Time
	if now.IsZero() {
		now = time.Now()
	}
	ts := FormatTime(now)
	r := &RecordV1{
		RecordVersion: EvidenceEventVersion,
		DecisionID:    id.String(),
		Timestamp:     ts,
		Requester:     ev.By,
		CaseRef:       ev.ProposalID,
		Country:       ev.Country,
		AsOf:          ev.Item.Date,
		Overall:       ev.Action,
		Verdicts:      ev.Role,
		Input:         item,
		InputDigest:   indicators.Digest(item),
		EngineVersion: engineVersion,
		EvalTime:      ts,
		Result:        doc,
		ResultDigest:  indicators.Digest(doc),
	}
	if err := r.Check(); err != nil {
		return nil, fmt.Errorf("new evidence event: %w", err)
	}
	return r, nil
}

// EvidenceEvent decodes an evidence event record (its event document and its item).
func (r *RecordV1) EvidenceEvent() (*evidence.Event, error) {
	if r.RecordVersion != EvidenceEventVersion {
		return nil, fmt.Errorf("record %s: a %s, not an evidence event", r.DecisionID, r.Kind())
	}
	var ev evidence.Event
	dec := json.NewDecoder(bytes.NewReader(r.Result))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("evidence event %s: event document: %w", r.DecisionID, err)
	}
	dec = json.NewDecoder(bytes.NewReader(r.Input))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev.Item); err != nil {
		return nil, fmt.Errorf("evidence event %s: item: %w", r.DecisionID, err)
	}
	t, err := ParseTime(r.Timestamp)
	if err != nil {
		return nil, fmt.Errorf("evidence event %s: timestamp: %w", r.DecisionID, err)
	}
	ev.Time = t
	return &ev, nil
}

// checkEvent is Check for an evidence event: its documents are well formed and the
// columns say what they say.
func (r *RecordV1) checkEvent() error {
	if got := indicators.Digest(r.Input); got != r.InputDigest {
		return fmt.Errorf("input_digest: %s does not match the item (%s)", r.InputDigest, got)
	}
	if got := indicators.Digest(r.Result); got != r.ResultDigest {
		return fmt.Errorf("result_digest: %s does not match the event document (%s)", r.ResultDigest, got)
	}
	ev, err := r.EvidenceEvent()
	if err != nil {
		return err
	}
	if err := ev.Check(r.Input); err != nil {
		return fmt.Errorf("event document: %w", err)
	}
	switch {
	case r.EvalTime != r.Timestamp:
		return errors.New("eval_time: an evidence event's is its timestamp")
	case r.PolicyRevision != "":
		return errors.New("policy_revision: an evidence event has none")
	case r.Requester != ev.By || r.Verdicts != ev.Role:
		return errors.New("requester or verdicts (the role) differ from the event document's by and role")
	case r.CaseRef != ev.ProposalID || r.Country != ev.Country || r.AsOf != ev.Item.Date || r.Overall != ev.Action:
		return errors.New("case_ref, country, as_of or overall differ from the event document")
	case ev.Item.ID != ev.ProposalID:
		return errors.New("the item's id is not the proposal's")
	}
	return nil
}

// EvidenceLog records the evidence workflow's events in a store and reads them back: it
// is the workflow's evidence.Log.
type EvidenceLog struct {
	Store         Store
	EngineVersion string
	// Appended, if set, is called with the seq of every event recorded.
	Appended func(seq int64)
}

// RecordEvent implements evidence.Log: it returns once the event is durable.
func (l *EvidenceLog) RecordEvent(ctx context.Context, ev evidence.Event) error {
	rec, err := NewEvidenceRecord(ev, l.EngineVersion)
	if err != nil {
		return err
	}
	if err := l.Store.Append(ctx, rec); err != nil {
		return fmt.Errorf("record evidence event: %w", err)
	}
	if l.Appended != nil {
		l.Appended(rec.Seq)
	}
	return nil
}

// Events implements evidence.Log: every evidence event of the store, in log order, each
// checked against its hash.
func (l *EvidenceLog) Events(ctx context.Context) ([]evidence.Event, error) {
	var out []evidence.Event
	err := l.Store.Walk(ctx, Filter{Kind: KindEvidenceEvent}, func(r *RecordV1) error {
		if r.ComputeHash() != r.Hash {
			return fmt.Errorf("audit store %s: evidence event seq %d (%s) does not match its hash", l.Store.Location(), r.Seq, r.DecisionID)
		}
		if err := r.Check(); err != nil {
			return fmt.Errorf("audit store %s: evidence event seq %d: %w", l.Store.Location(), r.Seq, err)
		}
		ev, err := r.EvidenceEvent()
		if err != nil {
			return err
		}
		out = append(out, *ev)
		return nil
	})
	return out, err
}

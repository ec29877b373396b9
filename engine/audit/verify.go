package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/exportrisk/exportrisk/indicators"
)

// ProblemKind says what is wrong with a broken record.
type ProblemKind string

// The ways a chain can break.
const (
	// Changed: the record's content no longer gives its hash.
	Changed ProblemKind = "changed"
	// Missing: records before this one (or at the end of the chain) are gone.
	Missing ProblemKind = "missing"
	// Reordered: the record is intact but not where the chain puts it.
	Reordered ProblemKind = "reordered"
)

// Problem is the first broken record of a chain.
type Problem struct {
	Seq        int64       `json:"seq"`         // where the broken record is stored
	DecisionID string      `json:"decision_id"` // as the stored record says; may itself be altered
	Kind       ProblemKind `json:"kind"`
	Detail     string      `json:"detail"`
}

func (p *Problem) Error() string {
	id := p.DecisionID
	if id == "" {
		id = "unknown"
	}
	return fmt.Sprintf("record seq %d (decision %s): %s: %s", p.Seq, id, p.Kind, p.Detail)
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Records int64    `json:"records"` // records checked
	Head    Head     `json:"head"`    // the chain head the store keeps
	Problem *Problem `json:"problem,omitempty"`
}

// OK reports whether the chain is intact.
func (r *VerifyReport) OK() bool { return r.Problem == nil }

// Verify walks the chain from the first record to the head and reports the first
// broken record. For each record in seq order it checks, in this order:
//
//   - its seq is one more than the previous record's (else: missing, records were removed);
//   - its stored hash is the hash of its content (else: changed);
//   - its input matches its input_digest (else: changed);
//   - its prev_hash is the previous record's hash (else: reordered if prev_hash is the
//     hash of another stored record, missing if it is the hash of no record).
//
// Finally the last record must be the head the store keeps (else: missing, the last
// records were removed). Records appended while Verify runs are not checked. The error
// is for failures to read the store, not for a broken chain.
func Verify(ctx context.Context, s Store) (*VerifyReport, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	rep := &VerifyReport{Head: head}
	if head.Seq == 0 {
		n, err := s.Count(ctx, Filter{})
		if err != nil {
			return nil, err
		}
		if n > 0 {
			rep.Problem = &Problem{Seq: 1, Kind: Changed,
				Detail: fmt.Sprintf("the store's chain head says it is empty but it holds %d record(s): the chain head was reset", n)}
		}
		return rep, nil
	}
	prev := Head{Seq: 0, Hash: GenesisHash}
	var prevID string
	errStop := errors.New("stop")
	err = s.Walk(ctx, Filter{ToSeq: head.Seq}, func(r *RecordV1) error {
		if p := checkLink(r, prev, prevID); p != nil {
			rep.Problem = p
			return errStop
		}
		rep.Records++
		prev, prevID = Head{Seq: r.Seq, Hash: r.Hash}, r.DecisionID
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if rep.Problem != nil {
		if rep.Problem.Kind == Reordered { // tell reordered from missing
			if err := explainLink(ctx, s, rep.Problem, prev); err != nil {
				return nil, err
			}
		}
		return rep, nil
	}
	switch {
	case prev.Seq < head.Seq:
		rep.Problem = &Problem{Seq: prev.Seq + 1, Kind: Missing,
			Detail: fmt.Sprintf("the chain ends at seq %d but the store's head is seq %d (hash %s): the last %d record(s) were removed",
				prev.Seq, head.Seq, head.Hash, head.Seq-prev.Seq)}
	case prev.Hash != head.Hash:
		rep.Problem = &Problem{Seq: prev.Seq, DecisionID: prevID, Kind: Changed,
			Detail: fmt.Sprintf("the last record's hash %s is not the store's head hash %s", prev.Hash, head.Hash)}
	}
	return rep, nil
}

// checkLink checks one record against the one before it (prev, or the genesis).
func checkLink(r *RecordV1, prev Head, prevID string) *Problem {
	p := &Problem{Seq: r.Seq, DecisionID: r.DecisionID}
	switch {
	case r.Seq != prev.Seq+1:
		p.Kind = Missing
		if prev.Seq == 0 {
			p.Detail = fmt.Sprintf("the chain starts at seq %d: records 1..%d were removed", r.Seq, r.Seq-1)
		} else {
			p.Detail = fmt.Sprintf("seq jumps from %d to %d: %d record(s) after decision %s were removed",
				prev.Seq, r.Seq, r.Seq-prev.Seq-1, prevID)
		}
	case r.ComputeHash() != r.Hash:
		p.Kind = Changed
		p.Detail = fmt.Sprintf("content does not match its hash (stored %s, computed %s)", r.Hash, r.ComputeHash())
	case indicators.Digest(r.Input) != r.InputDigest:
		p.Kind = Changed
		p.Detail = fmt.Sprintf("input does not match input_digest %s", r.InputDigest)
	case r.PrevHash != prev.Hash:
		p.Kind = Reordered // explainLink decides between reordered and missing
		p.Detail = fmt.Sprintf("prev_hash %s is not the hash of the record before it (seq %d, %s)", r.PrevHash, prev.Seq, prev.Hash)
	default:
		return nil
	}
	return p
}

// explainLink finds the record whose hash a broken link names: if it is stored
// elsewhere the records were reordered; if no record has it, one was removed.
func explainLink(ctx context.Context, s Store, p *Problem, prev Head) error {
	want := ""
	var broken *RecordV1
	errStop := errors.New("stop")
	err := s.Walk(ctx, Filter{FromSeq: p.Seq, ToSeq: p.Seq}, func(r *RecordV1) error { broken = r; return errStop })
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if broken == nil {
		return nil
	}
	want = broken.PrevHash
	var found *RecordV1
	err = s.Walk(ctx, Filter{}, func(r *RecordV1) error {
		if r.Hash == want {
			found = r
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if found != nil {
		where := fmt.Sprintf("after seq %d", prev.Seq)
		if prev.Seq == 0 {
			where = "first"
		}
		p.Kind = Reordered
		p.Detail = fmt.Sprintf("records are out of order: it should follow decision %s, which is stored at seq %d, but it is stored %s",
			found.DecisionID, found.Seq, where)
		return nil
	}
	p.Kind = Missing
	p.Detail = fmt.Sprintf("its prev_hash %s is the hash of no stored record: the record before it was removed or replaced", want)
	return nil
}

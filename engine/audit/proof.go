package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/exportrisk/exportrisk/indicators"
)

// ProofFormat names the format of an inclusion proof file.
const ProofFormat = "exportrisk-inclusion-proof/v1"

// Proof shows, without the store, that a decision record is in the log: the record
// (input and result included), its leaf index, the inclusion path from its leaf to the
// root of a tree of TreeSize records (RFC 6962, as tlog.ProveRecord computes it), and
// the checkpoint that signs that root.
type Proof struct {
	Format     string      `json:"format"`
	Record     *RecordV1   `json:"record"`
	LeafIndex  int64       `json:"leaf_index"`
	TreeSize   int64       `json:"tree_size"`
	Inclusion  []tlog.Hash `json:"inclusion"`  // base64, leaf to root
	Checkpoint string      `json:"checkpoint"` // the signed checkpoint (a signed note)
}

// Prove returns the inclusion proof of a decision in the tree a signed checkpoint signs.
// It checks the proof before returning it.
func Prove(ctx context.Context, s Store, decisionID string, signed []byte, key note.Verifier) (*Proof, error) {
	cp, err := OpenCheckpoint(signed, key)
	if err != nil {
		return nil, fmt.Errorf("prove decision %s: checkpoint: %w", decisionID, err)
	}
	r, err := s.Get(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	if r.Seq > cp.Size {
		return nil, fmt.Errorf("prove decision %s: it is record %d, after the %d records the checkpoint signs", decisionID, r.Seq, cp.Size)
	}
	path, err := tlog.ProveRecord(cp.Size, r.Seq-1, storeHashes{ctx, s})
	if err != nil {
		return nil, fmt.Errorf("audit store %s: prove decision %s: %w", s.Location(), decisionID, err)
	}
	p := &Proof{Format: ProofFormat, Record: r, LeafIndex: r.Seq - 1, TreeSize: cp.Size, Inclusion: path, Checkpoint: string(signed)}
	if _, err := CheckProof(p, key); err != nil {
		return nil, fmt.Errorf("audit store %s: the stored tree does not prove decision %s: %w", s.Location(), decisionID, err)
	}
	return p, nil
}

// CheckProof checks a proof with the log's public key alone: the checkpoint's
// signature, the record's own hash and documents, and the inclusion of its leaf in the
// signed tree. It returns the checkpoint. The errors say what does not hold.
func CheckProof(p *Proof, key note.Verifier) (Checkpoint, error) {
	if p.Format != ProofFormat {
		return Checkpoint{}, fmt.Errorf("format: want %q (got %q)", ProofFormat, p.Format)
	}
	cp, err := OpenCheckpoint([]byte(p.Checkpoint), key)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint: %w", err)
	}
	if p.TreeSize != cp.Size {
		return Checkpoint{}, fmt.Errorf("tree_size %d is not the checkpoint's size %d", p.TreeSize, cp.Size)
	}
	r := p.Record
	if r == nil {
		return Checkpoint{}, fmt.Errorf("no record")
	}
	rec := *r
	for _, doc := range []*json.RawMessage{&rec.Input, &rec.Result} { // undo any indentation
		var buf bytes.Buffer
		if err := json.Compact(&buf, *doc); err == nil {
			*doc = buf.Bytes()
		}
	}
	if err := rec.Check(); err != nil {
		return Checkpoint{}, fmt.Errorf("record %s: %w", rec.DecisionID, err)
	}
	if h := rec.ComputeHash(); h != rec.Hash {
		return Checkpoint{}, fmt.Errorf("record %s: its content does not match its hash (stored %s, computed %s)", rec.DecisionID, rec.Hash, h)
	}
	if p.LeafIndex != rec.Seq-1 {
		return Checkpoint{}, fmt.Errorf("leaf_index %d is not the record's place (seq %d is leaf %d)", p.LeafIndex, rec.Seq, rec.Seq-1)
	}
	if p.LeafIndex < 0 || p.LeafIndex >= cp.Size {
		return Checkpoint{}, fmt.Errorf("leaf_index %d is outside the checkpoint's tree of %d records", p.LeafIndex, cp.Size)
	}
	if err := tlog.CheckRecord(p.Inclusion, cp.Size, cp.Root, p.LeafIndex, rec.LeafHash()); err != nil {
		return Checkpoint{}, fmt.Errorf("record %s is not in the tree the checkpoint signs (leaf %d of %d): %w", rec.DecisionID, p.LeafIndex, cp.Size, err)
	}
	return cp, nil
}

// WriteProof writes a proof as one JSON document: input and result byte for byte.
func WriteProof(w io.Writer, p *Proof) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// ReadProof reads a proof written by WriteProof.
func ReadProof(b []byte) (*Proof, error) {
	var p Proof
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not an inclusion proof: %w", err)
	}
	return &p, nil
}

// RecordProblems checks one record on its own and against the leaf the store's tree
// keeps for it; it returns what is wrong, nothing if it is intact. The documents are
// checked only if the record holds them.
func RecordProblems(ctx context.Context, s Store, r *RecordV1) ([]string, error) {
	var out []string
	if h := r.ComputeHash(); h != r.Hash {
		out = append(out, "its content does not match its hash")
	}
	if len(r.Input) > 0 && indicators.Digest(r.Input) != r.InputDigest {
		out = append(out, "its input does not match its digest")
	}
	if len(r.Result) > 0 && indicators.Digest(r.Result) != r.ResultDigest {
		out = append(out, "its result does not match its digest")
	}
	leaf, err := s.ReadHashes(ctx, []int64{tlog.StoredHashIndex(0, r.Seq-1)})
	switch {
	case errors.Is(err, ErrCorrupt):
		out = append(out, "it has no leaf in the stored Merkle tree")
	case err != nil:
		return nil, err
	case leaf[0] != r.LeafHash():
		out = append(out, "it is not the record the stored Merkle tree holds at its place")
	}
	return out, nil
}

// CheckSummaries sets the Problems of each summary from RecordProblems.
func CheckSummaries(ctx context.Context, s Store, list []Summary) error {
	for i := range list {
		var rec *RecordV1
		seq := list[i].Seq
		err := s.Walk(ctx, Filter{FromSeq: seq, ToSeq: seq, Light: true}, func(r *RecordV1) error { rec = r; return nil })
		if err != nil {
			return err
		}
		if rec == nil {
			continue
		}
		if list[i].Problems, err = RecordProblems(ctx, s, rec); err != nil {
			return err
		}
	}
	return nil
}

package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Store is an append-only log of decision records and an archive of policy files.
// There is no way to change or remove a record through it. Implementations are safe for
// concurrent use by several goroutines, and several processes may append to the same
// store: the chain head is read and written inside the appending transaction.
type Store interface {
	// Append chains the records (it sets Seq, PrevHash and Hash) and commits them in
	// one transaction; it returns once they are durable, or with an error, in which
	// case none of them was appended. The policy revision of every record must have
	// been archived with ArchivePolicies.
	Append(ctx context.Context, recs ...*RecordV1) error
	// Get returns the record with a decision id, or an error wrapping ErrNotFound.
	Get(ctx context.Context, decisionID string) (*RecordV1, error)
	// List returns the summaries of the records that pass the filter, in chain order.
	List(ctx context.Context, f Filter) ([]Summary, error)
	// Count returns how many records pass the filter.
	Count(ctx context.Context, f Filter) (int64, error)
	// Walk calls fn with every record that passes the filter, in chain order, and
	// stops at the first error fn returns (and returns it).
	Walk(ctx context.Context, f Filter, fn func(*RecordV1) error) error
	// Head returns the sequence number and hash of the last record appended, as the
	// store keeps them apart from the records (seq 0 and GenesisHash when empty).
	Head(ctx context.Context) (Head, error)
	// ArchivePolicies stores the policy files of a revision, content-addressed. It is
	// idempotent.
	ArchivePolicies(ctx context.Context, revision string, files map[string][]byte) error
	// Policies returns the archived policy files of a revision, each checked against
	// its digest, or an error wrapping ErrNotFound.
	Policies(ctx context.Context, revision string) (map[string][]byte, error)
	// ReadHashes returns the stored Merkle tree hashes at the given indexes (see
	// tlog.StoredHashIndex); it implements tlog.HashReader for the tree the store keeps.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// WalkHashes calls fn with every stored tree hash, in index order.
	WalkHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error
	// WalkDocuments calls fn with every stored input and result and the digest it is
	// stored under.
	WalkDocuments(ctx context.Context, fn func(digest string, content []byte) error) error
	// WalkPolicyFiles calls fn with every archived policy file of every revision, by
	// revision and path, as stored (not checked).
	WalkPolicyFiles(ctx context.Context, fn func(revision, path, digest string, content []byte) error) error
	// Location names the store in messages (a file path, or a DSN without password).
	Location() string
	Close() error
}

// Head is the end of the chain.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Filter selects records. Zero fields select everything.
type Filter struct {
	Country   string    // ISO3
	Since     time.Time // timestamp >= Since
	Until     time.Time // timestamp <= Until
	Verdict   string    // the overall class, or a verdict any criterion has
	Requester string
	Kind      string // KindDecision or KindEvidenceEvent; "" selects both
	FromSeq   int64  // seq >= FromSeq
	ToSeq     int64  // seq <= ToSeq
	Limit     int    // at most this many (List and Walk)
	// Light makes Walk leave Input and Result empty for records whose hash covers
	// them by digest (record_version 2 and later), as Verify needs them.
	Light bool
}

// Overall classes and criterion verdicts a Filter.Verdict may name.
var (
	OverallClasses = []string{"dark_red", "light_red", "none"}
	Verdicts       = []string{"critical", "possibly_critical", "not_critical", "insufficient_data"}
)

// Validate rejects a filter that cannot match anything because a value is malformed.
func (f Filter) Validate() error {
	if f.Verdict != "" && !slices.Contains(OverallClasses, f.Verdict) && !slices.Contains(Verdicts, f.Verdict) {
		return fmt.Errorf("verdict: want an overall class (%s) or a criterion verdict (%s) (got %q)",
			strings.Join(OverallClasses, ", "), strings.Join(Verdicts, ", "), f.Verdict)
	}
	if f.Kind != "" && f.Kind != KindDecision && f.Kind != KindEvidenceEvent {
		return fmt.Errorf("kind: want %s or %s (got %q)", KindDecision, KindEvidenceEvent, f.Kind)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		return fmt.Errorf("until %s is before since %s", FormatTime(f.Until), FormatTime(f.Since))
	}
	return nil
}

// Errors a store wraps, to be tested with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrLocked        = errors.New("locked by another process")
	ErrCorrupt       = errors.New("corrupt or not an SQLite database")
	ErrUnreadable    = errors.New("cannot be opened")
	ErrSchemaTooNew  = errors.New("schema is newer than this exportrisk")
	ErrNotAStore     = errors.New("not an exportrisk audit store")
	ErrNotArchived   = errors.New("policy revision not archived")
	ErrInvalidRecord = errors.New("invalid record")
	ErrNoStore       = errors.New("no audit store there")
	ErrExists        = errors.New("an audit store is already there")
)

// fileDigest is the content address of a policy file.
func fileDigest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// sortedPaths returns the paths of files in order.
func sortedPaths(files map[string][]byte) []string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// checkAppend checks records before a store appends them.
func checkAppend(recs []*RecordV1) error {
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		if r == nil {
			return fmt.Errorf("append: %w: nil record", ErrInvalidRecord)
		}
		if err := r.Check(); err != nil {
			return fmt.Errorf("append decision %s: %w: %w", r.DecisionID, ErrInvalidRecord, err)
		}
		if seen[r.DecisionID] {
			return fmt.Errorf("append: %w: decision id %s given twice", ErrInvalidRecord, r.DecisionID)
		}
		seen[r.DecisionID] = true
	}
	return nil
}

// ParseFilterTime reads a --since / --until value: YYYY-MM-DD (the start of that day, UTC,
// or with endOfDay its last nanosecond) or an RFC 3339 time; "" is the zero time.
func ParseFilterTime(s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			d = d.Add(24*time.Hour - time.Nanosecond)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want YYYY-MM-DD or an RFC 3339 time such as 2026-06-01T12:00:00Z (got %q)", s)
	}
	return t, nil
}

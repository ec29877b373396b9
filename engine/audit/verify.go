package audit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
	"github.com/exportrisk/exportrisk/indicators"
)

// ProblemKind says what is wrong.
type ProblemKind string

// The ways a log can be broken.
const (
	// Changed: the record's content no longer gives its hash, or is not what a
	// checkpoint or the stored tree says it was.
	Changed ProblemKind = "changed"
	// Missing: records before this one (or at the end of the log) are gone.
	Missing ProblemKind = "missing"
	// Reordered: the record is intact but not where the chain puts it.
	Reordered ProblemKind = "reordered"
	// BeyondHead: the record lies past the head the store keeps (the head was rewound).
	BeyondHead ProblemKind = "beyond_head"
	// Policy: an archived policy file does not match its digest or its revision.
	Policy ProblemKind = "policy"
	// Tree: the stored Merkle tree hashes are not those of the records.
	Tree ProblemKind = "tree"
	// CheckpointKind: a checkpoint is not validly signed by the log key, or the log is
	// not a consistent extension of it.
	CheckpointKind ProblemKind = "checkpoint"
)

// Problem is one thing Verify found wrong.
type Problem struct {
	Seq        int64       `json:"seq,omitempty"`         // the record, where one is concerned
	DecisionID string      `json:"decision_id,omitempty"` // as the stored record says; may itself be altered
	Revision   string      `json:"revision,omitempty"`    // the policy revision (policy problems)
	Path       string      `json:"path,omitempty"`        // the policy file (policy problems)
	Source     string      `json:"source,omitempty"`      // the checkpoint file (checkpoint problems)
	Kind       ProblemKind `json:"kind"`
	Detail     string      `json:"detail"`
}

func (p *Problem) Error() string {
	switch {
	case p.Seq > 0:
		id := p.DecisionID
		if id == "" {
			id = "unknown"
		}
		return fmt.Sprintf("record seq %d (decision %s): %s: %s", p.Seq, id, p.Kind, p.Detail)
	case p.Path != "":
		return fmt.Sprintf("policy revision %s, file %s: %s", p.Revision, p.Path, p.Detail)
	case p.Revision != "":
		return fmt.Sprintf("policy revision %s: %s", p.Revision, p.Detail)
	case p.Source != "":
		return fmt.Sprintf("checkpoint %s: %s", p.Source, p.Detail)
	}
	return fmt.Sprintf("%s: %s", p.Kind, p.Detail)
}

// CheckpointSource is a signed checkpoint for Verify to check the log against.
type CheckpointSource struct {
	Source string // the file, for messages
	Signed []byte
	// TileDir, if not "", is a witness directory holding the tree's tiles as the
	// checkpoint was signed: with them Verify names every record changed since.
	TileDir string
}

// VerifyOptions are what Verify checks the store against, beyond itself.
type VerifyOptions struct {
	Checkpoints []CheckpointSource
	Key         note.Verifier // the log's public key; required with Checkpoints
}

// CheckpointResult is what Verify found about one checkpoint.
type CheckpointResult struct {
	Source string `json:"source"`
	Size   int64  `json:"size"`
	OK     bool   `json:"ok"`
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Records     int64              `json:"records"` // records checked
	Head        Head               `json:"head"`    // the chain head the store keeps
	Root        tlog.Hash          `json:"root"`    // the root of the tree the records give
	Documents   int                `json:"documents"`
	Revisions   int                `json:"policy_revisions"`
	PolicyFiles int                `json:"policy_files"`
	Checkpoints []CheckpointResult `json:"checkpoints"`
	Problems    []*Problem         `json:"problems"`
}

// OK reports whether nothing is wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Problem returns the first problem, nil if there is none.
func (r *VerifyReport) Problem() *Problem {
	if len(r.Problems) == 0 {
		return nil
	}
	return r.Problems[0]
}

// Verify checks the whole store, trusting none of its hashes, and reports every
// problem it finds (not only the first):
//
//   - every stored input and result against its digest, and every archived policy
//     file against its digest and the files of each revision against the revision;
//   - every record, in seq order: no seq is skipped (else missing); its content gives
//     its hash (else changed); its documents are there and intact; its prev_hash is the
//     previous record's hash (else reordered or missing); its revision is archived;
//   - the records end at the head the store keeps: records past it mean the head was
//     rewound; fewer mean the last records were removed;
//   - the Merkle tree Verify computes from the records is the one the store keeps
//     (a stored leaf that differs names its record);
//   - every checkpoint in opts is signed by the log key, and the computed tree is a
//     consistent extension of it (tlog consistency proof): a record changed, removed
//     or rewound after a checkpoint is found even if every hash in the store was
//     recomputed; with the checkpoint's tiles, the changed records are named.
//
// Records appended while Verify runs are not checked. The error is for failures to
// read the store, not for problems found.
func Verify(ctx context.Context, s Store, opts VerifyOptions) (*VerifyReport, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	rep := &VerifyReport{Head: head, Checkpoints: []CheckpointResult{}, Problems: []*Problem{}}
	add := func(p *Problem) { rep.Problems = append(rep.Problems, p) }

	var (
		tree      memTree
		ids       []string // decision ids by seq-1
		prev      = Head{Hash: GenesisHash}
		prevID    string
		reorder   = map[*Problem]string{} // reordered -> the hash of the record before it
		seqs      []int64                 // per record walked: its seq
		digests   []string                // per record: input digest, result digest
		revisions []string                // per record: its policy revision
	)
	// The documents and the stored tree are read meanwhile, on other connections, in
	// read transactions begun once the records' one has (so they hold every document
	// and tree hash of the records walked).
	side := &sideReads{}
	// check checks one record, in seq order; it runs on its own goroutine, so that the
	// hashing overlaps with reading the next rows.
	check := func(r *RecordV1) error {
		seqs = append(seqs, r.Seq)
		digests = append(digests, r.InputDigest, r.ResultDigest)
		if r.RecordVersion == EvidenceEventVersion {
			revisions = append(revisions, noRevision)
		} else {
			revisions = append(revisions, r.PolicyRevision)
		}
		if p := checkLink(r, prev, prevID); p != nil {
			add(p)
			if p.Kind == Reordered {
				reorder[p] = prev.Hash
			}
		}
		// A missing seq still takes a leaf: the leaves stay where seq puts them.
		for tree.size < r.Seq-1 {
			if err := tree.add(nil); err != nil {
				return err
			}
			ids = append(ids, "")
		}
		if tree.size == r.Seq-1 {
			if err := tree.add(r.LeafData()); err != nil {
				return err
			}
			ids = append(ids, r.DecisionID)
		}
		rep.Records++
		prev, prevID = Head{Seq: r.Seq, Hash: r.Hash}, r.DecisionID
		return nil
	}
	queue := make(chan *RecordV1, 512)
	checked := make(chan error, 1)
	go func() {
		var err error
		for r := range queue {
			if err == nil {
				err = check(r)
			}
		}
		checked <- err
	}()
	err = s.Walk(ctx, Filter{Light: true}, func(r *RecordV1) error {
		side.start(ctx, s)
		queue <- r
		return nil
	})
	close(queue)
	if cerr := <-checked; err == nil {
		err = cerr
	}
	if err != nil {
		side.start(ctx, s)
		side.wg.Wait()
		return nil, err
	}
	for p, prevHash := range reorder {
		if err := explainLink(ctx, s, p, prevHash); err != nil {
			return nil, err
		}
	}
	side.start(ctx, s)
	side.wg.Wait()
	if side.err != nil {
		return nil, side.err
	}
	docs := side.docs
	rep.Documents = len(docs)
	for i, d := range digests {
		intact, ok := docs[d]
		if intact || (i%2 == 1 && d == digests[i-1]) {
			continue
		}
		detail := fmt.Sprintf("its document %s does not match its digest", d)
		if !ok {
			detail = fmt.Sprintf("its document %s is missing", d)
		}
		seq := seqs[i/2]
		add(&Problem{Seq: seq, DecisionID: idAt(ids, seq), Kind: Changed, Detail: detail})
	}
	archived, err := verifyPolicies(ctx, s, add)
	if err != nil {
		return nil, err
	}
	rep.Revisions = len(archived)
	for _, n := range archived {
		rep.PolicyFiles += n
	}
	for i, rev := range revisions {
		if _, ok := archived[rev]; !ok && rev != noRevision {
			add(&Problem{Seq: seqs[i], DecisionID: idAt(ids, seqs[i]), Kind: Policy, Detail: fmt.Sprintf("its policy revision %s is not archived", rev)})
		}
	}
	if rep.Root, err = tlog.TreeHash(tree.size, tree.hashes); err != nil {
		return nil, fmt.Errorf("audit store %s: verify: %w", s.Location(), err)
	}
	broken := map[int64]bool{}
	for _, p := range rep.Problems {
		broken[p.Seq] = true
	}
	storedHashes := verifyStoredTree(side.hashes, &tree, ids, broken, add)
	// The head again: records appended during the walks moved it on.
	if h2, err := s.Head(ctx); err != nil {
		return nil, err
	} else if h2.Seq >= prev.Seq {
		head = h2
	}
	rep.Head = head
	switch {
	case prev.Seq > head.Seq:
		add(&Problem{Seq: head.Seq + 1, DecisionID: idAt(ids, head.Seq+1), Kind: BeyondHead,
			Detail: fmt.Sprintf("records %d..%d lie beyond the store's head (seq %d): the head was rewound to hide them", head.Seq+1, prev.Seq, head.Seq)})
	case prev.Seq < head.Seq:
		add(&Problem{Seq: prev.Seq + 1, Kind: Missing,
			Detail: fmt.Sprintf("the records end at seq %d but the store's head is seq %d (hash %s): the last %d record(s) were removed",
				prev.Seq, head.Seq, head.Hash, head.Seq-prev.Seq)})
	case prev.Hash != head.Hash:
		add(&Problem{Seq: prev.Seq, DecisionID: prevID, Kind: Changed,
			Detail: fmt.Sprintf("the last record's hash %s is not the store's head hash %s", prev.Hash, head.Hash)})
	}
	if head.Seq == prev.Seq && storedHashes > tlog.StoredHashCount(prev.Seq) {
		add(&Problem{Seq: prev.Seq + 1, Kind: Missing,
			Detail: fmt.Sprintf("the stored Merkle tree has leaves past the last record (seq %d): the last record(s) were removed and the head rewound", prev.Seq)})
	}
	for _, c := range opts.Checkpoints {
		rep.Checkpoints = append(rep.Checkpoints, verifyCheckpoint(c, opts.Key, &tree, rep.Root, ids, add))
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool { return order(rep.Problems[i]) < order(rep.Problems[j]) })
	return rep, nil
}

// noRevision stands for the policy revision of an evidence event, which has none.
const noRevision = "\x00"

// order sorts problems: records by seq first, then policies, then the rest.
func order(p *Problem) int64 {
	switch {
	case p.Seq > 0:
		return p.Seq
	case p.Kind == Policy:
		return 1 << 61
	}
	return 1 << 62
}

func idAt(ids []string, seq int64) string {
	if seq < 1 || seq > int64(len(ids)) {
		return ""
	}
	return ids[seq-1]
}

// verifyPolicies checks every archived policy file against its digest and every
// revision against its files; it returns the archived revisions with their file counts.
func verifyPolicies(ctx context.Context, s Store, add func(*Problem)) (map[string]int, error) {
	files := map[string]map[string][]byte{}
	err := s.WalkPolicyFiles(ctx, func(revision, path, digest string, content []byte) error {
		if files[revision] == nil {
			files[revision] = map[string][]byte{}
		}
		files[revision][path] = content
		if fileDigest(content) != digest {
			add(&Problem{Revision: revision, Path: path, Kind: Policy,
				Detail: fmt.Sprintf("the archived file does not match its digest %s (it is %s)", digest, fileDigest(content))})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(files))
	for rev, fs := range files {
		out[rev] = len(fs)
		if got := policyfile.Revision(fs); got != rev {
			add(&Problem{Revision: rev, Kind: Policy,
				Detail: fmt.Sprintf("the archived files give revision %s: a file of the archive was changed, added or removed", got)})
		}
	}
	return out, nil
}

// checkLink checks one record on its own and against the one before it (prev, or the
// genesis). Its documents are checked apart, once each.
func checkLink(r *RecordV1, prev Head, prevID string) *Problem {
	p := &Problem{Seq: r.Seq, DecisionID: r.DecisionID}
	switch {
	case r.Seq != prev.Seq+1:
		p.Kind = Missing
		if prev.Seq == 0 {
			p.Detail = fmt.Sprintf("the log starts at seq %d: records 1..%d were removed", r.Seq, r.Seq-1)
		} else {
			p.Detail = fmt.Sprintf("seq jumps from %d to %d: %d record(s) after decision %s were removed",
				prev.Seq, r.Seq, r.Seq-prev.Seq-1, prevID)
		}
	case r.ComputeHash() != r.Hash:
		p.Kind = Changed
		p.Detail = fmt.Sprintf("content does not match its hash (stored %s, computed %s)", r.Hash, r.ComputeHash())
	case r.RecordVersion == 1 && (indicators.Digest(r.Input) != r.InputDigest || indicators.Digest(r.Result) != r.ResultDigest):
		p.Kind = Changed
		p.Detail = "its input or result does not match its digest"
	case r.PrevHash != prev.Hash:
		p.Kind = Reordered // explainLink decides between reordered and missing
		p.Detail = fmt.Sprintf("prev_hash %s is not the hash of the record before it (seq %d, %s)", r.PrevHash, prev.Seq, prev.Hash)
	default:
		return nil
	}
	return p
}

// explainLink finds the record whose hash a broken link names: if it is stored
// elsewhere the records were reordered; if no record has it, one was removed or
// replaced.
func explainLink(ctx context.Context, s Store, p *Problem, prevHash string) error {
	var broken, found *RecordV1
	errStop := errors.New("stop")
	err := s.Walk(ctx, Filter{FromSeq: p.Seq, ToSeq: p.Seq, Light: true}, func(r *RecordV1) error { broken = r; return errStop })
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if broken == nil {
		return nil
	}
	err = s.Walk(ctx, Filter{Light: true}, func(r *RecordV1) error {
		if r.Hash == broken.PrevHash {
			found = r
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if found != nil {
		where := fmt.Sprintf("after seq %d", p.Seq-1)
		if p.Seq == 1 {
			where = "first"
		}
		p.Kind = Reordered
		p.Detail = fmt.Sprintf("records are out of order: it should follow decision %s, which is stored at seq %d, but it is stored %s",
			found.DecisionID, found.Seq, where)
		return nil
	}
	p.Kind = Missing
	p.Detail = fmt.Sprintf("its prev_hash %s is the hash of no stored record (the record before it has %s): the record before it was removed or replaced",
		broken.PrevHash, prevHash)
	return nil
}

// verifyStoredTree compares the tree hashes the store keeps with those computed from
// the records; it reports the records whose stored leaf differs (unless broken has them
// already) and inner hashes that differ though no leaf does. It returns how many
// hashes the store keeps.
func verifyStoredTree(hashes []indexedHash, tree *memTree, ids []string, broken map[int64]bool, add func(*Problem)) int64 {
	var stored, leaves int64
	var other []int64
	for _, ih := range hashes {
		index, h := ih.index, ih.hash
		if index >= int64(len(tree.hashes)) {
			continue // past the records walked
		}
		stored++
		if h == tree.hashes[index] {
			continue
		}
		level, n := tlog.SplitStoredHashIndex(index)
		if level == 0 {
			leaves++
		}
		if level == 0 && (idAt(ids, n+1) == "" || broken[n+1]) {
			continue // a removed or changed record, reported already
		}
		if level == 0 {
			add(&Problem{Seq: n + 1, DecisionID: idAt(ids, n+1), Kind: Tree,
				Detail: "its leaf in the stored Merkle tree is not the hash of its content: the record was changed after it was appended"})
		} else {
			other = append(other, index)
		}
	}
	if stored < int64(len(tree.hashes)) {
		add(&Problem{Kind: Tree, Detail: fmt.Sprintf("the store keeps %d of the %d Merkle tree hashes of its %d records: tree hashes were removed",
			stored, len(tree.hashes), tree.size)})
	}
	if len(other) > 0 && leaves == 0 {
		add(&Problem{Kind: Tree, Detail: fmt.Sprintf("%d inner hash(es) of the stored Merkle tree are not those of the records (first at index %d)", len(other), other[0])})
	}
	return int64(len(hashes))
}

// indexedHash is a stored tree hash and its index.
type indexedHash struct {
	index int64
	hash  tlog.Hash
}

// sideReads reads every document (checking it against its digest) and every stored
// tree hash, concurrently with the records.
type sideReads struct {
	once   sync.Once
	wg     sync.WaitGroup
	docs   map[string]bool // digest -> intact
	hashes []indexedHash
	err    error
	mu     sync.Mutex
}

func (sr *sideReads) start(ctx context.Context, s Store) {
	sr.once.Do(func() {
		sr.wg.Add(2)
		fail := func(err error) {
			sr.mu.Lock()
			if sr.err == nil {
				sr.err = err
			}
			sr.mu.Unlock()
		}
		go func() {
			defer sr.wg.Done()
			docs := map[string]bool{}
			fail2 := s.WalkDocuments(ctx, func(digest string, content []byte) error {
				docs[digest] = indicators.Digest(content) == digest
				return nil
			})
			if fail2 != nil {
				fail(fail2)
			}
			sr.docs = docs
		}()
		go func() {
			defer sr.wg.Done()
			err := s.WalkHashes(ctx, func(index int64, h tlog.Hash) error {
				sr.hashes = append(sr.hashes, indexedHash{index, h})
				return nil
			})
			if err != nil {
				fail(err)
			}
		}()
	})
}

// verifyCheckpoint checks one checkpoint against the tree computed from the records.
func verifyCheckpoint(c CheckpointSource, key note.Verifier, tree *memTree, root tlog.Hash, ids []string, add func(*Problem)) CheckpointResult {
	res := CheckpointResult{Source: c.Source}
	fail := func(format string, args ...any) CheckpointResult {
		add(&Problem{Source: c.Source, Kind: CheckpointKind, Detail: fmt.Sprintf(format, args...)})
		return res
	}
	if key == nil {
		return fail("no log public key to check its signature with")
	}
	cp, err := OpenCheckpoint(c.Signed, key)
	if err != nil {
		return fail("%v", err)
	}
	res.Size = cp.Size
	if cp.Size > tree.size {
		namedChanged(c, cp, tree, ids, add)
		return fail("it signs a log of %d records; the log now has %d: records %d..%d were removed or the head rewound",
			cp.Size, tree.size, tree.size+1, cp.Size)
	}
	if err := extends(tree.hashes, tree.size, root, cp); err != nil {
		named, firstNamed := namedChanged(c, cp, tree, ids, add)
		if named == 0 {
			return fail("the first %d records are not those it signed (consistency proof: %v): records were changed, removed or reordered; without the checkpoint's tiles the records cannot be named", cp.Size, err)
		}
		return fail("the first %d records are not those it signed (consistency proof: %v): %d record(s) differ, the first at seq %d", cp.Size, err, named, firstNamed)
	}
	res.OK = true
	return res
}

// namedChanged compares the leaves of the first records with those the checkpoint's
// tiles hold (authenticated by the checkpoint's root) and reports each record that
// differs; it returns how many and the first seq, 0 if the tiles are not available.
func namedChanged(c CheckpointSource, cp Checkpoint, tree *memTree, ids []string, add func(*Problem)) (int, int64) {
	if c.TileDir == "" || cp.Size == 0 {
		return 0, 0
	}
	n := min(cp.Size, tree.size)
	idx := make([]int64, n)
	for i := range idx {
		idx[i] = tlog.StoredHashIndex(0, int64(i))
	}
	signed, err := tlog.TileHashReader(tlog.Tree{N: cp.Size, Hash: cp.Root}, dirTiles{c.TileDir}).ReadHashes(idx)
	if err != nil {
		return 0, 0
	}
	named, first := 0, int64(0)
	for i, x := range idx {
		if signed[i] != tree.hashes[x] {
			if named == 0 {
				first = int64(i) + 1
			}
			named++
			add(&Problem{Seq: int64(i) + 1, DecisionID: ids[i], Kind: Changed,
				Detail: fmt.Sprintf("its leaf is not the one checkpoint %s (size %d) signed: the record, or the hash chain before it, was rewritten", c.Source, cp.Size)})
		}
	}
	return named, first
}

package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// The Merkle tree over the records is the tree of RFC 6962 as golang.org/x/mod/sumdb/tlog
// computes and stores it: record seq n is leaf n-1, its leaf hash is
// tlog.RecordHash(LeafData), and a store keeps, per leaf, the hashes tlog.StoredHashes
// returns, at the indexes tlog.StoredHashIndex gives (about two per record). From them
// tlog computes the root of any tree size and every proof with O(log n) reads.

// LeafHash returns the record's leaf hash in the Merkle tree.
func (r *RecordV1) LeafHash() tlog.Hash { return tlog.RecordHash(r.LeafData()) }

// memHashes is a tree's stored hashes in memory, index i at memHashes[i].
type memHashes []tlog.Hash

// ReadHashes implements tlog.HashReader.
func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("tree hash %d: not computed (have %d)", x, len(m))
		}
		out[i] = m[x]
	}
	return out, nil
}

// memTree builds a tree in memory, leaf by leaf.
type memTree struct {
	hashes memHashes
	size   int64
}

// add appends the next leaf.
func (m *memTree) add(leaf []byte) error {
	hs, err := tlog.StoredHashes(m.size, leaf, m.hashes)
	if err != nil {
		return err
	}
	m.hashes = append(m.hashes, hs...)
	m.size++
	return nil
}

// storeHashes reads a store's stored tree hashes as a tlog.HashReader.
type storeHashes struct {
	ctx context.Context
	s   Store
}

func (h storeHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return h.s.ReadHashes(h.ctx, indexes)
}

// TreeRoot returns the root hash of the first size records as the store's tree hashes
// give it.
func TreeRoot(ctx context.Context, s Store, size int64) (tlog.Hash, error) {
	if size == 0 {
		return tlog.TreeHash(0, memHashes(nil))
	}
	h, err := tlog.TreeHash(size, storeHashes{ctx, s})
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("audit store %s: tree root at size %d: %w", s.Location(), size, err)
	}
	return h, nil
}

// readHashes reads stored tree hashes in one query; a missing one is an error.
func (s *sqlStore) readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	ph := strings.Repeat("?, ", len(indexes))
	args := make([]any, len(indexes))
	for i, x := range indexes {
		args[i] = x
	}
	rows, err := q.QueryContext(ctx, s.q(`SELECT id, hash FROM tree_hashes WHERE id IN (`+ph[:len(ph)-2]+`)`), args...)
	if err != nil {
		return nil, s.d.wrap("read tree hashes", err)
	}
	defer rows.Close()
	got := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, s.d.wrap("read tree hashes", err)
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("audit store %s: %w: tree hash %d has %d bytes", s.loc, ErrCorrupt, id, len(b))
		}
		got[id] = tlog.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.wrap("read tree hashes", err)
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := got[x]
		if !ok {
			return nil, fmt.Errorf("audit store %s: %w: tree hash %d is missing", s.loc, ErrCorrupt, x)
		}
		out[i] = h
	}
	return out, nil
}

// ReadHashes implements Store.
func (s *sqlStore) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return s.readHashes(ctx, s.db, indexes)
}

// WalkHashes implements Store.
func (s *sqlStore) WalkHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, hash FROM tree_hashes ORDER BY id`)
	if err != nil {
		return s.d.wrap("read tree hashes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return s.d.wrap("read tree hashes", err)
		}
		var h tlog.Hash
		copy(h[:], b) // a short hash reads as a different one
		if len(b) != tlog.HashSize {
			h = tlog.Hash{}
		}
		if err := fn(id, h); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.d.wrap("read tree hashes", err)
	}
	return nil
}

// txHashes reads tree hashes inside an append transaction: first those this
// transaction has written (kept in memory), then the stored ones.
type txHashes struct {
	ctx   context.Context
	tx    *sql.Tx
	s     *sqlStore
	added map[int64]tlog.Hash
	// insert stores one tree hash in the transaction.
	insert func(id int64, hash []byte) error
}

func (h *txHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var miss []int64
	for i, x := range indexes {
		if v, ok := h.added[x]; ok {
			out[i] = v
		} else {
			miss = append(miss, x)
		}
	}
	got, err := h.s.readHashes(h.ctx, h.tx, miss)
	if err != nil {
		return nil, err
	}
	j := 0
	for i, x := range indexes {
		if _, ok := h.added[x]; !ok {
			out[i] = got[j]
			j++
		}
	}
	return out, nil
}

// addLeaf writes the tree hashes of record r (leaf r.Seq-1) and returns their indexes.
func (h *txHashes) addLeaf(r *RecordV1) ([]int64, error) {
	n := r.Seq - 1
	hs, err := tlog.StoredHashes(n, r.LeafData(), h)
	if err != nil {
		return nil, fmt.Errorf("tree hashes of seq %d: %w", r.Seq, err)
	}
	first := tlog.StoredHashIndex(0, n)
	idx := make([]int64, len(hs))
	for i, v := range hs {
		idx[i] = first + int64(i)
		if err := h.insert(idx[i], v[:]); err != nil {
			return idx[:i], err
		}
		h.added[idx[i]] = v
	}
	return idx, nil
}

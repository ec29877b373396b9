package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// TestTreeHashesKnownAnswer checks the leaf and node hashes and the roots of trees of
// 1..9 leaves against RFC 6962 computed here with crypto/sha256 alone: leaf =
// SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), and the root of n
// leaves splits them at the largest power of two below n.
func TestTreeHashesKnownAnswer(t *testing.T) {
	leaf := func(d []byte) [32]byte { return sha256.Sum256(append([]byte{0}, d...)) }
	node := func(l, r [32]byte) [32]byte { return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)) }
	var root func(ls [][32]byte) [32]byte
	root = func(ls [][32]byte) [32]byte {
		if len(ls) == 1 {
			return ls[0]
		}
		k := 1
		for k*2 < len(ls) {
			k *= 2
		}
		return node(root(ls[:k]), root(ls[k:]))
	}
	var tree memTree
	var leaves [][32]byte
	for i := range 9 {
		r := simpleRecord(t, i)
		r.chain(int64(i), GenesisHash)
		data := r.LeafData()
		if got, want := r.LeafHash(), leaf(data); got != tlog.Hash(want) {
			t.Fatalf("leaf %d: %x, want %x", i, got, want)
		}
		if err := tree.add(data); err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leaf(data))
		got, err := tlog.TreeHash(tree.size, tree.hashes)
		if err != nil {
			t.Fatal(err)
		}
		if want := root(leaves); got != tlog.Hash(want) {
			t.Errorf("root of %d leaves: %x, want %x", len(leaves), got, want)
		}
	}
}

// TestProofsProperty: for random append sequences, in a real store, every inclusion
// proof and every consistency proof between two sizes verifies, and every single-byte
// change to a proof, a leaf or a root makes it fail.
func TestProofsProperty(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 6962))
	for round := range 3 {
		s := sqliteBackend().open(t)
		archiveTest(t, s)
		var roots []tlog.Hash // roots[n] is the root of the first n records
		roots = append(roots, tlog.Hash{})
		n := 0
		for n < 20+round*7 {
			batch := make([]*RecordV1, 1+rng.IntN(4))
			for i := range batch {
				batch[i] = simpleRecord(t, n)
				n++
			}
			if err := s.Append(ctx, batch...); err != nil {
				t.Fatal(err)
			}
			for range batch {
				roots = append(roots, tlog.Hash{})
			}
		}
		for size := 1; size <= n; size++ {
			h, err := TreeRoot(ctx, s, int64(size))
			if err != nil {
				t.Fatal(err)
			}
			roots[size] = h
		}
		var recs []*RecordV1
		if err := s.Walk(ctx, Filter{}, func(r *RecordV1) error { recs = append(recs, r); return nil }); err != nil {
			t.Fatal(err)
		}
		hr := storeHashes{ctx, s}
		for size := int64(1); size <= int64(n); size++ {
			for i := int64(0); i < size; i++ {
				leaf := recs[i].LeafHash()
				p, err := tlog.ProveRecord(size, i, hr)
				if err != nil {
					t.Fatal(err)
				}
				if err := tlog.CheckRecord(p, size, roots[size], i, leaf); err != nil {
					t.Fatalf("inclusion of %d in %d: %v", i, size, err)
				}
				if size%5 != 0 && i%3 != 0 { // every byte of a sample of the proofs
					continue
				}
				for j := range p {
					for b := range tlog.HashSize {
						p[j][b] ^= 1
						if tlog.CheckRecord(p, size, roots[size], i, leaf) == nil {
							t.Fatalf("inclusion of %d in %d holds with byte %d of hash %d flipped", i, size, b, j)
						}
						p[j][b] ^= 1
					}
				}
				bad := leaf
				bad[rng.IntN(tlog.HashSize)] ^= 0x80
				if tlog.CheckRecord(p, size, roots[size], i, bad) == nil {
					t.Fatalf("inclusion of %d in %d holds for another leaf", i, size)
				}
			}
			for old := int64(1); old <= size; old++ {
				p, err := tlog.ProveTree(size, old, hr)
				if err != nil {
					t.Fatal(err)
				}
				if err := tlog.CheckTree(p, size, roots[size], old, roots[old]); err != nil {
					t.Fatalf("consistency %d -> %d: %v", old, size, err)
				}
				badRoot := roots[old]
				badRoot[rng.IntN(tlog.HashSize)] ^= 1
				if old < size && tlog.CheckTree(p, size, roots[size], old, badRoot) == nil {
					t.Fatalf("consistency %d -> %d holds for another old root", old, size)
				}
				for j := range p {
					b := rng.IntN(tlog.HashSize)
					p[j][b] ^= 1
					if tlog.CheckTree(p, size, roots[size], old, roots[old]) == nil {
						t.Fatalf("consistency %d -> %d holds with byte %d of hash %d flipped", old, size, b, j)
					}
					p[j][b] ^= 1
				}
			}
		}
	}
}

// logKey makes a log key for tests.
func logKey(t testing.TB, name string) *Signer {
	t.Helper()
	priv, _, err := GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// witnessed appends n records, signs a checkpoint into a witness directory and returns
// the records and the checkpoint file.
func witnessed(t *testing.T, s Store, key *Signer, n int) ([]*RecordV1, string, string) {
	t.Helper()
	recs := appendN(t, s, n)
	dir := filepath.Join(t.TempDir(), "witness")
	if _, _, err := Sign(context.Background(), s, key, dir); err != nil {
		t.Fatal(err)
	}
	files, err := WitnessCheckpoints(dir)
	if err != nil {
		t.Fatal(err)
	}
	return recs, dir, files[len(files)-1]
}

func verifyWith(t *testing.T, s Store, key *Signer, files ...string) *VerifyReport {
	t.Helper()
	var cps []CheckpointSource
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cps = append(cps, CheckpointSource{Source: f, Signed: b, TileDir: filepath.Dir(f)})
	}
	rep, err := Verify(context.Background(), s, VerifyOptions{Checkpoints: cps, Key: key.Verifier()})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// hasProblem reports whether a problem of the report is of kind at seq (0: any) and
// says want.
func hasProblem(rep *VerifyReport, kind ProblemKind, seq int64, want string) bool {
	for _, p := range rep.Problems {
		if p.Kind == kind && (seq == 0 || p.Seq == seq) && strings.Contains(p.Error(), want) {
			return true
		}
	}
	return false
}

// rewrite changes a record's requester and recomputes every hash after it, as an
// attacker with the database and the documented formulas would: the chain, the head
// and the whole Merkle tree.
func rewrite(t *testing.T, b backend, s Store, seq int64, requester string) {
	t.Helper()
	ctx := context.Background()
	var recs []*RecordV1
	if err := s.Walk(ctx, Filter{}, func(r *RecordV1) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	b.exec(t, s, `DELETE FROM tree_hashes`)
	prev := GenesisHash
	var tree memTree
	for _, r := range recs {
		if r.Seq == seq {
			r.Requester = requester
		}
		r.PrevHash = prev
		r.Hash = r.ComputeHash()
		b.exec(t, s, `UPDATE records SET requester = ?, prev_hash = ?, hash = ? WHERE seq = ?`, r.Requester, r.PrevHash, r.Hash, r.Seq)
		prev = r.Hash
		if err := tree.add(r.LeafData()); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range tree.hashes {
		b.exec(t, s, `INSERT INTO tree_hashes (id, hash) VALUES (?, ?)`, int64(i), h[:])
	}
	b.exec(t, s, `UPDATE chain_head SET seq = ?, hash = ?`, recs[len(recs)-1].Seq, prev)
}

// TestAttacks: what an attacker with write access to the database can do, and how each
// attack is found, on every backend. Each case checks the problem names what is wrong.
func TestAttacks(t *testing.T) {
	ctx := context.Background()
	key := logKey(t, "audit.example.org/exportrisk")
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Run("consistent rewrite with triggers dropped", func(t *testing.T) {
				s := b.open(t)
				recs, _, cp := witnessed(t, s, key, 8)
				b.unprotect(t, s)
				rewrite(t, b, s, 3, "mallory")
				// Without the checkpoint nothing in the store gives it away...
				if rep := mustVerify(t, s); !rep.OK() {
					t.Fatalf("a consistent rewrite is not visible in the store alone, but verify says %v", rep.Problem())
				}
				// ...with it, the rewritten record is named.
				rep := verifyWith(t, s, key, cp)
				if rep.OK() || rep.Problem().Seq != 3 || rep.Problem().DecisionID != recs[2].DecisionID ||
					!strings.Contains(rep.Problem().Detail, "its leaf is not the one checkpoint") {
					t.Fatalf("got %v", rep.Problems)
				}
				if !hasProblem(rep, CheckpointKind, 0, "the first 8 records are not those it signed") {
					t.Errorf("the checkpoint problem is not reported: %v", rep.Problems)
				}
				// Replay of the rewritten record still matches: the rewrite is only
				// visible against the checkpoint, so verify is what the auditor runs.
			})
			t.Run("tail deletion with head rewind", func(t *testing.T) {
				s := b.open(t)
				_, _, cp := witnessed(t, s, key, 6)
				b.unprotect(t, s)
				b.exec(t, s, `DELETE FROM records WHERE seq > 4`)
				b.exec(t, s, `DELETE FROM tree_hashes WHERE id >= ?`, tlog.StoredHashCount(4))
				b.exec(t, s, `UPDATE chain_head SET seq = 4, hash = (SELECT hash FROM records WHERE seq = 4)`)
				if rep := mustVerify(t, s); !rep.OK() {
					t.Fatalf("a careful tail deletion is not visible in the store alone, but verify says %v", rep.Problem())
				}
				rep := verifyWith(t, s, key, cp)
				if !hasProblem(rep, CheckpointKind, 0, "it signs a log of 6 records; the log now has 4: records 5..6 were removed") {
					t.Fatalf("got %v", rep.Problems)
				}
			})
			t.Run("head rewind is refused by the database", func(t *testing.T) {
				s := b.open(t)
				appendN(t, s, 3)
				if err := b.tryExec(t, s, `UPDATE chain_head SET seq = 1, hash = (SELECT hash FROM records WHERE seq = 1)`); err == nil ||
					!strings.Contains(err.Error(), "cannot be rewound") {
					t.Fatalf("rewinding the head: %v", err)
				}
			})
			t.Run("policy archive edited", func(t *testing.T) {
				s := b.open(t)
				appendN(t, s, 2)
				b.unprotect(t, s)
				b.exec(t, s, `UPDATE policy_files SET content = ? WHERE digest = ?`, []byte("package main\n# edited\n"), fileDigest(testPolicies["main/main.rego"]))
				rep := mustVerify(t, s)
				if !hasProblem(rep, Policy, 0, "file main/main.rego: the archived file does not match its digest") ||
					!hasProblem(rep, Policy, 0, "the archived files give revision") {
					t.Fatalf("got %v", rep.Problems)
				}
			})
			t.Run("forged checkpoint", func(t *testing.T) {
				s := b.open(t)
				_, dir, cp := witnessed(t, s, key, 3)
				signed, err := os.ReadFile(cp)
				if err != nil {
					t.Fatal(err)
				}
				forged := strings.Replace(string(signed), "\n3\n", "\n2\n", 1)
				path := filepath.Join(dir, "forged")
				writeFile(t, path, []byte(forged))
				rep := verifyWith(t, s, key, path)
				if !hasProblem(rep, CheckpointKind, 0, "does not match the checkpoint: forged or altered") {
					t.Fatalf("got %v", rep.Problems)
				}
			})
			t.Run("checkpoint from another key", func(t *testing.T) {
				s := b.open(t)
				appendN(t, s, 3)
				other := logKey(t, "audit.example.org/exportrisk") // same name, other key
				dir := filepath.Join(t.TempDir(), "other")
				if _, _, err := Sign(ctx, s, other, dir); err != nil {
					t.Fatal(err)
				}
				files, _ := WitnessCheckpoints(dir)
				rep := verifyWith(t, s, key, files[0])
				if !hasProblem(rep, CheckpointKind, 0, "not signed by the log key audit.example.org/exportrisk") {
					t.Fatalf("got %v", rep.Problems)
				}
			})
			t.Run("proof for a record not in the log", func(t *testing.T) {
				s := b.open(t)
				recs, _, cp := witnessed(t, s, key, 5)
				signed, _ := os.ReadFile(cp)
				p, err := Prove(ctx, s, recs[2].DecisionID, signed, key.Verifier())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := CheckProof(p, key.Verifier()); err != nil {
					t.Fatalf("a good proof: %v", err)
				}
				// Another record (valid on its own) presented with that proof.
				fake := simpleRecord(t, 77)
				fake.chain(2, recs[1].Hash)
				q := *p
				q.Record = fake
				if _, err := CheckProof(&q, key.Verifier()); err == nil || !strings.Contains(err.Error(), "is not in the tree the checkpoint signs") {
					t.Errorf("proof of a record not in the log: %v", err)
				}
				// The record's requester changed (and its hash recomputed).
				c := *recs[2]
				c.Requester = "mallory"
				c.Hash = c.ComputeHash()
				q.Record = &c
				if _, err := CheckProof(&q, key.Verifier()); err == nil || !strings.Contains(err.Error(), "is not in the tree the checkpoint signs") {
					t.Errorf("proof of a changed record: %v", err)
				}
				// A record appended after the checkpoint cannot be proven with it.
				late := simpleRecord(t, 99)
				if err := s.Append(ctx, late); err != nil {
					t.Fatal(err)
				}
				if _, err := Prove(ctx, s, late.DecisionID, signed, key.Verifier()); err == nil || !strings.Contains(err.Error(), "after the 5 records the checkpoint signs") {
					t.Errorf("prove a record after the checkpoint: %v", err)
				}
				// The proof survives JSON, even indented.
				var buf strings.Builder
				if err := WriteProof(&buf, p); err != nil {
					t.Fatal(err)
				}
				var indented bytes.Buffer
				if err := json.Indent(&indented, []byte(buf.String()), "", "  "); err != nil {
					t.Fatal(err)
				}
				back, err := ReadProof(indented.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := CheckProof(back, key.Verifier()); err != nil {
					t.Errorf("indented proof: %v", err)
				}
			})
			t.Run("signing refuses a rewritten log", func(t *testing.T) {
				s := b.open(t)
				_, dir, _ := witnessed(t, s, key, 4)
				b.unprotect(t, s)
				rewrite(t, b, s, 2, "mallory")
				if _, _, err := Sign(ctx, s, key, dir); err == nil || !strings.Contains(err.Error(), "not a consistent extension") {
					t.Errorf("sign after a rewrite: %v", err)
				}
			})
		})
	}
}

// TestLostWAL: a SQLite store whose write-ahead log was lost after records were
// committed opens (the file is a valid older store), and the checkpoint shows what is
// missing.
func TestLostWAL(t *testing.T) {
	ctx := context.Background()
	key := logKey(t, "audit.example.org/exportrisk")
	path := filepath.Join(t.TempDir(), "audit.db")
	s := openSQLite(t, path)
	appendN(t, s, 2)
	s.Close()
	// The file with the first records, copied while later commits are only in the WAL.
	s = openSQLite(t, path)
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		t.Fatal(err)
	}
	s.db.SetMaxOpenConns(1)
	main, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.Append(ctx, simpleRecord(t, 10+i)); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "witness")
	if _, _, err := Sign(ctx, s, key, dir); err != nil {
		t.Fatal(err)
	}
	s.Close()
	writeFile(t, path, main)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	s = openSQLite(t, path)
	files, _ := WitnessCheckpoints(dir)
	rep := verifyWith(t, s, key, files...)
	if !hasProblem(rep, CheckpointKind, 0, "it signs a log of 5 records; the log now has 2") {
		t.Fatalf("got %v", rep.Problems)
	}
}

// TestMigrateVersion1Store: a store written before the Merkle tree (schema version 1,
// version 1 records) gets its tree when opened, verifies, and keeps its chain.
func TestMigrateVersion1Store(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	for _, q := range sqliteMigrations[0].statements {
		exec(q)
	}
	exec(`INSERT INTO schema_migrations VALUES (1, 'v1', 'x')`)
	for f, b := range testPolicies {
		exec(`INSERT INTO policy_files VALUES (?, ?, ?)`, fileDigest(b), len(b), b)
		exec(`INSERT INTO policy_revisions VALUES (?, ?, ?)`, testRevision, f, fileDigest(b))
	}
	prev := Head{Hash: GenesisHash}
	var tree memTree
	for i := range 5 {
		r := simpleRecord(t, i)
		r.RecordVersion = 1
		r.chain(prev.Seq, prev.Hash)
		exec(insertDocument, r.InputDigest, string(r.Input))
		exec(insertDocument, r.ResultDigest, string(r.Result))
		exec(insertRecord, recordArgs(r)...)
		prev = Head{Seq: r.Seq, Hash: r.Hash}
		if err := tree.add(r.LeafData()); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE chain_head SET seq = ?, hash = ?`, prev.Seq, prev.Hash)
	db.Close()

	s := openSQLite(t, path)
	rep := mustVerify(t, s)
	want, _ := tlog.TreeHash(5, tree.hashes)
	if !rep.OK() || rep.Records != 5 || rep.Root != want {
		t.Fatalf("after migration: %+v", rep)
	}
	if err := s.Append(ctx, simpleRecord(t, 9)); err != nil { // a version 2 record after version 1 ones
		t.Fatal(err)
	}
	if rep := mustVerify(t, s); !rep.OK() || rep.Records != 6 {
		t.Fatalf("after an append: %v", rep.Problems)
	}
}

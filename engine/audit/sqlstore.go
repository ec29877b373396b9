package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// SchemaVersion is the newest audit store schema this build knows. Each SQL dialect
// has one migration per version.
const SchemaVersion = 2

// dialect is what differs between the SQL databases a store can live in.
type dialect struct {
	// rebind rewrites the ? placeholders of a query for the database.
	rebind func(query string) string
	// textCmp wraps a text column for an ordered comparison.
	textCmp func(column string) string
	// beginAppend is run first in every append transaction (may be empty).
	beginAppend []string
	// lockHead reads the chain head and keeps other appenders out until commit.
	lockHead string
	// walkTx are the options of the read transaction Walk reads one snapshot in.
	walkTx *sql.TxOptions
	// wrap names the store and the operation, and classifies the error.
	wrap func(op string, err error) error
	// tables lists the tables of the store's schema.
	tables string
	// foreign returns the tables that make a database without schema_migrations
	// something other than an empty audit store.
	foreign func(tables []string) []string
	// noStoreHint says why a database may hold no store (appended to the error).
	noStoreHint string
	// lockMigrations is run first in the migration transaction (may be empty).
	lockMigrations string
	migrations     []migration
}

type migration struct {
	description string
	statements  []string
	// backfill, if set, runs after the statements in the same transaction.
	backfill func(ctx context.Context, s *sqlStore, tx *sql.Tx) error
}

// sqlStore is a Store in an SQL database; the dialect holds the differences.
type sqlStore struct {
	loc string
	db  *sql.DB
	d   dialect

	mu      sync.RWMutex // guards closed and sends on reqs
	closed  bool
	reqs    chan *appendReq
	stopped chan struct{}

	// prepared are appendQueries prepared, by query (database/sql prepares each again once
	// per connection): parsing every statement of every record again was about a tenth of
	// an append's CPU in SQLite. Only the commit loop uses them.
	prepared map[string]*sql.Stmt
}

// Queries an append runs for every record (or group), with ? placeholders.
const (
	selectRevision = `SELECT 1 FROM policy_revisions WHERE revision = ? LIMIT 1`
	updateHead     = `UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1`
)

var appendQueries = []string{insertDocument, insertRecord, insertTreeHash, selectRevision, updateHead}

// prepare prepares appendQueries once. It runs before the append's transaction begins, so
// that it never waits for a connection the transaction holds.
func (s *sqlStore) prepare(ctx context.Context) error {
	if s.prepared != nil {
		return nil
	}
	m := make(map[string]*sql.Stmt, len(appendQueries))
	for _, q := range appendQueries {
		st, err := s.db.PrepareContext(ctx, s.q(q))
		if err != nil {
			for _, st := range m {
				st.Close()
			}
			return err
		}
		m[q] = st
	}
	s.prepared = m
	return nil
}

type appendReq struct {
	recs []*RecordV1
	done chan error
}

// maxGroup bounds the records one group commit writes.
const maxGroup = 1024

func newSQLStore(loc string, db *sql.DB, d dialect) *sqlStore {
	return &sqlStore{loc: loc, db: db, d: d, reqs: make(chan *appendReq), stopped: make(chan struct{})}
}

// start brings the schema up to date and starts committing appends. Only with create
// may the database hold no store yet (it then gets one); without it, no store is an
// error wrapping ErrNoStore, so that a lost or truncated store is never silently
// replaced by an empty one.
func (s *sqlStore) start(ctx context.Context, create bool) error {
	if err := s.migrate(ctx, create); err != nil {
		return err
	}
	go s.commitLoop()
	return nil
}

// Location names the store.
func (s *sqlStore) Location() string { return s.loc }

func (s *sqlStore) q(query string) string { return s.d.rebind(query) }

// Close stops accepting appends, waits for those under way, and closes the database.
func (s *sqlStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.reqs)
	s.mu.Unlock()
	<-s.stopped
	for _, st := range s.prepared {
		st.Close()
	}
	if err := s.db.Close(); err != nil {
		return s.d.wrap("close", err)
	}
	return nil
}

// Append implements Store. Concurrent calls are committed together (group commit): one
// transaction for all the records waiting when the previous commit ended; each caller
// returns only once its own records are committed.
func (s *sqlStore) Append(ctx context.Context, recs ...*RecordV1) error {
	if len(recs) == 0 {
		return nil
	}
	if err := checkAppend(recs); err != nil {
		return fmt.Errorf("audit store %s: %w", s.loc, err)
	}
	req := &appendReq{recs: recs, done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return fmt.Errorf("audit store %s: append: store is closed", s.loc)
	}
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return fmt.Errorf("audit store %s: append: %w", s.loc, ctx.Err())
	}
	s.mu.RUnlock()
	// Once handed over the records are committed or rejected within the lock
	// timeout; wait for the outcome whatever ctx does, so the caller learns it.
	return <-req.done
}

// commitLoop commits append requests, as many together as are waiting.
func (s *sqlStore) commitLoop() {
	defer close(s.stopped)
	for req := range s.reqs {
		group := []*appendReq{req}
		n := len(req.recs)
	gather:
		for n < maxGroup {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					break gather
				}
				group = append(group, r)
				n += len(r.recs)
			default:
				break gather
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup appends each request's records in one transaction; a request that fails
// (say, a duplicate decision id) is rolled back to its savepoint without harming the
// others.
func (s *sqlStore) commitGroup(group []*appendReq) {
	ctx := context.Background()
	errs := make([]error, len(group))
	fail := func(err error) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	defer func() {
		for i, req := range group {
			if errs[i] != nil {
				for _, r := range req.recs {
					r.Seq, r.PrevHash, r.Hash = 0, "", ""
				}
			}
			req.done <- errs[i]
		}
	}()
	if err := s.prepare(ctx); err != nil {
		fail(s.d.wrap("append", err))
		return
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		fail(s.d.wrap("append", err))
		return
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{} // appendQueries in this transaction
	stmt := func(query string) *sql.Stmt {
		st := stmts[query]
		if st == nil {
			st = tx.StmtContext(ctx, s.prepared[query])
			stmts[query] = st
		}
		return st
	}
	exec := func(query string, args ...any) error {
		_, err := stmt(query).ExecContext(ctx, args...)
		return err
	}
	control := func(query string) error { // transaction control, not prepared
		_, err := tx.ExecContext(ctx, query)
		return err
	}
	for _, st := range s.d.beginAppend {
		if err := control(st); err != nil {
			fail(s.d.wrap("append", err))
			return
		}
	}
	var head Head
	if err := tx.QueryRowContext(ctx, s.d.lockHead).Scan(&head.Seq, &head.Hash); err != nil {
		fail(s.d.wrap("append: read chain head", err))
		return
	}
	archived := map[string]bool{}
	tree := &txHashes{ctx: ctx, tx: tx, s: s, added: map[int64]tlog.Hash{},
		insert: func(id int64, hash []byte) error { return exec(insertTreeHash, id, hash) }}
	for i, req := range group {
		if err := control(`SAVEPOINT req`); err != nil {
			fail(s.d.wrap("append", err))
			return
		}
		h := head
		var added []int64
		for _, r := range req.recs {
			if r.RecordVersion != EvidenceEventVersion && !archived[r.PolicyRevision] {
				var one int
				err := stmt(selectRevision).QueryRowContext(ctx, r.PolicyRevision).Scan(&one)
				if errors.Is(err, sql.ErrNoRows) {
					errs[i] = fmt.Errorf("audit store %s: append decision %s: %w: %s (archive the policies first)", s.loc, r.DecisionID, ErrNotArchived, r.PolicyRevision)
					break
				}
				if err != nil {
					errs[i] = s.d.wrap("append", err)
					break
				}
				archived[r.PolicyRevision] = true
			}
			r.chain(h.Seq, h.Hash)
			if err := exec(insertDocument, r.InputDigest, string(r.Input)); err != nil {
				errs[i] = s.d.wrap("append decision "+r.DecisionID, err)
				break
			}
			if err := exec(insertDocument, r.ResultDigest, string(r.Result)); err != nil {
				errs[i] = s.d.wrap("append decision "+r.DecisionID, err)
				break
			}
			if err := exec(insertRecord, recordArgs(r)...); err != nil {
				errs[i] = s.d.wrap("append decision "+r.DecisionID, err)
				break
			}
			idx, err := tree.addLeaf(r)
			added = append(added, idx...)
			if err != nil {
				errs[i] = s.d.wrap("append decision "+r.DecisionID, err)
				break
			}
			h = Head{Seq: r.Seq, Hash: r.Hash}
		}
		if errs[i] != nil {
			for _, x := range added {
				delete(tree.added, x)
			}
			if err := control(`ROLLBACK TO SAVEPOINT req`); err != nil {
				fail(s.d.wrap("append", err))
				return
			}
		} else {
			head = h
		}
		if err := control(`RELEASE SAVEPOINT req`); err != nil {
			fail(s.d.wrap("append", err))
			return
		}
	}
	if err := exec(updateHead, head.Seq, head.Hash); err != nil {
		fail(s.d.wrap("append: write chain head", err))
		return
	}
	if err := tx.Commit(); err != nil {
		fail(s.d.wrap("append: commit", err))
		return
	}
	slog.Debug("audit records committed", "store", s.loc, "requests", len(group), "head", head.Seq)
}

// Get implements Store.
func (s *sqlStore) Get(ctx context.Context, id string) (*RecordV1, error) {
	r, err := scanRecord(s.db.QueryRowContext(ctx, s.q(selectRecords+` WHERE decision_id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("audit store %s: decision %s: %w", s.loc, id, ErrNotFound)
	}
	if err != nil {
		return nil, s.d.wrap("get decision "+id, err)
	}
	return r, nil
}

func (s *sqlStore) where(f Filter) (string, []any) {
	return f.where(func(int) string { return "?" }, s.d.textCmp)
}

// List implements Store.
func (s *sqlStore) List(ctx context.Context, f Filter) ([]Summary, error) {
	where, args := s.where(f)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+summaryColumns+` FROM records`+where+` ORDER BY seq`+f.limit()), args...)
	if err != nil {
		return nil, s.d.wrap("list", err)
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		sm, err := scanSummary(rows)
		if err != nil {
			return nil, s.d.wrap("list", err)
		}
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.wrap("list", err)
	}
	return out, nil
}

// Count implements Store.
func (s *sqlStore) Count(ctx context.Context, f Filter) (int64, error) {
	where, args := s.where(f)
	var n int64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT count(*) FROM records`+where), args...).Scan(&n); err != nil {
		return 0, s.d.wrap("count", err)
	}
	return n, nil
}

// Walk implements Store. It reads one snapshot: records appended meanwhile are not seen.
// Without f.Light it reads the records a page at a time (up to walkPage), then the documents
// of the page it has not read yet in this walk, by digest: a document (stored once per
// digest) that many records share is read once per walk, not once per record, and those
// records hold the same bytes. What the records hold is what one query joining each to its
// documents gives.
func (s *sqlStore) Walk(ctx context.Context, f Filter, fn func(*RecordV1) error) error {
	tx, err := s.db.BeginTx(ctx, s.d.walkTx)
	if err != nil {
		return s.d.wrap("walk", err)
	}
	defer tx.Rollback()
	if f.Light {
		return s.walkQuery(ctx, tx, selectLight, f, fn)
	}
	docs := walkDocuments{s: s, tx: tx}
	var fnErr error
	// The first pages are small, so that the first records reach fn (a replay's workers)
	// without waiting for a whole page to be read.
	size := min(4, walkPage)
	for left := f.Limit; ; size = min(2*size, walkPage) {
		page := f
		page.Limit = size
		if f.Limit > 0 {
			page.Limit = min(size, left)
		}
		var recs []*RecordV1
		if err := s.walkQuery(ctx, tx, selectBare, page, func(r *RecordV1) error {
			recs = append(recs, r)
			return nil
		}); err != nil {
			return err
		}
		if err := docs.fill(ctx, recs); err != nil {
			return s.d.wrap("walk", err)
		}
		for _, r := range recs {
			if fnErr = fn(r); fnErr != nil {
				return fnErr
			}
		}
		if left -= len(recs); len(recs) < page.Limit || f.Limit > 0 && left <= 0 {
			return nil
		}
		f.FromSeq = recs[len(recs)-1].Seq + 1
	}
}

// walkPage is how many records Walk reads at a time (a variable for the tests).
var walkPage = 64

// walkQuery runs fn over the records query selects with f's conditions, in seq order.
func (s *sqlStore) walkQuery(ctx context.Context, tx *sql.Tx, query string, f Filter, fn func(*RecordV1) error) error {
	where, args := s.where(f)
	rows, err := tx.QueryContext(ctx, s.q(query+where+` ORDER BY seq`+f.limit()), args...)
	if err != nil {
		return s.d.wrap("walk", err)
	}
	var fnErr error
	err = walkRows(rows, func(r *RecordV1) error {
		fnErr = fn(r)
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return s.d.wrap("walk", err)
	}
	return nil
}

// walkDocuments are the documents a Walk has read, by digest (at most maxWalkDocuments: it
// starts afresh when full).
type walkDocuments struct {
	s    *sqlStore
	tx   *sql.Tx
	read map[string]json.RawMessage
}

const maxWalkDocuments = 1024

// fill sets the input and the result of recs, reading those not read yet in one query. A
// document that is not there reads as empty (as selectRecords's join gives it), so that the
// record shows as changed rather than being lost.
func (d *walkDocuments) fill(ctx context.Context, recs []*RecordV1) error {
	if d.read == nil || len(d.read)+2*len(recs) > maxWalkDocuments {
		d.read = make(map[string]json.RawMessage, maxWalkDocuments)
	}
	var missing []any
	for _, r := range recs {
		for _, digest := range []string{r.InputDigest, r.ResultDigest} {
			if _, ok := d.read[digest]; !ok {
				d.read[digest] = json.RawMessage{} // until read
				missing = append(missing, digest)
			}
		}
	}
	if len(missing) > 0 {
		rows, err := d.tx.QueryContext(ctx, d.s.q(`SELECT digest, content FROM documents WHERE digest IN (?`+
			strings.Repeat(`, ?`, len(missing)-1)+`)`), missing...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var digest, content string
			if err := rows.Scan(&digest, &content); err != nil {
				return err
			}
			d.read[digest] = document(content)
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, r := range recs {
		r.Input, r.Result = d.read[r.InputDigest], d.read[r.ResultDigest]
	}
	return nil
}

// WalkDocuments implements Store.
func (s *sqlStore) WalkDocuments(ctx context.Context, fn func(digest string, content []byte) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT digest, content FROM documents`)
	if err != nil {
		return s.d.wrap("read documents", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		var c []byte
		if err := rows.Scan(&d, &c); err != nil {
			return s.d.wrap("read documents", err)
		}
		if err := fn(d, c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.d.wrap("read documents", err)
	}
	return nil
}

// WalkPolicyFiles implements Store.
func (s *sqlStore) WalkPolicyFiles(ctx context.Context, fn func(revision, path, digest string, content []byte) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT r.revision, r.path, r.digest, coalesce(f.content, '')
		FROM policy_revisions r LEFT JOIN policy_files f ON f.digest = r.digest ORDER BY r.revision, r.path`)
	if err != nil {
		return s.d.wrap("read archived policies", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rev, p, d string
		var c []byte
		if err := rows.Scan(&rev, &p, &d, &c); err != nil {
			return s.d.wrap("read archived policies", err)
		}
		if err := fn(rev, p, d, c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.d.wrap("read archived policies", err)
	}
	return nil
}

// backfillTree computes and stores the tree hashes of the records a store held before
// it had a tree (migration to schema version 2).
func backfillTree(ctx context.Context, s *sqlStore, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, selectLight+` ORDER BY seq`)
	if err != nil {
		return s.d.wrap("backfill tree", err)
	}
	var tree memTree
	err = walkRows(rows, func(r *RecordV1) error {
		if r.Seq != tree.size+1 {
			return fmt.Errorf("backfill tree: records jump from seq %d to %d: the store was altered before the migration", tree.size, r.Seq)
		}
		return tree.add(r.LeafData())
	})
	if err != nil {
		return err
	}
	insert := s.q(insertTreeHash)
	for i, h := range tree.hashes {
		if _, err := tx.ExecContext(ctx, insert, int64(i), h[:]); err != nil {
			return s.d.wrap("backfill tree", err)
		}
	}
	return nil
}

// Head implements Store.
func (s *sqlStore) Head(ctx context.Context) (Head, error) {
	var h Head
	if err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM chain_head WHERE id = 1`).Scan(&h.Seq, &h.Hash); err != nil {
		return Head{}, s.d.wrap("read chain head", err)
	}
	return h, nil
}

// ArchivePolicies implements Store.
func (s *sqlStore) ArchivePolicies(ctx context.Context, revision string, files map[string][]byte) error {
	if revision == "" || len(files) == 0 {
		return fmt.Errorf("audit store %s: archive policies: no revision or no files", s.loc)
	}
	have, err := s.archivedDigests(ctx, s.db, revision)
	if err != nil {
		return err
	}
	if have != nil {
		return sameArchive(s.loc, revision, have, files)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.d.wrap("archive policies", err)
	}
	defer tx.Rollback()
	for _, stmt := range s.d.beginAppend {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return s.d.wrap("archive policies", err)
		}
	}
	// Serialise with appenders and other archivers, then look again: another
	// process may have archived the revision since.
	var head Head
	if err := tx.QueryRowContext(ctx, s.d.lockHead).Scan(&head.Seq, &head.Hash); err != nil {
		return s.d.wrap("archive policies", err)
	}
	if have, err := s.archivedDigests(ctx, tx, revision); err != nil || have != nil {
		if err != nil {
			return err
		}
		return sameArchive(s.loc, revision, have, files)
	}
	for _, p := range sortedPaths(files) {
		d := fileDigest(files[p])
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO policy_files (digest, size, content) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING`),
			d, len(files[p]), files[p]); err != nil {
			return s.d.wrap("archive policies", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO policy_revisions (revision, path, digest) VALUES (?, ?, ?)`), revision, p, d); err != nil {
			return s.d.wrap("archive policies", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.d.wrap("archive policies: commit", err)
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// archivedDigests returns path -> digest of an archived revision, nil if there is none.
func (s *sqlStore) archivedDigests(ctx context.Context, q querier, revision string) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT path, digest FROM policy_revisions WHERE revision = ?`), revision)
	if err != nil {
		return nil, s.d.wrap("archived policies", err)
	}
	defer rows.Close()
	var out map[string]string
	for rows.Next() {
		var p, d string
		if err := rows.Scan(&p, &d); err != nil {
			return nil, s.d.wrap("archived policies", err)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[p] = d
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.wrap("archived policies", err)
	}
	return out, nil
}

// sameArchive checks that files are what an existing archive of revision holds.
func sameArchive(loc, revision string, have map[string]string, files map[string][]byte) error {
	ok := len(have) == len(files)
	for p, b := range files {
		if have[p] != fileDigest(b) {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("audit store %s: archive policies: revision %s is already archived with other files", loc, revision)
	}
	return nil
}

// Policies implements Store.
func (s *sqlStore) Policies(ctx context.Context, revision string) (map[string][]byte, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT r.path, r.digest, f.content FROM policy_revisions r
		JOIN policy_files f ON f.digest = r.digest WHERE r.revision = ? ORDER BY r.path`), revision)
	if err != nil {
		return nil, s.d.wrap("policies of revision "+revision, err)
	}
	defer rows.Close()
	files := map[string][]byte{}
	for rows.Next() {
		var p, d string
		var content []byte
		if err := rows.Scan(&p, &d, &content); err != nil {
			return nil, s.d.wrap("policies of revision "+revision, err)
		}
		if fileDigest(content) != d {
			return nil, fmt.Errorf("audit store %s: policies of revision %s: %w: archived file %s does not match its digest %s",
				s.loc, revision, ErrCorrupt, p, d)
		}
		files[p] = content
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.wrap("policies of revision "+revision, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("audit store %s: policies of revision %s: %w", s.loc, revision, ErrNotFound)
	}
	return files, nil
}

// migrate brings the schema up to date; it refuses a store whose schema is newer than
// this build knows, a database whose tables are not an audit store's, and, without
// create, a database that holds no store.
func (s *sqlStore) migrate(ctx context.Context, create bool) error {
	version, err := s.schemaVersion(ctx, s.db)
	if err != nil {
		return err
	}
	switch {
	case version == 0 && !create:
		return fmt.Errorf("audit store %s: %w: it holds no audit tables%s", s.loc, ErrNoStore, s.d.noStoreHint)
	case version > 0 && create:
		return fmt.Errorf("audit store %s: %w (schema version %d)", s.loc, ErrExists, version)
	}
	if version == len(s.d.migrations) {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.d.wrap("migrate", err)
	}
	defer tx.Rollback()
	if s.d.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, s.d.lockMigrations); err != nil {
			return s.d.wrap("migrate", err)
		}
	}
	if version, err = s.schemaVersion(ctx, tx); err != nil { // another process may have migrated
		return err
	}
	if version > 0 && create {
		return fmt.Errorf("audit store %s: %w (schema version %d)", s.loc, ErrExists, version)
	}
	if version == 0 {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_migrations (
			version     INTEGER PRIMARY KEY,
			description TEXT NOT NULL,
			applied_at  TEXT NOT NULL
		)`); err != nil {
			return s.d.wrap("migrate", err)
		}
	}
	for v := version + 1; v <= len(s.d.migrations); v++ {
		m := s.d.migrations[v-1]
		for _, stmt := range m.statements {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return s.d.wrap(fmt.Sprintf("migrate to schema version %d", v), err)
			}
		}
		if m.backfill != nil {
			if err := m.backfill(ctx, s, tx); err != nil {
				return fmt.Errorf("audit store %s: migrate to schema version %d: %w", s.loc, v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)`),
			v, m.description, FormatTime(time.Now())); err != nil {
			return s.d.wrap("migrate", err)
		}
		slog.Info("audit store migrated", "store", s.loc, "version", v, "description", m.description)
	}
	if err := tx.Commit(); err != nil {
		return s.d.wrap("migrate: commit", err)
	}
	return nil
}

// schemaVersion returns the store's schema version: 0 for a store with none of its
// tables yet.
func (s *sqlStore) schemaVersion(ctx context.Context, q querier) (int, error) {
	rows, err := q.QueryContext(ctx, s.d.tables)
	if err != nil {
		return 0, s.d.wrap("read schema", err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, s.d.wrap("read schema", err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, s.d.wrap("read schema", err)
	}
	hasMigrations := false
	for _, t := range tables {
		hasMigrations = hasMigrations || t == "schema_migrations"
	}
	if !hasMigrations {
		if foreign := s.d.foreign(tables); len(foreign) > 0 {
			return 0, fmt.Errorf("audit store %s: %w: it has tables %s but no schema_migrations", s.loc, ErrNotAStore, strings.Join(foreign, ", "))
		}
		return 0, nil
	}
	var version int
	vrows, err := q.QueryContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`)
	if err != nil {
		return 0, s.d.wrap("read schema version", err)
	}
	defer vrows.Close()
	if vrows.Next() {
		if err := vrows.Scan(&version); err != nil {
			return 0, s.d.wrap("read schema version", err)
		}
	}
	if err := vrows.Err(); err != nil {
		return 0, s.d.wrap("read schema version", err)
	}
	if version > len(s.d.migrations) {
		return 0, fmt.Errorf("audit store %s: %w: the store has schema version %d, this exportrisk knows versions up to %d; use a newer exportrisk",
			s.loc, ErrSchemaTooNew, version, len(s.d.migrations))
	}
	return version, nil
}

// rebindDollar rewrites ? placeholders as $1, $2... (PostgreSQL).
func rebindDollar(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

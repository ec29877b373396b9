package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLiteOptions configure OpenSQLite.
type SQLiteOptions struct {
	// Create makes a new store: the file (and its directory) must not exist. Without
	// it the store must exist: a missing file is an error wrapping fs.ErrNotExist, and
	// a file that holds no store (empty, truncated, or written only to a write-ahead
	// log that was lost) one wrapping ErrNoStore.
	Create bool
	// BusyTimeout is how long to wait for another process's write lock before giving
	// up with ErrLocked; zero means 5 s.
	BusyTimeout time.Duration
}

// SQLiteStore is a Store in one SQLite file (pure-Go driver modernc.org/sqlite): WAL
// journal, synchronous=FULL so that a commit is on disk when Append returns, BEGIN
// IMMEDIATE for every write so that appenders in other processes queue for the chain
// head. Concurrent Append calls in one process are committed together (group commit):
// one transaction and one fsync for all the records waiting when the previous commit
// ended; each caller still returns only after its own records are durable.
type SQLiteStore struct {
	*sqlStore
	busyTimeout time.Duration
}

// OpenSQLite opens (and with Create, makes) the store at path and brings its schema
// up to date. Every error names the file.
func OpenSQLite(ctx context.Context, path string, o SQLiteOptions) (*SQLiteStore, error) {
	if path == "" {
		return nil, errors.New("audit store: no path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	switch {
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("audit store %s: %w: it is a directory", abs, ErrUnreadable)
	case err == nil && o.Create:
		return nil, fmt.Errorf("audit store %s: %w", abs, ErrExists)
	case err == nil && info.Size() == 0 && !walHasData(abs):
		return nil, fmt.Errorf("audit store %s: %w: the file is empty (0 bytes) and has no write-ahead log: it was truncated, or its committed write-ahead log (%s-wal) was lost",
			abs, ErrNoStore, filepath.Base(abs))
	case errors.Is(err, fs.ErrNotExist) && !o.Create:
		return nil, &notExistError{path: abs}
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
			return nil, fmt.Errorf("audit store %s: create directory: %w", abs, err)
		}
		// Decisions are not for everyone to read: make the file private before
		// SQLite creates it with the umask's mode.
		f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("audit store %s: %w: %w", abs, ErrUnreadable, err)
		}
		if f != nil {
			f.Close()
		}
	case err != nil:
		return nil, fmt.Errorf("audit store %s: %w: %w", abs, ErrUnreadable, err)
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate") // every read-write transaction is BEGIN IMMEDIATE
	if !o.Create {
		q.Set("mode", "rw") // never create the file
	}
	dsn := (&url.URL{Scheme: "file", Path: abs, OmitHost: true, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("audit store %s: %w", abs, err)
	}
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(time.Minute)
	s := &SQLiteStore{busyTimeout: o.BusyTimeout}
	s.sqlStore = newSQLStore(abs, db, dialect{
		rebind:      func(q string) string { return q },
		textCmp:     func(c string) string { return c },
		lockHead:    `SELECT seq, hash FROM chain_head WHERE id = 1`, // BEGIN IMMEDIATE holds the write lock
		walkTx:      &sql.TxOptions{ReadOnly: true},
		wrap:        s.wrap,
		tables:      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
		foreign:     func(tables []string) []string { return tables }, // a file of its own: any table is foreign
		migrations:  sqliteMigrations,
		noStoreHint: " (it is empty, was truncated, or its committed write-ahead log was lost)",
	})
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.wrap("open", err)
	}
	if err := s.start(ctx, o.Create); err != nil {
		db.Close()
		if o.Create {
			os.Remove(abs) // nothing half-made is left behind
		}
		return nil, err
	}
	if o.Create {
		// Move the new schema from the write-ahead log into the file itself.
		if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			s.Close()
			return nil, s.wrap("create", err)
		}
	}
	return s, nil
}

// walHasData reports whether the write-ahead log of the database at path has content.
func walHasData(path string) bool {
	info, err := os.Stat(path + "-wal")
	return err == nil && info.Size() > 0
}

// notExistError says a store does not exist; it is an fs.ErrNotExist.
type notExistError struct{ path string }

func (e *notExistError) Error() string {
	return fmt.Sprintf("audit store %s does not exist", e.path)
}

func (e *notExistError) Is(target error) bool { return target == fs.ErrNotExist }

// wrap names the file and the operation and says in plain words what a SQLite error
// means (locked, corrupt, cannot be opened).
func (s *SQLiteStore) wrap(op string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			err = fmt.Errorf("%w (gave up after %s): %w", ErrLocked, s.busyTimeout, err)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			err = fmt.Errorf("%w: %w", ErrCorrupt, err)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_AUTH:
			err = fmt.Errorf("%w (check that the file and its directory are readable and writable): %w", ErrUnreadable, err)
		}
	}
	return fmt.Errorf("audit store %s: %s: %w", s.loc, op, err)
}

// sqliteMigrations are the audit schema (schema.go) in SQLite: STRICT tables, and
// triggers that abort an update or delete of what is append-only.
var sqliteMigrations = dialectSchema{
	types:       map[colType]string{integer: "INTEGER", bigint: "INTEGER", text: "TEXT", blob: "BLOB"},
	tableSuffix: " STRICT",
	appendOnly: func(t table) []string {
		return []string{
			fmt.Sprintf("CREATE TRIGGER %[1]s_no_update BEFORE UPDATE ON %[1]s\n\tBEGIN SELECT RAISE(ABORT, '%[2]s are append-only'); END", t.name, t.what),
			fmt.Sprintf("CREATE TRIGGER %[1]s_no_delete BEFORE DELETE ON %[1]s\n\tBEGIN SELECT RAISE(ABORT, '%[2]s are append-only'); END", t.name, t.what),
		}
	},
	headForward: []string{
		`CREATE TRIGGER chain_head_no_rewind BEFORE UPDATE ON chain_head
			WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
			BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be rewound'); END`,
		`CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head
			BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END`,
	},
}.migrations()

package audit

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSQLiteOpenErrors: a missing, locked, corrupt, unreadable, foreign or newer store
// gives an error that names the file and says what is wrong, and no panic.
func TestSQLiteOpenErrors(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		setup  func(t *testing.T, path string)
		create bool
		op     func(s *SQLiteStore) error // after a successful open
		is     error
		says   string
	}{
		"missing": {
			setup: func(*testing.T, string) {}, is: fs.ErrNotExist, says: "does not exist",
		},
		"missing directory is created": {
			setup: func(*testing.T, string) {}, create: true,
		},
		"directory": {
			setup: func(t *testing.T, path string) { mkdir(t, path) }, create: true, is: ErrUnreadable, says: "is a directory",
		},
		"garbage": {
			setup: func(t *testing.T, path string) { write(t, path, strings.Repeat("not a database\n", 500)) },
			is:    ErrCorrupt, says: "corrupt or not an SQLite database",
		},
		"truncated": {
			setup: func(t *testing.T, path string) {
				s := openSQLite(t, path)
				appendN(t, s, 20)
				s.Close()
				os.Remove(path + "-wal")
				os.Remove(path + "-shm")
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				write(t, path, string(b[:100])+strings.Repeat("\xff", len(b)-100))
			},
			is: ErrCorrupt, says: "corrupt",
		},
		"newer schema": {
			setup: func(t *testing.T, path string) {
				openSQLite(t, path).Close()
				rawExec(t, path, `INSERT INTO schema_migrations (version, description, applied_at) VALUES (99, 'future', 'x')`)
			},
			is: ErrSchemaTooNew, says: "schema version 99, this exportrisk knows versions up to 2",
		},
		"exists (create)": {
			setup:  func(t *testing.T, path string) { openSQLite(t, path).Close() },
			create: true, is: ErrExists, says: "already there",
		},
		"empty file": {
			setup: func(t *testing.T, path string) { write(t, path, "") },
			is:    ErrNoStore, says: "the file is empty (0 bytes)",
		},
		"truncated to 0 bytes after appends": {
			setup: func(t *testing.T, path string) {
				s := openSQLite(t, path)
				appendN(t, s, 3)
				s.Close()
				os.Remove(path + "-wal")
				write(t, path, "")
			},
			is: ErrNoStore, says: "was truncated, or its committed write-ahead log",
		},
		"lost write-ahead log": {
			setup: func(t *testing.T, path string) {
				// A store made by a process that never checkpointed: the schema is
				// only in the WAL, and the WAL is lost.
				mkdir(t, filepath.Dir(path))
				rawExec(t, path, `PRAGMA journal_mode=WAL`)
				db, err := sql.Open("sqlite", "file:"+path+"?_pragma=wal_autocheckpoint(0)")
				if err != nil {
					t.Fatal(err)
				}
				db.SetMaxOpenConns(1)
				if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER)`); err != nil {
					t.Fatal(err)
				}
				wal, err := os.ReadFile(path + "-wal")
				if err != nil || len(wal) == 0 {
					t.Fatalf("no WAL: %v", err)
				}
				main, err := os.ReadFile(path) // the file as it is without its WAL
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
				write(t, path, string(main))
				os.Remove(path + "-wal")
				os.Remove(path + "-shm")
			},
			is: ErrNoStore, says: "write-ahead log",
		},
		"foreign database": {
			setup: func(t *testing.T, path string) { rawExec(t, path, `CREATE TABLE customers (id INTEGER)`) },
			is:    ErrNotAStore, says: "has tables customers but no schema_migrations",
		},
		"locked": {
			setup: func(t *testing.T, path string) {
				openSQLite(t, path).Close()
				holdWriteLock(t, path)
			},
			op: func(s *SQLiteStore) error {
				archiveTestErr := s.ArchivePolicies(ctx, testRevision, testPolicies)
				return archiveTestErr
			},
			is: ErrLocked, says: "locked by another process (gave up after 50ms)",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sub", "dir", "audit.db")
			tc.setup(t, path)
			s, err := OpenSQLite(ctx, path, SQLiteOptions{Create: tc.create, BusyTimeout: 50 * time.Millisecond})
			if err == nil {
				defer s.Close()
				if tc.op != nil {
					err = tc.op(s)
				}
			}
			if tc.is == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q: want errors.Is %v, naming %s and saying %q", err, tc.is, path, tc.says)
			}
		})
	}
}

func TestSQLiteUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode; the directory case covers an unopenable path")
	}
	path := filepath.Join(t.TempDir(), "audit.db")
	openSQLite(t, path).Close()
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := OpenSQLite(context.Background(), path, SQLiteOptions{})
	if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v: want ErrUnreadable naming %s", err, path)
	}
}

// TestSQLiteLockedAppend: an append waiting for another process's lock fails cleanly
// after the busy timeout, and succeeds once the lock is gone.
func TestSQLiteLockedAppend(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := OpenSQLite(ctx, path, SQLiteOptions{Create: true, BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	archiveTest(t, s)
	release := holdWriteLock(t, path)
	r := simpleRecord(t, 1)
	if err := s.Append(ctx, r); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("append under lock: %v, want ErrLocked naming the file", err)
	}
	release()
	if err := s.Append(ctx, r); err != nil {
		t.Fatalf("append after the lock is gone: %v", err)
	}
	if rep := mustVerify(t, s); !rep.OK() || rep.Records != 1 {
		t.Fatalf("got %+v", rep)
	}
}

func TestSQLiteSettings(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "audit.db"))
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1"} {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != SchemaVersion {
		t.Errorf("schema_migrations has %d rows (%v), want %d", n, err, SchemaVersion)
	}
	// Opening again migrates nothing.
	openSQLite(t, s.Location()).Close()
	if err := s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != SchemaVersion {
		t.Errorf("after reopening schema_migrations has %d rows (%v)", n, err)
	}
}

func TestSQLiteClosed(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "audit.db"))
	archiveTest(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if err := s.Append(context.Background(), simpleRecord(t, 1)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("append after close: %v", err)
	}
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func rawExec(t *testing.T, path, query string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

// holdWriteLock takes the store's write lock on another connection, as another
// process would, until the returned function is called (or the test ends).
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			db.Close()
		}
	}
	t.Cleanup(release)
	return release
}

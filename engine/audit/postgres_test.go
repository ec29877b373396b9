package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for raw access
)

// pgDSNVar names the database the PostgreSQL store tests use; each test gets a schema
// of its own in it, dropped afterwards.
const pgDSNVar = "EXPORTRISK_TEST_PG_DSN"

// postgresBackend is the PostgreSQL store under test. Without a reachable server the
// tests skip with a message, except in CI (CI=true), where they fail.
func postgresBackend(t *testing.T) (backend, bool) {
	dsn := os.Getenv(pgDSNVar)
	unavailable := func(t testing.TB, why string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL store not tested: %s; CI must test it (.ci/run starts a server and sets %s)", why, pgDSNVar)
		}
		t.Skipf("PostgreSQL store not tested: %s (set %s to a database to test it, e.g. postgres://postgres@127.0.0.1:5432/exportrisk_test?sslmode=disable)", why, pgDSNVar)
	}
	admin := func(t testing.TB) *sql.DB {
		t.Helper()
		if dsn == "" {
			unavailable(t, pgDSNVar+" is not set")
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			unavailable(t, "no server reachable: "+err.Error())
		}
		return db
	}
	// The DSN of each store, to reopen it and to give it to child processes.
	dsns := map[Store]string{}
	openDSN := func(t testing.TB, dsn string, create bool) Store {
		t.Helper()
		s, err := OpenPostgres(context.Background(), dsn, PostgresOptions{Create: create})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		dsns[s] = dsn
		return s
	}
	raws := map[Store]*sql.DB{}
	raw := func(t testing.TB, s Store) *sql.DB {
		t.Helper()
		if db := raws[s]; db != nil {
			return db
		}
		db, err := sql.Open("pgx", dsns[s])
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		raws[s] = db
		t.Cleanup(func() { db.Close(); delete(raws, s) })
		return db
	}
	return backend{
		name: "postgres",
		open: func(t testing.TB) Store {
			db := admin(t)
			b := make([]byte, 6)
			rand.Read(b)
			schema := "audit_test_" + hex.EncodeToString(b)
			if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE") })
			return openDSN(t, withSearchPath(dsn, schema), true)
		},
		reopen: func(t testing.TB, s Store) Store { return openDSN(t, dsns[s], false) },
		tryExec: func(t testing.TB, s Store, query string, args ...any) error {
			_, err := raw(t, s).Exec(rebindDollar(query), args...)
			return err
		},
		query: func(t testing.TB, s Store, query string, args ...any) []byte {
			t.Helper()
			var b []byte
			if err := raw(t, s).QueryRow(rebindDollar(query), args...).Scan(&b); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return b
		},
		unprotect: func(t testing.TB, s Store) {
			t.Helper()
			for _, table := range []string{"records", "documents", "tree_hashes", "chain_head", "policy_files", "policy_revisions"} {
				if _, err := raw(t, s).Exec("ALTER TABLE " + table + " DISABLE TRIGGER USER"); err != nil {
					t.Fatal(err)
				}
			}
		},
		childEnv: func(s Store) []string { return []string{"AUDIT_CHILD_PG=" + dsns[s]} },
	}, true
}

// withSearchPath sets the schema a DSN's connections use.
func withSearchPath(dsn, schema string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func openChildPG(ctx context.Context, dsn string) (Store, error) {
	return OpenPostgres(ctx, dsn, PostgresOptions{})
}

func TestPostgresErrors(t *testing.T) {
	b, _ := postgresBackend(t)
	ctx := context.Background()
	t.Run("unreachable", func(t *testing.T) {
		_, err := OpenPostgres(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", PostgresOptions{})
		if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "postgres://nobody@127.0.0.1:1/none") || strings.Contains(err.Error(), "secret") {
			t.Errorf("error %v: want ErrUnreadable naming the database without the password", err)
		}
	})
	t.Run("no store, and create over one", func(t *testing.T) {
		s := b.open(t)
		if _, err := OpenPostgres(ctx, postgresDSN(s), PostgresOptions{Create: true}); !errors.Is(err, ErrExists) {
			t.Errorf("create over a store: %v, want ErrExists", err)
		}
		empty := strings.Replace(postgresDSN(s), "search_path=audit_test_", "search_path=audit_none_", 1)
		_, err := OpenPostgres(ctx, empty, PostgresOptions{})
		if !errors.Is(err, ErrNoStore) || !strings.Contains(err.Error(), "holds no audit tables") {
			t.Errorf("open an empty database: %v, want ErrNoStore", err)
		}
	})
	t.Run("newer schema", func(t *testing.T) {
		s := b.open(t)
		b.exec(t, s, `INSERT INTO schema_migrations (version, description, applied_at) VALUES (99, 'future', 'x')`)
		_, err := OpenPostgres(ctx, postgresDSN(s), PostgresOptions{})
		if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "schema version 99") {
			t.Errorf("error %v: want ErrSchemaTooNew", err)
		}
	})
	t.Run("locked", func(t *testing.T) {
		s := b.open(t)
		archiveTest(t, s)
		db, err := sql.Open("pgx", postgresDSN(s))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`SELECT 1 FROM chain_head FOR UPDATE`); err != nil {
			t.Fatal(err)
		}
		short, err := OpenPostgres(ctx, postgresDSN(s), PostgresOptions{LockTimeout: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer short.Close()
		r := simpleRecord(t, 1)
		if err := short.Append(ctx, r); !errors.Is(err, ErrLocked) {
			t.Fatalf("append under lock: %v, want ErrLocked", err)
		}
		tx.Rollback()
		if err := short.Append(ctx, r); err != nil {
			t.Fatalf("append after the lock is gone: %v", err)
		}
	})
}

// postgresDSN is the DSN a test store was opened with.
func postgresDSN(s Store) string {
	u := s.(*PostgresStore).dsn
	return u
}

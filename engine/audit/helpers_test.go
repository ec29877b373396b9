package audit

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
	"github.com/exportrisk/exportrisk/indicators"
)

// testPolicies stand in for a policy revision in tests that do not evaluate.
var (
	testPolicies = map[string][]byte{"main/main.rego": []byte("package main\n"), "data.yaml": []byte("x: 1\n")}
	testRevision = policyfile.Revision(testPolicies)
)

// backend is a Store implementation under test, with raw access for tampering.
type backend struct {
	name string
	// open returns a new, empty store.
	open func(t testing.TB) Store
	// reopen opens the same store again (another handle, as another process would).
	reopen func(t testing.TB, s Store) Store
	// tryExec runs SQL with ? placeholders directly on the store's database.
	tryExec func(t testing.TB, s Store, query string, args ...any) error
	// query runs a one-value query.
	query func(t testing.TB, s Store, query string, args ...any) []byte
	// unprotect lifts the append-only guards, as an attacker with database access would.
	unprotect func(t testing.TB, s Store)
	// childEnv tells a child process how to open the same store.
	childEnv func(s Store) []string
}

func sqliteBackend() backend {
	raws := map[Store]*sql.DB{}
	rawDB := func(t testing.TB, s Store) *sql.DB {
		t.Helper()
		if db := raws[s]; db != nil {
			return db
		}
		db, err := sql.Open("sqlite", "file:"+s.Location()+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		raws[s] = db
		t.Cleanup(func() { db.Close(); delete(raws, s) })
		return db
	}
	return backend{
		name: "sqlite",
		open: func(t testing.TB) Store {
			return openSQLite(t, filepath.Join(t.TempDir(), "audit.db"))
		},
		reopen: func(t testing.TB, s Store) Store { return openSQLite(t, s.Location()) },
		tryExec: func(t testing.TB, s Store, query string, args ...any) error {
			_, err := rawDB(t, s).Exec(query, args...)
			return err
		},
		query: func(t testing.TB, s Store, query string, args ...any) []byte {
			t.Helper()
			var b []byte
			if err := rawDB(t, s).QueryRow(query, args...).Scan(&b); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return b
		},
		unprotect: func(t testing.TB, s Store) {
			t.Helper()
			db := rawDB(t, s)
			for _, tr := range []string{"records_no_update", "records_no_delete", "documents_no_update", "documents_no_delete",
				"tree_hashes_no_update", "tree_hashes_no_delete", "chain_head_no_rewind", "chain_head_no_delete",
				"policy_files_no_update", "policy_revisions_no_update"} {
				if _, err := db.Exec("DROP TRIGGER " + tr); err != nil {
					t.Fatal(err)
				}
			}
		},
		childEnv: func(s Store) []string { return []string{"AUDIT_CHILD_SQLITE=" + s.Location()} },
	}
}

// exec runs SQL on the store's database and fails the test on error.
func (b backend) exec(t testing.TB, s Store, query string, args ...any) {
	t.Helper()
	if err := b.tryExec(t, s, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// openSQLite opens the store at path, creating it if there is no file.
func openSQLite(t testing.TB, path string) *SQLiteStore {
	t.Helper()
	_, statErr := os.Stat(path)
	s, err := OpenSQLite(context.Background(), path, SQLiteOptions{Create: os.IsNotExist(statErr)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// backends are the implementations every store test runs against.
func backends(t *testing.T) []backend {
	bs := []backend{sqliteBackend()}
	if pg, ok := postgresBackend(t); ok {
		bs = append(bs, pg)
	}
	return bs
}

// fakeRecord is a valid record that needs no engine: a result of the right shape.
func fakeRecord(t testing.TB, country string, n int, overall string, verdicts ...string) *RecordV1 {
	t.Helper()
	r, err := buildRecord(country, n, overall, verdicts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func buildRecord(country string, n int, overall string, verdicts ...string) (*RecordV1, error) {
	input, err := indicators.Canonicalize(map[string]any{"country": map[string]any{"iso3": country},
		"as_of": "2026-06-01", "n": n, "note": "<&> ünïcödé"})
	if err != nil {
		return nil, err
	}
	res := &engine.Result{Country: indicators.Country{ISO3: country}, AsOf: "2026-06-01", PolicyRevision: testRevision,
		InputDigest: indicators.Digest(input), Overall: overall}
	for i, v := range verdicts {
		res.Criteria = append(res.Criteria, engine.CriterionResult{Criterion: i + 1, Verdict: v,
			Reasons: []engine.Reason{{Code: fmt.Sprintf("C%d-TEST", i+1), Criterion: i + 1, Verdict: v}}, Missing: []string{}})
	}
	return NewRecord(Decision{Input: input, Result: res, Requester: "tester", EngineVersion: "test",
		EvalTime: time.Date(2026, 6, 1, 12, 0, 0, n, time.UTC), Now: time.Date(2026, 6, 2, 0, 0, 0, n, time.UTC)})
}

// simpleRecord is fakeRecord with default verdicts.
func simpleRecord(t testing.TB, n int) *RecordV1 {
	return fakeRecord(t, "KAZ", n, "light_red", "not_critical", "critical")
}

func archiveTest(t testing.TB, s Store) {
	t.Helper()
	if err := s.ArchivePolicies(context.Background(), testRevision, testPolicies); err != nil {
		t.Fatal(err)
	}
}

// appendN appends n simple records one by one and returns them.
func appendN(t testing.TB, s Store, n int) []*RecordV1 {
	t.Helper()
	archiveTest(t, s)
	var out []*RecordV1
	for i := range n {
		r := simpleRecord(t, i)
		if err := s.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func mustVerify(t testing.TB, s Store) *VerifyReport {
	t.Helper()
	rep, err := Verify(context.Background(), s, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestMain(m *testing.M) {
	if mode := os.Getenv("AUDIT_CHILD"); mode != "" {
		os.Exit(child(mode))
	}
	// Keep "audit store migrated" out of test and benchmark output.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	os.Exit(code)
}

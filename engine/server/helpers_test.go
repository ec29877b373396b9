package server

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// The tokens of the tests, one per role.
const (
	officerToken = "ert_test-officer-token-0123456789abcdef"
	policyToken  = "ert_test-policy-token-0123456789abcdef"
	auditorToken = "ert_test-auditor-token-0123456789abcdef"
)

var testTokens = []Token{
	{Name: "olivia", Role: RoleOfficer, SHA256: HashToken(officerToken)},
	{Name: "paul", Role: RolePolicy, SHA256: HashToken(policyToken)},
	{Name: "audrey", Role: RoleAuditor, SHA256: HashToken(auditorToken)},
}

var (
	engineOnce sync.Once
	sharedEng  *engine.Engine
	engineErr  error
)

// embeddedEngine is prepared once for all tests (it is safe for concurrent use).
func embeddedEngine(t testing.TB) *engine.Engine {
	t.Helper()
	engineOnce.Do(func() {
		var p *policy.Set
		if p, engineErr = policy.Embedded(); engineErr == nil {
			sharedEng, engineErr = engine.New(context.Background(), p)
		}
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return sharedEng
}

// smallLibrary has the curated Kazakhstan bundle, the 2023 bundles of Kazakhstan and
// Germany and the 2024 bundle of Russia (dark red), as single files
// world/YEAR/ISO3-YEAR-12-31.json taken from the shipped history: enough for every route,
// quick to assess at start.
func smallLibrary(t testing.TB) *indicators.Library {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{"curated/KAZ-2026-06-01.yaml": &fstest.MapFile{Data: b}}
	for iso, year := range map[string]string{"KAZ": "2023", "DEU": "2023", "RUS": "2024"} {
		m["world/"+year+"/"+iso+"-"+year+"-12-31.json"] = &fstest.MapFile{Data: worldBundleJSON(t, iso, year+"-12-31")}
	}
	lib, err := indicators.OpenLibrary(m, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// worldBundleJSON is the shipped bundle of a country as of a date, as JSON.
func worldBundleJSON(t testing.TB, iso, asOf string) []byte {
	t.Helper()
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	e, err := lib.Find(iso, asOf)
	if err != nil {
		t.Fatal(err)
	}
	b, err := lib.Load(e)
	if err != nil {
		t.Fatal(err)
	}
	data, err := b.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func openStore(t testing.TB) *audit.SQLiteStore {
	t.Helper()
	s, err := audit.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "audit.db"), audit.SQLiteOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testServer is a server under test with its store and what it logged.
type testServer struct {
	*Server
	store  *audit.SQLiteStore
	logs   *syncBuffer // access log and errors
	server *httptest.Server
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestServer makes a server with the test tokens; edit adjusts its configuration.
func newTestServer(t testing.TB, lib *indicators.Library, edit func(*Config)) *testServer {
	t.Helper()
	ts := &testServer{store: openStore(t), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(ts.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{Engine: embeddedEngine(t), Library: lib, Store: ts.store, EngineVersion: "test",
		Tokens: testTokens, AccessLog: logger, Logger: logger}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = s
	return ts
}

// start serves the server on a loopback port for the test.
func (ts *testServer) start(t testing.TB) string {
	t.Helper()
	ts.server = httptest.NewServer(ts.Server)
	t.Cleanup(ts.server.Close)
	return ts.server.URL
}

// do sends a request to the handler directly (no network) with a bearer token ("" for
// none) and returns the response.
func (ts *testServer) do(t testing.TB, method, target, token string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil && method == http.MethodPost && !strings.HasPrefix(target, "/v1/") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	ts.ServeHTTP(rec, req)
	return rec
}

func TestMain(m *testing.M) {
	// Keep "audit store migrated" out of test and benchmark output.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	os.Exit(m.Run())
}

// inCI reports whether the tests run under CI, where nothing may be skipped.
func inCI() bool { return os.Getenv("CI") == "true" }

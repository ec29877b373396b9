package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/server"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/safetext"
	"github.com/exportrisk/exportrisk/policies"
)

// hostileDir is the hostile-input corpus: cases.yaml and the files its cases name.
const hostileDir = "../../testdata/hostile"

// hostileCase is one entry of testdata/hostile/cases.yaml: a command line (args, env) or
// an HTTP request, and what must come of it.
type hostileCase struct {
	Name     string            `yaml:"name"`
	Area     string            `yaml:"area"`
	Args     []string          `yaml:"args"`
	Env      map[string]string `yaml:"env"`
	Setup    [][]string        `yaml:"setup"`    // commands run first, which must succeed
	Policies *policyEdit       `yaml:"policies"` // a copy of the shipped policies in {tmp}/policies, with one edit
	Exit     *int              `yaml:"exit"`
	HTTP     *hostileRequest   `yaml:"http"`
	Status   int               `yaml:"status"`
	Want     []string          `yaml:"want"`   // in the output (stderr; policy check's report), or in the response body
	Header   map[string]string `yaml:"header"` // response headers wanted
}

type policyEdit struct{ File, Old, New string }

type hostileRequest struct {
	Method   string            `yaml:"method"`
	Path     string            `yaml:"path"`
	Token    string            `yaml:"token"` // officer, auditor, none; else the Authorization header as given
	Header   map[string]string `yaml:"header"`
	Body     string            `yaml:"body"`
	BodyFile string            `yaml:"body_file"`
	Repeat   *struct {
		Prefix string `yaml:"prefix"`
		Item   string `yaml:"item"`
		Sep    string `yaml:"sep"`
		Suffix string `yaml:"suffix"`
		Times  int    `yaml:"times"`
	} `yaml:"repeat"`
	Form    map[string]string `yaml:"form"`    // a form body (web routes)
	Session string            `yaml:"session"` // sign in with this role's token first; the form gets the session's csrf
}

// Areas the corpus covers; each must have cases.
var hostileAreas = []string{"bundle", "config", "flag", "policy-bundle", "data.yaml", "policy", "api-body", "api-header"}

var repeatArg = regexp.MustCompile(`\{x\*(\d+)\}`)

func loadHostileCases(t *testing.T) []hostileCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(hostileDir, "cases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cases); err != nil {
		t.Fatalf("cases.yaml: %v", err)
	}
	return cases
}

// TestHostileInput runs the hostile-input corpus (testdata/hostile/cases.yaml): every
// case must fail with its documented exit code or HTTP status, with a message naming the
// file, field path or setting and the problem (want), with no raw control character, ANSI
// escape or bidi override in any output, and with nothing written: no audit record, no
// file, nothing on stdout.
func TestHostileInput(t *testing.T) {
	cases := loadHostileCases(t)
	if len(cases) < 60 {
		t.Errorf("the corpus has %d cases, want at least 60", len(cases))
	}
	names := map[string]bool{}
	areas := map[string]int{}
	for _, c := range cases {
		if names[c.Name] || c.Name == "" {
			t.Errorf("case name %q is empty or given twice", c.Name)
		}
		names[c.Name] = true
		if !slices.Contains(hostileAreas, c.Area) {
			t.Errorf("%s: area %q: want one of %v", c.Name, c.Area, hostileAreas)
		}
		areas[c.Area]++
		if len(c.Want) == 0 && len(c.Header) == 0 {
			t.Errorf("%s: no wanted message or header", c.Name)
		}
	}
	for _, a := range hostileAreas {
		if areas[a] == 0 {
			t.Errorf("no case of area %s", a)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases { // the README's list is the tool's promise: keep it whole
		if !bytes.Contains(readme, []byte("| "+c.Name+" |")) {
			t.Errorf("README.md (Hostile input) does not list the case %q", c.Name)
		}
	}
	abs, err := filepath.Abs(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	srv := newHostileServer(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			tmp := t.TempDir()
			expand := func(s string) string {
				s = strings.NewReplacer("{hostile}", abs, "{tmp}", tmp).Replace(s)
				return repeatArg.ReplaceAllStringFunc(s, func(m string) string {
					n, _ := strconv.Atoi(repeatArg.FindStringSubmatch(m)[1])
					return strings.Repeat("x", n)
				})
			}
			if c.HTTP != nil {
				srv.run(t, c, expand)
				return
			}
			runHostileCLI(t, c, tmp, expand)
		})
	}
}

func runHostileCLI(t *testing.T, c hostileCase, tmp string, expand func(string) string) {
	if c.Exit == nil {
		t.Fatal("no exit code given")
	}
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": filepath.Join(tmp, "audit", "audit.db")}
	for k, v := range c.Env {
		env[k] = expand(v)
	}
	if c.Policies != nil {
		copyShippedPolicies(t, filepath.Join(tmp, "policies"), *c.Policies)
	}
	for _, s := range c.Setup {
		args := make([]string, len(s))
		for i, a := range s {
			args[i] = expand(a)
		}
		if code, _, stderr := runCLI(t, env, args...); code != exitOK {
			t.Fatalf("setup %v: exit %d\n%s", args, code, stderr)
		}
	}
	before := listFiles(t, tmp)
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = expand(a)
	}
	code, stdout, stderr := runCLI(t, env, args...)
	if code != *c.Exit {
		t.Errorf("exit %d, want %d\nstderr: %s", code, *c.Exit, stderr)
	}
	for _, w := range c.Want { // policy check reports each check on stdout, the verdict on stderr
		if w = expand(w); !strings.Contains(stdout+stderr, w) {
			t.Errorf("the output does not name %q:\nstdout: %.2000s\nstderr: %.2000s", w, stdout, stderr)
		}
	}
	checkNoRaw(t, "stdout", stdout)
	checkNoRaw(t, "stderr", stderr)
	if stdout != "" && c.Args[0] != "policy" { // policy check reports each check on stdout
		t.Errorf("a refused command wrote to stdout:\n%.500s", stdout)
	}
	if after := listFiles(t, tmp); !slices.Equal(before, after) {
		t.Errorf("files written: before %v, after %v", before, after)
	}
}

func checkNoRaw(t *testing.T, what, s string) {
	t.Helper()
	if err := safetext.Check(s, safetext.Text, 0); err != nil {
		t.Errorf("%s holds a raw character: %v\n%q", what, err, s)
	}
}

// listFiles lists the files under dir (the test's temporary directory).
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// copyShippedPolicies writes the embedded policies to dir with one text replaced.
func copyShippedPolicies(t *testing.T, dir string, edit policyEdit) {
	t.Helper()
	found := false
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		if p == edit.File {
			if !bytes.Contains(b, []byte(edit.Old)) {
				t.Fatalf("%s does not contain %q", p, edit.Old)
			}
			b = bytes.Replace(b, []byte(edit.Old), []byte(edit.New), 1)
			found = true
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil || !found {
		t.Fatalf("copy policies: %v (file %s found: %v)", err, edit.File, found)
	}
}

// hostileServer is one server (recording into its own store) for every HTTP case.
type hostileServer struct {
	s     *server.Server
	store audit.Store
	logs  *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

var hostileTokens = map[string]string{"officer": "ert_hostile_officer", "auditor": "ert_hostile_auditor"}

func newHostileServer(t *testing.T) *hostileServer {
	t.Helper()
	ctx := context.Background()
	e := embeddedEngine(t)
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	store, err := audit.OpenSQLite(ctx, filepath.Join(t.TempDir(), "audit.db"), audit.SQLiteOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logs := &lockedBuffer{}
	s, err := server.New(ctx, server.Config{Engine: e, Library: lib, Store: store, EngineVersion: "test",
		Tokens: []server.Token{
			{Name: "olivia", Role: server.RoleOfficer, SHA256: server.HashToken(hostileTokens["officer"])},
			{Name: "arthur", Role: server.RoleAuditor, SHA256: server.HashToken(hostileTokens["auditor"])},
		},
		MaxBodyBytes: server.DefaultMaxBodyBytes, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &hostileServer{s: s, store: store, logs: logs}
}

func (hs *hostileServer) count(t *testing.T) int64 {
	t.Helper()
	n, err := hs.store.Count(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (hs *hostileServer) do(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	hs.s.ServeHTTP(rec, req)
	return rec
}

func (hs *hostileServer) run(t *testing.T, c hostileCase, expand func(string) string) {
	h := c.HTTP
	body := expand(h.Body)
	if h.BodyFile != "" {
		b, err := os.ReadFile(filepath.Join(hostileDir, h.BodyFile))
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	if r := h.Repeat; r != nil {
		items := make([]string, r.Times)
		for i := range items {
			items[i] = r.Item
		}
		body = r.Prefix + strings.Join(items, r.Sep) + r.Suffix
	}
	header := http.Header{}
	if h.Session != "" {
		cookie, csrf := hs.signIn(t, hostileTokens[h.Session])
		header.Set("Cookie", cookie)
		form := url.Values{"csrf": {csrf}}
		for k, v := range h.Form {
			form.Set(k, expand(v))
		}
		body = form.Encode()
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if h.Form != nil {
		form := url.Values{}
		for k, v := range h.Form {
			form.Set(k, expand(v))
		}
		body = form.Encode()
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req := httptest.NewRequest(h.Method, expand(h.Path), strings.NewReader(body))
	req.Header = header
	switch tok, ok := hostileTokens[h.Token]; {
	case ok:
		req.Header.Set("Authorization", "Bearer "+tok)
	case h.Token != "" && h.Token != "none":
		req.Header.Set("Authorization", expand(h.Token))
	}
	for k, v := range h.Header {
		req.Header.Set(k, expand(v))
	}
	before := hs.count(t)
	rec := hs.do(req)
	if rec.Code != c.Status {
		t.Errorf("status %d, want %d\n%.1000s", rec.Code, c.Status, rec.Body.String())
	}
	for _, w := range c.Want {
		if w = expand(w); !strings.Contains(rec.Body.String(), w) {
			t.Errorf("the answer does not name %q:\n%.2000s", w, rec.Body.String())
		}
	}
	for k, v := range c.Header {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("header %s: %q, want %q", k, got, v)
		}
	}
	checkNoRaw(t, "the response body", rec.Body.String())
	for k, vs := range rec.Header() {
		for _, v := range vs {
			checkNoRaw(t, "header "+k, v)
		}
	}
	if after := hs.count(t); after != before {
		t.Errorf("%d decisions recorded by a refused request", after-before)
	}
}

// signIn starts a session with a token and returns its cookie and the CSRF token of its forms.
func (hs *hostileServer) signIn(t *testing.T, token string) (cookie, csrf string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := hs.do(req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "exportrisk_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatalf("sign in: %d, no session cookie", rec.Code)
	}
	req = httptest.NewRequest("GET", "/countries/KAZ", nil)
	req.Header.Set("Cookie", cookie)
	page, _ := io.ReadAll(hs.do(req).Result().Body)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the country page")
	}
	return cookie, string(m[1])
}

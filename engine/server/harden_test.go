package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine/audit"
)

func TestSafeRedirect(t *testing.T) {
	for next, want := range map[string]string{
		"/decisions?country=KAZ": "/decisions?country=KAZ",
		"/countries/KAZ":         "/countries/KAZ",
		"/\t/evil.example/":      "/", // browsers drop the tab: //evil.example/
		"/\n/evil.example/":      "/",
		"/\r\n/evil.example":     "/",
		"/ /evil.example":        "/",
		"//evil.example/x":       "/",
		`/\evil.example`:         "/",
		`/a\b`:                   "/",
		"https://evil.example/":  "/",
		"javascript:alert(1)":    "/",
		"/%09/evil.example":      "/%09/evil.example", // stays a path on this site
		"":                       "/",
		"/login?next=//x":        "/",
		"/\x00":                  "/",
	} {
		if got := safeRedirect(next); got != want {
			t.Errorf("safeRedirect(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestLoginRedirectTab: the reproduction, through the sign-in form.
func TestLoginRedirectTab(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "POST", "/login", "", strings.NewReader(url.Values{"token": {officerToken}, "next": {"/\t/evil.example/"}}.Encode()))
	if got := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || got != "/" {
		t.Errorf("next with a tab: %d to %q, want 303 to /", rec.Code, got)
	}
}

// TestSessionsPerToken: one token holder signing in again and again ends only its own
// oldest sessions, never another holder's.
func TestSessionsPerToken(t *testing.T) {
	s := newSessions(DefaultSessionTTL)
	bob := Principal{Name: "bob", Role: RoleOfficer}
	bobID, _ := s.create(bob)
	alice := Principal{Name: "alice", Role: RoleOfficer}
	first, _ := s.create(alice)
	for range 3 * MaxSessionsPerToken {
		s.create(alice)
	}
	if _, ok := s.get(bobID); !ok {
		t.Error("another holder's logins ended bob's session")
	}
	if _, ok := s.get(first); ok {
		t.Error("alice's oldest session survived past the cap")
	}
	held := 0
	for _, v := range s.m {
		if v.p == alice {
			held++
		}
	}
	if held != MaxSessionsPerToken {
		t.Errorf("alice holds %d sessions, want %d", held, MaxSessionsPerToken)
	}
}

// TestPublicURL: behind a TLS proxy the request says http:// but the browser's Origin is
// https://; with server.public_url the form is accepted, and an origin other than it is not.
func TestPublicURL(t *testing.T) {
	if _, err := New(context.Background(), Config{Engine: embeddedEngine(t), Library: smallLibrary(t), Store: openStore(t),
		EngineVersion: "test", Tokens: testTokens, PublicURL: "ftp://x"}); err == nil || !strings.Contains(err.Error(), "server.public_url") {
		t.Errorf("ftp public_url: %v", err)
	}
	ts := newTestServer(t, smallLibrary(t), func(c *Config) { c.PublicURL = "https://exportrisk.example"; c.SecureCookies = true })
	cookie := signIn(t, ts, officerToken)
	csrf := csrfOf(t, ts.do(t, "GET", "/countries/KAZ", "", nil, "Cookie", cookie).Body.String())
	form := strings.NewReader(url.Values{"csrf": {csrf}}.Encode())
	if rec := ts.do(t, "POST", "/countries/KAZ/assess", "", form, "Cookie", cookie, "Origin", "https://exportrisk.example"); rec.Code != http.StatusSeeOther {
		t.Errorf("form from the public origin: %d", rec.Code)
	}
	form = strings.NewReader(url.Values{"csrf": {csrf}}.Encode())
	if rec := ts.do(t, "POST", "/countries/KAZ/assess", "", form, "Cookie", cookie, "Origin", "http://example.com"); rec.Code != http.StatusForbidden {
		t.Errorf("form from the proxy's inside origin: %d, want 403", rec.Code)
	}
}

// failingStore fails every call with an error that names the database, as drivers do.
type failingStore struct{ audit.Store }

var errSecret = errors.New(`open /srv/secret/audit.db: failed to connect to host=db.internal.example user=exportrisk`)

func (failingStore) Head(context.Context) (audit.Head, error) { return audit.Head{}, errSecret }
func (failingStore) List(context.Context, audit.Filter) ([]audit.Summary, error) {
	return nil, errSecret
}
func (failingStore) Count(context.Context, audit.Filter) (int64, error) { return 0, errSecret }

// TestStoreErrorsHideTheDatabase: 503 answers say the store is unavailable, never its
// path or host; the server log has the cause. /readyz is 503 when the store cannot take a
// decision; /metrics is not cached.
func TestStoreErrorsHideTheDatabase(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), func(c *Config) { c.Store = failingStore{c.Store} })
	for _, target := range []string{"/v1/decisions", "/readyz"} {
		rec := ts.do(t, "GET", target, auditorToken, nil)
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s: %d, want 503", target, rec.Code)
		}
		for _, secret := range []string{"/srv/secret", "db.internal", "audit.db"} {
			if strings.Contains(rec.Body.String(), secret) {
				t.Errorf("%s: the body shows %q: %s", target, secret, rec.Body.String())
			}
		}
	}
	if !strings.Contains(ts.logs.String(), "db.internal.example") {
		t.Error("the server log does not have the cause")
	}

	full := errors.New("disk full")
	ts = newTestServer(t, smallLibrary(t), func(c *Config) { c.StoreWritable = func(context.Context) error { return full } })
	if rec := ts.do(t, "GET", "/readyz", "", nil); rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "disk") {
		t.Errorf("readyz with a full store: %d %s", rec.Code, rec.Body.String())
	}
	full = nil
	if rec := ts.do(t, "GET", "/readyz", "", nil); rec.Code != http.StatusOK {
		t.Errorf("readyz: %d", rec.Code)
	}
	if rec := ts.do(t, "GET", "/metrics", auditorToken, nil); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("metrics: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}

// TestManyEmptyEvidenceItems: the reproduction of one officer POST with 200,000 empty
// evidence items (1,000,000 problems, a 129 MB answer): now one problem, a small answer.
func TestManyEmptyEvidenceItems(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	body := "schema_version: 1\ncountry: {iso3: KAZ, name_en: K, name_de: K}\nas_of: 2026-01-01\nindices: {}\nmemberships: {}\nembargoes: []\nevidence: [" +
		strings.Repeat("{},", 200_000) + "{}]\n"
	rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(body), "Content-Type", "application/yaml")
	if rec.Code != http.StatusUnprocessableEntity || rec.Body.Len() > 4096 || !strings.Contains(rec.Body.String(), "at most 10000 items") {
		t.Errorf("%d, %d bytes: %.300s", rec.Code, rec.Body.Len(), rec.Body.String())
	}
	body = strings.Replace(body, strings.Repeat("{},", 200_000), strings.Repeat("{},", 5000), 1)
	rec = ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(body), "Content-Type", "application/yaml")
	if rec.Code != http.StatusUnprocessableEntity || rec.Body.Len() > 64<<10 || !strings.Contains(rec.Body.String(), "more problems not listed") {
		t.Errorf("%d, %d bytes: %.300s", rec.Code, rec.Body.Len(), rec.Body.String())
	}
}

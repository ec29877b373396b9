package server

import (
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// tamper changes the case reference of a record in the database, past the append-only
// triggers, as someone with write access to the file could.
func tamper(t *testing.T, s *audit.SQLiteStore, decisionID string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Location()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER records_no_update`, `UPDATE records SET case_ref = 'changed' WHERE decision_id = '` + decisionID + `'`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// access is who may use a route, as the issue specifies it; written out here rather
// than taken from the code, so that the test checks the code.
var expectedAccess = map[string][]Role{ // pattern -> roles; nil = public
	"POST /v1/assessments":             {RoleOfficer, RolePolicy},
	"GET /v1/countries":                {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/countries/{iso3}":         {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/countries/{iso3}/history": {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/world":                    {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/diff":                     {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/decisions":                {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/decisions/{id}":           {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/decisions/{id}/report":    {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /v1/decisions/{id}/replay":   {RoleAuditor},
	"GET /v1/audit/verify":             {RoleAuditor},
	"GET /v1/decisions/{id}/proof":     {RoleAuditor},
	"GET /v1/audit/checkpoint":         {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /v1/openapi.json":             nil,
	"GET /healthz":                     nil,
	"GET /readyz":                      nil,
	"GET /metrics":                     {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /{$}":                         {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /countries/{iso3}":            {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /countries/{iso3}/assess":    {RoleOfficer, RolePolicy},
	"GET /decisions":                   {RoleOfficer, RolePolicy, RoleAuditor},
	"GET /decisions/{id}":              {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /decisions/{id}/replay":      {RoleAuditor},
	"GET /login":                       nil,
	"POST /login":                      nil,
	"POST /logout":                     nil,
	"GET /static/{file}":               nil,
	// evidence.go
	"GET /evidence":                         {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /evidence/proposals":              {RolePolicy},
	"GET /evidence/proposals/{id}":          {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /evidence/proposals/{id}/approve": {RoleOfficer, RolePolicy},
	"POST /evidence/proposals/{id}/reject":  {RoleOfficer, RolePolicy},
	// evidence_api.go
	"GET /v1/evidence/proposals":               {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /v1/evidence/proposals":              {RolePolicy},
	"GET /v1/evidence/proposals/{id}":          {RoleOfficer, RolePolicy, RoleAuditor},
	"POST /v1/evidence/proposals/{id}/approve": {RoleOfficer, RolePolicy},
	"POST /v1/evidence/proposals/{id}/reject":  {RoleOfficer, RolePolicy},
}

// TestAccess tries every route with every role, without a token and with a bad one:
// missing or invalid credentials give 401, a role that may not use the route 403,
// anything else neither. It also checks that no token reaches the logs.
func TestAccess(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
	id := decode[AssessmentJSON](t, rec).DecisionID
	if id == "" {
		t.Fatalf("no decision: %s", rec.Body.String())
	}
	seen := map[string]bool{}
	for _, rt := range ts.routes {
		pattern := rt.pattern()
		roles, known := expectedAccess[pattern]
		if !known {
			t.Errorf("route %s is not in the access table of this test", pattern)
			continue
		}
		seen[pattern] = true
		target := strings.NewReplacer("{$}", "", "{iso3}", "KAZ", "{id}", id, "{file}", "style.css").Replace(rt.path)
		body := ""
		switch {
		case rt.path == "/v1/assessments":
			body = `{"country": "KAZ"}`
		case rt.path == "/login" && rt.method == "POST":
			body = url.Values{"token": {officerToken}}.Encode()
		}
		creds := []struct {
			name, token string
			role        Role
		}{{"no token", "", ""}, {"bad token", "ert_not-a-token", ""}, {"Basic auth", "", ""},
			{"officer", officerToken, RoleOfficer}, {"policy", policyToken, RolePolicy}, {"auditor", auditorToken, RoleAuditor}}
		for _, c := range creds {
			t.Run(pattern+"/"+c.name, func(t *testing.T) {
				var hdr []string
				if c.name == "Basic auth" {
					hdr = []string{"Authorization", "Basic b2xpdmlhOnNlY3JldA=="}
				}
				var rd io.Reader
				if rt.method == "POST" {
					rd = strings.NewReader(body)
				}
				rec := ts.do(t, rt.method, target, c.token, rd, hdr...)
				allowed := roles == nil
				for _, r := range roles {
					allowed = allowed || r == c.role
				}
				switch {
				case roles == nil && (rec.Code == 401 || rec.Code == 403):
					t.Errorf("public route: %d %s", rec.Code, rec.Body.String())
				case roles != nil && c.role == "" && rec.Code != 401:
					t.Errorf("status %d, want 401", rec.Code)
				case roles != nil && c.role != "" && !allowed && rec.Code != 403:
					t.Errorf("role %s: status %d, want 403", c.role, rec.Code)
				case allowed && (rec.Code == 401 || rec.Code == 403 || rec.Code >= 500):
					t.Errorf("role %s: status %d: %s", c.role, rec.Code, rec.Body.String())
				}
				if roles != nil && (rec.Code == 401 || rec.Code == 403) {
					checkDenied(t, rt, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
				}
			})
		}
	}
	for pattern := range expectedAccess {
		if !seen[pattern] {
			t.Errorf("%s is in the access table but not a route", pattern)
		}
	}
	logs := ts.logs.String()
	for _, tok := range []string{officerToken, policyToken, auditorToken, "ert_not-a-token", "b2xpdmlhOnNlY3JldA", "Bearer"} {
		if strings.Contains(logs, tok) {
			t.Errorf("the logs contain %q", tok)
		}
	}
	if !strings.Contains(logs, "user=olivia") || !strings.Contains(logs, "status=401") {
		t.Errorf("the access log lacks requests:\n%.2000s", logs)
	}
}

// checkDenied checks how a refusal is written: JSON with a code on the API, the sign-in
// form (401) or an error page (403) on the web.
func checkDenied(t *testing.T, rt route, status int, contentType, body string) {
	t.Helper()
	if !rt.web {
		want := map[int]string{401: `"code": "unauthorized"`, 403: `"code": "forbidden"`}[status]
		if !strings.HasPrefix(contentType, "application/json") || !strings.Contains(body, want) {
			t.Errorf("API refusal %d: %s %s", status, contentType, body)
		}
		return
	}
	if !strings.HasPrefix(contentType, "text/html") {
		t.Errorf("web refusal %d as %s", status, contentType)
	}
	if status == 401 && !strings.Contains(body, `action="/login"`) {
		t.Errorf("401 without the sign-in form")
	}
	if status == 403 && !strings.Contains(body, "forbidden") {
		t.Errorf("403 page does not say why")
	}
}

func TestTokenConfig(t *testing.T) {
	h := HashToken("x")
	tests := map[string]struct {
		tokens []Token
		want   string
	}{
		"none":         {nil, "no token configured"},
		"no name":      {[]Token{{Role: RoleOfficer, SHA256: h}}, "server.tokens[0].name: missing"},
		"twice":        {[]Token{{Name: "a", Role: RoleOfficer, SHA256: h}, {Name: "a", Role: RoleAuditor, SHA256: HashToken("y")}}, `server.tokens[1] (a).name: "a" is given twice`},
		"bad role":     {[]Token{{Name: "a", Role: "admin", SHA256: h}}, `server.tokens[0] (a).role: want officer, policy or auditor (got "admin")`},
		"not a hash":   {[]Token{{Name: "a", Role: RoleOfficer, SHA256: "secret"}}, "token_sha256: want 64 hex digits"},
		"same token":   {[]Token{{Name: "a", Role: RoleOfficer, SHA256: h}, {Name: "b", Role: RoleAuditor, SHA256: strings.ToUpper(h)}}, "the same token is given twice"},
		"ok uppercase": {[]Token{{Name: "a", Role: RoleOfficer, SHA256: strings.ToUpper(h)}}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := ValidateTokens(tc.tokens)
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	set, err := newTokenSet([]Token{{Name: "a", Role: RoleOfficer, SHA256: strings.ToUpper(h)}})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := set.lookup("x"); !ok || p.Name != "a" {
		t.Error("an upper-case hash does not match")
	}
	if _, ok := set.lookup("X"); ok {
		t.Error("another token matches")
	}
	tok, err := NewToken()
	if err != nil || !strings.HasPrefix(tok, TokenPrefix) || len(tok) < 40 {
		t.Errorf("NewToken: %q %v", tok, err)
	}
}

// TestSetTokens: a token taken away stops working, and so do its browser sessions.
func TestSetTokens(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	cookie := signIn(t, ts, officerToken)
	if err := ts.SetTokens(testTokens[1:]); err != nil { // olivia's token is gone
		t.Fatal(err)
	}
	if rec := ts.do(t, "GET", "/v1/countries", officerToken, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("removed token: %d", rec.Code)
	}
	if rec := ts.do(t, "GET", "/", "", nil, "Cookie", cookie); rec.Code != http.StatusUnauthorized {
		t.Errorf("session of a removed token: %d", rec.Code)
	}
	if rec := ts.do(t, "GET", "/v1/countries", auditorToken, nil); rec.Code != 200 {
		t.Errorf("kept token: %d", rec.Code)
	}
}

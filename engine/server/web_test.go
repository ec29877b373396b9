package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// signIn posts a token to the sign-in form and returns the session cookie as a Cookie
// header value, after checking how the cookie is set.
func signIn(t *testing.T, ts *testServer, token string) string {
	t.Helper()
	rec := ts.do(t, "POST", "/login", "", strings.NewReader(url.Values{"token": {token}, "next": {"/countries/KAZ"}}.Encode()))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/countries/KAZ" {
		t.Fatalf("sign in: %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}
	c := sessionCookieOf(t, rec)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.MaxAge != int(DefaultSessionTTL.Seconds()) || len(c.Value) < 40 {
		t.Errorf("session cookie: %+v", c)
	}
	if strings.Contains(c.Value, token) {
		t.Error("the cookie holds the token")
	}
	return c.Name + "=" + c.Value
}

func sessionCookieOf(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatalf("no session cookie set: %v", rec.Header()["Set-Cookie"])
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token in the page")
	}
	return m[1]
}

func TestSignIn(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "POST", "/login", "", strings.NewReader("token=ert_wrong"))
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "That token is not valid.") || len(rec.Result().Cookies()) != 0 {
		t.Errorf("bad token: %d, cookies %v", rec.Code, rec.Result().Cookies())
	}
	for next, want := range map[string]string{
		"/decisions?country=KAZ": "/decisions?country=KAZ",
		"//evil.example/x":       "/",
		"https://evil.example/":  "/",
		`/\evil.example`:         "/",
		"":                       "/",
		"/login":                 "/",
	} {
		rec := ts.do(t, "POST", "/login", "", strings.NewReader(url.Values{"token": {officerToken}, "next": {next}}.Encode()))
		if got := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || got != want {
			t.Errorf("next %q: %d to %q, want %q", next, rec.Code, got, want)
		}
	}
	rec = ts.do(t, "POST", "/login", "", strings.NewReader("token="+officerToken), "Origin", "http://evil.example")
	if rec.Code != http.StatusForbidden || len(rec.Result().Cookies()) != 0 {
		t.Errorf("sign-in posted from another site: %d", rec.Code)
	}
	signIn(t, ts, officerToken)
	if rec := ts.do(t, "GET", "/login", "", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `type="password"`) {
		t.Errorf("GET /login: %d", rec.Code)
	}
}

// TestSessionForms: a session works for pages, not for the API; its forms need the
// session's CSRF token and a same-site origin; signing out ends it.
func TestSessionForms(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	cookie := signIn(t, ts, officerToken)
	rec := ts.do(t, "GET", "/countries/KAZ", "", nil, "Cookie", cookie)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<strong>olivia</strong> (officer)") {
		t.Fatalf("country page with the session: %d", rec.Code)
	}
	csrf := csrfOf(t, rec.Body.String())
	if rec := ts.do(t, "GET", "/v1/countries", "", nil, "Cookie", cookie); rec.Code != http.StatusUnauthorized {
		t.Errorf("the API accepted a session cookie: %d", rec.Code)
	}
	assess := func(form url.Values, header ...string) *httptest.ResponseRecorder {
		return ts.do(t, "POST", "/countries/KAZ/assess", "", strings.NewReader(form.Encode()), append([]string{"Cookie", cookie}, header...)...)
	}
	if rec := assess(url.Values{"case_ref": {"AG-1"}}); rec.Code != http.StatusForbidden {
		t.Errorf("without CSRF token: %d", rec.Code)
	}
	if rec := assess(url.Values{"csrf": {"forged"}}); rec.Code != http.StatusForbidden {
		t.Errorf("with a wrong CSRF token: %d", rec.Code)
	}
	if rec := assess(url.Values{"csrf": {csrf}}, "Origin", "http://evil.example"); rec.Code != http.StatusForbidden {
		t.Errorf("from another origin: %d", rec.Code)
	}
	if n, _ := ts.store.Count(context.Background(), audit.Filter{}); n != 0 {
		t.Fatalf("%d decisions recorded by refused forms", n)
	}
	rec = assess(url.Values{"csrf": {csrf}, "case_ref": {" AG-4711 "}}, "Origin", "http://example.com")
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/decisions/") {
		t.Fatalf("assess and record: %d %q %s", rec.Code, loc, rec.Body.String())
	}
	r, err := ts.store.Get(context.Background(), strings.TrimPrefix(loc, "/decisions/"))
	if err != nil || r.Requester != "olivia" || r.CaseRef != "AG-4711" || r.Country != "KAZ" {
		t.Fatalf("recorded: %+v %v", r, err)
	}
	if rec := ts.do(t, "GET", loc, "", nil, "Cookie", cookie); rec.Code != 200 || strings.Contains(rec.Body.String(), `id="replay"`) {
		t.Errorf("decision page for an officer: %d (no replay button expected)", rec.Code)
	}
	if rec := ts.do(t, "POST", "/logout", "", strings.NewReader(""), "Cookie", cookie); rec.Code != http.StatusForbidden {
		t.Errorf("sign out without CSRF token: %d", rec.Code)
	}
	rec = ts.do(t, "POST", "/logout", "", strings.NewReader("csrf="+csrf), "Cookie", cookie)
	if c := sessionCookieOf(t, rec); rec.Code != http.StatusSeeOther || c.MaxAge >= 0 {
		t.Errorf("sign out: %d, cookie %+v", rec.Code, c)
	}
	rec = ts.do(t, "GET", "/", "", nil, "Cookie", cookie)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `action="/login"`) {
		t.Errorf("the ended session still works: %d", rec.Code)
	}
}

func TestSessionExpires(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), func(c *Config) { c.SessionTTL = time.Hour })
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ts.sessions.now = func() time.Time { return now }
	rec := ts.do(t, "POST", "/login", "", strings.NewReader("token="+auditorToken))
	cookie := sessionCookieOf(t, rec)
	header := cookie.Name + "=" + cookie.Value
	if rec := ts.do(t, "GET", "/decisions", "", nil, "Cookie", header); rec.Code != 200 {
		t.Fatalf("fresh session: %d", rec.Code)
	}
	now = now.Add(time.Hour + time.Second)
	if rec := ts.do(t, "GET", "/decisions", "", nil, "Cookie", header); rec.Code != http.StatusUnauthorized {
		t.Errorf("session after its TTL: %d", rec.Code)
	}
}

func TestLanguage(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	lang := func(rec *httptest.ResponseRecorder) string {
		m := regexp.MustCompile(`<html lang="(\w+)">`).FindStringSubmatch(rec.Body.String())
		if m == nil {
			t.Fatal("no lang attribute")
		}
		return m[1]
	}
	rec := ts.do(t, "GET", "/countries/KAZ?lang=de", officerToken, nil)
	if lang(rec) != "de" || !strings.Contains(rec.Body.String(), "Kasachstan") || !strings.Contains(rec.Body.String(), "Kriterium 2: Achtung der Menschenrechte") {
		t.Errorf("?lang=de: %s", lang(rec))
	}
	var langCookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "exportrisk_lang" {
			langCookie = c
		}
	}
	if langCookie == nil || langCookie.Value != "de" {
		t.Fatalf("language not remembered: %v", rec.Result().Cookies())
	}
	if rec := ts.do(t, "GET", "/", officerToken, nil, "Cookie", "exportrisk_lang=de"); lang(rec) != "de" || !strings.Contains(rec.Body.String(), "Weltübersicht") {
		t.Error("the cookie's language is not used")
	}
	if rec := ts.do(t, "GET", "/", officerToken, nil, "Accept-Language", "de-DE,de;q=0.9,en;q=0.5"); lang(rec) != "de" {
		t.Error("Accept-Language de is not used")
	}
	if rec := ts.do(t, "GET", "/?lang=en", officerToken, nil, "Cookie", "exportrisk_lang=de"); lang(rec) != "en" {
		t.Error("?lang=en does not beat the cookie")
	}
	if rec := ts.do(t, "GET", "/login", "", nil, "Accept-Language", "fr-FR"); lang(rec) != "en" {
		t.Error("default is not English")
	}
}

// rows returns the ISO3 codes of the overview's rows, in order.
func rows(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td><code>([A-Z]{3})</code></td>`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestOverview(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	get := func(query string) string {
		rec := ts.do(t, "GET", "/"+query, auditorToken, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", query, rec.Code)
		}
		return rec.Body.String()
	}
	for query, want := range map[string]string{
		"":                        "DEU KAZ RUS",
		"?sort=name":              "DEU KAZ RUS",
		"?sort=overall":           "RUS KAZ DEU",
		"?sort=critical":          "RUS KAZ DEU",
		"?sort=c2":                "KAZ RUS DEU",
		"?q=kasach":               "KAZ",
		"?q=rus":                  "RUS",
		"?class=none":             "DEU",
		"?class=dark_red":         "RUS",
		"?crit=2&cv=critical":     "KAZ RUS",
		"?crit=1&cv=not_critical": "DEU KAZ",
		"?class=bogus&sort=bogus": "DEU KAZ RUS",
	} {
		if got := strings.Join(rows(get(query)), " "); got != want {
			t.Errorf("/%s: rows %s, want %s", query, got, want)
		}
	}
	page := get("?lang=de&sort=c2")
	for _, want := range []string{"Deutschland", `<option value="c2" selected>`, "3 Länder", "Legende"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// A verdict reads without colour: symbol and word, and the full word for screen readers.
	if !strings.Contains(page, `<span aria-hidden="true">✖ KRIT</span><span class="sr">kritisch</span>`) {
		t.Error("a critical cell is not written in words")
	}
	checkAccessible(t, page)
}

func TestCountryPage(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "GET", "/countries/KAZ", officerToken, nil)
	page := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("%d", rec.Code)
	}
	for _, want := range []string{
		"<h1>Kazakhstan <span class=\"iso\">(KAZ)</span></h1>",
		`<tr data-criterion="2" data-verdict="critical">`,
		"Criterion 2: Respect for human rights and international humanitarian law",
		"Decided by", "severe signal", "C2-FH-NOT-FREE", "Basis: published rule",
		"Freedom House (Bewertung 2026)", // the cited source of the value
		"<caption>Indices</caption>", "<caption>Treaties and regimes</caption>", "<caption>Arms embargoes</caption>", "<caption>Evidence</caption>",
		"What is missing", "<th scope=\"row\">Political Terror Scale", // missing, by its display name
		`action="/countries/KAZ/assess"`, `<label for="case_ref">`,
		"fixtures/curated/KAZ-2026-06-01.yaml", ts.Engine().Policies().Revision,
		"No decision recorded yet.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the country page lacks %q", want)
		}
	}
	got := regexp.MustCompile(`data-criterion="(\d)" data-verdict="(\w+)"`).FindAllStringSubmatch(page, -1)
	if len(got) != 8 {
		t.Fatalf("%d criteria", len(got))
	}
	for i, m := range got {
		if m[2] != kazVerdicts[i] {
			t.Errorf("criterion %s: %s, want %s", m[1], m[2], kazVerdicts[i])
		}
	}
	checkAccessible(t, page)
	// An auditor sees no assess form; an older bundle by ?as_of=.
	rec = ts.do(t, "GET", "/countries/kaz?as_of=2024-01-01", auditorToken, nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "/assess") || !strings.Contains(rec.Body.String(), "fixtures/world/2023/KAZ-2023-12-31.json") {
		t.Errorf("auditor, as_of: %d", rec.Code)
	}
	for target, status := range map[string]int{"/countries/XYZ": 404, "/countries/Germany": 400, "/nowhere": 404, "/decisions/nope": 400} {
		rec := ts.do(t, "GET", target, officerToken, nil)
		if rec.Code != status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), `class="error"`) {
			t.Errorf("%s: %d %s", target, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

func TestDecisionPageReplay(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	var ids []string
	for range 2 {
		rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ", "case_ref": "AG-9"}`))
		ids = append(ids, decode[AssessmentJSON](t, rec).DecisionID)
	}
	rec := ts.do(t, "GET", "/decisions/"+ids[0], auditorToken, nil)
	page := rec.Body.String()
	if !regexp.MustCompile(`\(\d+ files archived\)`).MatchString(page) {
		t.Error("the decision page does not say the policies are archived")
	}
	for _, want := range []string{ids[0], "AG-9", "olivia", `id="replay"`, `data-verdict="critical"`} {
		if !strings.Contains(page, want) {
			t.Errorf("decision page lacks %q", want)
		}
	}
	checkAccessible(t, page)
	rec = ts.do(t, "POST", "/decisions/"+ids[0]+"/replay", auditorToken, strings.NewReader(""))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "MATCH</strong>: the replayed result is identical") {
		t.Errorf("replay: %d", rec.Code)
	}
	tamper(t, ts.store, ids[1])
	rec = ts.do(t, "POST", "/decisions/"+ids[1]+"/replay?lang=de", auditorToken, strings.NewReader(""))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "konnte nicht erneut ausgewertet werden") || !strings.Contains(rec.Body.String(), "no longer matches its hash") {
		t.Errorf("replay of a changed record: %d", rec.Code)
	}
	// The list of decisions, newest page first, with filters.
	rec = ts.do(t, "GET", "/decisions?country=KAZ&verdict=", officerToken, nil)
	if rec.Code != 200 || strings.Count(rec.Body.String(), `<a href="/decisions/0`) != 2 {
		t.Errorf("decision list: %d", rec.Code)
	}
	rec = ts.do(t, "GET", "/decisions?verdict=bogus", officerToken, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `role="alert">verdict: want`) {
		t.Errorf("bad filter: %d", rec.Code)
	}
	// The country page lists the decisions, newest first.
	page = ts.do(t, "GET", "/countries/KAZ", auditorToken, nil).Body.String()
	if i, j := strings.Index(page, ids[1]), strings.Index(page, ids[0]); i < 0 || j < 0 || i > j {
		t.Error("the country page does not list its decisions newest first")
	}
}

func TestStaticAndHeaders(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "GET", "/static/style.css", "", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") || !strings.Contains(rec.Body.String(), "@media print") {
		t.Errorf("style.css: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := ts.do(t, "GET", "/static/app.js", "", nil); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
		t.Errorf("app.js: %d", rec.Code)
	}
	if rec := ts.do(t, "GET", "/static/nope.js", "", nil); rec.Code != 404 {
		t.Errorf("missing static file: %d", rec.Code)
	}
	rec = ts.do(t, "GET", "/", officerToken, nil)
	h := rec.Header()
	if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: %v", h)
	}
}

// checkAccessible checks what a page must have for people who do not see it: a lang
// attribute, one h1, headers in every table, a label for every field, text on every
// button, and no inline script or style (the CSP forbids them).
func checkAccessible(t *testing.T, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	labels, ids := map[string]bool{}, map[string]bool{}
	var inputs []string
	h1 := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				if l, _ := attr(n, "lang"); l != "en" && l != "de" {
					t.Errorf("html lang=%q", l)
				}
			case "h1":
				h1++
			case "table":
				if !strings.Contains(renderNode(n), "<th") {
					t.Error("a table without header cells")
				}
			case "label":
				if f, ok := attr(n, "for"); ok {
					labels[f] = true
				}
			case "input", "select":
				if typ, _ := attr(n, "type"); typ != "hidden" {
					id, _ := attr(n, "id")
					inputs = append(inputs, id)
				}
			case "button":
				if strings.TrimSpace(text(n)) == "" {
					t.Error("a button without text")
				}
			case "script":
				if _, ok := attr(n, "src"); !ok {
					t.Error("an inline script")
				}
			case "style":
				t.Error("an inline style sheet")
			}
			if _, ok := attr(n, "style"); ok {
				t.Errorf("a style attribute on <%s>", n.Data)
			}
			if id, ok := attr(n, "id"); ok {
				if ids[id] {
					t.Errorf("id %q twice", id)
				}
				ids[id] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if h1 != 1 {
		t.Errorf("%d h1 headings, want 1", h1)
	}
	for _, id := range inputs {
		if id == "" || !labels[id] {
			t.Errorf("a field without a label (id %q)", id)
		}
	}
}

func renderNode(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

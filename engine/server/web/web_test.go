package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/impact"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// The pages against a fake server: what they ask of it and how they show its answers.
// engine/server's tests run the same pages behind the real server (routes, sign-in,
// CSRF, every page with real data, the browser).

var (
	engineOnce sync.Once
	testEngine *engine.Engine
	engineErr  error
)

// embeddedEngine is the engine of the shipped policies (the pages show its revision).
func embeddedEngine(t *testing.T) *engine.Engine {
	t.Helper()
	engineOnce.Do(func() {
		var p *policy.Set
		if p, engineErr = policy.Embedded(); engineErr == nil {
			testEngine, engineErr = engine.New(context.Background(), p)
		}
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return testEngine
}

// fakeServer answers the pages: every error it is told to give, and it notes the calls
// that change something.
type fakeServer struct {
	e        *engine.Engine
	reg      *evidence.Register
	writable bool
	pending  []evidence.Proposal
	fail     *Error // the answer to every call that can fail (but Register), if set
	noReg    *Error // Register's answer, if set
	calls    []string
}

func (f *fakeServer) State() State { return State{Engine: f.e} }

func (f *fakeServer) ParseYear(string) (int, *Error) { return 0, f.fail }

func (f *fakeServer) World(context.Context, int) (int, *engine.World, *Error) { return 0, nil, f.fail }

func (f *fakeServer) Country(context.Context, string, string) (*engine.Assessment, *Error) {
	return nil, f.fail
}

func (f *fakeServer) Assess(_ context.Context, iso3, asOf, requester, caseRef string) (string, *Error) {
	f.calls = append(f.calls, "assess "+iso3+" "+asOf+" "+requester+" "+caseRef)
	if f.fail != nil {
		return "", f.fail
	}
	return "01a209df-94c4-7b86-87e3-843313333a42", nil
}

func (f *fakeServer) Filter(q url.Values) (audit.Filter, *Error) {
	return audit.Filter{Country: q.Get("country"), Limit: 100}, f.fail
}

func (f *fakeServer) Newest(_ context.Context, fl audit.Filter, toSeq int64) ([]audit.Summary, bool, error) {
	f.calls = append(f.calls, "newest "+fl.Country+" "+fl.Kind+" "+strings.Repeat("<", int(toSeq)))
	return nil, false, nil
}

func (f *fakeServer) Decision(context.Context, string) (*audit.RecordV1, *engine.Result, *Error) {
	return nil, nil, f.fail
}

func (f *fakeServer) PolicyFiles(context.Context, string) int { return 0 }

func (f *fakeServer) Words(context.Context, string) (*present.Presenter, error) {
	return present.New(f.e)
}

func (f *fakeServer) Replay(context.Context, *audit.RecordV1) (any, *Error) { return nil, f.fail }

func (f *fakeServer) Register() (*evidence.Register, bool, []evidence.Proposal, *Error) {
	return f.reg, f.writable, f.pending, f.noReg
}

func (f *fakeServer) Proposal(context.Context, string) (evidence.Proposal, *impact.Report, string, *Error) {
	if f.fail != nil {
		return evidence.Proposal{}, nil, "", f.fail
	}
	return f.pending[0], &impact.Report{}, "", nil
}

func (f *fakeServer) Propose(_ context.Context, form EvidenceForm, by *User) (evidence.Proposal, error) {
	f.calls = append(f.calls, "propose "+form.Country+" "+form.Summary+" by "+by.Name)
	if f.fail != nil {
		return evidence.Proposal{}, f.fail
	}
	return f.pending[0], nil
}

func (f *fakeServer) Approve(_ context.Context, id string, by *User) (evidence.Proposal, *Error) {
	f.calls = append(f.calls, "approve "+id+" by "+by.Name)
	if f.fail != nil {
		return evidence.Proposal{}, f.fail
	}
	return f.pending[0], nil
}

func (f *fakeServer) Reject(_ context.Context, id, reason string, by *User) *Error {
	f.calls = append(f.calls, "reject "+id+" by "+by.Name+": "+reason)
	return f.fail
}

func TestPages(t *testing.T) {
	reg, err := evidence.Load(os.DirFS(t.TempDir()), "", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	proposal := evidence.Proposal{Country: "KAZ", ProposedBy: "paul", ProposedAt: "2026-12-06T10:00:00Z",
		Item: indicators.Evidence{ID: "kaz-2023-06-torture", Date: "2023-06", DatePrecision: "month", Category: "torture"}}
	officer := &User{Name: "olivia", Role: "officer", CanAssess: true, CanApprove: true}
	policyStaff := &User{Name: "paul", Role: "policy", CanAssess: true, CanPropose: true, CanApprove: true}
	auditor := &User{Name: "audrey", Role: "auditor", CanReplay: true}
	notFound := &Error{Status: http.StatusNotFound, Code: "unknown_country", Message: "no bundle for ZZZ"}

	for _, tc := range []struct {
		name      string
		method    string
		target    string
		form      url.Values
		user      *User
		lang      string
		writable  bool
		fail      *Error
		noReg     *Error
		status    int
		location  string
		contains  []string
		calls     []string
		handler   func(*Pages) func(http.ResponseWriter, *http.Request, *Viewer)
		pathValue map[string]string
	}{
		{name: "server error as a page", method: "GET", target: "/countries/ZZZ", user: auditor, fail: notFound,
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Country },
			status:  404, contains: []string{"<title>404 Not Found – exportrisk</title>", "no bundle for ZZZ", "<code>unknown_country</code>", "audrey"}},
		{name: "error page in German", method: "GET", target: "/?year=x", user: officer, lang: "de",
			fail:    &Error{Status: http.StatusBadRequest, Code: "invalid_year", Message: "year: want a year"},
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Overview },
			status:  400, contains: []string{`<html lang="de">`, "<code>invalid_year</code>", "Angemeldet als"}},
		{name: "assess records for the signed-in name", method: "POST", target: "/countries/KAZ/assess", user: officer,
			form:      url.Values{"case_ref": {"  CASE-1 "}, "as_of": {"2024-01-01"}},
			pathValue: map[string]string{"iso3": "KAZ"},
			handler:   func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Assess },
			status:    303, location: "/decisions/01a209df-94c4-7b86-87e3-843313333a42",
			calls: []string{"assess KAZ 2024-01-01 olivia CASE-1"}},
		{name: "assess refused", method: "POST", target: "/countries/KAZ/assess", user: officer,
			fail:      &Error{Status: http.StatusServiceUnavailable, Code: "store_unavailable", Message: "the decision could not be recorded"},
			pathValue: map[string]string{"iso3": "KAZ"},
			handler:   func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Assess },
			status:    503, contains: []string{"the decision could not be recorded"}, calls: []string{"assess KAZ  olivia "}},
		{name: "decisions: a page before a sequence number", method: "GET", target: "/decisions?country=KAZ&before=5&lang=de", user: auditor,
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Decisions },
			status:  200, calls: []string{"newest KAZ decision <<<<"}},
		{name: "decisions: a bad before is said on the page", method: "GET", target: "/decisions?before=1", user: auditor,
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Decisions },
			status:  200, contains: []string{"before: want a sequence number 2, 3, ... (got &#34;1&#34;)"}},
		{name: "decisions: a bad filter is said on the page", method: "GET", target: "/decisions?since=x", user: auditor,
			fail:    &Error{Status: http.StatusBadRequest, Code: "invalid_filter", Message: "since: want a date"},
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Decisions },
			status:  200, contains: []string{`<p class="error" role="alert">since: want a date</p>`}},
		{name: "evidence: policy staff get the form", method: "GET", target: "/evidence", user: policyStaff, writable: true,
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Evidence },
			status:  200, contains: []string{`id="propose"`, "kaz-2023-06-torture"}},
		{name: "evidence: no register", method: "GET", target: "/evidence", user: policyStaff,
			noReg:   &Error{Status: http.StatusNotFound, Code: "not_found", Message: "this server has no evidence register"},
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Evidence },
			status:  404, contains: []string{"this server has no evidence register"}},
		{name: "evidence: a read-only register", method: "GET", target: "/evidence", user: policyStaff,
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Evidence },
			status:  200, contains: []string{"read-only"}},
		{name: "evidence: a proposal refused is shown with the form", method: "POST", target: "/evidence/proposals", user: policyStaff, writable: true,
			form:    url.Values{"country": {" kaz "}, "summary": {"S"}},
			fail:    &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_evidence", Message: "date: missing"},
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Propose },
			status:  422, contains: []string{"invalid_evidence: date: missing", `value="KAZ"`, `href="/evidence?lang=de"`},
			calls: []string{"propose KAZ S by paul"}},
		{name: "evidence: the proposer cannot approve", method: "GET", target: "/evidence/proposals/kaz-2023-06-torture", user: policyStaff,
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Proposal },
			status:  200, contains: []string{`id="own"`}},
		{name: "evidence: approve", method: "POST", target: "/evidence/proposals/kaz-2023-06-torture/approve", user: officer,
			pathValue: map[string]string{"id": "kaz-2023-06-torture"},
			handler:   func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Approve },
			status:    303, location: "/countries/KAZ", calls: []string{"approve kaz-2023-06-torture by olivia"}},
		{name: "evidence: reject", method: "POST", target: "/evidence/proposals/kaz-2023-06-torture/reject", user: officer,
			form:      url.Values{"reason": {" not public "}},
			pathValue: map[string]string{"id": "kaz-2023-06-torture"},
			handler:   func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Reject },
			status:    303, location: "/evidence", calls: []string{"reject kaz-2023-06-torture by olivia: not public"}},
		{name: "static", method: "GET", target: "/static/style.css", pathValue: map[string]string{"file": "style.css"},
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Static },
			status:  200, contains: []string{"{"}},
		{name: "static: no such file", method: "GET", target: "/static/x.css", pathValue: map[string]string{"file": "../templates/layout.html"},
			handler: func(p *Pages) func(http.ResponseWriter, *http.Request, *Viewer) { return p.Static },
			status:  404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &fakeServer{e: embeddedEngine(t), reg: reg, writable: tc.writable, pending: []evidence.Proposal{proposal}, fail: tc.fail, noReg: tc.noReg}
			pages, err := New(Config{Assessor: srv, Decisions: srv, Evidence: srv, EngineVersion: "test"})
			if err != nil {
				t.Fatal(err)
			}
			var body *strings.Reader
			if tc.form != nil {
				body = strings.NewReader(tc.form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req := httptest.NewRequest(tc.method, tc.target, body)
			if tc.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			for k, v := range tc.pathValue {
				req.SetPathValue(k, v)
			}
			lang := tc.lang
			if lang == "" {
				lang = "en"
			}
			rec := httptest.NewRecorder()
			tc.handler(pages)(rec, req, &Viewer{User: tc.user, Lang: lang})
			if rec.Code != tc.status || rec.Header().Get("Location") != tc.location {
				t.Fatalf("status %d, Location %q; want %d, %q\n%s", rec.Code, rec.Header().Get("Location"), tc.status, tc.location, rec.Body.String())
			}
			for _, s := range tc.contains {
				if !strings.Contains(rec.Body.String(), s) {
					t.Errorf("the page lacks %q:\n%s", s, rec.Body.String())
				}
			}
			if diff := cmp.Diff(tc.calls, srv.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSignIn: the form keeps where to go after signing in, and says why credentials are
// needed (401 with a Bearer challenge) or why they failed.
func TestSignIn(t *testing.T) {
	srv := &fakeServer{e: embeddedEngine(t)}
	pages, err := New(Config{Assessor: srv, Decisions: srv, Evidence: srv, EngineVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status   int
		msg      string
		contains string
	}{
		{http.StatusOK, "", `name="next" value="/decisions?country=KAZ"`},
		{http.StatusUnauthorized, "", `<p role="status">`},
		{http.StatusUnauthorized, "the token is not valid", `id="login-error">the token is not valid</p>`},
	} {
		rec := httptest.NewRecorder()
		pages.SignIn(rec, httptest.NewRequest("GET", "/login", nil), &Viewer{Lang: "en"}, tc.status, tc.msg, "/decisions?country=KAZ")
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("%d %q: got %d, want %q in\n%s", tc.status, tc.msg, rec.Code, tc.contains, rec.Body.String())
		}
		if got, want := rec.Header().Get("WWW-Authenticate") != "", tc.status == http.StatusUnauthorized; got != want {
			t.Errorf("%d %q: WWW-Authenticate %q", tc.status, tc.msg, rec.Header().Get("WWW-Authenticate"))
		}
	}
}

func TestLang(t *testing.T) {
	for _, tc := range []struct {
		query, cookie, accept string
		want                  string
		remembered            bool
	}{
		{want: "en"},
		{query: "de", want: "de", remembered: true},
		{query: "fr", accept: "de-AT,en;q=0.8", want: "de"},
		{cookie: "de", accept: "en", want: "de"},
		{cookie: "xx", accept: "fr, en-GB;q=0.5", want: "en"},
		{accept: "fr, de;q=0.5", want: "de"},
	} {
		req := httptest.NewRequest("GET", "/?lang="+tc.query, nil)
		if tc.cookie != "" {
			req.AddCookie(&http.Cookie{Name: langCookie, Value: tc.cookie})
		}
		req.Header.Set("Accept-Language", tc.accept)
		rec := httptest.NewRecorder()
		got := Lang(rec, req, true)
		set := rec.Header().Get("Set-Cookie")
		if got != tc.want || (set != "") != tc.remembered || (set != "" && !strings.Contains(set, "Secure")) {
			t.Errorf("%+v: %q, Set-Cookie %q", tc, got, set)
		}
	}
}

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"Respect for human rights", 32, "Respect for human rights"},
		{"Internal situation in the country of final destination", 32, "Internal situation in the…"},
		{"Überlegungen zur Lage im Endbestimmungsland", 20, "Überlegungen zur…"},
		{"Abcdefghijklmnopqrstuvwxyz", 10, "Abcdefghij…"},
	} {
		if got := shorten(tc.s, tc.n); got != tc.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
	if got := yearSpan(2012, 2024) + " " + yearSpan(2023, 2023); got != "2012–2024 2023" {
		t.Errorf("yearSpan: %q", got)
	}
}

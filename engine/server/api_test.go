package server

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

var kazVerdicts = []string{"not_critical", "critical", "possibly_critical", "possibly_critical",
	"not_critical", "not_critical", "possibly_critical", "not_critical"}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v in %s", err, rec.Body.String())
	}
	return v
}

func verdictsOf(a AssessmentJSON) []string {
	var vs []string
	for _, c := range a.Criteria {
		vs = append(vs, c.Verdict)
	}
	return vs
}

// TestAssessRecords: an assessment by country or by bundle is recorded under the token's
// name before the answer, which names the decision.
func TestAssessRecords(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	ctx := context.Background()
	kazJSON := worldBundleJSON(t, "KAZ", "2023-12-31")
	kazYAML, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		target, token, body, contentType string
		wantBundle, wantAsOf, wantCase   string
		wantRequester                    string
	}{
		"country":              {"/v1/assessments", officerToken, `{"country": "KAZ"}`, "", "fixtures/curated/KAZ-2026-06-01.yaml", "2026-06-01", "", "olivia"},
		"country lower case":   {"/v1/assessments?case_ref=AG-1", policyToken, `{"country": "kaz"}`, "", "fixtures/curated/KAZ-2026-06-01.yaml", "2026-06-01", "AG-1", "paul"},
		"country as of":        {"/v1/assessments", officerToken, `{"country": "KAZ", "as_of": "2025-01-01", "case_ref": "AG-2"}`, "", "fixtures/world/2023/KAZ-2023-12-31.json", "2023-12-31", "AG-2", "olivia"},
		"bundle JSON":          {"/v1/assessments?case_ref=AG-3", officerToken, string(kazJSON), "application/json", "request body", "2023-12-31", "AG-3", "olivia"},
		"bundle YAML":          {"/v1/assessments", officerToken, string(kazYAML), "application/yaml", "request body", "2026-06-01", "", "olivia"},
		"JSON with charset":    {"/v1/assessments", officerToken, `{"country": "KAZ"}`, "application/json; charset=utf-8", "fixtures/curated/KAZ-2026-06-01.yaml", "2026-06-01", "", "olivia"},
		"bundle without media": {"/v1/assessments", officerToken, string(kazJSON), "-", "request body", "2023-12-31", "", "olivia"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var hdr []string
			switch tc.contentType {
			case "":
			case "-":
				hdr = []string{"Content-Type", ""}
			default:
				hdr = []string{"Content-Type", tc.contentType}
			}
			rec := ts.do(t, "POST", tc.target, tc.token, strings.NewReader(tc.body), hdr...)
			if rec.Code != http.StatusCreated {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			a := decode[AssessmentJSON](t, rec)
			if !a.Recorded || a.DecisionID == "" || a.Bundle != tc.wantBundle || a.AsOf != tc.wantAsOf {
				t.Errorf("recorded %v, decision %q, bundle %q, as of %s", a.Recorded, a.DecisionID, a.Bundle, a.AsOf)
			}
			if got := rec.Header().Get("Location"); got != "/v1/decisions/"+a.DecisionID {
				t.Errorf("Location %q", got)
			}
			stored, err := ts.store.Get(ctx, a.DecisionID)
			if err != nil {
				t.Fatalf("the decision the answer names is not in the store: %v", err)
			}
			if stored.Requester != tc.wantRequester || stored.CaseRef != tc.wantCase || stored.EngineVersion != "test" ||
				stored.InputDigest != a.InputDigest || stored.PolicyRevision != a.PolicyRevision {
				t.Errorf("record: requester %q case %q engine %q", stored.Requester, stored.CaseRef, stored.EngineVersion)
			}
			// The answer is the recorded result, byte for byte, plus three fields.
			var answer map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
				t.Fatal(err)
			}
			delete(answer, "bundle")
			delete(answer, "decision_id")
			delete(answer, "recorded")
			if canon, err := indicators.Canonicalize(answer); err != nil || string(canon) != string(stored.Result) {
				t.Errorf("the answer is not the recorded result (%v)", err)
			}
			if tc.wantAsOf == "2026-06-01" {
				if diff := cmp.Diff(kazVerdicts, verdictsOf(a)); diff != "" {
					t.Errorf("Kazakhstan (-BICC +got):\n%s", diff)
				}
			}
		})
	}
	if rep, err := audit.Verify(ctx, ts.store, audit.VerifyOptions{}); err != nil || !rep.OK() || rep.Records != int64(len(tests)) {
		t.Errorf("verify: %+v %v", rep, err)
	}
}

// TestAssessErrors: every way a request can be wrong gives a 4xx with a stable code and
// a message that helps; nothing is recorded.
func TestAssessErrors(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), func(c *Config) { c.MaxBodyBytes = 4096 })
	invalid, err := fs.ReadFile(fixtures.FS, "curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		target, body, contentType string
		status                    int
		code                      string
		message                   string // a part of the message
	}{
		"malformed JSON":     {"/v1/assessments", "{\n  \"country\": \"KAZ\",\n}", "", 400, CodeMalformedJSON, "line 3, column 1"},
		"truncated JSON":     {"/v1/assessments", `{"country": "KAZ"`, "", 400, CodeMalformedJSON, "not valid JSON"},
		"not an object":      {"/v1/assessments", `["KAZ"]`, "", 400, CodeInvalidRequest, "want a JSON object"},
		"unknown field":      {"/v1/assessments", `{"country": "KAZ", "asof": "2025-01-01"}`, "", 400, CodeUnknownField, `unknown field "asof"`},
		"wrong type":         {"/v1/assessments", `{"country": "KAZ", "as_of": 2025}`, "", 400, CodeInvalidRequest, "as_of"},
		"empty body":         {"/v1/assessments", "", "", 400, CodeInvalidRequest, "empty body"},
		"not a code":         {"/v1/assessments", `{"country": "Kazakhstan"}`, "", 400, CodeInvalidCountry, "ISO 3166-1 alpha-3"},
		"unknown country":    {"/v1/assessments", `{"country": "XYZ"}`, "", 404, CodeUnknownCountry, "no bundle for XYZ"},
		"too early":          {"/v1/assessments", `{"country": "KAZ", "as_of": "2020-01-01"}`, "", 404, CodeNoBundle, "earliest: 2023-12-31"},
		"bad date":           {"/v1/assessments", `{"country": "KAZ", "as_of": "2023"}`, "", 400, CodeInvalidDate, "YYYY-MM-DD"},
		"invalid bundle":     {"/v1/assessments", `{"schema_version": 1, "country": {"iso3": "KAZ", "name_en": "K", "name_de": "K"}, "as_of": "2026-06-01", "indices": {"pts": {"value": 9, "year": 2025, "source": "x"}}, "memberships": {}, "embargoes": [], "evidence": []}`, "", 422, CodeInvalidBundle, "indices.pts.value"},
		"too large":          {"/v1/assessments", string(invalid), "application/yaml", 413, CodeBodyTooLarge, "4096 bytes (server.max_body_bytes)"},
		"form post":          {"/v1/assessments", "country=KAZ", "application/x-www-form-urlencoded", 415, CodeUnsupportedMediaType, "--json"},
		"case ref too long":  {"/v1/assessments?case_ref=" + strings.Repeat("x", 201), `{"country": "KAZ"}`, "", 400, CodeInvalidRequest, "case_ref"},
		"case refs differ":   {"/v1/assessments?case_ref=A", `{"country": "KAZ", "case_ref": "B"}`, "", 400, CodeInvalidRequest, "differ"},
		"unknown parameter":  {"/v1/assessments?dry_run=1", `{"country": "KAZ"}`, "", 400, CodeInvalidRequest, `"dry_run"`},
		"case ref with tabs": {"/v1/assessments?case_ref=a%09b", `{"country": "KAZ"}`, "", 400, CodeInvalidRequest, "control character U+0009"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var hdr []string
			if tc.contentType != "" {
				hdr = []string{"Content-Type", tc.contentType}
			}
			rec := ts.do(t, "POST", tc.target, officerToken, strings.NewReader(tc.body), hdr...)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			e := decode[ErrorBody](t, rec).Error
			if e.Code != tc.code || !strings.Contains(e.Message, tc.message) {
				t.Errorf("error %s %q, want %s with %q", e.Code, e.Message, tc.code, tc.message)
			}
			if tc.code == CodeInvalidBundle && (len(e.Problems) == 0 || e.Problems[0].Path != "indices.pts.value" || e.Problems[0].Line == 0) {
				t.Errorf("problems: %+v", e.Problems)
			}
		})
	}
	if n, _ := ts.store.Count(context.Background(), audit.Filter{}); n != 0 {
		t.Errorf("%d decisions recorded by failed requests", n)
	}
}

func TestCountries(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "GET", "/v1/countries", auditorToken, nil)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	w := decode[engine.World](t, rec)
	var isos []string
	for _, c := range w.Countries {
		isos = append(isos, c.ISO3)
	}
	if diff := cmp.Diff([]string{"DEU", "KAZ", "RUS"}, isos); diff != "" || w.PolicyRevision == "" {
		t.Errorf("countries (-want +got):\n%s", diff)
	}

	rec = ts.do(t, "GET", "/v1/countries/kaz", officerToken, nil)
	a := decode[AssessmentJSON](t, rec)
	if rec.Code != 200 || a.Recorded || a.DecisionID != "" || a.Bundle != "fixtures/curated/KAZ-2026-06-01.yaml" {
		t.Errorf("%d: recorded %v, bundle %s", rec.Code, a.Recorded, a.Bundle)
	}
	if diff := cmp.Diff(kazVerdicts, verdictsOf(a)); diff != "" {
		t.Errorf("(-BICC +got):\n%s", diff)
	}
	rec = ts.do(t, "GET", "/v1/countries/KAZ?as_of=2024-06-30", officerToken, nil)
	if a := decode[AssessmentJSON](t, rec); rec.Code != 200 || a.AsOf != "2023-12-31" {
		t.Errorf("as_of: %d %s", rec.Code, a.AsOf)
	}
	for target, code := range map[string]string{
		"/v1/countries/XYZ":                                  CodeUnknownCountry,
		"/v1/countries/KAZAKHSTAN":                           CodeInvalidCountry,
		"/v1/countries/KAZ?as_of=2001-01-01":                 CodeNoBundle,
		"/v1/countries/KAZ?as_of=yesterday":                  CodeInvalidDate,
		"/v1/countries/KAZ?lang=de":                          CodeInvalidRequest,
		"/v1/countries?sort=name":                            CodeInvalidRequest,
		"/v1/countries/KAZ/criteria":                         CodeNotFound,
		"/v1/decisions/not-a-uuid":                           CodeInvalidDecisionID,
		"/v1/decisions/01a209df-94c4-7b86-87e3-843313333a42": CodeUnknownDecision,
	} {
		rec := ts.do(t, "GET", target, officerToken, nil)
		if e := decode[ErrorBody](t, rec).Error; e.Code != code || rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("GET %s: %d %s %q, want %s", target, rec.Code, e.Code, e.Message, code)
		}
	}
	rec = ts.do(t, "DELETE", "/v1/countries/KAZ", officerToken, nil)
	if e := decode[ErrorBody](t, rec).Error; rec.Code != 405 || e.Code != CodeMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE: %d %s, Allow %q", rec.Code, e.Code, rec.Header().Get("Allow"))
	}
}

// TestDecisionsReplayVerify: list with the audit list filters, show, replay (MATCH),
// verify; a tampered record cannot be replayed and verify names it.
func TestDecisionsReplayVerify(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	var ids []string
	for _, body := range []string{`{"country": "KAZ"}`, `{"country": "DEU"}`, `{"country": "RUS", "case_ref": "R-1"}`} {
		rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(body))
		if rec.Code != 201 {
			t.Fatalf("%s: %d %s", body, rec.Code, rec.Body.String())
		}
		ids = append(ids, decode[AssessmentJSON](t, rec).DecisionID)
	}
	list := func(query string) []string {
		t.Helper()
		rec := ts.do(t, "GET", "/v1/decisions"+query, auditorToken, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body.String())
		}
		var out []string
		for _, s := range decode[DecisionList](t, rec).Decisions {
			out = append(out, s.Country)
		}
		return out
	}
	for query, want := range map[string][]string{
		"":                        {"KAZ", "DEU", "RUS"},
		"?country=deu":            {"DEU"},
		"?verdict=dark_red":       {"RUS"},
		"?verdict=critical":       {"KAZ", "RUS"},
		"?requester=olivia":       {"KAZ", "DEU", "RUS"},
		"?requester=paul":         nil,
		"?since=2000-01-01":       {"KAZ", "DEU", "RUS"},
		"?until=2000-01-01":       nil,
		"?limit=2":                {"KAZ", "DEU"},
		"?limit=2&from_seq=3":     {"RUS"},
		"?country=KAZ&limit=1000": {"KAZ"},
	} {
		if diff := cmp.Diff(want, list(query)); diff != "" {
			t.Errorf("GET /v1/decisions%s (-want +got):\n%s", query, diff)
		}
	}
	rec := ts.do(t, "GET", "/v1/decisions?limit=2", auditorToken, nil)
	if next := decode[DecisionList](t, rec).Next; next != "/v1/decisions?from_seq=3&limit=2" {
		t.Errorf("next = %q", next)
	}
	for _, q := range []string{"?verdict=red", "?since=yesterday", "?limit=0", "?limit=1001", "?from_seq=-1", "?country=Germany",
		"?since=2026-02-01&until=2026-01-01"} {
		rec := ts.do(t, "GET", "/v1/decisions"+q, auditorToken, nil)
		if e := decode[ErrorBody](t, rec).Error; rec.Code != 400 || e.Code != CodeInvalidFilter {
			t.Errorf("%s: %d %s", q, rec.Code, e.Code)
		}
	}

	rec = ts.do(t, "GET", "/v1/decisions/"+ids[2], officerToken, nil)
	r := decode[audit.RecordV1](t, rec)
	if rec.Code != 200 || r.DecisionID != ids[2] || r.CaseRef != "R-1" || r.Seq != 3 || len(r.Input) == 0 || len(r.Result) == 0 {
		t.Errorf("GET decision: %d %+v", rec.Code, r.Summary())
	}

	rec = ts.do(t, "POST", "/v1/decisions/"+ids[0]+"/replay", auditorToken, nil)
	rp := decode[ReplayJSON](t, rec)
	if rec.Code != 200 || !rp.Match || rp.DecisionID != ids[0] || rp.PolicyFiles == 0 || rp.Diff != "" {
		t.Errorf("replay: %d %+v", rec.Code, rp)
	}
	rec = ts.do(t, "GET", "/v1/audit/verify", auditorToken, nil)
	v := decode[VerifyJSON](t, rec)
	if rec.Code != 200 || !v.OK || v.Records != 3 || v.Head.Seq != 3 {
		t.Errorf("verify: %d %s", rec.Code, rec.Body.String())
	}

	// Change one byte of the second record's case reference in the database.
	tamper(t, ts.store, ids[1])
	rec = ts.do(t, "POST", "/v1/decisions/"+ids[1]+"/replay", auditorToken, nil)
	if e := decode[ErrorBody](t, rec).Error; rec.Code != 409 || e.Code != CodeReplayFailed || !strings.Contains(e.Message, "no longer matches its hash") {
		t.Errorf("replay of a changed record: %d %s %q", rec.Code, e.Code, e.Message)
	}
	rec = ts.do(t, "GET", "/v1/audit/verify", auditorToken, nil)
	v = decode[VerifyJSON](t, rec)
	if rec.Code != 200 || v.OK || v.Problem() == nil || v.Problem().Seq != 2 || v.Problem().Kind != audit.Changed {
		t.Errorf("verify after tampering: %d %s", rec.Code, rec.Body.String())
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	if rec := ts.do(t, "GET", "/healthz", "", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body.String())
	}
	rec := ts.do(t, "GET", "/readyz", "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ready"`) || !strings.Contains(rec.Body.String(), `"countries": 3`) {
		t.Errorf("readyz: %d %s", rec.Code, rec.Body.String())
	}
	if rec := ts.do(t, "GET", "/v1/openapi.json", "", nil); rec.Code != 200 || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("openapi: %d", rec.Code)
	}
	ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
	ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "XYZ"}`))
	rec = ts.do(t, "GET", "/metrics", auditorToken, nil)
	body := rec.Body.String()
	for _, want := range []string{
		`exportrisk_http_requests_total{code="201",route="POST /v1/assessments"} 1`,
		`exportrisk_http_requests_total{code="404",route="POST /v1/assessments"} 1`,
		`exportrisk_http_request_duration_seconds_count{route="POST /v1/assessments"} 2`,
		`exportrisk_verdicts_total{criterion="2",verdict="critical"} 1`,
		`exportrisk_verdicts_total{criterion="1",verdict="not_critical"} 1`,
		`exportrisk_verdicts_total{criterion="8",verdict="critical"} 0`,
		`exportrisk_overall_total{class="light_red"} 1`,
		`exportrisk_decisions_recorded_total 1`,
		`exportrisk_assessments_total{input="library"} 1`,
		`exportrisk_policy_info{revision="` + ts.Engine().Policies().Revision + `"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if regexp.MustCompile(`(?i)bearer|ert_test`).MatchString(body) {
		t.Error("a token in the metrics")
	}
}

func TestReload(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	before := ts.World()
	// Another engine for the same files: the same revision, a new overview.
	e, err := engine.New(context.Background(), ts.Engine().Policies())
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.Reload(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if ts.Engine() != e || ts.World() == before || ts.World().PolicyRevision != before.PolicyRevision || len(ts.World().Countries) != 3 {
		t.Errorf("reload did not switch to the new engine and overview")
	}
	if rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "DEU"}`)); rec.Code != 201 {
		t.Errorf("after reload: %d %s", rec.Code, rec.Body.String())
	}
}

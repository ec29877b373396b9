package server

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/safetext"
)

// AssessmentJSON is the answer of POST /v1/assessments and GET /v1/countries/{iso3}: the
// engine's result (decision data, result contract 2: verdicts, reason codes with basis and
// vars, values with provenance; no text), where the bundle came from, and whether (and as
// which decision) it was recorded. exportrisk assess --format json adds names, messages and
// legends to the same data (present.Document).
type AssessmentJSON struct {
	*engine.Result
	Bundle     string `json:"bundle"`
	DecisionID string `json:"decision_id,omitempty"`
	Recorded   bool   `json:"recorded"`
}

// cachedBundle is a library bundle's input (parsed, with its canonical JSON) and where it
// came from.
type cachedBundle struct {
	in     *engine.Input
	source string
}

var iso3Pattern = regexp.MustCompile(`^[A-Za-z]{3}$`)

// errShuttingDown: a decision arrived after the server stopped recording.
var errShuttingDown = errors.New("the server is shutting down")

// apiAssess is POST /v1/assessments: a bundle in the body, or {"country", "as_of"} for a
// shipped bundle. The decision is recorded before the answer is written; if it cannot
// be recorded, no result is returned.
func (s *Server) apiAssess(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	req, aerr := s.readAssessRequest(w, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	st := s.state.Load()
	a, err := st.e.AssessInput(r.Context(), req.in)
	if err != nil {
		writeError(w, apiErr(http.StatusInternalServerError, CodePolicyError, "the policies failed on the bundle: %v", err))
		return
	}
	a.Source = req.source
	s.metrics.assessed.WithLabelValues(req.kind).Inc()
	if s.testHookBeforeRecord != nil {
		s.testHookBeforeRecord()
	}
	rec, err := s.record(r.Context(), a, rc.p.Name, req.caseRef)
	if err != nil {
		s.metrics.recordErr.Inc()
		if errors.Is(err, errShuttingDown) {
			writeError(w, apiErr(http.StatusServiceUnavailable, CodeShuttingDown, "the server is shutting down; the decision was not recorded and no result is returned"))
			return
		}
		s.cfg.Logger.Error("decision not recorded", "err", err)
		writeError(w, apiErr(http.StatusServiceUnavailable, CodeStoreUnavailable, "the decision could not be recorded, so no result is returned (the server log says why)"))
		return
	}
	w.Header().Set("Location", "/v1/decisions/"+rec.DecisionID)
	writeRawJSON(w, http.StatusCreated, recordedAssessment(rec, a.Source))
}

// recordedAssessment is the answer to a recorded assessment: the result exactly as
// recorded (canonical JSON: keys sorted, no white space), with bundle, decision_id and
// recorded added at the end. It is AssessmentJSON without encoding the result again.
func recordedAssessment(rec *audit.RecordV1, source string) []byte {
	src, _ := json.Marshal(source)
	out := make([]byte, 0, len(rec.Result)+len(src)+96)
	out = append(out, bytes.TrimSuffix(rec.Result, []byte("}"))...)
	out = append(out, `,"bundle":`...)
	out = append(out, src...)
	out = append(out, `,"decision_id":"`...)
	out = append(out, rec.DecisionID...)
	out = append(out, `","recorded":true}`+"\n"...)
	return out
}

// record records a decision unless the server has stopped recording (Run, at shutdown,
// waits for every recording under way, then refuses new ones). A client that goes away
// does not cancel a recording.
func (s *Server) record(ctx context.Context, a *engine.Assessment, requester, caseRef string) (*audit.RecordV1, error) {
	s.recMu.RLock()
	defer s.recMu.RUnlock()
	if s.recClosed {
		return nil, errShuttingDown
	}
	rec, err := s.recorder.Record(context.WithoutCancel(ctx), a, requester, caseRef)
	if err != nil {
		return nil, err
	}
	s.metrics.decided(a.Result)
	return rec, nil
}

// stopRecording waits for the recordings under way and refuses new ones.
func (s *Server) stopRecording() {
	s.recMu.Lock()
	s.recClosed = true
	s.recMu.Unlock()
}

// assessRequest is a validated assessment request.
type assessRequest struct {
	in      *engine.Input
	source  string // library path, or "request body"
	kind    string // library or bundle
	caseRef string
}

// assessByCountry is the body asking for a shipped bundle.
type assessByCountry struct {
	Country string `json:"country"`
	AsOf    string `json:"as_of"`
	CaseRef string `json:"case_ref"`
}

func (s *Server) readAssessRequest(w http.ResponseWriter, r *http.Request) (*assessRequest, *APIError) {
	if aerr := checkQuery(r, "case_ref"); aerr != nil {
		return nil, aerr
	}
	isYAML := false
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			return nil, apiErr(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "Content-Type %q cannot be read", ct)
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		case mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml":
			isYAML = true
		default:
			return nil, apiErr(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
				"Content-Type %s: send Content-Type: application/json (a bundle, or {\"country\": \"KAZ\"}) or application/yaml (a bundle); with curl use --json", mt)
		}
	}
	body, aerr := s.readBody(w, r)
	if aerr != nil {
		return nil, aerr
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, `empty body: send a bundle, or {"country": "KAZ"} for a shipped one`)
	}
	caseRef := r.URL.Query().Get("case_ref")
	req := &assessRequest{}
	if !isYAML {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			return nil, jsonError(body, err, `want a JSON object: a bundle, or {"country": "KAZ", "as_of": "2026-06-01"}`)
		}
		if c := top["country"]; len(c) > 0 && c[0] == '"' {
			var byCountry assessByCountry
			if aerr := decodeStrict(body, &byCountry, "a request for a shipped bundle has the fields country, as_of and case_ref"); aerr != nil {
				return nil, aerr
			}
			cb, aerr := s.libraryBundle(byCountry.Country, byCountry.AsOf)
			if aerr != nil {
				return nil, aerr
			}
			if byCountry.CaseRef != "" && caseRef != "" && byCountry.CaseRef != caseRef {
				return nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "case_ref %q in the body and %q in the query differ", byCountry.CaseRef, caseRef)
			}
			if byCountry.CaseRef != "" {
				caseRef = byCountry.CaseRef
			}
			req = &assessRequest{in: cb.in, source: cb.source, kind: "library"}
		}
	}
	if req.in == nil {
		select {
		case s.parsing <- struct{}{}:
			defer func() { <-s.parsing }()
		case <-r.Context().Done():
			return nil, apiErr(http.StatusServiceUnavailable, CodeShuttingDown, "the request ended while waiting to be parsed")
		}
		b, err := indicators.Parse("request body", body)
		if err != nil {
			return nil, bundleError(err)
		}
		in, err := engine.NewInput(b)
		if err != nil {
			return nil, apiErr(http.StatusInternalServerError, CodeInternal, "the bundle's input: %v", err)
		}
		req = &assessRequest{in: in, source: "request body", kind: "bundle"}
	}
	if aerr := checkCaseRef(caseRef); aerr != nil {
		return nil, aerr
	}
	req.caseRef = caseRef
	return req, nil
}

// readBody reads the request body up to server.max_body_bytes.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *APIError) {
	limit := s.cfg.MaxBodyBytes
	tooLarge := apiErr(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
		"the request body is larger than %d bytes (server.max_body_bytes)", limit)
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, tooLarge
	case err != nil:
		return nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "cannot read the request body: %v", err)
	}
	return body, nil
}

// jsonError explains why data is not what was wanted: malformed JSON with its line and
// column, or JSON of the wrong shape.
func jsonError(data []byte, err error, want string) *APIError {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(data, se.Offset)
		return &APIError{Status: http.StatusBadRequest, Code: CodeMalformedJSON,
			Message:  fmt.Sprintf("the body is not valid JSON: line %d, column %d: %v", line, col, se),
			Problems: []Problem{{Line: line, Message: se.Error()}}}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return apiErr(http.StatusBadRequest, CodeMalformedJSON, "the body is not valid JSON: it ends too early")
	}
	return apiErr(http.StatusBadRequest, CodeInvalidRequest, "%s", want)
}

// position returns the line and column (1-based) of a byte offset.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

// decodeStrict decodes a JSON object into v, refusing fields v does not have.
func decodeStrict(data []byte, v any, fields string) *APIError {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &APIError{Status: http.StatusBadRequest, Code: CodeUnknownField,
			Message:  fmt.Sprintf("unknown field %q: %s", field, fields),
			Problems: []Problem{{Path: field, Message: "unknown field"}}}
	case errors.As(err, &te):
		return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
			Message:  fmt.Sprintf("%s: want a %s (got %s)", te.Field, te.Type, te.Value),
			Problems: []Problem{{Path: te.Field, Message: fmt.Sprintf("want a %s (got %s)", te.Type, te.Value)}}}
	default:
		return jsonError(data, err, "want a JSON object")
	}
}

// bundleError turns a bundle validation error into invalid_bundle with every problem.
func bundleError(err error) *APIError {
	var verr *indicators.ValidationError
	if !errors.As(err, &verr) {
		return apiErr(http.StatusUnprocessableEntity, CodeInvalidBundle, "the bundle cannot be read: %v", err)
	}
	e := &APIError{Status: http.StatusUnprocessableEntity, Code: CodeInvalidBundle}
	for _, p := range verr.Problems {
		e.Problems = append(e.Problems, Problem{Line: p.Line, Path: p.Path, Message: p.Message})
	}
	if verr.More > 0 {
		e.Problems = append(e.Problems, Problem{Message: fmt.Sprintf("%d more problems not listed (at most %d are)", verr.More, indicators.MaxProblems)})
	}
	first := ""
	if len(verr.Problems) > 0 {
		p := verr.Problems[0]
		first = p.Message
		if p.Path != "" {
			first = p.Path + ": " + first
		}
		if p.Line > 0 {
			first = fmt.Sprintf("line %d: %s", p.Line, first)
		}
	}
	e.Message = fmt.Sprintf("the bundle is not valid: %d problem(s), the first: %s", len(verr.Problems)+verr.More, first)
	return e
}

// MaxCaseRef is the longest case reference recorded, in characters.
const MaxCaseRef = 200

// checkCaseRef refuses a case reference with a control character, an ANSI escape or a
// bidi override (U+202E), or longer than MaxCaseRef.
func checkCaseRef(ref string) *APIError {
	if len(ref) > 4*MaxCaseRef {
		return apiErr(http.StatusBadRequest, CodeInvalidRequest, "case_ref: at most %d characters (got %d bytes)", MaxCaseRef, len(ref))
	}
	if err := safetext.Check(ref, safetext.Line, MaxCaseRef); err != nil {
		return apiErr(http.StatusBadRequest, CodeInvalidRequest, "case_ref: %v", err)
	}
	return nil
}

// checkQuery refuses query parameters a route does not read.
func checkQuery(r *http.Request, allowed ...string) *APIError {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apiErr(http.StatusBadRequest, CodeInvalidRequest, "the query cannot be read: %v", err)
	}
	for k := range q {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			if len(allowed) == 0 {
				return apiErr(http.StatusBadRequest, CodeInvalidRequest, "unknown query parameter %q: this route takes none", k)
			}
			return apiErr(http.StatusBadRequest, CodeInvalidRequest, "unknown query parameter %q: want %s", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// libraryBundle finds the country's latest shipped bundle on or before asOf ("" for the
// latest), parsed once and kept.
func (s *Server) libraryBundle(iso3, asOf string) (*cachedBundle, *APIError) {
	if !iso3Pattern.MatchString(iso3) {
		return nil, apiErr(http.StatusBadRequest, CodeInvalidCountry, "country: want an ISO 3166-1 alpha-3 code such as KAZ (got %q)", iso3)
	}
	iso := strings.ToUpper(iso3)
	if asOf != "" {
		if _, err := time.Parse(time.DateOnly, asOf); err != nil {
			return nil, apiErr(http.StatusBadRequest, CodeInvalidDate, "as_of: want a date YYYY-MM-DD (got %q)", asOf)
		}
	}
	lib := s.cfg.Library
	if len(lib.Entries(iso)) == 0 {
		return nil, apiErr(http.StatusNotFound, CodeUnknownCountry,
			"no bundle for %s in the library: not a country it has (GET /v1/countries lists the %d it has)", iso, len(lib.Countries()))
	}
	entry, err := lib.Find(iso, asOf)
	if errors.Is(err, indicators.ErrFutureAsOf) {
		return nil, apiErr(http.StatusBadRequest, CodeInvalidDate, "as_of: %v", err)
	}
	if err != nil {
		return nil, apiErr(http.StatusNotFound, CodeNoBundle, "%v", err)
	}
	if cb, ok := s.bundles.Load(entry.Path); ok {
		return cb.(*cachedBundle), nil
	}
	b, err := lib.Load(entry)
	if err != nil {
		return nil, apiErr(http.StatusInternalServerError, CodeInternal, "shipped bundle %s: %v", entry.Path, err)
	}
	in, err := engine.NewInput(b)
	if err != nil {
		return nil, apiErr(http.StatusInternalServerError, CodeInternal, "shipped bundle %s: %v", entry.Path, err)
	}
	cb, _ := s.bundles.LoadOrStore(entry.Path, &cachedBundle{in: in, source: lib.Name() + "/" + entry.Path})
	return cb.(*cachedBundle), nil
}

// apiCountries is GET /v1/countries: the world overview computed at start.
func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, s.World())
}

// apiCountry is GET /v1/countries/{iso3}: the assessment of the country's latest bundle
// (computed at start), or with ?as_of= of its latest bundle on or before that date. It
// is not recorded: POST /v1/assessments records.
func (s *Server) apiCountry(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r, "as_of"); aerr != nil {
		writeError(w, aerr)
		return
	}
	a, aerr := s.countryAssessment(r.Context(), r.PathValue("iso3"), r.URL.Query().Get("as_of"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, AssessmentJSON{Result: a.Result, Bundle: a.Source})
}

// countryAssessment returns the assessment of a country's latest bundle on or before
// asOf: from the world overview when asOf is "", else evaluated now.
func (s *Server) countryAssessment(ctx context.Context, iso3, asOf string) (*engine.Assessment, *APIError) {
	st := s.state.Load()
	if asOf == "" && iso3Pattern.MatchString(iso3) {
		if ca, ok := st.world.Country(strings.ToUpper(iso3)); ok {
			return ca.Assessment, nil
		}
	}
	cb, aerr := s.libraryBundle(iso3, asOf)
	if aerr != nil {
		return nil, aerr
	}
	a, err := st.e.AssessInput(ctx, cb.in)
	if err != nil {
		return nil, apiErr(http.StatusInternalServerError, CodePolicyError, "the policies failed on %s: %v", cb.source, err)
	}
	a.Source = cb.source
	return a, nil
}

// DecisionList is the answer of GET /v1/decisions.
type DecisionList struct {
	Decisions []audit.Summary `json:"decisions"`
	// Next is the URL of the next page when the limit was reached.
	Next string `json:"next,omitempty"`
}

const (
	defaultListLimit = 100
	maxListLimit     = 1000
)

// decisionFilter reads the filters of audit list from a query: country, since, until,
// verdict, requester, kind, limit, and from_seq for paging.
func decisionFilter(q url.Values, defaultLimit int) (audit.Filter, *APIError) {
	f := audit.Filter{Country: strings.ToUpper(q.Get("country")), Verdict: q.Get("verdict"), Requester: q.Get("requester"),
		Kind: q.Get("kind"), Limit: defaultLimit}
	bad := func(format string, args ...any) (audit.Filter, *APIError) {
		return f, apiErr(http.StatusBadRequest, CodeInvalidFilter, format, args...)
	}
	if f.Country != "" && !iso3Pattern.MatchString(f.Country) {
		return bad("country: want an ISO 3166-1 alpha-3 code such as KAZ (got %q)", q.Get("country"))
	}
	var err error
	if f.Since, err = audit.ParseFilterTime(q.Get("since"), false); err != nil {
		return bad("since: %v", err)
	}
	if f.Until, err = audit.ParseFilterTime(q.Get("until"), true); err != nil {
		return bad("until: %v", err)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return bad("limit: want 1..%d (got %q)", maxListLimit, v)
		}
		f.Limit = n
	}
	if v := q.Get("from_seq"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return bad("from_seq: want a sequence number 1, 2, ... (got %q)", v)
		}
		f.FromSeq = n
	}
	if err := f.Validate(); err != nil {
		return bad("%v", err)
	}
	return f, nil
}

var filterParams = []string{"country", "since", "until", "verdict", "requester", "kind", "limit", "from_seq"}

// apiDecisions is GET /v1/decisions: recorded decisions, oldest first, a page at a time.
func (s *Server) apiDecisions(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r, filterParams...); aerr != nil {
		writeError(w, aerr)
		return
	}
	f, aerr := decisionFilter(r.URL.Query(), defaultListLimit)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	list, err := s.cfg.Store.List(r.Context(), f)
	if err != nil {
		writeError(w, s.storeError(err))
		return
	}
	out := DecisionList{Decisions: list}
	if out.Decisions == nil {
		out.Decisions = []audit.Summary{}
	}
	if len(list) == f.Limit {
		q := r.URL.Query()
		q.Set("from_seq", strconv.FormatInt(list[len(list)-1].Seq+1, 10))
		out.Next = "/v1/decisions?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// storeError answers a store failure. The cause goes to the server log only: it can name
// the database file or the DSN's host, which are not for every token holder to see.
func (s *Server) storeError(err error) *APIError {
	s.cfg.Logger.Error("audit store", "err", err)
	return apiErr(http.StatusServiceUnavailable, CodeStoreUnavailable, "the audit store cannot be read (the server log says why)")
}

// getRecord reads the record of the route's {id}.
func (s *Server) getRecord(ctx context.Context, id string) (*audit.RecordV1, *APIError) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return nil, apiErr(http.StatusBadRequest, CodeInvalidDecisionID, "decision id: want a UUID such as 01a209df-94c4-7b86-87e3-843313333a42 (got %q)", id)
	}
	rec, err := s.cfg.Store.Get(ctx, strings.ToLower(id))
	switch {
	case errors.Is(err, audit.ErrNotFound):
		return nil, apiErr(http.StatusNotFound, CodeUnknownDecision, "no decision %s (GET /v1/decisions lists them)", id)
	case err != nil:
		return nil, s.storeError(err)
	}
	return rec, nil
}

// apiDecision is GET /v1/decisions/{id}: the full record (input and result included).
func (s *Server) apiDecision(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	rec, aerr := s.getRecord(r.Context(), r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// ReplayJSON is the answer of POST /v1/decisions/{id}/replay.
type ReplayJSON struct {
	DecisionID     string   `json:"decision_id"`
	Seq            int64    `json:"seq"`
	Match          bool     `json:"match"` // the replayed result is byte for byte the recorded one
	PolicyRevision string   `json:"policy_revision"`
	PolicyFiles    int      `json:"policy_files"` // archived files of the revision
	RecordedWith   string   `json:"recorded_with"`
	ReplayedWith   string   `json:"replayed_with"`
	Changes        []Change `json:"changes,omitempty"` // verdicts that differ
	Diff           string   `json:"diff,omitempty"`    // the full difference, -recorded +replayed
}

// Change is a verdict that a replay gave differently.
type Change struct {
	What     string `json:"what"` // "overall" or "criterion N"
	Recorded string `json:"recorded"`
	Replayed string `json:"replayed"`
}

// replay replays a record and describes the outcome.
func (s *Server) replay(ctx context.Context, rec *audit.RecordV1) (*ReplayJSON, *APIError) {
	out, err := s.replayer.Replay(ctx, rec)
	if err != nil {
		s.metrics.replays.WithLabelValues("failed").Inc()
		return nil, apiErr(http.StatusConflict, CodeReplayFailed, "%v", err)
	}
	rj := &ReplayJSON{DecisionID: rec.DecisionID, Seq: rec.Seq, Match: out.Match, PolicyRevision: out.Revision,
		PolicyFiles: out.Files, RecordedWith: rec.EngineVersion, ReplayedWith: s.cfg.EngineVersion, Diff: out.Diff}
	if out.Match {
		s.metrics.replays.WithLabelValues("match").Inc()
		return rj, nil
	}
	s.metrics.replays.WithLabelValues("differs").Inc()
	if recorded, err := rec.DecodeResult(); err == nil && out.Replayed != nil {
		rj.Changes = changes(recorded, out.Replayed)
	}
	if rj.Diff == "" {
		rj.Diff = cmp.Diff(string(rec.Result), "(replayed result differs)")
	}
	return rj, nil
}

// changes lists the verdicts that differ between two results.
func changes(a, b *engine.Result) []Change {
	var out []Change
	if a.Overall != b.Overall {
		out = append(out, Change{What: "overall", Recorded: a.Overall, Replayed: b.Overall})
	}
	for i := range max(len(a.Criteria), len(b.Criteria)) {
		var va, vb string
		if i < len(a.Criteria) {
			va = a.Criteria[i].Verdict
		}
		if i < len(b.Criteria) {
			vb = b.Criteria[i].Verdict
		}
		if va != vb {
			out = append(out, Change{What: fmt.Sprintf("criterion %d", i+1), Recorded: va, Replayed: vb})
		}
	}
	return out
}

// apiReplay is POST /v1/decisions/{id}/replay.
func (s *Server) apiReplay(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	rec, aerr := s.getRecord(r.Context(), r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	rj, aerr := s.replay(r.Context(), rec)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, rj)
}

// VerifyJSON is the answer of GET /v1/audit/verify.
type VerifyJSON struct {
	OK bool `json:"ok"`
	*audit.VerifyReport
}

// apiVerify is GET /v1/audit/verify: the whole log checked (audit.Verify), against the
// checkpoints of the witness directory if the server signs checkpoints.
func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	opts, err := s.verifyOptions()
	if err != nil {
		writeError(w, apiErr(http.StatusInternalServerError, CodeInternal, "%v", err))
		return
	}
	rep, err := audit.Verify(r.Context(), s.cfg.Store, opts)
	if err != nil {
		writeError(w, s.storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, VerifyJSON{OK: rep.OK(), VerifyReport: rep})
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is ready while the server is not shutting down and the store answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
		return
	}
	if _, err := s.cfg.Store.Head(r.Context()); err != nil {
		s.cfg.Logger.Warn("not ready: audit store", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "audit store unavailable"})
		return
	}
	if s.cfg.StoreWritable != nil {
		if err := s.cfg.StoreWritable(r.Context()); err != nil {
			s.cfg.Logger.Warn("not ready: audit store cannot take decisions", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "audit store cannot take decisions"})
			return
		}
	}
	st := s.state.Load()
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "policy_revision": st.e.Policies().Revision,
		"countries": len(st.world.Countries), "engine_version": s.cfg.EngineVersion})
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	w.Header().Set("Cache-Control", "no-store")
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

//go:embed openapi.json
var openAPI []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}

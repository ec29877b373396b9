package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Error codes of the API. They are stable: clients may rely on them; messages may change.
const (
	CodeUnauthorized         = "unauthorized"           // 401: no token, or not a valid one
	CodeForbidden            = "forbidden"              // 403: the token's role may not do this
	CodeNotFound             = "not_found"              // 404: no such route
	CodeMethodNotAllowed     = "method_not_allowed"     // 405
	CodeMalformedJSON        = "malformed_json"         // 400: the body is not JSON
	CodeUnknownField         = "unknown_field"          // 400: a field the request does not have
	CodeInvalidRequest       = "invalid_request"        // 400: anything else wrong with the request
	CodeInvalidCountry       = "invalid_country"        // 400: not an ISO 3166-1 alpha-3 code
	CodeInvalidDate          = "invalid_date"           // 400: not YYYY-MM-DD
	CodeInvalidFilter        = "invalid_filter"         // 400: a decision filter that cannot be read
	CodeInvalidDecisionID    = "invalid_decision_id"    // 400: not a UUID
	CodeInvalidYear          = "invalid_year"           // 400: not a year such as 2023
	CodeNoYear               = "no_year"                // 404: no shipped bundles dated 31 December of that year
	CodeBodyTooLarge         = "body_too_large"         // 413: larger than server.max_body_bytes
	CodeUnsupportedMediaType = "unsupported_media_type" // 415: not JSON or YAML
	CodeInvalidBundle        = "invalid_bundle"         // 422: the bundle fails validation; see problems
	CodeUnknownCountry       = "unknown_country"        // 404: no bundle of this country in the library
	CodeNoBundle             = "no_bundle"              // 404: no bundle of the country on or before as_of
	CodeUnknownDecision      = "unknown_decision"       // 404: no decision with this id
	CodeReplayFailed         = "replay_failed"          // 409: the record cannot be replayed (tampered, not archived)
	CodeReportUnavailable    = "report_unavailable"     // 409: the record's reasons cannot be worded with the policies it was decided under
	CodePolicyError          = "policy_error"           // 500: the policies failed on the bundle
	CodeStoreUnavailable     = "store_unavailable"      // 503: the audit store cannot be read or written
	CodeShuttingDown         = "shutting_down"          // 503: the server is stopping
	CodeInternal             = "internal"               // 500
	CodeInvalidEvidence      = "invalid_evidence"       // 422: an evidence item fails the register's validation; see problems
)

// ErrorBody is the JSON body of every API error.
type ErrorBody struct {
	Error APIError `json:"error"`
}

// APIError is an error with a stable code, a message for people, and for an invalid
// bundle every problem found.
type APIError struct {
	Status   int       `json:"-"`
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one thing wrong with a request body: where (line, field path) and what.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Text is the error for a reader: its message, then every problem beyond the first, one per line.
func (e *APIError) Text() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, p := range e.Problems[min(1, len(e.Problems)):] {
		b.WriteString("\n")
		if p.Path != "" {
			b.WriteString(p.Path + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

func apiErr(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// writeError writes an API error as JSON.
func writeError(w http.ResponseWriter, e *APIError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="exportrisk"`)
	}
	writeJSON(w, e.Status, ErrorBody{Error: *e})
}

// writeJSON writes v as indented JSON (without HTML escaping, as the CLI writes it).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	var b []byte
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"cannot encode the response"}}` + "\n")
	} else {
		b = buf.Bytes()
	}
	writeRawJSON(w, status, b)
}

func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

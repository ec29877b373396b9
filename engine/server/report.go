package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/present"
)

// Report formats of GET /v1/decisions/{id}/report: the formats of assess --format.
var reportFormats = []string{"json", "markdown"}

// apiDecisionReport is GET /v1/decisions/{id}/report?format=json|markdown&lang=en|de: the
// recorded decision worded by engine/present as assess --format json|markdown words an
// assessment (the JSON document with display names, messages and citations; the Markdown
// report ending with the decision id). The record's bundle file name is not recorded, so
// the report does not name one. Same access as GET /v1/decisions/{id}.
func (s *Server) apiDecisionReport(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r, "format", "lang"); aerr != nil {
		writeError(w, aerr)
		return
	}
	q := r.URL.Query()
	format, lang := q.Get("format"), q.Get("lang")
	if format == "" {
		format = "json"
	}
	if lang == "" {
		lang = "en"
	}
	if !slices.Contains(reportFormats, format) {
		writeError(w, apiErr(http.StatusBadRequest, CodeInvalidRequest, "format: want %s (got %q)", strings.Join(reportFormats, " or "), format))
		return
	}
	if !slices.Contains(present.Languages, lang) {
		writeError(w, apiErr(http.StatusBadRequest, CodeInvalidRequest, "lang: want %s (got %q)", strings.Join(present.Languages, " or "), lang))
		return
	}
	rec, res, aerr := s.decision(r.Context(), r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	unworded := func(err error) {
		writeError(w, apiErr(http.StatusConflict, CodeReportUnavailable, "decision %s cannot be worded with the policies it was decided under (revision %s): %v",
			rec.DecisionID, rec.PolicyRevision, err))
	}
	words, err := s.wordsFor(r.Context(), rec.PolicyRevision)
	if err != nil {
		unworded(err)
		return
	}
	if format == "json" {
		doc, err := words.Document(res)
		if err != nil {
			unworded(err)
			return
		}
		writeJSON(w, http.StatusOK, present.Assessment{Document: doc, DecisionID: rec.DecisionID, Recorded: true})
		return
	}
	var out bytes.Buffer
	if err := words.Markdown(&out, res, present.Options{Lang: lang}); err != nil {
		unworded(err)
		return
	}
	fmt.Fprintf(&out, "\n%s\n", present.DecisionLine(lang, rec.DecisionID, true))
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.Header().Set("Cache-Control", "no-store") // as every API answer: a decision is not for shared caches
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}

// decision reads the decision with an id and its recorded result; an evidence event is not one.
func (s *Server) decision(ctx context.Context, id string) (*audit.RecordV1, *engine.Result, *APIError) {
	rec, aerr := s.getRecord(ctx, id)
	if aerr == nil && rec.Kind() == audit.KindEvidenceEvent {
		aerr = apiErr(http.StatusNotFound, CodeUnknownDecision, "%s is an evidence event, not a decision (GET /v1/decisions/%s shows its record)", rec.DecisionID, rec.DecisionID)
	}
	if aerr != nil {
		return nil, nil, aerr
	}
	res, err := rec.DecodeResult()
	if err != nil {
		return nil, nil, apiErr(http.StatusInternalServerError, CodeInternal, "decision %s: %v", rec.DecisionID, err)
	}
	return rec, res, nil
}

// wordsFor words results of the policies of a revision: the server's for its own revision,
// the archived ones (prepared once by the replayer) for a decision made under others, so
// that an earlier decision reads as its rules worded it.
func (s *Server) wordsFor(ctx context.Context, revision string) (*present.Presenter, error) {
	if st := s.state.Load(); st.e.Policies().Revision == revision {
		return st.words, nil
	}
	e, _, err := s.replayer.Engine(ctx, revision)
	if err != nil {
		return nil, err
	}
	return present.New(e)
}

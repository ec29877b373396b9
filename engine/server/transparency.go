package server

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// CodeNoCheckpoint: 404, the server has no log key and signs no checkpoints.
const CodeNoCheckpoint = "no_checkpoint"

func noCheckpoint() *APIError {
	return apiErr(http.StatusNotFound, CodeNoCheckpoint, "this server signs no checkpoints: no log signing key is configured")
}

// apiCheckpoint is GET /v1/audit/checkpoint: the latest signed checkpoint, as a signed
// note (text/plain) with a C2SP tlog-checkpoint body.
func (s *Server) apiCheckpoint(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	cp := s.cfg.Checkpointer
	if cp == nil {
		writeError(w, noCheckpoint())
		return
	}
	signed, _, ok := cp.Latest()
	if !ok {
		var err error
		if signed, _, err = cp.SignNow(r.Context()); err != nil {
			writeError(w, s.storeError(err))
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(signed)
}

// apiProof is GET /v1/decisions/{id}/proof: the self-contained inclusion proof of a
// decision (audit.Proof) under a signed checkpoint that covers it.
func (s *Server) apiProof(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	rec, aerr := s.getRecord(r.Context(), r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	cp := s.cfg.Checkpointer
	if cp == nil {
		writeError(w, noCheckpoint())
		return
	}
	signed, _, err := cp.Covering(r.Context(), rec.Seq)
	if err != nil {
		writeError(w, s.storeError(err))
		return
	}
	proof, err := audit.Prove(r.Context(), s.cfg.Store, rec.DecisionID, signed, cp.Signer.Verifier())
	if err != nil {
		writeError(w, s.storeError(err))
		return
	}
	var buf bytes.Buffer
	if err := audit.WriteProof(&buf, proof); err != nil {
		writeError(w, apiErr(http.StatusInternalServerError, CodeInternal, "%v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
}

// verifyOptions are the checkpoints GET /v1/audit/verify checks the log against: those
// of the witness directory.
func (s *Server) verifyOptions() (audit.VerifyOptions, error) {
	cp := s.cfg.Checkpointer
	if cp == nil || cp.Witness == "" {
		return audit.VerifyOptions{}, nil
	}
	srcs, err := audit.WitnessSources(cp.Witness)
	if errors.Is(err, fs.ErrNotExist) {
		return audit.VerifyOptions{Key: cp.Signer.Verifier()}, nil
	}
	if err != nil {
		return audit.VerifyOptions{}, err
	}
	return audit.VerifyOptions{Checkpoints: srcs, Key: cp.Signer.Verifier()}, nil
}

package server

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// TestCheckpointAndProof: the server signs a checkpoint every N records into its
// witness directory, serves the latest, and serves proofs that check with the public
// key alone; verify checks the log against the witness directory.
func TestCheckpointAndProof(t *testing.T) {
	priv, pub, err := audit.GenerateKey("audit.example.org/exportrisk")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := audit.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := audit.NewVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	witness := filepath.Join(t.TempDir(), "witness")
	var cp *audit.Checkpointer
	ts := newTestServer(t, smallLibrary(t), func(c *Config) {
		cp = &audit.Checkpointer{Store: c.Store, Signer: signer, Witness: witness, EveryRecords: 2, Logger: c.Logger}
		c.Checkpointer = cp
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { cp.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	var ids []string
	for range 3 {
		rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
		ids = append(ids, decode[AssessmentJSON](t, rec).DecisionID)
	}
	rec := ts.do(t, "GET", "/v1/audit/checkpoint", officerToken, nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "audit.example.org/exportrisk\n") {
		t.Fatalf("checkpoint: %d %s", rec.Code, rec.Body.String())
	}
	if _, err := audit.OpenCheckpoint(rec.Body.Bytes(), key); err != nil {
		t.Fatalf("served checkpoint: %v", err)
	}
	for _, id := range ids {
		rec = ts.do(t, "GET", "/v1/decisions/"+id+"/proof", auditorToken, nil)
		if rec.Code != 200 {
			t.Fatalf("proof: %d %s", rec.Code, rec.Body.String())
		}
		p, err := audit.ReadProof(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := audit.CheckProof(p, key); err != nil || p.Record.DecisionID != id {
			t.Errorf("proof of %s: %v", id, err)
		}
	}
	if rec := ts.do(t, "GET", "/v1/decisions/"+ids[0]+"/proof", officerToken, nil); rec.Code != 403 {
		t.Errorf("proof as officer: %d", rec.Code)
	}
	rec = ts.do(t, "GET", "/v1/audit/verify", auditorToken, nil)
	v := decode[VerifyJSON](t, rec)
	if !v.OK || len(v.Checkpoints) == 0 || v.Records != 3 {
		t.Errorf("verify: %s", rec.Body.String())
	}
	files, err := audit.WitnessCheckpoints(witness)
	if err != nil || len(files) < 2 {
		t.Errorf("witness checkpoints: %v %v", files, err)
	}
}

// TestNoCheckpointKey: without a log key the checkpoint and proof routes say so.
func TestNoCheckpointKey(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
	id := decode[AssessmentJSON](t, rec).DecisionID
	for _, target := range []string{"/v1/audit/checkpoint", "/v1/decisions/" + id + "/proof"} {
		rec := ts.do(t, "GET", target, auditorToken, nil)
		if rec.Code != 404 || !bytes.Contains(rec.Body.Bytes(), []byte(CodeNoCheckpoint)) {
			t.Errorf("%s: %d %s", target, rec.Code, rec.Body.String())
		}
	}
}

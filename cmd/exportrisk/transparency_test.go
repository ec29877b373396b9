package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// TestTransparencyCLI walks through the auditor's commands: init, keygen, assessments,
// a checkpoint into a witness directory, a proof checked without the database; then an
// attacker deletes the last record and rewinds the head, and verify against the
// witness directory says which records are gone.
func TestTransparencyCLI(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "audit.db")
	env := map[string]string{"EXPORTRISK_AUDIT_PATH": store}
	cli := func(t *testing.T, wantCode int, args ...string) (string, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, args...)
		if code != wantCode {
			t.Fatalf("exportrisk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, stdout, stderr)
		}
		return stdout, stderr
	}
	if _, stderr := cli(t, exitFailure, "assess", "KAZ"); !strings.Contains(stderr, "does not exist; create it with exportrisk audit init") {
		t.Errorf("assess without a store: %s", stderr)
	}
	if out, _ := cli(t, exitOK, "audit", "init"); !strings.Contains(out, "Created audit store "+store) {
		t.Errorf("init: %s", out)
	}
	if out, _ := cli(t, exitOK, "audit", "init"); !strings.Contains(out, "already exists (0 record(s)); left as it is") {
		t.Errorf("init again: %s", out)
	}
	keys := filepath.Join(dir, "keys")
	cli(t, exitOK, "audit", "keygen", "--name", "audit.example.org/exportrisk", "--out", keys)
	if _, stderr := cli(t, exitUsage, "audit", "keygen", "--name", "x", "--out", keys); !strings.Contains(stderr, "never overwritten") {
		t.Errorf("keygen over a key: %s", stderr)
	}
	env["EXPORTRISK_AUDIT_KEY_FILE"] = filepath.Join(keys, "log.key")
	pub := filepath.Join(keys, "log.pub")
	var ids []string
	for _, c := range []string{"KAZ", "NLD", "EGY"} {
		out, _ := cli(t, exitOK, "assess", c)
		ids = append(ids, decisionID.FindString(out))
	}
	witness := filepath.Join(dir, "witness")
	out, _ := cli(t, exitOK, "audit", "checkpoint", "--out", witness)
	if !strings.HasPrefix(out, "audit.example.org/exportrisk\n3\n") || !strings.Contains(out, "\n— audit.example.org/exportrisk ") {
		t.Errorf("checkpoint: %q", out)
	}
	proof, _ := cli(t, exitOK, "audit", "prove", ids[1], "--key", pub, "--checkpoint", witness)
	proofFile := filepath.Join(dir, "proof.json")
	writeTestFile(t, proofFile, []byte(proof))

	// On a machine without the database or the private key.
	noStore := map[string]string{"EXPORTRISK_AUDIT_PATH": filepath.Join(dir, "elsewhere.db")}
	code, stdout, stderr := runCLI(t, noStore, "audit", "check-proof", proofFile, "--key", pub)
	if code != exitOK || !strings.Contains(stdout, "OK: decision "+ids[1]+" (NLD") || !strings.Contains(stdout, "tree of 3 records") {
		t.Errorf("check-proof: exit %d\n%s%s", code, stdout, stderr)
	}
	forged := strings.Replace(proof, `"requester":"tester"`, `"requester":"mallory"`, 1)
	writeTestFile(t, proofFile, []byte(forged))
	if code, _, stderr := runCLI(t, noStore, "audit", "check-proof", proofFile, "--key", pub); code != exitCheckFailed ||
		!strings.Contains(stderr, "FAILED") {
		t.Errorf("check-proof of a changed record: exit %d %s", code, stderr)
	}

	cli(t, exitOK, "audit", "verify", "--key", pub, "--checkpoint", witness)
	// The attacker: drop the guards, delete the last record and its tree hashes, rewind.
	db, err := sql.Open("sqlite", store)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER records_no_delete`, `DROP TRIGGER tree_hashes_no_delete`, `DROP TRIGGER chain_head_no_rewind`,
		`DELETE FROM records WHERE seq = 3`, `DELETE FROM tree_hashes WHERE id >= ` + itoa(tlog.StoredHashCount(2)),
		`UPDATE chain_head SET seq = 2, hash = (SELECT hash FROM records WHERE seq = 2)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	cli(t, exitOK, "audit", "verify") // the store alone looks intact
	stdout, stderr = cli(t, exitCheckFailed, "audit", "verify", "--key", pub, "--checkpoint", witness)
	if !strings.Contains(stdout, "it signs a log of 3 records; the log now has 2: records 3..3 were removed") {
		t.Errorf("verify after a tail deletion:\n%s%s", stdout, stderr)
	}
	// A checkpoint signed by another key.
	other := filepath.Join(dir, "other")
	cli(t, exitOK, "audit", "keygen", "--name", "audit.example.org/exportrisk", "--out", other)
	stdout, _ = cli(t, exitCheckFailed, "audit", "verify", "--key", filepath.Join(other, "log.pub"), "--checkpoint", witness)
	if !strings.Contains(stdout, "not signed by the log key audit.example.org/exportrisk") {
		t.Errorf("verify with another key:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(witness, "tile")); err != nil {
		t.Errorf("no tiles in the witness directory: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

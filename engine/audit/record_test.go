package audit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestComputeHashKnownAnswer pins the documented hash encoding: the expected value was
// computed from the description in ComputeHash's comment by an independent script
// (Python's hashlib), not by this code.
func TestComputeHashKnownAnswer(t *testing.T) {
	r := &RecordV1{
		RecordVersion: 1, DecisionID: "01890a5d-ac96-774b-bcce-b302099a8057",
		Timestamp: "2026-06-02T09:30:00.123456789Z", Requester: "alice", CaseRef: "case-4711",
		Country: "KAZ", AsOf: "2026-06-01", Overall: "light_red", Verdicts: "not_critical critical",
		Input:       json.RawMessage("{\"as_of\":\"2026-06-01\",\"country\":{\"iso3\":\"KAZ\"},\"note\":\"ünï\n\"}"),
		InputDigest: "sha256:x", PolicyRevision: "sha256:rev", EngineVersion: "v1.0.0",
		EvalTime: "2026-06-02T09:29:59.000000000Z", Result: json.RawMessage(`{"overall":"light_red"}`),
		PrevHash: GenesisHash, Seq: 42,
	}
	const want = "sha256:62653bc262a58ffe2c229136d00ad657cb8e415b0a5ba4eef31f98fa2af804e9"
	if got := r.ComputeHash(); got != want {
		t.Errorf("ComputeHash() = %s, want %s", got, want)
	}
	r.Seq = 7 // not covered
	r.Hash = "sha256:whatever"
	if got := r.ComputeHash(); got != want {
		t.Errorf("seq or hash changed the hash: %s", got)
	}
}

// TestRecordV2KnownAnswer pins the version 2 hash and the leaf encoding: the expected
// values were computed from the descriptions in ComputeHash's and LeafData's comments by
// an independent script (Python's hashlib), not by this code.
func TestRecordV2KnownAnswer(t *testing.T) {
	r := &RecordV1{
		RecordVersion: 2, DecisionID: "01890a5d-ac96-774b-bcce-b302099a8057",
		Timestamp: "2026-06-02T09:30:00.123456789Z", Requester: "alice", CaseRef: "case-4711",
		Country: "KAZ", AsOf: "2026-06-01", Overall: "light_red", Verdicts: "not_critical critical",
		Input: json.RawMessage(`{"ignored":"by version 2"}`), InputDigest: "sha256:x", ResultDigest: "sha256:y",
		PolicyRevision: "sha256:rev", EngineVersion: "v1.0.0", EvalTime: "2026-06-02T09:29:59.000000000Z",
		Result: json.RawMessage(`{"also":"ignored"}`), PrevHash: GenesisHash, Seq: 42,
	}
	const wantHash = "sha256:6716e410348135493d10a5522377c3595c77f7bbedb548bea41aaf07d2d9f4fc"
	if got := r.ComputeHash(); got != wantHash {
		t.Errorf("ComputeHash() = %s, want %s", got, wantHash)
	}
	r.Hash = wantHash
	const wantLeaf = "a27ff71545e1e311d29dbc72b65dd5741f0763340d3ca5cbe2be022f3b20930d"
	if got := r.LeafHash(); hex.EncodeToString(got[:]) != wantLeaf {
		t.Errorf("LeafHash() = %x, want %s", got, wantLeaf)
	}
}

// TestLeafDataCoversEveryByte flips every byte of every field of the leaf and checks
// the leaf hash changes each time.
func TestLeafDataCoversEveryByte(t *testing.T) {
	r := simpleRecord(t, 1)
	r.CaseRef = "c"
	r.chain(0, GenesisHash)
	base := r.LeafHash()
	for _, name := range []string{"record_version", "decision_id", "timestamp", "requester", "case_ref", "country", "as_of",
		"overall", "verdicts", "input_digest", "result_digest", "policy_revision", "engine_version", "eval_time", "prev_hash", "hash"} {
		c := *r
		setField(&c, name, "x")
		if c.LeafHash() == base {
			t.Errorf("changing %s leaves the leaf hash unchanged", name)
		}
	}
}

// TestComputeHashCoversEveryByte flips every byte of every hashed field (and moves
// bytes between neighbouring fields) and checks the hash changes each time.
func TestComputeHashCoversEveryByte(t *testing.T) {
	r := simpleRecord(t, 1)
	r.CaseRef = "c"
	r.chain(0, GenesisHash)
	base := r.ComputeHash()
	fields := r.hashedFields()
	for i, f := range fields {
		value := string(f.value)
		for pos := range len(value) {
			c := *r
			v := []byte(value)
			v[pos] ^= 0x01
			setField(&c, f.name, string(v))
			if c.ComputeHash() == base {
				t.Fatalf("flipping byte %d of %s leaves the hash unchanged", pos, f.name)
			}
		}
		if i+1 < len(fields) && len(value) > 0 { // move the last byte into the next field
			c := *r
			next := fields[i+1]
			setField(&c, f.name, value[:len(value)-1])
			setField(&c, next.name, value[len(value)-1:]+string(next.value))
			if c.ComputeHash() == base {
				t.Fatalf("moving a byte from %s to %s leaves the hash unchanged", f.name, next.name)
			}
		}
	}
}

func setField(r *RecordV1, name, v string) {
	switch name {
	case "record_version":
		r.RecordVersion = -len(v) // any other value
	case "decision_id":
		r.DecisionID = v
	case "timestamp":
		r.Timestamp = v
	case "requester":
		r.Requester = v
	case "case_ref":
		r.CaseRef = v
	case "country":
		r.Country = v
	case "as_of":
		r.AsOf = v
	case "overall":
		r.Overall = v
	case "verdicts":
		r.Verdicts = v
	case "input":
		r.Input = json.RawMessage(v)
	case "input_digest":
		r.InputDigest = v
	case "policy_revision":
		r.PolicyRevision = v
	case "engine_version":
		r.EngineVersion = v
	case "eval_time":
		r.EvalTime = v
	case "result":
		r.Result = json.RawMessage(v)
	case "result_digest":
		r.ResultDigest = v
	case "hash":
		r.Hash = v
	case "prev_hash":
		r.PrevHash = v
	default:
		panic(name)
	}
}

func TestNewRecord(t *testing.T) {
	r := fakeRecord(t, "KAZ", 5, "light_red", "not_critical", "critical", "possibly_critical")
	if r.RecordVersion != 2 || len(r.DecisionID) != 36 || r.Requester != "tester" || r.Country != "KAZ" ||
		r.AsOf != "2026-06-01" || r.Overall != "light_red" || r.Verdicts != "not_critical critical possibly_critical" {
		t.Errorf("record fields: %+v", r)
	}
	if want := "2026-06-02T00:00:00.000000005Z"; r.Timestamp != want {
		t.Errorf("timestamp %s, want %s", r.Timestamp, want)
	}
	if want := "2026-06-01T12:00:00.000000005Z"; r.EvalTime != want {
		t.Errorf("eval_time %s, want %s", r.EvalTime, want)
	}
	if r.Seq != 0 || r.PrevHash != "" || r.Hash != "" {
		t.Errorf("new record is already chained: %d %s %s", r.Seq, r.PrevHash, r.Hash)
	}
	res, err := r.DecodeResult()
	if err != nil {
		t.Fatal(err)
	}
	if res.PolicyRevision != testRevision || len(res.Criteria) != 3 {
		t.Errorf("result: %+v", res)
	}
	if !bytes.Contains(r.Input, []byte("<&>")) {
		t.Errorf("input is not canonical JSON without HTML escaping: %s", r.Input)
	}
	if r2 := simpleRecord(t, 5); r2.DecisionID == r.DecisionID {
		t.Error("two records got the same decision id")
	}
}

func TestRecordCheck(t *testing.T) {
	tests := map[string]struct {
		change func(r *RecordV1)
		want   string
	}{
		"ok":                 {change: func(*RecordV1) {}},
		"version":            {change: func(r *RecordV1) { r.RecordVersion = 4 }, want: "record_version"},
		"id":                 {change: func(r *RecordV1) { r.DecisionID = "4711" }, want: "decision_id"},
		"local time":         {change: func(r *RecordV1) { r.Timestamp = "2026-06-02T02:00:00.000000000+02:00" }, want: "timestamp"},
		"short time":         {change: func(r *RecordV1) { r.EvalTime = "2026-06-02T00:00:00Z" }, want: "eval_time"},
		"no requester":       {change: func(r *RecordV1) { r.Requester = "" }, want: "requester: missing"},
		"input changed":      {change: func(r *RecordV1) { r.Input = json.RawMessage(`{}`) }, want: "input_digest"},
		"result not json":    {change: func(r *RecordV1) { r.Result = json.RawMessage(`{`) }, want: "result"},
		"verdicts differ":    {change: func(r *RecordV1) { r.Verdicts = "critical critical" }, want: "differ from the result"},
		"revision differs":   {change: func(r *RecordV1) { r.PolicyRevision = "sha256:other" }, want: "policy revision"},
		"case ref is free":   {change: func(r *RecordV1) { r.CaseRef = "Az. 4711/26 – ä" }},
		"requester is free":  {change: func(r *RecordV1) { r.Requester = "Jörg Müller <jm@example.org>" }},
		"zero eval time set": {change: func(r *RecordV1) { r.EvalTime = FormatTime(time.Time{}) }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := simpleRecord(t, 1)
			tc.change(r)
			err := r.Check()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if (tc.want == "") != (err == nil) || !strings.Contains(got, tc.want) {
				t.Errorf("Check() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestExportEvent(t *testing.T) {
	r := simpleRecord(t, 1)
	r.chain(0, GenesisHash)
	var buf bytes.Buffer
	if err := NewJSONLWriter(&buf).Write(r); err != nil {
		t.Fatal(err)
	}
	line := buf.Bytes()
	if bytes.Count(line, []byte("\n")) != 1 {
		t.Fatalf("not one line: %q", line)
	}
	if !bytes.Contains(line, append(append([]byte(`"input":`), r.Input...), ',')) {
		t.Errorf("input is not embedded byte for byte: %s", line)
	}
	var ev map[string]any
	if err := json.Unmarshal(line, &ev); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"decision_id", "timestamp", "path", "input", "result", "bundles", "requested_by", "labels", "hash", "prev_hash"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("event has no %s", k)
		}
	}
	if got := ev["bundles"].(map[string]any)["exportrisk"].(map[string]any)["revision"]; got != testRevision {
		t.Errorf("bundles.exportrisk.revision = %v", got)
	}
	var back Event
	if err := json.Unmarshal(line, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back.Record()); diff != "" {
		t.Errorf("record -> event -> record (-want +got):\n%s", diff)
	}
	if back.Record().ComputeHash() != r.Hash {
		t.Error("the chain cannot be recomputed from the export")
	}
}

package audit

import (
	"encoding/json"
	"io"
)

// Event is a record as one line of `audit export --format jsonl`. Fields that OPA's
// decision log (EventV1) has carry its names: decision_id, timestamp, path, input,
// result, bundles (with the policy revision), requested_by, labels. The other fields
// are the record's own, so that an export holds everything needed to recompute the
// hash chain (input and result are the stored canonical JSON, byte for byte).
type Event struct {
	DecisionID  string                `json:"decision_id"`
	Timestamp   string                `json:"timestamp"`
	Path        string                `json:"path"`
	Input       json.RawMessage       `json:"input"`
	Result      json.RawMessage       `json:"result"`
	Bundles     map[string]BundleInfo `json:"bundles"`
	RequestedBy string                `json:"requested_by"`
	Labels      map[string]string     `json:"labels"`

	RecordVersion  int    `json:"record_version"`
	Seq            int64  `json:"seq"`
	CaseRef        string `json:"case_ref"`
	Country        string `json:"country"`
	AsOf           string `json:"as_of"`
	Overall        string `json:"overall"`
	Verdicts       string `json:"verdicts"`
	InputDigest    string `json:"input_digest"`
	ResultDigest   string `json:"result_digest"`
	PolicyRevision string `json:"policy_revision"`
	EngineVersion  string `json:"engine_version"`
	EvalTime       string `json:"eval_time"`
	PrevHash       string `json:"prev_hash"`
	Hash           string `json:"hash"`
}

// BundleInfo is OPA's bundle information in a decision log event.
type BundleInfo struct {
	Revision string `json:"revision"`
}

// DecisionPath is the policy path every decision evaluates, as OPA writes it.
const DecisionPath = "main/assessment"

// EvidenceEventPath is the path of an evidence event in an export (it evaluates no policy).
const EvidenceEventPath = "evidence/event"

// BundleName is the name the policies go by in Event.Bundles.
const BundleName = "exportrisk"

// Event returns the record as an export event.
func (r *RecordV1) Event() Event {
	path := DecisionPath
	if r.RecordVersion == EvidenceEventVersion {
		path = EvidenceEventPath
	}
	return Event{
		DecisionID: r.DecisionID, Timestamp: r.Timestamp, Path: path, Input: r.Input, Result: r.Result,
		Bundles:       map[string]BundleInfo{BundleName: {Revision: r.PolicyRevision}},
		RequestedBy:   r.Requester,
		Labels:        map[string]string{"app": "exportrisk", "version": r.EngineVersion},
		RecordVersion: r.RecordVersion, Seq: r.Seq, CaseRef: r.CaseRef, Country: r.Country, AsOf: r.AsOf,
		Overall: r.Overall, Verdicts: r.Verdicts, InputDigest: r.InputDigest, ResultDigest: r.ResultDigest,
		PolicyRevision: r.PolicyRevision, EngineVersion: r.EngineVersion, EvalTime: r.EvalTime, PrevHash: r.PrevHash, Hash: r.Hash,
	}
}

// Record returns the record an export event holds.
func (e Event) Record() *RecordV1 {
	return &RecordV1{
		Seq: e.Seq, RecordVersion: e.RecordVersion, DecisionID: e.DecisionID, Timestamp: e.Timestamp,
		Requester: e.RequestedBy, CaseRef: e.CaseRef, Country: e.Country, AsOf: e.AsOf, Overall: e.Overall,
		Verdicts: e.Verdicts, Input: e.Input, InputDigest: e.InputDigest, PolicyRevision: e.PolicyRevision,
		EngineVersion: e.EngineVersion, EvalTime: e.EvalTime, Result: e.Result, ResultDigest: e.ResultDigest,
		PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

// JSONLWriter writes events one per line, input and result unchanged.
type JSONLWriter struct{ enc *json.Encoder }

// NewJSONLWriter returns a writer of JSON lines to w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &JSONLWriter{enc: enc}
}

// Write writes one record as one line.
func (j *JSONLWriter) Write(r *RecordV1) error { return j.enc.Encode(r.Event()) }

// Package audit records every decision the engine makes in an append-only log,
// archives the policy files of every revision it used, verifies the log, and replays
// recorded decisions.
//
// A decision record (RecordV1) holds the input bundle as canonical JSON, the result as
// canonical JSON, the policy revision, the engine version and who asked. Records are
// the leaves of a Merkle tree (RFC 6962, golang.org/x/mod/sumdb/tlog; see LeafData) whose
// size and root the log signs as checkpoints kept outside the store: any later change,
// removal or rewind of a checkpointed record makes the tree inconsistent with the
// checkpoint. Records also form a hash chain: each record's hash covers its content and
// the previous record's hash (see RecordV1.ComputeHash), a second check Verify runs.
//
// The log also holds evidence events (record_version 3, EvidenceEventVersion): the steps of
// the evidence register's four-eyes workflow, in the same chain and tree as the decisions.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/google/uuid"
	"github.com/valyala/fastjson"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// RecordVersion is the version of the record format new records are written in.
// Version 1 records (written before the Merkle tree) hash their input and result bytes;
// version 2 records hash their digests (the documents are checked against their digests
// once each), which makes verifying a large log cheap. RecordV1 holds either.
const RecordVersion = 2

// knownVersions are the record versions this build reads.
// Version 3 is not a decision but an evidence event (EvidenceEventVersion).
var knownVersions = map[int]string{1: "exportrisk/audit/record/v1\n", 2: "exportrisk/audit/record/v2\n",
	EvidenceEventVersion: "exportrisk/audit/evidence-event/v1\n"}

// TimeLayout is how record times are written: RFC 3339, UTC, always nine fractional
// digits, so that the text sorts in time order.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// GenesisHash is the prev_hash of the first record of a chain.
const GenesisHash = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

// leafDomain starts a record's leaf data (LeafData).
const leafDomain = "exportrisk/audit/leaf/v1\n"

// RecordV1 is one decision: what was asked, by whom, under which rules, and the answer.
// Every field is stored exactly as written here; times and JSON are text, so the hash
// can be recomputed from the stored bytes. The Input and Result of a record read from a
// store are the text the database driver read, not a copy: they must not be modified.
type RecordV1 struct {
	// Seq is the record's position in the chain: 1, 2, 3... It is not covered by the
	// hash; the prev_hash links fix the order, and gaps in Seq reveal removals.
	Seq int64 `json:"seq"`

	RecordVersion int    `json:"record_version"`
	DecisionID    string `json:"decision_id"` // UUID
	Timestamp     string `json:"timestamp"`   // when the record was made, TimeLayout
	Requester     string `json:"requester"`
	CaseRef       string `json:"case_ref"` // optional, "" if none

	// Country, AsOf, Overall and Verdicts repeat what Input and Result say, so that
	// records can be listed and filtered without decoding them. They are covered by
	// the hash like every other field.
	Country  string `json:"country"`  // ISO3
	AsOf     string `json:"as_of"`    // the bundle's as_of date
	Overall  string `json:"overall"`  // dark_red, light_red, none
	Verdicts string `json:"verdicts"` // the eight criterion verdicts in order, space separated

	Input          json.RawMessage `json:"input"` // the bundle, canonical JSON
	InputDigest    string          `json:"input_digest"`
	PolicyRevision string          `json:"policy_revision"`
	EngineVersion  string          `json:"engine_version"`
	EvalTime       string          `json:"eval_time"` // the evaluation time, TimeLayout
	Result         json.RawMessage `json:"result"`    // engine.Result, canonical JSON
	ResultDigest   string          `json:"result_digest"`

	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Decision is what NewRecord needs to know about one assessment.
type Decision struct {
	Input         []byte // canonical JSON of the bundle
	InputDigest   string // indicators.Digest(Input) where the caller has it (engine.Input.Digest); "" = computed here
	Result        *engine.Result
	Requester     string
	CaseRef       string
	EngineVersion string
	EvalTime      time.Time // the time the evaluation ran at
	Now           time.Time // the record's timestamp; zero means time.Now()
}

// NewRecord builds an unchained record (no Seq, PrevHash or Hash: the store sets them
// when it appends the record) with a new decision id. It checks the fields the caller
// gives; the digests and the listing fields, computed here, are checked with the whole
// record (Check) when a store appends it.
func NewRecord(d Decision) (*RecordV1, error) {
	if d.Result == nil {
		return nil, errors.New("new record: no result")
	}
	result, err := d.Result.CanonicalJSON()
	if err != nil {
		return nil, fmt.Errorf("new record: %w", err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new record: decision id: %w", err)
	}
	now := d.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &RecordV1{
		RecordVersion:  RecordVersion,
		DecisionID:     id.String(),
		Timestamp:      FormatTime(now),
		Requester:      d.Requester,
		CaseRef:        d.CaseRef,
		Input:          json.RawMessage(d.Input),
		InputDigest:    d.InputDigest,
		PolicyRevision: d.Result.PolicyRevision,
		EngineVersion:  d.EngineVersion,
		EvalTime:       FormatTime(d.EvalTime),
		Result:         result,
		ResultDigest:   indicators.Digest(result),
	}
	if r.InputDigest == "" {
		r.InputDigest = indicators.Digest(d.Input)
	}
	r.Country, r.AsOf, r.Overall, r.Verdicts = Summarize(d.Result)
	if err := r.checkFields(); err != nil {
		return nil, fmt.Errorf("new record: %w", err)
	}
	return r, nil
}

// Summarize returns the listing fields of a record for a result.
func Summarize(res *engine.Result) (country, asOf, overall, verdicts string) {
	vs := make([]string, len(res.Criteria))
	for i, c := range res.Criteria {
		vs[i] = c.Verdict
	}
	return res.Country.ISO3, res.AsOf, res.Overall, strings.Join(vs, " ")
}

// FormatTime writes t in UTC in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a time written by FormatTime.
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// Check reports the first reason the record cannot be appended: a missing field, a
// malformed id or time, an input that does not match its digest, or listing fields
// that do not match the result.
func (r *RecordV1) Check() error {
	if err := r.checkFields(); err != nil {
		return err
	}
	if r.RecordVersion == EvidenceEventVersion {
		return r.checkEvent()
	}
	return r.checkContent()
}

// checkFields is Check but for the digests and the result: the version, the id, the
// times, the fields that must not be empty.
func (r *RecordV1) checkFields() error {
	if _, ok := knownVersions[r.RecordVersion]; !ok {
		return fmt.Errorf("record_version: want 1, 2 or 3 (got %d)", r.RecordVersion)
	}
	if _, err := uuid.Parse(r.DecisionID); err != nil || len(r.DecisionID) != 36 {
		return fmt.Errorf("decision_id: want a UUID (got %q)", r.DecisionID)
	}
	for name, v := range map[string]string{"timestamp": r.Timestamp, "eval_time": r.EvalTime} {
		t, err := ParseTime(v)
		if err != nil || FormatTime(t) != v {
			return fmt.Errorf("%s: want UTC time as %s (got %q)", name, TimeLayout, v)
		}
	}
	for name, v := range map[string]string{"requester": r.Requester, "engine_version": r.EngineVersion, "country": r.Country} {
		if v == "" {
			return fmt.Errorf("%s: missing", name)
		}
	}
	if r.RecordVersion != EvidenceEventVersion && r.PolicyRevision == "" {
		return errors.New("policy_revision: missing")
	}
	return nil
}

// checkContent is the rest of Check for a decision: the input and the result match their
// digests, and the result the record's listing fields.
func (r *RecordV1) checkContent() error {
	if got := indicators.Digest(r.Input); got != r.InputDigest {
		return fmt.Errorf("input_digest: %s does not match the input (%s)", r.InputDigest, got)
	}
	if got := indicators.Digest(r.Result); got != r.ResultDigest {
		return fmt.Errorf("result_digest: %q does not match the result (%s)", r.ResultDigest, got)
	}
	// Only what is checked, with a fast parser: decoding the whole result with
	// encoding/json costs more than everything else an append does.
	p := resultParsers.Get()
	defer resultParsers.Put(p)
	res, err := p.ParseBytes(r.Result)
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	str := func(keys ...string) string { return string(res.GetStringBytes(keys...)) }
	if str("policy_revision") != r.PolicyRevision || str("input_digest") != r.InputDigest {
		return fmt.Errorf("result: policy revision or input digest differ from the record's")
	}
	criteria := res.GetArray("criteria")
	vs := make([]string, len(criteria))
	for i, c := range criteria {
		vs[i] = string(c.GetStringBytes("verdict"))
	}
	if str("country", "iso3") != r.Country || str("as_of") != r.AsOf || str("overall") != r.Overall || strings.Join(vs, " ") != r.Verdicts {
		return fmt.Errorf("country, as_of, overall or verdicts differ from the result")
	}
	return nil
}

// resultParsers are reused: a parser allocates nothing once it has parsed a result.
var resultParsers fastjson.ParserPool

// hashedField is a field the hash covers, as stored.
type hashedField struct {
	name  string
	value []byte
}

// appendDigestFields appends, in order, the fields of a version 2 record's hash (and, with
// the hash itself, of every record's Merkle leaf) to fs: the input and the result by their
// digests. The values are views of the record's strings, not copies: they are only read.
func (r *RecordV1) appendDigestFields(fs []hashedField) []hashedField {
	return append(fs,
		hashedField{"record_version", view(strconv.Itoa(r.RecordVersion))},
		hashedField{"decision_id", view(r.DecisionID)},
		hashedField{"timestamp", view(r.Timestamp)},
		hashedField{"requester", view(r.Requester)},
		hashedField{"case_ref", view(r.CaseRef)},
		hashedField{"country", view(r.Country)},
		hashedField{"as_of", view(r.AsOf)},
		hashedField{"overall", view(r.Overall)},
		hashedField{"verdicts", view(r.Verdicts)},
		hashedField{"input_digest", view(r.InputDigest)},
		hashedField{"result_digest", view(r.ResultDigest)},
		hashedField{"policy_revision", view(r.PolicyRevision)},
		hashedField{"engine_version", view(r.EngineVersion)},
		hashedField{"eval_time", view(r.EvalTime)},
		hashedField{"prev_hash", view(r.PrevHash)},
	)
}

// hashedFields lists, in order, the fields the hash covers: every field but Seq and
// Hash itself; version 2 covers the input and the result by their digests. Input and
// Result are not copied.
func (r *RecordV1) hashedFields() []hashedField {
	return r.appendHashedFields(make([]hashedField, 0, 16))
}

// appendHashedFields appends hashedFields to fs (values as appendDigestFields's).
func (r *RecordV1) appendHashedFields(fs []hashedField) []hashedField {
	if r.RecordVersion != 1 {
		return r.appendDigestFields(fs)
	}
	return append(fs,
		hashedField{"record_version", view(strconv.Itoa(r.RecordVersion))},
		hashedField{"decision_id", view(r.DecisionID)},
		hashedField{"timestamp", view(r.Timestamp)},
		hashedField{"requester", view(r.Requester)},
		hashedField{"case_ref", view(r.CaseRef)},
		hashedField{"country", view(r.Country)},
		hashedField{"as_of", view(r.AsOf)},
		hashedField{"overall", view(r.Overall)},
		hashedField{"verdicts", view(r.Verdicts)},
		hashedField{"input", r.Input},
		hashedField{"input_digest", view(r.InputDigest)},
		hashedField{"policy_revision", view(r.PolicyRevision)},
		hashedField{"engine_version", view(r.EngineVersion)},
		hashedField{"eval_time", view(r.EvalTime)},
		hashedField{"result", r.Result},
		hashedField{"prev_hash", view(r.PrevHash)},
	)
}

// view is the bytes of s, not a copy: for reading only.
func view(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// ComputeHash returns the record's hash, "sha256:<hex>", over this encoding:
//
//	"exportrisk/audit/record/v<record_version>\n"
//	then for each field, in the order record_version, decision_id, timestamp,
//	requester, case_ref, country, as_of, overall, verdicts, input, input_digest,
//	policy_revision, engine_version, eval_time, result, prev_hash (version 1), or
//	record_version, decision_id, timestamp, requester, case_ref, country, as_of,
//	overall, verdicts, input_digest, result_digest, policy_revision, engine_version,
//	eval_time, prev_hash (version 2):
//	    <name> "=" <length of the value in bytes, decimal> ":" <value bytes> "\n"
//
// Values are the stored text exactly (record_version in decimal). The length prefix
// makes the encoding unambiguous whatever the values contain. A record of an unknown
// version gets a hash of no record.
func (r *RecordV1) ComputeHash() string {
	// Replay and verify compute it for every record: the encoding is written into a buffer
	// on the stack and hashed at once; only values over 1 KB (a version 1 record's input and
	// result) go to the hash apart, not copied.
	var fields [16]hashedField
	var space [1024]byte
	var h hash.Hash
	buf := space[:0]
	domain, ok := knownVersions[r.RecordVersion]
	if !ok {
		domain = fmt.Sprintf("exportrisk/audit/record/unknown-%d\n", r.RecordVersion)
	}
	buf = append(buf, domain...)
	for _, f := range r.appendHashedFields(fields[:0]) {
		buf = append(buf, f.name...)
		buf = append(buf, '=')
		buf = strconv.AppendInt(buf, int64(len(f.value)), 10)
		buf = append(buf, ':')
		if len(f.value) > 1024 {
			if h == nil {
				h = sha256.New()
			}
			h.Write(buf)
			h.Write(f.value)
			buf = buf[:0]
		} else {
			buf = append(buf, f.value...)
		}
		buf = append(buf, '\n')
	}
	var sum [sha256.Size]byte
	if h == nil {
		sum = sha256.Sum256(buf)
	} else {
		h.Write(buf)
		h.Sum(sum[:0])
	}
	var out [len("sha256:") + 2*sha256.Size]byte
	hex.Encode(out[copy(out[:], "sha256:"):], sum[:])
	return string(out[:])
}

// LeafData returns the record's canonical bytes, the data of its leaf in the Merkle
// tree (the leaf hash is SHA-256(0x00 || LeafData), RFC 6962):
//
//	"exportrisk/audit/leaf/v1\n"
//	then for each field, in the order record_version, decision_id, timestamp,
//	requester, case_ref, country, as_of, overall, verdicts, input_digest,
//	result_digest, policy_revision, engine_version, eval_time, prev_hash, hash:
//	    <name> "=" <length of the value in bytes, decimal> ":" <value bytes> "\n"
//
// The input and the result are covered by their SHA-256 digests, so a leaf is about
// 1 KB whatever the bundle, and the documents are checked against their digests.
func (r *RecordV1) LeafData() []byte {
	buf := make([]byte, 0, 1024)
	buf = append(buf, leafDomain...)
	var fields [16]hashedField
	for _, f := range append(r.appendDigestFields(fields[:0]), hashedField{"hash", view(r.Hash)}) {
		buf = append(buf, f.name...)
		buf = append(buf, '=')
		buf = strconv.AppendInt(buf, int64(len(f.value)), 10)
		buf = append(buf, ':')
		buf = append(buf, f.value...)
		buf = append(buf, '\n')
	}
	return buf
}

// chain sets the record's place in the chain after the record (seq, hash).
func (r *RecordV1) chain(prevSeq int64, prevHash string) {
	r.Seq = prevSeq + 1
	r.PrevHash = prevHash
	r.Hash = r.ComputeHash()
}

// DecodeResult decodes the recorded result.
func (r *RecordV1) DecodeResult() (*engine.Result, error) {
	var res engine.Result
	if err := json.Unmarshal(r.Result, &res); err != nil {
		return nil, fmt.Errorf("decision %s: decode result: %w", r.DecisionID, err)
	}
	return &res, nil
}

// Summary is a record without its input and result, as List returns it.
type Summary struct {
	Seq int64 `json:"seq"`
	// Kind is KindEvidenceEvent for an evidence event (see EvidenceEventVersion for what
	// its other fields hold), empty for a decision.
	Kind           string `json:"kind,omitempty"`
	DecisionID     string `json:"decision_id"`
	Timestamp      string `json:"timestamp"`
	Requester      string `json:"requester"`
	CaseRef        string `json:"case_ref"`
	Country        string `json:"country"`
	AsOf           string `json:"as_of"`
	Overall        string `json:"overall"`
	Verdicts       string `json:"verdicts"`
	InputDigest    string `json:"input_digest"`
	PolicyRevision string `json:"policy_revision"`
	EngineVersion  string `json:"engine_version"`
	Hash           string `json:"hash"`
	// Problems, filled by CheckSummaries, say why the record fails its own check
	// (RecordProblems); empty if it passes.
	Problems []string `json:"problems,omitempty"`
}

// Summary returns the record's summary.
func (r *RecordV1) Summary() Summary {
	return Summary{Seq: r.Seq, Kind: summaryKind(r.RecordVersion), DecisionID: r.DecisionID, Timestamp: r.Timestamp, Requester: r.Requester,
		CaseRef: r.CaseRef, Country: r.Country, AsOf: r.AsOf, Overall: r.Overall, Verdicts: r.Verdicts,
		InputDigest: r.InputDigest, PolicyRevision: r.PolicyRevision, EngineVersion: r.EngineVersion, Hash: r.Hash}
}

// summaryKind is a Summary's Kind for a record version.
func summaryKind(recordVersion int) string {
	if recordVersion == EvidenceEventVersion {
		return KindEvidenceEvent
	}
	return ""
}

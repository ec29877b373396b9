package audit

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// recordColumns are the columns of the records table. The input and the result are
// stored once each in the documents table, by digest: the same bundle assessed again
// under the same revision adds a row of ~1 KB, not the ~80 KB of its input and result.
const recordColumns = `seq, record_version, decision_id, timestamp, requester, case_ref, country, as_of,
	overall, verdicts, input_digest, result_digest, policy_revision, engine_version, eval_time, prev_hash, hash`

// selectRecords reads records with their input and result, in scanRecord's order. A
// document that is not there reads as empty, so that Verify reports the record as
// changed rather than losing it.
const selectRecords = `SELECT r.seq, r.record_version, r.decision_id, r.timestamp, r.requester, r.case_ref,
	r.country, r.as_of, r.overall, r.verdicts, coalesce(i.content, ''), r.input_digest, r.policy_revision,
	r.engine_version, r.eval_time, coalesce(o.content, ''), r.result_digest, r.prev_hash, r.hash
	FROM records r LEFT JOIN documents i ON i.digest = r.input_digest LEFT JOIN documents o ON o.digest = r.result_digest`

// selectLight is selectRecords reading the documents only of version 1 records, whose
// hash covers their bytes (Filter.Light); the CASE runs the lookups only for those.
const selectLight = `SELECT r.seq, r.record_version, r.decision_id, r.timestamp, r.requester, r.case_ref,
	r.country, r.as_of, r.overall, r.verdicts,
	CASE WHEN r.record_version = 1 THEN coalesce((SELECT content FROM documents WHERE digest = r.input_digest), '') ELSE '' END,
	r.input_digest, r.policy_revision, r.engine_version, r.eval_time,
	CASE WHEN r.record_version = 1 THEN coalesce((SELECT content FROM documents WHERE digest = r.result_digest), '') ELSE '' END,
	r.result_digest, r.prev_hash, r.hash
	FROM records r`

// selectBare is selectRecords without the documents (empty): Walk reads them apart.
const selectBare = `SELECT r.seq, r.record_version, r.decision_id, r.timestamp, r.requester, r.case_ref,
	r.country, r.as_of, r.overall, r.verdicts, '', r.input_digest, r.policy_revision,
	r.engine_version, r.eval_time, '', r.result_digest, r.prev_hash, r.hash
	FROM records r`

// summaryColumns are the columns scanSummary reads.
const summaryColumns = `seq, record_version, decision_id, timestamp, requester, case_ref, country, as_of, overall, verdicts,
	input_digest, policy_revision, engine_version, hash`

// insertRecord inserts a record (recordArgs) with ? placeholders.
const insertRecord = `INSERT INTO records (` + recordColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertTreeHash stores one Merkle tree hash.
const insertTreeHash = `INSERT INTO tree_hashes (id, hash) VALUES (?, ?)`

// insertDocument stores an input or a result unless it is there already.
const insertDocument = `INSERT INTO documents (digest, content) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING`

func recordArgs(r *RecordV1) []any {
	return []any{r.Seq, r.RecordVersion, r.DecisionID, r.Timestamp, r.Requester, r.CaseRef, r.Country, r.AsOf,
		r.Overall, r.Verdicts, r.InputDigest, r.ResultDigest, r.PolicyRevision, r.EngineVersion, r.EvalTime,
		r.PrevHash, r.Hash}
}

type scanner interface{ Scan(dest ...any) error }

// scanRecord reads a row of selectRecords, every value exactly as stored.
func scanRecord(row scanner) (*RecordV1, error) {
	var r RecordV1
	var input, result string
	if err := row.Scan(&r.Seq, &r.RecordVersion, &r.DecisionID, &r.Timestamp, &r.Requester, &r.CaseRef, &r.Country,
		&r.AsOf, &r.Overall, &r.Verdicts, &input, &r.InputDigest, &r.PolicyRevision, &r.EngineVersion, &r.EvalTime,
		&result, &r.ResultDigest, &r.PrevHash, &r.Hash); err != nil {
		return nil, err
	}
	r.Input, r.Result = document(input), document(result)
	return &r, nil
}

// document is a stored input or result as a record holds it: the bytes of the text the
// driver read (a string of its own per value), not a copy of them. Scanning into a []byte
// copied each document a second time, a third of the bytes a replay allocated; a record read
// from a store is only read (hashed, compared, decoded, written out), never modified.
func document(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage{} // as a scan into a []byte gives: empty, not nil
	}
	return view(s)
}

func scanSummary(row scanner) (Summary, error) {
	var s Summary
	var version int
	err := row.Scan(&s.Seq, &version, &s.DecisionID, &s.Timestamp, &s.Requester, &s.CaseRef, &s.Country, &s.AsOf,
		&s.Overall, &s.Verdicts, &s.InputDigest, &s.PolicyRevision, &s.EngineVersion, &s.Hash)
	s.Kind = summaryKind(version)
	return s, err
}

// where builds the WHERE clause (with a leading space, or empty) and its arguments;
// ph(n) writes the n-th placeholder; textCmp wraps a text column for ordered comparison.
func (f Filter) where(ph func(int) string, textCmp func(string) string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, ph(len(args))))
	}
	if f.Country != "" {
		add("country = %s", strings.ToUpper(f.Country))
	}
	if !f.Since.IsZero() {
		add(textCmp("timestamp")+" >= %s", FormatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add(textCmp("timestamp")+" <= %s", FormatTime(f.Until))
	}
	if f.Verdict != "" {
		if slices.Contains(OverallClasses, f.Verdict) {
			add("overall = %s", f.Verdict)
		} else {
			add("(' ' || verdicts || ' ') LIKE %s", "% "+f.Verdict+" %")
		}
	}
	switch f.Kind {
	case KindDecision:
		add("record_version <> %s", EvidenceEventVersion)
	case KindEvidenceEvent:
		add("record_version = %s", EvidenceEventVersion)
	}
	if f.Requester != "" {
		add("requester = %s", f.Requester)
	}
	if f.FromSeq > 0 {
		add("seq >= %s", f.FromSeq)
	}
	if f.ToSeq > 0 {
		add("seq <= %s", f.ToSeq)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (f Filter) limit() string {
	if f.Limit > 0 {
		return fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return ""
}

// queryRecords runs fn over the rows of a records query.
func walkRows(rows *sql.Rows, fn func(*RecordV1) error) error {
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

func testEvent(action, by, role string, n int) evidence.Event {
	item := indicators.Evidence{ID: "kaz-2023-06-01-torture", Date: "2023-06-01", DatePrecision: "month", Category: "torture",
		ReportedBy: "un_body", Summary: "CAT concerned (test).", Quote: "The Committee is concerned.", AddedBy: "paul", AddedOn: "2026-12-06",
		Provenance: indicators.Provenance{Source: "UN CAT (test)", URL: "https://example.org/cat"}}
	if action == evidence.ActionApproved {
		item.ApprovedBy = by
	}
	c, _ := indicators.Canonicalize(item)
	ev := evidence.Event{Version: evidence.EventVersion, Action: action, ProposalID: item.ID, Country: "KAZ", By: by, Role: role,
		ItemDigest: indicators.Digest(c), RegisterBefore: "", RegisterAfter: "", Item: item,
		Time: time.Date(2026, 12, 6, 10, n, 0, 0, time.UTC)}
	if action != evidence.ActionProposed {
		ev.ProposedBy = "paul"
		ev.RegisterAfter = "sha256:after"
	}
	return ev
}

// TestEvidenceEvents: evidence events are records of the same log as decisions: they
// chain, take leaves of the same tree, verify, list apart and read back; a changed event
// is found by Verify, and the proof of an event checks.
func TestEvidenceEvents(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			appendN(t, s, 2)
			log := &EvidenceLog{Store: s, EngineVersion: "test"}
			var seqs []int64
			log.Appended = func(seq int64) { seqs = append(seqs, seq) }
			proposed, approved := testEvent(evidence.ActionProposed, "paul", "policy", 1), testEvent(evidence.ActionApproved, "olivia", "officer", 2)
			if err := log.RecordEvent(ctx, proposed); err != nil {
				t.Fatal(err)
			}
			if err := s.Append(ctx, simpleRecord(t, 9)); err != nil {
				t.Fatal(err)
			}
			if err := log.RecordEvent(ctx, approved); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]int64{3, 5}, seqs); diff != "" {
				t.Errorf("appended seqs (-want +got):\n%s", diff)
			}
			if rep := mustVerify(t, s); !rep.OK() || rep.Records != 5 {
				t.Fatalf("verify: %d records, problems %v", rep.Records, rep.Problems)
			}
			got, err := log.Events(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]evidence.Event{proposed, approved}, got); diff != "" {
				t.Errorf("events read back (-want +got):\n%s", diff)
			}
			list, err := s.List(ctx, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, sm := range list {
				kinds = append(kinds, sm.Kind+":"+sm.Overall)
			}
			if want := ":light_red :light_red evidence_event:proposed :light_red evidence_event:approved"; strings.Join(kinds, " ") != want {
				t.Errorf("list kinds %q, want %q", strings.Join(kinds, " "), want)
			}
			for kind, want := range map[string]int64{KindDecision: 3, KindEvidenceEvent: 2} {
				if n, err := s.Count(ctx, Filter{Kind: kind}); err != nil || n != want {
					t.Errorf("count %s: %d, %v (want %d)", kind, n, err, want)
				}
			}
			if n, err := s.Count(ctx, Filter{Verdict: "light_red"}); err != nil || n != 3 {
				t.Errorf("a verdict filter selects the decisions only: %d, %v", n, err)
			}
			// An inclusion proof of the approval checks without the store.
			signer := logKey(t, "test.example/log")
			key := signer.Verifier()
			signed, _, err := Sign(ctx, s, signer, "")
			if err != nil {
				t.Fatal(err)
			}
			rec, err := s.Get(ctx, list[4].DecisionID)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Prove(ctx, s, rec.DecisionID, signed, key)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := CheckProof(p, key); err != nil {
				t.Errorf("check proof: %v", err)
			}
			// Replay refuses an event: it is no decision.
			if _, err := NewReplayer(s).Replay(ctx, rec); err == nil || !strings.Contains(err.Error(), "evidence event") {
				t.Errorf("replay of an event: %v", err)
			}
			// An attacker who changes who approved is found.
			b.unprotect(t, s)
			b.exec(t, s, `UPDATE records SET requester = 'paul' WHERE seq = 5`)
			rep := mustVerify(t, s)
			if p := rep.Problem(); p == nil || p.Seq != 5 || p.Kind != Changed {
				t.Fatalf("tampered event: %v", rep.Problems)
			}
			if _, err := log.Events(ctx); err == nil || !strings.Contains(err.Error(), "does not match its hash") {
				t.Errorf("events of a tampered log: %v", err)
			}
		})
	}
}

// TestEvidenceEventCheck: an event record whose columns differ from its documents, or
// whose documents are malformed, is refused.
func TestEvidenceEventCheck(t *testing.T) {
	ok, err := NewEvidenceRecord(testEvent(evidence.ActionApproved, "olivia", "officer", 1), "test")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		edit func(r *RecordV1)
		want string
	}{
		"requester":       {func(r *RecordV1) { r.Requester = "mallory" }, "requester or verdicts"},
		"action":          {func(r *RecordV1) { r.Overall = "proposed" }, "overall differ"},
		"policy revision": {func(r *RecordV1) { r.PolicyRevision = testRevision }, "policy_revision"},
		"item":            {func(r *RecordV1) { r.Input = []byte(`{"id":"x"}`); r.InputDigest = indicators.Digest(r.Input) }, "item_digest"},
		"unknown field": {func(r *RecordV1) {
			r.Result = []byte(strings.Replace(string(r.Result), `{`, `{"extra":1,`, 1))
			r.ResultDigest = indicators.Digest(r.Result)
		}, "unknown field"},
		"no proposer": {func(r *RecordV1) {
			ev, _ := r.EvidenceEvent()
			ev.ProposedBy = ""
			r.Result, _ = indicators.Canonicalize(ev)
			r.ResultDigest = indicators.Digest(r.Result)
		}, "proposed_by"},
	} {
		r := *ok
		tc.edit(&r)
		if err := r.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

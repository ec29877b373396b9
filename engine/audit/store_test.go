package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestStoreAppendAndRead(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t)
			archiveTest(t, s)
			recs := []*RecordV1{
				fakeRecord(t, "KAZ", 1, "light_red", "not_critical", "critical"),
				fakeRecord(t, "UKR", 2, "dark_red", "critical", "critical"),
				fakeRecord(t, "NOR", 3, "none", "not_critical", "insufficient_data"),
			}
			recs[1].Requester = "alice"
			recs[1].CaseRef = "case-4711"
			recs[1].Hash = "" // the store chains it
			if err := s.Append(ctx, recs[0]); err != nil {
				t.Fatal(err)
			}
			if err := s.Append(ctx, recs[1:]...); err != nil {
				t.Fatal(err)
			}
			prev := GenesisHash
			for i, r := range recs {
				if r.Seq != int64(i+1) || r.PrevHash != prev || r.Hash != r.ComputeHash() {
					t.Errorf("record %d chained as seq %d prev %s hash %s", i, r.Seq, r.PrevHash, r.Hash)
				}
				prev = r.Hash
				got, err := s.Get(ctx, r.DecisionID)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(r, got); diff != "" {
					t.Errorf("Get(%s) (-appended +read):\n%s", r.DecisionID, diff)
				}
			}
			head, err := s.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(Head{Seq: 3, Hash: recs[2].Hash}, head); diff != "" {
				t.Errorf("head (-want +got):\n%s", diff)
			}
			if _, err := s.Get(ctx, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
			}

			day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
			tests := map[string]struct {
				f    Filter
				want []int // indexes into recs
			}{
				"all":                {f: Filter{}, want: []int{0, 1, 2}},
				"country":            {f: Filter{Country: "ukr"}, want: []int{1}},
				"overall":            {f: Filter{Verdict: "none"}, want: []int{2}},
				"criterion verdict":  {f: Filter{Verdict: "critical"}, want: []int{0, 1}},
				"verdict not a part": {f: Filter{Verdict: "insufficient_data"}, want: []int{2}},
				"requester":          {f: Filter{Requester: "alice"}, want: []int{1}},
				"since":              {f: Filter{Since: day.Add(2)}, want: []int{1, 2}},
				"until":              {f: Filter{Until: day.Add(2)}, want: []int{0, 1}},
				"since and until":    {f: Filter{Since: day.Add(2), Until: day.Add(2)}, want: []int{1}},
				"seq range":          {f: Filter{FromSeq: 2, ToSeq: 2}, want: []int{1}},
				"limit":              {f: Filter{Limit: 2}, want: []int{0, 1}},
				"nothing":            {f: Filter{Country: "DEU"}, want: []int{}},
			}
			for name, tc := range tests {
				t.Run(name, func(t *testing.T) {
					want := []Summary{}
					var wantIDs []string
					for _, i := range tc.want {
						want = append(want, recs[i].Summary())
						wantIDs = append(wantIDs, recs[i].DecisionID)
					}
					got, err := s.List(ctx, tc.f)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("List (-want +got):\n%s", diff)
					}
					var walked []string
					if err := s.Walk(ctx, tc.f, func(r *RecordV1) error { walked = append(walked, r.DecisionID); return nil }); err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(wantIDs, walked); diff != "" {
						t.Errorf("Walk (-want +got):\n%s", diff)
					}
					if tc.f.Limit == 0 {
						n, err := s.Count(ctx, tc.f)
						if err != nil {
							t.Fatal(err)
						}
						if n != int64(len(tc.want)) {
							t.Errorf("Count = %d, want %d", n, len(tc.want))
						}
					}
				})
			}
			stop := errors.New("stop")
			if err := s.Walk(ctx, Filter{}, func(*RecordV1) error { return stop }); !errors.Is(err, stop) {
				t.Errorf("Walk returned %v, want the callback's error", err)
			}
		})
	}
}

func TestStoreRejects(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t)
			first := simpleRecord(t, 0)
			if err := s.Append(ctx, first); !errors.Is(err, ErrNotArchived) {
				t.Fatalf("append before archiving: %v, want ErrNotArchived", err)
			}
			if first.Seq != 0 || first.Hash != "" {
				t.Errorf("a rejected record was chained: seq %d hash %q", first.Seq, first.Hash)
			}
			archiveTest(t, s)
			if err := s.Append(ctx, first); err != nil {
				t.Fatal(err)
			}
			dup := simpleRecord(t, 1)
			dup.DecisionID = first.DecisionID
			bad := simpleRecord(t, 2)
			bad.Country = "UKR"
			tests := map[string]struct {
				recs []*RecordV1
				want error
			}{
				"duplicate decision id":  {recs: []*RecordV1{dup}},
				"listing field mismatch": {recs: []*RecordV1{bad}, want: ErrInvalidRecord},
				"batch with a stored id": {recs: []*RecordV1{simpleRecord(t, 3), first}},
			}
			for name, tc := range tests {
				t.Run(name, func(t *testing.T) {
					err := s.Append(ctx, tc.recs...)
					if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
						t.Fatalf("append: %v, want an error (%v)", err, tc.want)
					}
					if !strings.Contains(err.Error(), s.Location()) {
						t.Errorf("error does not name the store: %v", err)
					}
				})
			}
			// A batch fails as a whole; the store is unchanged and still appends.
			if rep := mustVerify(t, s); !rep.OK() || rep.Records != 1 {
				t.Fatalf("after rejected appends: %+v", rep)
			}
			if err := s.Append(ctx, simpleRecord(t, 4)); err != nil {
				t.Fatal(err)
			}
			if rep := mustVerify(t, s); !rep.OK() || rep.Records != 2 {
				t.Fatalf("after a good append: %+v %v", rep, rep.Problem())
			}
		})
	}
}

func TestStorePolicies(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t)
			if _, err := s.Policies(ctx, testRevision); !errors.Is(err, ErrNotFound) {
				t.Errorf("Policies before archiving: %v, want ErrNotFound", err)
			}
			archiveTest(t, s)
			archiveTest(t, s) // idempotent
			other := map[string][]byte{"main/main.rego": []byte("package main\n"), "extra.rego": []byte("package extra\n")}
			if err := s.ArchivePolicies(ctx, "sha256:other", other); err != nil {
				t.Fatal(err)
			}
			got, err := s.Policies(ctx, testRevision)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(testPolicies, got); diff != "" {
				t.Errorf("Policies (-archived +read):\n%s", diff)
			}
			if err := s.ArchivePolicies(ctx, testRevision, other); err == nil {
				t.Error("archiving other files under an archived revision succeeded")
			}
			// Files are stored once, by content.
			if n := b.query(t, s, `SELECT count(*) FROM policy_files`); string(n) != "3" {
				t.Errorf("%s distinct files stored, want 3", n)
			}
		})
	}
}

func TestStoreIsAppendOnly(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			appendN(t, s, 2)
			for _, q := range []string{
				`UPDATE records SET requester = 'mallory' WHERE seq = 1`,
				`DELETE FROM records WHERE seq = 2`,
				`DELETE FROM policy_files`,
				`UPDATE policy_revisions SET path = 'x'`,
			} {
				if err := b.tryExec(t, s, q); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: %v, want the append-only guard", q, err)
				}
			}
		})
	}
}

// TestStoreDocumentsOnce: an input or result recorded again is stored once.
func TestStoreDocumentsOnce(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			archiveTest(t, s)
			first := simpleRecord(t, 1)
			again := *first
			again.DecisionID = "01890a5d-ac96-774b-bcce-b302099a8057"
			other := simpleRecord(t, 2)
			for _, r := range []*RecordV1{first, &again, other} {
				if err := s.Append(context.Background(), r); err != nil {
					t.Fatal(err)
				}
			}
			if n := b.query(t, s, `SELECT count(*) FROM documents`); string(n) != "4" {
				t.Errorf("%s documents stored, want 4 (two inputs, two results)", n)
			}
			got, err := s.Get(context.Background(), again.DecisionID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&again, got); diff != "" {
				t.Errorf("Get (-appended +read):\n%s", diff)
			}
			if rep := mustVerify(t, s); !rep.OK() || rep.Records != 3 {
				t.Errorf("verify: %+v %v", rep, rep.Problem())
			}
		})
	}
}

// TestWalkPages walks records that share their documents a page at a time (pages of 1, 2, 3
// and 64 records), with conditions and limits that end inside and at the edge of a page:
// every record holds what Get reads for it, in seq order; records that share a document hold
// the same bytes, read once per walk; and a document that is not there reads as empty.
func TestWalkPages(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t)
			archiveTest(t, s)
			var recs []*RecordV1
			for i := range 8 { // three inputs (and results) shared: n = 0, 1, 2
				recs = append(recs, fakeRecord(t, "KAZ", i%3, "light_red", "not_critical", "critical"))
			}
			recs = append(recs, fakeRecord(t, "UKR", 99, "none", "not_critical")) // its input is lost below
			if err := s.Append(ctx, recs...); err != nil {
				t.Fatal(err)
			}
			b.unprotect(t, s)
			b.exec(t, s, `DELETE FROM documents WHERE digest = `+placeholder(b), recs[8].InputDigest)
			if got, err := s.Get(ctx, recs[8].DecisionID); err != nil || got.Input == nil || len(got.Input) != 0 {
				t.Fatalf("Get of the record whose input is lost: %v, input %q", err, got.Input)
			}
			filters := map[string]Filter{
				"all": {}, "limit 1": {Limit: 1}, "limit 2": {Limit: 2}, "limit 4": {Limit: 4}, "limit 9": {Limit: 9},
				"limit 20": {Limit: 20}, "seq range": {FromSeq: 2, ToSeq: 7}, "from seq, limit": {FromSeq: 3, Limit: 3},
				"country": {Country: "UKR"}, "nothing": {Country: "DEU"},
			}
			defer func(n int) { walkPage = n }(walkPage)
			for _, page := range []int{1, 2, 3, 64} {
				walkPage = page
				for name, f := range filters {
					t.Run(fmt.Sprintf("page %d/%s", page, name), func(t *testing.T) {
						list, err := s.List(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						var want []*RecordV1
						for _, sum := range list {
							r, err := s.Get(ctx, sum.DecisionID)
							if err != nil {
								t.Fatal(err)
							}
							want = append(want, r)
						}
						var got []*RecordV1
						if err := s.Walk(ctx, f, func(r *RecordV1) error { got = append(got, r); return nil }); err != nil {
							t.Fatal(err)
						}
						if diff := cmp.Diff(want, got); diff != "" {
							t.Fatalf("Walk (-Get +walked):\n%s", diff)
						}
						read := map[string]*byte{}
						for _, r := range got {
							for digest, doc := range map[string][]byte{r.InputDigest: r.Input, r.ResultDigest: r.Result} {
								if p, ok := read[digest]; ok && p != unsafe.SliceData(doc) {
									t.Errorf("seq %d: document %s read again", r.Seq, digest)
								}
								read[digest] = unsafe.SliceData(doc)
							}
						}
					})
				}
			}
		})
	}
}

// placeholder is the first query placeholder of the backend's database.
func placeholder(b backend) string {
	if b.name == "postgres" {
		return "$1"
	}
	return "?"
}

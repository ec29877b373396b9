package impact

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/internal/golden"
)

// policiesWith returns an engine for the embedded policies with lines of data.yaml
// replaced (old line -> new line); a line that is not there fails the test, so a
// changed data file cannot make a test pass vacuously.
func policiesWith(t testing.TB, edits map[string]string, opts ...engine.Option) *engine.Engine {
	t.Helper()
	fsys := enginetest.Policies(t)
	data := string(fsys["data.yaml"].Data)
	for old, repl := range edits {
		if strings.Count(data, "\n"+old+"\n") != 1 {
			t.Fatalf("data.yaml has no single line %q", old)
		}
		data = strings.Replace(data, "\n"+old+"\n", "\n"+repl+"\n", 1)
	}
	fsys["data.yaml"] = &fstest.MapFile{Data: []byte(data)}
	ps, err := policy.New(fsys, "edited")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(context.Background(), ps, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func synthetic(t testing.TB) *indicators.Library {
	t.Helper()
	lib, err := indicators.OpenLibrary(os.DirFS("testdata/bundles"), "testdata/bundles")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// flip is a change in short form: "NPL 8 possibly_critical->critical +C8-LOW-HDI-MILITARISED -C8-MILITARISED".
func flips(r *Report) []string {
	out := []string{}
	for _, c := range r.Changes {
		s := c.Country + " " + string(rune('0'+c.Criterion)) + " " + c.From + "->" + c.To
		for _, a := range c.Added {
			s += " +" + a.Code
		}
		for _, x := range c.Removed {
			s += " -" + x.Code
		}
		out = append(out, s)
	}
	for _, o := range r.Overall {
		out = append(out, o.Country+" overall "+o.From+"->"+o.To)
	}
	return out
}

// TestKnownChanges: threshold changes over three synthetic bundles (HDI 0.52, 0.60,
// 0.85; GMI rank 10 each) whose flips are known by construction.
func TestKnownChanges(t *testing.T) {
	base := policiesWith(t, nil)
	lib := synthetic(t)
	tests := map[string]struct {
		edits map[string]string
		want  []string
	}{
		"no change": {want: []string{}},
		// Only NPL (0.60) is between the old and the new critical bound.
		"raise the critical HDI bound to 0.65": {
			edits: map[string]string{"    critical_hdi_below: 0.55": "    critical_hdi_below: 0.65"},
			want: []string{
				"NPL 8 possibly_critical->critical +C8-LOW-HDI-MILITARISED -C8-MILITARISED",
				"NPL overall none->light_red",
			},
		},
		// NPL (0.60) is no longer rated; MLI stays critical (its bound is the critical one).
		"lower the rating bound to 0.58": {
			edits: map[string]string{"    hdi_below: 0.8": "    hdi_below: 0.58"},
			want:  []string{"NPL 8 possibly_critical->not_critical +C8-HDI-HIGH -C8-MILITARISED"},
		},
		// Rank 10 is no longer heavily militarised: both rated countries pass.
		"tighten the GMI rank to 5": {
			edits: map[string]string{"    gmi_rank_max: 50": "    gmi_rank_max: 5"},
			want: []string{
				"MLI 8 critical->not_critical +C8-PASS -C8-LOW-HDI-MILITARISED",
				"NPL 8 possibly_critical->not_critical +C8-PASS -C8-MILITARISED",
				"MLI overall light_red->none",
			},
		},
		// NOR (0.85) becomes rated but is not below the critical bound.
		"raise the rating bound to 0.9": {
			edits: map[string]string{"    hdi_below: 0.8": "    hdi_below: 0.9"},
			want:  []string{"NOR 8 not_critical->possibly_critical +C8-MILITARISED -C8-HDI-HIGH"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := Run(context.Background(), base, policiesWith(t, tc.edits), lib, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Countries != 3 {
				t.Errorf("countries %d, want 3", r.Countries)
			}
			if diff := cmp.Diff(tc.want, flips(r)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if r.Changed() != (len(tc.want) > 0) {
				t.Errorf("Changed() = %v", r.Changed())
			}
			for _, c := range r.Changes {
				for _, x := range append(c.Added, c.Removed...) {
					if x.Message.EN == "" || x.Message.DE == "" {
						t.Errorf("%s %d: reason %s without a message", c.Country, c.Criterion, x.Code)
					}
				}
			}
			changed := 0
			for _, tot := range r.Totals {
				changed += tot.Changed
			}
			if changed != len(r.Changes) || len(r.Totals) != 8 {
				t.Errorf("totals count %d changes over %d criteria, want %d over 8", changed, len(r.Totals), len(r.Changes))
			}
		})
	}
}

// TestReportGolden renders one known change in each format (testdata/*.golden).
func TestReportGolden(t *testing.T) {
	r, err := Run(context.Background(), policiesWith(t, nil),
		policiesWith(t, map[string]string{"    critical_hdi_below: 0.55": "    critical_hdi_below: 0.65"}),
		synthetic(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Base = Policies{Source: "base", Revision: "sha256:<base>"}
	r.Head = Policies{Source: "head", Revision: "sha256:<head>"}
	for name, write := range map[string]func(*bytes.Buffer, *Report) error{
		"report.txt":  func(b *bytes.Buffer, r *Report) error { return WriteTable(b, r) },
		"report.md":   func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) },
		"report.json": func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) },
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, r); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "testdata/"+name+".golden", b.Bytes())
		})
	}
}

// TestRemovingNotFreeNeverMoreSevere runs over the shipped world: with Freedom House
// "Not Free" no longer a severe signal (fh_severe_status: []; NF is not a concern signal
// either), criterion 2 counts fewer signals for NF countries and the same for the rest.
// Its rule is monotone in the signals (critical needs enough severe and enough signals in
// all; possibly critical any signal), so no verdict may become more severe, only
// criterion 2 may change, only for countries whose bundle says NF, and overall classes
// may only fall. None of this depends on which countries are NF.
func TestRemovingNotFreeNeverMoreSevere(t *testing.T) {
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), policiesWith(t, nil),
		policiesWith(t, map[string]string{"    fh_severe_status: [NF]": "    fh_severe_status: []"}), lib, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Countries < 190 {
		t.Fatalf("assessed %d countries, want the whole world", r.Countries)
	}
	for _, c := range r.Changes {
		if c.Criterion != 2 || c.Direction() != -1 {
			t.Errorf("%s criterion %d: %s -> %s, want only less severe verdicts on criterion 2", c.Country, c.Criterion, c.From, c.To)
		}
		e, err := lib.Find(c.Country, "")
		if err != nil {
			t.Fatal(err)
		}
		b, err := lib.Load(e)
		if err != nil {
			t.Fatal(err)
		}
		if fh := b.Indices["fh_status"]; fh.Value != "NF" {
			t.Errorf("%s changed but its Freedom House status is %v, not NF", c.Country, fh.Value)
		}
	}
	rank := map[string]int{engine.None: 0, engine.LightRed: 1, engine.DarkRed: 2}
	for _, o := range r.Overall {
		if rank[o.To] >= rank[o.From] {
			t.Errorf("%s overall %s -> %s, want only a lower class", o.Country, o.From, o.To)
		}
	}
	t.Logf("%s (%d reasons-only)", r.Summary(), r.ReasonsOnly)
}

func result(iso, digest string, verdicts ...string) *engine.Result {
	r := &engine.Result{Country: indicators.Country{ISO3: iso, NameEN: iso}, AsOf: "2026-01-01", InputDigest: digest, Overall: engine.None}
	for i, v := range verdicts {
		r.Criteria = append(r.Criteria, engine.CriterionResult{Criterion: i + 1, Verdict: v,
			Reasons: []engine.Reason{{Code: "C" + string(rune('1'+i)) + "-" + strings.ToUpper(v), Verdict: v}}})
	}
	return r
}

// TestCompare covers the comparison rules on hand-made results.
func TestCompare(t *testing.T) {
	nc, pc, cr, nd := engine.NotCritical, engine.PossiblyCritical, engine.Critical, engine.InsufficientData
	tests := map[string]struct {
		pairs     []Pair
		want      []string
		totals    map[int][3]int // criterion -> more severe, less severe, other
		reasons   int
		wantError string
	}{
		"same": {pairs: []Pair{{Base: result("AAA", "d", nc, pc), Head: result("AAA", "d", nc, pc)}}, want: []string{}},
		"both directions and data": {
			pairs: []Pair{
				{Base: result("BBB", "d", nc, cr), Head: result("BBB", "d", pc, nd)},
				{Base: result("AAA", "d", cr, pc), Head: result("AAA", "d", nc, pc)},
			},
			want: []string{
				"AAA 1 critical->not_critical +C1-NOT_CRITICAL -C1-CRITICAL",
				"BBB 1 not_critical->possibly_critical +C1-POSSIBLY_CRITICAL -C1-NOT_CRITICAL",
				"BBB 2 critical->insufficient_data +C2-INSUFFICIENT_DATA -C2-CRITICAL",
			},
			totals: map[int][3]int{1: {1, 1, 0}, 2: {0, 0, 1}},
		},
		"reasons only": {
			pairs: func() []Pair {
				a, b := result("AAA", "d", pc), result("AAA", "d", pc)
				b.Criteria[0].Reasons[0].Code = "C1-OTHER"
				return []Pair{{Base: a, Head: b}}
			}(),
			want: []string{}, reasons: 1,
		},
		"not the same bundle": {pairs: []Pair{{Base: result("AAA", "d1", nc), Head: result("AAA", "d2", nc)}}, wantError: "not the same bundle"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := Compare(tc.pairs)
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("error %v, want %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, flips(r)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			for _, tot := range r.Totals {
				want := tc.totals[tot.Criterion]
				if got := [3]int{tot.MoreSevere, tot.LessSevere, tot.Other}; got != want {
					t.Errorf("criterion %d totals %v, want %v", tot.Criterion, got, want)
				}
			}
			if r.ReasonsOnly != tc.reasons {
				t.Errorf("reasons only %d, want %d", r.ReasonsOnly, tc.reasons)
			}
		})
	}
}

func TestDirection(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{engine.NotCritical, engine.Critical, 1},
		{engine.PossiblyCritical, engine.Critical, 1},
		{engine.Critical, engine.PossiblyCritical, -1},
		{engine.PossiblyCritical, engine.NotCritical, -1},
		{engine.InsufficientData, engine.Critical, 0},
		{engine.NotCritical, engine.InsufficientData, 0},
		{engine.Critical, engine.Critical, 0},
	}
	for _, tc := range tests {
		if got := Direction(tc.from, tc.to); got != tc.want {
			t.Errorf("Direction(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

package plan

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// arenaSrc makes sets, arrays and objects of sizes from none to more than fit inline, and
// keeps two (lim and limits, shared rules' values) across evaluations.
const arenaSrc = `package p

big contains x if {
	some x in input.xs
	x > data.limit
}

small := [x | some x in input.xs; x <= data.limit]

byname := {k: v | some k, v in input.o}

names := object.keys(input.o)

pairs contains [k, v] if {
	some k, v in input.o
	v > 1
}

lim := [data.limit, [data.limit]]

limits := {data.limit, 9} | {1, 2}

out := {
	"big": big, "small": small, "byname": byname, "names": names, "pairs": pairs,
	"both": big | {x | some x in small}, "lim": lim, "n": count(input.xs),
	"sorted": sort(names), "common": names & {"k0", "k5", "k9"}, "rest": names - {"k0", "k1"},
	"limits": limits,
}
`

// arenaInputs are inputs with collections of 0 to 12 elements.
func arenaInputs() []string {
	var out []string
	for n := range 13 {
		var xs, o []string
		for i := range n {
			xs = append(xs, fmt.Sprint((i*7)%10))
			o = append(o, fmt.Sprintf(`"k%d": %d`, (i*5)%13, i%4))
		}
		out = append(out, fmt.Sprintf(`{"xs": [%s], "o": {%s}}`, strings.Join(xs, ","), strings.Join(o, ",")))
	}
	return out
}

// TestEvalScopedReusesSafely evaluates inputs of growing, then shrinking, then alternating
// sizes, one evaluation after the other (so that each reuses the last one's state): every
// value EvalScoped hands over reads as OPA's, and every value Eval returned earlier still
// reads as it did (Eval's collections are never made again).
func TestEvalScopedReusesSafely(t *testing.T) {
	p, err := compileSource(t, arenaSrc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stats().Shared == 0 {
		t.Fatal("no shared rule")
	}
	inputs := arenaInputs()
	want := make([]string, len(inputs))
	values := make([]Value, len(inputs))
	for i, input := range inputs {
		gotJSON, opaJSON := evalBoth(t, p, arenaSrc, input)
		if gotJSON != opaJSON {
			t.Errorf("input %s: compiled %s, OPA %s", input, gotJSON, opaJSON)
		}
		want[i] = opaJSON
		_, values[i] = parseInput(t, input)
	}
	var order []int
	for i := range inputs {
		order = append(order, i, len(inputs)-1-i, (i*5)%len(inputs))
	}
	type kept struct {
		v     Value
		input int
	}
	var keptValues []kept
	ctx := context.Background()
	for round := range 3 {
		for _, i := range order {
			if round == 1 {
				got, err := p.Eval(ctx, values[i])
				if err != nil {
					t.Fatal(err)
				}
				keptValues = append(keptValues, kept{got, i})
				continue
			}
			var got string
			if err := p.EvalScoped(ctx, values[i], func(v Value) { got = string(AppendJSON(nil, v)) }); err != nil {
				t.Fatal(err)
			}
			if got != want[i] {
				t.Errorf("round %d, input %s: EvalScoped %s, want %s", round, inputs[i], got, want[i])
			}
		}
	}
	for _, k := range keptValues {
		if got := string(AppendJSON(nil, k.v)); got != want[k.input] {
			t.Errorf("input %s: the value of Eval changed by later evaluations:\nnow  %s\nwant %s", inputs[k.input], got, want[k.input])
		}
	}
}

// TestDotHints: a dot tries the index its key had in the object it read last; objects with
// the key elsewhere, without it, with fewer keys, or with more keys than are scanned in
// order, and values that are not objects, read as in OPA.
func TestDotHints(t *testing.T) {
	src := "package p\n\nout := [v | some x in input.xs; v := x.k]\n"
	p, err := compileSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	var many []string
	for i := range 12 {
		many = append(many, fmt.Sprintf(`"a%02d": %d`, i, i))
	}
	input := `{"xs": [
		{"a": 1, "k": "first"}, {"a": 1, "k": "same place"}, {"k": "moved"}, {"a": 1, "b": 2},
		{"a": 1, "b": 2, "k": "later"}, {}, {"a": 1, "b": 2, "c": 3}, [1, 2], "k",
		{"a": 1, "k": "back"}, {` + strings.Join(many, ", ") + `, "k": "among many"},
		{` + strings.Join(many, ", ") + `}, {"k": "after many"}
	]}`
	for range 2 { // the second time with the hints the first left
		gotJSON, opaJSON := evalBoth(t, p, src, input)
		if gotJSON != opaJSON {
			t.Errorf("compiled %s, OPA %s", gotJSON, opaJSON)
		}
	}
}

// TestEvalScopedConcurrent evaluates one program from several goroutines at once (each
// evaluation with a state of its own, the shared rules' values published once): every value
// reads as OPA's. Run with -race to check the publication.
func TestEvalScopedConcurrent(t *testing.T) {
	p, err := compileSource(t, arenaSrc)
	if err != nil {
		t.Fatal(err)
	}
	inputs := arenaInputs()
	want := make([]string, len(inputs))
	values := make([]Value, len(inputs))
	for i, input := range inputs {
		_, want[i] = evalBoth(t, p, arenaSrc, input)
		_, values[i] = parseInput(t, input)
	}
	fresh, err := compileSource(t, arenaSrc) // no shared value computed yet
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan string, 4*3*len(inputs))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(inputs) {
				i := (k + g*5) % len(inputs)
				var got string
				if err := fresh.EvalScoped(context.Background(), values[i], func(v Value) { got = string(AppendJSON(nil, v)) }); err != nil {
					errs <- err.Error()
					continue
				}
				if got != want[i] {
					errs <- fmt.Sprintf("input %s: %s, want %s", inputs[i], got, want[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

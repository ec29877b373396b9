package check

import (
	"bytes"
	"context"
	"fmt"
	"reflect"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

// Agreement is what Agree found: how many bundles both evaluators assessed and, per bundle
// on which their results differ, where (in ISO3 order).
type Agreement struct {
	Bundles int
	Differ  []string // "KAZ 2026-06-01: criterion 3: critical (compiled) vs possibly critical (OPA's interpreter)"
}

// Agree assesses the latest bundle of every country in lib with e, which runs the compiled
// evaluator, and with OPA's interpreter on the same policies, the reference, and compares
// the results byte for byte (their canonical JSON, as a decision records them). The shipped
// policies are proven identical on both (engine's differential tests); this shows it for
// the policies being checked, on the data they will decide on. An error means the check
// could not run (an evaluator failed on the same bundle both ways, the library is broken).
func Agree(ctx context.Context, e *engine.Engine, lib *indicators.Library) (*Agreement, error) {
	if e.Evaluator().Name != engine.EvaluatorCompiled {
		return nil, fmt.Errorf("agreement: the engine runs %s, not the compiled evaluator", e.Evaluator())
	}
	ref, err := engine.New(ctx, e.Policies(), engine.WithEvaluator(engine.EvaluatorOPA))
	if err != nil {
		return nil, fmt.Errorf("agreement: OPA's interpreter: %w", err)
	}
	return compareWorlds(ctx, e, ref, lib)
}

// compareWorlds assesses lib's latest bundles with got and with want and reports where the
// results differ.
func compareWorlds(ctx context.Context, got, want *engine.Engine, lib *indicators.Library) (*Agreement, error) {
	gotWorld, gotErr := engine.AssessWorld(ctx, got, lib, "")
	wantWorld, wantErr := engine.AssessWorld(ctx, want, lib, "")
	switch {
	case wantErr != nil && gotErr != nil:
		return nil, fmt.Errorf("agreement: %w", wantErr)
	case wantErr != nil:
		return &Agreement{Differ: []string{fmt.Sprintf("%s fails where %s does not: %v", evaluatorName(want), evaluatorName(got), wantErr)}}, nil
	case gotErr != nil:
		return &Agreement{Differ: []string{fmt.Sprintf("%s fails where %s does not: %v", evaluatorName(got), evaluatorName(want), gotErr)}}, nil
	}
	g, w := gotWorld.Assessments(), wantWorld.Assessments()
	if len(g) != len(w) {
		return nil, fmt.Errorf("agreement: %d and %d bundles assessed", len(g), len(w))
	}
	out := &Agreement{Bundles: len(g)}
	for i := range g {
		d, err := difference(g[i].Result, w[i].Result, evaluatorName(got), evaluatorName(want))
		if err != nil {
			return nil, fmt.Errorf("agreement: %s: %w", g[i].Entry.Path, err)
		}
		if d != "" {
			out.Differ = append(out.Differ, g[i].Entry.ISO3+" "+g[i].Entry.AsOf+": "+d)
		}
	}
	return out, nil
}

// difference says where two results of the same bundle differ: "" when their canonical
// JSON is the same, else the first criterion whose verdict or reasons differ.
func difference(got, want *engine.Result, gotName, wantName string) (string, error) {
	gj, err := got.CanonicalJSON()
	if err != nil {
		return "", err
	}
	wj, err := want.CanonicalJSON()
	if err != nil {
		return "", err
	}
	if bytes.Equal(gj, wj) {
		return "", nil
	}
	for i := range min(len(got.Criteria), len(want.Criteria)) {
		gc, wc := got.Criteria[i], want.Criteria[i]
		if gc.Verdict != wc.Verdict {
			return fmt.Sprintf("criterion %d: %s (%s) vs %s (%s)", gc.Criterion,
				present.VerdictLabel("en", gc.Verdict), gotName, present.VerdictLabel("en", wc.Verdict), wantName), nil
		}
		if !reflect.DeepEqual(gc, wc) {
			return fmt.Sprintf("criterion %d: the same verdict (%s), other reasons or missing data", gc.Criterion, present.VerdictLabel("en", gc.Verdict)), nil
		}
	}
	return "the results differ outside the criteria' verdicts and reasons", nil
}

func evaluatorName(e *engine.Engine) string {
	if e.Evaluator().Name == engine.EvaluatorCompiled {
		return "compiled"
	}
	return "OPA's interpreter"
}

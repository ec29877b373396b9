package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/present"
)

const replayHelp = `Re-evaluates a recorded decision with the policy files archived for its revision, its
archived input and its recorded evaluation time, and compares the result with the
recorded one byte for byte: MATCH, or the difference (-recorded +replayed) and exit
status 5. Nothing is read from the working tree or from git.

With --policies DIR (or a policy bundle .tar.gz) it shows how those policies decide the
same recorded input: a what-if, not a replay of the record (exit status 0 whatever the
result). They are loaded as assess loads them: a bundle's signature is verified with
policies_verification_key, and a data file that does not validate is refused (exit status 4).

With --all it replays every recorded decision (or those the filters select), shows its
progress on stderr and prints how many matched, differed or failed.

Examples:
   exportrisk replay 0196f0c4-8a1e-7c53-9d2b-5a8e4f0c1d27
   exportrisk replay 0196f0c4-8a1e-7c53-9d2b-5a8e4f0c1d27 --policies ./policies
   exportrisk replay 0196f0c4-8a1e-7c53-9d2b-5a8e4f0c1d27 --policies policies-2026.07.tar.gz
   exportrisk replay --all --since 2026-01-01`

func replayCommand() *cli.Command {
	return &cli.Command{
		Name:        "replay",
		Usage:       "replay recorded decisions and check that they give the recorded result",
		ArgsUsage:   "DECISION-ID | --all",
		Description: replayHelp,
		Flags: append(filterFlags(),
			&cli.BoolFlag{Name: "all", Usage: "replay every recorded decision the filters select"},
			&cli.StringFlag{Name: "policies", Usage: "what-if: decide the recorded input with the policies in `DIR` (or a policy bundle) instead"},
			logFlag),
		Action: replay,
	}
}

func replay(c *cli.Context) error {
	all := c.Bool("all")
	filtered := false
	for _, f := range filterFlags() {
		filtered = filtered || c.IsSet(f.Names()[0])
	}
	switch {
	case all && c.NArg() > 0:
		return usageErrorf("replay: give a decision id or --all, not both")
	case !all && c.NArg() != 1:
		return usageErrorf("replay: give one decision id, or --all")
	case all && c.IsSet("policies"):
		return usageErrorf("replay: --policies compares one decision; it cannot be used with --all")
	case !all && filtered:
		return usageErrorf("replay: filters (--country, --since...) select decisions for --all")
	}
	if all {
		f, err := filter(c)
		if err != nil {
			return err
		}
		return withStore(c, func(cfg *Config, s audit.Store) error { return replayAll(c, cfg, s, f) })
	}
	return withStore(c, func(cfg *Config, s audit.Store) error {
		rec, err := getRecord(c.Context, s, c.Args().First())
		if err != nil {
			return err
		}
		if rec.Kind() == audit.KindEvidenceEvent {
			return usageErrorf("replay: %s (seq %d) is an evidence event, not a decision: there is nothing to replay; exportrisk audit show %s shows it",
				rec.DecisionID, rec.Seq, rec.DecisionID)
		}
		if c.IsSet("policies") {
			return whatIf(c, cfg, rec, c.String("policies"))
		}
		return replayOne(c, cfg, s, rec)
	})
}

func replayOne(c *cli.Context, cfg *Config, s audit.Store, rec *audit.RecordV1) error {
	out, err := audit.NewReplayer(s, engine.WithEvaluator(cfg.Evaluator)).Replay(c.Context, rec)
	if err != nil {
		return withCode(exitCheckFailed, err)
	}
	var b bytes.Buffer
	describeRecord(&b, rec)
	fmt.Fprintf(&b, "Policies   %s (archived, %d files)\n", out.Revision, out.Files)
	fmt.Fprintf(&b, "Engine     recorded with %s, replayed with %s\n\n", rec.EngineVersion, engineVersion())
	if out.Match {
		fmt.Fprintln(&b, "MATCH: the replayed result is identical to the recorded one, byte for byte.")
	} else {
		fmt.Fprintln(&b, "DIFFERS: the replayed result is not the recorded one.")
		writeVerdictChanges(&b, rec, out)
		fmt.Fprintf(&b, "Difference (-recorded +replayed):\n%s", out.Diff)
	}
	if _, err := c.App.Writer.Write(b.Bytes()); err != nil {
		return err
	}
	if !out.Match {
		return withCode(exitCheckFailed, fmt.Errorf("replay: decision %s does not give its recorded result", rec.DecisionID))
	}
	return nil
}

func describeRecord(w io.Writer, rec *audit.RecordV1) {
	fmt.Fprintf(w, "Decision   %s (seq %d)\n", rec.DecisionID, rec.Seq)
	fmt.Fprintf(w, "Recorded   %s by %s, case %s\n", rec.Timestamp, rec.Requester, dash(rec.CaseRef))
	fmt.Fprintf(w, "Country    %s, as of %s\n", rec.Country, rec.AsOf)
	fmt.Fprintf(w, "Input      %s (archived)\n", rec.InputDigest)
	fmt.Fprintf(w, "Eval time  %s\n", rec.EvalTime)
}

// whatIf decides a recorded input with the policies of a directory or a bundle, loaded
// as assess loads them.
func whatIf(c *cli.Context, cfg *Config, rec *audit.RecordV1, dir string) error {
	if dir == "" {
		return usageErrorf("replay: --policies needs a policy directory or bundle")
	}
	e, err := loadEngine(c.Context, cfg, dir)
	if err != nil {
		return err
	}
	out, err := audit.ReplayWith(c.Context, e, rec)
	if err != nil {
		return withCode(exitPolicy, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "WHAT-IF, NOT A REPLAY: the policies in %s decide the input recorded with decision %s.\n", dir, rec.DecisionID)
	fmt.Fprintf(&b, "The record was decided under revision %s;\nthese policies are revision %s.\n\n", rec.PolicyRevision, out.Revision)
	describeRecord(&b, rec)
	fmt.Fprintln(&b)
	switch {
	case out.Match && out.Revision == rec.PolicyRevision:
		fmt.Fprintln(&b, "SAME RULES: the directory holds the recorded revision; the result is the recorded one.")
	case out.Match:
		fmt.Fprintln(&b, "SAME RESULT: these policies decide the case as recorded (only the policy revision differs).")
	default:
		fmt.Fprintln(&b, "DIFFERENT RESULT.")
		writeVerdictChanges(&b, rec, out)
		fmt.Fprintf(&b, "Difference (-recorded +with %s):\n%s", dir, out.Diff)
	}
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}

// writeVerdictChanges lists the verdicts that differ between the record and the
// replayed result, before the full difference.
func writeVerdictChanges(w io.Writer, rec *audit.RecordV1, out *audit.Outcome) {
	_, _, overall, verdicts := audit.Summarize(out.Replayed)
	was, now := strings.Fields(rec.Verdicts), strings.Fields(verdicts)
	var changes []string
	if rec.Overall != overall {
		changes = append(changes, fmt.Sprintf("  overall: %s -> %s", dash(rec.Overall), dash(overall)))
	}
	for i := range max(len(was), len(now)) {
		a, b := "-", "-"
		if i < len(was) {
			a = was[i]
		}
		if i < len(now) {
			b = now[i]
		}
		if a != b {
			changes = append(changes, fmt.Sprintf("  criterion %d: %s -> %s", i+1, a, b))
		}
	}
	if len(changes) == 0 {
		fmt.Fprintln(w, "Verdicts: the same; reasons, values or sources differ.")
		return
	}
	fmt.Fprintln(w, "Verdicts:")
	for _, c := range changes {
		fmt.Fprintln(w, c)
	}
}

// replayAll replays the selected decisions on every CPU, with progress on stderr; the
// evidence events among the records selected are counted, not replayed.
func replayAll(c *cli.Context, cfg *Config, s audit.Store, f audit.Filter) error {
	applyBatchGC()
	f.Kind = audit.KindEvidenceEvent
	events, err := s.Count(c.Context, f)
	if err != nil {
		return err
	}
	f.Kind = audit.KindDecision
	total, err := s.Count(c.Context, f)
	if err != nil {
		return err
	}
	prog := newProgress(c.App.ErrWriter, total)
	type bad struct {
		seq  int64
		line string
	}
	var (
		matched, differed, failed int
		bads                      []bad
	)
	err = audit.NewReplayer(s, engine.WithEvaluator(cfg.Evaluator)).ReplayAll(c.Context, f, runtime.GOMAXPROCS(0), func(r *audit.RecordV1, out *audit.Outcome, err error) {
		switch {
		case err != nil:
			failed++
			bads = append(bads, bad{r.Seq, fmt.Sprintf("FAILED   %s  seq %d  %s  %v", r.DecisionID, r.Seq, r.Country, err)})
		case !out.Match:
			differed++
			bads = append(bads, bad{r.Seq, fmt.Sprintf("DIFFERS  %s  seq %d  %s  (exportrisk replay %s shows how)", r.DecisionID, r.Seq, r.Country, r.DecisionID)})
		default:
			matched++
		}
		prog.step(matched + differed + failed)
	})
	prog.done()
	if err != nil {
		return err
	}
	sort.Slice(bads, func(i, j int) bool { return bads[i].seq < bads[j].seq })
	var b bytes.Buffer
	for _, x := range bads {
		fmt.Fprintln(&b, x.line)
	}
	fmt.Fprintf(&b, "Replayed %d decision(s): %d matched, %d differed, %d failed.", matched+differed+failed, matched, differed, failed)
	if events > 0 {
		fmt.Fprintf(&b, " Skipped %s (nothing to replay).", present.Count("en", int(events), "evidence_event"))
	}
	fmt.Fprintln(&b)
	if _, err := c.App.Writer.Write(b.Bytes()); err != nil {
		return err
	}
	if differed+failed > 0 {
		return withCode(exitCheckFailed, fmt.Errorf("replay: %d decision(s) differed and %d failed", differed, failed))
	}
	return nil
}

// progress shows how far replay --all is: a bar redrawn in place on a terminal, else a
// line at every tenth.
type progress struct {
	w     io.Writer
	total int64
	tty   bool
	shown int64 // the last count (terminal) or tenth (otherwise) shown
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total, shown: -1}
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) step(n int) {
	if p.total == 0 {
		return
	}
	done := int64(n)
	if p.tty {
		pct := done * 100 / p.total
		if pct == p.shown && done != p.total {
			return
		}
		p.shown = pct
		bar := strings.Repeat("#", int(pct/4)) + strings.Repeat(".", 25-int(pct/4))
		fmt.Fprintf(p.w, "\rreplaying [%s] %d/%d", bar, done, p.total)
		return
	}
	tenth := done * 10 / p.total
	if tenth == p.shown {
		return
	}
	p.shown = tenth
	fmt.Fprintf(p.w, "replayed %d/%d\n", done, p.total)
}

func (p *progress) done() {
	if p.tty && p.shown >= 0 {
		fmt.Fprintln(p.w)
	}
}

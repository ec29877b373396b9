package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/viper"
	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators/safetext"
)

// AuditConfig says where decisions are recorded (config keys audit.path, audit.dsn) and
// how the log is checkpointed.
type AuditConfig struct {
	Path string `mapstructure:"path"` // SQLite file; default <user data dir>/exportrisk/audit.db
	DSN  string `mapstructure:"dsn"`  // PostgreSQL connection string; when set, used instead of path

	// KeyFile is the log's private signing key (audit keygen); EXPORTRISK_AUDIT_KEY,
	// the key itself, takes precedence. Never stored in the database.
	KeyFile string `mapstructure:"key_file"`
	// PublicKeyFile is the log's public key, to verify checkpoints and proofs.
	PublicKeyFile string `mapstructure:"public_key_file"`
	// CheckpointDir is the witness directory: every checkpoint signed is added there,
	// and audit verify checks the log against all of them.
	CheckpointDir string `mapstructure:"checkpoint_dir"`
	// The server signs a checkpoint every CheckpointEvery records or every
	// CheckpointInterval, whichever comes first.
	CheckpointEvery    int64         `mapstructure:"checkpoint_every"`
	CheckpointInterval time.Duration `mapstructure:"checkpoint_interval"`
}

func auditDefaults(v *viper.Viper) {
	v.SetDefault("audit.key_file", "")
	v.SetDefault("audit.public_key_file", "")
	v.SetDefault("audit.checkpoint_dir", "")
	v.SetDefault("audit.checkpoint_every", 1000)
	v.SetDefault("audit.checkpoint_interval", 10*time.Minute)
}

// defaultAuditPath is $XDG_DATA_HOME/exportrisk/audit.db, else the platform's user
// data directory (~/.local/share on Linux); "" if there is no home directory.
func defaultAuditPath() string {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "exportrisk", "audit.db")
	}
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LocalAppData")
	case "darwin", "ios":
		if d, err := os.UserConfigDir(); err == nil { // ~/Library/Application Support
			dir = d
		}
	default:
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "exportrisk", "audit.db")
}

// defaultRequester is $USER, else the account name, else the user id.
func defaultRequester() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return fmt.Sprintf("uid:%d", os.Getuid())
}

// recordFlags are the assess flags about recording the decision.
func recordFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "requester", Usage: "who asks, recorded with the decision (EXPORTRISK_REQUESTER; default $USER)"},
		&cli.StringFlag{Name: "case", Usage: "case reference recorded with the decision, e.g. a licence application number"},
		&cli.BoolFlag{Name: "no-record", Usage: "dry run: do not record the decision in the audit log"},
	}
}

// openStore opens the configured audit store; only with create (audit init) does it
// make a new one. A missing or empty store is an error that says how to make one or
// point at another.
func openStore(ctx context.Context, cfg *Config, create bool) (audit.Store, error) {
	if cfg.Audit.DSN != "" {
		s, err := audit.OpenPostgres(ctx, cfg.Audit.DSN, audit.PostgresOptions{Create: create})
		if errors.Is(err, audit.ErrNoStore) {
			return nil, fmt.Errorf("audit.dsn: %w; create the store with exportrisk audit init", err)
		}
		if err != nil {
			return nil, fmt.Errorf("audit.dsn: %w", err)
		}
		return s, nil
	}
	if cfg.Audit.Path == "" {
		return nil, usageErrorf("audit.path: no default location (no home directory); set audit.path or EXPORTRISK_AUDIT_PATH")
	}
	s, err := audit.OpenSQLite(ctx, cfg.Audit.Path, audit.SQLiteOptions{Create: create})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w; create it with exportrisk audit init, or set audit.path or EXPORTRISK_AUDIT_PATH to an existing store", err)
	case errors.Is(err, audit.ErrNoStore):
		return nil, fmt.Errorf("%w; restore the store from a backup (exportrisk audit verify --checkpoint shows what is missing); exportrisk audit init does not overwrite it", err)
	}
	return s, err
}

// Longest requester and case reference recorded (as the API allows).
const (
	maxRequester = 200
	maxCaseRef   = 200
)

// checkRecordedText refuses a case reference that would be stored with a control
// character, an ANSI escape or a bidi override in it, or that is too long (the requester
// is checked with the configuration).
func checkRecordedText(c *cli.Context, cfg *Config) error {
	if err := safetext.Check(c.String("case"), safetext.Line, maxCaseRef); err != nil {
		return usageErrorf("case: %v", err)
	}
	return nil
}

// recorded is what became of an assessment: recorded with an id, or a dry run.
type recorded struct {
	id     string
	dryRun bool
}

// recordDecision appends the decision to the audit store (archiving the policies of its
// revision), unless --no-record is given.
func recordDecision(c *cli.Context, cfg *Config, a *engine.Assessment) (*recorded, error) {
	recs, err := recordAll(c, cfg, []*engine.Assessment{a})
	if err != nil {
		return nil, err
	}
	if recs == nil {
		return &recorded{dryRun: true}, nil
	}
	return &recorded{id: recs[0].DecisionID}, nil
}

// recordAll appends the decisions to the audit store in one batch (all or none), unless
// --no-record is given; then it returns no records.
func recordAll(c *cli.Context, cfg *Config, as []*engine.Assessment) ([]*audit.RecordV1, error) {
	if c.Bool("no-record") {
		return nil, nil
	}
	if cfg.Requester == "" {
		return nil, usageErrorf("requester: empty; give --requester NAME or set requester (EXPORTRISK_REQUESTER)")
	}
	if err := checkRecordedText(c, cfg); err != nil {
		return nil, err
	}
	s, err := openStore(c.Context, cfg, false)
	if err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	defer s.Close()
	recs, err := (&audit.Recorder{Store: s, EngineVersion: engineVersion()}).RecordAll(c.Context, as, cfg.Requester, c.String("case"))
	if err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	return recs, nil
}

// footer writes the decision id (or that it was a dry run) under a text report.
func (r *recorded) footer(w io.Writer, lang string, markdown bool) {
	id := r.id
	if r.dryRun {
		id = ""
	}
	fmt.Fprintf(w, "\n%s\n", present.DecisionLine(lang, id, markdown))
}

const auditHelp = `Every assessment is recorded in the audit log: the input bundle, the policy revision
(its files are archived in the log), the engine version, who asked and the result.
Records are the leaves of a Merkle tree (RFC 6962); the log signs checkpoints (tree size
and root hash) with an Ed25519 key kept outside the database, and "audit verify" checks
the log against every checkpoint: a record changed, removed or rewound after a checkpoint
is detected even by someone who recomputed every hash in the database. The log is a
SQLite file (audit.path, EXPORTRISK_AUDIT_PATH; default ~/.local/share/exportrisk/audit.db)
or PostgreSQL (audit.dsn, EXPORTRISK_AUDIT_DSN), created once with "audit init".

Examples:
   exportrisk audit init
   exportrisk audit keygen --name audit.example.org/exportrisk --out keys/
   EXPORTRISK_AUDIT_KEY_FILE=keys/log.key exportrisk audit checkpoint --out witness/
   exportrisk audit verify --key keys/log.pub --checkpoint witness/
   exportrisk audit prove 0196f0c4-8a1e-7c53-9d2b-5a8e4f0c1d27 --key keys/log.pub --checkpoint witness/ > proof.json
   exportrisk audit check-proof proof.json --key keys/log.pub
   exportrisk audit list --country KAZ --since 2026-01-01
   exportrisk audit export --format jsonl > decisions.jsonl`

func auditCommand() *cli.Command {
	cmd := &cli.Command{
		Name:        "audit",
		Usage:       "create the log; list, show, verify, prove and export recorded decisions; sign checkpoints",
		Description: auditHelp,
		Subcommands: []*cli.Command{auditInitCommand(), auditListCommand(), auditShowCommand(), auditVerifyCommand(),
			auditCheckpointCommand(), auditProveCommand(), auditCheckProofCommand(), auditKeygenCommand(), auditExportCommand()},
	}
	for _, sub := range cmd.Subcommands {
		sub.OnUsageError = onUsageError
	}
	return cmd
}

// filterFlags select records, for audit list, audit export and replay --all.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "country", Usage: "only decisions on this destination (ISO3)"},
		&cli.StringFlag{Name: "since", Usage: "only decisions recorded at or after `TIME` (YYYY-MM-DD or RFC 3339)"},
		&cli.StringFlag{Name: "until", Usage: "only decisions recorded at or before `TIME` (YYYY-MM-DD: the whole day)"},
		&cli.StringFlag{Name: "verdict", Usage: "only decisions with this overall class (dark_red, light_red, none) or with a criterion of this verdict (critical, possibly_critical, not_critical, insufficient_data)"},
		&cli.StringFlag{Name: "requester", Usage: "only decisions asked for by this requester"},
	}
}

// filter reads the filter flags.
func filter(c *cli.Context) (audit.Filter, error) {
	f := audit.Filter{Country: c.String("country"), Verdict: c.String("verdict"), Requester: c.String("requester")}
	if f.Country != "" && !iso3Pattern.MatchString(f.Country) {
		return f, usageErrorf("country: want an ISO 3166-1 alpha-3 code such as KAZ (got %q)", f.Country)
	}
	var err error
	if f.Since, err = audit.ParseFilterTime(c.String("since"), false); err != nil {
		return f, usageErrorf("since: %v", err)
	}
	if f.Until, err = audit.ParseFilterTime(c.String("until"), true); err != nil {
		return f, usageErrorf("until: %v", err)
	}
	if err := f.Validate(); err != nil {
		return f, withCode(exitUsage, err)
	}
	return f, nil
}

// auditFormat is the --format of an audit command: its own flag, not the format of
// assessment reports in the configuration.
func auditFormat(c *cli.Context, allowed ...string) (string, error) {
	f := c.String("format")
	if f == "" {
		f = allowed[0]
	}
	for _, a := range allowed {
		if f == a {
			return f, nil
		}
	}
	return "", usageErrorf("format: want %s (got %q)", strings.Join(allowed, " or "), f)
}

// withStore loads the configuration, opens the existing store, and runs fn.
func withStore(c *cli.Context, fn func(cfg *Config, s audit.Store) error) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	s, err := openStore(c.Context, cfg, false)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(cfg, s)
}

func auditListCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list recorded decisions and evidence events, oldest first",
		Flags: append(filterFlags(),
			&cli.StringFlag{Name: "kind", Usage: "only records of this `KIND`: decision or evidence_event (proposals and approvals of evidence items)"},
			&cli.IntFlag{Name: "limit", Usage: "list at most `N` decisions"},
			&cli.StringFlag{Name: "format", Usage: "table or json"}, logFlag),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("audit list: unexpected argument %q (filters are flags: --country %s)", c.Args().First(), c.Args().First())
			}
			format, err := auditFormat(c, "table", "json")
			if err != nil {
				return err
			}
			f, err := filter(c)
			if err != nil {
				return err
			}
			f.Limit, f.Kind = c.Int("limit"), c.String("kind")
			if err := f.Validate(); err != nil {
				return withCode(exitUsage, err)
			}
			return withStore(c, func(_ *Config, s audit.Store) error {
				list, err := s.List(c.Context, f)
				if err != nil {
					return err
				}
				if err := audit.CheckSummaries(c.Context, s, list); err != nil {
					return err
				}
				var out bytes.Buffer
				if format == "json" {
					if err := writeJSON(&out, list); err != nil {
						return err
					}
				} else {
					writeList(&out, list)
				}
				_, err = c.App.Writer.Write(out.Bytes())
				return err
			})
		},
	}
}

func writeList(w io.Writer, list []audit.Summary) {
	if len(list) == 0 {
		fmt.Fprintln(w, "No recorded decision matches.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tDECISION ID\tRECORDED (UTC)\tCOUNTRY\tAS OF\tOVERALL\tREQUESTER\tCASE")
	failing, events := 0, 0
	for _, s := range list {
		mark := ""
		if len(s.Problems) > 0 {
			mark, failing = "\tFAILS ITS HASH", failing+1
		}
		overall, requester := dash(present.ClassLabel("en", s.Overall)), s.Requester
		if s.Kind == audit.KindEvidenceEvent { // OVERALL: the step; CASE: the proposal
			overall, requester, events = "evidence "+s.Overall, s.Requester+" ("+s.Verdicts+")", events+1
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n", s.Seq, s.DecisionID, shortTime(s.Timestamp), s.Country, s.AsOf,
			overall, requester, dash(s.CaseRef), mark)
	}
	tw.Flush()
	if events > 0 {
		fmt.Fprintf(w, "%d decision(s), %s\n", len(list)-events, present.Count("en", events, "evidence_event"))
	} else {
		fmt.Fprintf(w, "%d decision(s)\n", len(list))
	}
	if failing > 0 {
		fmt.Fprintf(w, "WARNING: %d record(s) fail their own check and may have been altered; run exportrisk audit verify.\n", failing)
	}
}

// shortTime writes a record time to the second, for listings.
func shortTime(ts string) string {
	t, err := audit.ParseTime(ts)
	if err != nil {
		return ts
	}
	return t.UTC().Format(time.DateTime)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func auditShowCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show one recorded decision: who, when, which input and rules, the verdicts, the chain",
		ArgsUsage: "DECISION-ID",
		Flags:     []cli.Flag{&cli.StringFlag{Name: "format", Usage: "text or json (the full record, input and result included)"}, logFlag},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("audit show: give one decision id")
			}
			format, err := auditFormat(c, "text", "json")
			if err != nil {
				return err
			}
			return withStore(c, func(_ *Config, s audit.Store) error {
				rec, err := getRecord(c.Context, s, c.Args().First())
				if err != nil {
					return err
				}
				var out bytes.Buffer
				if format == "json" {
					err = writeJSON(&out, rec)
				} else {
					err = writeRecord(c.Context, &out, s, rec)
				}
				if err != nil {
					return err
				}
				_, err = c.App.Writer.Write(out.Bytes())
				return err
			})
		},
	}
}

// recordIntegrity says whether a record passes its own check (audit.RecordProblems).
func recordIntegrity(ctx context.Context, s audit.Store, r *audit.RecordV1) (string, error) {
	problems, err := audit.RecordProblems(ctx, s, r)
	if err != nil {
		return "", err
	}
	if len(problems) > 0 {
		return "FAILS ITS CHECK, may have been altered: " + strings.Join(problems, "; "), nil
	}
	return "intact (content matches its hash, documents their digests, the tree its leaf)", nil
}

// writeEvidenceEvent shows an evidence event: the step, who took it, and the item.
func writeEvidenceEvent(ctx context.Context, w io.Writer, s audit.Store, r *audit.RecordV1) error {
	ev, err := r.EvidenceEvent()
	if err != nil {
		return err
	}
	integrity, err := recordIntegrity(ctx, s, r)
	if err != nil {
		return err
	}
	rows := [][2]string{
		{"Evidence event", r.DecisionID},
		{"Sequence", fmt.Sprint(r.Seq)},
		{"Recorded", r.Timestamp},
		{"Step", fmt.Sprintf("%s by %s (%s)", ev.Action, ev.By, ev.Role)},
	}
	if ev.ProposedBy != "" {
		rows = append(rows, [2]string{"Proposed by", ev.ProposedBy})
	}
	if ev.Reason != "" {
		rows = append(rows, [2]string{"Reason", ev.Reason})
	}
	it := ev.Item
	rows = append(rows, [][2]string{
		{"Proposal", ev.ProposalID},
		{"Country", r.Country},
		{"Item", fmt.Sprintf("%s, %s, reported by %s", displayDate(it), it.Category, it.ReportedBy)},
		{"Summary", it.Summary},
		{"Source", it.Source + " — " + it.URL},
		{"Quote", "“" + it.Quote + "”"},
		{"Item digest", ev.ItemDigest},
		{"Register", fmt.Sprintf("%s -> %s", dash(ev.RegisterBefore), dash(ev.RegisterAfter))},
		{"Engine", r.EngineVersion},
		{"Prev hash", r.PrevHash},
		{"Hash", r.Hash},
		{"Integrity", integrity},
	}...)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, kv := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
	}
	return tw.Flush()
}

// getRecord reads a record; an unknown id is invalid input.
func getRecord(ctx context.Context, s audit.Store, id string) (*audit.RecordV1, error) {
	rec, err := s.Get(ctx, id)
	if errors.Is(err, audit.ErrNotFound) {
		return nil, withCode(exitInvalidInput, fmt.Errorf("no decision %s in %s (see exportrisk audit list)", id, s.Location()))
	}
	return rec, err
}

func writeRecord(ctx context.Context, w io.Writer, s audit.Store, r *audit.RecordV1) error {
	if r.Kind() == audit.KindEvidenceEvent {
		return writeEvidenceEvent(ctx, w, s, r)
	}
	res, err := r.DecodeResult()
	if err != nil {
		return err
	}
	files := "not archived"
	if p, err := s.Policies(ctx, r.PolicyRevision); err == nil {
		files = fmt.Sprintf("%d files archived", len(p))
	}
	integrity, err := recordIntegrity(ctx, s, r)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, kv := range [][2]string{
		{"Decision", r.DecisionID},
		{"Sequence", fmt.Sprint(r.Seq)},
		{"Recorded", r.Timestamp},
		{"Requester", r.Requester},
		{"Case", dash(r.CaseRef)},
		{"Country", fmt.Sprintf("%s (%s), as of %s", res.Country.NameEN, r.Country, r.AsOf)},
		{"Overall", dash(present.ClassLabel("en", r.Overall))},
		{"Input", fmt.Sprintf("%s (%d bytes of canonical JSON)", r.InputDigest, len(r.Input))},
		{"Policies", fmt.Sprintf("%s (%s)", r.PolicyRevision, files)},
		{"Engine", r.EngineVersion},
		{"Result", resultContract(res)},
		{"Evaluated", r.EvalTime},
		{"Prev hash", r.PrevHash},
		{"Hash", r.Hash},
		{"Integrity", integrity},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range res.Criteria {
		verdict := strings.ToUpper(present.VerdictLabel("en", c.Verdict))
		if c.Basis != "" { // results of contract 1 carry no basis
			verdict += " (" + present.BasisLabel("en", c.Basis) + ")"
		}
		fmt.Fprintf(tw, "%d. %s\t%s\n", c.Criterion, c.Title.EN, verdict)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nReplay with: exportrisk replay %s\n", r.DecisionID)
	return nil
}

// resultContract says which result contract a record's result follows.
func resultContract(res *engine.Result) string {
	if res.Contract == 0 {
		return "contract 1 (recorded before engine/present: rendered messages, no basis; replay compares the decision-bearing parts)"
	}
	return fmt.Sprintf("contract %d", res.Contract)
}

func auditVerifyCommand() *cli.Command {
	return &cli.Command{
		Name:  "verify",
		Usage: "check the whole log against itself and against signed checkpoints; report every problem",
		Description: `Checks every record (its hash, its documents, the hash chain, its place in the
Merkle tree), every archived policy file against its digest and revision, and the log
against each checkpoint given with --checkpoint (a file, or a witness directory) and
every checkpoint in audit.checkpoint_dir: the signature with the log's public key
(--key, audit.public_key_file) and a consistency proof from the checkpoint to the
tree the records give. Exit status 5 if anything is wrong.`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "checkpoint", Usage: "check the log against the signed checkpoint in `FILE` (or every checkpoint of a witness directory); repeatable"},
			&cli.StringFlag{Name: "key", Usage: "the log's public key `FILE` (default audit.public_key_file)"},
			&cli.StringFlag{Name: "format", Usage: "text or json"}, logFlag},
		Action: func(c *cli.Context) error {
			format, err := auditFormat(c, "text", "json")
			if err != nil {
				return err
			}
			return withStore(c, func(cfg *Config, s audit.Store) error {
				opts, err := verifyOptions(c, cfg)
				if err != nil {
					return err
				}
				start := time.Now()
				rep, err := audit.Verify(c.Context, s, opts)
				if err != nil {
					return err
				}
				elapsed := time.Since(start)
				var out bytes.Buffer
				if format == "json" {
					if err := writeJSON(&out, rep); err != nil {
						return err
					}
				} else {
					writeVerify(&out, s.Location(), rep, elapsed)
				}
				if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
					return err
				}
				if !rep.OK() {
					return withCode(exitCheckFailed, fmt.Errorf("audit verify: %s: %d problem(s); the first: %w", s.Location(), len(rep.Problems), rep.Problem()))
				}
				return nil
			})
		},
	}
}

// writeVerify writes a verify report as text.
func writeVerify(w io.Writer, loc string, rep *audit.VerifyReport, elapsed time.Duration) {
	rate := ""
	if secs := elapsed.Seconds(); secs > 0 && rep.Records >= 10_000 {
		rate = fmt.Sprintf(", %.0f records/s", float64(rep.Records)/secs)
	}
	fmt.Fprintf(w, "%d record(s), %d document(s), %d policy revision(s) with %d file(s) in %s checked in %s%s.\n",
		rep.Records, rep.Documents, rep.Revisions, rep.PolicyFiles, loc, elapsed.Round(time.Millisecond), rate)
	fmt.Fprintf(w, "Tree: %d records, root %s\n", rep.Records, rep.Root)
	for _, cp := range rep.Checkpoints {
		status := "consistent: the log extends it"
		if !cp.OK {
			status = "NOT CONSISTENT (see below)"
		}
		if cp.Size > 0 || cp.OK {
			status = fmt.Sprintf(" (%d records): %s", cp.Size, status)
		} else {
			status = ": " + status
		}
		fmt.Fprintf(w, "Checkpoint %s%s\n", cp.Source, status)
	}
	if len(rep.Checkpoints) == 0 {
		fmt.Fprintln(w, "No checkpoint checked: without one, a rewrite that recomputed every hash cannot be detected.")
	}
	if rep.OK() {
		fmt.Fprintln(w, "OK: nothing is wrong.")
		return
	}
	fmt.Fprintf(w, "FAILED: %d problem(s):\n", len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  %s\n", p.Error())
	}
}

func auditExportCommand() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write recorded decisions as JSON lines (OPA decision-log field names), oldest first",
		Flags: append(filterFlags(), &cli.StringFlag{Name: "format", Usage: "jsonl"}, logFlag),
		Action: func(c *cli.Context) error {
			if _, err := auditFormat(c, "jsonl"); err != nil {
				return err
			}
			f, err := filter(c)
			if err != nil {
				return err
			}
			return withStore(c, func(_ *Config, s audit.Store) error {
				w := audit.NewJSONLWriter(c.App.Writer)
				return s.Walk(c.Context, f, w.Write)
			})
		},
	}
}

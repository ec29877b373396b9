package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/google/renameio/v2"
	"github.com/spf13/viper"
	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/engine/server"
	"github.com/exportrisk/exportrisk/indicators"
)

// ServerConfig configures exportrisk serve (config keys server.*).
type ServerConfig struct {
	Addr            string         `mapstructure:"addr"`             // host:port to listen on
	MaxBodyBytes    int64          `mapstructure:"max_body_bytes"`   // largest request body
	ReadTimeout     time.Duration  `mapstructure:"read_timeout"`     // to read a whole request
	WriteTimeout    time.Duration  `mapstructure:"write_timeout"`    // to write a response
	IdleTimeout     time.Duration  `mapstructure:"idle_timeout"`     // keep-alive connections
	ShutdownTimeout time.Duration  `mapstructure:"shutdown_timeout"` // for requests under way at SIGTERM
	SessionTTL      time.Duration  `mapstructure:"session_ttl"`      // browser sessions
	SecureCookies   bool           `mapstructure:"secure_cookies"`   // behind a TLS-terminating proxy
	AccessLog       bool           `mapstructure:"access_log"`       // one line per request on stderr
	Tokens          []server.Token `mapstructure:"tokens"`           // {name, role, token_sha256}
	TokensFile      string         `mapstructure:"tokens_file"`      // more tokens, same fields (YAML or JSON list)
	GCPercent       int            `mapstructure:"gc_percent"`       // GOGC for the server (gc.go)
	MemoryLimitMiB  int64          `mapstructure:"memory_limit_mib"` // GOMEMLIMIT for the server, MiB; 0 = none (gc.go)
	PublicURL       string         `mapstructure:"public_url"`       // the URL browsers use, behind a TLS proxy
	// AllowPolicyRollback lets SIGHUP load a policy bundle whose manifest revision is
	// older than the active one (refused otherwise, and logged either way).
	AllowPolicyRollback bool `mapstructure:"allow_policy_rollback"`
}

func serverDefaults(v *viper.Viper) {
	v.SetDefault("server.addr", "127.0.0.1:8080")
	v.SetDefault("server.max_body_bytes", server.DefaultMaxBodyBytes)
	v.SetDefault("server.read_timeout", server.DefaultReadTimeout)
	v.SetDefault("server.write_timeout", server.DefaultWriteTimeout)
	v.SetDefault("server.idle_timeout", server.DefaultIdleTimeout)
	v.SetDefault("server.shutdown_timeout", server.DefaultShutdownTimeout)
	v.SetDefault("server.session_ttl", server.DefaultSessionTTL)
	v.SetDefault("server.secure_cookies", false)
	v.SetDefault("server.access_log", true)
	v.SetDefault("server.tokens_file", "")
	v.SetDefault("server.gc_percent", defaultGCPercent)
	v.SetDefault("server.memory_limit_mib", defaultMemoryLimitMiB)
	v.SetDefault("server.public_url", "")
	v.SetDefault("server.allow_policy_rollback", false)
}

// decodeHook reads durations ("30s") and, from EXPORTRISK_SERVER_TOKENS, a JSON list of
// tokens.
var decodeHook = mapstructure.ComposeDecodeHookFunc(
	func(from, to reflect.Type, data any) (any, error) {
		if from.Kind() != reflect.String || to != reflect.TypeOf([]server.Token(nil)) {
			return data, nil
		}
		var ts []server.Token
		dec := json.NewDecoder(strings.NewReader(data.(string)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ts); err != nil {
			return nil, fmt.Errorf(`server.tokens: want a JSON list such as [{"name": "alice", "role": "officer", "token_sha256": "…"}] (%v)`, err)
		}
		return ts, nil
	},
	mapstructure.StringToTimeDurationHookFunc(),
	mapstructure.StringToSliceHookFunc(","),
)

func (s ServerConfig) validate() error {
	var errs []error
	errs = append(errs, s.validateGC())
	if err := checkAddr(s.Addr); err != nil {
		errs = append(errs, fmt.Errorf("server.addr: %w", err))
	}
	if s.PublicURL != "" {
		if _, err := server.PublicOrigin(s.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("server.public_url: %w", err))
		}
	}
	if s.MaxBodyBytes < 1024 || s.MaxBodyBytes > indicators.MaxBundleSize {
		errs = append(errs, fmt.Errorf("server.max_body_bytes: want 1024..%d (got %d)", indicators.MaxBundleSize, s.MaxBodyBytes))
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"read_timeout", s.ReadTimeout}, {"write_timeout", s.WriteTimeout}, {"idle_timeout", s.IdleTimeout},
		{"shutdown_timeout", s.ShutdownTimeout}, {"session_ttl", s.SessionTTL}} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("server.%s: want a positive duration such as 30s (got %s)", d.key, d.v))
		}
	}
	return errors.Join(errs...)
}

// checkAddr wants host:port with a numeric port (the host may be empty: all interfaces).
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must include a port (got %q)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port: want 0..65535 (got %q)", port)
	}
	return nil
}

const serveHelp = `Serves the JSON API (for case-management systems) and the web pages (for people) on
server.addr (default 127.0.0.1:8080). Every request but /healthz, /readyz, /v1/openapi.json
and the sign-in page needs an API token; each token has a role: officer (assess and read),
policy (officer, and later the impact analysis), auditor (read, replay, verify). The
configuration holds only each token's SHA-256; "exportrisk serve token" makes a token.

Every POST /v1/assessments (and "Assess and record" on a country page) is recorded in the
audit store under the token's name before the answer is written.

SIGTERM or Ctrl-C: stop accepting connections, finish the requests under way, exit.
SIGHUP: read the policies (--policies) and the tokens again, and recompute the overview.

Examples:
   exportrisk serve token --name alice --role officer
   exportrisk serve
   exportrisk serve --addr :8443 --policies ./policies
   curl -H "Authorization: Bearer $TOKEN" --json '{"country": "KAZ"}' http://127.0.0.1:8080/v1/assessments`

func serveCommand() *cli.Command {
	cmd := &cli.Command{
		Name:        "serve",
		Usage:       "serve the HTTP API and the web pages",
		Description: serveHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT` (server.addr, EXPORTRISK_SERVER_ADDR; default 127.0.0.1:8080)"},
			policiesFlag, fixturesFlag, evidenceFlag, logFlag,
		},
		Subcommands: []*cli.Command{serveTokenCommand()},
		Action:      serve,
	}
	for _, sub := range cmd.Subcommands {
		sub.OnUsageError = onUsageError
	}
	return cmd
}

func serve(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErrorf("serve: unexpected argument %q (see exportrisk serve --help)", c.Args().First())
	}
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	addr := cfg.Server.Addr
	if c.IsSet("addr") {
		addr = c.String("addr")
		if err := checkAddr(addr); err != nil {
			return usageErrorf("addr: %v", err)
		}
	}
	tokens, err := loadTokens(cfg)
	if err != nil {
		return err
	}
	applyGC(cfg.Server)
	e, err := newEngine(c.Context, cfg)
	if err != nil {
		return err
	}
	lib, ev, err := serverLibrary(cfg)
	if err != nil {
		return err
	}
	store, err := openStore(c.Context, cfg, false)
	if err != nil {
		return err
	}
	defer store.Close()
	checkpointer, err := newCheckpointer(cfg, store)
	if err != nil {
		return err
	}
	var access *slog.Logger
	if cfg.Server.AccessLog {
		access = slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	}
	var writable func(context.Context) error
	if cfg.Audit.DSN == "" {
		writable = sqliteWritable(cfg.Audit.Path)
	}
	srv, err := server.New(c.Context, server.Config{
		Engine: e, Library: lib, Store: store, EngineVersion: engineVersion(), Tokens: tokens, Evidence: ev,
		MaxBodyBytes: cfg.Server.MaxBodyBytes, SessionTTL: cfg.Server.SessionTTL, SecureCookies: cfg.Server.SecureCookies,
		ReadTimeout: cfg.Server.ReadTimeout, WriteTimeout: cfg.Server.WriteTimeout, IdleTimeout: cfg.Server.IdleTimeout,
		ShutdownTimeout: cfg.Server.ShutdownTimeout, AccessLog: access, PublicURL: cfg.Server.PublicURL, StoreWritable: writable,
		Checkpointer: checkpointer,
	})
	if err != nil {
		var werr *engine.WorldError
		if errors.As(err, &werr) && werr.Assess {
			return withCode(exitPolicy, err)
		}
		return withCode(exitUsage, err)
	}
	// main cancels c.Context on SIGTERM and SIGINT; serve listens as well so that it
	// also stops when run by other means (tests) and does not die of the signal.
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageErrorf("serve: listen on %s: %v", addr, err)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	active := manifestRevision(e.Policies())
	go reloadOnHUP(ctx, c, hup, srv, active)

	url := "http://" + displayAddr(ln.Addr().String()) + "/"
	fmt.Fprintf(c.App.Writer, "exportrisk %s serving on %s\n", engineVersion(), url)
	fmt.Fprintf(c.App.Writer, "  web pages %s (sign in with an API token), API %sv1/, OpenAPI %sv1/openapi.json\n", url, url, url)
	fmt.Fprintf(c.App.Writer, "  %d countries, policy revision %s, %d token(s), audit store %s\n",
		len(srv.World().Countries), e.Policies().Revision, len(tokens), store.Location())
	fmt.Fprintln(c.App.Writer, "  stop with Ctrl-C or SIGTERM (requests under way finish); SIGHUP reloads policies and tokens")
	cpCtx, stopCheckpoints := context.WithCancel(context.WithoutCancel(ctx))
	cpDone := make(chan struct{})
	go func() {
		defer close(cpDone)
		if checkpointer != nil {
			checkpointer.Run(cpCtx)
		}
	}()
	err = srv.Run(ctx, ln)
	stopCheckpoints() // signs a last checkpoint of everything recorded
	<-cpDone
	if err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return fmt.Errorf("close audit store: %w", err)
	}
	fmt.Fprintln(c.App.Writer, "exportrisk serve: stopped; every decision answered is recorded.")
	return nil
}

// newCheckpointer returns the server's checkpointer if a log key is configured.
func newCheckpointer(cfg *Config, store audit.Store) (*audit.Checkpointer, error) {
	signer, err := logSigner(cfg)
	if err != nil || signer == nil {
		return nil, err
	}
	if cfg.Audit.CheckpointEvery < 0 || cfg.Audit.CheckpointInterval < 0 {
		return nil, usageErrorf("audit.checkpoint_every, audit.checkpoint_interval: want 0 (off) or more")
	}
	return &audit.Checkpointer{Store: store, Signer: signer, Witness: cfg.Audit.CheckpointDir,
		EveryRecords: cfg.Audit.CheckpointEvery, Interval: cfg.Audit.CheckpointInterval}, nil
}

// displayAddr names a listening address for a browser: the unspecified address as
// localhost.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// reloadOnHUP reads the configuration again on SIGHUP: the tokens, and the policies
// (--policies: a directory or a policy bundle; else the embedded ones), prepared as for
// assess. A policy bundle whose manifest revision is older than the active one (active:
// the revision serve started with or last loaded) is refused unless
// server.allow_policy_rollback is set: a replayed old signed bundle must not quietly undo
// a rule change. A failed reload keeps what the server has and says why.
func reloadOnHUP(ctx context.Context, c *cli.Context, hup <-chan os.Signal, srv *server.Server, active string) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		cfg, err := loadConfig(c)
		if err == nil {
			var tokens []server.Token
			if tokens, err = loadTokens(cfg); err == nil {
				err = srv.SetTokens(tokens)
			}
		}
		var (
			p    *policy.Set
			next string
		)
		if err == nil {
			p, err = loadPolicies(cfg, cfg.Policies)
		}
		if err == nil {
			next = manifestRevision(p)
			err = checkRollback(active, next, cfg.Server.AllowPolicyRollback)
		}
		if err == nil {
			var e *engine.Engine
			if e, err = prepareEngine(ctx, cfg, p); err == nil {
				err = srv.Reload(ctx, e)
			}
		}
		if err != nil {
			slog.Error("SIGHUP: reload failed; keeping the policies and tokens in use", "err", err)
			continue
		}
		active = next
		slog.Warn("SIGHUP: reloaded", "revision", srv.Engine().Policies().Revision, "manifest_revision", next)
	}
}

// checkRollback refuses going from manifest revision active to an older next unless
// allowed; a rollback that is allowed is logged.
func checkRollback(active, next string, allowed bool) error {
	c, ok := bundle.CompareRevisions(next, active)
	if !ok || c >= 0 {
		return nil
	}
	if !allowed {
		return fmt.Errorf("policy bundle manifest revision %s is older than the active %s: refusing a rollback "+
			"(set server.allow_policy_rollback to load it on purpose)", next, active)
	}
	slog.Warn("SIGHUP: rolling back to an older policy bundle (server.allow_policy_rollback)", "from", active, "to", next)
	return nil
}

// loadTokens returns the tokens of server.tokens and of the tokens file (server.tokens_file,
// else <user config dir>/exportrisk/tokens.yaml if it exists), checked.
func loadTokens(cfg *Config) ([]server.Token, error) {
	tokens := append([]server.Token(nil), cfg.Server.Tokens...)
	file, explicit := tokensFile(cfg)
	if file != "" {
		fromFile, err := readTokensFile(file)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !explicit:
		case err != nil:
			return nil, withCode(exitUsage, err)
		default:
			tokens = append(tokens, fromFile...)
		}
	}
	if err := server.ValidateTokens(tokens); err != nil {
		if errors.Is(err, server.ErrNoTokens) {
			err = fmt.Errorf("%w (create one with: exportrisk serve token --name NAME --role officer)", err)
		}
		if file != "" {
			err = fmt.Errorf("%w\n(tokens come from server.tokens and %s)", err, file)
		}
		return nil, withCode(exitUsage, err)
	}
	return tokens, nil
}

// tokensFile is server.tokens_file, else the default file; explicit says it was set.
func tokensFile(cfg *Config) (string, bool) {
	if cfg.Server.TokensFile != "" {
		return cfg.Server.TokensFile, true
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "exportrisk", "tokens.yaml"), false
	}
	return "", false
}

// readTokensFile reads a YAML or JSON list of {name, role, token_sha256}.
func readTokensFile(file string) ([]server.Token, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("server.tokens_file: %w", err)
	}
	var entries []struct {
		Name   string `yaml:"name"`
		Role   string `yaml:"role"`
		SHA256 string `yaml:"token_sha256"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil && !errors.Is(err, io.EOF) { // EOF: empty, or comments only
		return nil, fmt.Errorf("server.tokens_file: %s: want a list of {name, role, token_sha256}: %v", file, err)
	}
	out := make([]server.Token, len(entries))
	for i, e := range entries {
		out[i] = server.Token{Name: e.Name, Role: server.Role(e.Role), SHA256: e.SHA256}
	}
	return out, nil
}

const serveTokenHelp = `Makes a new random API token, prints it once, and adds its SHA-256 (never the token) with
the name and role to the tokens file: server.tokens_file, else
~/.config/exportrisk/tokens.yaml (created with mode 0600). Decisions made with the token
are recorded under its name. Restart exportrisk serve, or send it SIGHUP, to use it.

To configure a token by hand instead, hash it: printf %s "$TOKEN" | sha256sum

Examples:
   exportrisk serve token --name alice --role officer
   exportrisk serve token --name audit-office --role auditor`

func serveTokenCommand() *cli.Command {
	return &cli.Command{
		Name:        "token",
		Usage:       "make an API token and add its hash to the tokens file",
		Description: serveTokenHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "who holds the token (required); recorded as the requester of their decisions"},
			&cli.StringFlag{Name: "role", Usage: "officer, policy or auditor (required)"},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.NArg() > 0:
				return usageErrorf("serve token: unexpected argument %q", c.Args().First())
			case c.String("name") == "" || c.String("role") == "":
				return usageErrorf("serve token: give --name NAME and --role officer|policy|auditor")
			}
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			file, _ := tokensFile(cfg)
			if file == "" {
				return usageErrorf("server.tokens_file: no default location (no home directory); set server.tokens_file or EXPORTRISK_SERVER_TOKENS_FILE")
			}
			token, err := server.NewToken()
			if err != nil {
				return err
			}
			entry := server.Token{Name: c.String("name"), Role: server.Role(c.String("role")), SHA256: server.HashToken(token)}
			existing, err := readTokensFile(file)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return withCode(exitUsage, err)
			}
			if err := server.ValidateTokens(append(append(append([]server.Token(nil), cfg.Server.Tokens...), existing...), entry)); err != nil {
				return withCode(exitUsage, fmt.Errorf("%w\n(the tokens file is %s)", err, file))
			}
			if err := appendToken(file, entry); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "New %s token for %s. It is shown only now; keep it secret:\n\n  %s\n\n", entry.Role, entry.Name, token)
			fmt.Fprintf(c.App.Writer, "Its SHA-256 was added to %s.\nRestart exportrisk serve (or send it SIGHUP) to use it.\n", file)
			return nil
		},
	}
}

// appendToken adds an entry to the tokens file (made private: mode 0600, directory 0700),
// keeping what is there.
func appendToken(file string, t server.Token) error {
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("server.tokens_file: %w", err)
	}
	if len(old) == 0 {
		old = []byte("# exportrisk API tokens: the SHA-256 of each token, never the token itself.\n" +
			"# Made by exportrisk serve token; hash a token yourself with: printf %s \"$TOKEN\" | sha256sum\n")
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n')
	}
	entry := fmt.Sprintf("- name: %s\n  role: %s\n  token_sha256: %s\n", yamlString(t.Name), t.Role, t.SHA256)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("server.tokens_file: %w", err)
	}
	if err := renameio.WriteFile(file, append(old, entry...), 0o600, renameio.WithStaticPermissions(0o600)); err != nil {
		return fmt.Errorf("server.tokens_file: %w", err)
	}
	return nil
}

// yamlString quotes a name for YAML.
func yamlString(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a YAML string
	return string(b)
}

// Package server makes the engine a service: a JSON API for case-management systems
// (POST /v1/assessments records every decision in the audit store) and the web pages of
// engine/server/web for licensing officers, policy staff and auditors (world overview,
// country report, decision page with replay), behind role-based API tokens and browser
// sessions.
//
// One engine is prepared and the world overview computed when the server is made (and
// again by Reload); requests only evaluate the bundle they ask about.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/engine/server/web"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// Defaults of Config fields left zero.
const (
	DefaultMaxBodyBytes    = 1 << 20
	DefaultSessionTTL      = 8 * time.Hour
	DefaultReadTimeout     = 30 * time.Second
	DefaultWriteTimeout    = 60 * time.Second
	DefaultIdleTimeout     = 120 * time.Second
	DefaultShutdownTimeout = 30 * time.Second

	// MaxParallelBundles is how many posted bundles are parsed at once; others wait. With
	// the body limit and the validator's caps (indicators.MaxProblems, MaxListItems) it
	// bounds the memory requests can take together.
	MaxParallelBundles = 4
)

// Config configures a Server.
type Config struct {
	Engine        *engine.Engine      // prepared once; replaced by Reload
	Library       *indicators.Library // the shipped bundles (GET /v1/countries, {"country": ...})
	Store         audit.Store         // where decisions are recorded; the caller closes it after Run
	EngineVersion string              // recorded with every decision
	Tokens        []Token             // who may do what; at least one
	Evidence      *EvidenceRegister   // the evidence register Library merges, and its four-eyes workflow; nil: none (evidence.go)
	// Checkpointer signs the audit log's checkpoints (GET /v1/audit/checkpoint, the
	// proofs of GET /v1/decisions/{id}/proof); nil if no log key is configured. The
	// caller runs it.
	Checkpointer *audit.Checkpointer

	MaxBodyBytes  int64         // largest request body; DefaultMaxBodyBytes if 0
	SessionTTL    time.Duration // how long a browser session lasts; DefaultSessionTTL if 0
	SecureCookies bool          // mark cookies Secure even on plain HTTP (behind a TLS proxy)

	// PublicURL is the URL browsers use (https://exportrisk.example behind a TLS proxy):
	// forms must come from its origin. Empty: the scheme and Host of each request.
	PublicURL string

	// StoreWritable, if set, tells /readyz whether the store can take a decision now (not
	// read-only, not out of space); nil: only that the store answers.
	StoreWritable func(ctx context.Context) error

	// Timeouts of the http.Server Run starts; the defaults above if 0.
	ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration

	// AccessLog receives one line per request (never a token or a cookie); nil: none.
	AccessLog *slog.Logger
	// Logger receives errors and lifecycle messages; nil: slog.Default().
	Logger *slog.Logger
}

// Server is the HTTP API and the web pages' server. It is an http.Handler.
type Server struct {
	cfg      Config
	state    atomic.Pointer[state]
	recorder *audit.Recorder
	replayer *audit.Replayer
	workflow *evidence.Workflow // the evidence register's four-eyes workflow; nil: read-only (evidence.go)
	tokens   atomic.Pointer[tokenSet]
	sessions *sessions
	metrics  *metrics
	bundles  sync.Map // library entry path -> *cachedBundle
	pages    *web.Pages
	handler  http.Handler
	routes   []route
	draining atomic.Bool
	reloadMu sync.Mutex
	origin   string        // of cfg.PublicURL; "" without one
	parsing  chan struct{} // bounds the bundle bodies parsed at once (memory)

	// recMu is held for reading by every recording; stopRecording takes it for writing
	// to wait for them, then sets recClosed.
	recMu     sync.RWMutex
	recClosed bool

	// testHookBeforeRecord, if set, runs in POST /v1/assessments after the evaluation
	// and before the decision is recorded (tests hold a request there).
	testHookBeforeRecord func()
}

// state is what Reload replaces as a whole: the engine and what was computed with it.
type state struct {
	e     *engine.Engine
	words *present.Presenter // words e's results
	world *engine.World
	hist  *history.Service // the shipped years, assessed with e on demand (cached per year)
}

// New prepares the server: it checks the configuration and computes the world overview
// with cfg.Engine.
func New(ctx context.Context, cfg Config) (*Server, error) {
	switch {
	case cfg.Engine == nil:
		return nil, errors.New("server: no engine")
	case cfg.Library == nil:
		return nil, errors.New("server: no bundle library")
	case cfg.Store == nil:
		return nil, errors.New("server: no audit store")
	case cfg.EngineVersion == "":
		return nil, errors.New("server: no engine version")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&cfg.ReadTimeout, DefaultReadTimeout}, {&cfg.WriteTimeout, DefaultWriteTimeout},
		{&cfg.IdleTimeout, DefaultIdleTimeout}, {&cfg.ShutdownTimeout, DefaultShutdownTimeout}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	tokens, err := newTokenSet(cfg.Tokens)
	if err != nil {
		return nil, err
	}
	var origin string
	if cfg.PublicURL != "" {
		if origin, err = PublicOrigin(cfg.PublicURL); err != nil {
			return nil, fmt.Errorf("server.public_url: %w", err)
		}
	}
	s := &Server{
		cfg:      cfg,
		recorder: &audit.Recorder{Store: cfg.Store, EngineVersion: cfg.EngineVersion},
		replayer: audit.NewReplayer(cfg.Store),
		sessions: newSessions(cfg.SessionTTL),
		metrics:  newMetrics(),
		origin:   origin,
		parsing:  make(chan struct{}, MaxParallelBundles),
	}
	if cfg.Checkpointer != nil {
		s.recorder.Appended = cfg.Checkpointer.Appended
	}
	if ev := cfg.Evidence; ev != nil && ev.Dir != "" {
		log := eventLog{s, &audit.EvidenceLog{Store: cfg.Store, EngineVersion: cfg.EngineVersion, Appended: s.recorder.Appended}}
		if s.workflow, err = evidence.NewWorkflow(ctx, ev.Dir, log); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	s.tokens.Store(tokens)
	pages := pagesBackend{s}
	if s.pages, err = web.New(web.Config{Assessor: pages, Decisions: pages, Evidence: pages,
		EngineVersion: cfg.EngineVersion, Logger: cfg.Logger}); err != nil {
		return nil, err
	}
	if err := s.setEngine(ctx, cfg.Engine); err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	s.handler = s.buildHandler()
	return s, nil
}

// setEngine computes the world overview with e and makes both current.
func (s *Server) setEngine(ctx context.Context, e *engine.Engine) error {
	start := time.Now()
	words, err := present.New(e)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	w, err := engine.AssessWorld(ctx, e, s.cfg.Library, "")
	if err != nil {
		return fmt.Errorf("server: world overview: %w", err)
	}
	for _, a := range w.Assessments() {
		s.bundles.Store(a.Entry.Path, &cachedBundle{in: a.Input, source: a.Source})
	}
	s.state.Store(&state{e: e, words: words, world: w, hist: history.New(e, s.cfg.Library)})
	s.metrics.setPolicy(e.Policies().Revision)
	s.cfg.Logger.Info("world overview computed", "countries", len(w.Countries), "revision", e.Policies().Revision, "took", time.Since(start))
	return nil
}

// Reload computes the world overview with the engine e (prepared for other policies),
// then switches to both at once; requests under way finish with the old engine. On
// error the server keeps the old ones.
func (s *Server) Reload(ctx context.Context, e *engine.Engine) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	return s.setEngine(ctx, e)
}

// SetTokens replaces the tokens. Browser sessions started with a token that is gone
// end too.
func (s *Server) SetTokens(ts []Token) error {
	set, err := newTokenSet(ts)
	if err != nil {
		return err
	}
	s.tokens.Store(set)
	s.sessions.keepOnly(set)
	return nil
}

// Engine returns the current engine.
func (s *Server) Engine() *engine.Engine { return s.state.Load().e }

// World returns the current world overview.
func (s *Server) World() *engine.World { return s.state.Load().world }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run serves on ln until ctx ends (exportrisk serve ends it on SIGTERM or SIGINT), then
// shuts down gracefully: /readyz reports 503, the listener closes, requests under way
// finish (each decision is recorded before its response is written), and Run returns.
// If they take longer than the shutdown timeout, connections are closed; Run still waits
// for the recordings under way, and refuses later ones, so that no decision is reported
// recorded without being in the store. The caller closes the store after Run returns.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadTimeout:       s.cfg.ReadTimeout,
		ReadHeaderTimeout: min(s.cfg.ReadTimeout, 10*time.Second),
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.cfg.Logger.Info("shutting down: waiting for requests under way", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		s.cfg.Logger.Warn("shutdown timeout: closing connections", "err", err)
		srv.Close()
	}
	s.stopRecording()
	if e := <-served; e != nil && !errors.Is(e, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", e)
	}
	s.cfg.Logger.Info("shut down")
	return nil
}

package server

import (
	"context"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/engine/server/web"
)

// route is one method and path pattern of http.ServeMux, who may use it, and whether it
// is a web page (HTML; session cookies accepted; without credentials it shows the
// sign-in form) or part of the API (JSON; bearer tokens only).
type route struct {
	method string
	path   string
	access access
	web    bool
	h      func(w http.ResponseWriter, r *http.Request, rc *reqCtx)
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// reqCtx is what the middleware learnt about a request.
type reqCtx struct {
	p    Principal
	sess *session // nil with a bearer token or on public routes
	lang string   // web pages: en or de
}

// routeTable lists every route. The OpenAPI document describes each of them (a test
// checks it) and the access test tries each with every role.
func (s *Server) routeTable() []route {
	return append([]route{
		// API
		{"POST", "/v1/assessments", accessAssess, false, s.apiAssess},
		{"GET", "/v1/countries", accessRead, false, s.apiCountries},
		{"GET", "/v1/countries/{iso3}", accessRead, false, s.apiCountry},
		{"GET", "/v1/countries/{iso3}/history", accessRead, false, s.apiCountryHistory},
		{"GET", "/v1/world", accessRead, false, s.apiWorld},
		{"GET", "/v1/diff", accessRead, false, s.apiDiff},
		{"GET", "/v1/decisions", accessRead, false, s.apiDecisions},
		{"GET", "/v1/decisions/{id}", accessRead, false, s.apiDecision},
		{"GET", "/v1/decisions/{id}/report", accessRead, false, s.apiDecisionReport}, // report.go
		{"POST", "/v1/decisions/{id}/replay", accessReplay, false, s.apiReplay},
		{"GET", "/v1/decisions/{id}/proof", accessVerify, false, s.apiProof},
		{"GET", "/v1/audit/verify", accessVerify, false, s.apiVerify},
		{"GET", "/v1/audit/checkpoint", accessRead, false, s.apiCheckpoint},
		{"GET", "/v1/openapi.json", public, false, s.apiOpenAPI},
		{"GET", "/healthz", public, false, s.healthz},
		{"GET", "/readyz", public, false, s.readyz},
		{"GET", "/metrics", accessRead, false, s.metricsHandler},
		// Web pages (engine/server/web; signing in and out: signin.go)
		{"GET", "/{$}", accessRead, true, s.page(s.pages.Overview)},
		{"GET", "/countries/{iso3}", accessRead, true, s.page(s.pages.Country)},
		{"POST", "/countries/{iso3}/assess", accessAssess, true, s.page(s.pages.Assess)},
		{"GET", "/decisions", accessRead, true, s.page(s.pages.Decisions)},
		{"GET", "/decisions/{id}", accessRead, true, s.page(s.pages.Decision)},
		{"POST", "/decisions/{id}/replay", accessReplay, true, s.page(s.pages.Replay)},
		{"GET", "/login", public, true, s.pageLogin},
		{"POST", "/login", public, true, s.pageLoginPost},
		{"POST", "/logout", public, true, s.pageLogout},
		{"GET", "/static/{file}", public, true, s.page(s.pages.Static)},
	}, s.evidenceRoutes()...) // evidence.go
}

// buildHandler registers the routes on a ServeMux. Each path also gets a handler for
// the other methods (405 with Allow), and unknown paths a 404, as JSON under /v1/ and
// as a page elsewhere.
func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	web := map[string]bool{}
	var paths []string
	for _, rt := range s.routes {
		mux.Handle(rt.pattern(), s.wrap(rt))
		if _, ok := allowed[rt.path]; !ok {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
		web[rt.path] = rt.web
		if rt.method == "GET" {
			allowed[rt.path] = append(allowed[rt.path], "HEAD")
		}
	}
	for _, p := range paths {
		methods := strings.Join(allowed[p], ", ")
		rt := route{method: "", path: p, web: web[p], h: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
			w.Header().Set("Allow", methods)
			s.fail(w, r, rc, web[p], apiErr(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "%s %s: want %s", r.Method, r.URL.Path, methods))
		}}
		mux.Handle(p, s.wrap(rt))
	}
	notFound := func(web bool) route {
		return route{path: "unmatched", web: web, h: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
			s.fail(w, r, rc, web, apiErr(http.StatusNotFound, CodeNotFound, "no route %s %s (see /v1/openapi.json)", r.Method, r.URL.Path))
		}}
	}
	mux.Handle("/v1/", s.wrap(notFound(false)))
	mux.Handle("/", s.wrap(notFound(true)))
	return mux
}

// wrap adds to a route: metrics and the access log, security headers, recovery from
// panics, authentication, the role check, and for the forms of the web pages the CSRF
// check.
func (s *Server) wrap(rt route) http.Handler {
	label := rt.pattern()
	if rt.method == "" {
		label = "other " + rt.path
	}
	if rt.path == "unmatched" {
		label = "unmatched"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		rc := &reqCtx{}
		s.metrics.inflight.Inc()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic serving request", "route", label, "panic", v, "stack", string(debug.Stack()))
				if !sw.wrote {
					s.fail(sw, r, rc, rt.web, apiErr(http.StatusInternalServerError, CodeInternal, "internal error"))
				}
			}
			d := time.Since(start)
			s.metrics.inflight.Dec()
			s.metrics.requests.WithLabelValues(label, strconv.Itoa(sw.status)).Inc()
			s.metrics.latency.WithLabelValues(label).Observe(d.Seconds())
			if s.cfg.AccessLog != nil {
				user := rc.p.Name
				if user == "" {
					user = "-"
				}
				// Never the query (it may hold a case reference), a header or a cookie.
				s.cfg.AccessLog.Info("request", "method", r.Method, "path", r.URL.Path, "route", label,
					"status", sw.status, "bytes", sw.bytes, "duration", d.Round(time.Microsecond), "user", user, "remote", r.RemoteAddr)
			}
		}()
		h := sw.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if rt.web {
			if r.Method == http.MethodPost { // forms are small
				r.Body = http.MaxBytesReader(sw, r.Body, s.cfg.MaxBodyBytes)
			}
			h.Set("X-Frame-Options", "DENY")
			h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
			rc.lang = web.Lang(sw, r, s.secure(r))
			if s.origin != "" {
				r = r.WithContext(context.WithValue(r.Context(), originKey{}, s.origin))
			}
		}
		if s.draining.Load() && rt.access != public && rt.method == "POST" {
			s.fail(sw, r, rc, rt.web, apiErr(http.StatusServiceUnavailable, CodeShuttingDown, "the server is shutting down; try again shortly"))
			return
		}
		if rt.access != public || rt.web {
			p, sess, res := s.authenticate(r, rt.web)
			if res == authOK {
				rc.p, rc.sess = p, sess
			}
			if rt.access != public {
				switch res {
				case authNone:
					s.unauthorized(sw, r, rc, rt.web, "no token: send Authorization: Bearer <token>")
					return
				case authInvalid:
					if rt.web {
						clearCookie(sw, r, s.cfg.SecureCookies, sessionCookie)
					}
					s.unauthorized(sw, r, rc, rt.web, "the token is not valid (or the session has ended)")
					return
				}
				if !rt.access.allows(p.Role) {
					s.fail(sw, r, rc, rt.web, apiErr(http.StatusForbidden, CodeForbidden,
						"%s has the role %s; %s needs %s", p.Name, p.Role, label, rt.access.roles()))
					return
				}
				if rt.web && rt.method == http.MethodPost && !checkCSRF(r, rc.sess) {
					s.fail(sw, r, rc, true, apiErr(http.StatusForbidden, CodeForbidden,
						"the form has expired or did not come from this site; reload the page and try again"))
					return
				}
			}
		}
		rt.h(sw, r, rc)
	})
}

// fail writes an error: JSON for the API, a page for the web.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, rc *reqCtx, web bool, e *APIError) {
	if e.Status >= 500 && e.Code != CodeShuttingDown {
		s.cfg.Logger.Error("request failed", "route", r.Pattern, "code", e.Code, "message", e.Message)
	}
	if web {
		s.errorPage(w, r, rc, e)
		return
	}
	writeError(w, e)
}

// unauthorized answers a request without valid credentials: 401, with the sign-in form
// on web pages.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, rc *reqCtx, web bool, msg string) {
	if web {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet { // after signing in, go back to the page of the form
			next = strings.TrimSuffix(strings.TrimSuffix(r.URL.Path, "/assess"), "/replay")
		}
		s.signIn(w, r, rc, http.StatusUnauthorized, "", next)
		return
	}
	writeError(w, apiErr(http.StatusUnauthorized, CodeUnauthorized, "%s", msg))
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

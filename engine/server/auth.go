package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Role is what a token may do.
type Role string

// The roles. Policy staff can do what officers can and, once it exists, run the impact
// analysis of a policy change; the role is reserved for it.
const (
	RoleOfficer Role = "officer" // assess (recorded) and read
	RolePolicy  Role = "policy"  // officer + impact
	RoleAuditor Role = "auditor" // read, replay, verify; cannot assess
)

// Roles lists the roles in the order the documentation gives them.
var Roles = []Role{RoleOfficer, RolePolicy, RoleAuditor}

// access is what a route needs.
type access int

const (
	public       access = iota // no token
	accessRead                 // any role
	accessAssess               // officer, policy
	accessReplay               // auditor
	accessVerify               // auditor
)

func (a access) allows(r Role) bool {
	switch a {
	case public, accessRead:
		return validRole(r)
	case accessAssess:
		return r == RoleOfficer || r == RolePolicy
	case accessReplay, accessVerify:
		return r == RoleAuditor
	case accessPropose: // evidence.go
		return r == RolePolicy
	case accessApprove:
		return r == RoleOfficer || r == RolePolicy
	}
	return false
}

// roles lists the roles a route allows, for messages.
func (a access) roles() string {
	var out []string
	for _, r := range Roles {
		if a.allows(r) {
			out = append(out, string(r))
		}
	}
	return strings.Join(out, " or ")
}

// Token is one configured API token: who holds it, its role, and the hex SHA-256 of the
// token. The configuration holds only the hash, so it contains no secret.
type Token struct {
	Name   string `json:"name" mapstructure:"name"`
	Role   Role   `json:"role" mapstructure:"role"`
	SHA256 string `json:"token_sha256" mapstructure:"token_sha256"`
}

// TokenPrefix starts every token NewToken makes, so that a leaked one is recognisable.
const TokenPrefix = "ert_"

// NewToken returns a new random token: TokenPrefix and 32 random bytes, base64url.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns what token_sha256 holds for a token: the hex SHA-256 of its bytes
// (printf %s "$TOKEN" | sha256sum).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Principal is who a request acts for: the token's name (recorded as the requester) and
// role.
type Principal struct {
	Name string
	Role Role
}

type tokenEntry struct {
	hash [sha256.Size]byte
	p    Principal
}

type tokenSet struct{ entries []tokenEntry }

// ErrNoTokens is a token list without any token: nobody could use the server.
var ErrNoTokens = errors.New("server.tokens: no token configured")

// ValidateTokens checks a token list as New does; errors name the entry and field.
func ValidateTokens(ts []Token) error {
	_, err := newTokenSet(ts)
	return err
}

func newTokenSet(ts []Token) (*tokenSet, error) {
	if len(ts) == 0 {
		return nil, ErrNoTokens
	}
	set := &tokenSet{}
	names, hashes := map[string]bool{}, map[string]bool{}
	var errs []error
	for i, t := range ts {
		where := fmt.Sprintf("server.tokens[%d]", i)
		if t.Name != "" {
			where += " (" + t.Name + ")"
		}
		e := tokenEntry{p: Principal{Name: t.Name, Role: t.Role}}
		switch {
		case strings.TrimSpace(t.Name) == "":
			errs = append(errs, fmt.Errorf("%s.name: missing", where))
		case names[t.Name]:
			errs = append(errs, fmt.Errorf("%s.name: %q is given twice", where, t.Name))
		}
		names[t.Name] = true
		if !validRole(t.Role) {
			errs = append(errs, fmt.Errorf("%s.role: want officer, policy or auditor (got %q)", where, t.Role))
		}
		h, err := hex.DecodeString(t.SHA256)
		switch {
		case err != nil || len(h) != sha256.Size:
			errs = append(errs, fmt.Errorf("%s.token_sha256: want 64 hex digits, the SHA-256 of the token (got %q)", where, t.SHA256))
		case hashes[strings.ToLower(t.SHA256)]:
			errs = append(errs, fmt.Errorf("%s.token_sha256: the same token is given twice", where))
		default:
			copy(e.hash[:], h)
		}
		hashes[strings.ToLower(t.SHA256)] = true
		set.entries = append(set.entries, e)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

func validRole(r Role) bool { return r == RoleOfficer || r == RolePolicy || r == RoleAuditor }

// lookup finds the holder of a token. It hashes the token and compares the hash with
// every configured hash in constant time, without stopping at a match.
func (t *tokenSet) lookup(token string) (Principal, bool) {
	sum := sha256.Sum256([]byte(token))
	var found Principal
	ok := 0
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(sum[:], e.hash[:]) == 1 {
			found, ok = e.p, 1
		}
	}
	return found, ok == 1
}

// Browser sessions. Signing in with a token creates a session kept in memory: the
// browser holds only a random session id in an HttpOnly, SameSite=Strict cookie, never
// the token. A restart ends every session.
const (
	sessionCookie = "exportrisk_session"
	// MaxSessionsPerToken is how many browser sessions one token holder may have; signing
	// in once more ends that holder's oldest session, never another holder's.
	MaxSessionsPerToken = 32
)

type session struct {
	p       Principal
	csrf    string // the CSRF token of the session's forms
	expires time.Time
}

type sessions struct {
	mu  sync.Mutex
	m   map[[sha256.Size]byte]*session // by SHA-256 of the session id
	ttl time.Duration
	now func() time.Time
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{m: map[[sha256.Size]byte]*session{}, ttl: ttl, now: time.Now}
}

func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for p and returns its id. A holder at MaxSessionsPerToken
// loses its own oldest session, so that signing in many times with one token cannot end
// the sessions of others (and the sessions kept are bounded by the tokens configured).
func (s *sessions) create(p Principal) (string, *session) {
	id := randomID()
	now := s.now()
	sess := &session{p: p, csrf: randomID(), expires: now.Add(s.ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldestKey [sha256.Size]byte
	var oldest *session
	held := 0
	for k, v := range s.m {
		if now.After(v.expires) {
			delete(s.m, k)
			continue
		}
		if v.p == p {
			held++
			if oldest == nil || v.expires.Before(oldest.expires) {
				oldest, oldestKey = v, k
			}
		}
	}
	if held >= MaxSessionsPerToken {
		delete(s.m, oldestKey)
	}
	s.m[sha256.Sum256([]byte(id))] = sess
	return id, sess
}

// get returns the live session with an id.
func (s *sessions) get(id string) (*session, bool) {
	key := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[key]
	if !ok {
		return nil, false
	}
	if s.now().After(sess.expires) {
		delete(s.m, key)
		return nil, false
	}
	return sess, true
}

// keepOnly ends the sessions of holders who no longer have a token of the same role.
func (s *sessions) keepOnly(set *tokenSet) {
	held := map[Principal]bool{}
	for _, e := range set.entries {
		held[e.p] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if !held[v.p] {
			delete(s.m, k)
		}
	}
}

func (s *sessions) delete(id string) {
	s.mu.Lock()
	delete(s.m, sha256.Sum256([]byte(id)))
	s.mu.Unlock()
}

// secure reports whether cookies should be marked Secure.
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

func clearCookie(w http.ResponseWriter, r *http.Request, secure bool, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure || r.TLS != nil})
}

// authResult is the outcome of looking at a request's credentials.
type authResult int

const (
	authNone    authResult = iota // no credentials
	authOK                        // a valid token or session
	authInvalid                   // a token or session that is not (or no longer) valid
)

// authenticate reads the request's bearer token or, on web routes, its session cookie.
// The API accepts only bearer tokens, so no cookie can make a cross-site request act on
// it.
func (s *Server) authenticate(r *http.Request, web bool) (Principal, *session, authResult) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			return Principal{}, nil, authInvalid
		}
		p, ok := s.tokens.Load().lookup(strings.TrimSpace(tok))
		if !ok {
			return Principal{}, nil, authInvalid
		}
		return p, nil, authOK
	}
	if !web {
		return Principal{}, nil, authNone
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return Principal{}, nil, authNone
	}
	sess, ok := s.sessions.get(c.Value)
	if !ok {
		return Principal{}, nil, authInvalid
	}
	return sess.p, sess, authOK
}

// checkCSRF checks a state-changing form posted with a session cookie: the form's csrf
// field must be the session's token, and a browser's Origin header, if sent, this
// server. Requests with a bearer token carry no ambient credentials and need neither.
func checkCSRF(r *http.Request, sess *session) bool {
	if sess == nil {
		return true
	}
	if !sameOrigin(r) {
		return false
	}
	got := r.PostFormValue("csrf")
	return subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) == 1
}

// originKey holds, in a web request's context, the origin forms must come from when
// server.public_url is set (behind a TLS proxy the request itself says http://).
type originKey struct{}

// sameOrigin reports whether the request's Origin (or, without one, Referer) header is
// absent or names this server: the origin of server.public_url when it is set, else the
// scheme and Host of the request.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		ref := r.Header.Get("Referer")
		if ref == "" {
			return true
		}
		origin = ref
	}
	if origin == "null" {
		return false
	}
	want, _ := r.Context().Value(originKey{}).(string)
	if want == "" {
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		want = scheme + r.Host
	}
	return origin == want || strings.HasPrefix(origin, want+"/")
}

// PublicOrigin checks server.public_url (the URL browsers use, e.g. https://exportrisk.example
// behind a TLS proxy) and returns its origin, scheme://host[:port].
func PublicOrigin(publicURL string) (string, error) {
	u, err := url.Parse(publicURL)
	if err != nil {
		return "", fmt.Errorf("want an absolute http or https URL (%v)", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("want an absolute http or https URL such as https://exportrisk.example (got %q)", publicURL)
	}
	if u.Path != "" && u.Path != "/" {
		return "", fmt.Errorf("the server is served at the root of its host; want no path (got %q)", u.Path)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), nil
}

// safeRedirect keeps a "next" target on this site: a path starting with one slash, with
// no control character, white space or backslash anywhere (browsers drop tabs and line
// breaks, so "/\t/evil.example/" would become "//evil.example/"), no scheme or host, and
// not the sign-in page itself; anything else goes to "/".
func safeRedirect(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "/login") || len(next) > 2048 {
		return "/"
	}
	for _, c := range []byte(next) {
		if c <= ' ' || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	if strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

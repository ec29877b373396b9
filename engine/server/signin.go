package server

import (
	"net/http"
	"strings"

	"github.com/exportrisk/exportrisk/engine/present"
)

// Signing in and out of the web pages: a token starts a browser session (auth.go); the
// form is the web package's.

// pageLogin is GET /login: the sign-in form.
func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.signIn(w, r, rc, http.StatusOK, "", r.URL.Query().Get("next"))
}

// signIn shows the sign-in form; next is where to go after signing in (kept on this site).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, msg, next string) {
	s.pages.SignIn(w, r, s.viewer(rc), status, msg, safeRedirect(next))
}

// pageLoginPost is POST /login: a valid token starts a session (HttpOnly, SameSite=Strict
// cookie holding a random id); an invalid one shows the form again with 401.
func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if !sameOrigin(r) {
		s.errorPage(w, r, rc, apiErr(http.StatusForbidden, CodeForbidden, "the sign-in form did not come from this site"))
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	next := safeRedirect(r.PostFormValue("next"))
	p, ok := s.tokens.Load().lookup(token)
	if token == "" || !ok {
		s.signIn(w, r, rc, http.StatusUnauthorized, present.Words(rc.lang)["login_failed"], next)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil { // a new session replaces the old
		s.sessions.delete(c.Value)
	}
	id, _ := s.sessions.create(p)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(s.cfg.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
	rc.p = p
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// pageLogout is POST /logout: ends the session.
func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if sess, ok := s.sessions.get(c.Value); ok {
			if !checkCSRF(r, sess) {
				s.errorPage(w, r, rc, apiErr(http.StatusForbidden, CodeForbidden, "the form has expired or did not come from this site"))
				return
			}
			s.sessions.delete(c.Value)
		}
	}
	clearCookie(w, r, s.cfg.SecureCookies, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

package web

import (
	"net/http"
	"strings"

	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// langCookie remembers the language a visitor picked.
const langCookie = "exportrisk_lang"

// Lang picks the page language: ?lang=en|de (remembered in a cookie for a year, Secure if
// secure), else the cookie, else the browser's Accept-Language, else English.
func Lang(w http.ResponseWriter, r *http.Request, secure bool) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "de" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: secure})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "en" || c.Value == "de") {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "de" || strings.HasPrefix(tag, "de-"):
			return "de"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "en"
}

// Time writes a recorded timestamp for people ("6 December 2026, 10:51 UTC").
func (p *page) Time(ts string) string { return present.Time(p.Lang, ts) }

// Count writes n with the counted noun key in the right number: "1 country", "2 Länder".
func (p *page) Count(n int, key string) string { return present.Count(p.Lang, n, key) }

// SignalNoun names a criterion-2 signal kind: "severe signal", "schwerwiegendes Signal".
func (p *page) SignalNoun(kind string) string { return present.Noun(p.Lang, 1, kind+"_signal") }

// RoleName is a role in the page's language.
func (p *page) RoleName(role string) string { return present.Role(p.Lang, role) }

// CountryByISO names a country by its ISO3 code in the page's language (the code if unknown).
func (p *page) CountryByISO(iso3 string) string {
	c, ok := countries.Lookup(iso3)
	if !ok {
		return iso3
	}
	if p.Lang == "de" && c.NameDE != "" {
		return c.NameDE
	}
	return c.NameEN
}

// VerdictOrClass labels a decision filter value: an overall class or a criterion verdict.
func (p *page) VerdictOrClass(code string) string {
	if _, ok := classOrder[code]; ok {
		return p.Overall(code).Short
	}
	return p.Verdict(code).Label
}

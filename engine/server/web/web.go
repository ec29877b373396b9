// Package web is the server's web pages for licensing officers, policy staff and auditors:
// the world overview with its map, the country report with its timeline, the decision
// page with replay, the list of decisions, the evidence register's pages, the sign-in
// form and the error page, in English and German, from the templates and static files
// embedded here.
//
// The pages read the server through three small interfaces (Assessor, Decisions,
// Evidence) and learn who asks from a Viewer; engine/server implements them, routes the
// pages, authenticates the requests (tokens, sessions, CSRF) and answers every failure
// with Pages.Error or, without credentials, Pages.SignIn.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

//go:embed templates/*.html static/*
var files embed.FS

// State is the engine the server assesses with and what was computed with it. A reload
// replaces them together; a page takes them once.
type State struct {
	Engine  *engine.Engine
	Words   *present.Presenter // words Engine's results
	World   *engine.World      // every country's latest bundle, assessed
	History *history.Service   // the shipped years
}

// Assessor is what the pages need to show and make assessments.
type Assessor interface {
	State() State
	// ParseYear reads a ?year= parameter ("" gives 0).
	ParseYear(v string) (int, *Error)
	// World returns the world of a year (0: the latest shipped year) and that year.
	World(ctx context.Context, year int) (int, *engine.World, *Error)
	// Country assesses a country's latest library bundle on or before asOf ("": the latest).
	Country(ctx context.Context, iso3, asOf string) (*engine.Assessment, *Error)
	// Assess assesses the country's library bundle on or before asOf again and records the
	// decision for requester with the case reference; it returns the decision's id.
	Assess(ctx context.Context, iso3, asOf, requester, caseRef string) (string, *Error)
}

// Decisions is what the pages read of the audit log.
type Decisions interface {
	// Filter reads the filters of audit list from a page's query.
	Filter(q url.Values) (audit.Filter, *Error)
	// Newest returns the f.Limit newest decisions matching f with seq <= toSeq (0: up to the
	// newest), newest first, and whether older ones may match.
	Newest(ctx context.Context, f audit.Filter, toSeq int64) ([]audit.Summary, bool, error)
	// Decision reads the decision with an id (an evidence event is not one) and its result.
	Decision(ctx context.Context, id string) (*audit.RecordV1, *engine.Result, *Error)
	// PolicyFiles is how many policy files the store archived for a revision (0: unknown).
	PolicyFiles(ctx context.Context, revision string) int
	// Words words results of the policies of a revision (a decision is worded by the
	// policies it was decided under).
	Words(ctx context.Context, revision string) (*present.Presenter, error)
	// Replay replays a record; the outcome is the API's answer (its fields Match, Changes,
	// Diff, PolicyRevision, PolicyFiles and ReplayedWith are shown).
	Replay(ctx context.Context, rec *audit.RecordV1) (any, *Error)
}

// Config is what New needs.
type Config struct {
	Assessor      Assessor
	Decisions     Decisions
	Evidence      Evidence
	EngineVersion string       // shown in every page's footer
	Logger        *slog.Logger // receives template failures
}

// Pages are the web pages. Their handlers take the request's Viewer.
type Pages struct {
	cfg       Config
	templates map[string]*template.Template
}

// Viewer is who asks for a page, as the server found out: the signed-in user (nil
// without credentials), the CSRF token of the session's forms ("" with a bearer token)
// and the page language (en or de).
type Viewer struct {
	User *User
	CSRF string
	Lang string
}

// User is a signed-in token holder: the name recorded as requester, the role and what it
// allows.
type User struct {
	Name, Role                                   string
	CanAssess, CanReplay, CanPropose, CanApprove bool
}

func (v *Viewer) name() string {
	if v.User == nil {
		return ""
	}
	return v.User.Name
}

// Error is a failure shown as the error page: the HTTP status, the error code (one of
// the API's, engine/server's errors.go) and the message.
type Error struct {
	Status        int
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// policyError is the API's code of a failure of the policies (engine/server's
// CodePolicyError): the one the pages report themselves.
const policyError = "policy_error"

// pageNames are the pages; each is templates/NAME.html with layout.html.
var pageNames = []string{"overview", "country", "decision", "decisions", "login", "error", "evidence", "evidence_proposal"}

// partials.html holds the pieces several pages share (sources, reasons, the criteria).

// New parses the templates: each page (templates/NAME.html, which defines "content")
// with the layout (layout.html, which defines "layout").
func New(cfg Config) (*Pages, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	base, err := template.New("").Funcs(template.FuncMap{
		"inc":  func(i int) int { return i + 1 },
		"join": strings.Join,
		"list": func(xs ...string) []string { return xs },
		"args": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}).ParseFS(files, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: page layout: %w", err)
	}
	pages := &Pages{cfg: cfg, templates: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := base.Clone()
		if err == nil {
			_, err = t.ParseFS(files, "templates/"+name+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
		pages.templates[name] = t
	}
	return pages, nil
}

// page is what every page template gets.
type page struct {
	Name      string // the page, for the layout's content block
	Lang      string
	T         map[string]string
	Title     string
	User      *User
	CSRF      string // the session's CSRF token for forms; "" with a bearer token
	LangURL   map[string]string
	Revision  string
	Version   string
	PrintFoot []string // on every printed page: what identifies the report
	CanAssess bool
	CanReplay bool
	Data      any
}

// VerdictView is a verdict as the pages show it: symbol and word, so that it reads
// without colour, and a CSS class for the colour.
type VerdictView struct {
	Code   string
	Label  string // "possibly critical"
	Short  string // "POSS"
	Symbol string
	Class  string
}

var verdictSymbols = map[string][3]string{ // symbol, short en, short de
	engine.Critical:         {"✖", "CRIT", "KRIT"},
	engine.PossiblyCritical: {"▲", "POSS", "MÖGL"},
	engine.NotCritical:      {"✓", "not", "nicht"},
	engine.InsufficientData: {"?", "n/d", "k. A."},
}

// Verdict describes a verdict code in the page's language.
func (p *page) Verdict(code string) VerdictView {
	v := VerdictView{Code: code, Label: present.VerdictLabel(p.Lang, code), Short: code, Symbol: "•", Class: "v-" + code}
	if s, ok := verdictSymbols[code]; ok {
		v.Symbol, v.Short = s[0], s[1]
		if p.Lang == "de" {
			v.Short = s[2]
		}
	}
	return v
}

var classSymbols = map[string]string{engine.DarkRed: "■■", engine.LightRed: "■", engine.None: "□"}

// Overall describes an overall class.
func (p *page) Overall(code string) VerdictView {
	label := present.ClassLabel(p.Lang, code)
	short, _, _ := strings.Cut(label, " (")
	return VerdictView{Code: code, Label: label, Short: short, Symbol: classSymbols[code], Class: "o-" + code}
}

// CriterionTitle is "Criterion N: title" in the page's language (the policies' English
// titles carry the prefix, the German ones do not).
func (p *page) CriterionTitle(n int, t engine.Text) string {
	title := strings.TrimPrefix(t.In(p.Lang), fmt.Sprintf("Criterion %d: ", n))
	return fmt.Sprintf("%s %d: %s", p.T["criterion"], n, title)
}

// ShortTitle is the criterion's title without the number.
func (p *page) ShortTitle(n int, t engine.Text) string {
	return strings.TrimPrefix(t.In(p.Lang), fmt.Sprintf("Criterion %d: ", n))
}

// Text picks the page's language of a two-language text.
func (p *page) Text(t engine.Text) string { return t.In(p.Lang) }

// CountryName is a country's name in the page's language.
func (p *page) CountryName(c indicators.Country) string {
	if p.Lang == "de" && c.NameDE != "" {
		return c.NameDE
	}
	return c.NameEN
}

// newPage fills what every page shows.
func (ps *Pages) newPage(r *http.Request, v *Viewer, name, title string, data any) *page {
	lang := v.Lang
	if lang == "" {
		lang = "en"
	}
	p := &page{Name: name, Lang: lang, T: present.Words(lang), Title: title, Data: data,
		Revision: ps.cfg.Assessor.State().Engine.Policies().Revision, Version: ps.cfg.EngineVersion}
	if v.User != nil {
		p.User = v.User
		p.CanAssess = v.User.CanAssess
		p.CanReplay = v.User.CanReplay
	}
	p.CSRF = v.CSRF
	p.LangURL = map[string]string{}
	for _, l := range []string{"en", "de"} {
		q := r.URL.Query()
		if r.Method != http.MethodGet { // a posted form's answer: switch on the page it belongs to
			q = url.Values{}
		}
		q.Set("lang", l)
		target := r.URL.Path
		if r.Method == http.MethodPost {
			target = strings.TrimSuffix(strings.TrimSuffix(target, "/replay"), "/assess")
		}
		p.LangURL[l] = target + "?" + q.Encode()
	}
	return p
}

// render executes a page into a buffer first, so that a failing template does not leave
// half a page.
func (ps *Pages) render(w http.ResponseWriter, status int, p *page) {
	var buf bytes.Buffer
	if err := ps.templates[p.Name].ExecuteTemplate(&buf, "layout", p); err != nil {
		ps.cfg.Logger.Error("render page", "page", p.Name, "err", err)
		http.Error(w, "internal error: the page cannot be shown", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Error shows a failure as the error page.
func (ps *Pages) Error(w http.ResponseWriter, r *http.Request, v *Viewer, e *Error) {
	ps.render(w, e.Status, ps.newPage(r, v, "error", fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status)), e))
}

// --- world overview ---

type overviewRow struct {
	ISO3     string
	Name     string
	AsOf     string
	Verdicts []string
	Overall  string
	Critical int
}

type overviewData struct {
	Rows     []overviewRow
	Total    int
	Classes  map[string]int
	Criteria []engine.CriterionInfo
	Verdicts []string
	// the filter form
	Q, Class, Sort, CritVerdict string
	Crit                        int
	SortOptions                 [][2]string // value, label
	// the year and the map
	Year     int   // 0: each country's latest bundle
	Years    []int // every shipped year
	MapBy    int   // 0: the overall class, else the criterion the map shows
	Map      template.HTML
	MapErr   string
	YearLink string // "?year=Y" for links to country pages
}

// severity orders verdicts for sorting: critical first.
var severity = map[string]int{engine.Critical: 0, engine.PossiblyCritical: 1, engine.InsufficientData: 2, engine.NotCritical: 3}
var classOrder = map[string]int{engine.DarkRed: 0, engine.LightRed: 1, engine.None: 2}

// Overview is GET /: every country × the eight criteria, filtered and sorted on the
// server (?q= ?class= ?crit=N&cv=VERDICT ?sort=), so it works without JavaScript.
func (ps *Pages) Overview(w http.ResponseWriter, r *http.Request, v *Viewer) {
	st := ps.cfg.Assessor.State()
	q := r.URL.Query()
	year, aerr := ps.cfg.Assessor.ParseYear(q.Get("year"))
	world := st.World
	if aerr == nil && year != 0 {
		year, world, aerr = ps.cfg.Assessor.World(r.Context(), year)
	}
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	d := &overviewData{Total: len(world.Countries), Classes: world.Classes, Criteria: st.Engine.Criteria(),
		Year: year, Years: st.History.Years(), YearLink: yearQuery(year),
		Verdicts: []string{engine.Critical, engine.PossiblyCritical, engine.NotCritical, engine.InsufficientData},
		Q:        strings.TrimSpace(q.Get("q")), Class: q.Get("class"), Sort: q.Get("sort"), CritVerdict: q.Get("cv")}
	criteria := len(d.Criteria) // as the policies declare them
	d.Crit, _ = strconv.Atoi(q.Get("crit"))
	if d.Crit < 1 || d.Crit > criteria {
		d.Crit = 0
	}
	if _, ok := classOrder[d.Class]; !ok {
		d.Class = ""
	}
	if _, ok := severity[d.CritVerdict]; !ok {
		d.CritVerdict = ""
	}
	p := ps.newPage(r, v, "overview", present.Words(v.Lang)["overview"], d)
	d.MapBy, _ = strconv.Atoi(q.Get("map"))
	if d.MapBy < 1 || d.MapBy > criteria {
		d.MapBy = 0
	}
	if m, err := p.worldMap(world, year, d.MapBy, d.Criteria); err != nil {
		d.MapErr = err.Error()
	} else {
		d.Map = m
	}
	needle := strings.ToLower(d.Q)
	for _, c := range world.Countries {
		name := c.NameEN
		if v.Lang == "de" {
			name = c.NameDE
		}
		if needle != "" && !strings.Contains(strings.ToLower(c.ISO3), needle) &&
			!strings.Contains(strings.ToLower(c.NameEN), needle) && !strings.Contains(strings.ToLower(c.NameDE), needle) {
			continue
		}
		if d.Class != "" && c.Overall != d.Class {
			continue
		}
		if d.Crit > 0 && d.CritVerdict != "" && c.Verdicts[d.Crit-1] != d.CritVerdict {
			continue
		}
		d.Rows = append(d.Rows, overviewRow{ISO3: c.ISO3, Name: name, AsOf: c.AsOf, Verdicts: c.Verdicts, Overall: c.Overall, Critical: c.CriticalCount})
	}
	d.SortOptions = [][2]string{{"name", p.T["sort_name"]}, {"iso3", p.T["sort_iso3"]}, {"overall", p.T["sort_overall"]}, {"critical", p.T["sort_critical"]}}
	for n := 1; n <= criteria; n++ {
		d.SortOptions = append(d.SortOptions, [2]string{"c" + strconv.Itoa(n), p.T["sort_criterion"] + " " + strconv.Itoa(n)})
	}
	byName := func(a, b overviewRow) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }
	sortBy := 0 // a criterion, for sort=cN
	if n, ok := strings.CutPrefix(d.Sort, "c"); ok {
		if sortBy, _ = strconv.Atoi(n); sortBy < 1 || sortBy > criteria || "c"+strconv.Itoa(sortBy) != d.Sort {
			sortBy = 0
		}
	}
	switch {
	case d.Sort == "iso3":
		slices.SortStableFunc(d.Rows, func(a, b overviewRow) int { return strings.Compare(a.ISO3, b.ISO3) })
	case d.Sort == "overall":
		slices.SortStableFunc(d.Rows, func(a, b overviewRow) int {
			if c := classOrder[a.Overall] - classOrder[b.Overall]; c != 0 {
				return c
			}
			if c := b.Critical - a.Critical; c != 0 {
				return c
			}
			return byName(a, b)
		})
	case d.Sort == "critical":
		slices.SortStableFunc(d.Rows, func(a, b overviewRow) int {
			if c := b.Critical - a.Critical; c != 0 {
				return c
			}
			return byName(a, b)
		})
	case sortBy > 0:
		n := sortBy - 1
		slices.SortStableFunc(d.Rows, func(a, b overviewRow) int {
			if c := severity[a.Verdicts[n]] - severity[b.Verdicts[n]]; c != 0 {
				return c
			}
			return byName(a, b)
		})
	default:
		d.Sort = "name"
		slices.SortStableFunc(d.Rows, byName)
	}
	ps.render(w, http.StatusOK, p)
}

// --- country page ---

// valueView is one row of the indicator tables: the indicator by its display name, the
// value as a reader reads it, its year, source (as a reader cites it) and note.
type valueView struct {
	ID, Name, Value, Source, URL, Note string
	Year                               int
}

type evidenceView struct {
	Date, Category, Summary, Source, URL string
}

// criterionView is one criterion as engine/present words it, with its full title.
type criterionView struct {
	Number  int
	Title   string // "Criterion 2: Respect for human rights ..."
	Verdict string
	*present.Criterion
}

type missingView struct {
	Path     string
	Name     string // the indicator's display name
	Meaning  string
	Criteria []string
}

type countryData struct {
	A            *engine.Assessment
	R            *engine.Result
	Criteria     []criterionView
	Indices      []valueView
	Memberships  []valueView
	Embargoes    []embargoView
	Evidence     []evidenceView
	Missing      []missingView
	Decisions    []audit.Summary
	DecisionsErr string
	AsOfParam    string
	Year         int   // ?year=: the bundle of 31 December of that year
	Years        []int // every shipped year
	History      *historyView
}

type embargoView struct {
	Authority, Value, Source, URL, Note string
}

// Country is GET /countries/{iso3}: the eight criteria with verdicts and reasons,
// the indicator tables with values, years and sources, what is missing, and the
// decisions recorded for the country. ?as_of= assesses an older bundle.
func (ps *Pages) Country(w http.ResponseWriter, r *http.Request, v *Viewer) {
	asOf := r.URL.Query().Get("as_of")
	year, aerr := ps.cfg.Assessor.ParseYear(r.URL.Query().Get("year"))
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	if asOf == "" && year != 0 {
		asOf = history.AsOf(year)
	}
	a, aerr := ps.cfg.Assessor.Country(r.Context(), r.PathValue("iso3"), asOf)
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	p := ps.newPage(r, v, "country", "", nil)
	p.Title = p.CountryName(a.Result.Country) + " (" + a.Result.Country.ISO3 + ")"
	p.PrintFoot = []string{p.Title + ", " + p.T["as_of"] + " " + a.Result.AsOf, p.T["revision"] + " " + a.Result.PolicyRevision, p.T["input"] + " " + a.Result.InputDigest}
	st := ps.cfg.Assessor.State()
	d := &countryData{A: a, R: a.Result, AsOfParam: asOf, Year: year, Years: st.History.Years()}
	if hc, err := st.History.Country(r.Context(), a.Result.Country.ISO3, 0, 0); err == nil {
		hv := p.countryHistory(st.Words, hc, st.Engine.Criteria())
		d.History = &hv
	} else if !errors.Is(err, history.ErrNoCountry) && !errors.Is(err, history.ErrNoYear) {
		d.History = &historyView{Err: err.Error()}
	}
	var err error
	d.Criteria, d.Missing, err = criteriaViews(p, st.Words, a.Result)
	if err != nil {
		ps.Error(w, r, v, &Error{Status: http.StatusInternalServerError, Code: policyError, Message: fmt.Sprintf("the reasons cannot be worded: %v", err)})
		return
	}
	b := a.Bundle
	for _, spec := range indicators.Indices {
		ix, ok := b.Indices[spec.ID]
		if !ok {
			continue
		}
		id := "indices." + spec.ID
		name := st.Words.Name(p.Lang, id)
		d.Indices = append(d.Indices, valueView{ID: id, Name: name,
			Value: st.Words.Value(p.Lang, engine.IndicatorValue{ID: id, Value: ix.Value, Year: ix.Year}), Year: ix.Year,
			Source: present.Cite(ix.Provenance), URL: safeURL(ix.URL), Note: joinNote(meaningBeside(p.Lang, id, name), present.MarkedNote(p.Lang, ix.Provenance))})
	}
	for _, mid := range indicators.Instruments {
		m, ok := b.Memberships[mid]
		if !ok {
			continue
		}
		id := "memberships." + mid
		d.Memberships = append(d.Memberships, valueView{ID: id, Name: st.Words.Name(p.Lang, id),
			Value: st.Words.Value(p.Lang, engine.IndicatorValue{ID: id, Value: m.Status, Year: m.Year}), Year: m.Year,
			Source: present.Cite(m.Provenance), URL: safeURL(m.URL), Note: present.MarkedNote(p.Lang, m.Provenance)})
	}
	for _, e := range b.Embargoes {
		id := "embargoes." + e.Authority
		d.Embargoes = append(d.Embargoes, embargoView{Authority: st.Words.Name(p.Lang, id),
			Value:  st.Words.Value(p.Lang, engine.IndicatorValue{ID: id, Value: e.InForce, Addressee: e.Addressee, Since: e.Since, Unconfirmed: e.Unconfirmed}),
			Source: present.Cite(e.Provenance), URL: safeURL(e.URL), Note: present.MarkedNote(p.Lang, e.Provenance)})
	}
	for _, e := range b.Evidence {
		d.Evidence = append(d.Evidence, evidenceFor(e, p.Lang))
	}
	list, _, err := ps.cfg.Decisions.Newest(r.Context(), audit.Filter{Country: a.Result.Country.ISO3, Limit: 10}, 0)
	if err != nil {
		d.DecisionsErr = err.Error()
	}
	d.Decisions = list
	p.Data = d
	ps.render(w, http.StatusOK, p)
}

// criteriaViews are the criteria of a result worded by engine/present (the deciding
// reasons first, indicators by name, values in the language's convention, sources as a
// reader cites them, the basis of each rule), and what is missing with the criteria that
// read it.
func criteriaViews(p *page, words *present.Presenter, res *engine.Result) ([]criterionView, []missingView, error) {
	rep, err := words.Report(res, p.Lang)
	if err != nil {
		return nil, nil, err
	}
	var out []criterionView
	missing := map[string]*missingView{}
	var missingOrder []string
	for i := range rep.Criteria {
		c := &rep.Criteria[i]
		out = append(out, criterionView{Number: c.Number, Title: p.T["criterion"] + " " + strconv.Itoa(c.Number) + ": " + c.Title, Verdict: c.Verdict, Criterion: c})
		for _, m := range c.Missing {
			mv := missing[m.ID]
			if mv == nil {
				mv = &missingView{Path: m.ID, Name: m.Name, Meaning: meaningBeside(p.Lang, m.ID, m.Name)}
				missing[m.ID] = mv
				missingOrder = append(missingOrder, m.ID)
			}
			mv.Criteria = append(mv.Criteria, strconv.Itoa(c.Number))
		}
	}
	sort.Strings(missingOrder)
	var ms []missingView
	for _, m := range missingOrder {
		ms = append(ms, *missing[m])
	}
	return out, ms, nil
}

// joinNote joins a row's meaning and its source's note: "meaning. note".
func joinNote(meaning, note string) string {
	if meaning == "" || note == "" {
		return meaning + note
	}
	return meaning + ". " + note
}

// meaningBeside is the meaning of the index at fieldPath to show beside its name: none when
// the name is the meaning already (an index the policies do not label, present.Presenter.Name).
func meaningBeside(lang, fieldPath, name string) string {
	if m := present.Meaning(lang, fieldPath); m != name {
		return m
	}
	return ""
}

func evidenceFor(e indicators.Evidence, lang string) evidenceView {
	summary := e.Summary
	if lang == "de" && e.SummaryDE != "" {
		summary = e.SummaryDE
	}
	return evidenceView{Date: present.Date(lang, e.Date), Category: strings.ReplaceAll(e.Category, "_", " "), Summary: summary,
		Source: present.Cite(e.Provenance), URL: safeURL(e.URL)}
}

// safeURL keeps only http(s) links from bundles.
func safeURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// Assess is POST /countries/{iso3}/assess: evaluate the country's bundle again, record
// the decision under the signed-in name, and show the decision.
func (ps *Pages) Assess(w http.ResponseWriter, r *http.Request, v *Viewer) {
	caseRef := strings.TrimSpace(r.PostFormValue("case_ref"))
	id, aerr := ps.cfg.Assessor.Assess(r.Context(), r.PathValue("iso3"), r.PostFormValue("as_of"), v.name(), caseRef)
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	http.Redirect(w, r, "/decisions/"+id, http.StatusSeeOther)
}

// --- decisions ---

type decisionData struct {
	Rec        *audit.RecordV1
	R          *engine.Result
	Criteria   []criterionView
	ReasonsErr string // why the reasons cannot be shown
	Recorded   string // the record's time, for people
	Files      int    // policy files archived for the revision; 0 if unknown
	InputSize  int
	Replay     any // the API's answer (Decisions.Replay)
	ReplayErr  string
}

// Decision is GET /decisions/{id}: the record, its verdicts, and (for auditors) the
// replay button.
func (ps *Pages) Decision(w http.ResponseWriter, r *http.Request, v *Viewer) {
	ps.decisionPage(w, r, v, false)
}

// Replay is POST /decisions/{id}/replay: the decision page with the replay's outcome.
func (ps *Pages) Replay(w http.ResponseWriter, r *http.Request, v *Viewer) {
	ps.decisionPage(w, r, v, true)
}

func (ps *Pages) decisionPage(w http.ResponseWriter, r *http.Request, v *Viewer, replay bool) {
	rec, res, aerr := ps.cfg.Decisions.Decision(r.Context(), r.PathValue("id"))
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	d := &decisionData{Rec: rec, R: res, InputSize: len(rec.Input)}
	p := ps.newPage(r, v, "decision", "", d)
	words, err := ps.cfg.Decisions.Words(r.Context(), rec.PolicyRevision)
	if err == nil {
		d.Criteria, _, err = criteriaViews(p, words, res)
	}
	if err != nil {
		d.ReasonsErr = err.Error()
	}
	d.Recorded = p.Time(rec.Timestamp)
	d.Files = ps.cfg.Decisions.PolicyFiles(r.Context(), rec.PolicyRevision)
	if replay {
		out, aerr := ps.cfg.Decisions.Replay(r.Context(), rec)
		if aerr != nil {
			d.ReplayErr = aerr.Message
		} else {
			d.Replay = out
		}
	}
	p.Title = present.Words(p.Lang)["decision"] + " " + rec.DecisionID
	p.PrintFoot = []string{p.T["decision"] + " " + rec.DecisionID, p.T["revision"] + " " + rec.PolicyRevision, p.T["input"] + " " + rec.InputDigest}
	ps.render(w, http.StatusOK, p)
}

type decisionsData struct {
	List                               []audit.Summary
	Country, Requester, Verdict, Since string
	Until, Next                        string
	Err                                string
	Verdicts                           []string
}

// Decisions is GET /decisions: recorded decisions with the filters of audit list,
// newest first, a page at a time (?before=SEQ: the page of decisions before SEQ).
func (ps *Pages) Decisions(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q := r.URL.Query()
	for k := range q { // empty form fields are no filter
		if q.Get(k) == "" || k == "lang" {
			q.Del(k)
		}
	}
	before := q.Get("before")
	q.Del("before")
	d := &decisionsData{Country: q.Get("country"), Requester: q.Get("requester"), Verdict: q.Get("verdict"),
		Since: q.Get("since"), Until: q.Get("until"),
		Verdicts: append(append([]string(nil), audit.OverallClasses...), audit.Verdicts...)}
	f, aerr := ps.cfg.Decisions.Filter(q)
	f.Kind = audit.KindDecision // evidence events: GET /v1/decisions?kind=evidence_event, audit list
	var toSeq int64
	if aerr != nil {
		d.Err = aerr.Message
	} else if before != "" {
		n, err := strconv.ParseInt(before, 10, 64)
		if err != nil || n < 2 {
			d.Err = fmt.Sprintf("before: want a sequence number 2, 3, ... (got %q)", before)
		}
		toSeq = n - 1
	}
	if d.Err == "" {
		list, more, err := ps.cfg.Decisions.Newest(r.Context(), f, toSeq)
		if err != nil {
			d.Err = err.Error()
		}
		d.List = list
		if more && len(list) > 0 {
			q.Set("before", strconv.FormatInt(list[len(list)-1].Seq, 10))
			d.Next = "/decisions?" + q.Encode()
		}
	}
	p := ps.newPage(r, v, "decisions", present.Words(v.Lang)["decisions"], d)
	ps.render(w, http.StatusOK, p)
}

// --- signing in ---

type loginData struct {
	Next    string
	Failed  bool
	Needed  bool
	Message string
}

// SignIn shows the sign-in form with the status (401 when credentials are needed or
// failed, with msg saying why it failed); next is where to go after signing in, a path on
// this site.
func (ps *Pages) SignIn(w http.ResponseWriter, r *http.Request, v *Viewer, status int, msg, next string) {
	d := &loginData{Next: next, Failed: msg != "", Needed: status == http.StatusUnauthorized && msg == "", Message: msg}
	p := ps.newPage(r, v, "login", present.Words(v.Lang)["sign_in"], d)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="exportrisk"`)
	}
	ps.render(w, status, p)
}

// Static is GET /static/{file}: the embedded style sheet and script.
func (ps *Pages) Static(w http.ResponseWriter, r *http.Request, _ *Viewer) {
	name := path.Base(r.PathValue("file"))
	b, err := fs.ReadFile(files, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}

package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/history"
)

// The world history: every shipped year (bundles dated 31 December), assessed on demand
// with the current engine and kept per year (engine/history).

// WorldYearJSON is the answer of GET /v1/world: the world of one year, as GET
// /v1/countries gives the latest, with the year asked and every year there is.
type WorldYearJSON struct {
	Year  int   `json:"year"`
	Years []int `json:"years"` // every shipped year, oldest first
	*engine.World
}

// parseYear reads a year parameter ("" gives 0).
func parseYear(name, v string) (int, *APIError) {
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1000 || y > 9999 {
		return 0, apiErr(http.StatusBadRequest, CodeInvalidYear, "%s: want a year such as 2023 (got %q)", name, v)
	}
	return y, nil
}

// historyErr turns an error of engine/history into an API error.
func historyErr(err error) *APIError {
	switch {
	case errors.Is(err, history.ErrNoYear):
		return apiErr(http.StatusNotFound, CodeNoYear, "%v", err)
	case errors.Is(err, history.ErrNoCountry):
		return apiErr(http.StatusNotFound, CodeUnknownCountry, "%v", err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return apiErr(http.StatusServiceUnavailable, CodeShuttingDown, "the request ended before the history was assessed: %v", err)
	}
	return apiErr(http.StatusInternalServerError, CodePolicyError, "%v", err)
}

// yearWorld returns the world of a year (0: the latest shipped year).
func (s *Server) yearWorld(ctx context.Context, year int) (int, *engine.World, *APIError) {
	st := s.state.Load()
	if year == 0 {
		ys := st.hist.Years()
		if len(ys) == 0 {
			return 0, nil, apiErr(http.StatusNotFound, CodeNoYear, "no shipped bundles dated 31 December: no year to show")
		}
		year = ys[len(ys)-1]
	}
	w, err := st.hist.World(ctx, year)
	if err != nil {
		return 0, nil, historyErr(err)
	}
	return year, w, nil
}

// apiWorld is GET /v1/world?year=Y: every country's verdicts in year Y (its bundle dated
// Y-12-31); without year, the latest shipped year.
func (s *Server) apiWorld(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r, "year"); aerr != nil {
		writeError(w, aerr)
		return
	}
	year, aerr := parseYear("year", r.URL.Query().Get("year"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	year, world, aerr := s.yearWorld(r.Context(), year)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, WorldYearJSON{Year: year, Years: s.state.Load().hist.Years(), World: world})
}

// apiCountryHistory is GET /v1/countries/{iso3}/history?from=&to=: the country's eight
// verdicts and overall class per shipped year, and every change from one year to the next
// with the reasons that appeared and disappeared.
func (s *Server) apiCountryHistory(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r, "from", "to"); aerr != nil {
		writeError(w, aerr)
		return
	}
	c, aerr := s.countryHistory(r, r.PathValue("iso3"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// countryHistory reads ?from= and ?to= and returns the country's history.
func (s *Server) countryHistory(r *http.Request, iso3 string) (*history.Country, *APIError) {
	if !iso3Pattern.MatchString(iso3) {
		return nil, apiErr(http.StatusBadRequest, CodeInvalidCountry, "country: want an ISO 3166-1 alpha-3 code such as KAZ (got %q)", iso3)
	}
	q := r.URL.Query()
	from, aerr := parseYear("from", q.Get("from"))
	if aerr != nil {
		return nil, aerr
	}
	to, aerr := parseYear("to", q.Get("to"))
	if aerr != nil {
		return nil, aerr
	}
	if from != 0 && to != 0 && from > to {
		return nil, apiErr(http.StatusBadRequest, CodeInvalidYear, "from %d is after to %d", from, to)
	}
	c, err := s.state.Load().hist.Country(r.Context(), strings.ToUpper(iso3), from, to)
	if err != nil {
		return nil, historyErr(err)
	}
	if c.Changes == nil {
		c.Changes = []history.Change{} // "changes": [], not null
	}
	return c, nil
}

// apiDiff is GET /v1/diff?from=Y1&to=Y2: every verdict that differs between the worlds of
// two years, grouped by criterion, with the reasons.
func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r, "from", "to"); aerr != nil {
		writeError(w, aerr)
		return
	}
	q := r.URL.Query()
	var years [2]int
	for i, name := range []string{"from", "to"} {
		if q.Get(name) == "" {
			writeError(w, apiErr(http.StatusBadRequest, CodeInvalidYear, "%s: required (a year such as 2023)", name))
			return
		}
		y, aerr := parseYear(name, q.Get(name))
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		years[i] = y
	}
	d, err := s.state.Load().hist.Diff(r.Context(), years[0], years[1])
	if err != nil {
		writeError(w, historyErr(err))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

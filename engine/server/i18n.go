package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// texts are the words of the web pages in English and German. Verdict and class labels
// come from engine/report, as in the CLI's reports.
var texts = map[string]engine.Text{
	"skip":            {EN: "Skip to content", DE: "Zum Inhalt springen"},
	"overview":        {EN: "World overview", DE: "Weltübersicht"},
	"decisions":       {EN: "Decisions", DE: "Entscheidungen"},
	"signed_in_as":    {EN: "Signed in as", DE: "Angemeldet als"},
	"sign_out":        {EN: "Sign out", DE: "Abmelden"},
	"sign_in":         {EN: "Sign in", DE: "Anmelden"},
	"token":           {EN: "API token", DE: "API-Token"},
	"login_intro":     {EN: "Sign in with your exportrisk API token. The server checks it once and gives this browser a session cookie; the token itself is not stored in the browser.", DE: "Melden Sie sich mit Ihrem exportrisk-API-Token an. Der Server prüft es einmal und gibt diesem Browser ein Sitzungs-Cookie; das Token selbst wird im Browser nicht gespeichert."},
	"login_failed":    {EN: "That token is not valid.", DE: "Dieses Token ist nicht gültig."},
	"login_needed":    {EN: "Please sign in to see this page.", DE: "Bitte melden Sie sich an, um diese Seite zu sehen."},
	"language":        {EN: "Language", DE: "Sprache"},
	"filter":          {EN: "Filter and sort", DE: "Filtern und sortieren"},
	"search":          {EN: "Country or ISO code", DE: "Land oder ISO-Code"},
	"class":           {EN: "Overall class", DE: "Gesamtbewertung"},
	"all":             {EN: "all", DE: "alle"},
	"any":             {EN: "any", DE: "beliebig"},
	"on_criterion":    {EN: "Criterion", DE: "Kriterium"},
	"rated":           {EN: "rated", DE: "bewertet als"},
	"sort":            {EN: "Sort by", DE: "Sortieren nach"},
	"apply":           {EN: "Apply", DE: "Anwenden"},
	"reset":           {EN: "Reset", DE: "Zurücksetzen"},
	"showing":         {EN: "countries shown of", DE: "Länder angezeigt von"},
	"country":         {EN: "Country", DE: "Land"},
	"as_of":           {EN: "As of", DE: "Stand"},
	"criterion":       {EN: "Criterion", DE: "Kriterium"},
	"criteria":        {EN: "The eight criteria", DE: "Die acht Kriterien"},
	"verdict":         {EN: "Verdict", DE: "Bewertung"},
	"critical_count":  {EN: "Critical on", DE: "Kritisch bei"},
	"reasons":         {EN: "Why", DE: "Begründung"},
	"other_checks":    {EN: "Other checks", DE: "Weitere Prüfungen"},
	"signals":         {EN: "Signals counted", DE: "Gezählte Signale"},
	"signal_severe":   {EN: "severe signal", DE: "schwerwiegendes Signal"},
	"signal_concern":  {EN: "concern signal", DE: "bedenkliches Signal"},
	"supports":        {EN: "supports", DE: "stützt"},
	"values_used":     {EN: "Values used", DE: "Verwendete Werte"},
	"evidence_used":   {EN: "Evidence used", DE: "Verwendete Belege"},
	"missing":         {EN: "Missing", DE: "Fehlende Angaben"},
	"none":            {EN: "none", DE: "keine"},
	"indicator":       {EN: "Indicator", DE: "Indikator"},
	"value":           {EN: "Value", DE: "Wert"},
	"year":            {EN: "Year", DE: "Jahr"},
	"source":          {EN: "Source", DE: "Quelle"},
	"citing":          {EN: "citing", DE: "nach"},
	"note":            {EN: "Note", DE: "Anmerkung"},
	"indicators":      {EN: "Indicators in the bundle", DE: "Indikatoren im Datensatz"},
	"indices":         {EN: "Indices", DE: "Indizes"},
	"memberships":     {EN: "Treaties and regimes", DE: "Verträge und Regime"},
	"instrument":      {EN: "Instrument", DE: "Instrument"},
	"status":          {EN: "Status", DE: "Status"},
	"embargoes":       {EN: "Arms embargoes", DE: "Waffenembargos"},
	"authority":       {EN: "Imposed by", DE: "Verhängt von"},
	"in_force":        {EN: "In force", DE: "In Kraft"},
	"addressee":       {EN: "Addressee", DE: "Adressat"},
	"since":           {EN: "Since", DE: "Seit"},
	"evidence":        {EN: "Evidence", DE: "Belege"},
	"date":            {EN: "Date", DE: "Datum"},
	"category":        {EN: "Category", DE: "Kategorie"},
	"summary":         {EN: "Summary", DE: "Zusammenfassung"},
	"what_missing":    {EN: "What is missing", DE: "Was fehlt"},
	"missing_intro":   {EN: "Indicators the criteria read that this bundle does not have. A criterion without any of its decisive indicators is rated “insufficient data”, never “not critical”.", DE: "Indikatoren, die die Kriterien lesen, die dieser Datensatz aber nicht enthält. Ein Kriterium ohne jeden seiner entscheidenden Indikatoren wird als „unzureichende Datenlage“ bewertet, nie als „nicht kritisch“."},
	"read_by":         {EN: "Read by criterion", DE: "Gelesen von Kriterium"},
	"nothing_missing": {EN: "Nothing is missing.", DE: "Es fehlt nichts."},
	"assess_record":   {EN: "Assess and record", DE: "Bewerten und aufzeichnen"},
	"case_ref":        {EN: "Case reference (optional)", DE: "Aktenzeichen (optional)"},
	"not_recorded":    {EN: "This page shows the assessment of the shipped bundle; viewing it records nothing. “Assess and record” evaluates the bundle again and records the decision in the audit log under your name.", DE: "Diese Seite zeigt die Bewertung des mitgelieferten Datensatzes; beim Ansehen wird nichts aufgezeichnet. „Bewerten und aufzeichnen“ wertet den Datensatz erneut aus und zeichnet die Entscheidung unter Ihrem Namen im Prüfprotokoll auf."},
	"recorded_for":    {EN: "Recorded decisions for this country", DE: "Aufgezeichnete Entscheidungen zu diesem Land"},
	"latest":          {EN: "latest first", DE: "neueste zuerst"},
	"no_decisions":    {EN: "No decision recorded yet.", DE: "Noch keine Entscheidung aufgezeichnet."},
	"decision":        {EN: "Decision", DE: "Entscheidung"},
	"record":          {EN: "The record", DE: "Der Eintrag im Prüfprotokoll"},
	"seq":             {EN: "Sequence", DE: "Laufnummer"},
	"recorded":        {EN: "Recorded (UTC)", DE: "Aufgezeichnet (UTC)"},
	"requester":       {EN: "Requested by", DE: "Angefragt von"},
	"case":            {EN: "Case", DE: "Aktenzeichen"},
	"overall":         {EN: "Overall", DE: "Gesamtbewertung"},
	"input":           {EN: "Input digest", DE: "Eingabe-Prüfsumme"},
	"revision":        {EN: "Policy revision", DE: "Regelstand"},
	"engine":          {EN: "Engine", DE: "Engine"},
	"evaluated":       {EN: "Evaluated (UTC)", DE: "Ausgewertet (UTC)"},
	"prev_hash":       {EN: "Previous hash", DE: "Vorheriger Hash"},
	"hash":            {EN: "Hash", DE: "Hash"},
	"bundle":          {EN: "Bundle", DE: "Datensatz"},
	"bytes":           {EN: "bytes of canonical JSON", DE: "Bytes kanonisches JSON"},
	"replay":          {EN: "Replay", DE: "Erneut auswerten"},
	"replay_intro":    {EN: "Replay evaluates the recorded input again with the policy files archived for its revision and compares the result with the recorded one, byte for byte.", DE: "Die erneute Auswertung wertet die aufgezeichnete Eingabe mit den für ihren Regelstand archivierten Regeln noch einmal aus und vergleicht das Ergebnis Byte für Byte mit dem aufgezeichneten."},
	"replay_auditors": {EN: "Auditors can replay this decision.", DE: "Prüferinnen und Prüfer können diese Entscheidung erneut auswerten."},
	"match":           {EN: "the replayed result is identical to the recorded one, byte for byte.", DE: "Das erneut ausgewertete Ergebnis ist Byte für Byte identisch mit dem aufgezeichneten."},
	"differs":         {EN: "the replayed result is not the recorded one.", DE: "Das erneut ausgewertete Ergebnis weicht vom aufgezeichneten ab."},
	"replay_failed":   {EN: "The decision could not be replayed", DE: "Die Entscheidung konnte nicht erneut ausgewertet werden"},
	"changed":         {EN: "Verdicts that changed", DE: "Geänderte Bewertungen"},
	"difference":      {EN: "Full difference (− recorded, + replayed)", DE: "Vollständiger Unterschied (− aufgezeichnet, + erneut ausgewertet)"},
	"replayed_with":   {EN: "Replayed with", DE: "Erneut ausgewertet mit"},
	"files_archived":  {EN: "files archived", DE: "Dateien archiviert"},
	"print":           {EN: "Print or save as PDF", DE: "Drucken oder als PDF speichern"},
	"attribution":     {EN: "Sources as given in the bundle; verdicts from the rules of the policy revision named above. Screening aid under the EU Common Position 2008/944/CFSP; the licensing decision remains with the authority.", DE: "Quellen wie im Datensatz angegeben; Bewertungen nach den Regeln des oben genannten Regelstands. Prüfhilfe nach dem Gemeinsamen Standpunkt 2008/944/GASP; die Genehmigungsentscheidung trifft die Behörde."},
	"legend":          {EN: "Legend", DE: "Legende"},
	"countries":       {EN: "countries", DE: "Länder"},
	"filters":         {EN: "Filters", DE: "Filter"},
	"from":            {EN: "From (date)", DE: "Von (Datum)"},
	"until":           {EN: "Until (date)", DE: "Bis (Datum)"},
	"next_page":       {EN: "Next page", DE: "Nächste Seite"},
	"no_match":        {EN: "No recorded decision matches.", DE: "Keine aufgezeichnete Entscheidung passt."},
	"view":            {EN: "View", DE: "Ansehen"},
	"intro":           {EN: "Every country's latest shipped bundle, rated on the eight criteria of the EU Common Position on arms exports. Each verdict is shown as a symbol and a word, so colour is not needed to read it.", DE: "Der jeweils neueste mitgelieferte Datensatz jedes Landes, bewertet nach den acht Kriterien des Gemeinsamen Standpunkts der EU zu Rüstungsexporten. Jede Bewertung wird als Symbol und Wort gezeigt, sodass sie auch ohne Farbe lesbar ist."},
	"yes":             {EN: "yes", DE: "ja"},
	"no":              {EN: "no", DE: "nein"},
	"unconfirmed":     {EN: "unconfirmed", DE: "unbestätigt"},
	"error":           {EN: "Error", DE: "Fehler"},
	"back":            {EN: "Back to the world overview", DE: "Zurück zur Weltübersicht"},
	"title":           {EN: "Assessment under the EU Common Position on arms exports", DE: "Bewertung nach dem Gemeinsamen Standpunkt der EU zu Rüstungsexporten"},
	"sort_iso3":       {EN: "ISO code", DE: "ISO-Code"},
	"sort_name":       {EN: "name", DE: "Name"},
	"sort_overall":    {EN: "overall class", DE: "Gesamtbewertung"},
	"sort_critical":   {EN: "number of critical criteria", DE: "Zahl kritischer Kriterien"},
	"sort_criterion":  {EN: "criterion", DE: "Kriterium"},
	// the world map, the year selector and the history
	"year_select":     {EN: "Year", DE: "Jahr"},
	"latest_option":   {EN: "latest bundle of each country", DE: "neuester Datensatz je Land"},
	"latest_bundles":  {EN: "each country's latest bundle", DE: "neuester Datensatz je Land"},
	"map_by":          {EN: "Colour the map by", DE: "Karte einfärben nach"},
	"map_heading":     {EN: "World map", DE: "Weltkarte"},
	"map_desc":        {EN: "Each country is coloured by its rating; point at a country for its name and rating, select it to open its report and history. Countries too small to draw are dots. The table below lists every country with the same ratings.", DE: "Jedes Land ist nach seiner Bewertung eingefärbt; zeigen Sie auf ein Land für Name und Bewertung, wählen Sie es, um seinen Bericht und Verlauf zu öffnen. Zu kleine Länder sind Punkte. Die Tabelle unten führt jedes Land mit denselben Bewertungen auf."},
	"map_table_note":  {EN: "The table below is the map's text version: every country with its ratings.", DE: "Die Tabelle unten ist die Textfassung der Karte: jedes Land mit seinen Bewertungen."},
	"not_rated":       {EN: "not rated (territory)", DE: "nicht bewertet (Gebiet)"},
	"show":            {EN: "Show", DE: "Anzeigen"},
	"history":         {EN: "history", DE: "Verlauf"},
	"history_h":       {EN: "History", DE: "Verlauf"},
	"history_intro":   {EN: "The verdicts of every shipped year (bundles of 31 December), assessed with the current rules. A bold outline marks a verdict that changed from the year before; the year headings open that year's report.", DE: "Die Bewertungen jedes mitgelieferten Jahres (Datensätze zum 31. Dezember), bewertet nach den geltenden Regeln. Ein fetter Rahmen markiert eine Bewertung, die sich gegenüber dem Vorjahr geändert hat; die Jahreszahlen öffnen den Bericht des Jahres."},
	"timeline_desc":   {EN: "One row per criterion and one for the overall class, one column per year; each cell shows the verdict as a symbol and a colour.", DE: "Eine Zeile je Kriterium und eine für die Gesamtbewertung, eine Spalte je Jahr; jede Zelle zeigt die Bewertung als Symbol und Farbe."},
	"changed_year":    {EN: "changed from the year before", DE: "geändert gegenüber dem Vorjahr"},
	"changes":         {EN: "What changed, and why", DE: "Was sich geändert hat, und warum"},
	"no_changes":      {EN: "No verdict changed in these years.", DE: "In diesen Jahren hat sich keine Bewertung geändert."},
	"appeared":        {EN: "Now", DE: "Jetzt"},
	"disappeared":     {EN: "No longer", DE: "Nicht mehr"},
	"history_table":   {EN: "Verdicts per year", DE: "Bewertungen je Jahr"},
	"history_error":   {EN: "The history could not be assessed", DE: "Der Verlauf konnte nicht bewertet werden"},
	"year_of":         {EN: "Showing", DE: "Angezeigt"},
	"intro_year":      {EN: "Every country's bundle of 31 December %d, rated with the current rules on the eight criteria of the EU Common Position on arms exports. Each verdict is shown as a symbol and a word, so colour is not needed to read it.", DE: "Der Datensatz jedes Landes zum 31. Dezember %d, bewertet nach den geltenden Regeln und den acht Kriterien des Gemeinsamen Standpunkts der EU zu Rüstungsexporten. Jede Bewertung wird als Symbol und Wort gezeigt, sodass sie auch ohne Farbe lesbar ist."},
	"decision_kicker": {EN: "Recorded decision under the EU Common Position on arms exports", DE: "Aufgezeichnete Entscheidung nach dem Gemeinsamen Standpunkt der EU zu Rüstungsexporten"},
	"country_report":  {EN: "The country's current report", DE: "Aktueller Bericht zum Land"},
	"replay_cli":      {EN: "Replay on the command line:", DE: "Erneute Auswertung auf der Kommandozeile:"},
	"country_iso":     {EN: "Country (ISO code)", DE: "Land (ISO-Code)"},
	"older":           {EN: "Older decisions", DE: "Ältere Entscheidungen"},
	"decisions_intro": {EN: "Newest first. Times are in UTC.", DE: "Neueste zuerst. Zeiten in UTC."},
}

// dictionaries are texts by language.
var dictionaries = func() map[string]map[string]string {
	out := map[string]map[string]string{"en": {}, "de": {}}
	for k, t := range texts {
		out["en"][k] = t.EN
		out["de"][k] = t.DE
	}
	return out
}()

// lang picks the page language: ?lang=en|de (remembered in a cookie for a year), else
// the cookie, else the browser's Accept-Language, else English.
func (s *Server) lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "de" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: s.secure(r)})
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

// secure reports whether cookies should be marked Secure.
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

func clearCookie(w http.ResponseWriter, r *http.Request, secure bool, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure || r.TLS != nil})
}

// The words below move to engine/present (issue 10) once it is on main.

var monthNames = [2][12]string{
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
}

// Time writes a recorded timestamp (RFC 3339) for people, to the minute, in UTC:
// "6 December 2026, 10:51 UTC", "6. Dezember 2026, 10:51 UTC". Anything else unchanged.
func (p *page) Time(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	t = t.UTC()
	if p.Lang == "de" {
		return fmt.Sprintf("%d. %s %d, %02d:%02d UTC", t.Day(), monthNames[1][t.Month()-1], t.Year(), t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%d %s %d, %02d:%02d UTC", t.Day(), monthNames[0][t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// nouns are the counted words: singular and plural, English and German.
var nouns = map[string][2][2]string{
	"country":        {{"country", "countries"}, {"Land", "Länder"}},
	"country_shown":  {{"country shown of", "countries shown of"}, {"Land angezeigt von", "Länder angezeigt von"}},
	"file_archived":  {{"file archived", "files archived"}, {"Datei archiviert", "Dateien archiviert"}},
	"byte_canonical": {{"byte of canonical JSON", "bytes of canonical JSON"}, {"Byte kanonisches JSON", "Bytes kanonisches JSON"}},
}

// Count writes n with the noun key in the right number: "1 country", "2 Länder".
func (p *page) Count(n int, key string) string {
	forms, ok := nouns[key]
	if !ok {
		return strconv.Itoa(n) + " " + key
	}
	lang := 0
	if p.Lang == "de" {
		lang = 1
	}
	form := forms[lang][1]
	if n == 1 {
		form = forms[lang][0]
	}
	return strconv.Itoa(n) + " " + form
}

var roleNames = map[string]engine.Text{
	"officer": {EN: "officer", DE: "Sachbearbeitung"},
	"policy":  {EN: "policy staff", DE: "Grundsatzreferat"},
	"auditor": {EN: "auditor", DE: "Prüfung"},
}

// RoleName is a role in the page's language.
func (p *page) RoleName(role Role) string {
	if t, ok := roleNames[string(role)]; ok {
		return t.In(p.Lang)
	}
	return string(role)
}

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

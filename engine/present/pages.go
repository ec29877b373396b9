package present

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// pageWords are the words of the web pages (engine/server): navigation, forms, tables, the
// map and the history. They join the one catalogue (words) when the package loads; a key
// may not be in both.
var pageWords = map[string]pair{
	"skip":            {"Skip to content", "Zum Inhalt springen"},
	"overview":        {"World overview", "Weltübersicht"},
	"decisions":       {"Decisions", "Entscheidungen"},
	"signed_in_as":    {"Signed in as", "Angemeldet als"},
	"sign_out":        {"Sign out", "Abmelden"},
	"sign_in":         {"Sign in", "Anmelden"},
	"token":           {"API token", "API-Token"},
	"login_intro":     {"Sign in with your exportrisk API token. The server checks it once and gives this browser a session cookie; the token itself is not stored in the browser.", "Melden Sie sich mit Ihrem exportrisk-API-Token an. Der Server prüft es einmal und gibt diesem Browser ein Sitzungs-Cookie; das Token selbst wird im Browser nicht gespeichert."},
	"login_failed":    {"That token is not valid.", "Dieses Token ist nicht gültig."},
	"login_needed":    {"Please sign in to see this page.", "Bitte melden Sie sich an, um diese Seite zu sehen."},
	"language":        {"Language", "Sprache"},
	"filter":          {"Filter and sort", "Filtern und sortieren"},
	"search":          {"Country or ISO code", "Land oder ISO-Code"},
	"class":           {"Overall class", "Gesamtbewertung"},
	"all":             {"all", "alle"},
	"any":             {"any", "beliebig"},
	"on_criterion":    {"Criterion", "Kriterium"},
	"rated":           {"rated", "bewertet als"},
	"sort":            {"Sort by", "Sortieren nach"},
	"apply":           {"Apply", "Anwenden"},
	"reset":           {"Reset", "Zurücksetzen"},
	"showing":         {"countries shown of", "Länder angezeigt von"},
	"criteria":        {"The eight criteria", "Die acht Kriterien"},
	"critical_count":  {"Critical on", "Kritisch bei"},
	"reasons":         {"Why", "Begründung"},
	"other_checks":    {"Other checks", "Weitere Prüfungen"},
	"signals":         {"Signals counted", "Gezählte Signale"},
	"signal_severe":   {"severe signal", "schwerwiegendes Signal"},
	"signal_concern":  {"concern signal", "bedenkliches Signal"},
	"values_used":     {"Values used", "Verwendete Werte"},
	"evidence_used":   {"Evidence used", "Verwendete Belege"},
	"indicator":       {"Indicator", "Indikator"},
	"value":           {"Value", "Wert"},
	"year":            {"Year", "Jahr"},
	"source":          {"Source", "Quelle"},
	"citing":          {"citing", "nach"},
	"note_col":        {"Note", "Anmerkung"},
	"indicators":      {"Indicators in the bundle", "Indikatoren im Datensatz"},
	"indices":         {"Indices", "Indizes"},
	"memberships":     {"Treaties and regimes", "Verträge und Regime"},
	"instrument":      {"Instrument", "Instrument"},
	"status":          {"Status", "Status"},
	"embargoes":       {"Arms embargoes", "Waffenembargos"},
	"authority":       {"Imposed by", "Verhängt von"},
	"in_force":        {"In force", "In Kraft"},
	"addressee":       {"Addressee", "Adressat"},
	"since_col":       {"Since", "Seit"},
	"date":            {"Date", "Datum"},
	"category":        {"Category", "Kategorie"},
	"summary":         {"Summary", "Zusammenfassung"},
	"what_missing":    {"What is missing", "Was fehlt"},
	"missing_intro":   {"Indicators the criteria read that this bundle does not have. A criterion without any of its decisive indicators is rated “insufficient data”, never “not critical”.", "Indikatoren, die die Kriterien lesen, die dieser Datensatz aber nicht enthält. Ein Kriterium ohne jeden seiner entscheidenden Indikatoren wird als „unzureichende Datenlage“ bewertet, nie als „nicht kritisch“."},
	"read_by":         {"Read by criterion", "Gelesen von Kriterium"},
	"nothing_missing": {"Nothing is missing.", "Es fehlt nichts."},
	"assess_record":   {"Assess and record", "Bewerten und aufzeichnen"},
	"case_ref":        {"Case reference (optional)", "Aktenzeichen (optional)"},
	"not_recorded":    {"This page shows the assessment of the shipped bundle; viewing it records nothing. “Assess and record” evaluates the bundle again and records the decision in the audit log under your name.", "Diese Seite zeigt die Bewertung des mitgelieferten Datensatzes; beim Ansehen wird nichts aufgezeichnet. „Bewerten und aufzeichnen“ wertet den Datensatz erneut aus und zeichnet die Entscheidung unter Ihrem Namen im Prüfprotokoll auf."},
	"recorded_for":    {"Recorded decisions for this country", "Aufgezeichnete Entscheidungen zu diesem Land"},
	"latest":          {"latest first", "neueste zuerst"},
	"no_decisions":    {"No decision recorded yet.", "Noch keine Entscheidung aufgezeichnet."},
	"decision":        {"Decision", "Entscheidung"},
	"record":          {"The record", "Der Eintrag im Prüfprotokoll"},
	"seq":             {"Sequence", "Laufnummer"},
	"recorded":        {"Recorded (UTC)", "Aufgezeichnet (UTC)"},
	"requester":       {"Requested by", "Angefragt von"},
	"case":            {"Case", "Aktenzeichen"},
	"engine":          {"Engine", "Engine"},
	"evaluated":       {"Evaluated (UTC)", "Ausgewertet (UTC)"},
	"prev_hash":       {"Previous hash", "Vorheriger Hash"},
	"hash":            {"Hash", "Hash"},
	"bytes":           {"bytes of canonical JSON", "Bytes kanonisches JSON"},
	"replay":          {"Replay", "Erneut auswerten"},
	"replay_intro":    {"Replay evaluates the recorded input again with the policy files archived for its revision and compares the result with the recorded one, byte for byte.", "Die erneute Auswertung wertet die aufgezeichnete Eingabe mit den für ihren Regelstand archivierten Regeln noch einmal aus und vergleicht das Ergebnis Byte für Byte mit dem aufgezeichneten."},
	"replay_auditors": {"Auditors can replay this decision.", "Prüferinnen und Prüfer können diese Entscheidung erneut auswerten."},
	"match":           {"the replayed result is identical to the recorded one, byte for byte.", "Das erneut ausgewertete Ergebnis ist Byte für Byte identisch mit dem aufgezeichneten."},
	"differs":         {"the replayed result is not the recorded one.", "Das erneut ausgewertete Ergebnis weicht vom aufgezeichneten ab."},
	"replay_failed":   {"The decision could not be replayed", "Die Entscheidung konnte nicht erneut ausgewertet werden"},
	"changed":         {"Verdicts that changed", "Geänderte Bewertungen"},
	"difference":      {"Full difference (− recorded, + replayed)", "Vollständiger Unterschied (− aufgezeichnet, + erneut ausgewertet)"},
	"replayed_with":   {"Replayed with", "Erneut ausgewertet mit"},
	"files_archived":  {"files archived", "Dateien archiviert"},
	"print":           {"Print or save as PDF", "Drucken oder als PDF speichern"},
	"attribution":     {"Sources as given in the bundle; verdicts from the rules of the policy revision named above. Screening aid under the EU Common Position 2008/944/CFSP; the licensing decision remains with the authority.", "Quellen wie im Datensatz angegeben; Bewertungen nach den Regeln des oben genannten Regelstands. Prüfhilfe nach dem Gemeinsamen Standpunkt 2008/944/GASP; die Genehmigungsentscheidung trifft die Behörde."},
	"legend":          {"Legend", "Legende"},
	"countries":       {"countries", "Länder"},
	"filters":         {"Filters", "Filter"},
	"from":            {"From (date)", "Von (Datum)"},
	"until":           {"Until (date)", "Bis (Datum)"},
	"next_page":       {"Next page", "Nächste Seite"},
	"no_match":        {"No recorded decision matches.", "Keine aufgezeichnete Entscheidung passt."},
	"view":            {"View", "Ansehen"},
	"intro":           {"Every country's latest shipped bundle, rated on the eight criteria of the EU Common Position on arms exports. Each verdict is shown as a symbol and a word, so colour is not needed to read it.", "Der jeweils neueste mitgelieferte Datensatz jedes Landes, bewertet nach den acht Kriterien des Gemeinsamen Standpunkts der EU zu Rüstungsexporten. Jede Bewertung wird als Symbol und Wort gezeigt, sodass sie auch ohne Farbe lesbar ist."},
	"yes":             {"yes", "ja"},
	"no":              {"no", "nein"},
	"error":           {"Error", "Fehler"},
	"back":            {"Back to the world overview", "Zurück zur Weltübersicht"},
	"sort_iso3":       {"ISO code", "ISO-Code"},
	"sort_name":       {"name", "Name"},
	"sort_overall":    {"overall class", "Gesamtbewertung"},
	"sort_critical":   {"number of critical criteria", "Zahl kritischer Kriterien"},
	"sort_criterion":  {"criterion", "Kriterium"},
	// the world map, the year selector and the history
	"year_select":     {"Year", "Jahr"},
	"latest_option":   {"latest bundle of each country", "neuester Datensatz je Land"},
	"latest_bundles":  {"each country's latest bundle", "neuester Datensatz je Land"},
	"map_by":          {"Colour the map by", "Karte einfärben nach"},
	"map_heading":     {"World map", "Weltkarte"},
	"map_desc":        {"Each country is coloured by its rating; point at a country for its name and rating, select it to open its report and history. Countries too small to draw are dots. The table below lists every country with the same ratings.", "Jedes Land ist nach seiner Bewertung eingefärbt; zeigen Sie auf ein Land für Name und Bewertung, wählen Sie es, um seinen Bericht und Verlauf zu öffnen. Zu kleine Länder sind Punkte. Die Tabelle unten führt jedes Land mit denselben Bewertungen auf."},
	"map_table_note":  {"The table below is the map's text version: every country with its ratings.", "Die Tabelle unten ist die Textfassung der Karte: jedes Land mit seinen Bewertungen."},
	"not_rated":       {"not rated (territory)", "nicht bewertet (Gebiet)"},
	"show":            {"Show", "Anzeigen"},
	"history":         {"history", "Verlauf"},
	"history_h":       {"History", "Verlauf"},
	"history_intro":   {"The verdicts of every shipped year (bundles of 31 December), assessed with the current rules. A bold outline marks a verdict that changed from the year before; the year headings open that year's report.", "Die Bewertungen jedes mitgelieferten Jahres (Datensätze zum 31. Dezember), bewertet nach den geltenden Regeln. Ein fetter Rahmen markiert eine Bewertung, die sich gegenüber dem Vorjahr geändert hat; die Jahreszahlen öffnen den Bericht des Jahres."},
	"timeline_desc":   {"One row per criterion and one for the overall class, one column per year; each cell shows the verdict as a symbol and a colour.", "Eine Zeile je Kriterium und eine für die Gesamtbewertung, eine Spalte je Jahr; jede Zelle zeigt die Bewertung als Symbol und Farbe."},
	"changed_year":    {"changed from the year before", "geändert gegenüber dem Vorjahr"},
	"changes":         {"What changed, and why", "Was sich geändert hat, und warum"},
	"no_changes":      {"No verdict changed in these years.", "In diesen Jahren hat sich keine Bewertung geändert."},
	"appeared":        {"Now", "Jetzt"},
	"disappeared":     {"No longer", "Nicht mehr"},
	"history_table":   {"Verdicts per year", "Bewertungen je Jahr"},
	"history_error":   {"The history could not be assessed", "Der Verlauf konnte nicht bewertet werden"},
	"year_of":         {"Showing", "Angezeigt"},
	"intro_year":      {"Every country's bundle of 31 December %d, rated with the current rules on the eight criteria of the EU Common Position on arms exports. Each verdict is shown as a symbol and a word, so colour is not needed to read it.", "Der Datensatz jedes Landes zum 31. Dezember %d, bewertet nach den geltenden Regeln und den acht Kriterien des Gemeinsamen Standpunkts der EU zu Rüstungsexporten. Jede Bewertung wird als Symbol und Wort gezeigt, sodass sie auch ohne Farbe lesbar ist."},
	"decision_kicker": {"Recorded decision under the EU Common Position on arms exports", "Aufgezeichnete Entscheidung nach dem Gemeinsamen Standpunkt der EU zu Rüstungsexporten"},
	"country_report":  {"The country's current report", "Aktueller Bericht zum Land"},
	"replay_cli":      {"Replay on the command line:", "Erneute Auswertung auf der Kommandozeile:"},
	"country_iso":     {"Country (ISO code)", "Land (ISO-Code)"},
	"older":           {"Older decisions", "Ältere Entscheidungen"},
	"decisions_intro": {"Newest first. Times are in UTC.", "Neueste zuerst. Zeiten in UTC."},
	"reasons_error":   {"The reasons of this record cannot be worded with the current policies", "Die Gründe dieses Eintrags lassen sich mit den geltenden Regeln nicht formulieren"},
	"same_verdict":    {"same verdict, other reasons", "gleiche Bewertung, andere Gründe"},
	"evidence_nav":    {"Evidence register", "Belegregister"}, // engine/server/evidence.go
	"role_officer":    {"officer", "Sachbearbeitung"},
	"role_policy":     {"policy staff", "Grundsatzreferat"},
	"role_auditor":    {"auditor", "Prüfung"},
	"sources_h":       {"Sources", "Quellen"},
}

// pagePlurals are the counted nouns of the web pages; they join plurals.
var pagePlurals = map[string][2]pair{
	"country_shown":  {{"country shown of", "countries shown of"}, {"Land angezeigt von", "Länder angezeigt von"}},
	"file_archived":  {{"file archived", "files archived"}, {"Datei archiviert", "Dateien archiviert"}},
	"byte_canonical": {{"byte of canonical JSON", "bytes of canonical JSON"}, {"Byte kanonisches JSON", "Bytes kanonisches JSON"}},
}

func init() {
	for k, v := range pageWords {
		if _, dup := words[k]; dup {
			panic(fmt.Sprintf("present: the page word %q is in the catalogue twice", k)) // fixed at build time
		}
		words[k] = v
	}
	for k, v := range pagePlurals {
		if _, dup := plurals[k]; dup {
			panic(fmt.Sprintf("present: the counted noun %q is in the catalogue twice", k))
		}
		plurals[k] = v
	}
}

var (
	wordsOnce sync.Once
	byLang    map[string]map[string]string
)

// Words returns the whole catalogue in lang, by key: what the page templates read.
func Words(lang string) map[string]string {
	wordsOnce.Do(func() {
		byLang = map[string]map[string]string{}
		for _, l := range Languages {
			m := make(map[string]string, len(words))
			for k, p := range words {
				m[k] = p.in(l)
			}
			byLang[l] = m
		}
	})
	if de(lang) {
		return byLang["de"]
	}
	return byLang["en"]
}

// Time writes a recorded timestamp (RFC 3339) to the minute, in UTC: "6 December 2026,
// 10:51 UTC" / "6. Dezember 2026, 10:51 UTC". Anything else is returned unchanged.
func Time(lang, ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	t = t.UTC()
	day := strconv.Itoa(t.Day())
	if de(lang) {
		day += "."
	}
	return fmt.Sprintf("%s %s %d, %02d:%02d UTC", day, months[t.Month()-1].in(lang), t.Year(), t.Hour(), t.Minute())
}

// Role names a role of the server (officer, policy, auditor).
func Role(lang, role string) string {
	if p, ok := words["role_"+role]; ok {
		return p.in(lang)
	}
	return role
}

package present

import (
	"strconv"

	"github.com/exportrisk/exportrisk/engine"
)

// Languages the reports are written in.
var Languages = []string{"en", "de"}

// de reports whether lang is German; every other value means English.
func de(lang string) bool { return lang == "de" }

// pair is a text in English and German.
type pair [2]string

func (p pair) in(lang string) string {
	if de(lang) {
		return p[1]
	}
	return p[0]
}

// words is the catalogue of fixed wording, by key.
var words = map[string]pair{
	// report header and structure
	"title":         {"Assessment under the EU Common Position on arms exports", "Bewertung nach dem Gemeinsamen Standpunkt der EU zu Rüstungsexporten"},
	"as_of":         {"as of", "Stand"},
	"overall":       {"Overall", "Gesamtbewertung"},
	"bundle":        {"Bundle", "Datensatz"},
	"policies":      {"Policies", "Regelwerk"},
	"revision":      {"Policy revision", "Regelstand"},
	"input":         {"Input digest", "Eingabe-Prüfsumme"},
	"evaluator":     {"Evaluator", "Auswertung"},
	"criterion":     {"Criterion", "Kriterium"},
	"verdict":       {"Verdict", "Bewertung"},
	"basis":         {"Basis", "Grundlage"},
	"decided":       {"Decided by", "Ausschlaggebend"},
	"supporting":    {"Also found", "Weitere Befunde"},
	"checked":       {"Checked", "Geprüft"},
	"values":        {"Values", "Werte"},
	"evidence":      {"Evidence", "Belege"},
	"sources":       {"Sources", "Quellen"},
	"note":          {"note", "Anmerkung"},
	"note_english":  {"note (English)", "Anmerkung (englisch)"},
	"quote":         {"quote", "Zitat"},
	"from_register": {"from the evidence register", "aus dem Belegregister"},
	"missing":       {"Missing", "Fehlende Angaben"},
	"missing_raise": {"Missing (could still raise the verdict)", "Fehlende Angaben (könnten die Bewertung noch erhöhen)"},
	"missing_final": {"Missing (cannot change the verdict: critical is the highest)", "Fehlende Angaben (ändern die Bewertung nicht: kritisch ist die höchste Stufe)"},
	"none":          {"none", "keine"},
	"unconfirmed":   {"unconfirmed", "unbestätigt"},
	"since":         {"since", "seit"},
	"explain_hint":  {"Run with %s for every reason of criterion N with values and sources.", "Mit %s werden alle Gründe zu Kriterium N mit Werten und Quellen gezeigt."},
	"method":        {"Method: docs/methodology.md (the published rules, our calibration defaults, what counts as missing).", "Methode: docs/methodology.md (die veröffentlichten Regeln, unsere Kalibrierungsannahmen, was als fehlend gilt)."},
	"attributed":    {"Sources as given in the bundle; verdicts from the rules at the policy revision above.", "Quellen wie im Datensatz angegeben; Bewertungen nach den Regeln des oben genannten Regelstands."},
	"supports":      {"supports", "stützt"},
	// the line that ends a report (DecisionLine)
	"decision_recorded": {"Decision ID: %s (recorded in the audit log)", "Entscheidungs-ID: %s (im Prüfprotokoll aufgezeichnet)"},
	"not_recorded_dry":  {"Not recorded (dry run).", "Nicht aufgezeichnet (Probelauf)."},
	"signal":            {"signal", "Signal"},
	// membership groups of long lists
	"joined":     {"joined", "beigetreten"},
	"not_joined": {"known not joined", "nachweislich nicht beigetreten"},
	"unknown":    {"status unknown", "Status unbekannt"},
	// world table
	"country":          {"Country", "Land"},
	"as_of_col":        {"As of", "Stand"},
	"without_critical": {"without a critical criterion", "ohne kritisches Kriterium"},
	"insufficient_on":  {"Insufficient data on criterion", "Unzureichende Datenlage bei Kriterium"},
	"no_bundle_before": {"No bundle on or before", "Kein Datensatz bis"},
}

// T returns the catalogue entry key in lang; an unknown key is returned as it is.
func T(lang, key string) string {
	if p, ok := words[key]; ok {
		return p.in(lang)
	}
	return key
}

var verdicts = map[string]pair{
	engine.Critical:         {"critical", "kritisch"},
	engine.PossiblyCritical: {"possibly critical", "möglicherweise kritisch"},
	engine.NotCritical:      {"not critical", "nicht kritisch"},
	engine.InsufficientData: {"insufficient data", "unzureichende Datenlage"},
}

// VerdictLabel returns the label of a verdict code.
func VerdictLabel(lang, code string) string {
	if p, ok := verdicts[code]; ok {
		return p.in(lang)
	}
	return code
}

var bases = map[string]pair{
	engine.Published:          {"published rule", "veröffentlichte Regel"},
	engine.CalibrationDefault: {"calibration default", "Kalibrierungsannahme"},
}

// BasisLabel returns the label of a basis code (published, calibration_default).
func BasisLabel(lang, code string) string {
	if p, ok := bases[code]; ok {
		return p.in(lang)
	}
	return code
}

// BasisLegend is the one-line legend of the bases.
func BasisLegend(lang string) string {
	return pair{
		"Basis: \"published rule\" = BICC's published rule; \"calibration default\" = our default where BICC publishes none (docs/methodology.md).",
		"Grundlage: „veröffentlichte Regel“ = von BICC veröffentlichte Regel; „Kalibrierungsannahme“ = unsere Annahme, wo BICC keine Regel veröffentlicht (docs/methodology.md).",
	}.in(lang)
}

var signals = map[string]pair{
	"severe":  {"severe", "schwerwiegend"},
	"concern": {"concern", "bedenklich"},
}

// SignalLabel returns the label of a criterion-2 signal kind (severe, concern).
func SignalLabel(lang, code string) string {
	if p, ok := signals[code]; ok {
		return p.in(lang)
	}
	return code
}

// plurals are counted nouns: [one, other] per language. German adjectives before a noun
// decline with the number ("1 bedenkliches Signal", "2 bedenkliche Signale").
var plurals = map[string][2]pair{
	"severe_signal":      {{"severe signal", "severe signals"}, {"schwerwiegendes Signal", "schwerwiegende Signale"}},
	"concern_signal":     {{"concern signal", "concern signals"}, {"bedenkliches Signal", "bedenkliche Signale"}},
	"signal":             {{"signal", "signals"}, {"Signal", "Signale"}},
	"criterion":          {{"criterion", "criteria"}, {"Kriterium", "Kriterien"}},
	"critical_criterion": {{"critical criterion", "critical criteria"}, {"kritischem Kriterium", "kritischen Kriterien"}},
	"country":            {{"country", "countries"}, {"Land", "Länder"}},
	"decision":           {{"decision", "decisions"}, {"Entscheidung", "Entscheidungen"}},
	"convention":         {{"convention", "conventions"}, {"Abkommen", "Abkommen"}},
	"instrument":         {{"instrument", "instruments"}, {"Instrument", "Instrumente"}},
	"year":               {{"year", "years"}, {"Jahr", "Jahre"}},
	"conflict":           {{"conflict", "conflicts"}, {"Konflikt", "Konflikte"}},
	"coup_attempt":       {{"coup attempt", "coup attempts"}, {"Putschversuch", "Putschversuche"}},
	"neighbour":          {{"neighbouring country", "neighbouring countries"}, {"Nachbarland", "Nachbarländer"}},
	"reason":             {{"reason", "reasons"}, {"Grund", "Gründe"}},
	"verdict":            {{"verdict", "verdicts"}, {"Bewertung", "Bewertungen"}},
	"class":              {{"class", "classes"}, {"Klasse", "Klassen"}},
	"its":                {{"its", "their"}, {"seine", "ihre"}}, // possessive agreeing with a count
	"index":              {{"index", "indices"}, {"Index", "Indizes"}},
	"membership":         {{"membership", "memberships"}, {"Mitgliedschaft", "Mitgliedschaften"}},
	"embargo_record":     {{"embargo record", "embargo records"}, {"Embargo-Eintrag", "Embargo-Einträge"}},
	"bundle_evidence":    {{"evidence item", "evidence items"}, {"Beleg", "Belege"}},
	"event":              {{"documented event", "documented events"}, {"belegtes Ereignis", "belegte Ereignisse"}},
	"bundle":             {{"bundle", "bundles"}, {"Datensatz", "Datensätze"}},
	"evidence_item":      {{"item", "items"}, {"Beleg", "Belege"}},
	"evidence_event":     {{"evidence event", "evidence events"}, {"Belegereignis", "Belegereignisse"}},
}

// Noun returns the counted noun key in the form for n: one for n == 1, else other (both
// languages use this rule for whole numbers).
func Noun(lang string, n int, key string) string {
	p, ok := plurals[key]
	if !ok {
		return key
	}
	forms := p[0]
	if de(lang) {
		forms = p[1]
	}
	if n == 1 {
		return forms[0]
	}
	return forms[1]
}

// Count returns n and the counted noun key in the right form: "1 concern signal",
// "2 bedenkliche Signale".
func Count(lang string, n int, key string) string {
	return strconv.Itoa(n) + " " + Noun(lang, n, key)
}

// months are the month names of Date.
var months = [12]pair{
	{"January", "Januar"}, {"February", "Februar"}, {"March", "März"}, {"April", "April"},
	{"May", "Mai"}, {"June", "Juni"}, {"July", "Juli"}, {"August", "August"},
	{"September", "September"}, {"October", "Oktober"}, {"November", "November"}, {"December", "Dezember"},
}

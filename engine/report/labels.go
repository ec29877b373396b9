// Package report renders assessment results for people: a terminal table, Markdown,
// and the full explanation of one criterion, in English or German.
package report

import "github.com/exportrisk/exportrisk/engine"

// Languages the reports are written in.
var Languages = []string{"en", "de"}

type text = engine.Text

var verdicts = map[string]text{
	engine.Critical:         {EN: "critical", DE: "kritisch"},
	engine.PossiblyCritical: {EN: "possibly critical", DE: "möglicherweise kritisch"},
	engine.NotCritical:      {EN: "not critical", DE: "nicht kritisch"},
	engine.InsufficientData: {EN: "insufficient data", DE: "unzureichende Datenlage"},
}

var overalls = map[string]text{
	engine.DarkRed:  {EN: "dark red (critical on four or more criteria)", DE: "dunkelrot (kritisch bei vier oder mehr Kriterien)"},
	engine.LightRed: {EN: "light red (critical on at least one criterion)", DE: "hellrot (kritisch bei mindestens einem Kriterium)"},
	engine.None:     {EN: "no critical criterion", DE: "kein kritisches Kriterium"},
}

var words = map[string]text{
	"as_of":      {EN: "as of", DE: "Stand"},
	"overall":    {EN: "Overall", DE: "Gesamtbewertung"},
	"bundle":     {EN: "Bundle", DE: "Datensatz"},
	"policies":   {EN: "Policies", DE: "Regelwerk"},
	"revision":   {EN: "Policy revision", DE: "Regelstand"},
	"input":      {EN: "Input digest", DE: "Eingabe-Prüfsumme"},
	"evaluator":  {EN: "Evaluator", DE: "Auswertung"},
	"criterion":  {EN: "Criterion", DE: "Kriterium"},
	"verdict":    {EN: "Verdict", DE: "Bewertung"},
	"reasons":    {EN: "Reasons", DE: "Gründe"},
	"missing":    {EN: "Missing", DE: "Fehlende Angaben"},
	"none":       {EN: "none", DE: "keine"},
	"source":     {EN: "source", DE: "Quelle"},
	"cites":      {EN: "citing", DE: "nach"},
	"values":     {EN: "Values used", DE: "Verwendete Werte"},
	"evidence":   {EN: "Evidence used", DE: "Verwendete Belege"},
	"explain":    {EN: "Run with --explain N for every reason of criterion N with values and sources.", DE: "Mit --explain N werden alle Gründe zu Kriterium N mit Werten und Quellen gezeigt."},
	"title":      {EN: "Assessment under the EU Common Position on arms exports", DE: "Bewertung nach dem Gemeinsamen Standpunkt der EU zu Rüstungsexporten"},
	"supports":   {EN: "supports", DE: "stützt"},
	"signal":     {EN: "signal", DE: "Signal"},
	"severe":     {EN: "severe", DE: "schwerwiegend"},
	"concern":    {EN: "concern", DE: "bedenklich"},
	"unconfirm":  {EN: "unconfirmed", DE: "unbestätigt"},
	"attributed": {EN: "Sources as given in the bundle; verdicts from the rules at the policy revision above.", DE: "Quellen wie im Datensatz angegeben; Bewertungen nach den Regeln des oben genannten Regelstands."},
}

// Verdict returns the label of a verdict code.
func Verdict(code, lang string) string {
	if t, ok := verdicts[code]; ok {
		return t.In(lang)
	}
	return code
}

// Overall returns the label of an overall class.
func Overall(code, lang string) string {
	if t, ok := overalls[code]; ok {
		return t.In(lang)
	}
	return code
}

func word(key, lang string) string { return words[key].In(lang) }

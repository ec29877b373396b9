// Package present is the one presentation layer of exportrisk: everything a person reads about
// an assessment — the terminal table, --explain, Markdown, the names, messages and citations the
// JSON output adds, the world table, audit listings, policy impact reports and the web pages —
// is worded and formatted here, in English or German. The evaluator (package engine) returns
// decision data only (verdicts, reason codes, raw vars, indicator values with provenance); this
// package turns it into text.
//
// # Using it
//
// Build one Presenter per engine (per policy revision) and keep it; it is safe for concurrent
// use:
//
//	p, err := present.New(e)                 // e *engine.Engine; fails on a message template that does not parse
//	rep, err := p.Report(res, "de")          // res *engine.Result -> a Report view, all text in German
//	err = p.Table(w, res, present.Options{Lang: "en", Bundle: src, Explain: "--explain N"})
//	err = p.Explain(w, res, 6, opts)         // every reason of criterion 6
//	err = p.Markdown(w, res, opts)
//	doc, err := p.Document(res)              // the JSON document: ids kept, names, messages, basis added
//
// A Report holds everything a page or report needs, already worded: per criterion the verdict
// label, its basis, the reasons in reading order (the ones that decided the verdict first, then
// the supporting ones, then the checks), each with its message, the values it used (display
// name, value in the language's convention, year, note) and the evidence items, and once per
// criterion the sources as a reader cites them and what is missing. Templates (the web pages)
// range over Report.Criteria and each Criterion's Sections(lang) (Decided, Supporting and
// Checked, labelled; empty ones left out).
//
// # Wording and formatting (all functions take the language, "en" or "de"; anything else is English)
//
//   - T(lang, key): a word or phrase of the catalogue (catalogue.go): headers, labels, legends.
//   - Count(lang, n, key): a count with the right plural form: "1 concern signal",
//     "1 bedenkliches Signal", "2 bedenkliche Signale". Keys ending in a noun: see plurals.
//   - VerdictLabel, BasisLabel, SignalLabel: the label of a verdict, basis or signal code;
//     BasisLegend: the one-line legend of the two bases; Presenter.OverallLabel and
//     Presenter.OverallLegend: the overall class, with the counts read from the policy data
//     (thresholds.overall), never restated here.
//   - Number(lang, x, decimals): 0.837 / 0,837, thousands separated (1,234.5 / 1.234,5);
//     decimals < 0 keeps the value's own digits.
//   - DateAt(lang, date, precision): an evidence date at its date_precision (month, year).
//   - Date(lang, s): a date at its known precision: "2022" for YYYY, "January 2022" / "Januar
//     2022" for YYYY-MM, "14 October 2006" / "14. Oktober 2006" for YYYY-MM-DD; anything else
//     unchanged.
//   - Presenter.Name(lang, id): the display name of an indicator by its id or bundle field path
//     (indices.pts, memberships.att, embargoes.UN), from labels in the policy data.
//   - Presenter.Value(lang, v): an indicator value as a reader reads it: translated ("Not Free" /
//     "nicht frei", "party" / "Vertragspartei", "in force" / "in Kraft"), numbers at the source's
//     precision (indicators.Decimals).
//   - Cite(p): the source of a value as a reader cites it ("Freedom House, Freedom in the World
//     2024 (data year 2023), ...", "UN Treaty Collection, status of IV-4 (list of 2026)"),
//     never one of our file paths. Note(s): a value's note without our file paths. A
//     criterion's Sources name each publication once, the places cited in it (tables, sections,
//     status lists) merged: "SIPRI Jahrbuch (bicc, …, Tabelle 11 mit Kommentar; Abschnitt …)".
//   - Presenter.ValueName(lang, id): the name a value is listed under ("UN arms embargo").
//   - Meaning(lang, fieldPath): what an index measures, for the web pages' indicator
//     tables: "Political Terror Scale (5 worst)" / "Political Terror Scale (5 = schlechtester
//     Wert)" (meanings.go: the German meanings by index id; the English is the catalog's).
//
// Reason messages are Go text/template in each rule's METADATA (custom.message.en/de); New
// parses them once with the functions listed in messages.go.
package present

package present

import "github.com/exportrisk/exportrisk/indicators"

// Publication is what the citations of one publication share (tests: each source named once).
func Publication(p indicators.Provenance) string { return cite(p).publication() }

// Locators are the places in the publication a citation names (tests: no locator lost).
func Locators(p indicators.Provenance) []string { return cite(p).locs }

// MeaningsDE are the German meanings by index id (tests: one for every index, no other).
var MeaningsDE = meaningsDE

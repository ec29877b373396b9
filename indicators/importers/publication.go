package importers

// Publication says when a source's values become known, so that a bundle as of 31 December
// of a year holds only what had been published by then: data year D is published by
// 31 December of D+Lag. Each rule rests on the source's edition dates (Rule); where the dates
// vary from edition to edition the rule takes the later one, so that no value comes from
// the future. The build takes, per country, the latest value whose data year is at most
// YEAR-Lag and at least YEAR-Lag-Window; the value's year says how old it is, and the
// policies decide whether it is too old to count (thresholds.data_age in policies/data.yaml).
type Publication struct {
	Lag    int    // data year D is known on 31 December of D+Lag
	Window int    // how many data years before the latest published one a value may be carried from
	Rule   string // the edition dates behind Lag
	RuleDE string // Rule in German, for the German note of a carried value ("" = none)
}

// UCDPLag is the publication lag of the UCDP data sets (ACD, one-sided violence, Organized
// Violence): version Y.1 appears in June of Y and covers data years to Y-1 (v24.1: June 2024,
// to 2023; v25.1: June 2025, to 2024). A bundle as of 31 December of Y uses data year Y-1.
const UCDPLag = 1

// QoGPublished is the year each QoG Standard cross-section appeared (Jan24: January 2024;
// Jan25: January 2025). An edition counts from 31 December of that year on.
var QoGPublished = map[string]int{"Jan24": 2024, "Jan25": 2025}

// QoGIndices are the ids still taken from QoG: WDI spending. WGI and GMI come from their own
// time series (WGIFile, GMIFile), which give exact years.
var QoGIndices = map[string]bool{"health_exp_gdp": true, "education_exp_gdp": true}

// FirstYear is the first year the world history is built for.
const FirstYear = 2012

package importers

// Publication says when a source's values become known, so that a bundle as of 31 December
// of a year holds only what had been published by then: data year D is published by
// 31 December of D+Lag. Each rule rests on the source's edition dates (Rule); where the dates
// vary from edition to edition the rule takes the later one, so that no value comes from
// the future. The build takes, per country, the latest value whose data year is at most
// YEAR-Lag and at least YEAR-Lag-Window; the value's year says how old it is, and the
// policies decide whether it is too old to count (thresholds.data_age in policies/data.yaml).
type Publication struct {
	Name   string // the source, as the README's table names it
	Lag    int    // data year D is known on 31 December of D+Lag
	Window int    // how many data years before the latest published one a value may be carried from
	Rule   string // the edition dates behind Lag
}

// Publications are the rules of the annual sources, by file. The computed UCDP indicators
// (ACD, one-sided violence, Organized Violence) follow UCDPLag; coups, embargoes, deployments
// and treaty memberships are dated events and count when dated on or before as_of.
var Publications = map[string]Publication{
	FreedomHouseFile: {Name: "Freedom House, Freedom in the World", Lag: 1, Window: 2,
		Rule: "edition Y appears in February or March of Y and rates Y-1"},
	PTSFile: {Name: "Political Terror Scale", Lag: 1, Window: 3,
		Rule: "the release of year Y (mid-year) covers data years to Y-1 (PTS-2024: 1976-2023)"},
	WGIFile: {Name: "World Bank, Worldwide Governance Indicators", Lag: 1, Window: 3,
		Rule: "the update of year Y appears in September or October and covers data years to Y-1 (2024 update: 27 Sep 2024, to 2023)"},
	EFWFile: {Name: "Fraser Institute, Economic Freedom of the World", Lag: 2, Window: 3,
		Rule: "the report of year Y appears in September and covers data years to Y-2 (2025 report: to 2023)"},
	FSIFile: {Name: "Fund for Peace, Fragile States Index", Lag: 1, Window: 3,
		Rule: "edition Y rates Y-1 and appeared during Y up to the 2023 edition (FSI 2024 appeared in February 2025)"},
	GMIFile: {Name: "BICC, Global Militarisation Index", Lag: 2, Window: 3,
		Rule: "edition Y covers data year Y-1 and appears around the turn of the year Y/Y+1; taken as known at the end of Y+1"},
	CPISeriesFile: {Name: "Transparency International, Corruption Perceptions Index", Lag: 1, Window: 3,
		Rule: "CPI Y appears in late January or February of Y+1"},
	SIPRIMilexFile: {Name: "SIPRI Military Expenditure Database", Lag: 1, Window: 3,
		Rule: "data year Y appears in April of Y+1"},
	HDIFile: {Name: "UNDP, Human Development Report composite indices", Lag: 2, Window: 3,
		Rule: "the report of year Y covers data years to Y-2 (HDR 2023/24, March 2024: to 2022); HDR 2021/22 (Sep 2022) reached Y-1, the rule takes the later"},
	GDIFile: {Name: "Transparency International Defence & Security, GI / GDI", Lag: 0, Window: 10,
		Rule: "the value's year is the edition year, the year of publication (GI 2013: Jan 2013; GI 2015: Oct 2015; GDI 2020: Nov 2020)"},
	SATSFile: {Name: "Small Arms Trade Transparency Barometer", Lag: 3, Window: 10,
		Rule: "the value's year is the activity year, three years before the edition, which appears in the edition year"},
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

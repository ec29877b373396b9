package importers

import (
	"strings"
	"sync"

	"github.com/exportrisk/exportrisk/indicators/countries"
)

// ucdpAliases are UCDP's country names that differ from the English common names of the
// countries table (checked against every name in UcdpPrioConflict_v24_1.csv; the one-sided
// file's README lists the same spellings). Historical states without a successor code
// (South Vietnam, South Yemen, Czechoslovakia, Hyderabad) are deliberately absent: their
// rows are reported as unmatched.
var ucdpAliases = map[string]string{
	"Bosnia-Herzegovina":       "BIH",
	"Cambodia (Kampuchea)":     "KHM",
	"Czech Republic":           "CZE",
	"DR Congo (Zaire)":         "COD",
	"Madagascar (Malagasy)":    "MDG",
	"Myanmar (Burma)":          "MMR",
	"Russia (Soviet Union)":    "RUS",
	"Serbia (Yugoslavia)":      "SRB",
	"Turkey":                   "TUR",
	"United States of America": "USA",
	"Vietnam (North Vietnam)":  "VNM",
	"Yemen (North Yemen)":      "YEM",
	"Zimbabwe (Rhodesia)":      "ZWE",
}

var (
	nameOnce sync.Once
	byName   map[string]string
)

// isoByName returns the ISO3 code for a country name as UCDP writes it: the English common
// name of the countries table or one of UCDP's own spellings.
func isoByName(name string) (string, bool) {
	nameOnce.Do(func() {
		byName = map[string]string{}
		for _, c := range countries.All() {
			byName[c.NameEN] = c.ISO3
		}
		for n, iso := range ucdpAliases {
			byName[n] = iso
		}
	})
	iso, ok := byName[strings.TrimSpace(name)]
	return iso, ok
}

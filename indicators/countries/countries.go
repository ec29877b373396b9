// Package countries is the reference table of ISO 3166-1 countries with English and
// German names and land borders.
//
// The table is a copy of shared/data/countries/countries.csv, derived from
// mledoze/countries (https://github.com/mledoze/countries), ODbL 1.0. Kosovo appears
// there as UNK; this package answers to XKX, the code the indicator data sets use.
package countries

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed countries.csv
var table string

// Attribution is the notice ODbL requires wherever the table or a database made from it is used.
const Attribution = "Country names and borders: mledoze/countries (https://github.com/mledoze/countries), ODbL 1.0"

// Country is one row of the table.
type Country struct {
	ISO2        string
	ISO3        string
	NameEN      string
	NameDE      string
	Independent bool
	UNMember    bool
	Borders     []string // ISO3 codes of land neighbours
}

var (
	once   sync.Once
	byISO3 map[string]Country
	all    []Country
)

func load() {
	r := csv.NewReader(strings.NewReader(table))
	rows, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("countries: embedded table: %v", err)) // the embedded file is fixed at build time
	}
	byISO3 = make(map[string]Country, len(rows))
	for _, row := range rows[1:] {
		c := Country{
			ISO2: row[0], ISO3: normalise(row[1]), NameEN: row[3], NameDE: row[4],
			Independent: row[5] == "true", UNMember: row[6] == "true",
		}
		if c.ISO3 == "VAT" {
			c.UNMember = false // the Holy See is an observer state; the source marks it as a member
		}
		for _, b := range strings.Fields(row[7]) {
			c.Borders = append(c.Borders, normalise(b))
		}
		sort.Strings(c.Borders)
		byISO3[c.ISO3] = c
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ISO3 < all[j].ISO3 })
}

func normalise(iso3 string) string {
	if iso3 == "UNK" {
		return "XKX"
	}
	return iso3
}

// Lookup returns the country with the ISO 3166-1 alpha-3 code (XKX for Kosovo).
func Lookup(iso3 string) (Country, bool) {
	once.Do(load)
	c, ok := byISO3[iso3]
	return c, ok
}

// All returns every country, sorted by ISO3.
func All() []Country {
	once.Do(load)
	return append([]Country(nil), all...)
}

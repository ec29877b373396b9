package importers

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// sharedData is the raw data folder next to the repository; these tests skip without it.
const sharedData = "../../../shared/data"

func sharedFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedData, name))
	if err != nil {
		t.Skipf("raw data not available: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestQoGJan25TargetYear backs the year recorded for QoG Jan25 values (2021): its HDI column
// equals UNDP's hdi_2021 for every country that has both.
func TestQoGJan25TargetYear(t *testing.T) {
	t.Parallel()
	hdi, err := HDI(sharedFile(t, HDIFile))
	if err != nil {
		t.Fatal(err)
	}
	undp := map[string]float64{}
	for _, v := range hdi.Values {
		if v.Year == 2021 {
			undp[v.ISO3] = v.Value.(float64)
		}
	}
	tab, err := readTable(sharedFile(t, QoGEditions[0].File), QoGEditions[0].File, false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rw := range tab.rows {
		v, ok, err := tab.number(rw, "undp_hdi")
		if err != nil {
			t.Fatal(err)
		}
		want, has := undp[tab.get(rw, "ccodealp")]
		if !ok || !has {
			continue
		}
		n++
		if math.Abs(v-want) > 0.0006 {
			t.Errorf("%s: QoG Jan25 undp_hdi %v, UNDP hdi_2021 %v", tab.get(rw, "ccodealp"), v, want)
		}
	}
	if n < 180 {
		t.Errorf("only %d countries compared", n)
	}
}

// TestBuildRealData builds the 2023 world from shared/data twice: every bundle validates
// (Encode parses it back) and the two builds are byte-identical.
func TestBuildRealData(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		t.Skip("raw data not available")
	}
	var encoded [2]map[string][]byte
	for i := range encoded {
		res, err := Build(os.DirFS(sharedData), 2023, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Bundles) != 197 {
			t.Errorf("%d bundles, want 197", len(res.Bundles))
		}
		encoded[i] = map[string][]byte{}
		for _, b := range res.Bundles {
			data, err := Encode(b)
			if err != nil {
				t.Fatal(err)
			}
			encoded[i][FileName(b)] = data
		}
	}
	for name, data := range encoded[0] {
		if !bytes.Equal(data, encoded[1][name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
	for _, year := range []int{2012, 2024} {
		if _, err := Build(os.DirFS(sharedData), year, Options{}); err == nil {
			t.Errorf("year %d: want an error (the data supports 2013-2023)", year)
		}
	}
}

package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// sharedData is the raw data folder next to the repository; tests that need it skip
// without it.
const sharedData = "../../../shared/data"

func needSharedData(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedData, "SOURCES.md")); err != nil {
		t.Skipf("raw data not available at %s", sharedData)
	}
}

func readDir(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		out[p] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDataBuildDeterministic builds the 2023 world twice through the CLI and checks that
// the files are byte-identical to each other and to the shipped fixtures (so the fixtures
// are reproducible from shared/data by one command).
func TestDataBuildDeterministic(t *testing.T) {
	needSharedData(t)
	dir := t.TempDir()
	var builds []map[string][]byte
	for _, name := range []string{"a", "b"} {
		out := filepath.Join(dir, name)
		code, stdout, stderr := runCLI(t, nil, "data", "build", "--year", "2023", "--data", sharedData, "--out", out)
		if code != exitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "built 197 bundles as of 2023-12-31") {
			t.Errorf("stdout = %q", stdout)
		}
		for _, want := range []string{"Crimea", "Somaliland", "ISIL", "Operation Sea Guardian"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not report the row without a code %q", want)
			}
		}
		builds = append(builds, readDir(t, os.DirFS(out)))
	}
	shipped, err := fs.Sub(fixtures.FS, "world/2023")
	if err != nil {
		t.Fatal(err)
	}
	for label, other := range map[string]map[string][]byte{"second build": builds[1], "shipped fixtures/world/2023": readDir(t, shipped)} {
		if len(other) != len(builds[0]) {
			t.Errorf("%s: %d files, first build %d", label, len(other), len(builds[0]))
		}
		for name, data := range builds[0] {
			if !bytes.Equal(data, other[name]) {
				t.Errorf("%s: %s differs (rebuild the fixtures with `exportrisk data build --year 2023`)", label, name)
			}
		}
	}
}

func TestDataBuildUsage(t *testing.T) {
	tests := map[string]struct {
		args []string
		code int
		err  string
	}{
		"no year":          {args: []string{"data", "build"}, code: exitUsage, err: "--year is required"},
		"no data folder":   {args: []string{"data", "build", "--year", "2023", "--data", "testdata/nope"}, code: exitUsage, err: "is not a directory"},
		"year not covered": {args: []string{"data", "build", "--year", "2024", "--data", sharedData, "--out", "unused"}, code: exitInvalidInput, err: "the data supports 2013 to 2023"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(strings.Join(tc.args, " "), sharedData) {
				needSharedData(t)
			}
			code, _, stderr := runCLI(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.err)
			}
		})
	}
}

// TestShippedWorldBundles checks every shipped world bundle: it validates, its file name
// matches its content, and it is the canonical encoding (sorted keys, two-space indent).
func TestShippedWorldBundles(t *testing.T) {
	world, err := fs.Sub(fixtures.FS, "world")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := indicators.OpenLibrary(world, "fixtures/world")
	if err != nil {
		t.Fatal(err)
	}
	countries := lib.Countries()
	if len(countries) != 197 {
		t.Errorf("%d countries, want 197", len(countries))
	}
	for _, iso := range countries {
		for _, e := range lib.Entries(iso) {
			b, err := lib.Load(e) // parses, validates and checks the name
			if err != nil {
				t.Errorf("%s: %v", e.Path, err)
				continue
			}
			if len(b.Indices) == 0 {
				t.Errorf("%s: no indices", e.Path)
			}
			for id, ix := range b.Indices {
				if ix.Source == "" || ix.Year == 0 {
					t.Errorf("%s: %s without source or year", e.Path, id)
				}
			}
		}
	}
	// The curated Kazakhstan bundle stays the latest: assess KAZ rates the report bundle.
	all, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	latest, err := all.Find("KAZ", "")
	if err != nil || latest.Path != "curated/KAZ-2026-06-01.yaml" {
		t.Errorf("latest KAZ = %+v, %v; want the curated report bundle", latest, err)
	}
	built, err := all.Find("KAZ", "2023-12-31")
	if err != nil || built.Path != "world/2023/KAZ-2023-12-31.json" {
		t.Errorf("KAZ as of 2023-12-31 = %+v, %v", built, err)
	}
	var paths []string
	for _, e := range all.Entries("KAZ") {
		paths = append(paths, e.Path)
	}
	sort.Strings(paths)
	if len(paths) != 2 {
		t.Errorf("KAZ bundles = %v", paths)
	}
}

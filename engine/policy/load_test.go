package policy_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/exportrisk/exportrisk/engine/policy/bundle/bundletest"

	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/policies"
)

// policyFiles copies the embedded policies (tests left out), with old replaced by new in
// data.yaml when old is given.
func policyFiles(t *testing.T, old, repl string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(policies.FS, p)
		if p == "data.yaml" && old != "" {
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("data.yaml has no %q", old)
			}
			b = bytes.Replace(b, []byte(old), []byte(repl), 1)
		}
		m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// writeDir writes files to a new directory.
func writeDir(t *testing.T, files fstest.MapFS) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "policies")
	for p, f := range files {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildBundle writes a bundle of files, signed with signingKey if given.
func buildBundle(t *testing.T, files fstest.MapFS, signingKey, name string) string {
	t.Helper()
	ps, err := policy.New(files, "test policies")
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := bundle.Build(ps.Files, "test policies", bundle.BuildOptions{Revision: "v2", SigningKey: signingKey})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tamper copies a bundle with "0.55" in data.json changed to "0.56".
func tamper(t *testing.T, file string) string {
	t.Helper()
	changed := false
	out := bundletest.Rewrite(t, file, func(path string, b []byte) []byte {
		if path != "data.json" || !bytes.Contains(b, []byte("0.55")) {
			return b
		}
		changed = true
		return bytes.Replace(b, []byte("0.55"), []byte("0.56"), 1)
	}, nil)
	if !changed {
		t.Fatal("no 0.55 in data.json")
	}
	return out
}

const (
	shipped = "critical_hdi_below: 0.55\n"
	looser  = "critical_hdi_below: 0.85\n" // above hdi_below (0.8): the data file does not validate
	edited  = "critical_hdi_below: 0.65\n"
)

func TestLoad(t *testing.T) {
	k := bundletest.Write(t)
	priv, pub, other := k.RSAPriv, k.RSAPub, k.OtherPub
	key, err := bundle.LoadVerificationKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := bundle.LoadVerificationKey(other)
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := writeDir(t, policyFiles(t, "", ""))
	editedDir := writeDir(t, policyFiles(t, shipped, edited))
	badDir := writeDir(t, policyFiles(t, shipped, looser))
	signed := buildBundle(t, policyFiles(t, "", ""), priv, "signed.tar.gz")
	unsigned := buildBundle(t, policyFiles(t, "", ""), "", "unsigned.tar.gz")
	// A bundle whose data file does not validate: Build packs what it is given (the
	// commands refuse to build such a bundle, but one can be made by other means).
	badBundle := buildBundle(t, policyFiles(t, shipped, looser), priv, "bad-data.tar.gz")

	tests := map[string]struct {
		path     string
		key      *bundle.Key
		source   string // want PolicySet.Source
		revision string // want this policy revision ("" = not checked)
		err      []string
	}{
		"embedded":                {path: "", source: "embedded", revision: embedded.Revision},
		"directory":               {path: dir, source: dir, revision: embedded.Revision},
		"edited directory":        {path: editedDir, source: editedDir},
		"signed bundle":           {path: signed, key: key, source: "bundle " + signed + " (manifest revision v2, signature verified)"},
		"unsigned bundle, no key": {path: unsigned, source: "bundle " + unsigned + " (manifest revision v2, unsigned)"},
		"bad data in a directory": {path: badDir, err: []string{"the policy data file is invalid; the engine refuses it:\n",
			filepath.ToSlash(badDir) + "/data.yaml:", "thresholds.c8.critical_hdi_below: want at most hdi_below (0.8), got 0.85"}},
		"bad data in a bundle": {path: badBundle, key: key, err: []string{"the policy data file is invalid",
			badBundle + "/data.json:", "thresholds.c8.critical_hdi_below: want at most hdi_below (0.8), got 0.85"}},
		"tampered bundle": {path: tamper(t, signed), key: key,
			err: []string{"data.json: digest mismatch", "the bundle was changed after it was signed"}},
		"wrong key":             {path: signed, key: otherKey, err: []string{"the signature does not verify with " + other}},
		"signed bundle, no key": {path: signed, err: []string{"is signed"}},
		"unsigned with a key":   {path: unsigned, key: key, err: []string{"refusing an unsigned bundle"}},
		"missing directory":     {path: filepath.Join(dir, "nope"), err: []string{"load policies: stat "}},
		"missing bundle":        {path: filepath.Join(dir, "nope.tar.gz"), err: []string{"no such file"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ps, err := policy.Load(tc.path, tc.key)
			if len(tc.err) > 0 {
				if err == nil {
					t.Fatalf("loaded %s, want an error", ps.Source)
				}
				for _, want := range tc.err {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error lacks %q:\n%v", want, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ps.Source != tc.source {
				t.Errorf("source %q, want %q", ps.Source, tc.source)
			}
			if tc.revision != "" && ps.Revision != tc.revision {
				t.Errorf("revision %s, want %s", ps.Revision, tc.revision)
			}
		})
	}
}

func TestFS(t *testing.T) {
	ps, err := policy.FS(policyFiles(t, shipped, edited), "policies (working tree)", "policies")
	if err != nil {
		t.Fatal(err)
	}
	if ps.Source != "policies (working tree)" {
		t.Errorf("source %q", ps.Source)
	}
	_, err = policy.FS(policyFiles(t, shipped, looser), "policies at git HEAD", "policies@HEAD")
	if err == nil || !strings.Contains(err.Error(), "policies@HEAD/data.yaml:") {
		t.Errorf("bad data file: %v", err)
	}
	_, err = policy.FS(fstest.MapFS{"x.rego": {Data: []byte("package x\n\ny := 1\n")}}, "no data", "nodata")
	if err == nil || !strings.Contains(err.Error(), "nodata: no data file: want data.yaml") {
		t.Errorf("no data file: %v", err)
	}
}

package bundle_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/engine/policy/bundle/bundletest"
	"github.com/exportrisk/exportrisk/indicators"
)

func build(t *testing.T, opts bundle.BuildOptions) string {
	t.Helper()
	data, _, err := bundle.Build(embeddedFiles(t), "embedded", opts)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "policies.tar.gz")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// embeddedFiles are the evaluated files of the embedded policies.
func embeddedFiles(t *testing.T) map[string][]byte {
	t.Helper()
	ps, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return ps.Files
}

func key(t *testing.T, file string) *bundle.Key {
	t.Helper()
	k, err := bundle.LoadVerificationKey(file)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestBuildAndLoad: a bundle holds the evaluated files (no tests, data as data.json), its
// manifest names revision and roots, it loads into a policy set whose revision is the
// digest over those files, and the engine assesses with it as with the directory.
func TestBuildAndLoad(t *testing.T) {
	k := bundletest.Write(t)
	file := build(t, bundle.BuildOptions{Revision: "2026.07-test", SigningKey: k.RSAPriv})
	vk := key(t, k.RSAPub)
	ps, err := policy.Load(file, vk)
	if err != nil {
		t.Fatal(err)
	}
	info, err := bundle.ReadFile(file, vk)
	if err != nil {
		t.Fatal(err)
	}
	if info.Revision != "2026.07-test" || !info.Signed || !info.Verified || info.Algorithm != "RS256" || info.KeyID != bundle.KeyID {
		t.Errorf("info: %+v", info)
	}
	if got, want := strings.Join(info.Roots, ","), "criteria,labels,lib,main,thresholds"; got != want {
		t.Errorf("roots %s, want %s", got, want)
	}
	if ps.Revision != info.PolicyRevision || !strings.HasPrefix(ps.Revision, "sha256:") {
		t.Errorf("policy set revision %s, info %s", ps.Revision, info.PolicyRevision)
	}
	if !strings.Contains(ps.Source, "manifest revision 2026.07-test, signature verified") {
		t.Errorf("source %q", ps.Source)
	}
	var names []string
	for _, f := range info.Files {
		names = append(names, f.Path)
		if strings.HasSuffix(f.Path, "_test.rego") {
			t.Errorf("bundle holds test file %s", f.Path)
		}
	}
	for _, want := range []string{"data.json", ".manifest", ".signatures.json", "main/main.rego", "criteria/c8/c8.rego"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("bundle lacks %s: %v", want, names)
		}
	}
	if _, ok := ps.Files["data.json"]; !ok {
		t.Errorf("policy set files lack data.json: the audit log would not archive the data")
	}

	e, err := engine.New(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e0, err := engine.New(context.Background(), embedded)
	if err != nil {
		t.Fatal(err)
	}
	b, err := indicators.LoadFile("../../../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r1A, err := e.Assess(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	r1 := r1A.Result
	r0A, err := e0.Assess(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	r0 := r0A.Result
	if r1.PolicyRevision != ps.Revision {
		t.Errorf("result revision %s, want the bundle's %s", r1.PolicyRevision, ps.Revision)
	}
	r1.PolicyRevision = r0.PolicyRevision
	if got, want := verdicts(r1), verdicts(r0); got != want {
		t.Errorf("bundle verdicts %s, embedded %s", got, want)
	}
}

func verdicts(r *engine.Result) string {
	var s []string
	for _, c := range r.Criteria {
		s = append(s, c.Verdict)
	}
	return r.Overall + " " + strings.Join(s, " ")
}

// TestDefaultRevisionIsDigest: without --revision the manifest revision is the policy
// revision, and building twice gives the same bytes.
func TestDefaultRevisionIsDigest(t *testing.T) {
	a, info, err := bundle.Build(embeddedFiles(t), "embedded", bundle.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := bundle.Build(embeddedFiles(t), "embedded", bundle.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Revision != info.PolicyRevision {
		t.Errorf("manifest revision %s, want the policy revision %s", info.Revision, info.PolicyRevision)
	}
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same policies differ")
	}
}

// TestRefused covers what must never load: tampered bundles, a wrong key, an unsigned
// bundle when a key is configured, a signed bundle without a key.
func TestRefused(t *testing.T) {
	k := bundletest.Write(t)
	signed := build(t, bundle.BuildOptions{Revision: "r1", SigningKey: k.RSAPriv})
	unsigned := build(t, bundle.BuildOptions{Revision: "r1"})
	tests := map[string]struct {
		file string
		key  string
		want string
	}{
		"rego changed after signing":     {file: tamper(t, signed, "criteria/c8/c8.rego"), key: k.RSAPub, want: "criteria/c8/c8.rego: digest mismatch"},
		"data changed after signing":     {file: tamper(t, signed, "data.json"), key: k.RSAPub, want: "data.json: digest mismatch"},
		"manifest changed after signing": {file: tamper(t, signed, ".manifest"), key: k.RSAPub, want: ".manifest: digest mismatch"},
		"file added after signing":       {file: addFile(t, signed, "lib/extra.rego", "package lib.extra\n"), key: k.RSAPub, want: "lib/extra.rego not included in bundle signature"},
		"wrong key":                      {file: signed, key: k.OtherPub, want: "failed to verify JWT signature"},
		"EC key for an RSA signature":    {file: signed, key: k.ECPub, want: "the signature does not verify"},
		"unsigned with a key":            {file: unsigned, key: k.RSAPub, want: "is not signed, and a verification key is configured"},
		"signed without a key":           {file: signed, want: "is signed"},
		"unsigned changed after build":   {file: tamper(t, unsigned, "criteria/c2/c2.rego"), want: "the bundle was changed after it was built"},
		"not a bundle":                   {file: "bundle.go", want: "not a .tar.gz file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var vk *bundle.Key
			if tc.key != "" {
				vk = key(t, tc.key)
			}
			_, err := policy.Load(tc.file, vk)
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestAlgorithms signs and verifies with each supported kind of key.
func TestAlgorithms(t *testing.T) {
	k := bundletest.Write(t)
	tests := map[string]struct{ sign, alg, verify, wantAlg string }{
		"RS256":            {sign: k.RSAPriv, verify: k.RSAPub, wantAlg: "RS256"},
		"ES256":            {sign: k.ECPriv, verify: k.ECPub, wantAlg: "ES256"},
		"HS256":            {sign: bundle.HMACPrefix + k.Secret, verify: bundle.HMACPrefix + k.Secret, wantAlg: "HS256"},
		"HS256 by alg":     {sign: k.Secret, alg: "HS256", verify: bundle.HMACPrefix + k.Secret, wantAlg: "HS256"},
		"RS256 explicit":   {sign: k.RSAPriv, alg: "RS256", verify: k.RSAPub, wantAlg: "RS256"},
		"private verifies": {sign: k.ECPriv, verify: k.ECPriv, wantAlg: "ES256"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			file := build(t, bundle.BuildOptions{SigningKey: tc.sign, SigningAlg: tc.alg})
			info, err := bundle.ReadFile(file, key(t, tc.verify))
			if err != nil {
				t.Fatal(err)
			}
			if info.Algorithm != tc.wantAlg || !info.Verified {
				t.Errorf("algorithm %s verified %v, want %s", info.Algorithm, info.Verified, tc.wantAlg)
			}
		})
	}
	if _, _, err := bundle.Build(embeddedFiles(t), "embedded", bundle.BuildOptions{SigningKey: k.RSAPriv, SigningAlg: "ES256"}); err == nil {
		t.Error("built with ES256 and an RSA key")
	}
	// An HMAC secret never verifies an RSA signature (no algorithm confusion).
	file := build(t, bundle.BuildOptions{SigningKey: k.RSAPriv})
	if _, err := bundle.ReadFile(file, key(t, bundle.HMACPrefix+k.Secret)); err == nil {
		t.Error("an RSA-signed bundle verified with an HMAC secret")
	}
}

// tamper copies a bundle, changing one byte of one file inside.
func tamper(t *testing.T, file, name string) string {
	t.Helper()
	return bundletest.Rewrite(t, file, func(path string, data []byte) []byte {
		if path != name {
			return data
		}
		out := bytes.Clone(data)
		i := bytes.IndexByte(out, '2') // a digit in a threshold, a version, a revision
		if i < 0 {
			i = len(out) / 2
		}
		out[i] = '3'
		return out
	}, nil)
}

func addFile(t *testing.T, file, name, content string) string {
	t.Helper()
	return bundletest.Rewrite(t, file, func(_ string, data []byte) []byte { return data }, map[string]string{name: content})
}

// TestKeyMustFitAlgorithm: a verification key that is not PEM (an OpenSSH or DER public
// key) is refused rather than used as an HMAC secret, which would let anyone holding the
// public key sign; HMAC needs hmac:FILE; a public key is never a secret.
func TestKeyMustFitAlgorithm(t *testing.T) {
	k := bundletest.Write(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ssh := write("id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example\n")
	der := write("key.der", "0\x82\x01\"0\r\x06\t*\x86H\x86\xf7\r\x01\x01\x01\x05\x00")
	short := write("short.secret", "letmein")
	tests := map[string]struct{ key, want string }{
		"OpenSSH public key":    {ssh, "not a PEM key (this is an OpenSSH public key)"},
		"DER public key":        {der, "not a PEM key (this is binary data (a DER key?))"},
		"unmarked secret":       {k.Secret, "an HMAC secret is accepted only when marked as one (hmac:FILE)"},
		"public key as secret":  {bundle.HMACPrefix + k.RSAPub, "a public key must never be an HMAC secret"},
		"OpenSSH key as secret": {bundle.HMACPrefix + ssh, "this is an OpenSSH public key, not a secret"},
		"short secret":          {bundle.HMACPrefix + short, "at least 32 characters"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := bundle.LoadVerificationKey(tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, _, err := bundle.Build(embeddedFiles(t), "embedded", bundle.BuildOptions{SigningKey: k.RSAPub, SigningAlg: "HS256"}); err == nil {
		t.Error("signed HS256 with a public key as the secret")
	}
}

func TestCompareRevisions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
		ok   bool
	}{
		{"2026.07-c8-hdi-0.6", "2026.07-c8-hdi-0.6", 0, true},
		{"2026.9", "2026.10", -1, true},
		{"2026.10", "2026.9", 1, true},
		{"2026.07", "2026.07-hotfix", -1, true},
		{"2026.07-b", "2026.07-a", 1, true},
		{"0042", "42", 0, true},
		{"7", "12", -1, true},
		{"sha256:ab", "2026.07", 0, false},
		{"2026.07", "", 0, false},
	}
	for _, tt := range tests {
		got, ok := bundle.CompareRevisions(tt.a, tt.b)
		if got != tt.want || ok != tt.ok {
			t.Errorf("bundle.CompareRevisions(%q, %q) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

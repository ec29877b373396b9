// Package bundletest makes signing keys and altered copies of bundles for tests of policy
// bundles.
package bundletest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Keys are PEM files in a test's temporary directory.
type Keys struct {
	RSAPriv, RSAPub string // an RSA key pair (RS256)
	OtherPub        string // the public key of another RSA pair: verifies nothing signed here
	ECPriv, ECPub   string // a P-256 key pair (ES256)
	Secret          string // an HMAC secret (HS256)
}

// Write generates fresh keys and writes them to t.TempDir().
func Write(t testing.TB) Keys {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	must := func(der []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("a shared secret of policy staff, 48 characters\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return Keys{
		RSAPriv:  write("rsa.pem", "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(rsaKey))),
		RSAPub:   write("rsa.pub.pem", "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey))),
		OtherPub: write("other.pub.pem", "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&other.PublicKey))),
		ECPriv:   write("ec.pem", "EC PRIVATE KEY", must(x509.MarshalECPrivateKey(ecKey))),
		ECPub:    write("ec.pub.pem", "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&ecKey.PublicKey))),
		Secret:   secret,
	}
}

// Rewrite copies the bundle file (a .tar.gz) into t.TempDir(), passing every file through change
// (name without the leading slash, content) and adding the files of add; it returns the copy's path.
func Rewrite(t testing.TB, file string, change func(string, []byte) []byte, add map[string]string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gw)
	put := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: "/" + name, Mode: 0o600, Typeflag: tar.TypeReg, Size: int64(len(b))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "/")
		put(name, change(name, b))
	}
	for name, content := range add {
		put(name, []byte(content))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tampered.tar.gz")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// Package bundletest makes signing keys for tests of policy bundles.
package bundletest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
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
	if err := os.WriteFile(secret, []byte("a shared secret of policy staff\n"), 0o600); err != nil {
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

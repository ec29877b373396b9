package policybundle

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

// Key is a key that verifies bundle signatures: a public key (PEM) or an HMAC secret.
type Key struct {
	Source string // where it came from (a file name), for messages
	Alg    string // the JWS algorithm it verifies: from the key's type, never from the bundle
	data   string // PEM of the public key, or the secret
}

// LoadVerificationKey reads a verification key from a file (or PEM text): a public key
// ("PUBLIC KEY", "RSA PUBLIC KEY", a certificate) verifies RS256 or ES256/384/512
// signatures; a private key is accepted and its public half used; anything else is an
// HMAC secret (HS256). The algorithm comes from the key, not from the bundle, so a bundle
// cannot choose how it is checked.
func LoadVerificationKey(pathOrPEM string) (*Key, error) {
	data, err := readKey(pathOrPEM)
	if err != nil {
		return nil, fmt.Errorf("verification key: %w", err)
	}
	k, err := verificationKeyFor(data, "")
	if err != nil {
		return nil, fmt.Errorf("verification key %s: %w", source(pathOrPEM), err)
	}
	k.Source = source(pathOrPEM)
	return k, nil
}

func source(pathOrPEM string) string {
	if strings.HasPrefix(pathOrPEM, "-----BEGIN") {
		return "the PEM key given"
	}
	return pathOrPEM
}

// readKey returns PEM text as is, else the content of the file it names.
func readKey(pathOrPEM string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(pathOrPEM), "-----BEGIN") {
		return pathOrPEM, nil
	}
	b, err := os.ReadFile(pathOrPEM)
	if err != nil {
		return "", err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "", fmt.Errorf("%s is empty", pathOrPEM)
	}
	return string(b), nil
}

// verificationKeyFor derives the verification key of a signing key (or a public key, or
// a secret). alg, if given, must fit the key.
func verificationKeyFor(data, alg string) (*Key, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil {
		if alg != "" && !strings.HasPrefix(alg, "HS") {
			return nil, fmt.Errorf("%s needs a PEM key; this looks like a secret (HS256)", alg)
		}
		if alg == "" {
			alg = "HS256"
		}
		return &Key{Alg: alg, data: data}, nil
	}
	pub, err := publicKey(block)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	keyAlg, err := algFor(pub)
	if err != nil {
		return nil, err
	}
	if alg == "" {
		alg = keyAlg
	} else if alg[:2] != keyAlg[:2] {
		return nil, fmt.Errorf("algorithm %s does not fit the key (%s)", alg, keyAlg)
	}
	return &Key{Alg: alg, data: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}, nil
}

// publicKey returns the public key of a PEM block holding a public key, a certificate
// or a private key.
func publicKey(block *pem.Block) (crypto.PublicKey, error) {
	switch block.Type {
	case "PUBLIC KEY":
		return x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		return c.PublicKey, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		return k.Public(), nil
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		return k.Public(), nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", k)
		}
		return s.Public(), nil
	}
	return nil, fmt.Errorf("unsupported PEM block %q (want a public key, a certificate or a private key)", block.Type)
}

func algFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RS256", nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ES256", nil
		case elliptic.P384():
			return "ES384", nil
		case elliptic.P521():
			return "ES512", nil
		}
		return "", fmt.Errorf("unsupported elliptic curve %s", k.Curve.Params().Name)
	}
	return "", fmt.Errorf("unsupported key type %T (want RSA or ECDSA)", pub)
}

// signingAlg is the algorithm that fits a signing key.
func signingAlg(key string) (string, error) {
	k, err := verificationKeyFor(key, "")
	if err != nil {
		return "", err
	}
	return k.Alg, nil
}

// describeSignature fills the signature fields of info from .signatures.json, without
// verifying anything.
func describeSignature(info *Info, data []byte) {
	var sc struct {
		Signatures []string `json:"signatures"`
	}
	if json.Unmarshal(data, &sc) != nil || len(sc.Signatures) == 0 {
		return
	}
	parts := strings.Split(sc.Signatures[0], ".")
	if len(parts) != 3 {
		return
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var payload struct {
		Files []json.RawMessage `json:"files"`
		KeyID string            `json:"keyid"`
	}
	if b, err := base64.RawURLEncoding.DecodeString(parts[0]); err == nil {
		_ = json.Unmarshal(b, &header)
	}
	if b, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
		_ = json.Unmarshal(b, &payload)
	}
	info.Algorithm, info.KeyID, info.SignedFiles = header.Alg, header.Kid, len(payload.Files)
	if info.KeyID == "" {
		info.KeyID = payload.KeyID
	}
}

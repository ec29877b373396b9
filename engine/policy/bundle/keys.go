package bundle

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

// HMACPrefix marks a key setting as an HMAC secret file: hmac:/etc/exportrisk/policy.secret.
// Without it only PEM keys are accepted, so that a public key in another format (OpenSSH,
// DER) is never taken for a secret: anyone holding the public key could then sign.
const HMACPrefix = "hmac:"

// LoadVerificationKey reads a verification key from a file (or PEM text): a public key
// ("PUBLIC KEY", "RSA PUBLIC KEY", a certificate) verifies RS256 or ES256/384/512
// signatures; a private key is accepted and its public half used; "hmac:FILE" is an HMAC
// secret (HS256). Anything else is refused. The algorithm comes from the key, not from the
// bundle, so a bundle cannot choose how it is checked.
func LoadVerificationKey(pathOrPEM string) (*Key, error) {
	if file, ok := strings.CutPrefix(pathOrPEM, HMACPrefix); ok {
		data, err := readKey(file)
		if err != nil {
			return nil, fmt.Errorf("verification key: %w", err)
		}
		if err := checkSecret(data); err != nil {
			return nil, fmt.Errorf("verification key %s: %w", file, err)
		}
		return &Key{Source: file, Alg: "HS256", data: data}, nil
	}
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

// checkSecret refuses an HMAC secret that is a public key in some format, or too short.
func checkSecret(data string) error {
	if what := notPEM(data); what != "" && what != "text" {
		return fmt.Errorf("this is %s, not a secret: a public key must never be an HMAC secret (anyone who has it could sign)", what)
	}
	if block, _ := pem.Decode([]byte(data)); block != nil {
		return fmt.Errorf("this is a PEM %s, not a secret: a public key must never be an HMAC secret (anyone who has it could sign)", block.Type)
	}
	if len(strings.TrimSpace(data)) < 32 {
		return fmt.Errorf("an HMAC secret needs at least 32 characters (got %d)", len(strings.TrimSpace(data)))
	}
	return nil
}

// notPEM names what non-PEM key data looks like: an OpenSSH public key, binary (DER)
// data, or "text".
func notPEM(data string) string {
	t := strings.TrimSpace(data)
	for _, p := range []string{"ssh-rsa ", "ssh-ed25519 ", "ssh-dss ", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"} {
		if strings.HasPrefix(t, p) {
			return "an OpenSSH public key"
		}
	}
	if strings.HasPrefix(t, "---- BEGIN SSH2 PUBLIC KEY") {
		return "an SSH2 public key"
	}
	for _, c := range []byte(t) {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x80 {
			return "binary data (a DER key?)"
		}
	}
	return "text"
}

// verificationKeyFor derives the verification key of a signing key (or a public key).
// alg, if given, must fit the key; data that is not PEM is an HMAC secret only when alg
// says so (HS256, HS384, HS512).
func verificationKeyFor(data, alg string) (*Key, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil {
		if !strings.HasPrefix(alg, "HS") {
			if alg != "" {
				return nil, fmt.Errorf("%s needs a PEM key; this is %s", alg, notPEM(data))
			}
			return nil, fmt.Errorf("not a PEM key (this is %s); a public key must be PEM (PUBLIC KEY, RSA PUBLIC KEY or a certificate), "+
				"and an HMAC secret is accepted only when marked as one (%sFILE)", notPEM(data), HMACPrefix)
		}
		if err := checkSecret(data); err != nil {
			return nil, err
		}
		return &Key{Alg: alg, data: data}, nil
	}
	if strings.HasPrefix(alg, "HS") {
		return nil, fmt.Errorf("algorithm %s needs a secret, not a PEM %s", alg, block.Type)
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

// CompareRevisions orders two manifest revisions for rollback protection: revisions that
// start with a digit ("2026.07-c8-hdi-0.6", "42") compare piece by piece, runs of digits
// as numbers and the rest as text, so 2026.10 is newer than 2026.9. It returns -1, 0 or +1
// and ok; ok is false when either revision does not start with a digit (a digest has no
// order).
func CompareRevisions(a, b string) (int, bool) {
	digit := func(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }
	if !digit(a) || !digit(b) {
		return 0, false
	}
	for a != "" && b != "" {
		pa, pb := piece(a), piece(b)
		a, b = a[len(pa):], b[len(pb):]
		if digit(pa) && digit(pb) {
			na, nb := strings.TrimLeft(pa, "0"), strings.TrimLeft(pb, "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb)), true
			}
			pa, pb = na, nb
		}
		if c := strings.Compare(pa, pb); c != 0 {
			return c, true
		}
	}
	return cmpInt(len(a), len(b)), true
}

// piece is the leading run of digits, or of other characters, of s.
func piece(s string) string {
	isDigit := s[0] >= '0' && s[0] <= '9'
	i := 1
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') == isDigit {
		i++
	}
	return s[:i]
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

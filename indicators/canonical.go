package indicators

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// CanonicalJSON encodes the bundle as canonical JSON: object keys sorted at every level,
// no insignificant white space, no HTML escaping, numbers in Go's shortest form. Two
// bundles with the same content have the same canonical JSON, whatever file format or
// key order they were written in.
func (b *Bundle) CanonicalJSON() ([]byte, error) {
	return Canonicalize(b)
}

// canonicalReference is the plain definition of the canonical encoding: encode, decode
// into maps (numbers kept as written), encode again. Canonicalize gives the same bytes faster.
func canonicalReference(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(generic); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Digest returns "sha256:<hex>" over data.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Digest returns the digest of the bundle's canonical JSON.
func (b *Bundle) Digest() (string, error) {
	c, err := b.CanonicalJSON()
	if err != nil {
		return "", err
	}
	return Digest(c), nil
}

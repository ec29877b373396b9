// Package bundle builds, reads and verifies policy bundles: the evaluated policy
// files (Rego modules without tests, and the policy data as data.json) packed as an OPA
// bundle (.tar.gz with a .manifest that names the revision and the roots, and optionally
// a .signatures.json signed with OPA's bundle signing).
//
// A bundle loads into a policy.Set (engine/policy.Load) over the bundle's files, so its
// policy revision is the same digest over the evaluated files (engine/policy/policyfile)
// as for a directory, and the audit log archives exactly those files for replay. The manifest
// records that digest (metadata policy_revision) so that a bundle changed after it was
// built is refused even when it is not signed.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
)

// KeyID is the key id under which bundles are signed and verified.
const KeyID = "exportrisk"

// MetadataKey is the manifest metadata entry this package writes.
const MetadataKey = "exportrisk"

// MaxSize is the largest bundle file read.
const MaxSize = 64 << 20

// BuildOptions say how to build a bundle.
type BuildOptions struct {
	// Revision is the manifest revision; empty means the policy revision (the digest).
	Revision string
	// SigningKey is a private key (PEM) or an HMAC secret, as a file path or PEM text;
	// empty builds an unsigned bundle.
	SigningKey string
	// SigningAlg is RS256, ES256, HS256 (or another JWS algorithm OPA supports); empty
	// means the one that fits the key.
	SigningAlg string
}

// Info describes a bundle.
type Info struct {
	Revision       string   // manifest revision
	Roots          []string // manifest roots
	PolicyRevision string   // digest over the evaluated files, as results record it
	Files          []File   // every file in the archive, in archive order
	Signed         bool     // has a .signatures.json
	KeyID          string   // the signature's key id (header kid or keyid claim)
	Algorithm      string   // the signature's algorithm (JWS header)
	SignedFiles    int      // how many files the signature covers
	Verified       bool     // the signature was verified with a key
}

// SignedError is a signed bundle read without a verification key: it is refused, since
// it can only be trusted with its key.
type SignedError struct{ File string }

func (e *SignedError) Error() string { return fmt.Sprintf("policy bundle %s is signed", e.File) }

// KeyError is a signing key that cannot be read or does not fit the algorithm.
type KeyError struct{ Err error }

func (e *KeyError) Error() string { return e.Err.Error() }
func (e *KeyError) Unwrap() error { return e.Err }

// File is one file in a bundle archive.
type File struct {
	Path string
	Size int
}

// Build packs the evaluated files of a loaded policy set (policy.Set.Files: no tests) into
// a bundle; source names the policies in messages.
func Build(files map[string][]byte, source string, opts BuildOptions) ([]byte, *Info, error) {
	b, err := fromFiles(files)
	if err != nil {
		return nil, nil, fmt.Errorf("build bundle from %s: %w", source, err)
	}
	// The digest is over the files as the bundle holds them (data as data.json), so
	// write once to learn it, then record it in the manifest.
	draft, err := write(b)
	if err != nil {
		return nil, nil, fmt.Errorf("build bundle from %s: %w", source, err)
	}
	packed, _, err := readFiles(draft, "draft bundle", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("build bundle from %s: read back: %w", source, err)
	}
	digest, err := policyRevision(packed, source)
	if err != nil {
		return nil, nil, fmt.Errorf("build bundle from %s: %w", source, err)
	}
	b.Manifest.Revision = opts.Revision
	if b.Manifest.Revision == "" {
		b.Manifest.Revision = digest
	}
	b.Manifest.Metadata = map[string]any{MetadataKey: map[string]any{"policy_revision": digest}}
	var verify *Key
	if opts.SigningKey != "" {
		alg := opts.SigningAlg
		if file, ok := strings.CutPrefix(opts.SigningKey, HMACPrefix); ok {
			opts.SigningKey = file
			if alg == "" {
				alg = "HS256"
			}
		}
		key, err := readKey(opts.SigningKey)
		if err != nil {
			return nil, nil, &KeyError{fmt.Errorf("build bundle: signing key: %w", err)}
		}
		if alg == "" {
			if alg, err = signingAlg(key); err != nil {
				return nil, nil, &KeyError{fmt.Errorf("build bundle: signing key %s: %w", opts.SigningKey, err)}
			}
		}
		if err := b.GenerateSignature(bundle.NewSigningConfig(opts.SigningKey, alg, ""), KeyID, true); err != nil {
			return nil, nil, &KeyError{fmt.Errorf("build bundle: sign with %s (%s): %w", opts.SigningKey, alg, err)}
		}
		if verify, err = verificationKeyFor(key, alg); err != nil {
			return nil, nil, &KeyError{fmt.Errorf("build bundle: signing key %s: %w", opts.SigningKey, err)}
		}
		verify.Source = "the signing key"
	}
	out, err := write(b)
	if err != nil {
		return nil, nil, fmt.Errorf("build bundle from %s: %w", source, err)
	}
	// Read the result back as a user of the bundle would, signature included.
	_, info, err := Read(out, "built bundle", verify)
	if err != nil {
		return nil, nil, fmt.Errorf("build bundle from %s: the bundle does not read back: %w", source, err)
	}
	return out, info, nil
}

// fromFiles makes an OPA bundle of evaluated policy files: modules by path, data files
// merged into the data document at their directory.
func fromFiles(files map[string][]byte) (*bundle.Bundle, error) {
	b := &bundle.Bundle{Data: map[string]any{}}
	roots := map[string]bool{}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		src := files[n]
		if strings.HasSuffix(n, ".rego") {
			m, err := ast.ParseModuleWithOpts(n, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
			if err != nil {
				return nil, err
			}
			b.Modules = append(b.Modules, bundle.ModuleFile{URL: "/" + n, Path: "/" + n, Raw: src, Parsed: m})
			if root, ok := m.Package.Path[1].Value.(ast.String); ok {
				roots[string(root)] = true
			}
			continue
		}
		var v any
		if err := util.Unmarshal(src, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		doc, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: want an object at the top level", n)
		}
		at := b.Data
		if dir := path.Dir(n); dir != "." {
			for seg := range strings.SplitSeq(dir, "/") {
				next, ok := at[seg].(map[string]any)
				if !ok {
					if at[seg] != nil {
						return nil, fmt.Errorf("%s: data at %s conflicts with other data", n, dir)
					}
					next = map[string]any{}
					at[seg] = next
				}
				at = next
			}
		}
		if err := merge(at, doc, n); err != nil {
			return nil, err
		}
	}
	for k := range b.Data {
		roots[k] = true
	}
	list := make([]string, 0, len(roots))
	for r := range roots {
		list = append(list, r)
	}
	sort.Strings(list)
	b.Manifest.Roots = &list
	b.Manifest.SetRegoVersion(ast.RegoV1)
	return b, nil
}

func merge(into, from map[string]any, file string) error {
	for k, v := range from {
		old, exists := into[k]
		if !exists {
			into[k] = v
			continue
		}
		om, ok1 := old.(map[string]any)
		nm, ok2 := v.(map[string]any)
		if !ok1 || !ok2 {
			return fmt.Errorf("%s: key %s is also defined by another data file", file, k)
		}
		if err := merge(om, nm, file); err != nil {
			return err
		}
	}
	return nil
}

func write(b *bundle.Bundle) ([]byte, error) {
	var buf bytes.Buffer
	if err := bundle.NewWriter(&buf).UseModulePath(true).DisableFormat(true).Write(*b); err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	return buf.Bytes(), nil
}

// Read reads a bundle and describes it. With a key it verifies the signature and
// refuses an unsigned bundle; without one it does not check the signature.
func Read(data []byte, name string, key *Key) (map[string][]byte, *Info, error) {
	files, b, err := readFiles(data, name, key)
	if err != nil {
		return nil, nil, err
	}
	entries, err := archiveEntries(data)
	if err != nil {
		return nil, nil, fmt.Errorf("policy bundle %s: %w", name, err)
	}
	info := &Info{Revision: b.Manifest.Revision, Verified: key != nil}
	if b.Manifest.Roots != nil {
		info.Roots = append(info.Roots, *b.Manifest.Roots...)
	}
	for _, e := range entries {
		info.Files = append(info.Files, File{Path: e.path, Size: len(e.data)})
		if bundle.IsSignaturesFile(e.path) {
			info.Signed = true
			describeSignature(info, e.data)
		}
	}
	if info.PolicyRevision, err = policyRevision(files, name); err != nil {
		return nil, nil, err
	}
	if meta, ok := b.Manifest.Metadata[MetadataKey].(map[string]any); ok {
		if want, _ := meta["policy_revision"].(string); want != "" && want != info.PolicyRevision {
			return nil, nil, fmt.Errorf("policy bundle %s: the manifest records policy revision %s but the files give %s: "+
				"the bundle was changed after it was built; refusing it", name, want, info.PolicyRevision)
		}
	}
	return files, info, nil
}

// readFiles reads the evaluated files of a bundle (modules and data files, by path
// without a leading slash), verifying the signature when key is given.
func readFiles(data []byte, name string, key *Key) (map[string][]byte, *bundle.Bundle, error) {
	if len(data) > MaxSize {
		return nil, nil, fmt.Errorf("policy bundle %s: larger than %d bytes", name, MaxSize)
	}
	entries, err := archiveEntries(data)
	if err != nil {
		return nil, nil, fmt.Errorf("policy bundle %s: %w", name, err)
	}
	signed := false
	for _, e := range entries {
		signed = signed || bundle.IsSignaturesFile(e.path)
	}
	r := bundle.NewReader(bytes.NewReader(data)).
		WithLazyLoadingMode(true).
		WithRegoVersion(ast.RegoV1).
		WithProcessAnnotations(true)
	switch {
	case key == nil:
		r = r.WithSkipBundleVerification(true)
	case !signed:
		return nil, nil, fmt.Errorf("policy bundle %s is not signed, and a verification key is configured: refusing an unsigned bundle", name)
	default:
		vc := bundle.NewVerificationConfig(map[string]*bundle.KeyConfig{KeyID: {Key: key.data, Algorithm: key.Alg}}, KeyID, "", nil)
		r = r.WithBundleVerificationConfig(vc)
	}
	b, err := r.Read()
	if err != nil {
		if key != nil && signed {
			return nil, nil, fmt.Errorf("policy bundle %s: the signature does not verify with %s (%s): %v: "+
				"the bundle was changed after it was signed, or signed with another key; refusing it", name, key.Source, key.Alg, err)
		}
		return nil, nil, fmt.Errorf("policy bundle %s: %w", name, err)
	}
	if len(b.WasmModules) > 0 || len(b.PlanModules) > 0 || len(b.Wasm) > 0 {
		return nil, nil, fmt.Errorf("policy bundle %s: holds Wasm or plan modules, which exportrisk does not evaluate", name)
	}
	files := map[string][]byte{}
	for _, raw := range b.Raw {
		files[strings.TrimPrefix(raw.Path, "/")] = raw.Value
	}
	return files, &b, nil
}

// policyRevision is the digest over the evaluated files of a bundle, as a policy set of
// them has it.
func policyRevision(files map[string][]byte, name string) (string, error) {
	evaluated := map[string][]byte{}
	for p, b := range files {
		if policyfile.Evaluated(p) {
			evaluated[p] = b
		}
	}
	if len(evaluated) == 0 {
		return "", fmt.Errorf("load policies from %s: no .rego files", name)
	}
	return policyfile.Revision(evaluated), nil
}

// Open reads a bundle file: its files by path (evaluated or not) and its description.
// With a key the signature must verify; without one a signed bundle is refused (it can
// only be trusted with its key) and an unsigned one is read.
func Open(file string, key *Key) (map[string][]byte, *Info, error) {
	data, err := readFile(file)
	if err != nil {
		return nil, nil, err
	}
	files, info, err := Read(data, file, key)
	if err != nil {
		return nil, nil, err
	}
	if info.Signed && key == nil {
		return nil, nil, &SignedError{File: file}
	}
	return files, info, nil
}

// Source is how a policy set loaded from the bundle file names where it came from: the
// file, its manifest revision and whether the signature was verified.
func (i *Info) Source(file string) string {
	state := "unsigned"
	if i.Verified {
		state = "signature verified"
	}
	return fmt.Sprintf("bundle %s (manifest revision %s, %s)", file, i.Revision, state)
}

func readFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("policy bundle: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("policy bundle %s: %w", file, err)
	}
	return data, nil
}

// ReadFile reads a bundle file and describes it, verifying the signature with key if given.
func ReadFile(file string, key *Key) (*Info, error) {
	data, err := readFile(file)
	if err != nil {
		return nil, err
	}
	_, info, err := Read(data, file, key)
	return info, err
}

// IsBundle reports whether a --policies value names a bundle file rather than a directory:
// a .tar.gz or .tgz name, or an existing regular file.
func IsBundle(p string) bool {
	if strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz") {
		return true
	}
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

type entry struct {
	path string
	data []byte
}

// archiveEntries lists the regular files of a .tar.gz, paths without a leading slash.
func archiveEntries(data []byte) ([]entry, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a .tar.gz file: %w", err)
	}
	tr := tar.NewReader(gz)
	var out []entry
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, MaxSize))
		if err != nil {
			return nil, fmt.Errorf("read archive: %s: %w", h.Name, err)
		}
		out = append(out, entry{path: strings.TrimPrefix(h.Name, "/"), data: b})
	}
}

package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/google/renameio/v2"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is what the log signs: the size of its Merkle tree and the root hash, in
// the C2SP tlog-checkpoint format (https://c2sp.org/tlog-checkpoint) as the body of a
// signed note (golang.org/x/mod/sumdb/note, Ed25519):
//
//	<origin>
//	<size, decimal>
//	<root hash, base64>
//
// The origin is the name of the log's key.
type Checkpoint struct {
	Origin string    `json:"origin"`
	Size   int64     `json:"size"`
	Root   tlog.Hash `json:"root"`
}

// Body returns the checkpoint's text.
func (c Checkpoint) Body() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// ParseCheckpoint reads a checkpoint body (extension lines after the root are allowed
// and ignored).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("checkpoint: want origin, size and root hash lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint: size: want a decimal number (got %q)", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint: root hash: want %d bytes in base64 (got %q)", tlog.HashSize, lines[2])
	}
	return Checkpoint{Origin: lines[0], Size: size, Root: tlog.Hash(root)}, nil
}

// GenerateKey makes a new Ed25519 log key named name (the checkpoints' origin): the
// private key, to sign, and the public key, to verify, in the text forms of
// golang.org/x/mod/sumdb/note.
func GenerateKey(name string) (private, public string, err error) {
	private, public, err = note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("generate log key %q: %w", name, err)
	}
	return private + "\n", public + "\n", nil
}

// Signer signs checkpoints with the log's private key.
type Signer struct {
	signer   note.Signer
	verifier note.Verifier // the matching public key, to read earlier checkpoints
}

// NewSigner reads a private key as GenerateKey writes it.
func NewSigner(private string) (*Signer, error) {
	private = strings.TrimSpace(private)
	s, err := note.NewSigner(private)
	if err != nil {
		return nil, fmt.Errorf("log signing key: %w", err)
	}
	// PRIVATE+KEY+<name>+<hash>+<base64(algorithm || seed)>
	fields := strings.SplitN(private, "+", 5) // the base64 may hold '+' too
	key, err := base64.StdEncoding.DecodeString(fields[len(fields)-1])
	if err != nil || len(key) != 1+ed25519.SeedSize {
		return nil, errors.New("log signing key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("log signing key: %w", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("log signing key: %w", err)
	}
	return &Signer{signer: s, verifier: v}, nil
}

// Name is the key's name, the origin of the checkpoints it signs.
func (s *Signer) Name() string { return s.signer.Name() }

// Verifier returns the public key matching the signer.
func (s *Signer) Verifier() note.Verifier { return s.verifier }

// NewVerifier reads a public key as GenerateKey writes it.
func NewVerifier(public string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(public))
	if err != nil {
		return nil, fmt.Errorf("log public key: %w", err)
	}
	return v, nil
}

// OpenCheckpoint checks a signed checkpoint against the log's public key and reads it.
// The errors say whether the signature is forged, made with another key, or missing,
// and whether the origin is not the key's name.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var invalid *note.InvalidSignatureError
		var unverified *note.UnverifiedNoteError
		switch {
		case errors.As(err, &invalid):
			return Checkpoint{}, fmt.Errorf("the signature of %s does not match the checkpoint: forged or altered", invalid.Name)
		case errors.As(err, &unverified):
			var by []string
			for _, s := range unverified.Note.UnverifiedSigs {
				by = append(by, fmt.Sprintf("%s (key hash %08x)", s.Name, s.Hash))
			}
			return Checkpoint{}, fmt.Errorf("not signed by the log key %s (key hash %08x); signed by %s", v.Name(), v.KeyHash(), strings.Join(by, ", "))
		}
		return Checkpoint{}, fmt.Errorf("not a signed checkpoint: %w", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("checkpoint origin %q is not the log key's name %q", c.Origin, v.Name())
	}
	return c, nil
}

// Current returns the checkpoint of the store's tree as it stands, unsigned, for the
// key named origin.
func Current(ctx context.Context, s Store, origin string) (Checkpoint, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	root, err := TreeRoot(ctx, s, head.Seq)
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Origin: origin, Size: head.Seq, Root: root}, nil
}

// Sign signs the store's current checkpoint. If witness is not "", it first checks the
// store's tree is a consistent extension of the newest checkpoint there (so the log
// never signs a rewritten or rewound tree), then adds the new checkpoint and the tiles
// of the tree to that directory. It returns the signed checkpoint.
func Sign(ctx context.Context, s Store, signer *Signer, witness string) ([]byte, Checkpoint, error) {
	cp, err := Current(ctx, s, signer.Name())
	if err != nil {
		return nil, Checkpoint{}, err
	}
	var prev *Checkpoint
	if witness != "" {
		latest, err := LatestCheckpoint(witness, signer.Verifier())
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, Checkpoint{}, err
		}
		if err == nil {
			prev = &latest.Checkpoint
			if err := CheckConsistent(ctx, s, latest.Checkpoint, cp); err != nil {
				return nil, Checkpoint{}, fmt.Errorf("sign checkpoint: the log is not a consistent extension of %s: %w", latest.Source, err)
			}
		}
	}
	signed, err := note.Sign(&note.Note{Text: cp.Body()}, signer.signer)
	if err != nil {
		return nil, Checkpoint{}, fmt.Errorf("sign checkpoint: %w", err)
	}
	if witness != "" {
		if err := writeWitness(ctx, s, witness, signed, cp, prev); err != nil {
			return nil, Checkpoint{}, err
		}
	}
	return signed, cp, nil
}

// CheckConsistent checks, with a consistency proof from the store's tree hashes, that
// the tree of checkpoint to extends the tree of checkpoint from.
func CheckConsistent(ctx context.Context, s Store, from, to Checkpoint) error {
	if to.Size < from.Size {
		return fmt.Errorf("the tree has %d records, fewer than the %d of the checkpoint: records were removed", to.Size, from.Size)
	}
	if err := extends(storeHashes{ctx, s}, to.Size, to.Root, from); err != nil {
		return fmt.Errorf("the first %d records are not those the checkpoint signed: %w", from.Size, err)
	}
	return nil
}

// extends checks with a tlog consistency proof that the tree of size records with root,
// whose hashes r reads, extends the tree a checkpoint signs (size <= the tree's).
func extends(r tlog.HashReader, size int64, root tlog.Hash, cp Checkpoint) error {
	if cp.Size == 0 { // every tree extends the empty one
		return nil
	}
	proof, err := tlog.ProveTree(size, cp.Size, r)
	if err != nil {
		return err
	}
	return tlog.CheckTree(proof, size, root, cp.Size, cp.Root)
}

// SignedCheckpoint is a signed checkpoint as read from a file.
type SignedCheckpoint struct {
	Source     string // the file
	Signed     []byte
	Checkpoint Checkpoint
}

// checkpointFile is the name of the witness file of a checkpoint of a size.
func checkpointFile(size int64) string { return fmt.Sprintf("checkpoint-%012d", size) }

// WitnessCheckpoints returns the paths of the checkpoint files in a witness directory,
// smallest tree first; an error wrapping fs.ErrNotExist if there is none.
func WitnessCheckpoints(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "checkpoint-*"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		if !strings.HasSuffix(m, ".tmp") {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("checkpoint directory %s: %w: no checkpoint-* file", dir, fs.ErrNotExist)
	}
	sort.Strings(out)
	return out, nil
}

// WitnessSources reads every checkpoint of a witness directory for Verify (with the
// directory's tiles); none is an error wrapping fs.ErrNotExist.
func WitnessSources(dir string) ([]CheckpointSource, error) {
	files, err := WitnessCheckpoints(dir)
	if err != nil {
		return nil, err
	}
	out := make([]CheckpointSource, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", f, err)
		}
		out[i] = CheckpointSource{Source: f, Signed: b, TileDir: dir}
	}
	return out, nil
}

// ReadCheckpoint reads and checks a signed checkpoint file.
func ReadCheckpoint(path string, v note.Verifier) (SignedCheckpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return SignedCheckpoint{}, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	c, err := OpenCheckpoint(b, v)
	if err != nil {
		return SignedCheckpoint{}, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return SignedCheckpoint{Source: path, Signed: b, Checkpoint: c}, nil
}

// LatestCheckpoint reads the checkpoint of the largest tree in a witness directory.
func LatestCheckpoint(dir string, v note.Verifier) (SignedCheckpoint, error) {
	files, err := WitnessCheckpoints(dir)
	if err != nil {
		return SignedCheckpoint{}, err
	}
	return ReadCheckpoint(files[len(files)-1], v)
}

// tileHeight is the height of the tiles written to a witness directory.
const tileHeight = 8

// writeWitness adds a signed checkpoint to a witness directory, with the tiles of the
// tree (tlog tiles, as the Go checksum database serves them) that the checkpoint
// authenticates: with them, Verify can name the records that changed since.
func writeWitness(ctx context.Context, s Store, dir string, signed []byte, cp Checkpoint, prev *Checkpoint) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checkpoint directory %s: %w", dir, err)
	}
	old := int64(0)
	if prev != nil {
		old = prev.Size
	}
	for _, t := range tlog.NewTiles(tileHeight, old, cp.Size) {
		data, err := tlog.ReadTileData(t, storeHashes{ctx, s})
		if err != nil {
			return fmt.Errorf("checkpoint directory %s: tile %s: %w", dir, t.Path(), err)
		}
		if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(t.Path())), data); err != nil {
			return fmt.Errorf("checkpoint directory %s: %w", dir, err)
		}
	}
	path := filepath.Join(dir, checkpointFile(cp.Size))
	if have, err := os.ReadFile(path); err == nil {
		if bytes.Equal(have, signed) { // Ed25519 signatures are deterministic
			return nil
		}
		return fmt.Errorf("checkpoint directory %s: %s holds another checkpoint of the same size", dir, path)
	}
	if err := writeFileAtomic(path, signed); err != nil {
		return fmt.Errorf("checkpoint directory %s: %w", dir, err)
	}
	return nil
}

// writeFileAtomic writes a file (and its directory) so that a reader sees the old content
// or the new, never part of it: renameio writes a synced temporary file and renames it.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return renameio.WriteFile(path, data, 0o644)
}

// dirTiles reads the tiles of a witness directory (tlog.TileReader).
type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return tileHeight }

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(filepath.Join(d.dir, filepath.FromSlash(t.Path())))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/mod/sumdb/note"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// logKeyEnv holds the log's private key itself (instead of audit.key_file).
const logKeyEnv = "EXPORTRISK_AUDIT_KEY"

// logSigner reads the log's private key: EXPORTRISK_AUDIT_KEY, else audit.key_file;
// nil if neither is set.
func logSigner(cfg *Config) (*audit.Signer, error) {
	text, from := os.Getenv(logKeyEnv), logKeyEnv
	if text == "" && cfg.Audit.KeyFile != "" {
		b, err := os.ReadFile(cfg.Audit.KeyFile)
		if err != nil {
			return nil, usageErrorf("audit.key_file: %v", err)
		}
		text, from = string(b), "audit.key_file "+cfg.Audit.KeyFile
	}
	if text == "" {
		return nil, nil
	}
	s, err := audit.NewSigner(text)
	if err != nil {
		return nil, usageErrorf("%s: %v", from, err)
	}
	return s, nil
}

// logVerifier reads the log's public key: --key, else audit.public_key_file, else the
// public half of the configured private key; nil if there is none.
func logVerifier(c *cli.Context, cfg *Config) (note.Verifier, error) {
	file, from := c.String("key"), "--key"
	if file == "" && cfg != nil {
		file, from = cfg.Audit.PublicKeyFile, "audit.public_key_file"
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usageErrorf("%s: %v", from, err)
		}
		v, err := audit.NewVerifier(string(b))
		if err != nil {
			return nil, usageErrorf("%s %s: %v", from, file, err)
		}
		return v, nil
	}
	if cfg == nil {
		return nil, nil
	}
	s, err := logSigner(cfg)
	if err != nil || s == nil {
		return nil, err
	}
	return s.Verifier(), nil
}

// checkpointSources reads --checkpoint files and directories and the configured
// checkpoint directory.
func checkpointSources(c *cli.Context, cfg *Config) ([]audit.CheckpointSource, error) {
	var out []audit.CheckpointSource
	for _, p := range c.StringSlice("checkpoint") {
		info, err := os.Stat(p)
		if err != nil {
			return nil, usageErrorf("checkpoint: %v", err)
		}
		if info.IsDir() {
			srcs, err := audit.WitnessSources(p)
			if err != nil {
				return nil, usageErrorf("checkpoint: %v", err)
			}
			out = append(out, srcs...)
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, usageErrorf("checkpoint: %v", err)
		}
		out = append(out, audit.CheckpointSource{Source: p, Signed: b, TileDir: filepath.Dir(p)})
	}
	if dir := cfg.Audit.CheckpointDir; dir != "" {
		srcs, err := audit.WitnessSources(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, usageErrorf("audit.checkpoint_dir: %v", err)
		}
		out = append(out, srcs...)
	}
	return out, nil
}

// verifyOptions are the checkpoints and the key audit verify checks the log against.
func verifyOptions(c *cli.Context, cfg *Config) (audit.VerifyOptions, error) {
	srcs, err := checkpointSources(c, cfg)
	if err != nil {
		return audit.VerifyOptions{}, err
	}
	key, err := logVerifier(c, cfg)
	if err != nil {
		return audit.VerifyOptions{}, err
	}
	if len(srcs) > 0 && key == nil {
		return audit.VerifyOptions{}, usageErrorf("checkpoint: no public key to check the signatures with; give --key FILE or set audit.public_key_file")
	}
	return audit.VerifyOptions{Checkpoints: srcs, Key: key}, nil
}

func auditInitCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "create the audit store (the only command that does); a store that is already there is left as it is",
		Flags: []cli.Flag{logFlag},
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			s, err := openStore(c.Context, cfg, true)
			if errors.Is(err, audit.ErrExists) {
				s, err = openStore(c.Context, cfg, false)
				if err != nil {
					return err
				}
				defer s.Close()
				h, err := s.Head(c.Context)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.App.Writer, "Audit store %s already exists (%d record(s)); left as it is.\n", s.Location(), h.Seq)
				return nil
			}
			if err != nil {
				return err
			}
			defer s.Close()
			fmt.Fprintf(c.App.Writer, "Created audit store %s (schema version %d).\n", s.Location(), audit.SchemaVersion)
			return s.Close()
		},
	}
}

func auditKeygenCommand() *cli.Command {
	return &cli.Command{
		Name:  "keygen",
		Usage: "make the log's Ed25519 signing key (log.key) and public key (log.pub)",
		Description: `The key's name is the origin of every checkpoint it signs: use a name that says whose
log it is, e.g. audit.example.org/exportrisk. Keep log.key away from the database (a
file only the signing process reads, or EXPORTRISK_AUDIT_KEY); give log.pub to auditors.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "the key's `NAME` (no spaces or '+')", Required: true},
			&cli.StringFlag{Name: "out", Usage: "write log.key and log.pub to `DIR`", Value: "."},
		},
		Action: func(c *cli.Context) error {
			priv, pub, err := audit.GenerateKey(c.String("name"))
			if err != nil {
				return usageErrorf("name: %v", err)
			}
			dir := c.String("out")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			keyPath, pubPath := filepath.Join(dir, "log.key"), filepath.Join(dir, "log.pub")
			for _, p := range []string{keyPath, pubPath} {
				if _, err := os.Stat(p); err == nil {
					return usageErrorf("keygen: %s exists; a log key is never overwritten", p)
				}
			}
			if err := os.WriteFile(keyPath, []byte(priv), 0o600); err != nil {
				return err
			}
			if err := os.WriteFile(pubPath, []byte(pub), 0o644); err != nil {
				os.Remove(keyPath)
				return err
			}
			fmt.Fprintf(c.App.Writer, "Private key: %s (keep it secret and out of the database; audit.key_file or %s)\n", keyPath, logKeyEnv)
			fmt.Fprintf(c.App.Writer, "Public key:  %s (give it to auditors; audit.public_key_file)\n%s", pubPath, pub)
			return nil
		},
	}
}

func auditCheckpointCommand() *cli.Command {
	return &cli.Command{
		Name:  "checkpoint",
		Usage: "sign the log's current checkpoint, add it to the witness directory and print it",
		Description: `Signs the tree size and root hash with the log key (EXPORTRISK_AUDIT_KEY or
audit.key_file) as a signed note whose body is a C2SP tlog-checkpoint. With --out DIR
(default audit.checkpoint_dir) it first checks that the log is a consistent extension of
the newest checkpoint there, then adds the checkpoint and the tree's tiles to DIR. Ship
DIR somewhere the database administrators cannot write.`,
		Flags: []cli.Flag{&cli.StringFlag{Name: "out", Usage: "witness `DIR` (default audit.checkpoint_dir)"}, logFlag},
		Action: func(c *cli.Context) error {
			return withStore(c, func(cfg *Config, s audit.Store) error {
				signer, err := logSigner(cfg)
				if err != nil {
					return err
				}
				if signer == nil {
					return usageErrorf("checkpoint: no log key; set %s or audit.key_file (exportrisk audit keygen makes one)", logKeyEnv)
				}
				dir := c.String("out")
				if dir == "" {
					dir = cfg.Audit.CheckpointDir
				}
				signed, cp, err := audit.Sign(c.Context, s, signer, dir)
				if err != nil {
					return withCode(exitCheckFailed, err)
				}
				if _, err := c.App.Writer.Write(signed); err != nil {
					return err
				}
				if dir != "" {
					fmt.Fprintf(c.App.ErrWriter, "Checkpoint of %d record(s) added to %s.\n", cp.Size, dir)
				}
				return nil
			})
		},
	}
}

func auditProveCommand() *cli.Command {
	return &cli.Command{
		Name:      "prove",
		Usage:     "print a self-contained proof that a decision is in the log (JSON)",
		ArgsUsage: "DECISION-ID",
		Description: `The proof holds the record (input and result included), its leaf index, the inclusion
path and a signed checkpoint whose tree holds it: with the log key configured, one
signed now (and added to audit.checkpoint_dir); else the newest covering checkpoint
of --checkpoint or audit.checkpoint_dir. "exportrisk audit check-proof" checks it
without the database.`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "checkpoint", Usage: "use a signed checkpoint from `FILE` or witness directory"},
			&cli.StringFlag{Name: "key", Usage: "the log's public key `FILE` (default audit.public_key_file)"}, logFlag},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("audit prove: give one decision id")
			}
			return withStore(c, func(cfg *Config, s audit.Store) error {
				rec, err := getRecord(c.Context, s, c.Args().First())
				if err != nil {
					return err
				}
				signed, key, err := proofCheckpoint(c, cfg, s, rec.Seq)
				if err != nil {
					return err
				}
				p, err := audit.Prove(c.Context, s, rec.DecisionID, signed, key)
				if err != nil {
					return withCode(exitCheckFailed, err)
				}
				var out bytes.Buffer
				if err := audit.WriteProof(&out, p); err != nil {
					return err
				}
				_, err = c.App.Writer.Write(out.Bytes())
				return err
			})
		},
	}
}

// proofCheckpoint finds the signed checkpoint a proof of record seq is made under, and
// the key that checks it.
func proofCheckpoint(c *cli.Context, cfg *Config, s audit.Store, seq int64) ([]byte, note.Verifier, error) {
	if len(c.StringSlice("checkpoint")) == 0 {
		signer, err := logSigner(cfg)
		if err != nil {
			return nil, nil, err
		}
		if signer != nil {
			signed, _, err := audit.Sign(c.Context, s, signer, cfg.Audit.CheckpointDir)
			if err != nil {
				return nil, nil, withCode(exitCheckFailed, err)
			}
			return signed, signer.Verifier(), nil
		}
	}
	key, err := logVerifier(c, cfg)
	if err != nil {
		return nil, nil, err
	}
	if key == nil {
		return nil, nil, usageErrorf("prove: no log key; set %s or audit.key_file to sign a checkpoint, or give --key and --checkpoint", logKeyEnv)
	}
	srcs, err := checkpointSources(c, cfg)
	if err != nil {
		return nil, nil, err
	}
	var best []byte
	var bestSize int64
	for _, src := range srcs {
		cp, err := audit.OpenCheckpoint(src.Signed, key)
		if err != nil {
			return nil, nil, withCode(exitCheckFailed, fmt.Errorf("checkpoint %s: %w", src.Source, err))
		}
		if cp.Size >= seq && (best == nil || cp.Size > bestSize) {
			best, bestSize = src.Signed, cp.Size
		}
	}
	if best == nil {
		return nil, nil, withCode(exitCheckFailed, fmt.Errorf("prove: no signed checkpoint covers record %d; sign one with exportrisk audit checkpoint", seq))
	}
	return best, key, nil
}

func auditCheckProofCommand() *cli.Command {
	return &cli.Command{
		Name:      "check-proof",
		Usage:     "check a proof made by audit prove, with the log's public key alone (no database)",
		ArgsUsage: "FILE",
		Flags:     []cli.Flag{&cli.StringFlag{Name: "key", Usage: "the log's public key `FILE`", Required: true}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("audit check-proof: give one proof file")
			}
			key, err := logVerifier(c, nil)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(c.Args().First())
			if err != nil {
				return usageErrorf("check-proof: %v", err)
			}
			p, err := audit.ReadProof(b)
			if err != nil {
				return withCode(exitInvalidInput, fmt.Errorf("check-proof %s: %w", c.Args().First(), err))
			}
			cp, err := audit.CheckProof(p, key)
			if err != nil {
				return withCode(exitCheckFailed, fmt.Errorf("check-proof %s: FAILED: %w", c.Args().First(), err))
			}
			r := p.Record
			fmt.Fprintf(c.App.Writer, "OK: decision %s (%s, %s, recorded %s by %s) is record %d of the log %s,\n",
				r.DecisionID, r.Country, strings.ReplaceAll(dash(r.Overall), "_", " "), r.Timestamp, r.Requester, r.Seq, cp.Origin)
			fmt.Fprintf(c.App.Writer, "included in the tree of %d records with root %s, signed by key %s.\n", cp.Size, cp.Root, cp.Origin)
			return nil
		},
	}
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/renameio/v2"
	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/policy/bundle"
)

// verificationKeyFlag names the key that verifies signed policy bundles; the config key
// policies_verification_key and EXPORTRISK_POLICIES_VERIFICATION_KEY set it for every
// command (assess --policies bundle.tar.gz included).
var verificationKeyFlag = &cli.StringFlag{Name: "verification-key",
	Usage: "public key (PEM file) or HMAC secret file that verifies bundle signatures (policies_verification_key, EXPORTRISK_POLICIES_VERIFICATION_KEY)"}

// verificationKey is the key of --verification-key, else of policies_verification_key,
// else nil. A key that cannot be read is a usage error here, where the command line
// names it (loadPolicies, for policies_verification_key alone, makes it a policy error).
func verificationKey(c *cli.Context, cfg *Config) (*bundle.Key, error) {
	file := cfg.PoliciesVerificationKey
	if c.IsSet("verification-key") {
		file = c.String("verification-key")
	}
	k, err := readVerificationKey(file)
	return k, withCode(exitUsage, err)
}

// readVerificationKey reads the key that verifies signed policy bundles from a file (or
// PEM text); nil for "". Every command reads the key here.
func readVerificationKey(file string) (*bundle.Key, error) {
	if file == "" {
		return nil, nil
	}
	return bundle.LoadVerificationKey(file)
}

const policyBundleHelp = `Policy bundles are the policies as officers' installations use them: an OPA bundle
(.tar.gz) with the evaluated files (the Rego modules without tests, the data file as
data.json), a .manifest with the revision and the roots, and optionally a
.signatures.json signed with a private key. An installation uses one with
--policies FILE.tar.gz (or the policies config key) and, to accept only bundles signed by
policy staff, the public key in policies_verification_key
(EXPORTRISK_POLICIES_VERIFICATION_KEY): then a bundle that is unsigned, signed with
another key, or changed after it was signed is refused. A signed bundle is never used
without its key.

The policy revision that results record is the digest over the evaluated files, the
same as for a directory; the manifest records it too, and the manifest revision is the
name policy staff give the release (--revision). The audit log archives the evaluated
files, so decisions replay without the bundle.

Keys (OpenSSL):
   openssl genrsa -out policy-signing.pem 3072
   openssl rsa -in policy-signing.pem -pubout -out policy-signing.pub.pem

Examples:
   exportrisk policy bundle build --revision 2026.07-hdi --signing-key policy-signing.pem -o policies-2026.07.tar.gz
   exportrisk policy bundle inspect policies-2026.07.tar.gz
   exportrisk policy bundle verify policies-2026.07.tar.gz --verification-key policy-signing.pub.pem
   EXPORTRISK_POLICIES_VERIFICATION_KEY=policy-signing.pub.pem exportrisk assess KAZ --policies policies-2026.07.tar.gz`

func policyBundleCommand() *cli.Command {
	return &cli.Command{
		Name:        "bundle",
		Usage:       "build, inspect and verify signed policy bundles",
		Description: policyBundleHelp,
		Subcommands: []*cli.Command{
			{
				Name:  "build",
				Usage: "build a policy bundle (.tar.gz), optionally signed",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "revision", Usage: "manifest `REVISION` (default: the policy revision digest)"},
					&cli.StringFlag{Name: "signing-key", Usage: "private key (PEM `FILE`) or HMAC secret file to sign with"},
					&cli.StringFlag{Name: "signing-alg", Usage: "RS256, ES256 or HS256 (default: the one that fits the key)"},
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "bundle.tar.gz", Usage: "write the bundle to `FILE`"},
					policyDirFlag, logFlag,
				},
				Action: policyBundleBuild,
			},
			{
				Name:      "inspect",
				Usage:     "show a bundle's manifest, revision, files and signature",
				ArgsUsage: "FILE",
				Flags:     []cli.Flag{logFlag},
				Action:    policyBundleInspect,
			},
			{
				Name:      "verify",
				Usage:     "verify a bundle's signature and digests (exit status 5 if they do not verify)",
				ArgsUsage: "FILE",
				Flags:     []cli.Flag{verificationKeyFlag, logFlag},
				Action:    policyBundleVerify,
			},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("unknown policy bundle command %q (see exportrisk policy bundle --help)", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
	}
}

func policyBundleBuild(c *cli.Context) error {
	if _, err := loadConfig(c); err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageErrorf("policy bundle build: unexpected argument %q (the output file is -o FILE)", c.Args().First())
	}
	if alg := c.String("signing-alg"); alg != "" && !c.IsSet("signing-key") {
		return usageErrorf("policy bundle build: --signing-alg needs --signing-key")
	}
	src, err := sourceFor(c)
	if err != nil {
		return err
	}
	// Refuse to ship policies the engine would refuse.
	ps, err := policy.FS(src.fs(), src.name(), src.name())
	if err != nil {
		return withCode(exitPolicy, err)
	}
	if _, err := engine.New(c.Context, ps); err != nil {
		return withCode(exitPolicy, err)
	}
	data, info, err := bundle.Build(ps.Files, src.name(), bundle.BuildOptions{
		Revision: c.String("revision"), SigningKey: c.String("signing-key"), SigningAlg: c.String("signing-alg"),
	})
	if err != nil {
		var kerr *bundle.KeyError
		if errors.As(err, &kerr) {
			return withCode(exitUsage, err)
		}
		return withCode(exitPolicy, err)
	}
	out := c.String("output")
	if err := renameio.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("policy bundle build: %w", err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Wrote %s (%d files, %d bytes) from %s\n", out, len(info.Files), len(data), src.label)
	describeBundle(&b, info)
	if info.Signed {
		fmt.Fprintf(&b, "  signature          %s, key id %s, signed with %s\n", info.Algorithm, info.KeyID, c.String("signing-key"))
	} else {
		fmt.Fprintf(&b, "  signature          none (installations that require signed bundles refuse it)\n")
	}
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}

func describeBundle(b *bytes.Buffer, info *bundle.Info) {
	fmt.Fprintf(b, "  manifest revision  %s\n", info.Revision)
	fmt.Fprintf(b, "  policy revision    %s (what results record)\n", info.PolicyRevision)
	fmt.Fprintf(b, "  roots              %s\n", strings.Join(info.Roots, ", "))
}

func bundleArg(c *cli.Context, cmd string) (string, error) {
	if c.NArg() != 1 {
		return "", usageErrorf("policy bundle %s: give one bundle file", cmd)
	}
	return c.Args().First(), nil
}

func policyBundleInspect(c *cli.Context) error {
	if _, err := loadConfig(c); err != nil {
		return err
	}
	file, err := bundleArg(c, "inspect")
	if err != nil {
		return err
	}
	info, err := bundle.ReadFile(file, nil)
	if err != nil {
		return withCode(exitPolicy, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", file)
	describeBundle(&b, info)
	if info.Signed {
		fmt.Fprintf(&b, "  signature          present: %s, key id %s, covers %d files (not verified here: run policy bundle verify)\n",
			info.Algorithm, info.KeyID, info.SignedFiles)
	} else {
		fmt.Fprintf(&b, "  signature          none\n")
	}
	fmt.Fprintf(&b, "  files\n")
	for _, f := range info.Files {
		fmt.Fprintf(&b, "    %8d  %s\n", f.Size, f.Path)
	}
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}

func policyBundleVerify(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	file, err := bundleArg(c, "verify")
	if err != nil {
		return err
	}
	key, err := verificationKey(c, cfg)
	if err != nil {
		return err
	}
	if key == nil {
		return usageErrorf("policy bundle verify: give --verification-key FILE (or set policies_verification_key)")
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("policy bundle verify: %w", err)
	}
	info, err := bundle.ReadFile(file, key)
	if err != nil {
		return withCode(exitCheckFailed, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "VERIFIED: %s\n", file)
	fmt.Fprintf(&b, "  signature          %s, key id %s, verified with %s; covers %d files, each digest matches\n",
		info.Algorithm, info.KeyID, key.Source, info.SignedFiles)
	describeBundle(&b, info)
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}

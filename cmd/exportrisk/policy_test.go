package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine/policy/bundle/bundletest"
	"github.com/exportrisk/exportrisk/internal/golden"
)

const syntheticBundles = "../../engine/policy/impact/testdata/bundles"

// copyPolicies copies ../../policies to a temporary directory, replacing whole lines of
// data.yaml (old -> new; a line that is not there fails the test) and adding files.
func copyPolicies(t *testing.T, edits map[string]string, add map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "policies")
	err := filepath.WalkDir("../../policies", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../../policies", p)
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !strings.HasSuffix(p, ".rego") && filepath.Base(p) != "data.yaml" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "data.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for old, repl := range edits {
		if strings.Count(s, "\n"+old+"\n") != 1 {
			t.Fatalf("policies/data.yaml has no single line %q", old)
		}
		s = strings.Replace(s, "\n"+old+"\n", "\n"+repl+"\n", 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, add)
	return dir
}

// writeFiles writes files (slash-separated path under dir -> content), making directories.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// smallPolicies writes a policy directory of one rule reading its data file, and its
// tests, and returns its path.
func smallPolicies(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small-policies")
	writeFiles(t, dir, map[string]string{
		"data.yaml":             "thresholds:\n  small:\n    critical_min: 3\n",
		"small/small.rego":      "package small\n\ncritical(n) if n >= data.thresholds.small.critical_min\n",
		"small/small_test.rego": "package small_test\n\nimport data.small\n\ntest_3_is_critical if small.critical(3)\n\ntest_2_is_not if not small.critical(2)\n",
	})
	return dir
}

// lineOf returns the 1-based line of data.yaml in dir that equals line.
func lineOf(t *testing.T, dir, line string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "data.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(strings.Split(string(b), "\n"), line)
	if i < 0 {
		t.Fatalf("no line %q", line)
	}
	return i + 1
}

var (
	fileSize   = regexp.MustCompile(`(?m)^    +\d+  `)
	byteCount  = regexp.MustCompile(`\(\d+ files, \d+ bytes\)`)
	durationRe = regexp.MustCompile(`\(\d+(\.\d+)?(µs|ms|s)\)`)
	hexDigests = regexp.MustCompile(`\(want: [0-9a-f]{64}, got: [0-9a-f]{64}\)`)
	coverageRe = regexp.MustCompile(`Coverage: \d+\.\d+%`)
)

// normalizePolicy replaces what changes from run to run in policy command output.
func normalizePolicy(s string, paths map[string]string) string {
	for p, name := range paths {
		s = strings.ReplaceAll(s, p, name)
	}
	s = digest.ReplaceAllString(s, "sha256:<digest>")
	s = fileSize.ReplaceAllString(s, "    <size>  ")
	s = byteCount.ReplaceAllString(s, "(<n> files, <n> bytes)")
	s = hexDigests.ReplaceAllString(s, "(want: <hex>, got: <hex>)")
	s = coverageRe.ReplaceAllString(s, "Coverage: <n>%")
	return durationRe.ReplaceAllString(s, "(<time>)")
}

type policyRun struct {
	name  string // golden file testdata/NAME.golden; "" for no golden
	args  []string
	env   map[string]string
	code  int
	out   []string // stdout must contain each
	err   []string // stderr must contain each
	paths map[string]string
}

func (r policyRun) run(t *testing.T) (string, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, r.env, r.args...)
	if code != r.code {
		t.Fatalf("exportrisk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), code, r.code, stdout, stderr)
	}
	for _, want := range r.out {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range r.err {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if r.name != "" {
		golden.Check(t, filepath.Join("testdata", r.name+".golden"), []byte(normalizePolicy(stdout+"\n--- stderr ---\n"+stderr, r.paths)))
	}
	return stdout, stderr
}

// TestPolicyTestCheckFmt covers policy test, check and fmt on the working tree and on
// broken copies.
func TestPolicyTestCheckFmt(t *testing.T) {
	badData := copyPolicies(t, map[string]string{"    pts_severe_min: 4": "    pts_severe_min: 7"}, nil)
	failing := copyPolicies(t, nil, map[string]string{
		"extra/extra.rego":      "package extra\n\ncritical(hdi) if hdi < data.thresholds.c8.critical_hdi_below\n",
		"extra/extra_test.rego": "package extra_test\n\nimport data.extra\n\ntest_hdi_060_is_critical if {\n\thdi := 0.6\n\textra.critical(hdi)\n}\n",
	})
	unformatted := copyPolicies(t, nil, map[string]string{"extra/extra.rego": "package extra\n\nx   :=   1\n\nf(y) := 1\n"})
	badLine := lineOf(t, badData, "    pts_severe_min: 7")
	// The whole shipped suite runs once, in policies.TestRego; the command is tested on a
	// small policy directory (its data file loaded) and on part of the shipped suite.
	small := smallPolicies(t)
	tests := map[string]policyRun{
		"test": {args: []string{"policy", "test", "--policies", small},
			out: []string{"Policies: " + small + "\n", "PASS: 2/2", "Coverage: 100.00% of the non-test lines (threshold 90%)"}},
		"test coverage": {args: []string{"policy", "test", "--coverage", "--policies", small},
			out: []string{"Coverage of the non-test modules:", "  100.00%  small/small.rego"}},
		"test below threshold": {args: []string{"policy", "test", "--run", `criteria\.c8_test`, "--threshold", "95"}, code: exitCheckFailed,
			err: []string{"exportrisk: policy test: coverage ", "% is below the threshold 95%"}},
		"test run without threshold": {args: []string{"policy", "test", "--run", `criteria\.c8_test`},
			out: []string{"Policies: ../../policies (working tree)", "PASS: ", "(not checked with --run; give --threshold to check it)"}},
		"test failing": {name: "policy-test-failing", args: []string{"policy", "test", "--policies", failing, "--run", "extra_test"},
			code: exitCheckFailed, paths: map[string]string{failing: "<policies>"}},
		"test bad threshold": {args: []string{"policy", "test", "--threshold", "120"}, code: exitUsage,
			err: []string{"threshold: want a percentage 0..100 (got 120)"}},
		"test a bundle": {args: []string{"policy", "test", "--policies", "x.tar.gz"}, code: exitUsage,
			err: []string{"x.tar.gz is a bundle; this command reads a policy directory"}},
		"check": {name: "policy-check", args: []string{"policy", "check"}},
		"check bad data": {args: []string{"policy", "check", "--policies", badData}, code: exitCheckFailed,
			out: []string{"FAIL  data", fmt.Sprintf("      %s/data.yaml:%d: thresholds.c2.pts_severe_min: want a whole number 1..5, got 7", badData, badLine),
				"ok    strict"},
			err: []string{"policy check: 1 check failed"}},
		"check another library": {args: []string{"policy", "check", "--fixtures", syntheticBundles},
			out: []string{"ok    agree    the compiled evaluator and OPA's interpreter give identical results on the latest bundle of each of 3 countries (" + syntheticBundles + ")"}},
		"check invalid library": {args: []string{"policy", "check", "--fixtures", invalidLibrary(t)}, code: exitCheckFailed,
			out: []string{"ok    compiled", "FAIL  agree", "DEU-2026-01-01.yaml", "indices.pts.value: want 1..5, got 6"},
			err: []string{"policy check: 1 check failed"}},
		"check unformatted": {name: "policy-check-unformatted", args: []string{"policy", "check", "--policies", unformatted},
			code: exitCheckFailed, paths: map[string]string{unformatted: "<policies>"}},
		"fmt": {args: []string{"policy", "fmt"}, out: []string{"All ", ".rego files are formatted."}},
		"fmt unformatted": {name: "policy-fmt-unformatted", args: []string{"policy", "fmt", "--policies", unformatted},
			code: exitCheckFailed, paths: map[string]string{unformatted: "<policies>"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { tc.run(t) })
	}
	t.Run("fmt --write", func(t *testing.T) {
		dir := copyPolicies(t, nil, map[string]string{"extra/extra.rego": "package extra\n\nx   :=   1\n"})
		policyRun{args: []string{"policy", "fmt", "--write", "--policies", dir}, out: []string{"formatted extra/extra.rego"}}.run(t)
		b, err := os.ReadFile(filepath.Join(dir, "extra", "extra.rego"))
		if err != nil || string(b) != "package extra\n\nx := 1\n" {
			t.Errorf("after fmt --write: %q %v", b, err)
		}
		policyRun{args: []string{"policy", "fmt", "--policies", dir}}.run(t)
	})
	// The engine refuses a bad data file wherever policies are loaded for assessing.
	t.Run("assess refuses bad data", func(t *testing.T) {
		policyRun{args: []string{"assess", "KAZ", "--policies", badData, "--no-record"}, code: exitPolicy,
			err: []string{fmt.Sprintf("exportrisk: the policy data file is invalid; the engine refuses it:\n%s/data.yaml:%d: thresholds.c2.pts_severe_min: want a whole number 1..5, got 7\n", badData, badLine)},
		}.run(t)
	})
}

// TestPolicyImpact compares policy versions over the three synthetic bundles of
// engine/policy/impact/testdata, where the flips are known by construction.
func TestPolicyImpact(t *testing.T) {
	base := copyPolicies(t, nil, nil)
	head := copyPolicies(t, map[string]string{"    critical_hdi_below: 0.55": "    critical_hdi_below: 0.65"}, nil)
	broken := copyPolicies(t, map[string]string{"    critical_hdi_below: 0.55": "    critical_hdi_below: 0.95"}, nil)
	paths := map[string]string{base: "<base>", head: "<head>"}
	impactArgs := func(extra ...string) []string {
		return append([]string{"policy", "impact", "--base", base, "--head", head, "--fixtures", syntheticBundles}, extra...)
	}
	tests := map[string]policyRun{
		"table":    {name: "policy-impact", args: impactArgs(), code: exitCheckFailed, paths: paths},
		"markdown": {name: "policy-impact-markdown", args: impactArgs("--format", "markdown"), code: exitCheckFailed, paths: paths},
		"json":     {name: "policy-impact-json", args: impactArgs("--format", "json"), code: exitCheckFailed, paths: paths},
		"no change": {name: "policy-impact-none", args: []string{"policy", "impact", "--base", base, "--head", base, "--fixtures", syntheticBundles},
			paths: paths},
		"embedded against the working tree": {args: []string{"policy", "impact", "--base", "embedded", "--fixtures", syntheticBundles},
			out: []string{"Head:    ../../policies (working tree)", "No verdict changes in 3 countries."}},
		"as of before every bundle": {args: impactArgs("--as-of", "2020-01-01"), code: exitInvalidInput,
			err: []string{"policy impact: no country has a bundle on or before 2020-01-01 in " + syntheticBundles}},
		"missing base": {args: []string{"policy", "impact"}, code: exitUsage, err: []string{"give the policies to compare with: --base"}},
		"bad format":   {args: impactArgs("--format", "csv"), code: exitUsage, err: []string{"format: want table, markdown, json"}},
		"bad date":     {args: impactArgs("--as-of", "July"), code: exitUsage, err: []string{`as-of: want a date YYYY-MM-DD, got "July"`}},
		"inconsistent head": {args: []string{"policy", "impact", "--base", base, "--head", broken, "--fixtures", syntheticBundles}, code: exitPolicy,
			err: []string{"thresholds.c8.critical_hdi_below: want at most hdi_below (0.8), got 0.95"}},
		"head not found": {args: []string{"policy", "impact", "--base", base, "--head", "nope", "--fixtures", syntheticBundles}, code: exitUsage,
			err: []string{"head: nope is neither a directory nor a bundle file"}},
		"invalid bundle in the library": {args: []string{"policy", "impact", "--base", base, "--head", head, "--fixtures", invalidLibrary(t)},
			code: exitInvalidInput, err: []string{"indices.pts.value: want 1..5, got 6"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { tc.run(t) })
	}
}

// invalidLibrary is a bundle library whose one bundle is invalid.
func invalidLibrary(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../indicators/testdata/invalid/out-of-range.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "DEU-2026-01-01.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPolicyImpactGit reads the base from a git revision of a throw-away checkout.
func TestPolicyImpactGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := filepath.Dir(copyPolicies(t, nil, nil))
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "policies")
	git("commit", "-q", "-m", "policies")
	data := filepath.Join(repo, "policies", "data.yaml")
	b, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "\n    critical_hdi_below: 0.55\n", "\n    critical_hdi_below: 0.65\n", 1)
	if err := os.WriteFile(data, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Abs(syntheticBundles)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(repo, "policies", "criteria"))
	policyRun{args: []string{"policy", "impact", "--base", "HEAD", "--fixtures", fixtures}, code: exitCheckFailed,
		out: []string{"Base:    policies at git HEAD (commit ", "Head:    .. (working tree)",
			"NPL Nepal (2026-01-01), criterion 8: possibly critical -> critical"}}.run(t)
	policyRun{args: []string{"policy", "impact", "--base", "no-such-branch", "--fixtures", fixtures}, code: exitUsage,
		err: []string{`base: "no-such-branch" is not a directory, a bundle or a git revision of`}}.run(t)
}

// tamperBundle copies a bundle with the first old in one file changed to new.
func tamperBundle(t *testing.T, file, name, old, new string) string {
	t.Helper()
	changed := false
	out := bundletest.Rewrite(t, file, func(path string, b []byte) []byte {
		if path != name {
			return b
		}
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s has no %s to change", name, old)
		}
		changed = true
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}, nil)
	if !changed {
		t.Fatalf("no %s in the bundle", name)
	}
	return out
}

var policyRevisionLine = regexp.MustCompile(`policy revision    (sha256:[0-9a-f]{64})`)

// TestPolicyBundle builds a signed bundle, inspects and verifies it, assesses with it,
// and checks that tampered, wrongly signed and unsigned bundles are refused.
func TestPolicyBundle(t *testing.T) {
	k := bundletest.Write(t)
	priv, pub, other := k.RSAPriv, k.RSAPub, k.OtherPub
	dir := t.TempDir()
	signed := filepath.Join(dir, "policies-2026.07.tar.gz")
	unsigned := filepath.Join(dir, "unsigned.tar.gz")
	paths := map[string]string{dir: "<dir>", priv: "<signing.pem>", pub: "<signing.pub.pem>", other: "<other.pub.pem>"}
	withKey := map[string]string{"EXPORTRISK_POLICIES_VERIFICATION_KEY": pub}

	out, _ := policyRun{name: "policy-bundle-build", args: []string{"policy", "bundle", "build", "--revision", "2026.07-hdi",
		"--signing-key", priv, "-o", signed}, paths: paths}.run(t)
	revision := policyRevisionLine.FindStringSubmatch(out)
	if revision == nil {
		t.Fatalf("build output names no policy revision:\n%s", out)
	}
	policyRun{args: []string{"policy", "bundle", "build", "-o", unsigned},
		out: []string{"signature          none (installations that require signed bundles refuse it)"}}.run(t)
	policyRun{name: "policy-bundle-inspect", args: []string{"policy", "bundle", "inspect", signed}, paths: paths}.run(t)
	policyRun{name: "policy-bundle-verify", args: []string{"policy", "bundle", "verify", signed, "--verification-key", pub}, paths: paths}.run(t)

	// The engine uses the bundle; results record its policy revision. (Each run that sets
	// the environment is a subtest, so that the variable does not outlive it.)
	t.Run("assess with the bundle", func(t *testing.T) {
		stdout, _ := policyRun{args: []string{"assess", "KAZ", "--policies", signed, "--format", "json", "--no-record"}, env: withKey}.run(t)
		if !strings.Contains(stdout, `"policy_revision": "`+revision[1]+`"`) {
			t.Errorf("assess with the bundle does not record revision %s:\n%s", revision[1], stdout[:min(400, len(stdout))])
		}
	})
	// A decision made with the bundle replays from the audit log alone: the evaluated
	// files (data.json included) are archived with it.
	t.Run("replay", func(t *testing.T) {
		store := map[string]string{"EXPORTRISK_AUDIT_PATH": newStore(t)}
		env := map[string]string{"EXPORTRISK_POLICIES_VERIFICATION_KEY": pub}
		for k, v := range store {
			env[k] = v
		}
		stdout, _ := policyRun{args: []string{"assess", "KAZ", "--policies", signed}, env: env}.run(t)
		id := decisionID.FindString(stdout)
		if id == "" {
			t.Fatalf("no decision id:\n%s", stdout)
		}
		policyRun{args: []string{"replay", id}, env: store, out: []string{"Policies   " + revision[1] + " (archived",
			"MATCH: the replayed result is identical to the recorded one, byte for byte."}}.run(t)
	})
	// replay --policies (a what-if) loads policies as assess does: a bundle is verified,
	// a data file that does not validate is refused.
	t.Run("replay what-if", func(t *testing.T) {
		store := map[string]string{"EXPORTRISK_AUDIT_PATH": newStore(t)}
		stdout, _ := policyRun{args: []string{"assess", "KAZ"}, env: store}.run(t)
		id := decisionID.FindString(stdout)
		if id == "" {
			t.Fatalf("no decision id:\n%s", stdout)
		}
		withStoreAndKey := map[string]string{"EXPORTRISK_POLICIES_VERIFICATION_KEY": pub}
		for k, v := range store {
			withStoreAndKey[k] = v
		}
		badData := copyPolicies(t, map[string]string{"    pts_severe_min: 4": "    pts_severe_min: 7"}, nil)
		runs := map[string]policyRun{
			"signed bundle": {args: []string{"replay", id, "--policies", signed}, env: withStoreAndKey,
				out: []string{"WHAT-IF, NOT A REPLAY: the policies in " + signed, "these policies are revision " + revision[1],
					"SAME RESULT: these policies decide the case as recorded"}},
			"tampered bundle": {args: []string{"replay", id, "--policies", tamperBundle(t, signed, "data.json", "0.55", "0.56")}, env: withStoreAndKey,
				code: exitPolicy, err: []string{"data.json: digest mismatch", "the bundle was changed after it was signed"}},
			"signed bundle without its key": {args: []string{"replay", id, "--policies", signed}, env: store,
				code: exitPolicy, err: []string{"is signed: configure its verification key"}},
			"bad data file": {args: []string{"replay", id, "--policies", badData}, env: store, code: exitPolicy,
				err: []string{"the policy data file is invalid; the engine refuses it:",
					"thresholds.c2.pts_severe_min: want a whole number 1..5, got 7"}},
			"empty": {args: []string{"replay", id, "--policies", ""}, env: store, code: exitUsage,
				err: []string{"replay: --policies needs a policy directory or bundle"}},
		}
		for name, tc := range runs {
			t.Run(name, func(t *testing.T) { tc.run(t) })
		}
	})
	// The report names the policies when they are not the embedded ones.
	t.Run("assess names the bundle", func(t *testing.T) {
		source := "bundle " + signed + " (manifest revision 2026.07-hdi, signature verified)"
		policyRun{args: []string{"assess", "KAZ", "--policies", signed, "--no-record"}, env: withKey,
			out: []string{"Overall: LIGHT RED", "\nPolicies: " + source + "\nPolicy revision: " + revision[1] + "\n"}}.run(t)
		policyRun{args: []string{"assess", "KAZ", "--policies", signed, "--no-record", "--format", "markdown"}, env: withKey,
			out: []string{"\n- Policies: `" + source + "`\n- Policy revision: `" + revision[1] + "`\n"}}.run(t)
	})
	// A configured key is read only when a bundle needs it.
	t.Run("key read only for a bundle", func(t *testing.T) {
		policyRun{args: []string{"assess", "KAZ", "--no-record"}, env: map[string]string{"EXPORTRISK_POLICIES_VERIFICATION_KEY": "nope.pem"},
			out: []string{"Overall: LIGHT RED"}}.run(t)
	})
	// An unsigned bundle is used (with a warning) when no key is configured.
	policyRun{args: []string{"assess", "KAZ", "--policies", unsigned, "--no-record"}, err: []string{"policy bundle is not signed"}}.run(t)

	tamperedData := tamperBundle(t, signed, "data.json", "0.55", "0.56")
	refused := map[string]policyRun{
		"tampered data": {name: "policy-bundle-tampered", args: []string{"assess", "KAZ", "--policies", tamperedData, "--no-record"},
			env: withKey, code: exitPolicy, paths: map[string]string{tamperedData: "<tampered.tar.gz>", pub: "<signing.pub.pem>"}},
		"tampered rego": {args: []string{"assess", "KAZ", "--policies", tamperBundle(t, signed, "criteria/c8/c8.rego", "critical_hdi_below", "critical_hdi_bel0w"), "--no-record"},
			env: withKey, code: exitPolicy, err: []string{"criteria/c8/c8.rego: digest mismatch", "the bundle was changed after it was signed"}},
		"wrong key": {args: []string{"assess", "KAZ", "--policies", signed, "--no-record"},
			env: map[string]string{"EXPORTRISK_POLICIES_VERIFICATION_KEY": other}, code: exitPolicy,
			err: []string{"the signature does not verify with " + other + " (RS256): failed to verify JWT signature"}},
		"unsigned with a key": {args: []string{"assess", "KAZ", "--policies", unsigned, "--no-record"}, env: withKey, code: exitPolicy,
			err: []string{"is not signed, and a verification key is configured: refusing an unsigned bundle"}},
		"signed without a key": {args: []string{"criteria", "--policies", signed}, code: exitPolicy,
			err: []string{"is signed: configure its verification key"}},
		"verify tampered": {args: []string{"policy", "bundle", "verify", tamperBundle(t, signed, "data.json", "0.55", "0.56"), "--verification-key", pub},
			code: exitCheckFailed, err: []string{"data.json: digest mismatch"}},
		"verify without a key": {args: []string{"policy", "bundle", "verify", signed}, code: exitUsage,
			err: []string{"give --verification-key FILE (or set policies_verification_key)"}},
		"verify unsigned": {args: []string{"policy", "bundle", "verify", unsigned, "--verification-key", pub}, code: exitCheckFailed,
			err: []string{"refusing an unsigned bundle"}},
		// The key is read in one place (readVerificationKey); one that cannot be read is a
		// policy error where policies are loaded, a usage error where the command line names it.
		"unreadable key": {args: []string{"assess", "KAZ", "--policies", signed, "--no-record"},
			env: map[string]string{"EXPORTRISK_POLICIES_VERIFICATION_KEY": "nope.pem"}, code: exitPolicy,
			err: []string{"verification key: open nope.pem"}},
		"verify with an unreadable key": {args: []string{"policy", "bundle", "verify", signed, "--verification-key", "nope.pem"},
			code: exitUsage, err: []string{"verification key: open nope.pem"}},
		"inspect not a bundle": {args: []string{"policy", "bundle", "inspect", "policy.go"}, code: exitPolicy, err: []string{"not a .tar.gz file"}},
		"build with a bad key": {args: []string{"policy", "bundle", "build", "--signing-key", "nope.pem", "-o", filepath.Join(dir, "x.tar.gz")},
			code: exitUsage, err: []string{"signing key: open nope.pem"}},
	}
	for name, tc := range refused {
		t.Run(name, func(t *testing.T) { tc.run(t) })
	}
	// The config key works as the environment variable does.
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte("policies_verification_key: "+other+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	policyRun{args: []string{"--config", config, "assess", "KAZ", "--policies", signed, "--no-record"}, code: exitPolicy,
		err: []string{"the signature does not verify with " + other}}.run(t)
}

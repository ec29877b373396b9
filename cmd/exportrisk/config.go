package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/viper"
	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy/calibration"
	"github.com/exportrisk/exportrisk/indicators/safetext"
)

// Config is every setting, from (highest first) flags, EXPORTRISK_* environment
// variables, the config file, and defaults.
type Config struct {
	Lang     string `mapstructure:"lang"`      // en or de
	Format   string `mapstructure:"format"`    // output format; allowed values depend on the command
	Policies string `mapstructure:"policies"`  // policy directory; empty = the embedded policies
	Fixtures string `mapstructure:"fixtures"`  // bundle directory; empty = the embedded fixtures
	Evidence string `mapstructure:"evidence"`  // evidence register directory (evidence.go); empty = the default
	LogLevel string `mapstructure:"log-level"` // debug, info, warn, error
	// Evaluator runs the policies: auto (the compiled evaluator where it supports them, else
	// OPA's interpreter), compiled (required) or opa (OPA's interpreter, the reference).
	Evaluator string `mapstructure:"evaluator"`

	// PoliciesVerificationKey verifies the signature of a policy bundle (policy_bundle.go).
	PoliciesVerificationKey string `mapstructure:"policies_verification_key"`

	Requester string       `mapstructure:"requester"` // who asks, recorded with every decision; default $USER
	Audit     AuditConfig  `mapstructure:"audit"`     // where decisions are recorded (audit.go)
	Server    ServerConfig `mapstructure:"server"`    // exportrisk serve (serve.go)
}

var configKeys = []string{"lang", "format", "policies", "fixtures", "evidence", "log-level", "evaluator", "requester", "audit.path", "audit.dsn",
	"audit.key_file", "audit.public_key_file", "audit.checkpoint_dir", "audit.checkpoint_every", "audit.checkpoint_interval",
	"server.addr", "server.max_body_bytes", "server.read_timeout", "server.write_timeout", "server.idle_timeout",
	"server.shutdown_timeout", "server.session_ttl", "server.secure_cookies", "server.access_log", "server.tokens",
	"server.tokens_file", "server.public_url", "server.allow_policy_rollback", "server.gc_percent", "server.memory_limit_mib", "policies_verification_key"}

func defaults(v *viper.Viper) {
	v.SetDefault("lang", "en")
	v.SetDefault("format", "table")
	v.SetDefault("policies", "")
	v.SetDefault("fixtures", "")
	v.SetDefault("evidence", "")
	v.SetDefault("log-level", "warn")
	v.SetDefault("evaluator", engine.EvaluatorAuto)
	v.SetDefault("requester", defaultRequester())
	v.SetDefault("audit.path", defaultAuditPath())
	v.SetDefault("audit.dsn", "")
	auditDefaults(v)
	serverDefaults(v)
}

// loadConfig builds the configuration for a command from its flags, the environment
// and the config file (--config, EXPORTRISK_CONFIG, or <user config dir>/exportrisk/config.yaml).
func loadConfig(c *cli.Context) (*Config, error) {
	v := viper.New()
	defaults(v)
	v.SetEnvPrefix("EXPORTRISK")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	for _, k := range configKeys {
		if err := v.BindEnv(k); err != nil {
			return nil, err
		}
	}
	file, from := c.String("config"), "--config"
	if file == "" {
		file, from = os.Getenv("EXPORTRISK_CONFIG"), "EXPORTRISK_CONFIG"
	}
	explicit := file != ""
	if !explicit {
		if dir, err := os.UserConfigDir(); err == nil {
			file = filepath.Join(dir, "exportrisk", "config.yaml")
		}
	}
	src := &settingSources{c: c, v: v}
	if file != "" {
		found, err := readConfigFile(v, file)
		switch {
		case err != nil:
			return nil, withCode(exitUsage, err)
		case found:
			src.file = file
		case explicit:
			return nil, usageErrorf("config file %s (given by %s): no such file", file, from)
		}
	}
	for _, k := range configKeys {
		if c.IsSet(k) {
			v.Set(k, c.Value(k))
		}
	}
	var cfg Config
	if err := v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHook)); err != nil {
		return nil, withCode(exitUsage, src.decodeError(err))
	}
	if err := cfg.validate(); err != nil {
		return nil, withCode(exitUsage, src.annotate(err))
	}
	setLogLevel(cfg.LogLevel)
	return &cfg, nil
}

// readConfigFile reads the config file into v; found is false when the file does not
// exist. Unknown keys are refused with their line and the setting probably meant.
func readConfigFile(v *viper.Viper, file string) (found bool, err error) {
	data, err := os.ReadFile(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("config file: %w", err)
	}
	ext := strings.TrimPrefix(filepath.Ext(file), ".")
	switch ext {
	case "yaml", "yml", "json":
		if err := unknownKeys(file, data); err != nil {
			return true, err
		}
	case "toml":
	default:
		return true, fmt.Errorf("config file %s: want a .yaml, .yml, .json or .toml file", file)
	}
	v.SetConfigFile(file)
	if err := v.ReadInConfig(); err != nil {
		return true, fmt.Errorf("config file %s: %w", file, err)
	}
	return true, nil
}

// similarSetting names the setting a mistyped key probably meant: a near spelling, or
// the same letters in another order (lnag: lang); "" if none.
func similarSetting(key string) string {
	if best := calibration.Closest(key, configKeys); best != "" {
		return best
	}
	sorted := func(s string) string { r := []rune(s); slices.Sort(r); return string(r) }
	for _, k := range configKeys {
		if sorted(k) == sorted(key) {
			return k
		}
	}
	return ""
}

// unknownKeys refuses keys of a YAML or JSON config file that are no setting or are given
// twice, each as file:line with, for a likely typo, the setting meant.
func unknownKeys(file string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config file %s: %w", file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil // empty; other shapes are refused when the file is decoded
	}
	var errs []error
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := prefix + k.Value
			if first, dup := seen[k.Value]; dup {
				errs = append(errs, fmt.Errorf("%s:%d: %s: duplicate key (first at line %d)", file, k.Line, key, first))
				continue
			}
			seen[k.Value] = k.Line
			if key == "audit" || key == "server" {
				if val.Kind == yaml.MappingNode {
					walk(val, key+".")
				}
				continue
			}
			if slices.Contains(configKeys, key) {
				continue
			}
			hint := ""
			if best := similarSetting(key); best != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", best)
			}
			errs = append(errs, fmt.Errorf("%s:%d: %s: unknown setting%s", file, k.Line, key, hint))
		}
	}
	walk(doc.Content[0], "")
	return errors.Join(errs...)
}

// settingSources says where each setting came from, so that a message blames the flag,
// the environment variable or the config file that holds the bad value.
type settingSources struct {
	c    *cli.Context
	v    *viper.Viper
	file string // the config file read, if any
}

// of names the source of a setting: "--lang", "EXPORTRISK_LANG", "config file F", or ""
// for a default.
func (s *settingSources) of(key string) string {
	if s.c.IsSet(key) {
		return "--" + key
	}
	env := "EXPORTRISK_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(key))
	if _, ok := os.LookupEnv(env); ok {
		return env
	}
	if s.file != "" && s.v.InConfig(key) {
		return "config file " + s.file
	}
	return ""
}

var decodeLine = regexp.MustCompile(`^'([A-Za-z_.-]+)' (.*)$`)

// decodeError rewrites viper's decoding errors ("'server.read_timeout' time: invalid
// duration") as one line per setting that names it and where its value came from.
func (s *settingSources) decodeError(err error) error {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		m := decodeLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		key, msg := m[1], m[2]
		msg = strings.TrimPrefix(msg, key+": ")
		if strings.HasPrefix(msg, "has invalid keys: ") { // a file's keys were checked above; this is TOML
			for _, k := range strings.Split(strings.TrimPrefix(msg, "has invalid keys: "), ", ") {
				full := k
				if key != "main.Config" {
					full = key + "." + k
				}
				hint := ""
				if best := similarSetting(full); best != "" {
					hint = fmt.Sprintf(" (did you mean %s?)", best)
				}
				out = append(out, fmt.Sprintf("%s: unknown setting in config file %s%s", full, s.file, hint))
			}
			continue
		}
		switch {
		case strings.Contains(msg, "invalid duration"):
			msg = fmt.Sprintf("want a duration such as 30s or 5m (got %q)", s.v.GetString(key))
		case strings.Contains(msg, "strconv.Parse"):
			msg = fmt.Sprintf("want a whole number (got %q)", s.v.GetString(key))
		}
		out = append(out, s.where(key)+": "+msg)
	}
	if len(out) == 0 {
		return fmt.Errorf("configuration: %w", err)
	}
	return errors.New(strings.Join(out, "\n"))
}

func (s *settingSources) where(key string) string {
	if from := s.of(key); from != "" {
		return key + " (from " + from + ")"
	}
	return key
}

// annotate adds to each line of a validation error that starts with a setting's name
// where that setting's value came from.
func (s *settingSources) annotate(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, line := range lines {
		for _, k := range configKeys {
			if rest, ok := strings.CutPrefix(line, k); ok && strings.HasPrefix(rest, ":") {
				lines[i] = s.where(k) + rest
				break
			}
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}

func (c *Config) validate() error {
	var errs []error
	if !slices.Contains([]string{"en", "de"}, c.Lang) {
		errs = append(errs, fmt.Errorf("lang: want en or de (got %q)", c.Lang))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		errs = append(errs, fmt.Errorf("log-level: want debug, info, warn or error (got %q)", c.LogLevel))
	}
	if !slices.Contains(engine.Evaluators, c.Evaluator) {
		errs = append(errs, fmt.Errorf("evaluator: want %s (got %q)", strings.Join(engine.Evaluators, ", "), c.Evaluator))
	}
	if err := safetext.Check(c.Requester, safetext.Line, maxRequester); err != nil {
		errs = append(errs, fmt.Errorf("requester: %w", err))
	}
	errs = append(errs, c.Server.validate())
	return errors.Join(errs...)
}

// checkFormat rejects a format the command does not write.
func (c *Config) checkFormat(allowed ...string) error {
	if !slices.Contains(allowed, c.Format) {
		return usageErrorf("format: want %s (got %q)", strings.Join(allowed, ", "), c.Format)
	}
	return nil
}

var logLevel = new(slog.LevelVar)

func setLogLevel(s string) {
	var l slog.Level
	_ = l.UnmarshalText([]byte(s)) // validated above
	logLevel.Set(l)
}

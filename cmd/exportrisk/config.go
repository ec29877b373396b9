package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/viper"
	"github.com/urfave/cli/v2"

	"github.com/exportrisk/exportrisk/engine"
)

// Config is every setting, from (highest first) flags, EXPORTRISK_* environment
// variables, the config file, and defaults.
type Config struct {
	Lang     string `mapstructure:"lang"`      // en or de
	Format   string `mapstructure:"format"`    // output format; allowed values depend on the command
	Policies string `mapstructure:"policies"`  // policy directory; empty = the embedded policies
	Fixtures string `mapstructure:"fixtures"`  // bundle directory; empty = the embedded fixtures
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

var configKeys = []string{"lang", "format", "policies", "fixtures", "log-level", "evaluator", "requester", "audit.path", "audit.dsn",
	"server.addr", "server.max_body_bytes", "server.read_timeout", "server.write_timeout", "server.idle_timeout",
	"server.shutdown_timeout", "server.session_ttl", "server.secure_cookies", "server.access_log", "server.tokens",
	"server.tokens_file", "server.gc_percent", "server.memory_limit_mib", "policies_verification_key"}

func defaults(v *viper.Viper) {
	v.SetDefault("lang", "en")
	v.SetDefault("format", "table")
	v.SetDefault("policies", "")
	v.SetDefault("fixtures", "")
	v.SetDefault("log-level", "warn")
	v.SetDefault("evaluator", engine.EvaluatorAuto)
	v.SetDefault("requester", defaultRequester())
	v.SetDefault("audit.path", defaultAuditPath())
	v.SetDefault("audit.dsn", "")
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
	file := c.String("config")
	if file == "" {
		file = os.Getenv("EXPORTRISK_CONFIG")
	}
	explicit := file != ""
	if !explicit {
		if dir, err := os.UserConfigDir(); err == nil {
			file = filepath.Join(dir, "exportrisk", "config.yaml")
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			var notFound *os.PathError
			if explicit || !errors.As(err, &notFound) {
				return nil, usageErrorf("config file %s: %v", file, err)
			}
		}
	}
	for _, k := range configKeys {
		if c.IsSet(k) {
			v.Set(k, c.Value(k))
		}
	}
	var cfg Config
	if err := v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHook)); err != nil {
		return nil, usageErrorf("config file %s: %v", file, err)
	}
	if err := cfg.validate(); err != nil {
		return nil, withCode(exitUsage, err)
	}
	setLogLevel(cfg.LogLevel)
	return &cfg, nil
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

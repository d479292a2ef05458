package cli

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is every setting of every command. viper fills it from, in order of precedence,
// command-line flags, ADVISOR_* environment variables and the config file (--config); a key
// the struct does not know is an error.
type Config struct {
	Config      string        `mapstructure:"config"`
	Content     string        `mapstructure:"content"`
	Answers     string        `mapstructure:"answers"`
	Format      string        `mapstructure:"format"`
	Explain     bool          `mapstructure:"explain"`
	Strict      bool          `mapstructure:"strict"`
	Verbose     bool          `mapstructure:"verbose"`
	MaxAgeDays  int           `mapstructure:"max-age-days"`
	Coverage    bool          `mapstructure:"coverage"`
	Report      bool          `mapstructure:"report"`
	MinCoverage float64       `mapstructure:"min-coverage"`
	Addr        string        `mapstructure:"addr"`
	Database    string        `mapstructure:"database"`
	LogLevel    string        `mapstructure:"log-level"`
	RateLimit   float64       `mapstructure:"rate-limit"`
	KeyRate     float64       `mapstructure:"key-rate-limit"`
	Shutdown    time.Duration `mapstructure:"shutdown-timeout"`
	Proxies     []string      `mapstructure:"trusted-proxies"`
	MetricsAddr string        `mapstructure:"metrics-addr"`
	MaxEvals    int           `mapstructure:"max-evaluations"`
	Retention   string        `mapstructure:"retention"`
	Against     string        `mapstructure:"against"`
	Name        string        `mapstructure:"name"`
	Role        string        `mapstructure:"role"`
	Out         string        `mapstructure:"out"`
}

// Validate checks values that flags' types cannot, naming the key and what is allowed.
func (c *Config) Validate() error {
	var problems []string
	if c.Format != "" && c.Format != "json" && c.Format != "markdown" && c.Format != "text" {
		problems = append(problems, fmt.Sprintf("format: %q is not one of json, markdown, text", c.Format))
	}
	if c.MaxAgeDays < 0 {
		problems = append(problems, fmt.Sprintf("max-age-days: %d, want a whole number of days ≥ 1", c.MaxAgeDays))
	}
	if c.MinCoverage < 0 || c.MinCoverage > 100 {
		problems = append(problems, fmt.Sprintf("min-coverage: %v, want a percentage from 0 to 100", c.MinCoverage))
	}
	switch strings.ToLower(c.LogLevel) {
	case "", "debug", "info", "warn", "error":
	default:
		problems = append(problems, fmt.Sprintf("log-level: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	if c.RateLimit < 0 || c.KeyRate < 0 {
		problems = append(problems, "rate-limit and key-rate-limit: want requests per second ≥ 0 (0 turns the limit off)")
	}
	if c.Role != "" && c.Role != "consultant" && c.Role != "editor" {
		problems = append(problems, fmt.Sprintf("role: %q is not one of consultant, editor", c.Role))
	}
	for _, p := range c.Proxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			problems = append(problems, fmt.Sprintf("trusted-proxies: %q is not an IP address or CIDR range", p))
		}
	}
	if _, err := parseRetention(c.Retention); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return usageError(fmt.Errorf("invalid configuration:\n  %s", strings.Join(problems, "\n  ")))
	}
	return nil
}

// load fills a Config for cmd from its flags, the environment and the optional config file.
func load(cmd *cobra.Command) (*Config, error) {
	v := viper.New()
	v.SetEnvPrefix("ADVISOR")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	var bindErr error
	bind := func(f *pflag.Flag) {
		if f.Name != "help" && bindErr == nil {
			bindErr = v.BindPFlag(f.Name, f)
		}
	}
	cmd.Flags().VisitAll(bind)
	cmd.InheritedFlags().VisitAll(bind)
	if bindErr != nil {
		return nil, bindErr
	}
	if file := v.GetString("config"); file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, usageError(fmt.Errorf("config file %s: %w", file, err))
		}
	}
	var c Config
	if err := v.UnmarshalExact(&c); err != nil {
		return nil, usageError(fmt.Errorf("config: %w", err))
	}
	return &c, c.Validate()
}

// parseRetention reads --retention: a number of days ("180d"), a Go duration ("720h") or 0,
// which keeps anonymous assessments for ever. Empty is the default, 180 days.
func parseRetention(s string) (time.Duration, error) {
	if s == "" {
		return 180 * 24 * time.Hour, nil
	}
	if s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("retention: %q, want days such as 180d, a duration such as 720h, or 0 to keep anonymous assessments", s)
}

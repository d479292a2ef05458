package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

func serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web questionnaire and the JSON API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cfg, cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	f.String("database", "advisor.db", "SQLite file path, or a postgres:// URL")
	f.String("log-level", "info", "log level: debug, info, warn or error")
	f.Float64("rate-limit", 20, "requests per second per client IP on form posts and open API endpoints (0: off)")
	f.Float64("key-rate-limit", 50, "requests per second per API key (0: off)")
	f.StringSlice("trusted-proxies", nil, "IP addresses or CIDR ranges of load balancers whose X-Forwarded-For header names the client")
	f.Duration("shutdown-timeout", 10*time.Second, "how long to let requests finish on SIGINT or SIGTERM")
	f.String("metrics-addr", "", "also serve /metrics without a key on this HOST:PORT, for a scraper only operators can reach (on --addr it needs an editor key)")
	f.Int("max-evaluations", 0, "evaluations running at once across the server before requests are shed with 503 (0: one per CPU, at least 2)")
	f.String("retention", "180d", "remove anonymous web assessments after this long without activity: days (180d) or a duration (720h); 0 keeps them")
	return cmd
}

func serve(ctx context.Context, cfg *Config, stderr interface{ Write([]byte) (int, error) }) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel))); err != nil {
		return usageError(fmt.Errorf("log-level: %w", err))
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	// The live heap is a few megabytes and each request allocates tens of kilobytes of short-lived
	// data, so the default GOGC=100 spends much of the CPU collecting. 400 measured about 20%
	// more evaluations per second for a few megabytes more memory; GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// GOGC=400 lets the heap grow to five times what is live; under a burst of large batch
	// responses that took the process past 130 MB. A soft limit makes the collector work harder
	// near 96 MiB instead (the batch flood then peaks under 100 MB); GOMEMLIMIT wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(96 << 20)
	}

	src := advisor.Embedded()
	if cfg.Content != "" {
		var err error
		if src, err = advisor.Dir(cfg.Content); err != nil {
			return usageError(err)
		}
	}
	// Content is served only while its shipped scenarios pass, at start and on every reload:
	// content that loads but gives weaker advice (an emptied file, a broken condition) is
	// refused and the last good content keeps serving.
	content, err := advisor.NewHolder(src, advisor.WithCheck(scenario.Check))
	if err != nil {
		return checkError(fmt.Errorf("content does not load:\n%w", err))
	}
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return usageError(fmt.Errorf("database %q: %w", cfg.Database, err))
	}
	defer st.Close()

	srv := app.New(server.Config{RateLimit: cfg.RateLimit, KeyRateLimit: cfg.KeyRate, TrustedProxies: cfg.Proxies,
		MaxEvaluations: cfg.MaxEvals}, content, st, log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return usageError(fmt.Errorf("addr: %w", err))
	}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return usageError(fmt.Errorf("metrics-addr: %w", err))
		}
		msrv := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		log.Info("serving metrics", "url", "http://"+mln.Addr().String()+"/metrics")
	}
	keep, _ := parseRetention(cfg.Retention) // checked by cfg.Validate
	go srv.RunRetention(ctx, keep, 0)
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	go reloadOnSignal(ctx, content, log)
	if cfg.Content != "" {
		go func() {
			err := content.Watch(ctx, 200*time.Millisecond, func(err error) { logReload(log, content, err) })
			if err != nil {
				log.Error("not watching the content folder; send SIGHUP to reload", "err", err.Error())
			}
		}()
	}
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "database", redact(cfg.Database),
		"questionnaire", content.Status().Versions.Questionnaire, "ruleset", content.Status().Versions.RuleSet)
	fmt.Fprintf(stderr, "CIAM Advisor is running at http://%s/\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.Shutdown.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// reloadOnSignal reloads the content on SIGHUP, keeping the old rule set when the new one fails.
func reloadOnSignal(ctx context.Context, content *advisor.Holder, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			logReload(log, content, content.Reload())
		}
	}
}

// logReload logs a reload's outcome; a failure is logged with every problem's file, line and
// column, and the previous rule set keeps serving.
func logReload(log *slog.Logger, content *advisor.Holder, err error) {
	if err == nil {
		log.Info("content reloaded", "ruleset", content.Status().Versions.RuleSet)
		return
	}
	for _, d := range content.Status().Problems() {
		log.Error("reload failed; still serving the previous rule set", "file", d.File, "line", d.Line, "column", d.Column, "rule", d.Rule, "problem", d.Message)
	}
	if len(content.Status().Problems()) == 0 {
		log.Error("reload failed; still serving the previous rule set", "err", err.Error())
	}
}

// redact hides a password in a database URL before it is logged.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.Index(dsn[i+3:], "@"); j >= 0 {
			if k := strings.Index(dsn[i+3:i+3+j], ":"); k >= 0 {
				return dsn[:i+3+k+1] + "***" + dsn[i+3+j:]
			}
		}
	}
	return dsn
}

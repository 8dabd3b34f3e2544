// Command moltin-emulator serves the in-memory Moltin API emulator on a
// loopback port, for demos, manual testing and scripts.
//
// On start it prints EPCC_API_BASE_URL, EPCC_CLIENT_ID and EPCC_CLIENT_SECRET
// (one per line) to stdout and serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "moltin-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("moltin-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on (host:port)")
	clientID := fs.String("client-id", emulator.DefaultClientID, "client_id accepted by /oauth/access_token")
	clientSecret := fs.String("client-secret", "", "client_secret accepted by /oauth/access_token (default: random, printed at start)")
	tokenLifetime := fs.Duration("token-lifetime", time.Hour, "access token lifetime")
	latency := fs.Duration("latency", 0, "latency added to every API request")
	rate429 := fs.Float64("rate-429", 0, "share (0..1) of API requests answered 429")
	retryAfterShare := fs.Float64("retry-after-share", 0, "share (0..1) of injected 429s carrying Retry-After: 1")
	rate5xx := fs.Float64("rate-5xx", 0, "share (0..1) of API requests answered 500/502/503")
	dropAfterCommit := fs.Float64("drop-after-commit", 0, "share (0..1) of POST/PUT/DELETE committed and then dropped without a response")
	rateLimit := fs.Float64("rate-limit", 0, "server-side limit in requests/second (0 = unlimited)")
	seed := fs.Int64("seed", 0, "seed for fault draws (0 = time-based)")
	memberDelay := fs.Duration("member-delay", emulator.DefaultMemberDelay, "how long an account member takes to appear after its user-authentication-info is written (0 = at once)")
	rejectUnknown := fs.Bool("reject-unknown-flow-keys", false, "answer 422 to a customer or account key that is no field of its flow (default: drop it silently, as the real API is believed to)")
	envFile := fs.String("env-file", "", "also write the EPCC_* lines to this file (mode 0600)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	secret := *clientSecret
	if secret == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		secret = hex.EncodeToString(b)
	}

	cfg := emulator.Config{
		ClientID:      *clientID,
		ClientSecret:  secret,
		TokenLifetime: *tokenLifetime,
		MemberDelay:   *memberDelay,

		RejectUnknownFlowKeys: *rejectUnknown,
		Faults: emulator.Faults{
			Rate429:         *rate429,
			RetryAfterShare: *retryAfterShare,
			Rate5xx:         *rate5xx,
			DropAfterCommit: *dropAfterCommit,
			Latency:         *latency,
			RateLimit:       *rateLimit,
			Seed:            *seed,
		},
	}
	for name, v := range map[string]float64{"rate-429": *rate429, "retry-after-share": *retryAfterShare, "rate-5xx": *rate5xx, "drop-after-commit": *dropAfterCommit} {
		if v < 0 || v > 1 {
			return fmt.Errorf("-%s must be between 0 and 1", name)
		}
	}
	if *rateLimit < 0 || *latency < 0 || *tokenLifetime <= 0 || *memberDelay < 0 {
		return fmt.Errorf("-rate-limit, -latency and -member-delay must not be negative and -token-lifetime must be positive")
	}
	if *memberDelay == 0 {
		cfg.MemberDelay = -1 // Config's zero value means the default
	}

	// Signals are caught from before the EPCC_* lines are printed, so that a
	// script that stops the emulator as soon as it has read them gets a clean
	// shutdown.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := emulator.Listen(*listen, cfg)
	if err != nil {
		return err
	}

	env := fmt.Sprintf("EPCC_API_BASE_URL=%s\nEPCC_CLIENT_ID=%s\nEPCC_CLIENT_SECRET=%s\n", srv.URL, *clientID, secret)
	if *envFile != "" {
		if err := writePrivate(*envFile, env); err != nil {
			_ = srv.Close()
			return err
		}
	}
	if _, err := io.WriteString(stdout, env); err != nil {
		_ = srv.Close()
		return err
	}

	<-ctx.Done()
	stop() // a second signal now kills the process the default way

	fmt.Fprintln(stderr, "moltin-emulator: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return srv.Close()
	}
	return nil
}

// writePrivate writes content to path readable by the owner only, tightening
// the mode of an existing file too since it holds the client secret.
func writePrivate(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunRejectsBadMemberDelay(t *testing.T) {
	err := run([]string{"-member-delay", "-1s"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-member-delay") {
		t.Errorf("negative -member-delay: %v", err)
	}
}

// The command serves Account Management with the member delay it was given,
// writes the EPCC_* lines to stdout and to -env-file, and stops on SIGINT.
func TestRunServesAccountManagement(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "moltin.env")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-member-delay", "0", "-client-secret", "s3cret-for-test", "-env-file", envFile}, pw, io.Discard)
		_ = pw.Close()
	}()

	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < 3 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		env[k] = v
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base := env["EPCC_API_BASE_URL"]
	if !strings.HasPrefix(base, "http://127.0.0.1:") || env["EPCC_CLIENT_SECRET"] != "s3cret-for-test" {
		t.Fatalf("stdout %v", env)
	}
	if b, err := os.ReadFile(envFile); err != nil || !strings.Contains(string(b), "EPCC_API_BASE_URL="+base) {
		t.Errorf("env file %q: %v", b, err)
	}

	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(base + "/__emulator/member-delay")
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Delay string }
	err = json.NewDecoder(resp.Body).Decode(&got)
	_ = resp.Body.Close()
	if err != nil || got.Delay != "0s" {
		t.Errorf("member delay %q: %v", got.Delay, err)
	}
	resp, err = hc.Get(base + "/__emulator/accounts")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/__emulator/accounts: %d", resp.StatusCode)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop on SIGINT")
	}
}

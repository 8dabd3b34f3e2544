package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Running is a Server listening on a loopback port.
type Running struct {
	*Server
	URL string // like "http://127.0.0.1:PORT"

	srv  *http.Server
	done chan struct{}
}

// Start serves a new Server on 127.0.0.1 at a free port. Plain-text
// net/http serves HTTP/1.1, so dropped responses can hijack the connection.
func Start(cfg Config) (*Running, error) {
	return Listen("127.0.0.1:0", cfg)
}

// Listen is Start on a chosen address. It refuses non-loopback addresses: the
// emulator accepts well-known test credentials and must not be reachable
// from other machines.
func Listen(addr string, cfg Config) (*Running, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, errors.New("emulator: listener is not on a loopback address")
	}
	s := New(cfg)
	r := &Running{
		Server: s,
		URL:    "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

// Close stops the listener and closes every connection immediately.
func (r *Running) Close() error {
	err := r.srv.Close()
	<-r.done
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests until
// ctx is done.
func (r *Running) Shutdown(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	<-r.done
	return err
}

// CheckLoopback returns an error unless addr ("host:port") names a loopback
// host: "localhost" or a loopback IP. An empty host would mean all interfaces.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("emulator: listen address must be host:port: " + err.Error())
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errors.New("emulator: refusing to listen on non-loopback address " + addr + "; use 127.0.0.1 or [::1]")
}

// Package loopback holds test helpers about loopback addresses, shared by
// the client's and the provider's tests.
package loopback

import (
	"net"
	"testing"
)

// ClosedURL is the http URL of a loopback port that nothing listens on: a
// connection to it is refused at once.
func ClosedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

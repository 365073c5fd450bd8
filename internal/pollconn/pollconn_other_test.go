//go:build !linux

package pollconn

import (
	"net"
	"testing"
)

// TestWrapIsIdentity: outside Linux, Wrap and Unwrap change nothing.
func TestWrapIsIdentity(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if Wrap(c) != c || Unwrap(c) != c {
		t.Error("Wrap or Unwrap changed the connection")
	}
}

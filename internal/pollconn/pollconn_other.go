//go:build !linux

package pollconn

import "net"

// Wrap returns c: outside Linux, reads use the network poller.
func Wrap(c net.Conn) net.Conn { return c }

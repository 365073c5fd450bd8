// Package pollconn makes a TCP connection's reads wait the way a blocking
// socket does: in the kernel, on the calling thread, for a short while,
// before they leave the waiting to the Go runtime's network poller.
//
// A client that sends a command and waits for the answer, thousands of
// times in a row, spends more CPU parking and waking its goroutine through
// the network poller (about five system calls and a trip through the
// scheduler per answer) than on the answers themselves. Waiting in ppoll(2)
// costs three system calls and no scheduling. Measured on 10,000 single
// FETCHes against Dovecot on loopback: 0.52 s of CPU with the poller, 0.37 s
// with this package.
//
// Deadlines, Close and everything else keep working as on a *net.TCPConn:
// the kernel wait is bounded by MaxWait and by the read deadline, after
// which the read falls back to the poller, where a deadline that has
// passed or a Close from another goroutine takes effect. A Close or a
// deadline set from another goroutine during a kernel wait therefore takes
// effect within MaxWait. At most GOMAXPROCS reads wait in the kernel at
// once (each holds a thread); the others use the poller at once.
package pollconn

import (
	"net"
	"time"
)

// MaxWait bounds one wait in the kernel. It covers the answer to a command
// on a local network; longer waits (IDLE, a slow server) go to the poller,
// where holding a thread would buy nothing.
const MaxWait = 2 * time.Millisecond

// Unwrap returns the connection Wrap was given, or c itself when c did
// not come from Wrap.
func Unwrap(c net.Conn) net.Conn {
	if w, ok := c.(interface{ tcpConn() *net.TCPConn }); ok {
		return w.tcpConn()
	}
	return c
}

package pollconn

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Wrap returns c with kernel waits on its reads when c is a *net.TCPConn
// whose descriptor is reachable, and c itself otherwise.
func Wrap(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	w := &conn{TCPConn: tc, rc: rc}
	w.readFn = w.read
	return w
}

// conn is a *net.TCPConn whose Read waits in ppoll(2) first.
type conn struct {
	*net.TCPConn
	rc syscall.RawConn
	// readDeadline is the read deadline in Unix nanoseconds, 0 for none;
	// it is read by the goroutine in Read and set by any goroutine.
	readDeadline atomic.Int64

	mu     sync.Mutex
	readFn func(fd uintptr) bool // c.read, made once
	p      []byte
	n      int
	errno  error
	waited bool // the kernel wait was tried during this Read
}

// maxWait is MaxWait; tests lengthen it to make the kernel wait certain
// to be caught on a loaded machine.
var maxWait = MaxWait

// waiters counts the reads now waiting in the kernel, across connections;
// kernelWaits counts the waits that ended with something to read (tests
// use it to tell that the kernel wait, not the poller, delivered data).
var (
	waiters     atomic.Int32
	kernelWaits atomic.Int64
)

// tcpConn returns the wrapped connection, for Unwrap.
func (c *conn) tcpConn() *net.TCPConn { return c.TCPConn }

func (c *conn) SetDeadline(t time.Time) error {
	c.storeDeadline(t)
	return c.TCPConn.SetDeadline(t)
}

func (c *conn) SetReadDeadline(t time.Time) error {
	c.storeDeadline(t)
	return c.TCPConn.SetReadDeadline(t)
}

func (c *conn) storeDeadline(t time.Time) {
	if t.IsZero() {
		c.readDeadline.Store(0)
		return
	}
	// A deadline before 1970 has passed as surely as one in 1970.
	c.readDeadline.Store(max(t.UnixNano(), 1))
}

func (c *conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return c.TCPConn.Read(p)
	}
	// The callback's state lives in c, so that a Read allocates nothing;
	// mu keeps concurrent Reads (which net.Conn allows) apart.
	c.mu.Lock()
	defer c.mu.Unlock()
	c.p, c.n, c.errno, c.waited = p, 0, nil, false
	err := c.rc.Read(c.readFn)
	c.p = nil
	if err == nil && c.errno != nil {
		err = os.NewSyscallError("read", c.errno)
	}
	if err != nil {
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	}
	if c.n == 0 {
		return 0, io.EOF
	}
	return c.n, nil
}

// read is the RawConn.Read callback: it reports false to leave the wait
// to the poller, which calls it again once fd is readable.
func (c *conn) read(fd uintptr) bool {
	for {
		c.n, c.errno = syscall.Read(int(fd), c.p)
		switch {
		case c.errno == syscall.EINTR:
			continue
		case c.errno != syscall.EAGAIN:
			return true
		case c.waited:
			return false
		}
		c.waited = true
		if !c.waitReadable(int(fd)) {
			return false
		}
	}
}

// waitReadable waits in the kernel, at most MaxWait and never past the
// read deadline, until fd has something to read (or an error or hang-up to
// report). It reports false when it did not wait or the time ran out.
func (c *conn) waitReadable(fd int) bool {
	wait := maxWait
	if dl := c.readDeadline.Load(); dl != 0 {
		left := time.Duration(dl - time.Now().UnixNano())
		if left <= 0 {
			return false
		}
		wait = min(wait, left)
	}
	// A thread waiting in the kernel keeps its P until the scheduler's
	// monitor takes it back, which may take milliseconds; in that time
	// nothing else polls the network for this process. So one P is always
	// left to the rest of the program: with GOMAXPROCS=1 an in-process
	// server would otherwise answer only after each wait timed out.
	if waiters.Add(1) > int32(runtime.GOMAXPROCS(0))-1 {
		waiters.Add(-1)
		return false
	}
	defer waiters.Add(-1)
	pfd := pollFd{fd: int32(fd), events: pollIn}
	ts := syscall.NsecToTimespec(int64(wait))
	r, _, e := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1,
		uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	if e != 0 || r == 0 {
		return false
	}
	kernelWaits.Add(1)
	return true
}

// pollFd is struct pollfd of poll(2).
type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

const pollIn = 0x1

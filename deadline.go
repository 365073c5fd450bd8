package imaplib

import (
	"context"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// transport is what the engine reads and writes: a socket, a TLS session,
// a child process's pipes, or DEFLATE over one of them.
type transport interface {
	io.ReadWriteCloser
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// deadlineTransport puts the time limits on every read and write:
//
//   - the connection's timeout bounds each blocking call, as a Python
//     socket timeout does (not a whole command, which may stream for long);
//   - while an idler waits for the next response, until replaces it (zero
//     means no limit), as CPython's _get_response(start_timeout) does;
//   - the running command's context deadline bounds everything, and its
//     cancellation interrupts a blocked call at once.
type deadlineTransport struct {
	transport
	timeout   time.Duration
	waiting   bool      // an idler waits for a response to begin
	until     time.Time // the end of that wait
	ctx       context.Context
	limit     time.Time // the context's deadline
	cancelled atomic.Bool
	armedR    bool // a read deadline is in force
	armedW    bool
}

// past is a deadline that has expired: it makes a blocked call return.
var past = time.Unix(1, 0)

// deadline returns the deadline of the next call (zero: none). It reads
// the clock only for a timeout, which most connections do not set.
func (t *deadlineTransport) deadline() time.Time {
	var dl time.Time
	switch {
	case t.waiting:
		dl = t.until
	case t.timeout > 0:
		dl = time.Now().Add(t.timeout)
	}
	if !t.limit.IsZero() && (dl.IsZero() || t.limit.Before(dl)) {
		dl = t.limit
	}
	if t.cancelled.Load() {
		dl = past
	}
	return dl
}

func (t *deadlineTransport) Read(p []byte) (int, error) {
	if dl := t.deadline(); !dl.IsZero() || t.armedR {
		if err := t.SetReadDeadline(dl); err != nil {
			return 0, err
		}
		t.armedR = !dl.IsZero()
		// A cancellation between computing dl and setting it would be lost.
		if t.cancelled.Load() {
			_ = t.SetReadDeadline(past)
		}
	}
	return t.transport.Read(p)
}

func (t *deadlineTransport) Write(p []byte) (int, error) {
	saved := t.waiting
	t.waiting = false
	dl := t.deadline()
	t.waiting = saved
	if !dl.IsZero() || t.armedW {
		if err := t.SetWriteDeadline(dl); err != nil {
			return 0, err
		}
		t.armedW = !dl.IsZero()
		if t.cancelled.Load() {
			_ = t.SetWriteDeadline(past)
		}
	}
	return t.transport.Write(p)
}

// cancel interrupts the call in progress, if any, and every later one
// until the context is disarmed.
func (t *deadlineTransport) cancel() {
	t.cancelled.Store(true)
	_ = t.SetReadDeadline(past)
	_ = t.SetWriteDeadline(past)
}

// arm makes ctx bound every call until the returned function disarms it:
// its deadline limits them and its cancellation interrupts them.
func (t *deadlineTransport) arm(ctx context.Context) (disarm func()) {
	if ctx == nil {
		return func() {}
	}
	t.ctx = ctx
	if dl, ok := ctx.Deadline(); ok {
		t.limit = dl
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		t.cancel()
	})
	return func() {
		if !stop() {
			// The cancellation set past deadlines behind the transport's
			// back; clear them for the next call.
			<-fired
			_ = t.SetReadDeadline(time.Time{})
			_ = t.SetWriteDeadline(time.Time{})
			t.armedR, t.armedW = false, false
		}
		t.limit = time.Time{}
		t.cancelled.Store(false)
		t.ctx = nil
	}
}

// ctxErr returns the armed context's error, counting its deadline as
// passed as soon as the transport's deadline for it has.
func (t *deadlineTransport) ctxErr() error {
	if t.ctx == nil {
		return nil
	}
	if err := t.ctx.Err(); err != nil {
		return err
	}
	if !t.limit.IsZero() && !time.Now().Before(t.limit) {
		return context.DeadlineExceeded
	}
	return nil
}

// waitEnded reports whether err ended an IDLE wait rather than the
// connection: the wait's own deadline passed, or its context is done.
func (t *deadlineTransport) waitEnded(err error) bool {
	return t.waiting && errors.Is(err, os.ErrDeadlineExceeded)
}

// begin locks the connection for one command and arms the view's
// context; the function it returns disarms it and unlocks. A command that
// its context interrupted leaves the connection closed: the server's
// answer would otherwise arrive out of step.
func (m *IMAP4) begin() func() {
	m.cmdMu.Lock()
	return m.armView()
}

// armView is begin for a caller that holds the command lock already.
func (m *IMAP4) armView() func() {
	if m.call.ctx == nil || m.e.dt == nil {
		if m.unlock == nil {
			m.unlock = m.cmdMu.Unlock // made once: a method value allocates
		}
		return m.unlock
	}
	disarm := m.e.dt.arm(m.call.ctx)
	return func() {
		disarm()
		if m.e.dead != nil && isContextError(m.e.dead) {
			m.e.close()
		}
		m.cmdMu.Unlock()
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

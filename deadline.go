package imaplib

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

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
	limit     time.Time // the command's context deadline
	cancelled atomic.Bool
	armedR    bool // a read deadline is in force
	armedW    bool
}

// past is a deadline that has expired: it makes a blocked call return.
var past = time.Unix(1, 0)

func (t *deadlineTransport) deadline(now time.Time) time.Time {
	var dl time.Time
	switch {
	case t.waiting:
		dl = t.until
	case t.timeout > 0:
		dl = now.Add(t.timeout)
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
	if dl := t.deadline(time.Now()); !dl.IsZero() || t.armedR {
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
	dl := t.deadline(time.Now())
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
// until the command ends.
func (t *deadlineTransport) cancel() {
	t.cancelled.Store(true)
	_ = t.SetReadDeadline(past)
	_ = t.SetWriteDeadline(past)
}

// begin locks the connection for one command and arms the view's
// context; the function it returns disarms it and unlocks. A command that
// its context interrupted leaves the connection closed: the server's
// answer would otherwise arrive out of step.
func (m *IMAP4) begin() func() {
	m.mu.Lock()
	ctx := m.call.ctx
	if ctx == nil || m.dt == nil {
		return m.mu.Unlock
	}
	m.active = ctx
	if dl, ok := ctx.Deadline(); ok {
		m.dt.limit = dl
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		m.dt.cancel()
	})
	return func() {
		if !stop() {
			// The cancellation set past deadlines behind the transport's
			// back; clear them for the next command.
			<-fired
			_ = m.dt.SetReadDeadline(time.Time{})
			_ = m.dt.SetWriteDeadline(time.Time{})
			m.dt.armedR, m.dt.armedW = false, false
		}
		m.dt.limit = time.Time{}
		m.dt.cancelled.Store(false)
		m.active = nil
		if m.dead != nil && isContextError(m.dead) {
			m.shutdown()
		}
		m.mu.Unlock()
	}
}

// ctxErr returns the running command's context error, counting its
// deadline as passed as soon as the transport's deadline for it has.
func (m *IMAP4) ctxErr() error {
	if m.active == nil {
		return nil
	}
	if err := m.active.Err(); err != nil {
		return err
	}
	if m.dt != nil && !m.dt.limit.IsZero() && !time.Now().Before(m.dt.limit) {
		return context.DeadlineExceeded
	}
	return nil
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

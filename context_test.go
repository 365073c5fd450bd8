package imaplib

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// stallingServer answers LOGIN and NOOP, but never completes FETCH; it
// closes fetched once it has received a FETCH and answered it in part.
func stallingServer(t *testing.T) (s *fakeServer, fetched <-chan struct{}) {
	ch := make(chan struct{})
	once := sync.OnceFunc(func() { close(ch) })
	s = newFakeServer(t, nil, func(s *fakeServer) {
		s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
			c.Write("* 1 FETCH (FLAGS ())") // then nothing
			once()
		}
		s.Handlers["NOOP"] = simpleHandler(nil, "NOOP completed")
	})
	return s, ch
}

func TestContextDeadlineBoundsOneCommand(t *testing.T) {
	// The server never completes FETCH and never answers NOOP: only the
	// context's deadline can end the first, and the second must fail
	// without waiting for the server.
	s := newFakeServer(t, nil, func(s *fakeServer) {
		s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
			c.Write("* 1 FETCH (FLAGS ())") // then nothing
		}
		s.Handlers["NOOP"] = func(*fakeConn, string, []string) {}
	})
	m := dialFake(t, s)
	m.Login("user", "pass")
	m.Select("", false)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	stop := s.Close // ends the blocked read from the server's side
	var err error
	hangGuard(t, "Fetch past its context's deadline", stop, func() {
		_, _, err = m.WithContext(ctx).Fetch("1", "(FLAGS)")
	})
	var abort *AbortError
	if !errors.As(err, &abort) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch = %v, want an *AbortError wrapping context.DeadlineExceeded", err)
	}
	// The reply may still come: the connection must not be used again.
	hangGuard(t, "Noop on a dead connection", stop, func() {
		_, _, err = m.Noop()
	})
	if !errors.As(err, &abort) {
		t.Errorf("Noop after the interrupted command: %v", err)
	}
}

func TestContextCancelInterruptsBlockedRead(t *testing.T) {
	s, fetched := stallingServer(t)
	m := dialFake(t, s)
	m.Login("user", "pass")
	m.Select("", false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the server has the FETCH: the client is then waiting
	// for the rest of the reply, which never comes.
	go func() {
		<-fetched
		cancel()
	}()
	var err error
	hangGuard(t, "Fetch after its context was cancelled", s.Close, func() {
		_, _, err = m.WithContext(ctx).Fetch("1", "(FLAGS)")
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fetch = %v, want context.Canceled", err)
	}
	// No socket left is a closed connection too.
	if sock := m.Socket(); sock != nil {
		if _, err := sock.Write([]byte("x")); err == nil {
			t.Error("the interrupted connection is still open")
		}
	}
}

func TestContextDoneBeforeSendingLeavesConnectionUsable(t *testing.T) {
	s, _ := stallingServer(t)
	m := dialFake(t, s)
	m.Login("user", "pass")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := len(s.Lines())
	if _, _, err := m.WithContext(ctx).Noop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Noop with a cancelled context = %v", err)
	}
	if got := len(s.Lines()); got != n {
		t.Errorf("a command was sent: %q", s.Lines()[n:])
	}
	typ, data, err := m.Noop()
	if err != nil || typ != "OK" {
		t.Fatalf("Noop afterwards = %s, %v", Repr(typ, data), err)
	}
	// The view and the connection share their state.
	if m.WithContext(context.Background()).State() != m.State() {
		t.Error("a view has its own state")
	}
}

func TestContextWithoutDeadlineDoesNotLimit(t *testing.T) {
	// NOOP is answered only once the client waits for the answer.
	s := newFakeServer(t, nil, func(s *fakeServer) {
		s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
			waitClientReading(c.s.t)
			c.Write(tag + " OK NOOP completed")
		}
	})
	m := dialFake(t, s, WithTimeout(time.Second))
	if _, _, err := m.WithContext(context.Background()).Noop(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
}

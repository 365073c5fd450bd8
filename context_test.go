package imaplib

import (
	"context"
	"errors"
	"testing"
	"time"
)

// stallingServer answers LOGIN and NOOP, but never completes FETCH.
func stallingServer(t *testing.T) *fakeServer {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
		c.Write("* 1 FETCH (FLAGS ())") // then nothing
	}
	s.Handlers["NOOP"] = simpleHandler(nil, "NOOP completed")
	return s
}

func TestContextDeadlineBoundsOneCommand(t *testing.T) {
	s := stallingServer(t)
	m := dialFake(t, s)
	m.Login("user", "pass")
	m.Select("", false)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := m.WithContext(ctx).Fetch("1", "(FLAGS)")
	if d := time.Since(start); d > time.Second {
		t.Errorf("Fetch returned after %v", d)
	}
	var abort *AbortError
	if !errors.As(err, &abort) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch = %v, want an *AbortError wrapping context.DeadlineExceeded", err)
	}
	// The reply may still come: the connection must not be used again.
	start = time.Now()
	if _, _, err := m.Noop(); !errors.As(err, &abort) {
		t.Errorf("Noop after the interrupted command: %v", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("Noop on a dead connection took %v", d)
	}
}

func TestContextCancelInterruptsBlockedRead(t *testing.T) {
	s := stallingServer(t)
	m := dialFake(t, s)
	m.Login("user", "pass")
	m.Select("", false)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, _, err := m.WithContext(ctx).Fetch("1", "(FLAGS)")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fetch = %v, want context.Canceled", err)
	}
	if m.Socket() == nil {
		return
	}
	if _, err := m.Socket().Write([]byte("x")); err == nil {
		t.Error("the interrupted connection is still open")
	}
}

func TestContextDoneBeforeSendingLeavesConnectionUsable(t *testing.T) {
	s := stallingServer(t)
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
	s := newFakeServer(t, nil)
	s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
		time.Sleep(150 * time.Millisecond)
		c.Write(tag + " OK NOOP completed")
	}
	m := dialFake(t, s, WithTimeout(time.Second))
	if _, _, err := m.WithContext(context.Background()).Noop(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
}

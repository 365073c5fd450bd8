package imaplib

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// hangBound bounds how long a test waits for something that must happen
// promptly. It only tells "ends" from "never ends": the timings the
// package promises (within 100 ms) are logged, not asserted, since a
// loaded machine may stretch them.
const hangBound = 5 * time.Second

// idleForever answers IDLE with a continuation and then waits for DONE,
// sending nothing: an IDLE without a timeout blocks in its read.
func idleForever(c *fakeConn, tag string, _ []string) {
	c.Write("+ idling")
	if line, err := c.ReadLine(); err == nil && line == "DONE" {
		c.Write(tag + " OK Idle completed")
	}
}

// idlingClient returns a client whose Idle(0) (through view, if given) is
// running, and a channel closed when its iteration ends.
func idlingClient(t *testing.T, ctx context.Context) (*IMAP4, *Idler, <-chan time.Time) {
	t.Helper()
	s := newFakeServer(t, nil, func(s *fakeServer) { s.Capabilities = "IDLE" })
	s.Handlers["IDLE"] = idleForever
	s.Handlers["NOOP"] = simpleHandler(nil, "NOOP completed")
	m := dialFake(t, s, WithTimeout(2*time.Second))
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	v := m
	if ctx != nil {
		v = m.WithContext(ctx)
	}
	idler, err := v.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan time.Time)
	go func() {
		for range idler.Responses() {
		}
		ended <- time.Now()
	}()
	return m, idler, ended
}

func waitEnded(t *testing.T, ended <-chan time.Time, what string, since time.Time) {
	t.Helper()
	select {
	case at := <-ended:
		t.Logf("%s ended the IDLE after %v", what, at.Sub(since))
	case <-time.After(hangBound):
		t.Fatalf("%s did not end an IDLE without a timeout", what)
	}
}

// Shutdown from another goroutine ends an IDLE that waits without a
// timeout, and neither it nor Socket waits for the command.
func TestShutdownEndsIdleWithoutTimeout(t *testing.T) {
	m, idler, ended := idlingClient(t, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if m.Socket() == nil {
			t.Error("Socket() = nil during IDLE")
		}
		m.UntaggedResponses()
		if s := m.State(); s != StateIdling {
			t.Errorf("State() = %s during IDLE", s)
		}
	}()
	select {
	case <-done:
	case <-time.After(hangBound):
		t.Fatal("Socket, State or UntaggedResponses waited for the IDLE")
	}
	start := time.Now()
	if err := m.Shutdown(); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	waitEnded(t, ended, "Shutdown", start)
	var abort *AbortError
	if err := idler.Err(); !errors.As(err, &abort) {
		t.Errorf("Err() after Shutdown = %v, want an *AbortError", err)
	}
	if _, _, err := m.Noop(); err == nil {
		t.Error("Noop after Shutdown succeeded")
	}
}

// Logout from another goroutine ends the IDLE too: by closing the
// connection when the idler is waiting for the server (Logout then says
// that no LOGOUT could be sent), or, when it caught the idler between two
// waits, by sending DONE and LOGOUT.
func TestLogoutFromAnotherGoroutineEndsIdle(t *testing.T) {
	m, idler, ended := idlingClient(t, nil)
	start := time.Now()
	typ, _, err := m.Logout()
	var abort *AbortError
	switch {
	case err == nil && typ == "BYE":
		if err := idler.Err(); err != nil {
			t.Errorf("Err() after a clean Logout = %v", err)
		}
	case errors.As(err, &abort):
		if err := idler.Err(); err != nil && !errors.As(err, &abort) {
			t.Errorf("Err() after Logout = %v", err)
		}
	default:
		t.Errorf("Logout during IDLE = %s, %v", typ, err)
	}
	waitEnded(t, ended, "Logout", start)
	if s := m.State(); s != StateLogout {
		t.Errorf("State() after Logout = %s", s)
	}
}

// Logout on the idling goroutine itself (between two iterations) ends
// IDLE with DONE and logs out cleanly.
func TestLogoutDuringIdleSendsDone(t *testing.T) {
	s := newFakeServer(t, nil, func(s *fakeServer) { s.Capabilities = "IDLE" })
	s.Handlers["IDLE"] = idleForever
	m := dialFake(t, s)
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	typ, data, err := m.Logout()
	if err != nil || typ != "BYE" {
		t.Fatalf("Logout = %s, %v", Repr(typ, data), err)
	}
	if err := idler.Close(); err != nil {
		t.Errorf("Close after Logout = %v", err)
	}
	lines := s.Lines()
	if n := len(lines); n < 2 || lines[n-2] != "DONE" || !strings.HasSuffix(lines[n-1], " LOGOUT") {
		t.Errorf("wire %q", lines)
	}
}

// Idle on a WithContext view honours the context: cancelling it ends the
// iteration, and Close still ends IDLE cleanly on a usable connection.
func TestIdleHonoursItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, idler, ended := idlingClient(t, ctx)
	start := time.Now()
	cancel()
	waitEnded(t, ended, "cancelling the context", start)
	if err := idler.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err() = %v, want context.Canceled", err)
	}
	if err := idler.Close(); err != nil {
		t.Fatalf("Close after the context ended: %v", err)
	}
	if typ, _, err := m.Noop(); err != nil || typ != "OK" {
		t.Errorf("Noop after IDLE = %s, %v", typ, err)
	}
}

// A context with a deadline bounds an IDLE wait the same way.
func TestIdleContextDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, idler, ended := idlingClient(t, ctx)
	waitEnded(t, ended, "the context's deadline", time.Now())
	if err := idler.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() = %v, want context.DeadlineExceeded", err)
	}
	if err := idler.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// WithConnectContext bounds the greeting: a server that sends a byte and
// then nothing, as one trickling its greeting does, cannot hold New once
// the context is done, whatever WithTimeout says.
func TestConnectContextBoundsTheGreeting(t *testing.T) {
	sent := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	s := newFakeServer(t, nil, func(s *fakeServer) {
		s.OnConnect = func(c *fakeConn) bool {
			c.WriteRaw("*")
			close(sent)
			<-release
			return false
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		m   *IMAP4
		err error
	}
	res := make(chan result)
	go func() {
		m, err := New(s.host, s.port, WithTimeout(time.Hour), WithConnectContext(ctx))
		res <- result{m, err}
	}()
	<-sent
	start := time.Now()
	cancel()
	select {
	case r := <-res:
		t.Logf("New returned %v after the cancel", time.Since(start))
		if r.m != nil || !errors.Is(r.err, context.Canceled) {
			t.Errorf("New = %v, %v; want nil and an error wrapping context.Canceled", r.m, r.err)
		}
	case <-time.After(hangBound):
		t.Fatal("New did not return when its connect context was cancelled")
	}
}

// A connect context that is done already stops New before it dials.
func TestConnectContextDoneBeforeDial(t *testing.T) {
	s := newFakeServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m, err := New(s.host, s.port, WithConnectContext(ctx))
	if m != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("New = %v, %v", m, err)
	}
	if n := len(s.Lines()); n != 0 {
		t.Errorf("the client sent %d lines", n)
	}
}

// The engine matches each tagged response to its command by tag, in any
// order, and gives untagged data to the store while more than one command
// is in flight.
func TestEngineMatchesResponsesByTag(t *testing.T) {
	wire := "* 3 EXISTS\r\nABCD1 OK second done\r\n* 1 FETCH (FLAGS (\\Seen))\r\nABCD0 NO first refused\r\n"
	m := replayClient(t, []byte(wire))
	first := &command{name: "NOOP"}
	second := &command{name: "CHECK"}
	for _, c := range []*command{first, second} {
		if err := m.e.start(c); err != nil {
			t.Fatal(err)
		}
	}
	if first, second := m.e.tagOf(first), m.e.tagOf(second); first != "ABCD0" || second != "ABCD1" {
		t.Fatalf("tags %s, %s", first, second)
	}
	for first.done == nil || second.done == nil {
		if _, err := m.e.read(false); err != nil {
			t.Fatal(err)
		}
	}
	if got := Repr(second.done.typ, second.done.data); got != "('OK', [b'second done'])" {
		t.Errorf("second = %s", got)
	}
	if got := Repr(first.done.typ, first.done.data); got != "('NO', [b'first refused'])" {
		t.Errorf("first = %s", got)
	}
	if d, _ := m.store.get("EXISTS"); len(d) != 1 {
		t.Errorf("EXISTS in the store: %v", d)
	}
	if d, _ := m.store.get("FETCH"); len(d) != 1 {
		t.Errorf("FETCH in the store: %v", d)
	}
	m.e.complete(first)
	m.e.complete(second)
	if len(m.e.inflight) != 0 {
		t.Errorf("%d commands still in flight", len(m.e.inflight))
	}
}

// A tagged response for no command in flight is a protocol violation.
func TestEngineRefusesUnknownTag(t *testing.T) {
	m := replayClient(t, []byte("ABCD7 OK who asked\r\n"))
	_, err := m.e.read(false)
	var abort *AbortError
	if !errors.As(err, &abort) || abort.Msg != "unexpected tagged response: b'ABCD7 OK who asked'" {
		t.Fatalf("read = %v", err)
	}
}

// A tag is matched as the text the client sent, as CPython's dictionary of
// tags does: with command 1 in flight, ABCD01 and a tag too long for a
// number are tags of no command, and ABCD1 is command 1's.
func TestEngineMatchesTagsAsText(t *testing.T) {
	for _, tc := range []struct {
		reply string
		known bool
	}{
		{"ABCD1 OK done", true},
		{"ABCD01 OK done", false},
		{"ABCD0 OK done", false},
		{"ABCD" + strings.Repeat("9", 30) + " OK done", false},
		{"ABCD" + strings.Repeat("0", 19) + "1 OK done", false},
	} {
		m := replayClient(t, []byte(tc.reply+"\r\n"))
		c := &command{name: "NOOP", num: 1}
		m.e.inflight[c.num] = c
		_, err := m.e.read(false)
		switch {
		case tc.known && (err != nil || c.done == nil):
			t.Errorf("%q: read = %v, completed %v; want command 1 completed", tc.reply, err, c.done != nil)
		case !tc.known && !strings.HasPrefix(fmt.Sprint(err), "unexpected tagged response"):
			t.Errorf("%q: read = %v, want an unexpected tagged response", tc.reply, err)
		}
	}
	for _, tc := range []struct {
		digits string
		want   int
	}{{"0", 0}, {"7", 7}, {"10", 10}, {"007", -1}, {"999999999", 999999999}, {strings.Repeat("1", maxTagDigits+1), -1}} {
		if got := tagNumber([]byte(tc.digits)); got != tc.want {
			t.Errorf("tagNumber(%s) = %d, want %d", tc.digits, got, tc.want)
		}
	}
}

// WithConnectContext bounds IMAP4_SSL's TLS handshake too: a server that
// accepts the connection and never answers the ClientHello cannot hold it.
func TestConnectContextBoundsTheHandshake(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() {
		_, err := IMAP4_SSL("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, WithConnectContext(ctx))
		res <- err
	}()
	conn := <-accepted
	if conn == nil {
		t.Fatal("no connection")
	}
	defer conn.Close()
	cancel()
	select {
	case err := <-res:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("IMAP4_SSL = %v, want an error wrapping context.Canceled", err)
		}
	case <-time.After(hangBound):
		t.Fatal("IMAP4_SSL did not return when its connect context was cancelled")
	}
}

package imaplib

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// idleHandler is CPython's IdleCmdHandler: data before the continuation,
// a FETCH with a literal, a pause, and more data before and after DONE.
// CPython's pause is a sleep; here it lasts until the test closes pause, so
// the data after it cannot reach an iteration that must end before it.
func idleHandler(pause <-chan struct{}) func(c *fakeConn, tag string, args []string) {
	return func(c *fakeConn, tag string, args []string) {
		c.Write("* 0 EXISTS")
		// The continuation and what follows it in one write: a burst
		// receives them together, however the scheduler runs this goroutine.
		c.WriteRaw("+ idling\r\n" +
			"* 2 EXISTS\r\n" +
			"* 1 FETCH (BODY[HEADER.FIELDS (DATE)] {41}\r\nDate: Fri, 06 Dec 2024 06:00:00 +0000\r\n\r\n)\r\n" +
			"* 3 EXISTS\r\n")
		<-pause
		c.Write("* 1 RECENT")
		if line, err := c.ReadLine(); err != nil || line != "DONE" {
			c.s.t.Errorf("expected DONE, got %q, %v", line, err)
			return
		}
		c.Write("* 9 RECENT")
		c.Write(tag + " OK Idle completed")
	}
}

// idlePause makes the channel for idleHandler and the function that closes
// it. Tests also defer that function: deferred calls run before the
// cleanup in which the server waits for its handler, so a test that fails
// early does not hang there.
func idlePause() (<-chan struct{}, func()) {
	pause := make(chan struct{})
	return pause, sync.OnceFunc(func() { close(pause) })
}

func idleClient(t *testing.T, h func(*fakeConn, string, []string)) (*fakeServer, *IMAP4) {
	s := newFakeServer(t, nil)
	s.Capabilities = "IDLE"
	s.Handlers["IDLE"] = h
	m := dialFake(t, s)
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	return s, m
}

func TestIdleCapability(t *testing.T) { // test_idle_capability
	s := newFakeServer(t, nil)
	m := dialFake(t, s)
	_, err := m.Idle(0)
	var e *Error
	if !errors.As(err, &e) || e.Msg != "Server does not support IMAP4 IDLE" {
		t.Fatalf("Idle without the capability: %v", err)
	}
}

func TestIdleDenied(t *testing.T) { // test_idle_denied
	_, m := idleClient(t, func(c *fakeConn, tag string, args []string) {
		c.Write(tag + " NO IDLE is not allowed at this time")
	})
	_, err := m.Idle(0)
	var e *Error
	if !errors.As(err, &e) || e.Msg != "idle denied: [b'IDLE is not allowed at this time']" {
		t.Fatalf("Idle = %v", err)
	}
	if m.State() != StateAuth {
		t.Errorf("state after denial = %s", m.State())
	}
}

func TestIdleIter(t *testing.T) { // test_idle_iter
	pause, release := idlePause()
	defer release()
	_, m := idleClient(t, idleHandler(pause))
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Noop(); err == nil || !strings.Contains(err.Error(), "illegal in state IDLING") {
		t.Errorf("Noop while idling: %v", err)
	}
	var got []string
	for typ, data := range idler.Responses() {
		got = append(got, Repr(typ, data))
		if len(got) == 4 {
			break
		}
	}
	release()
	want := []string{
		"('EXISTS', [b'0'])",
		"('EXISTS', [b'2'])",
		`('FETCH', [(b'1 (BODY[HEADER.FIELDS (DATE)] {41}', b'Date: Fri, 06 Dec 2024 06:00:00 +0000\r\n\r\n'), b')'])`,
		"('EXISTS', [b'3'])",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("iterated:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	if typ, data := m.Response("EXISTS"); Repr(typ, data) != "('EXISTS', [None])" {
		t.Errorf("EXISTS after IDLE = %s", Repr(typ, data))
	}
	if typ, data := m.Response("RECENT"); Repr(typ, data) != "('RECENT', [b'1', b'9'])" {
		t.Errorf("RECENT after IDLE = %s", Repr(typ, data))
	}
	if m.State() != StateAuth {
		t.Errorf("state after IDLE = %s", m.State())
	}
}

func TestIdleBurst(t *testing.T) { // test_idle_burst
	pause, release := idlePause()
	defer release()
	_, m := idleClient(t, idleHandler(pause))
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	// The burst ends after 100 ms without a response: the server sends
	// nothing more until release.
	for range idler.Burst(100 * time.Millisecond) {
		n++
	}
	release()
	if n != 4 {
		t.Errorf("burst yielded %d responses, want 4", n)
	}
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	if typ, data := m.Response("RECENT"); Repr(typ, data) != "('RECENT', [b'1', b'9'])" {
		t.Errorf("RECENT after IDLE = %s", Repr(typ, data))
	}
}

func TestIdleDelayedPacket(t *testing.T) { // test_idle_delayed_packet
	// CPython sleeps 0.2 s and 1 s between the pieces of a line, so that
	// the idle duration ends in the middle of it. Here the line's end is
	// sent when the iteration has ended (or, if the idler never gives up,
	// after a hang guard, and the test fails).
	iterated, release := idlePause()
	defer release()
	_, m := idleClient(t, func(c *fakeConn, tag string, args []string) {
		c.Write("+ idling")
		c.WriteRaw("* 1 EX")
		c.WriteRaw("IS")
		select {
		case <-iterated:
		case <-time.After(10 * time.Second):
		}
		c.WriteRaw("TS\r\n")
		if line, err := c.ReadLine(); err != nil || line != "DONE" {
			return
		}
		c.Write(tag + " OK Idle completed")
	})
	start := time.Now() // before Idle, which starts the duration
	idler, err := m.Idle(500 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for typ, data := range idler.Responses() {
		t.Errorf("unexpected response %s", Repr(typ, data))
	}
	d := time.Since(start)
	release()
	// Not before the duration; the upper bound is about hangs, the order
	// (no response before the line's end was sent) is checked above.
	if d < 500*time.Millisecond || d > 10*time.Second {
		t.Errorf("iteration ended after %v, want 500ms", d)
	}
	if err := idler.Err(); err != nil {
		t.Fatalf("Err = %v", err)
	}
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	// The split line survived the timeout and completed later.
	if typ, data := m.Response("EXISTS"); Repr(typ, data) != "('EXISTS', [b'1'])" {
		t.Errorf("EXISTS = %s", Repr(typ, data))
	}
}

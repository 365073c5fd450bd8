//go:build linux

package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// newTestEcho starts an echo server (roundtrip.go) for a test.
func newTestEcho(t *testing.T) *echoServer {
	t.Helper()
	s, err := newEchoServer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// relayTo starts a relay to s and registers its close.
func relayTo(t *testing.T, s *echoServer, delay time.Duration) (*relay, net.Conn) {
	t.Helper()
	r, err := newRelay(s.ln.Addr().String(), delay)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", r.ln.Addr().String())
	if err != nil {
		r.Close()
		t.Fatal(err)
	}
	return r, c
}

// TestRelayBytes sends 8 MiB of random bytes in writes of random sizes
// through the relay to an echo server, and checks that the same bytes, in
// the same order, come back through the relay.
func TestRelayBytes(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := newTestEcho(t)
	defer s.close()
	r, c := relayTo(t, s, time.Millisecond)
	defer r.Close()
	defer c.Close()

	rng := rand.New(rand.NewPCG(1, 2))
	sent := make([]byte, 8<<20)
	for i := range sent {
		sent[i] = byte(rng.Uint32())
	}
	werr := make(chan error, 1)
	go func() {
		b := sent
		for len(b) > 0 {
			n := min(len(b), 1+rng.IntN(100<<10))
			if _, err := c.Write(b[:n]); err != nil {
				werr <- err
				return
			}
			b = b[n:]
		}
		werr <- nil
	}()
	got := make([]byte, len(sent))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent) {
		i := 0
		for got[i] == sent[i] {
			i++
		}
		t.Fatalf("the echo differs from byte %d on", i)
	}
}

// TestRelayDelay checks that a ping-pong through the relay takes at least
// twice the one-way delay.
func TestRelayDelay(t *testing.T) {
	defer goleak.VerifyNone(t)
	const delay = 5 * time.Millisecond
	s := newTestEcho(t)
	defer s.close()
	r, c := relayTo(t, s, delay)
	defer r.Close()
	defer c.Close()

	buf := make([]byte, 16)
	for i := range 5 {
		msg := []byte{'p', byte('0' + i)}
		start := time.Now()
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf[:len(msg)]); err != nil {
			t.Fatal(err)
		}
		if rtt := time.Since(start); rtt < 2*delay {
			t.Errorf("round trip %d took %v, want at least %v", i, rtt, 2*delay)
		}
		if !bytes.Equal(buf[:len(msg)], msg) {
			t.Fatalf("got %q, want %q", buf[:len(msg)], msg)
		}
	}
}

// relayPair connects a client through a relay to a server that the test
// drives by hand, and returns the three. The caller closes them.
func relayPair(t *testing.T) (r *relay, client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if r, err = newRelay(ln.Addr().String(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if client, err = net.Dial("tcp", r.ln.Addr().String()); err != nil {
		r.Close()
		t.Fatal(err)
	}
	if server, err = ln.Accept(); err != nil {
		client.Close()
		r.Close()
		t.Fatal(err)
	}
	return r, client, server
}

// TestRelayClose checks that closing either side closes the other: what
// the closing side wrote before it closed still arrives, then EOF.
func TestRelayClose(t *testing.T) {
	for _, closer := range []string{"client", "server"} {
		t.Run(closer, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			r, c, server := relayPair(t)
			defer r.Close()
			from, to := c, server
			if closer == "server" {
				from, to = server, c
			}
			defer to.Close()
			if _, err := from.Write([]byte("* BYE")); err != nil {
				t.Fatal(err)
			}
			from.Close()
			if got, err := io.ReadAll(to); err != nil || string(got) != "* BYE" {
				t.Fatalf("read %q, %v; want %q", got, err, "* BYE")
			}
		})
	}
}

// TestRelayCloseWhileBusy closes the relay while data is queued both
// ways: Close returns, and every goroutine ends.
func TestRelayCloseWhileBusy(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := newTestEcho(t)
	defer s.close()
	r, c := relayTo(t, s, time.Hour)
	defer c.Close()
	if _, err := c.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// The relay closed the client's connection: reading ends (with EOF
	// or, as the relay dropped unread bytes, a reset).
	io.ReadAll(c)
}

// TestMeasureRoundTrip checks that the measured round trip through the
// relay is at least twice its delay, and not wildly more.
func TestMeasureRoundTrip(t *testing.T) {
	defer goleak.VerifyNone(t)
	const delay = 5 * time.Millisecond
	rt, err := measureRoundTrip(delay, 9)
	if err != nil {
		t.Fatal(err)
	}
	if rt.lo < 2*delay || rt.median < rt.lo || rt.hi < rt.median {
		t.Fatalf("measureRoundTrip(%v) = %+v: want lo <= median <= hi and lo >= %v", delay, rt, 2*delay)
	}
	t.Logf("round trip through a %v relay: median %v (%v–%v)", delay, rt.median, rt.lo, rt.hi)
}

// TestRelayTurns checks the relay's count of the client's turns: one for
// each time the client sends after hearing from the server, none for
// bytes it sends without waiting.
func TestRelayTurns(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, client, server := relayPair(t)
	defer r.Close()
	defer client.Close()
	defer server.Close()
	buf := make([]byte, 8)
	exchange := func(from, to net.Conn, msg string) {
		t.Helper()
		if _, err := from.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(to, buf[:len(msg)]); err != nil {
			t.Fatal(err)
		}
	}
	exchange(server, client, "hello") // a greeting
	for range 3 {                     // three commands, each after an answer
		exchange(client, server, "cmd")
		exchange(server, client, "ok")
	}
	exchange(client, server, "more") // after an answer: a turn
	for range 3 {                    // three more sent without waiting
		exchange(client, server, "more")
	}
	exchange(server, client, "ok")
	exchange(client, server, "bye") // after an answer again
	if got := r.turns.Load(); got != 5 {
		t.Errorf("turns = %d, want 5", got)
	}
}

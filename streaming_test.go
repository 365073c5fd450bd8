package imaplib

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// bigBody is the pattern of the large literals: a 64 KiB block repeated.
var bigBlock = bytes.Repeat([]byte("0123456789abcdef"), 4096)

func writeBig(w io.Writer, n int) {
	for n > 0 {
		k := min(n, len(bigBlock))
		w.Write(bigBlock[:k])
		n -= k
	}
}

func bigSum(n int) [32]byte {
	h := sha256.New()
	writeBig(h, n)
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// peakHeap samples the heap until stop is closed and returns the highest
// HeapAlloc seen.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var peak atomic.Uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { wg.Wait(); return peak.Load() }
}

func TestFetchStream64MiBInBoundedMemory(t *testing.T) {
	const size = 64 << 20
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
		c.WriteRaw(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n", size))
		writeBig(c.Conn, size)
		c.Write(")")
		c.Write(tag + " OK FETCH completed")
	}
	m := selectedClient(t, s)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	peak := peakHeap(stop)
	h := sha256.New()
	var header string
	typ, data, err := m.FetchStream("1", "BODY[]", func(hdr []byte, lit io.Reader) error {
		header = string(hdr)
		_, err := io.Copy(h, lit)
		return err
	})
	close(stop)
	growth := int64(peak()) - int64(before.HeapAlloc)
	if err != nil {
		t.Fatal(err)
	}
	if got := Repr(typ, data); got != fmt.Sprintf("('OK', [(b'1 (BODY[] {%d}', b''), b')'])", size) {
		t.Errorf("FetchStream = %s", got)
	}
	if header != fmt.Sprintf("1 (BODY[] {%d}", size) {
		t.Errorf("header = %q", header)
	}
	if want := bigSum(size); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Error("streamed body differs from what the server sent")
	}
	t.Logf("peak heap growth while streaming 64 MiB: %.1f MiB", float64(growth)/(1<<20))
	if growth > 8<<20 {
		t.Errorf("heap grew by %d bytes, want under 8 MiB", growth)
	}
}

func TestFetchStreamCallbackErrorKeepsConnection(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
		c.WriteRaw("* 1 FETCH (BODY[] {10}\r\n0123456789 UID 7)\r\n")
		c.WriteRaw("* 2 FETCH (BODY[] {3}\r\nabc)\r\n")
		c.Write(tag + " OK FETCH completed")
	}
	s.Handlers["NOOP"] = simpleHandler(nil, "NOOP completed")
	m := selectedClient(t, s)
	boom := errors.New("disk full")
	calls := 0
	_, _, err := m.FetchStream("1:2", "BODY[]", func(hdr []byte, lit io.Reader) error {
		calls++
		buf := make([]byte, 4)
		io.ReadFull(lit, buf)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("FetchStream = %v, want the callback's error", err)
	}
	if calls != 1 {
		t.Errorf("callback called %d times after failing", calls)
	}
	if typ, data, err := m.Noop(); err != nil || typ != "OK" {
		t.Fatalf("Noop after a failed callback: %s, %v", Repr(typ, data), err)
	}
	// Without a stream, literals go to memory again.
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
		c.WriteRaw("* 1 FETCH (BODY[] {3}\r\nxyz)\r\n")
		c.Write(tag + " OK FETCH completed")
	}
	if typ, data, _ := m.Fetch("1", "BODY[]"); Repr(typ, data) != "('OK', [(b'1 (BODY[] {3}', b'xyz'), b')'])" {
		t.Errorf("Fetch after FetchStream = %s", Repr(typ, data))
	}
}

// literalServer answers APPEND, accepting {N} with a continuation and
// {N+} without one, and records the literals and how many continuations
// it sent.
func literalServer(t *testing.T, caps string) (*fakeServer, *[]string, *atomic.Int32) {
	s := newFakeServer(t, nil, func(s *fakeServer) {
		s.Welcome = "* OK [CAPABILITY IMAP4rev1 " + caps + "] ready"
		s.Capabilities = caps
	})
	var got []string
	var conts atomic.Int32
	s.Handlers["APPEND"] = func(c *fakeConn, tag string, args []string) {
		last := args[len(args)-1]
		sync := !strings.HasSuffix(last, "+}")
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(last[strings.LastIndexByte(last, '{')+1:], "}"), "+"))
		if sync {
			conts.Add(1)
			c.Write("+ go ahead")
		}
		buf := make([]byte, n)
		io.ReadFull(c.r, buf)
		got = append(got, string(buf))
		c.ReadLine()
		c.Write(tag + " OK APPEND completed")
	}
	return s, &got, &conts
}

func TestLiteralPlusSavesTheRoundTrip(t *testing.T) {
	s, got, conts := literalServer(t, "LITERAL+")
	m := dialFake(t, s, WithTimeout(2*time.Second), WithLiteralPlus())
	m.Login("user", "pass")
	big := strings.Repeat("x", 100000)
	for _, msg := range []string{"Subject: a\r\n\r\nb\r\n", big} {
		if _, _, err := m.Append("", "", nil, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if conts.Load() != 0 {
		t.Errorf("the client waited for %d continuations with LITERAL+", conts.Load())
	}
	if len(*got) != 2 || (*got)[1] != big {
		t.Errorf("server got %d literals", len(*got))
	}
	if !strings.Contains(strings.Join(s.Lines(), "\n"), "APPEND INBOX {100000+}") {
		t.Errorf("wire %q", s.Lines())
	}
}

func TestLiteralMinusOnlyForSmallLiterals(t *testing.T) {
	s, got, conts := literalServer(t, "LITERAL-")
	m := dialFake(t, s, WithTimeout(2*time.Second), WithLiteralPlus())
	m.Login("user", "pass")
	small, large := strings.Repeat("s", 4096), strings.Repeat("l", 4097)
	for _, msg := range []string{small, large} {
		if _, _, err := m.Append("", "", nil, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if conts.Load() != 1 {
		t.Errorf("%d continuations, want 1 (only for the literal over 4096 bytes)", conts.Load())
	}
	wire := strings.Join(s.Lines(), "\n")
	if !strings.Contains(wire, "APPEND INBOX {4096+}") || !strings.Contains(wire, "APPEND INBOX {4097}") {
		t.Errorf("wire %q", wire)
	}
	if len(*got) != 2 {
		t.Errorf("server got %d literals", len(*got))
	}
}

// By default every literal is synchronizing, as CPython's, even when the
// server advertises LITERAL+ or LITERAL-: a server that refuses the APPEND
// must never be sent the message.
func TestLiteralPlusIsOptIn(t *testing.T) {
	for _, caps := range []string{"LITERAL+", "LITERAL-"} {
		s, got, conts := literalServer(t, caps)
		m := dialFake(t, s, WithTimeout(2*time.Second))
		m.Login("user", "pass")
		if _, _, err := m.Append("", "", nil, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.AppendReader("", "", nil, strings.NewReader("yz"), 2); err != nil {
			t.Fatal(err)
		}
		if conts.Load() != 2 || len(*got) != 2 {
			t.Errorf("%s: %d continuations for %d literals, want 2 for 2", caps, conts.Load(), len(*got))
		}
		if wire := strings.Join(s.Lines(), "\n"); !strings.Contains(wire, "APPEND INBOX {1}\n") || !strings.Contains(wire, "APPEND INBOX {2}\n") {
			t.Errorf("%s: wire %q", caps, wire)
		}
	}
}

func TestWithoutLiteralPlusTheClientWaits(t *testing.T) {
	s, _, conts := literalServer(t, "IDLE")
	m := dialFake(t, s, WithTimeout(2*time.Second))
	m.Login("user", "pass")
	if _, _, err := m.Append("", "", nil, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if conts.Load() != 1 {
		t.Errorf("%d continuations, want 1", conts.Load())
	}
}

func TestAppendReader(t *testing.T) {
	s, got, _ := literalServer(t, "IDLE")
	m := dialFake(t, s, WithTimeout(5*time.Second))
	m.Login("user", "pass")
	const size = 3<<20 + 7
	var buf bytes.Buffer
	writeBig(&buf, size)
	want := buf.String()
	typ, data, err := m.AppendReader("", `\Seen`, nil, &buf, size)
	if err != nil || typ != "OK" {
		t.Fatalf("AppendReader = %s, %v", Repr(typ, data), err)
	}
	if len(*got) != 1 || (*got)[0] != want {
		t.Fatal("the server received a different message")
	}
	// A reader that ends early leaves the connection closed, not out of step.
	_, _, err = m.AppendReader("", "", nil, strings.NewReader("short"), 100)
	var abort *AbortError
	if !errors.As(err, &abort) || !errors.Is(err, io.EOF) {
		t.Fatalf("short reader: %v", err)
	}
	if _, _, err := m.Noop(); !errors.As(err, &abort) {
		t.Errorf("Noop after a short literal: %v", err)
	}
}

// A server may refuse malformed APPEND arguments before reading a
// non-synchronizing literal and then run the message's lines as commands
// (Dovecot 2.3 does): such an APPEND waits for the continuation instead.
func TestLiteralPlusNotUsedWithMalformedArguments(t *testing.T) {
	s, _, conts := literalServer(t, "LITERAL+")
	m := dialFake(t, s, WithTimeout(2*time.Second), WithLiteralPlus())
	m.Login("user", "pass")
	for _, tc := range []struct {
		flags string
		date  any
		sync  bool
	}{
		{`(\Seen $Label)`, `"01-Jan-2024 10:00:00 +0000"`, false},
		{"", nil, false},
		{`\Seen) X1 (`, nil, true},
		{`(\Seen`, nil, true},
		{"", `"not a date at all, really!"`, true},
	} {
		before := conts.Load()
		m.Append("", tc.flags, tc.date, []byte("x"))
		if waited := conts.Load() > before; waited != tc.sync {
			t.Errorf("flags %q date %v: waited for a continuation = %v, want %v", tc.flags, tc.date, waited, tc.sync)
		}
	}
}

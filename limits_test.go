package imaplib

import (
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every per-connection limit: a server may send up to the limit, and one
// byte past it is a *LimitError naming the limit (reachable with
// errors.As), after which the connection is dead and later calls fail at
// once.

// limitServer starts a fake server whose NOOP sends raw before its tagged
// OK.
func limitServer(t *testing.T, raw string) *fakeServer {
	t.Helper()
	return protoStartServer(t, nil, func(s *fakeServer) {
		s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
			c.WriteRaw(raw)
			c.Write(tag + " OK NOOP done")
		}
	})
}

// limitDial connects to s. A read that waits more than two seconds fails,
// so that a broken limit makes a test fail rather than hang.
func limitDial(t *testing.T, s *fakeServer, opts ...Option) *IMAP4 {
	t.Helper()
	return dialFake(t, s, append([]Option{WithTimeout(2 * time.Second)}, opts...)...)
}

// limitWant checks that err is a *LimitError for limit with the given
// maximum.
func limitWant(t *testing.T, err error, limit string, max int64) *LimitError {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("error %T %v does not carry a *LimitError", err, err)
	}
	if le.Limit != limit || le.Max != max {
		t.Errorf("LimitError = %+v, want limit %q max %d", le, limit, max)
	}
	if !strings.Contains(le.Error(), limit) {
		t.Errorf("LimitError text %q does not name the limit %q", le.Error(), limit)
	}
	return le
}

// assertDeadFast checks that the connection reports itself dead: three
// later NOOPs each fail with an *AbortError that no timeout caused, so
// none of them waited for the server. The engine refuses them before a
// tag is taken when the connection failed; after a BYE, as in CPython,
// the NOOP goes out and the BYE in the store fails it before any read. A
// call that blocks all the same is reported after 2 s (a bound about
// hangs) and unblocked by closing the transport under it.
func assertDeadFast(t *testing.T, m *IMAP4) {
	t.Helper()
	conn, proc := m.Socket(), m.e.proc
	errs := make([]error, 0, 3)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3 {
			_, _, err := m.Noop()
			errs = append(errs, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Errorf("a command on the dead connection blocked")
		if conn != nil {
			conn.Close()
		} else if proc != nil {
			proc.Close()
		}
		<-done
	}
	refusal := m.e.usable() // what the engine answers without sending
	for _, err := range errs {
		var ae *AbortError
		var ne net.Error
		switch {
		case refusal != nil && err.Error() == refusal.Error():
		case !errors.As(err, &ae):
			t.Errorf("later NOOP: error %T %v, want *AbortError", err, err)
		case errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
			t.Errorf("later NOOP waited for the server until its timeout: %v", err)
		}
	}
}

// limitLine is an untagged response line of exactly n bytes, CRLF included,
// whose stored datum is n-10 bytes long.
func limitLine(n int) string {
	return "* XDATA " + strings.Repeat("a", n-10) + "\r\n"
}

func TestLimitLineLength(t *testing.T) {
	for _, tc := range []struct {
		name string
		max  int // 0: the default
	}{
		{"small", 100},
		{"default", 0},
	} {
		limit := tc.max
		var opts []Option
		if limit == 0 {
			limit = DefaultMaxLine
		} else {
			opts = append(opts, WithMaxLineLength(limit))
		}
		t.Run(tc.name+"/at limit", func(t *testing.T) {
			s := limitServer(t, limitLine(limit))
			m := limitDial(t, s, opts...)
			if _, _, err := m.Noop(); err != nil {
				t.Fatalf("a line of exactly %d bytes: %v", limit, err)
			}
			if _, d := m.Response("XDATA"); len(d) != 1 || len(d[0].Bytes) != limit-10 {
				t.Fatalf("XDATA not stored whole")
			}
		})
		t.Run(tc.name+"/past limit", func(t *testing.T) {
			s := limitServer(t, limitLine(limit+1))
			m := limitDial(t, s, opts...)
			_, _, err := m.Noop()
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Msg, "got more than "+strconv.Itoa(limit)+" bytes") {
				t.Fatalf("a line of %d bytes: %v, want CPython's error", limit+1, err)
			}
			limitWant(t, err, "line length", int64(limit))
			assertDeadFast(t, m)
		})
	}
	if DefaultMaxLine != 1000000 {
		t.Errorf("DefaultMaxLine = %d, want CPython's _MAXLINE 1000000", DefaultMaxLine)
	}
}

// A server that sends one endless line is cut off once the limit is
// passed: the client does not keep what it cannot use.
func TestLimitLineLengthEndless(t *testing.T) {
	const limit = 200_000
	stop := make(chan struct{})
	s := protoStartServer(t, nil, func(s *fakeServer) {
		s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
			chunk := []byte("* XDATA " + strings.Repeat("a", 64<<10))
			for sent := 0; sent < 64<<20; sent += len(chunk) {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := c.Conn.Write(chunk); err != nil {
					return
				}
			}
		}
	})
	m := limitDial(t, s, WithMaxLineLength(limit))
	defer close(stop)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := m.Noop()
	runtime.ReadMemStats(&after)
	limitWant(t, err, "line length", limit)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading an endless line allocated %d bytes for a limit of %d", grew, limit)
	}
	assertDeadFast(t, m)
}

func TestLimitLiteralSize(t *testing.T) {
	const limit = 1000
	lit := func(n int) string {
		return "* 1 FETCH (BODY[] {" + strconv.Itoa(n) + "}\r\n" + strings.Repeat("x", n) + ")\r\n"
	}
	t.Run("at limit", func(t *testing.T) {
		s := limitServer(t, lit(limit))
		m := limitDial(t, s, WithMaxLiteralSize(limit))
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		if _, d := m.Response("FETCH"); len(d) != 2 || len(d[0].Literal) != limit {
			t.Fatalf("literal not stored whole: %v", d)
		}
	})
	t.Run("past limit", func(t *testing.T) {
		s := limitServer(t, lit(limit+1))
		m := limitDial(t, s, WithMaxLiteralSize(limit))
		_, _, err := m.Noop()
		var ae *AbortError
		if !errors.As(err, &ae) {
			t.Fatalf("literal of %d bytes: %v, want *AbortError", limit+1, err)
		}
		if le := limitWant(t, err, "literal size", limit); le.Got != limit+1 {
			t.Errorf("LimitError.Got = %d, want %d", le.Got, limit+1)
		}
		assertDeadFast(t, m)
	})
	t.Run("past default", func(t *testing.T) {
		s := limitServer(t, "* 1 FETCH (BODY[] {2147483648}\r\n")
		m := limitDial(t, s)
		_, _, err := m.Noop()
		limitWant(t, err, "literal size", DefaultMaxLiteral)
		assertDeadFast(t, m)
	})
	t.Run("beyond int64", func(t *testing.T) {
		s := limitServer(t, "* 1 FETCH (BODY[] {99999999999999999999999}\r\n")
		m := limitDial(t, s)
		_, _, err := m.Noop()
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != "literal size" {
			t.Fatalf("literal size beyond int64: %v", err)
		}
		assertDeadFast(t, m)
	})
}

// literalClaimServer answers NOOP with a FETCH whose literal claims claim
// bytes, sends send of them and closes the connection.
func literalClaimServer(t *testing.T, claim string, send int) *fakeServer {
	t.Helper()
	return protoStartServer(t, nil, func(s *fakeServer) {
		s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
			c.WriteRaw("* 1 FETCH (BODY[] {" + claim + "}\r\n")
			chunk := []byte(strings.Repeat("x", 32<<10))
			for sent := 0; sent < send; sent += len(chunk) {
				if _, err := c.Conn.Write(chunk[:min(len(chunk), send-sent)]); err != nil {
					return
				}
			}
			c.Conn.Close()
		}
	})
}

// A server that claims a huge literal makes the client allocate only as
// the bytes arrive (CPython gh-119511), whatever the claim.
func TestLimitLiteralClaimMemory(t *testing.T) {
	for _, tc := range []struct {
		name     string
		claim    string
		send     int
		opts     []Option
		maxAlloc uint64
		limit    bool // the claim itself is refused
	}{
		{"999999999999 refused by default", "999999999999", 0, nil, 1 << 20, true},
		{"999999999999 allowed, 200KB sent", "999999999999", 200 << 10, []Option{WithMaxLiteralSize(1 << 40), WithMaxUntaggedSize(1 << 41)}, 8 << 20, false},
		{"2000000000, 5MB sent", "2000000000", 5 << 20, nil, 64 << 20, false},
		// Believed up to 32 MiB only once a read buffer's worth arrived.
		{"20 MiB, 60KB sent", "20971520", 60 << 10, nil, 1 << 20, false},
		{"20 MiB, 100KB sent", "20971520", 100 << 10, nil, 22 << 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := literalClaimServer(t, tc.claim, tc.send)
			m := limitDial(t, s, tc.opts...)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := m.Noop()
			runtime.ReadMemStats(&after)
			var ae *AbortError
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v, want *AbortError", err, err)
			}
			if tc.limit {
				limitWant(t, err, "literal size", DefaultMaxLiteral)
			} else if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v, want a short literal (unexpected EOF)", err)
			}
			grew := after.TotalAlloc - before.TotalAlloc
			t.Logf("claim {%s}, %d bytes sent: %d bytes allocated", tc.claim, tc.send, grew)
			if grew > tc.maxAlloc {
				t.Errorf("allocated %d bytes for %d bytes received, want at most %d", grew, tc.send, tc.maxAlloc)
			}
			assertDeadFast(t, m)
		})
	}
}

func TestLimitUntaggedSize(t *testing.T) {
	const limit = 100
	t.Run("at limit", func(t *testing.T) {
		s := limitServer(t, limitLine(limit+10))
		m := limitDial(t, s, WithMaxUntaggedSize(limit))
		for i := range 3 {
			// Data taken out of the store no longer counts.
			if _, _, err := m.Noop(); err != nil {
				t.Fatalf("NOOP %d: %v", i, err)
			}
			if _, d := m.Response("XDATA"); len(d) != 1 || len(d[0].Bytes) != limit {
				t.Fatalf("XDATA = %v", d)
			}
		}
	})
	t.Run("past limit", func(t *testing.T) {
		s := limitServer(t, limitLine(limit+11))
		m := limitDial(t, s, WithMaxUntaggedSize(limit))
		_, _, err := m.Noop()
		var ae *AbortError
		if !errors.As(err, &ae) {
			t.Fatalf("error %T %v, want *AbortError", err, err)
		}
		limitWant(t, err, "untagged responses", limit)
		assertDeadFast(t, m)
	})
	t.Run("accumulated past limit", func(t *testing.T) {
		s := limitServer(t, limitLine(60))
		m := limitDial(t, s, WithMaxUntaggedSize(limit))
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		_, _, err := m.Noop() // 50 + 50 stored
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Noop() // 150
		limitWant(t, err, "untagged responses", limit)
		assertDeadFast(t, m)
	})
	// A literal that cannot fit in the store is refused before it is read,
	// so the claim costs neither memory nor waiting for its bytes.
	t.Run("literal refused before reading", func(t *testing.T) {
		hold := make(chan struct{})
		release := sync.OnceFunc(func() { close(hold) })
		s := protoStartServer(t, nil, func(s *fakeServer) {
			s.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
				c.WriteRaw("* 1 FETCH (BODY[] {100000000}\r\n")
				<-hold // stall: the bytes never come
			}
		})
		defer release()
		// No timeout: a client that waited for the literal's bytes would
		// hang, until the guard stops the server.
		m := dialFake(t, s, WithMaxUntaggedSize(1000))
		var err error
		hangGuard(t, "NOOP waiting for a literal it could not keep", func() { release(); s.Close() }, func() {
			_, _, err = m.Noop()
		})
		limitWant(t, err, "untagged responses", 1000)
		assertDeadFast(t, m)
	})
}

// Parentheses are only counted (parenDepth keeps an int); nothing in the
// engine recurses on nesting, so a deeply nested response costs no stack.
func TestLimitParenNesting(t *testing.T) {
	const depth = 400_000
	resp := "* 1 FETCH " + strings.Repeat("(", depth) + "BODY[] {3}\r\nabc" + strings.Repeat(")", depth) + "\r\n"
	s := limitServer(t, resp)
	m := limitDial(t, s)
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	_, d := m.Response("FETCH")
	if len(d) != 2 || string(d[0].Literal) != "abc" || len(d[1].Bytes) != depth {
		t.Fatalf("FETCH = %d data", len(d))
	}
	// An unbalanced nesting (a hostile server) is data, not a failure.
	s = limitServer(t, "* 1 FETCH "+strings.Repeat("(", depth)+"\r\n")
	m = limitDial(t, s)
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
}

// The limits hold for IMAP4_stream too.
func TestLimitStream(t *testing.T) {
	m, err := IMAP4_stream(`printf '* OK [CAPABILITY IMAP4rev1] ready\r\n'
read -r tag cmd rest
printf '* XDATA %s\r\n' 0123456789012345678901234567890123456789`, WithMaxLineLength(40))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	_, _, err = m.Noop()
	limitWant(t, err, "line length", 40)
	assertDeadFast(t, m)
}

// While IDLE queues responses outside the store, one response still may
// not hold more than the store could.
func TestLimitUntaggedSizeIdle(t *testing.T) {
	s := protoStartServer(t, nil, func(s *fakeServer) {
		s.Capabilities = "IDLE"
		s.Handlers["IDLE"] = func(c *fakeConn, tag string, args []string) {
			c.Write("+ idling")
			lit := strings.Repeat("x", 600)
			c.WriteRaw("* 1 FETCH (BODY[1] {600}\r\n" + lit + " BODY[2] {600}\r\n" + lit + ")\r\n")
			if _, err := c.ReadLine(); err == nil {
				c.Write(tag + " OK IDLE done")
			}
		}
	})
	m := limitDial(t, s, WithMaxUntaggedSize(1000))
	m.Login("user", "pass")
	idler, err := m.Idle(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for typ, data := range idler.Responses() {
		t.Errorf("response %s %v delivered past the limit", typ, data)
	}
	limitWant(t, idler.Err(), "untagged responses", 1000)
	idler.Close()
	assertDeadFast(t, m)
}

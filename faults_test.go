package imaplib

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Scripted faults: a broken network, a hostile or broken server. Each
// scenario asserts the error's type and that the call returned within its
// deadline; afterwards the connection reports itself dead (later calls fail
// at once) and no goroutine is left behind.

// faultTimeout is the WithTimeout of the stall scenarios.
const faultTimeout = 300 * time.Millisecond

// faultCase is one scenario.
type faultCase struct {
	name string
	// server configures the fake server before it starts; tls makes it
	// speak implicit TLS with the test CA's certificate.
	server func(s *fakeServer, stop <-chan struct{})
	tls    bool
	// connect makes the client (default: New with opts); act is the call
	// that meets the fault (nil: the fault is met while connecting).
	connect func(t *testing.T, s *fakeServer, opts []Option) (*IMAP4, error)
	opts    []Option
	act     func(m *IMAP4) error
	// want checks the error; within bounds how long the failing call may
	// take.
	want   func(t *testing.T, err error)
	within time.Duration
	// alive: the connection is expected to survive (no fault after all).
	alive bool
}

func faultWantAbort(contains string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ae *AbortError
		if !errors.As(err, &ae) {
			t.Fatalf("error %T %v, want *AbortError", err, err)
		}
		if !strings.Contains(ae.Msg, contains) {
			t.Errorf("abort %q does not mention %q", ae.Msg, contains)
		}
	}
}

func faultWantAbortIs(target error) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ae *AbortError
		if !errors.As(err, &ae) {
			t.Fatalf("error %T %v, want *AbortError", err, err)
		}
		if !errors.Is(err, target) {
			t.Errorf("error %v does not wrap %v", err, target)
		}
	}
}

// faultWantError wants an *Error that is not an abort.
func faultWantError(contains string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var e *Error
		var ae *AbortError
		if !errors.As(err, &e) || errors.As(err, &ae) {
			t.Fatalf("error %T %v, want *Error", err, err)
		}
		if !strings.Contains(e.Msg, contains) {
			t.Errorf("error %q does not mention %q", e.Msg, contains)
		}
	}
}

// faultStall blocks a server handler until the connection is closed by either
// side, or the test ends.
func faultStall(c *fakeConn, stop <-chan struct{}) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, c.Conn)
	}()
	select {
	case <-done:
	case <-stop:
		c.Conn.Close()
		<-done
	}
}

// faultOnCommand makes the server run f when it receives the command name.
func faultOnCommand(name string, f func(c *fakeConn, tag string, stop <-chan struct{})) func(*fakeServer, <-chan struct{}) {
	return func(s *fakeServer, stop <-chan struct{}) {
		s.Handlers[name] = func(c *fakeConn, tag string, args []string) { f(c, tag, stop) }
	}
}

// faultOnGreeting replaces the greeting and everything after it with f.
func faultOnGreeting(f func(c *fakeConn, stop <-chan struct{})) func(*fakeServer, <-chan struct{}) {
	return func(s *fakeServer, stop <-chan struct{}) {
		s.OnConnect = func(c *fakeConn) bool { f(c, stop); return false }
	}
}

func faultNoop(m *IMAP4) error { _, _, err := m.Noop(); return err }

func faultReset(c *fakeConn) {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Conn.Close()
}

func faultCases() []faultCase {
	// More than the socket buffers hold, so that a server that stops
	// reading makes the client's write block.
	bigMessage := make([]byte, 16<<20)
	quick := 2 * time.Second
	slow := faultTimeout + 2*time.Second
	return []faultCase{
		{
			name:   "EOF in the greeting",
			server: faultOnGreeting(func(c *fakeConn, _ <-chan struct{}) {}),
			want:   faultWantAbortIs(io.EOF), within: quick,
		},
		{
			name:   "EOF mid-line in the greeting",
			server: faultOnGreeting(func(c *fakeConn, _ <-chan struct{}) { c.WriteRaw("* OK IMAP4r") }),
			want:   faultWantAbort("unterminated line"), within: quick,
		},
		{
			name:   "greeting stalls",
			server: faultOnGreeting(func(c *fakeConn, stop <-chan struct{}) { faultStall(c, stop) }),
			opts:   []Option{WithTimeout(faultTimeout)},
			want:   faultWantAbortIs(os.ErrDeadlineExceeded), within: slow,
		},
		{
			name: "greeting is garbage",
			server: faultOnGreeting(func(c *fakeConn, stop <-chan struct{}) {
				c.WriteRaw("HTTP/1.1 400 Bad Request\r\n")
				faultStall(c, stop)
			}),
			want: faultWantAbort("unexpected response"), within: quick,
		},
		{
			name:   "greeting is a continuation",
			server: faultOnGreeting(func(c *fakeConn, stop <-chan struct{}) { c.WriteRaw("+ hello\r\n"); faultStall(c, stop) }),
			want:   faultWantError("invalid greeting"), within: quick,
		},
		{
			name:   "greeting is BYE",
			server: faultOnGreeting(func(c *fakeConn, stop <-chan struct{}) { c.WriteRaw("* BYE too busy\r\n"); faultStall(c, stop) }),
			want:   faultWantError("invalid greeting"), within: quick,
		},
		{
			name: "connection reset in the greeting",
			server: faultOnGreeting(func(c *fakeConn, _ <-chan struct{}) {
				waitClientReading(c.s.t) // the client is connected and reading
				faultReset(c)
			}),
			want: faultWantAbortIs(syscall.ECONNRESET), within: quick,
		},
		{
			name: "EOF mid-command",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.Conn.Close()
			}),
			act: faultNoop, want: faultWantAbortIs(io.EOF), within: quick,
		},
		{
			name: "EOF mid-line",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.WriteRaw("* 3 EXI")
				c.Conn.Close()
			}),
			act: faultNoop, want: faultWantAbort("unterminated line"), within: quick,
		},
		{
			name: "EOF mid-literal",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.WriteRaw("* 1 FETCH (BODY[] {100}\r\n0123456789")
				c.Conn.Close()
			}),
			act: faultNoop, want: faultWantAbortIs(io.ErrUnexpectedEOF), within: quick,
		},
		{
			name: "EOF before the APPEND continuation",
			server: faultOnCommand("APPEND", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.Conn.Close()
			}),
			act: func(m *IMAP4) error {
				if _, _, err := m.Login("user", "pass"); err != nil {
					return err
				}
				_, _, err := m.Append("INBOX", "", nil, []byte("hello"))
				return err
			},
			want: faultWantAbortIs(io.EOF), within: quick,
		},
		{
			name: "EOF mid-AUTHENTICATE",
			server: faultOnCommand("AUTHENTICATE", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.Write("+ ")
				c.ReadLine()
				c.Conn.Close()
			}),
			act: func(m *IMAP4) error {
				_, _, err := m.Authenticate("PLAIN", PlainAuth("", "u", "p"))
				return err
			},
			want: faultWantAbortIs(io.EOF), within: quick,
		},
		{
			name: "garbage line",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.WriteRaw("hello world\r\n")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("unexpected response"), within: quick,
		},
		{
			name: "binary garbage",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.WriteRaw("\x00\xff\xfe\x16\x03\x01\r\n")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("unexpected response"), within: quick,
		},
		{
			name: "bare LF line",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.WriteRaw("* 1 EXISTS\n")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("unterminated line"), within: quick,
		},
		{
			name: "literal size beyond int64",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.WriteRaw("* 1 FETCH (BODY[] {184467440737095516160}\r\n")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("literal size"), within: quick,
		},
		{
			// Python ignores a continuation no command asked for; so do we,
			// and nothing is sent in answer to it.
			name: "continuation nobody asked for",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.WriteRaw("+ send me your secrets\r\n")
				c.Write(tag + " OK NOOP done")
			}),
			act: faultNoop, alive: true, within: quick,
			want: func(t *testing.T, err error) {
				if err != nil {
					t.Fatalf("NOOP with a stray continuation: %v", err)
				}
			},
		},
		{
			name: "tagged reply with an unknown tag number",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.Write(strings.TrimRight(tag, "0123456789") + "999 OK NOOP done")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("unexpected tagged response"), within: quick,
		},
		{
			name: "tagged reply with a foreign tag",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.Write("ZZZZ1 OK NOOP done")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("unexpected response"), within: quick,
		},
		{
			name: "tagged reply twice",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.Write(tag + " OK NOOP done")
				c.Write(tag + " OK NOOP done again")
			}),
			act: func(m *IMAP4) error {
				if err := faultNoop(m); err != nil {
					return errors.New("first NOOP failed: " + err.Error())
				}
				return faultNoop(m)
			},
			want: faultWantAbort("unexpected tagged response"), within: quick,
		},
		{
			name: "BYE during a command, then EOF",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				c.Write("* BYE server shutting down")
				c.Conn.Close()
			}),
			act: faultNoop, want: faultWantAbort("server shutting down"), within: quick,
		},
		{
			name: "BYE during a command, connection kept open",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.Write("* BYE idle too long")
				faultStall(c, stop)
			}),
			act: faultNoop, want: faultWantAbort("idle too long"), within: quick,
		},
		{
			name: "server stalls mid-command",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				faultStall(c, stop)
			}),
			opts: []Option{WithTimeout(faultTimeout)},
			act:  faultNoop, want: faultWantAbortIs(os.ErrDeadlineExceeded), within: slow,
		},
		{
			// WithTimeout bounds each read, so a server that keeps sending
			// (here blank lines, which are skipped) is bounded by a
			// per-command deadline instead.
			name: "server trickles forever, command deadline",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				for {
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Millisecond):
					}
					if _, err := io.WriteString(c.Conn, "\r\n"); err != nil {
						return
					}
				}
			}),
			opts: []Option{WithTimeout(time.Minute)},
			act: func(m *IMAP4) error {
				ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
				defer cancel()
				_, _, err := m.WithContext(ctx).Noop()
				return err
			},
			want: faultWantAbortIs(context.DeadlineExceeded), within: slow,
		},
		{
			name: "server stalls mid-line",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.WriteRaw("* 1 EXI")
				faultStall(c, stop)
			}),
			opts: []Option{WithTimeout(faultTimeout)},
			act:  faultNoop, want: faultWantAbortIs(os.ErrDeadlineExceeded), within: slow,
		},
		{
			name: "server stalls mid-literal",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.WriteRaw("* 1 FETCH (BODY[] {100}\r\n0123456789")
				faultStall(c, stop)
			}),
			opts: []Option{WithTimeout(faultTimeout)},
			act:  faultNoop, want: faultWantAbortIs(os.ErrDeadlineExceeded), within: slow,
		},
		{
			name: "server stops reading during an APPEND",
			server: faultOnCommand("APPEND", func(c *fakeConn, tag string, stop <-chan struct{}) {
				c.Write("+ go ahead")
				<-stop // never read the literal
			}),
			opts: []Option{WithTimeout(faultTimeout)},
			act: func(m *IMAP4) error {
				if _, _, err := m.Login("user", "pass"); err != nil {
					return err
				}
				_, _, err := m.Append("INBOX", "", nil, bigMessage)
				return err
			},
			want: faultWantAbortIs(os.ErrDeadlineExceeded), within: slow,
		},
		{
			name: "connection reset mid-command",
			server: faultOnCommand("NOOP", func(c *fakeConn, tag string, _ <-chan struct{}) {
				faultReset(c)
			}),
			act: faultNoop, want: faultWantAbortIs(syscall.ECONNRESET), within: quick,
		},
		{
			name: "EOF during IDLE",
			server: func(s *fakeServer, stop <-chan struct{}) {
				s.Capabilities = "IDLE"
				s.Handlers["IDLE"] = func(c *fakeConn, tag string, args []string) {
					c.Write("+ idling")
					c.Write("* 1 EXISTS")
					c.Conn.Close()
				}
			},
			act: func(m *IMAP4) error {
				if _, _, err := m.Login("user", "pass"); err != nil {
					return err
				}
				idler, err := m.Idle(10 * time.Second)
				if err != nil {
					return err
				}
				n := 0
				for range idler.Responses() {
					n++
				}
				if n != 1 {
					return errors.New("the EXISTS before EOF was not delivered")
				}
				err = idler.Err()
				idler.Close()
				return err
			},
			want: faultWantAbortIs(io.EOF), within: quick,
		},
		{
			name:    "IMAP4_SSL to a plaintext server",
			connect: faultConnectSSL(nil),
			want: func(t *testing.T, err error) {
				var rh tls.RecordHeaderError
				if !errors.As(err, &rh) {
					t.Fatalf("error %T %v, want tls.RecordHeaderError", err, err)
				}
			},
			within: quick,
		},
		{
			name:    "IMAP4_SSL to a silent plaintext server",
			server:  faultOnGreeting(func(c *fakeConn, stop <-chan struct{}) { faultStall(c, stop) }),
			connect: faultConnectSSL(nil),
			opts:    []Option{WithTimeout(faultTimeout)},
			want: func(t *testing.T, err error) {
				if !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Fatalf("error %T %v, want a timeout", err, err)
				}
			},
			within: slow,
		},
		{
			name:    "IMAP4_SSL to a server with an untrusted certificate",
			tls:     true,
			connect: faultConnectSSL(func(p *protoPKI) *tls.Config { return &tls.Config{RootCAs: p.otherPool} }),
			want: func(t *testing.T, err error) {
				var ua x509.UnknownAuthorityError
				if !errors.As(err, &ua) {
					t.Fatalf("error %T %v, want x509.UnknownAuthorityError", err, err)
				}
			},
			within: quick,
		},
		{
			name: "IMAP4_stream child exits",
			connect: func(t *testing.T, _ *fakeServer, opts []Option) (*IMAP4, error) {
				return IMAP4_stream(`printf '* OK [CAPABILITY IMAP4rev1] ready\r\n'; exit 0`, opts...)
			},
			act: func(m *IMAP4) error {
				if err := waitChildExited(m); err != nil { // let the child go
					return err
				}
				return faultNoop(m)
			},
			want: faultWantAbort("socket error"), within: quick,
		},
		{
			name: "IMAP4_stream child stalls",
			connect: func(t *testing.T, _ *fakeServer, opts []Option) (*IMAP4, error) {
				return IMAP4_stream(`printf '* OK [CAPABILITY IMAP4rev1] ready\r\n'; exec cat 3>&1 >/dev/null`, opts...)
			},
			opts: []Option{WithTimeout(faultTimeout)},
			act:  faultNoop, want: faultWantAbortIs(os.ErrDeadlineExceeded), within: slow,
		},
	}
}

// faultConnectSSL connects with IMAP4_SSL, with the config cfg returns (nil:
// the default, verifying one).
func faultConnectSSL(cfg func(*protoPKI) *tls.Config) func(t *testing.T, s *fakeServer, opts []Option) (*IMAP4, error) {
	return func(t *testing.T, s *fakeServer, opts []Option) (*IMAP4, error) {
		if cfg != nil {
			opts = append([]Option{WithTLSConfig(cfg(protoTestPKI(t)))}, opts...)
		}
		return IMAP4_SSL(s.host, s.port, opts...)
	}
}

func TestFaults(t *testing.T) {
	cases := faultCases()
	if len(cases) < 20 {
		t.Fatalf("only %d fault scenarios", len(cases))
	}
	for _, fc := range cases {
		t.Run(fc.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			// Registered first, so it runs after every other cleanup
			// (server stopped, client shut down).
			t.Cleanup(func() { goleak.VerifyNone(t, ignore) })

			stop := make(chan struct{})
			var stopOnce sync.Once
			stopServer := func() { stopOnce.Do(func() { close(stop) }) }
			var tlsCfg *tls.Config
			if fc.tls {
				tlsCfg = protoTestPKI(t).server
			}
			s := protoStartServer(t, tlsCfg, func(s *fakeServer) {
				if fc.server != nil {
					fc.server(s, stop)
				}
			})
			t.Cleanup(stopServer)
			// bounded runs a call; one that overruns its deadline is
			// reported and unblocked by stopping the server (or, for a
			// stream, closing its pipes), so a broken engine fails the test
			// instead of hanging it.
			var m *IMAP4
			bounded := func(f func()) time.Duration {
				start := time.Now()
				done := make(chan struct{})
				go func() { defer close(done); f() }()
				select {
				case <-done:
				case <-time.After(fc.within + 2*time.Second):
					t.Errorf("the call did not return within %v", fc.within+2*time.Second)
					stopServer()
					s.Close()
					if m != nil && m.e.proc != nil {
						m.e.proc.Close()
					}
					<-done
				}
				return time.Since(start)
			}

			connect := fc.connect
			if connect == nil {
				connect = func(t *testing.T, s *fakeServer, opts []Option) (*IMAP4, error) { return New(s.host, s.port, opts...) }
			}
			var err error
			elapsed := bounded(func() { m, err = connect(t, s, fc.opts) })
			if m != nil {
				t.Cleanup(func() { m.Shutdown() })
			}
			if fc.act == nil {
				if err == nil {
					t.Fatal("connecting succeeded")
				}
				if m != nil {
					t.Error("a failed constructor returned a connection")
				}
				fc.want(t, err)
				faultWithin(t, elapsed, fc.within)
				return
			}
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			elapsed = bounded(func() { err = fc.act(m) })
			fc.want(t, err)
			faultWithin(t, elapsed, fc.within)
			if fc.alive {
				if err := faultNoop(m); err != nil {
					t.Errorf("connection unusable after the scenario: %v", err)
				}
				return
			}
			assertDeadFast(t, m)
		})
	}
}

// waitChildExited waits until IMAP4_stream's child has exited (and is
// not reaped yet: the connection reaps it when it closes). Where there is
// no /proc to tell, it returns at once; the NOOP that follows then meets a
// child that exits after reading it, which ends in the same abort.
func waitChildExited(m *IMAP4) error {
	if runtime.GOOS != "linux" {
		return nil
	}
	stat := fmt.Sprintf("/proc/%d/stat", m.e.proc.cmd.Process.Pid)
	for deadline := time.Now().Add(10 * time.Second); ; {
		b, err := os.ReadFile(stat)
		if err != nil {
			return fmt.Errorf("the child's state: %w", err)
		}
		// pid (comm) state ...: comm may hold spaces and parentheses.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && bytes.HasPrefix(b[i+1:], []byte(" Z")) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the child has not exited: %s", b)
		}
		time.Sleep(time.Millisecond)
	}
}

func faultWithin(t *testing.T, elapsed, within time.Duration) {
	t.Helper()
	if elapsed > within {
		t.Errorf("the failing call took %v, want at most %v", elapsed, within)
	}
}

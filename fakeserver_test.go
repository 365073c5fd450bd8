package imaplib

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer is a scripted IMAP server on loopback, in the manner of
// CPython's test_imaplib SimpleIMAPHandler: it greets, answers CAPABILITY,
// LOGIN, SELECT, EXAMINE, UNSELECT and LOGOUT itself and lets a test
// override or add any command. It records what the client sent, so tests
// can assert the exact bytes on the wire. It is for wire checks and
// faults; behaviour is tested against real servers too.
type fakeServer struct {
	t    testing.TB
	ln   net.Listener
	host string
	port int

	// Set before the client connects.
	Welcome      string // greeting line; default "* OK IMAP4rev1"
	Capabilities string // extra capabilities after IMAP4rev1
	Handlers     map[string]func(c *fakeConn, tag string, args []string)
	OnConnect    func(c *fakeConn) bool // return false to skip the standard loop

	mu     sync.Mutex
	lines  []string // every command line received, CRLF stripped
	conns  []*fakeConn
	wg     sync.WaitGroup
	closed bool
}

// fakeConn is one client connection to the fake server.
type fakeConn struct {
	s *fakeServer
	net.Conn
	r *bufio.Reader

	LoggedIn bool
	Selected bool
	Logged   []string // LOGIN arguments
}

// newFakeServer starts a fake server; with tlsConfig it speaks implicit TLS.
// configure runs before the server goroutine starts: the fields a
// connection reads before its first command (Welcome, OnConnect) must be
// set there, since nothing orders a later write before the server's read.
// It stops when the test ends and waits for its goroutines.
func newFakeServer(t testing.TB, tlsConfig *tls.Config, configure ...func(*fakeServer)) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	s := &fakeServer{t: t, ln: ln, Welcome: "* OK IMAP4rev1", Handlers: map[string]func(*fakeConn, string, []string){}}
	addr := ln.Addr().(*net.TCPAddr)
	s.host, s.port = "127.0.0.1", addr.Port
	for _, f := range configure {
		f(s)
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &fakeConn{s: s, Conn: nc, r: bufio.NewReader(nc)}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns = append(s.conns, c)
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer nc.Close()
			s.handle(c)
		}()
	}
}

// Close stops the server, closing every connection, and waits for its
// goroutines to end.
func (s *fakeServer) Close() {
	s.mu.Lock()
	s.closed = true
	conns := s.conns
	s.mu.Unlock()
	s.ln.Close()
	for _, c := range conns {
		c.Conn.Close()
	}
	s.wg.Wait()
}

// Lines returns every command line the server received.
func (s *fakeServer) Lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}

// Conn returns the i-th accepted connection.
func (s *fakeServer) Conn(i int) *fakeConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[i]
}

func (s *fakeServer) handle(c *fakeConn) {
	if s.OnConnect != nil && !s.OnConnect(c) {
		return
	}
	if s.Welcome != "" {
		c.Write(s.Welcome)
	}
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		tag, cmd, args := parseCommand(line)
		if h, ok := s.Handlers[cmd]; ok {
			h(c, tag, args)
			continue
		}
		switch cmd {
		case "CAPABILITY":
			caps := "IMAP4rev1"
			if s.Capabilities != "" {
				caps += " " + s.Capabilities
			}
			c.Write("* CAPABILITY " + caps)
			c.Write(tag + " OK CAPABILITY completed")
		case "LOGIN":
			c.Logged = args
			c.LoggedIn = true
			c.Write(tag + " OK LOGIN completed")
		case "SELECT":
			c.Selected = true
			c.Write("* 2 EXISTS")
			c.Write(tag + " OK [READ-WRITE] SELECT completed.")
		case "EXAMINE":
			c.Selected = true
			c.Write("* 2 EXISTS")
			c.Write(tag + " OK [READ-ONLY] EXAMINE completed.")
		case "UNSELECT":
			if c.Selected {
				c.Selected = false
				c.Write(tag + " OK Returned to authenticated state. (Success)")
			} else {
				c.Write(tag + " BAD No mailbox selected")
			}
		case "LOGOUT":
			c.LoggedIn = false
			c.Write("* BYE IMAP4ref1 Server logging out")
			c.Write(tag + " OK LOGOUT completed")
			return
		default:
			c.Write(tag + " BAD " + cmd + " unknown")
		}
	}
}

// Write sends one line, adding CRLF.
func (c *fakeConn) Write(line string) {
	c.WriteRaw(line + "\r\n")
}

// WriteRaw sends bytes as they are.
func (c *fakeConn) WriteRaw(s string) {
	_, _ = io.WriteString(c.Conn, s)
}

// ReadLine reads one line from the client, records it and strips CRLF.
func (c *fakeConn) ReadLine() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	c.s.mu.Lock()
	c.s.lines = append(c.s.lines, line)
	c.s.mu.Unlock()
	return line, nil
}

// ReadLiteral sends the continuation for a literal announced as {N} (or
// ~{N}) at the end of line and reads its N bytes; it fails the test if the
// client sent any byte of it before the continuation.
func (c *fakeConn) ReadLiteral(line string) []byte {
	i := strings.LastIndexByte(line, '{')
	n, err := strconv.Atoi(strings.TrimSuffix(line[i+1:], "}"))
	if err != nil {
		c.s.t.Errorf("no literal announced in %q", line)
		return nil
	}
	// Not a polling loop: one bounded look for bytes that should not be
	// there. An absence is no event to wait for, and the client may be
	// CPython (the oracle tests), so waitClientReading cannot say it is
	// waiting. A client that waits for the continuation sends nothing, so
	// this window can only miss a slow early sender, never fail a correct
	// client; bytes sent with the command line are already buffered.
	_ = c.Conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.r.Peek(1); err == nil {
		c.s.t.Errorf("client sent literal data before the continuation")
	}
	_ = c.Conn.SetReadDeadline(time.Time{})
	c.Write("+ Ready for literal data")
	buf := make([]byte, n)
	if _, err := io.ReadFull(c.r, buf); err != nil {
		c.s.t.Errorf("reading literal: %v", err)
	}
	return buf
}

// hangGuard runs f and fails the test if it has not returned within 10 s,
// a bound about hangs, not speed; stop then unblocks f (closing the
// server's side: the client's Shutdown waits for the blocked command).
func hangGuard(t *testing.T, what string, stop func(), f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("%s hung", what)
		stop()
		<-done
	}
}

// waitClientReading returns once a goroutine of the client is blocked
// reading from its connection: in the Go poller's wait ("IO wait") with,
// as its innermost frame of this package, one of the library's (not of a
// test server's), and every one of in among its frames' names. Servers
// call it to act on a client that is waiting for them, which no sleep
// guarantees. It fails the test if that has not happened within 10 s.
func waitClientReading(t testing.TB, in ...string) {
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); ; {
		n := runtime.Stack(buf, true)
		for g := range strings.SplitSeq(string(buf[:n]), "\n\n") {
			if strings.Contains(g, " [IO wait") && libraryReads(g) &&
				!slices.ContainsFunc(in, func(f string) bool { return !strings.Contains(g, f) }) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Errorf("the client never blocked in a read")
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// libraryReads reports whether a goroutine's stack has, as its innermost
// frame of this package, one in a file that is not a test file.
func libraryReads(stack string) bool {
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "github.com/goimaplib/imaplib.") && i+1 < len(lines) {
			file, _, _ := strings.Cut(strings.TrimSpace(lines[i+1]), ":")
			return !strings.HasSuffix(file, "_test.go")
		}
	}
	return false
}

// parseCommand splits a command line into tag, upper-cased command name
// and arguments, keeping quoted strings and parenthesised lists whole (as
// CPython's test splitargs does).
func parseCommand(line string) (tag, cmd string, args []string) {
	parts := splitArgs(line)
	if len(parts) > 0 {
		tag = parts[0]
	}
	if len(parts) > 1 {
		cmd = strings.ToUpper(parts[1])
	}
	if len(parts) > 2 {
		args = parts[2:]
	}
	return
}

func splitArgs(line string) []string {
	var out []string
	i := 0
	for i < len(line) {
		if line[i] == ' ' {
			i++
			continue
		}
		start := i
		depth := 0
		inQuote := false
		for ; i < len(line); i++ {
			c := line[i]
			if inQuote {
				if c == '\\' {
					i++
				} else if c == '"' {
					inQuote = false
				}
				continue
			}
			if c == '"' {
				inQuote = true
			} else if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			} else if c == ' ' && depth <= 0 {
				break
			}
		}
		out = append(out, line[start:min(i, len(line))])
	}
	return out
}

// simpleHandler answers a command with the given untagged lines and then
// OK with completed, as CPython's make_simple_handler.
func simpleHandler(untagged []string, completed string) func(*fakeConn, string, []string) {
	return func(c *fakeConn, tag string, args []string) {
		for _, u := range untagged {
			c.Write(u)
		}
		c.Write(fmt.Sprintf("%s OK %s", tag, completed))
	}
}

// dialFake connects a client to s, failing the test on error; the client
// is shut down when the test ends.
func dialFake(t testing.TB, s *fakeServer, opts ...Option) *IMAP4 {
	t.Helper()
	m, err := New(s.host, s.port, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return m
}

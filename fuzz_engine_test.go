package imaplib

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the engine: the response reader (what a hostile server
// can make of the client), argument encoding by role (what a careless
// caller can make of the wire) and whole command lines. Their seed corpora
// are in testdata/fuzz/<FuzzName>/ and run in every go test; fuzz one with
//
//	go test -run '^$' -fuzz '^FuzzResponseReader$' -fuzztime 10m -parallel 1

// fuzzSep separates the pieces of a FuzzResponseReader input: the first
// piece is the greeting, and each later one is released when the client
// finishes writing a line (a command, an AUTHENTICATE response, a literal,
// DONE). "@@" in a piece becomes the tag of the command in progress.
const fuzzSep = "\x00\xff"

// fuzzConn is an in-memory transport playing a scripted server. It never
// blocks: when the client wants bytes that the script has not released, it
// reports EOF, or a timeout while an IDLE wait is in progress.
type fuzzConn struct {
	m       *IMAP4
	pieces  [][]byte
	avail   []byte
	chunk   int    // at most this many bytes per Read (0: no bound)
	served  []byte // every byte handed to the client, after tag substitution
	written []byte
	writes  int
	closed  bool
	respond func(c *fuzzConn, p []byte) // when set, replaces the piece logic
}

func (c *fuzzConn) Read(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	if len(c.avail) == 0 {
		if c.m != nil && c.m.e.dt != nil && c.m.e.dt.waiting {
			return 0, os.ErrDeadlineExceeded
		}
		return 0, io.EOF
	}
	if c.chunk > 0 && len(p) > c.chunk {
		p = p[:c.chunk]
	}
	n := copy(p, c.avail)
	c.avail = c.avail[n:]
	return n, nil
}

func (c *fuzzConn) Write(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	c.written = append(c.written, p...)
	c.writes++
	if c.respond != nil {
		c.respond(c, p)
		return len(p), nil
	}
	if bytes.HasSuffix(p, crlf) {
		c.release()
	}
	return len(p), nil
}

// release makes the next piece of the script readable.
func (c *fuzzConn) release() {
	if len(c.pieces) == 0 {
		return
	}
	piece := c.pieces[0]
	c.pieces = c.pieces[1:]
	if c.m != nil && c.m.e.tagPre != nil {
		tag := string(c.m.e.tagPre) + strconv.Itoa(c.m.e.tagNum-1)
		piece = bytes.ReplaceAll(piece, []byte("@@"), []byte(tag))
	}
	c.serve(piece)
}

func (c *fuzzConn) serve(b []byte) {
	c.avail = append(c.avail, b...)
	c.served = append(c.served, b...)
}

func (c *fuzzConn) Close() error                     { c.closed = true; return nil }
func (c *fuzzConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fuzzConn) SetWriteDeadline(time.Time) error { return nil }

// fuzzClient makes a client over c and reads its greeting.
func fuzzClient(c *fuzzConn, opts ...Option) (*IMAP4, error) {
	m, err := newIMAP4("", 0, IMAP4_PORT, opts)
	if err != nil {
		return nil, err
	}
	c.m = m
	err = m.connect(func(context.Context) error {
		m.e.attach(c, nil, nil, nil)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// fuzzResult is one command's outcome in a fuzzed session.
type fuzzResult struct {
	call string
	data []Datum
	err  error
}

// fuzzSession runs a fixed script of commands against the server bytes in
// input and returns what each produced. Commands that fail leave the rest
// to fail fast on a dead connection.
func fuzzSession(input []byte) (c *fuzzConn, results []fuzzResult, m *IMAP4) {
	ctl := byte(0)
	if len(input) > 0 {
		ctl, input = input[0], input[1:]
	}
	c = &fuzzConn{chunk: [...]int{0, 1, 7, 64}[ctl&3]}
	var opts []Option
	if ctl&4 != 0 {
		opts = append(opts, WithMaxLineLength(200), WithMaxLiteralSize(300), WithMaxUntaggedSize(2000))
	}
	if ctl&8 != 0 {
		opts = append(opts, WithDebug(5), WithDebugOutput(io.Discard))
	}
	pieces := bytes.Split(input, []byte(fuzzSep))
	c.pieces = pieces[1:]
	c.serve(pieces[0])

	add := func(call string, _ string, data []Datum, err error) {
		results = append(results, fuzzResult{call, data, err})
	}
	m, err := fuzzClient(c, opts...)
	if err != nil {
		add("connect", "", nil, err)
		return c, results, nil
	}
	if w := m.Welcome(); w != nil {
		add("welcome", "", []Datum{bytesDatum(w)}, nil)
	}
	typ, data, err := m.Authenticate("PLAIN", PlainAuth("", "user", "pass"))
	add("Authenticate", typ, data, err)
	typ, data, err = m.Login("user", "pass")
	add("Login", typ, data, err)
	typ, data, err = m.Capability()
	add("Capability", typ, data, err)
	typ, data, err = m.Select("INBOX", false)
	add("Select", typ, data, err)
	typ, data, err = m.Fetch("1:*", "(FLAGS BODY[])")
	add("Fetch", typ, data, err)
	typ, data, err = m.Search("", "ALL")
	add("Search", typ, data, err)
	typ, data, err = m.Append("INBOX", `\Seen`, nil, []byte("hello"))
	add("Append", typ, data, err)
	typ, data, err = m.Status("INBOX", "(MESSAGES)")
	add("Status", typ, data, err)
	typ2, lists, err := m.Getquotaroot("INBOX")
	for _, l := range lists {
		add("Getquotaroot", typ2, l, nil)
	}
	add("Getquotaroot", typ2, nil, err)
	if idler, err := m.Idle(time.Hour); err != nil {
		add("Idle", "", nil, err)
	} else {
		for _, d := range idler.Responses() {
			add("Idle.Responses", "", d, nil)
		}
		add("Idle.Err", "", nil, idler.Err())
		add("Idle.Close", "", nil, idler.Close())
	}
	typ, data, err = m.Uid("FETCH", "1", "(UID RFC822.SIZE)")
	add("Uid FETCH", typ, data, err)
	typ, data, err = m.Noop()
	add("Noop", typ, data, err)
	for k, v := range m.UntaggedResponses() {
		add("untagged "+k, "", v, nil)
	}
	typ, data, err = m.Logout()
	add("Logout", typ, data, err)
	return c, results, m
}

// checkFuzzSession checks the properties every session must have.
func checkFuzzSession(t *testing.T, c *fuzzConn, results []fuzzResult) {
	t.Helper()
	for _, r := range results {
		for _, d := range r.data {
			checkFuzzDatum(t, r.call, d, c.served)
		}
		if r.err == nil {
			continue
		}
		var e *Error
		var ae *ArgumentError
		if !errors.As(r.err, &e) && !errors.As(r.err, &ae) {
			t.Errorf("%s: error %T %v is not one of the package's error types", r.call, r.err, r.err)
		}
	}
}

// checkFuzzDatum checks that d came from the server's bytes and that a
// literal has exactly the length its header announced.
func checkFuzzDatum(t *testing.T, call string, d Datum, served []byte) {
	t.Helper()
	switch d.Kind {
	case KindNone:
		if d.Bytes != nil || d.Literal != nil {
			t.Errorf("%s: None datum carries data: %v", call, d)
		}
		return
	case KindBytes:
		if d.Literal != nil {
			t.Errorf("%s: bytes datum carries a literal: %v", call, d)
		}
	case KindTuple:
		n, ok, err := literalSize(d.Bytes)
		if !ok || err != nil {
			t.Errorf("%s: tuple header %q announces no literal", call, d.Bytes)
		} else if int64(len(d.Literal)) != n {
			t.Errorf("%s: literal announced as {%d} has %d bytes", call, n, len(d.Literal))
		}
		if !bytes.Contains(served, d.Literal) {
			t.Errorf("%s: literal %q is not in the server's bytes", call, d.Literal)
		}
	default:
		t.Errorf("%s: datum of unknown kind %d", call, d.Kind)
	}
	if !fromServer(d.Bytes, served) {
		t.Errorf("%s: datum %q is not in the server's bytes", call, d.Bytes)
	}
}

// fromServer reports whether b occurs in served, either as it is or as the
// engine rewrites "* N TYPE rest" to "N rest".
func fromServer(b, served []byte) bool {
	if bytes.Contains(served, b) {
		return true
	}
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return false
	}
	num, rest := b[:sp], b[sp:]
	prefix := append([]byte("* "), num...)
	prefix = append(prefix, ' ')
	for off := 0; ; {
		i := bytes.Index(served[off:], prefix)
		if i < 0 {
			return false
		}
		j := off + i + len(prefix)
		k := j + typeRun(served[j:])
		if k > j && bytes.HasPrefix(served[k:], rest) {
			return true
		}
		off = off + i + 1
	}
}

// fuzzBounded runs f in its own goroutine and fails the test if it panics
// or does not return within d.
func fuzzBounded(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Sprintf("panic: %v\n%s", r, debug.Stack())
				return
			}
			done <- ""
		}()
		f()
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case msg := <-done:
		if msg != "" {
			t.Fatal(msg)
		}
	case <-timer.C:
		t.Fatalf("did not return within %v (hang)", d)
	}
}

// FuzzResponseReader feeds arbitrary server bytes to a client running a
// fixed script of commands. The client must never panic or hang, every
// error must be one of the package's types, every datum must come from the
// server's bytes and every literal must have its announced length.
//
// Input: one control byte (bits 0-1: bytes per read 0/1/7/64, bit 2: small
// limits, bit 3: debug level 5), then the server's pieces separated by
// "\x00\xff"; see fuzzConn.
func FuzzResponseReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, input []byte) {
		var c *fuzzConn
		var results []fuzzResult
		fuzzBounded(t, 10*time.Second, func() { c, results, _ = fuzzSession(input) })
		checkFuzzSession(t, c, results)
	})
}

// refParseAstring parses s as one RFC 3501 astring (with pattern set, a
// LIST mailbox: list-wildcards allowed in the atom form) and returns its
// value. Quoted strings may hold 8-bit bytes (RFC 6855, as CPython sends
// them); NUL, CR and LF are never valid.
func refParseAstring(s string, pattern bool) (string, bool) {
	if strings.HasPrefix(s, `"`) {
		return refParseQuoted(s)
	}
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= 0x1f || c >= 0x7f, c == ' ', c == '(', c == ')', c == '{', c == '"', c == '\\':
			return "", false
		case (c == '%' || c == '*') && !pattern:
			return "", false
		}
	}
	return s, true
}

// refParseQuoted parses s as exactly one quoted string.
func refParseQuoted(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i == len(s)-1
		case '\\':
			if i+1 >= len(s) || s[i+1] != '\\' && s[i+1] != '"' {
				return "", false
			}
			i++
			b.WriteByte(s[i])
		case 0, '\r', '\n':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// FuzzArgumentEncoding checks argument encoding by role: astringOf (and
// its LIST-pattern form), quoteString, mailbox names, parenList and
// fetchParts. No encoding adds NUL, CR or LF; a mailbox name never carries
// them at all; astringOf is idempotent; an encoded astring parses back,
// with a reference parser, to the original.
func FuzzArgumentEncoding(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, pattern bool) {
		hasCtl := strings.ContainsAny(s, "\x00\r\n")
		noNewCtl := func(what, enc string) {
			t.Helper()
			if !hasCtl && strings.ContainsAny(enc, "\x00\r\n") {
				t.Fatalf("%s(%q) = %q adds NUL, CR or LF", what, s, enc)
			}
		}

		a := astringOf(s, pattern)
		noNewCtl("astringOf", a)
		if again := astringOf(a, pattern); again != a {
			t.Fatalf("astringOf not idempotent: %q -> %q -> %q", s, a, again)
		}
		if isQuotedString(s) {
			if a != s {
				t.Fatalf("astringOf(%q) = %q: a quoted string must pass unchanged", s, a)
			}
		} else if !hasCtl {
			if v, ok := refParseAstring(a, pattern); !ok || v != s {
				t.Fatalf("astringOf(%q) = %q parses as %q, %v", s, a, v, ok)
			}
		}

		q := quoteString(s)
		noNewCtl("quoteString", q)
		if !isQuotedString(q) {
			t.Fatalf("quoteString(%q) = %q is not one quoted string", s, q)
		}
		if !hasCtl {
			if v, ok := refParseQuoted(q); !ok || v != s {
				t.Fatalf("quoteString(%q) = %q parses as %q, %v", s, q, v, ok)
			}
		}

		for _, fn := range []func(string) arg{parenList, fetchParts} {
			p := string(fn(s).b)
			noNewCtl("parenList", p)
			if p != s && p != "("+s+")" {
				t.Fatalf("parenList(%q) = %q", s, p)
			}
			if len(p) < 2 && p != s || p != s && (p[0] != '(' || p[len(p)-1] != ')') {
				t.Fatalf("parenList(%q) = %q is not parenthesised", s, p)
			}
			if again := string(fn(p).b); again != p {
				t.Fatalf("parenList not idempotent: %q -> %q -> %q", s, p, again)
			}
		}

		m, err := newIMAP4("", 0, IMAP4_PORT, nil)
		if err != nil {
			t.Fatal(err)
		}
		mb, err := m.mailbox("Fuzz", "mailbox", s, pattern)
		if !utf8.ValidString(s) {
			var ae *ArgumentError
			if !errors.As(err, &ae) {
				t.Fatalf("mailbox(%q): error %v for invalid UTF-8", s, err)
			}
		} else {
			if err != nil {
				t.Fatalf("mailbox(%q): %v", s, err)
			}
			enc := string(mb.b)
			for i := 0; i < len(enc); i++ {
				if c := enc[i]; c < 0x20 || c > 0x7e {
					t.Fatalf("mailbox(%q) = %q has byte %#x", s, enc, c)
				}
			}
			if again, _ := m.mailbox("Fuzz", "mailbox", enc, pattern); string(again.b) != enc {
				t.Fatalf("mailbox not idempotent: %q -> %q -> %q", s, enc, again.b)
			}
			utf7, _ := encodeMailboxUTF7(s)
			if !isQuotedString(utf7) {
				v, ok := refParseAstring(enc, pattern)
				if !ok {
					t.Fatalf("mailbox(%q) = %q does not parse", s, enc)
				}
				if isModifiedUTF7(s) {
					if v != s {
						t.Fatalf("mailbox(%q) = %q parses as %q", s, enc, v)
					}
				} else if dec, err := decodeMailboxUTF7(v); err != nil || dec != s {
					t.Fatalf("mailbox(%q) = %q decodes to %q, %v", s, enc, dec, err)
				}
			}
		}
		// In UTF-8 mode a mailbox name is an astring.
		m.utf8 = true
		if mb, err := m.mailbox("Fuzz", "mailbox", s, pattern); err != nil || string(mb.b) != a {
			t.Fatalf("UTF-8 mode mailbox(%q) = %q, %v; want %q", s, mb.b, err, a)
		}
	})
}

// FuzzCommandLine puts an arbitrary string into one argument of one
// command method and checks the wire: either the call is refused before a
// byte is written, or exactly one command line goes out, with no NUL, CR or
// LF before its final CRLF (an APPEND literal and AUTHENTICATE responses
// follow only after the server's continuation). Every command of
// injectionCommands is covered.
func FuzzCommandLine(f *testing.F) {
	f.Fuzz(func(t *testing.T, which uint16, s string) {
		cmd := injectionCommands[int(which)%len(injectionCommands)]
		pos := int(which) / len(injectionCommands) % len(cmd.args)
		args := append([]string(nil), cmd.args...)
		args[pos] = s

		c := &fuzzConn{respond: autoResponder()}
		greeting := "* OK [CAPABILITY IMAP4rev1 ENABLE IDLE AUTH=PLAIN] ready\r\n"
		if cmd.state != StateNonAuth {
			greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE IDLE] ready\r\n"
		}
		c.serve([]byte(greeting))
		var err, setupErr error
		var before int
		fuzzBounded(t, 10*time.Second, func() {
			m, cerr := fuzzClient(c)
			if cerr != nil {
				setupErr = cerr
				return
			}
			if cmd.state == StateSelected {
				if _, _, setupErr = m.Select("INBOX", false); setupErr != nil {
					return
				}
			}
			before = len(c.written)
			_, _, err = cmd.call(m, args)
		})
		if setupErr != nil {
			t.Fatalf("setup: %v", setupErr)
		}
		wrote := c.written[before:]
		if len(wrote) == 0 {
			var ae *ArgumentError
			var e *Error
			if !errors.As(err, &ae) && !(cmd.nameArg(pos) && errors.As(err, &e)) {
				t.Fatalf("%s(%q): nothing written but error %T %v", cmd.name, args, err, err)
			}
			return
		}
		line := wrote
		if i := bytes.Index(line, crlf); i >= 0 {
			line = line[:i+2]
		}
		if !bytes.HasSuffix(line, crlf) || bytes.ContainsAny(line[:len(line)-2], "\x00\r\n") {
			t.Fatalf("%s(%q): command line %q", cmd.name, args, line)
		}
		if rest := wrote[len(line):]; len(rest) > 0 && !cmd.literal {
			t.Fatalf("%s(%q): wrote %q after the command line", cmd.name, args, rest)
		}
	})
}

// autoResponder answers every command line with a tagged OK (NO to LOGIN
// and AUTHENTICATE), asking for APPEND literals and AUTHENTICATE responses
// with a continuation first.
func autoResponder() func(c *fuzzConn, p []byte) {
	var pending []byte
	var tag string
	literal := -1 // bytes of an APPEND literal still to come, -1 for none
	auth := false
	return func(c *fuzzConn, p []byte) {
		pending = append(pending, p...)
		for {
			if literal >= 0 {
				if len(pending) < literal+2 {
					return
				}
				pending = pending[literal+2:]
				literal = -1
				c.serve([]byte(tag + " OK APPEND done\r\n"))
				continue
			}
			i := bytes.Index(pending, crlf)
			if i < 0 {
				return
			}
			line := string(pending[:i])
			pending = pending[i+2:]
			if auth {
				auth = false
				c.serve([]byte(tag + " NO auth refused\r\n"))
				continue
			}
			fields := strings.Fields(line)
			if len(fields) < 2 {
				c.serve([]byte("* BAD junk\r\n"))
				continue
			}
			tag = fields[0]
			switch name := strings.ToUpper(fields[1]); {
			case name == "AUTHENTICATE":
				auth = true
				c.serve([]byte("+ \r\n"))
			case name == "LOGIN":
				c.serve([]byte(tag + " NO login refused\r\n"))
			case strings.HasSuffix(line, "}"):
				n, ok, _ := literalSize([]byte(line))
				if !ok {
					c.serve([]byte(tag + " BAD literal\r\n"))
					continue
				}
				literal = int(n)
				c.serve([]byte("+ go ahead\r\n"))
			case name == "CAPABILITY":
				c.serve([]byte("* CAPABILITY IMAP4rev1 ENABLE IDLE AUTH=PLAIN\r\n" + tag + " OK done\r\n"))
			case name == "SELECT" || name == "EXAMINE":
				c.serve([]byte("* 1 EXISTS\r\n" + tag + " OK [READ-WRITE] done\r\n"))
			default:
				c.serve([]byte(tag + " OK done\r\n"))
			}
		}
	}
}

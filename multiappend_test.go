package imaplib

import (
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

// multiServer is a fake server whose APPEND takes any number of literals
// (MULTIAPPEND, RFC 3502): it sends a continuation for each synchronizing
// literal, none for {N+}, and records each APPEND byte for byte.
type multiServer struct {
	*fakeServer
	conts atomic.Int32 // continuations sent
	// refuse, if set, is asked before the continuation for the n-th
	// literal (from 1) of an APPEND; a non-empty answer ("NO ...") is sent
	// tagged instead, and the rest of the command is left unread.
	refuse func(n int) string
	ok     string // the tagged OK's text
	// discard drops the literals instead of recording them, so that the
	// server allocates next to nothing (for the allocation tests).
	discard bool

	mu      sync.Mutex
	appends []string // each APPEND as received, tag removed
}

func newMultiServer(t *testing.T, caps string, configure ...func(*multiServer)) *multiServer {
	ms := &multiServer{ok: "OK [APPENDUID 38505 3955:3957] APPEND completed"}
	for _, f := range configure {
		f(ms)
	}
	ms.fakeServer = newFakeServer(t, nil, func(s *fakeServer) {
		s.Welcome = "* OK [CAPABILITY IMAP4rev1 " + caps + "] ready"
		s.Capabilities = caps
	})
	ms.Handlers["APPEND"] = ms.append
	ms.Handlers["ENABLE"] = func(c *fakeConn, tag string, args []string) {
		c.Write("* ENABLED " + strings.Join(args, " "))
		c.Write(tag + " OK ENABLE completed")
	}
	ms.Handlers["NOOP"] = func(c *fakeConn, tag string, args []string) {
		c.Write(tag + " OK NOOP completed")
	}
	return ms
}

func (ms *multiServer) append(c *fakeConn, tag string, _ []string) {
	lines := ms.Lines()
	line := lines[len(lines)-1]
	var wire strings.Builder
	// answer records the command before the client can see its end.
	answer := func(text string) {
		ms.mu.Lock()
		ms.appends = append(ms.appends, strings.TrimPrefix(wire.String(), tag+" "))
		ms.mu.Unlock()
		c.Write(tag + " " + text)
	}
	for n := 1; ; n++ {
		wire.WriteString(line + "\r\n")
		size, sync, ok := announcedLiteral(line)
		if !ok {
			break
		}
		if sync {
			if ms.refuse != nil {
				if refusal := ms.refuse(n); refusal != "" {
					answer(refusal)
					return
				}
			}
			ms.conts.Add(1)
			c.Write("+ go ahead")
		}
		if ms.discard {
			if _, err := io.CopyN(io.Discard, c.r, int64(size)); err != nil {
				return
			}
		} else {
			buf := make([]byte, size)
			if _, err := io.ReadFull(c.r, buf); err != nil {
				return
			}
			wire.Write(buf)
		}
		rest, err := c.r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(rest, "\r\n")
	}
	answer(ms.ok)
}

// announcedLiteral reads the literal announced at the end of line: {N},
// {N+} or ~{N}.
func announcedLiteral(line string) (size int, sync, ok bool) {
	if !strings.HasSuffix(line, "}") {
		return 0, false, false
	}
	num := line[strings.LastIndexByte(line, '{')+1 : len(line)-1]
	sync = !strings.HasSuffix(num, "+")
	size, err := strconv.Atoi(strings.TrimSuffix(num, "+"))
	return size, sync, err == nil
}

// Appends returns each APPEND received so far.
func (ms *multiServer) Appends() []string {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]string(nil), ms.appends...)
}

var threeMessages = []AppendMessage{
	{Flags: `(\Seen)`, Date: `"01-Jan-2024 10:00:00 +0000"`, Message: []byte("Subject: one\n\nbody 1\n")},
	{Message: []byte("Subject: two\r\n\r\nbody 2\r\n")},
	{Flags: `\Flagged $Label`, Date: time.Date(2024, 3, 5, 6, 7, 8, 0, time.FixedZone("", 3600)), Message: []byte("Subject: three\r\n\r\nbody 3\r\n")},
}

// threeOnTheWire is threeMessages as one MULTIAPPEND, with plus after
// each literal's size.
func threeOnTheWire(plus string) string {
	return `APPEND INBOX (\Seen) "01-Jan-2024 10:00:00 +0000" {24` + plus + "}\r\nSubject: one\r\n\r\nbody 1\r\n" +
		" {24" + plus + "}\r\nSubject: two\r\n\r\nbody 2\r\n" +
		` (\Flagged $Label) "05-Mar-2024 06:07:08 +0100" {26` + plus + "}\r\nSubject: three\r\n\r\nbody 3\r\n" +
		"\r\n"
}

// By default MULTIAPPEND waits for one continuation per message; with
// WithLiteralPlus and LITERAL+ it waits for none. The bytes are those of
// RFC 3502's grammar either way, and the result is the tagged response.
func TestAppendManyMultiappendWire(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []Option
		plus  string
		conts int32
	}{
		{"default", nil, "", 3},
		{"WithLiteralPlus", []Option{WithLiteralPlus()}, "+", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newMultiServer(t, "MULTIAPPEND LITERAL+ UIDPLUS")
			m := dialFake(t, s.fakeServer, append(tc.opts, WithTimeout(5*time.Second))...)
			if _, _, err := m.Login("user", "pass"); err != nil {
				t.Fatal(err)
			}
			typ, data, n, err := m.AppendMany("", threeMessages...)
			if err != nil || typ != "OK" || n != 3 {
				t.Fatalf("AppendMany = %s, %d, %v", Repr(typ, data), n, err)
			}
			if got := ReprData(data); got != "[b'[APPENDUID 38505 3955:3957] APPEND completed']" {
				t.Errorf("data %s", got)
			}
			if _, uid := m.Response("APPENDUID"); ReprData(uid) != "[b'38505 3955:3957']" {
				t.Errorf("APPENDUID %s", ReprData(uid))
			}
			if got := s.Appends(); len(got) != 1 || got[0] != threeOnTheWire(tc.plus) {
				t.Errorf("wire %q\nwant %q", got, threeOnTheWire(tc.plus))
			}
			if got := s.conts.Load(); got != tc.conts {
				t.Errorf("%d continuations, want %d", got, tc.conts)
			}
		})
	}
}

// A server that refuses MULTIAPPEND at the second message's announcement
// gets nothing more: not the second literal, not the third message. The
// result is the refusal, and nothing was appended (RFC 3502: atomic).
func TestAppendManyRefusedMidway(t *testing.T) {
	for _, answer := range []string{"NO [TRYCREATE] no such mailbox", "BAD invalid flag"} {
		s := newMultiServer(t, "MULTIAPPEND LITERAL+", func(ms *multiServer) {
			ms.refuse = func(n int) string {
				if n == 2 {
					return answer
				}
				return ""
			}
		})
		m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second))
		if _, _, err := m.Login("user", "pass"); err != nil {
			t.Fatal(err)
		}
		typ, data, n, err := m.AppendMany("INBOX", threeMessages...)
		if strings.HasPrefix(answer, "NO") {
			if err != nil || typ != "NO" || ReprData(data) != "[b'[TRYCREATE] no such mailbox']" {
				t.Errorf("AppendMany = %s, %v", Repr(typ, data), err)
			}
		} else {
			var e *Error
			if !errors.As(err, &e) || e.Error() != "APPEND command error: BAD [b'invalid flag']" {
				t.Errorf("AppendMany after BAD: %v", err)
			}
		}
		if n != 0 {
			t.Errorf("%s: appended = %d, want 0", answer, n)
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatalf("Noop after the refusal: %v", err)
		}
		want := `APPEND INBOX (\Seen) "01-Jan-2024 10:00:00 +0000" {24}` + "\r\nSubject: one\r\n\r\nbody 1\r\n {24}\r\n"
		if got := s.Appends(); len(got) != 1 || got[0] != want {
			t.Errorf("%s: wire %q, want %q", answer, got, want)
		}
		// The line after the APPEND's is the NOOP: nothing of the message
		// was sent after the refusal.
		lines := s.Lines()
		if last := lines[len(lines)-1]; !strings.HasSuffix(last, " NOOP") || !strings.Contains(lines[len(lines)-2], " APPEND ") {
			t.Errorf("%s: the server read %q after the refusal", answer, lines)
		}
		if s.conts.Load() != 1 {
			t.Errorf("%s: %d continuations, want 1", answer, s.conts.Load())
		}
	}
}

// Under WithLiteralPlus, a message whose flags or date are not well formed
// waits for the server's "+", and so does every message after it; a
// message over 4096 bytes waits under LITERAL- only, and the ones after it
// need not.
func TestAppendManyLiteralPlusGuards(t *testing.T) {
	big := strings.Repeat("b", 5000)
	for _, tc := range []struct {
		name, caps string
		msgs       []AppendMessage
		marks      []string // per literal: "+" or ""
	}{
		{"malformed flags", "MULTIAPPEND LITERAL+", []AppendMessage{
			{Message: []byte("a")}, {Flags: `(\Seen`, Message: []byte("b")}, {Message: []byte("c")},
		}, []string{"+", "", ""}},
		{"malformed date", "MULTIAPPEND LITERAL+", []AppendMessage{
			{Date: `"not a date at all, really!"`, Message: []byte("a")}, {Message: []byte("b")},
		}, []string{"", ""}},
		{"LITERAL- and a large message", "MULTIAPPEND LITERAL-", []AppendMessage{
			{Message: []byte("a")}, {Message: []byte(big)}, {Message: []byte("c")},
		}, []string{"+", "", "+"}},
		{"LITERAL+ and large messages", "MULTIAPPEND LITERAL+", []AppendMessage{
			{Message: []byte(strings.Repeat("x", 100000))}, {Message: []byte(big)}, {Message: []byte(strings.Repeat("y", 70000))},
		}, []string{"+", "+", "+"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newMultiServer(t, tc.caps)
			m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second), WithLiteralPlus())
			if _, _, err := m.Login("user", "pass"); err != nil {
				t.Fatal(err)
			}
			if typ, _, n, err := m.AppendMany("INBOX", tc.msgs...); err != nil || typ != "OK" || n != len(tc.msgs) {
				t.Fatalf("AppendMany = %s, %d, %v", typ, n, err)
			}
			want, sync := "APPEND INBOX", 0
			for i, msg := range tc.msgs {
				if fl := msg.Flags; fl != "" {
					if !strings.HasPrefix(fl, "(") || !strings.HasSuffix(fl, ")") {
						fl = "(" + fl + ")" // as Append: `(\Seen` becomes `((\Seen)`
					}
					want += " " + fl
				}
				if msg.Date != nil {
					want += " " + msg.Date.(string)
				}
				want += " {" + strconv.Itoa(len(msg.Message)) + tc.marks[i] + "}\r\n" + string(msg.Message)
				if tc.marks[i] == "" {
					sync++
				}
			}
			want += "\r\n"
			if got := s.Appends(); len(got) != 1 || got[0] != want {
				t.Errorf("wire %.300q\nwant %.300q", got, want)
			}
			if got := s.conts.Load(); got != int32(sync) {
				t.Errorf("%d continuations, want %d", got, sync)
			}
		})
	}
}

// In UTF-8 mode each message goes in RFC 6855's UTF8 (~{N}) form, and
// synchronizing even under WithLiteralPlus.
func TestAppendManyUTF8(t *testing.T) {
	s := newMultiServer(t, "MULTIAPPEND LITERAL+ ENABLE UTF8=ACCEPT")
	m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second), WithLiteralPlus())
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Enable("UTF8=ACCEPT"); err != nil || !m.UTF8Enabled() {
		t.Fatalf("Enable: %v", err)
	}
	typ, _, n, err := m.AppendMany("Entwürfe", AppendMessage{Message: []byte("Subject: é\r\n\r\n1\r\n")}, AppendMessage{Flags: `\Seen`, Message: []byte("2")})
	if err != nil || typ != "OK" || n != 2 {
		t.Fatalf("AppendMany = %s, %d, %v", typ, n, err)
	}
	want := "APPEND \"Entwürfe\" UTF8 (~{18}\r\nSubject: é\r\n\r\n1\r\n) (\\Seen) UTF8 (~{1}\r\n2)\r\n"
	if got := s.Appends(); len(got) != 1 || got[0] != want {
		t.Errorf("wire %q\nwant %q", got, want)
	}
	if s.conts.Load() != 2 {
		t.Errorf("%d continuations, want 2", s.conts.Load())
	}
}

// Without MULTIAPPEND, AppendMany sends one APPEND per message and stops
// at the first that is not OK, returning its result and how many went in.
func TestAppendManyWithoutMultiappend(t *testing.T) {
	s := newMultiServer(t, "LITERAL+", func(ms *multiServer) { ms.ok = "OK APPEND completed" })
	m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second))
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	typ, data, n, err := m.AppendMany("INBOX", threeMessages...)
	if err != nil || typ != "OK" || n != 3 || ReprData(data) != "[b'APPEND completed']" {
		t.Fatalf("AppendMany = %s, %d, %v", Repr(typ, data), n, err)
	}
	want := []string{
		`APPEND INBOX (\Seen) "01-Jan-2024 10:00:00 +0000" {24}` + "\r\nSubject: one\r\n\r\nbody 1\r\n\r\n",
		"APPEND INBOX {24}\r\nSubject: two\r\n\r\nbody 2\r\n\r\n",
		`APPEND INBOX (\Flagged $Label) "05-Mar-2024 06:07:08 +0100" {26}` + "\r\nSubject: three\r\n\r\nbody 3\r\n\r\n",
	}
	if got := s.Appends(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wire %q\nwant %q", got, want)
	}
	if s.conts.Load() != 3 {
		t.Errorf("%d continuations, want 3", s.conts.Load())
	}

	// The second APPEND is refused: the third is not sent.
	calls := 0 // only the server's goroutine uses it
	refusing := newMultiServer(t, "", func(ms *multiServer) {
		ms.refuse = func(int) string {
			calls++
			if calls == 2 {
				return "NO [OVERQUOTA] over quota"
			}
			return ""
		}
	})
	m = dialFake(t, refusing.fakeServer, WithTimeout(5*time.Second))
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	typ, data, n, err = m.AppendMany("INBOX", threeMessages...)
	if err != nil || typ != "NO" || n != 1 || ReprData(data) != "[b'[OVERQUOTA] over quota']" {
		t.Errorf("AppendMany = %s, %d, %v; want the NO and 1 appended", Repr(typ, data), n, err)
	}
	if got := refusing.Appends(); len(got) != 2 {
		t.Errorf("the server got %d APPENDs, want 2: %q", len(got), got)
	}
}

// The state is checked first, then every message's arguments, before
// anything is sent.
func TestAppendManyArguments(t *testing.T) {
	s := newMultiServer(t, "MULTIAPPEND")
	m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second))
	var e *Error
	if _, _, _, err := m.AppendMany("INBOX"); !errors.As(err, &e) || !strings.Contains(err.Error(), "illegal in state NONAUTH") {
		t.Errorf("before LOGIN: %v", err)
	}
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	before := len(s.Lines())
	for _, tc := range []struct {
		name string
		msgs []AppendMessage
		py   PyException
	}{
		{"no message", nil, TypeError},
		{"CR in the flags", []AppendMessage{{Message: []byte("a")}, {Flags: "\\Seen\r\nX1 LOGOUT", Message: []byte("b")}}, ValueError},
		{"bad date", []AppendMessage{{Message: []byte("a")}, {Date: "yesterday", Message: []byte("b")}}, ValueError},
	} {
		_, _, n, err := m.AppendMany("INBOX", tc.msgs...)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Python != tc.py || n != 0 {
			t.Errorf("%s: %d, %#v, want an *ArgumentError (%s)", tc.name, n, err, tc.py)
		}
	}
	if lines := s.Lines(); len(lines) != before {
		t.Errorf("refused calls sent %q", lines[before:])
	}
	if _, _, err := m.Noop(); err != nil {
		t.Errorf("Noop: %v", err)
	}
}

// TestAppendManyCopiesNoMessage checks that AppendMany sends messages
// whose line endings are already CRLF, and literals too big to gather,
// from the caller's memory: what it allocates is small beside the
// messages, where a normalised copy or a gathered copy of each would be
// their whole size again.
func TestAppendManyCopiesNoMessage(t *testing.T) {
	const count, size = 16, 64 << 10
	msgs := linesMessages(count, size, strings.Repeat("x", 78)+"\r\n")
	for _, tc := range []struct {
		name string
		opts []Option
	}{{"synchronizing", nil}, {"LITERAL+", []Option{WithLiteralPlus()}}} {
		t.Run(tc.name, func(t *testing.T) {
			s := newMultiServer(t, "MULTIAPPEND LITERAL+", func(ms *multiServer) { ms.discard = true })
			m := dialFake(t, s.fakeServer, append(tc.opts, WithTimeout(5*time.Second))...)
			defer m.Shutdown()
			if _, _, err := m.Login("user", "pass"); err != nil {
				t.Fatal(err)
			}
			typ, appended, got, err := appendManyAllocated(m, msgs)
			if err != nil || typ != "OK" || appended != count {
				t.Fatalf("AppendMany = %q, %d, %v", typ, appended, err)
			}
			if total := uint64(count * len(msgs[0].Message)); got > total/4 {
				t.Errorf("AppendMany of %d bytes allocated %d bytes, want at most %d", total, got, total/4)
			}
		})
	}
}

// TestAppendManyNormalizesAsItSends checks that AppendMany makes the CRLF
// form of a message only when it sends it: a batch of LF-only messages
// refused at the first announcement allocates next to nothing, where
// normalising them all first would allocate their whole size.
func TestAppendManyNormalizesAsItSends(t *testing.T) {
	const count, size = 16, 64 << 10
	msgs := linesMessages(count, size, strings.Repeat("x", 79)+"\n")
	s := newMultiServer(t, "MULTIAPPEND", func(ms *multiServer) {
		ms.refuse = func(int) string { return "NO [OVERQUOTA] no room" }
	})
	m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second))
	defer m.Shutdown()
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	typ, appended, got, err := appendManyAllocated(m, msgs)
	if err != nil || typ != "NO" || appended != 0 {
		t.Fatalf("AppendMany = %q, %d, %v; want NO, 0, nil", typ, appended, err)
	}
	total := uint64(count * len(msgs[0].Message))
	if got > total/4 {
		t.Errorf("AppendMany of %d bytes, refused at once, allocated %d bytes, want at most %d", total, got, total/4)
	}
	// The announcement counts the CRLF form.
	if got, want := s.Lines()[len(s.Lines())-1], fmt.Sprintf("{%d}", len(msgs[0].Message)*81/80); !strings.HasSuffix(got, want) {
		t.Errorf("APPEND line %q, want it to end %s", got, want)
	}
}

// With(KeepLineEndings), AppendMany sends each message exactly as given.
func TestAppendManyKeepLineEndings(t *testing.T) {
	s := newMultiServer(t, "MULTIAPPEND")
	m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second))
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	msgs := []AppendMessage{{Message: []byte("a\rb\nc\r\nd")}, {Message: []byte("e\n")}}
	if typ, _, n, err := m.With(KeepLineEndings).AppendMany("", msgs...); err != nil || typ != "OK" || n != 2 {
		t.Fatalf("AppendMany = %s, %d, %v", typ, n, err)
	}
	want := "APPEND INBOX {8}\r\na\rb\nc\r\nd {2}\r\ne\n\r\n"
	if got := s.Appends(); len(got) != 1 || got[0] != want {
		t.Errorf("wire %q\nwant %q", got, want)
	}
}

// A connection lost in the middle of a MULTIAPPEND is an *AbortError with
// nothing counted as appended (the server may or may not have kept the
// batch, which is all or nothing), and the connection is dead.
func TestAppendManyConnectionLost(t *testing.T) {
	s := newMultiServer(t, "MULTIAPPEND")
	s.Handlers["APPEND"] = func(c *fakeConn, tag string, _ []string) {
		lines := s.Lines()
		size, _, _ := announcedLiteral(lines[len(lines)-1])
		c.Write("+ go ahead")
		io.CopyN(io.Discard, c.r, int64(size))
		c.r.ReadString('\n') // the second message's announcement
		c.Conn.Close()
	}
	m := dialFake(t, s.fakeServer, WithTimeout(5*time.Second))
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	var ae *AbortError
	typ, _, n, err := m.AppendMany("INBOX", threeMessages...)
	if !errors.As(err, &ae) || n != 0 || typ != "" {
		t.Errorf("AppendMany = %q, %d, %v; want \"\", 0 and an *AbortError", typ, n, err)
	}
	assertDeadFast(t, m)
}

// linesMessages returns count messages of about size bytes, each made of
// the given line repeated.
func linesMessages(count, size int, line string) []AppendMessage {
	msgs := make([]AppendMessage, count)
	for i := range msgs {
		msgs[i].Message = []byte(strings.Repeat(line, size/len(line)))
	}
	return msgs
}

// appendManyAllocated runs AppendMany and returns, with its results, the
// bytes allocated meanwhile (by the client and the fake server alike).
func appendManyAllocated(m *IMAP4, msgs []AppendMessage) (typ string, appended int, allocated uint64, err error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	typ, _, appended, err = m.AppendMany("INBOX", msgs...)
	runtime.ReadMemStats(&after)
	return typ, appended, after.TotalAlloc - before.TotalAlloc, err
}

package imaplib

// Issue 12, item 6: what it costs to turn a 10,000-message
// FETCH (UID FLAGS ENVELOPE BODYSTRUCTURE) answer into typed results, this
// package against go-imap v2, side by side in one run:
//
//	go test -run '^$' -bench BenchmarkFetchParse10k -benchtime 5x .
//
// Both clients talk to the same scripted loopback server, which answers a
// FETCH with the same canned bytes, so each side pays for reading the socket
// and for its parser, as a program would:
//
//   - go-imap: imapclient's Fetch(...).Collect(), into FetchMessageBuffers;
//   - ours/fetch+parse: Fetch, then the typed parser over its []Datum;
//   - ours/fetch: Fetch alone (Python's raw answer: the floor under the above);
//   - ours/parse: the typed parser alone, over a []Datum fetched once.
//
// Each reports ns/msg, allocs/msg and B/msg (the server's few allocations
// per FETCH are included on every side alike).

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	imap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

const benchFetchMsgs = 10000

const benchFetchItems = "(UID FLAGS ENVELOPE BODYSTRUCTURE)"

// benchFetchAnswer is the untagged part of the canned answer: what Dovecot
// sends for a two-part message with an attachment, varied per message, with
// every tenth subject sent as a literal.
func benchFetchAnswer(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		subject := fmt.Sprintf(`"=?UTF-8?Q?Re:_caf=C3=A9_report_%d?="`, i)
		if i%10 == 0 {
			s := fmt.Sprintf("Weekly \"numbers\" %d", i)
			subject = fmt.Sprintf("{%d}\r\n%s", len(s), s)
		}
		fmt.Fprintf(&b, "* %d FETCH (UID %d FLAGS (\\Seen $Label%d) ENVELOPE ("+
			`"Mon, 30 Nov 2026 09:15:00 +0100" %s `+
			`(("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) `+
			`(("Alice Example" NIL "alice" "example.org")) `+
			`(("Bob" NIL "bob" "example.net")("=?UTF-8?B?Wm/DqyDDmHN0ZXI=?=" NIL "zoe" "example.net")) `+
			`NIL NIL "<prev-%d@example.org>" "<msg-%d@example.org>") `+
			`BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" %d %d NIL NIL NIL NIL)`+
			`("application" "pdf" ("name" "report-%d.pdf") NIL NIL "base64" %d NIL ("attachment" ("filename" "report-%d.pdf")) NIL NIL) `+
			`"mixed" ("boundary" "b-%d") NIL NIL NIL))`+"\r\n",
			i, 1000+i, i%7, subject, i-1, i, 500+i%300, 10+i%40, i, 40000+i, i, i)
	}
	return b.Bytes()
}

// benchServer is a scripted IMAP server on loopback: it greets with
// PREAUTH, answers every FETCH with answer and the tagged OK, and every
// other command with a plain OK.
type benchServer struct {
	ln     net.Listener
	answer []byte
	wg     sync.WaitGroup
}

func newBenchServer(tb testing.TB, answer []byte) *benchServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &benchServer{ln: ln, answer: answer}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
			}()
		}
	}()
	// Runs after the clients' own cleanups: they close their connections
	// first, and each serve returns at the end of its input.
	tb.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *benchServer) serve(c net.Conn) {
	defer c.Close()
	w := bufio.NewWriterSize(c, 64<<10)
	r := bufio.NewReader(c)
	w.WriteString("* PREAUTH [CAPABILITY IMAP4rev1] scripted server ready\r\n")
	w.Flush()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		tag, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		verb, _, _ := strings.Cut(rest, " ")
		switch strings.ToUpper(verb) {
		case "FETCH", "UID":
			w.Write(s.answer)
			w.WriteString(tag + " OK Fetch completed.\r\n")
		case "CAPABILITY":
			w.WriteString("* CAPABILITY IMAP4rev1\r\n" + tag + " OK done\r\n")
		case "SELECT", "EXAMINE":
			w.WriteString("* " + strconv.Itoa(benchFetchMsgs) + " EXISTS\r\n* FLAGS (\\Seen)\r\n" + tag + " OK [READ-WRITE] done\r\n")
		case "LOGOUT":
			w.WriteString("* BYE bye\r\n" + tag + " OK done\r\n")
			w.Flush()
			return
		default:
			w.WriteString(tag + " OK done\r\n")
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}

// benchPerMsg runs f b.N times and reports its cost per message.
func benchPerMsg(b *testing.B, f func()) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		f()
	}
	elapsed := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&after)
	msgs := float64(b.N) * benchFetchMsgs
	b.ReportMetric(float64(elapsed.Nanoseconds())/msgs, "ns/msg")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/msgs, "allocs/msg")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/msgs, "B/msg")
}

func BenchmarkFetchParse10k(b *testing.B) {
	srv := newBenchServer(b, benchFetchAnswer(benchFetchMsgs))
	host, portStr, _ := net.SplitHostPort(srv.ln.Addr().String())
	port, _ := strconv.Atoi(portStr)

	b.Run("go-imap", func(b *testing.B) {
		conn, err := net.Dial("tcp", srv.ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		c := imapclient.New(conn, nil)
		defer c.Close()
		if err := c.WaitGreeting(); err != nil {
			b.Fatal(err)
		}
		var all imap.SeqSet
		all.AddRange(1, benchFetchMsgs)
		opts := &imap.FetchOptions{
			UID: true, Flags: true, Envelope: true,
			BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
		}
		benchPerMsg(b, func() {
			msgs, err := c.Fetch(all, opts).Collect()
			if err != nil {
				b.Fatal(err)
			}
			if len(msgs) != benchFetchMsgs || msgs[9].Envelope == nil || msgs[9].BodyStructure == nil {
				b.Fatalf("go-imap: %d messages", len(msgs))
			}
		})
	})

	dial := func(b *testing.B) *IMAP4 {
		m, err := New(host, port, WithTimeout(time.Minute))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Shutdown() })
		if typ, data, err := m.Select("INBOX", false); err != nil || typ != "OK" {
			b.Fatalf("Select: %s %v", Repr(typ, data), err)
		}
		return m
	}
	fetch := func(b *testing.B, m *IMAP4) []Datum {
		typ, data, err := m.Fetch("1:"+strconv.Itoa(benchFetchMsgs), benchFetchItems)
		if err != nil || typ != "OK" {
			b.Fatalf("Fetch: %s %v", typ, err)
		}
		return data
	}
	parse := func(b *testing.B, data []Datum) {
		n, err := ourParseFetch(data)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchFetchMsgs {
			b.Fatalf("ours: %d messages", n)
		}
	}
	b.Run("ours/fetch+parse", func(b *testing.B) {
		m := dial(b)
		benchPerMsg(b, func() { parse(b, fetch(b, m)) })
	})
	b.Run("ours/fetch", func(b *testing.B) {
		m := dial(b)
		benchPerMsg(b, func() {
			if data := fetch(b, m); len(data) < benchFetchMsgs {
				b.Fatalf("ours: %d data", len(data))
			}
		})
	})
	b.Run("ours/parse", func(b *testing.B) {
		data := fetch(b, dial(b))
		benchPerMsg(b, func() { parse(b, data) })
	})
}

// TestBenchFetchAnswerParses checks the benchmark's canned answer with
// go-imap, so that a typo in it cannot make one side fail fast and look
// cheap: every message must come out whole.
func TestBenchFetchAnswerParses(t *testing.T) {
	srv := newBenchServer(t, benchFetchAnswer(20))
	conn, err := net.Dial("tcp", srv.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	var all imap.SeqSet
	all.AddRange(1, 20)
	msgs, err := c.Fetch(all, &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 20 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, m := range msgs {
		mp, ok := m.BodyStructure.(*imap.BodyStructureMultiPart)
		if m.UID != imap.UID(1000+m.SeqNum) || len(m.Flags) != 2 || m.Envelope == nil ||
			len(m.Envelope.To) != 2 || m.Envelope.MessageID == "" || !ok || len(mp.Children) != 2 {
			t.Errorf("message %d: %+v", m.SeqNum, m)
		}
	}
	if got := msgs[9].Envelope.Subject; got != `Weekly "numbers" 10` {
		t.Errorf("the literal subject came out as %q", got)
	}
}

package imaplib

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// replayTransport serves recorded server bytes to the engine and discards
// what the client writes, so that the reader can be measured alone.
type replayTransport struct {
	r *bytes.Reader
}

func (t *replayTransport) Read(p []byte) (int, error)       { return t.r.Read(p) }
func (t *replayTransport) Write(p []byte) (int, error)      { return len(p), nil }
func (t *replayTransport) Close() error                     { return nil }
func (t *replayTransport) SetReadDeadline(time.Time) error  { return nil }
func (t *replayTransport) SetWriteDeadline(time.Time) error { return nil }

// replayClient returns a client in the SELECTED state whose next reads
// come from wire.
func replayClient(tb testing.TB, wire []byte) *IMAP4 {
	m, err := newIMAP4("", 0, IMAP4_PORT, nil)
	if err != nil {
		tb.Fatal(err)
	}
	m.e.attach(&replayTransport{bytes.NewReader(wire)}, nil, nil, nil)
	m.e.tagPre = []byte("ABCD")
	m.state = StateSelected
	return m
}

// readTagged reads responses until the tagged completion of tag, as a
// command does, and returns the untagged data filed under name.
func readTagged(tb testing.TB, m *IMAP4, tag, name string) []Datum {
	num := tagNumber([]byte(strings.TrimPrefix(tag, string(m.e.tagPre))))
	c := &command{name: name, num: num}
	m.e.inflight[num] = c
	if _, _, err := m.getTaggedResponse(c, false); err != nil {
		tb.Fatal(err)
	}
	data, _ := m.store.pop(name)
	return data
}

func bulkFetchWire(n, size int) []byte {
	body := bytes.Repeat([]byte("x"), size-2)
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "* %d FETCH (RFC822 {%d}\r\n%s\r\n)\r\n", i, size, body)
	}
	b.WriteString("ABCD0 OK Fetch completed.\r\n")
	return b.Bytes()
}

func benchRead(b *testing.B, wire []byte, name string, check func([]Datum)) {
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		m := replayClient(b, wire)
		check(readTagged(b, m, "ABCD0", name))
	}
}

func BenchmarkReadBulkFetch(b *testing.B) {
	wire := bulkFetchWire(10000, 4096)
	benchRead(b, wire, "FETCH", func(d []Datum) {
		if len(d) != 20000 {
			b.Fatalf("%d data", len(d))
		}
	})
}

func BenchmarkReadLiteral20MiB(b *testing.B) {
	wire := bulkFetchWire(1, 20<<20)
	benchRead(b, wire, "FETCH", func(d []Datum) {
		if len(d[0].Literal) != 20<<20 {
			b.Fatalf("literal of %d bytes", len(d[0].Literal))
		}
	})
}

func BenchmarkReadSearch100k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("* SEARCH")
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(&sb, " %d", i)
	}
	sb.WriteString("\r\nABCD0 OK Search completed.\r\n")
	benchRead(b, []byte(sb.String()), "SEARCH", func(d []Datum) {
		if len(d) != 1 {
			b.Fatalf("%d data", len(d))
		}
	})
}

func BenchmarkReadList10k(b *testing.B) {
	var sb strings.Builder
	for i := 1; i <= 10000; i++ {
		fmt.Fprintf(&sb, "* LIST (\\HasNoChildren) \"/\" \"Folder %d\"\r\n", i)
	}
	sb.WriteString("ABCD0 OK List completed.\r\n")
	benchRead(b, []byte(sb.String()), "LIST", func(d []Datum) {
		if len(d) != 10000 {
			b.Fatalf("%d data", len(d))
		}
	})
}

// maxAllocsPerFetch is the measured cost of reading one FETCH response
// with a literal: the first line, the literal and the trailer.
const maxAllocsPerFetch = 3

func TestFetchResponseAllocations(t *testing.T) {
	const n = 200
	wire := bulkFetchWire(n, 4096)
	m := replayClient(t, nil)
	// Read the responses one by one so the store's growth is not counted.
	m.store.byTyp["FETCH"] = make([]Datum, 0, 2*n+2)
	src := m.e.dt.transport.(*replayTransport)
	src.r.Reset(wire)
	allocs := testing.AllocsPerRun(n-1, func() {
		if _, err := m.e.read(false); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > maxAllocsPerFetch {
		t.Errorf("reading one FETCH response with a literal costs %.1f allocations, want at most %d", allocs, maxAllocsPerFetch)
	}
}

var _ io.Reader = (*replayTransport)(nil)

// TestLongLineBuffer: lines longer than the read buffer are assembled in
// one buffer per connection, reused for the next long line (which then
// costs one copy of its data) but not kept once it passes keptLineBuffer.
func TestLongLineBuffer(t *testing.T) {
	searchLine := func(n int) string {
		var sb strings.Builder
		sb.WriteString("* SEARCH")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&sb, " %d", i)
		}
		return sb.String() + "\r\n"
	}
	mid := searchLine(50000) // about 290 KB
	wire := mid + "ABCD0 OK done\r\n" + mid + "ABCD1 OK done\r\n" + searchLine(200000) + "ABCD2 OK done\r\n"
	m := replayClient(t, []byte(wire))
	m.opts.maxLine = 2 << 20 // the last line is 1.3 MB
	if d := readTagged(t, m, "ABCD0", "SEARCH"); len(d) != 1 || len(d[0].Bytes) != len(mid)-len("* SEARCH \r\n") {
		t.Fatalf("first SEARCH: %d data", len(d))
	}
	if cap(m.e.lineBuf) < len(mid) || cap(m.e.lineBuf) > keptLineBuffer {
		t.Fatalf("line buffer of %d bytes kept after a %d-byte line", cap(m.e.lineBuf), len(mid))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d := readTagged(t, m, "ABCD1", "SEARCH")
	runtime.ReadMemStats(&after)
	if got, want := after.TotalAlloc-before.TotalAlloc, uint64(len(mid))*5/4; got > want {
		t.Errorf("second %d-byte line allocated %d bytes, want at most %d", len(mid), got, want)
	}
	if len(d) != 1 || !bytes.HasSuffix(d[0].Bytes, []byte(" 49999 50000")) {
		t.Fatalf("second SEARCH: %v", len(d))
	}
	if d := readTagged(t, m, "ABCD2", "SEARCH"); len(d) != 1 || !bytes.HasSuffix(d[0].Bytes, []byte(" 200000")) {
		t.Fatal("third SEARCH wrong")
	}
	if m.e.lineBuf != nil {
		t.Errorf("a %d-byte line buffer was kept; the limit is %d", cap(m.e.lineBuf), keptLineBuffer)
	}
}

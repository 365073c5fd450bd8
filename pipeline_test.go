package imaplib

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/goimaplib/imaplib/imaplibtest"
)

// A server that answers pipelined commands out of order, with later
// commands' data before earlier commands' completions (as Dovecot does),
// still gives each Call what the command returns alone.
func TestPipelineRoutesOutOfOrderAnswers(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
		tags := readPipelined(c, tag, 3)
		if tags == nil {
			return
		}
		c.Write(`* 3 FETCH (FLAGS (\Seen))`)
		c.WriteRaw("* 2 FETCH (UID 12 BODY[] {5}\r\nhello)\r\n")
		c.Write(tags[2] + " OK STORE done")
		c.Write("* 9 EXISTS")
		c.WriteRaw("* 1 FETCH (UID 11 BODY[] {3}\r\nabc)\r\n")
		c.Write(tags[1] + " OK FETCH 2 done")
		c.Write(tags[0] + " OK FETCH 1 done")
	}
	m := selectedClient(t, s)
	p := m.Pipeline(8)
	c1 := p.Fetch("1", "BODY[]")
	c2 := p.Fetch("2", "BODY[]")
	c3 := p.Store("3", "+FLAGS", `\Seen`)
	for _, tc := range []struct {
		call *Call
		want string
	}{
		{c1, `('OK', [(b'1 (UID 11 BODY[] {3}', b'abc'), b')'])`},
		{c2, `('OK', [(b'2 (UID 12 BODY[] {5}', b'hello'), b')'])`},
		{c3, `('OK', [b'3 (FLAGS (\\Seen))'])`},
	} {
		typ, data, err := tc.call.Result()
		if got := Repr(typ, data); err != nil || got != tc.want {
			t.Errorf("Result = %s, %v; want %s", got, err, tc.want)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if typ, data := m.Response("EXISTS"); Repr(typ, data) != "('EXISTS', [b'2', b'9'])" {
		t.Errorf("EXISTS in the store: %s", Repr(typ, data))
	}
	if _, ok := m.UntaggedResponses()["FETCH"]; ok {
		t.Error("FETCH data left in the store")
	}
}

// Message sets that share a message are never in flight together, nor is
// a set the pipeline cannot read.
func TestPipelineSchedule(t *testing.T) {
	for _, tc := range []struct {
		set string
		ok  bool
	}{{"1", true}, {"1:5,7", true}, {"7:3", true}, {"1:*", false}, {"$", false}, {"", false}, {"a", false}, {"0", false}} {
		if _, ok := parseSeqSpans(tc.set); ok != tc.ok {
			t.Errorf("parseSeqSpans(%q) ok = %v", tc.set, ok)
		}
	}
	a, _ := parseSeqSpans("1:5,7")
	for set, meet := range map[string]bool{"5": true, "6": false, "7": true, "3:4": true, "8:9": false, "6,8": false} {
		b, _ := parseSeqSpans(set)
		if spansMeet(a, b) != meet {
			t.Errorf("1:5,7 and %s meet = %v", set, !meet)
		}
	}
	if n, ok := uidItem([]byte("4 (FLAGS (\\Seen) UID 17 RFC822 {3}")); !ok || n != 17 {
		t.Errorf("uidItem = %d, %v", n, ok)
	}
	if _, ok := uidItem([]byte("4 (X-GUID 5)")); ok {
		t.Error("uidItem read X-GUID")
	}
}

// comparePipelined runs the same FETCH and STORE commands one by one and
// through a pipeline, on the same messages, and compares the results
// command by command and the stores they leave.
func comparePipelined(t *testing.T, m *IMAP4, n, window int) {
	t.Helper()
	sets := make([]string, n)
	for i := range sets {
		sets[i] = fmt.Sprint(i + 1)
	}
	// On a UID view the same strings are UIDs: a fresh mailbox numbers
	// its messages and UIDs alike, and the pipeline routes by UID.
	type result struct{ fetch, store, unstore string }
	run := func(pipelined bool) ([]result, map[string][]Datum) {
		out := make([]result, n)
		reprOf := func(typ string, data []Datum, err error) string {
			if err != nil {
				return "error: " + err.Error()
			}
			return Repr(typ, data)
		}
		if !pipelined {
			for i, set := range sets {
				out[i].fetch = reprOf(m.Fetch(set, "(UID FLAGS RFC822.SIZE BODY.PEEK[])"))
			}
			for i, set := range sets {
				out[i].store = reprOf(m.Store(set, "+FLAGS", `(\Flagged)`))
			}
			for i, set := range sets {
				out[i].unstore = reprOf(m.Store(set, "-FLAGS", `(\Flagged)`))
			}
			return out, m.UntaggedResponses()
		}
		p := m.Pipeline(window)
		fetches := make([]*Call, n)
		stores := make([]*Call, n)
		unstores := make([]*Call, n)
		for i, set := range sets {
			fetches[i] = p.Fetch(set, "(UID FLAGS RFC822.SIZE BODY.PEEK[])")
		}
		for i, set := range sets {
			stores[i] = p.Store(set, "+FLAGS", `(\Flagged)`)
		}
		for i, set := range sets {
			unstores[i] = p.Store(set, "-FLAGS", `(\Flagged)`)
		}
		for i := range sets {
			out[i] = result{reprOf(fetches[i].Result()), reprOf(stores[i].Result()), reprOf(unstores[i].Result())}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if p.peak < min(window, n) {
			t.Errorf("at most %d commands were in flight, window %d", p.peak, window)
		}
		return out, m.UntaggedResponses()
	}
	seq, seqStore := run(false)
	pip, pipStore := run(true)
	for i := range seq {
		if seq[i] != pip[i] {
			t.Errorf("message %d:\n  one by one: %+v\n  pipelined:  %+v", i+1, seq[i], pip[i])
		}
	}
	if !reflect.DeepEqual(seqStore, pipStore) {
		t.Errorf("store after one by one: %v\nafter the pipeline: %v", seqStore, pipStore)
	}
	if strings.Contains(seq[0].fetch, "error") || !strings.Contains(seq[0].fetch, "RFC822.SIZE") {
		t.Fatalf("the workload did not fetch: %s", seq[0].fetch)
	}
}

func pipelineMessages(n int) [][]byte {
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = []byte(fmt.Sprintf("Subject: message %d\r\n\r\n%s\r\n", i+1, strings.Repeat("x", 100*(i+1))))
	}
	return msgs
}

func TestPipelineMatchesOneByOneMemServer(t *testing.T) {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass"))
	defer srv.Close()
	for _, msg := range pipelineMessages(20) {
		if err := srv.AddMessage("alice", "INBOX", msg); err != nil {
			t.Fatal(err)
		}
	}
	m, err := New(srv.Host, srv.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	m.Login("alice", "pass")
	m.Select("", false)
	comparePipelined(t, m, 20, 8)
	comparePipelined(t, m.With(UID), 20, 8)
}

func TestPipelineMatchesOneByOneDovecot(t *testing.T) {
	lab := needDovecot(t)
	user, password := lab.NewUser(t)
	pipelineOnLab(t, &lab.labServer, user, password, 50)
}

func TestPipelineMatchesOneByOneCyrus(t *testing.T) {
	lab := needCyrus(t)
	user, password := lab.NewUser(t)
	pipelineOnLab(t, &lab.labServer, user, password, 30)
}

// pipelineOnLab appends n messages for a fresh user of a lab server and
// compares pipelined and one-by-one runs on them, by number and by UID.
func pipelineOnLab(t *testing.T, lab *labServer, user, password string, n int) {
	m, err := New(lab.Host, lab.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login(user, password); err != nil {
		t.Fatal(err)
	}
	for _, msg := range pipelineMessages(n) {
		if _, _, err := m.Append("INBOX", "", nil, msg); err != nil {
			t.Fatal(err)
		}
	}
	m.Select("", false)
	comparePipelined(t, m, n, 16)
	comparePipelined(t, m.With(UID), n, 16)
}

// pipelineWire is the server's side of n pipelined "FETCH i (RFC822)"
// commands with tags ABCD0..: each answer, then each completion.
func pipelineWire(n, size int) []byte {
	body := strings.Repeat("x", size-2)
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "* %d FETCH (RFC822 {%d}\r\n%s\r\n)\r\n", i, size, body)
		fmt.Fprintf(&b, "ABCD%d OK Fetch completed.\r\n", i-1)
	}
	return []byte(b.String())
}

// runPipelined sends n FETCHes through a pipeline over wire and checks
// every result.
func runPipelined(tb testing.TB, wire []byte, n int) {
	m := replayClient(tb, wire)
	p := m.Pipeline(64)
	calls := make([]*Call, n)
	for i := range calls {
		calls[i] = p.Fetch(fmt.Sprint(i+1), "(RFC822)")
	}
	for _, c := range calls {
		if _, data, err := c.Result(); err != nil || len(data) != 2 {
			tb.Fatalf("Result: %d data, %v", len(data), err)
		}
	}
	if err := p.Close(); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkPipelineFetch(b *testing.B) {
	const n = 1000
	wire := pipelineWire(n, 4096)
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		runPipelined(b, wire, n)
	}
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() { runPipelined(b, wire, n) }))/n, "allocs/cmd")
}

// maxAllocsPerPipelinedFetch is the measured cost of one pipelined FETCH
// with a 4 KiB literal, sending and reading included (one of them the
// test's own fmt.Sprint), with room for the race detector's few more.
const maxAllocsPerPipelinedFetch = 14.5

func TestPipelineAllocations(t *testing.T) {
	const n = 500
	wire := pipelineWire(n, 4096)
	allocs := testing.AllocsPerRun(3, func() { runPipelined(t, wire, n) }) / n
	t.Logf("%.1f allocations per pipelined FETCH", allocs)
	if allocs > maxAllocsPerPipelinedFetch {
		t.Errorf("a pipelined FETCH costs %.2f allocations, want at most %v", allocs, maxAllocsPerPipelinedFetch)
	}
}

// What the pipeline's calls hold counts against the store's limit
// (WithMaxUntaggedSize) until they complete, as the store's own data does.
func TestPipelineHonoursTheUntaggedLimit(t *testing.T) {
	body := strings.Repeat("x", 4094)
	var wire strings.Builder
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&wire, "* %d FETCH (RFC822 {4096}\r\n%s\r\n)\r\n", i, body)
	}
	wire.WriteString("ABCD0 OK done\r\nABCD1 OK done\r\nABCD2 OK done\r\n")
	m := replayClient(t, []byte(wire.String()))
	m.store.max = 6000 // one 4 KiB answer fits, two held at once do not
	p := m.Pipeline(8)
	calls := []*Call{p.Fetch("1", "(RFC822)"), p.Fetch("2", "(RFC822)"), p.Fetch("3", "(RFC822)")}
	_, _, err := calls[2].Result()
	var lim *LimitError
	if !errors.As(err, &lim) || lim.Limit != "untagged responses" {
		t.Fatalf("third FETCH: %v, want a *LimitError for the untagged responses", err)
	}
	if p.Close() == nil {
		t.Error("Close reported no failure")
	}
}

// runSequential sends n FETCHes one at a time, as Python's loop does, over
// wire and checks every result.
func runSequential(tb testing.TB, wire []byte, sets []string) {
	m := replayClient(tb, wire)
	for _, set := range sets {
		if _, data, err := m.Fetch(set, "(RFC822)"); err != nil || len(data) != 2 {
			tb.Fatalf("Fetch: %d data, %v", len(data), err)
		}
	}
}

func fetchSets(n int) []string {
	sets := make([]string, n)
	for i := range sets {
		sets[i] = fmt.Sprint(i + 1)
	}
	return sets
}

func BenchmarkSequentialFetch(b *testing.B) {
	const n = 1000
	wire, sets := pipelineWire(n, 4096), fetchSets(n)
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		runSequential(b, wire, sets)
	}
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() { runSequential(b, wire, sets) }))/n, "allocs/cmd")
}

// maxAllocsPerFetchCommand is the measured cost of one Fetch with a 4 KiB
// literal, one at a time, sending and reading included: the command, its
// arguments and tag, the literal, the FETCH line's data and its store
// entry, the tagged line and its result, and a little of the client's
// set-up spread over the loop.
const maxAllocsPerFetchCommand = 10.2

func TestSequentialFetchAllocations(t *testing.T) {
	const n = 500
	wire, sets := pipelineWire(n, 4096), fetchSets(n)
	allocs := testing.AllocsPerRun(3, func() { runSequential(t, wire, sets) }) / n
	t.Logf("%.1f allocations per Fetch", allocs)
	if allocs > maxAllocsPerFetchCommand {
		t.Errorf("a Fetch costs %.2f allocations, want at most %v", allocs, maxAllocsPerFetchCommand)
	}
}

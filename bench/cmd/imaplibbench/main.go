// Imaplibbench is the client of the benchmarks in bench/ that uses this
// module, github.com/goimaplib/imaplib.
//
// It logs in, SELECTs the mailbox, runs one workload with the same calls
// as a Python script would make (Fetch("1:*", "(RFC822)"), Fetch(n,
// "(RFC822)") in a loop, Search("", "ALL"), Uid("STORE", ...), Append)
// and logs out. It keeps the data as imaplib's caller does: all that
// FETCH 1:* returned until the end, one answer at a time in the loops. It
// prints
//
//	workload=W messages=N bytes=B
//
// where N counts the (header, literal) tuples of the fetch workloads, the
// SEARCH hits, the FETCH responses of storeloop's STOREs or the APPENDs,
// and B is the number of literal bytes received (or APPENDed).
//
// On Linux a second line follows, the span of bench/internal/span: the
// workload's own wall time, CPU time and memory growth, measured inside
// the process around the workload alone.
//
// The latency workloads (fetchloop200, fetchbulk200, storeloop, append4k,
// append64k; see bench/README.md) run one command at a time, as CPython
// would. With -pipeline N the loops go through pipelinedLoop instead, with
// up to N commands in flight; until the package's pipelined API is wired
// in there, that exits with status 3, which makes the harness leave the
// client out of the workload.
//
// With -hold it runs the hold reader of bench/internal/hold instead, the
// floor that holdbench runs in its small binary, inside this binary, which
// links the whole package: the harness's client holdlinked. Against it, a
// ratio leaves out what the size of the program costs.
//
// Usage:
//
//	imaplibbench -port P -workload W [-mailbox M] [-pipeline N] [-hold]
//	             [-cpuprofile FILE] [-memprofile FILE [-memprofilerate N]]
//
// The memory profile is written after the workload, while its data is
// still alive: it has the live heap (-sample_index=inuse_space) and every
// allocation of the run (-sample_index=alloc_space).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/bench/internal/hold"
	"github.com/goimaplib/imaplib/bench/internal/latency"
	"github.com/goimaplib/imaplib/bench/internal/span"
)

var (
	host       = flag.String("host", "127.0.0.1", "server `host`")
	port       = flag.Int("port", 143, "server `port`")
	user       = flag.String("user", "alice", "login `name`")
	password   = flag.String("password", "pass-alice", "login `password`")
	workload   = flag.String("workload", "", "login, fetchall, fetchloop, search, big, fetchloop200, fetchbulk200, storeloop, append4k or append64k")
	pipeline   = flag.Int("pipeline", 0, "run the latency loops with up to `N` commands in flight (0: one at a time)")
	holdFloor  = flag.Bool("hold", false, "run the hold reader (bench/internal/hold) instead of the package, in this binary")
	litplus    = flag.Bool("literalplus", false, "connect WithLiteralPlus: APPEND literals non-synchronizing where the server allows")
	mailbox    = flag.String("mailbox", "", "`mailbox` to select (default bench20m for big, else bench10k)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile to `file`")
	memprofile = flag.String("memprofile", "", "write a memory profile to `file`")
	memrate    = flag.Int("memprofilerate", 0, "set runtime.MemProfileRate to `rate` (1: every allocation)")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("imaplibbench: ")
	flag.Parse()
	if *pipeline < 0 {
		log.Fatal("-pipeline must be 0 or more")
	}
	if *mailbox == "" {
		*mailbox = "bench10k"
		if *workload == "big" {
			*mailbox = "bench20m"
		}
	}
	if *holdFloor {
		runHold()
		return
	}
	if *memrate > 0 {
		runtime.MemProfileRate = *memrate
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	var opts []imaplib.Option
	if *litplus {
		opts = append(opts, imaplib.WithLiteralPlus())
	}
	m, err := imaplib.New(*host, *port, opts...)
	if err != nil {
		log.Fatal(err)
	}
	check(m.Login(*user, *password))
	data := check(m.Select(*mailbox, false))
	exists, err := strconv.Atoi(string(data[0].Bytes))
	if err != nil {
		log.Fatalf("SELECT returned %v", data)
	}

	// The workload alone, for the harness's in-process figures.
	sp := span.Start()
	var kept []imaplib.Datum // what FETCH 1:* returned, alive until the end
	var t tally
	switch *workload {
	case "fetchall":
		kept = check(m.Fetch("1:*", "(RFC822)"))
		t.fetched(kept)
	case "fetchloop", "big":
		for n := 1; n <= exists; n++ {
			t.fetched(check(m.Fetch(strconv.Itoa(n), "(RFC822)")))
		}
	case "search":
		for _, d := range check(m.Search("", "ALL")) {
			t.messages += len(bytes.Fields(d.Bytes))
		}
	case "fetchbulk200":
		t.fetched(check(m.Fetch("1:"+strconv.Itoa(latency.Fetches), "(RFC822)")))
	case "fetchloop200", "storeloop", "append4k", "append64k":
		l := newLoop(*workload)
		if l.scratch != "" {
			check(m.Create(l.scratch))
		}
		if l.reset != "" {
			check(m.Uid("STORE", l.reset, "-FLAGS", `(\Seen)`))
		}
		var err error
		if *pipeline > 0 {
			err = pipelinedLoop(m, *pipeline, l, &t)
		} else {
			err = sequentialLoop(m, l, &t)
		}
		if l.scratch != "" {
			check(m.Delete(l.scratch))
		}
		if err != nil {
			log.Fatal(err)
		}
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		log.Fatalf("unknown -workload %q", *workload)
	}
	spanned, spanErr := sp.End()
	if *memprofile != "" {
		writeMemProfile(*memprofile)
	}
	// Like Python's logout, Logout returns "BYE" when the server said BYE.
	if _, _, err := m.Logout(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("workload=%s messages=%d bytes=%d\n", *workload, t.messages, t.bytes)
	if spanErr == nil {
		fmt.Println(spanned)
	}
	runtime.KeepAlive(kept)
}

// runHold runs the workload with the hold reader instead of the package:
// the same work as holdbench's, in a binary that links the whole package.
func runHold() {
	hold.Main(hold.Config{
		Addr:     net.JoinHostPort(*host, strconv.Itoa(*port)),
		User:     *user,
		Password: *password,
		Workload: *workload,
		Mailbox:  *mailbox,
	})
}

// A loop is a latency workload as the list of its commands: the arguments
// of the sequential calls that run it one command at a time.
type loop struct {
	fetch   []string // Fetch(fetch[i], "(RFC822)")
	store   []string // Uid("STORE", store[i], "+FLAGS", `(\Seen)`)
	appends [][]byte // Append(scratch, "", nil, appends[i])
	scratch string   // the mailbox of the APPENDs, created before and deleted after
	reset   string   // UIDs to STORE -FLAGS (\Seen) before the loop ("": none)
}

func newLoop(w string) *loop {
	l := &loop{}
	switch w {
	case "fetchloop200":
		for n := 1; n <= latency.Fetches; n++ {
			l.fetch = append(l.fetch, strconv.Itoa(n))
		}
	case "storeloop":
		l.reset = "1:" + strconv.Itoa(latency.Stores)
		for n := 1; n <= latency.Stores; n++ {
			l.store = append(l.store, strconv.Itoa(n))
		}
	default:
		size, _ := latency.AppendSize(w)
		l.scratch = latency.ScratchMailbox()
		for i := 1; i <= latency.Appends; i++ {
			l.appends = append(l.appends, latency.Message(i, size))
		}
	}
	return l
}

// A tally is what the workload line reports.
type tally struct {
	messages int // literals received, SEARCH hits, STOREs' FETCH responses or APPENDs
	bytes    int // literal bytes received or APPENDed
}

// fetched counts the (header, literal) tuples of a FETCH's data.
func (t *tally) fetched(data []imaplib.Datum) {
	for _, d := range data {
		if d.Kind == imaplib.KindTuple {
			t.messages++
			t.bytes += len(d.Literal)
		}
	}
}

// stored checks that a UID STORE's data is one FETCH response for that
// UID, and counts it.
func (t *tally) stored(uid string, data []imaplib.Datum) {
	if len(data) != 1 || !bytes.Contains(data[0].Bytes, []byte("UID "+uid+" ")) && !bytes.Contains(data[0].Bytes, []byte("UID "+uid+")")) {
		log.Fatalf("UID STORE %s returned %s", uid, imaplib.Repr("OK", data))
	}
	t.messages++
}

// appended counts one APPEND of msg.
func (t *tally) appended(msg []byte) {
	t.messages++
	t.bytes += len(msg)
}

// sequentialLoop runs l with the package's ordinary calls, one command at
// a time, and tallies each command's data.
func sequentialLoop(m *imaplib.IMAP4, l *loop, t *tally) error {
	for _, n := range l.fetch {
		t.fetched(check(m.Fetch(n, "(RFC822)")))
	}
	for _, uid := range l.store {
		t.stored(uid, check(m.Uid("STORE", uid, "+FLAGS", `(\Seen)`)))
	}
	for _, msg := range l.appends {
		check(m.Append(l.scratch, "", nil, msg))
		t.appended(msg)
	}
	return nil
}

// pipelinedLoop runs l with up to window commands in flight, and tallies
// each command's data in command order, exactly as sequentialLoop does, so
// that the harness sees the same workload line from both: FETCHes through
// a Pipeline, STOREs through a Pipeline on the UID view, and the APPENDs
// as one AppendMany (MULTIAPPEND: one round trip per message, or one per
// batch with -literalplus).
func pipelinedLoop(m *imaplib.IMAP4, window int, l *loop, t *tally) error {
	if len(l.fetch) > 0 {
		p := m.Pipeline(window)
		calls := make([]*imaplib.Call, len(l.fetch))
		for i, n := range l.fetch {
			calls[i] = p.Fetch(n, "(RFC822)")
		}
		for _, c := range calls {
			t.fetched(check(c.Result()))
		}
		if err := p.Close(); err != nil {
			return err
		}
	}
	if len(l.store) > 0 {
		p := m.With(imaplib.UID).Pipeline(window)
		calls := make([]*imaplib.Call, len(l.store))
		for i, uid := range l.store {
			calls[i] = p.Store(uid, "+FLAGS", `(\Seen)`)
		}
		for i, c := range calls {
			t.stored(l.store[i], check(c.Result()))
		}
		if err := p.Close(); err != nil {
			return err
		}
	}
	if len(l.appends) > 0 {
		msgs := make([]imaplib.AppendMessage, len(l.appends))
		for i, msg := range l.appends {
			msgs[i] = imaplib.AppendMessage{Message: msg}
		}
		typ, data, appended, err := m.AppendMany(l.scratch, msgs...)
		check(typ, data, err)
		if appended != len(msgs) {
			return fmt.Errorf("AppendMany appended %d of %d", appended, len(msgs))
		}
		for _, msg := range l.appends {
			t.appended(msg)
		}
	}
	return nil
}

// check stops the program unless a command returned OK, and returns its data.
func check(typ string, data []imaplib.Datum, err error) []imaplib.Datum {
	if err != nil {
		log.Fatal(err)
	}
	if typ != "OK" {
		log.Fatalf("%s %s", typ, imaplib.Repr(typ, data))
	}
	return data
}

// writeMemProfile writes the allocs profile, which has both the live heap
// and every allocation so far. The profile only counts what the last
// garbage collection saw, so it collects first.
func writeMemProfile(name string) {
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

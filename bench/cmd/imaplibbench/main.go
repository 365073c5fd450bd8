// Imaplibbench is the client of the benchmarks in bench/ that uses this
// module, github.com/goimaplib/imaplib.
//
// It logs in, SELECTs the mailbox, runs one workload with the same calls
// as a Python script would make (Fetch("1:*", "(RFC822)"), Fetch(n,
// "(RFC822)") in a loop, Search("", "ALL")) and logs out. It keeps the data
// as imaplib's caller does: all that FETCH 1:* returned until the end, one
// answer at a time in the loops. It prints
//
//	workload=W messages=N bytes=B
//
// where N counts the (header, literal) tuples of the fetch workloads or
// the SEARCH hits, and B is the number of literal bytes received.
//
// Usage:
//
//	imaplibbench -port P -workload login|fetchall|fetchloop|search|big [-mailbox M]
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
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"

	"github.com/goimaplib/imaplib"
)

var (
	host       = flag.String("host", "127.0.0.1", "server `host`")
	port       = flag.Int("port", 143, "server `port`")
	user       = flag.String("user", "alice", "login `name`")
	password   = flag.String("password", "pass-alice", "login `password`")
	workload   = flag.String("workload", "", "login, fetchall, fetchloop, search or big")
	mailbox    = flag.String("mailbox", "", "`mailbox` to select (default bench20m for big, else bench10k)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile to `file`")
	memprofile = flag.String("memprofile", "", "write a memory profile to `file`")
	memrate    = flag.Int("memprofilerate", 0, "set runtime.MemProfileRate to `rate` (1: every allocation)")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("imaplibbench: ")
	flag.Parse()
	if *mailbox == "" {
		*mailbox = "bench10k"
		if *workload == "big" {
			*mailbox = "bench20m"
		}
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

	m, err := imaplib.New(*host, *port)
	if err != nil {
		log.Fatal(err)
	}
	check(m.Login(*user, *password))
	data := check(m.Select(*mailbox, false))
	exists, err := strconv.Atoi(string(data[0].Bytes))
	if err != nil {
		log.Fatalf("SELECT returned %v", data)
	}

	var kept []imaplib.Datum // what FETCH 1:* returned, alive until the end
	messages, total := 0, 0
	count := func(data []imaplib.Datum) {
		for _, d := range data {
			if d.Kind == imaplib.KindTuple {
				messages++
				total += len(d.Literal)
			}
		}
	}
	switch *workload {
	case "fetchall":
		kept = check(m.Fetch("1:*", "(RFC822)"))
		count(kept)
	case "fetchloop", "big":
		for n := 1; n <= exists; n++ {
			count(check(m.Fetch(strconv.Itoa(n), "(RFC822)")))
		}
	case "search":
		for _, d := range check(m.Search("", "ALL")) {
			messages += len(bytes.Fields(d.Bytes))
		}
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		log.Fatalf("unknown -workload %q", *workload)
	}
	if *memprofile != "" {
		writeMemProfile(*memprofile)
	}
	// Like Python's logout, Logout returns "BYE" when the server said BYE.
	if _, _, err := m.Logout(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("workload=%s messages=%d bytes=%d\n", *workload, messages, total)
	runtime.KeepAlive(kept)
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

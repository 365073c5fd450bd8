// Goimapbench is the go-imap v2 client of the benchmarks in bench/.
//
// It uses github.com/emersion/go-imap/v2/imapclient: it logs in, SELECTs
// the mailbox, runs one workload and logs out. go-imap has no RFC822 fetch
// item, so it fetches BODY[], which makes the server send the same bytes,
// and it keeps the bodies in memory with Collect, as imaplib's caller
// does: all of FETCH 1:* until the end, one message at a time in the
// loops. It prints
//
//	workload=W messages=N bytes=B
//
// where N counts the bodies received (fetch workloads) or the SEARCH hits,
// and B is the number of body bytes received.
//
// Usage:
//
//	goimapbench -port P -workload login|fetchall|fetchloop|search|big [-mailbox M] [-cpuprofile FILE]
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

var (
	host       = flag.String("host", "127.0.0.1", "server `host`")
	port       = flag.Int("port", 143, "server `port`")
	user       = flag.String("user", "alice", "login `name`")
	password   = flag.String("password", "pass-alice", "login `password`")
	workload   = flag.String("workload", "", "login, fetchall, fetchloop, search or big")
	mailbox    = flag.String("mailbox", "", "`mailbox` to select (default bench20m for big, else bench10k)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile to `file`")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("goimapbench: ")
	flag.Parse()
	if *mailbox == "" {
		*mailbox = "bench10k"
		if *workload == "big" {
			*mailbox = "bench20m"
		}
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

	c, err := imapclient.DialInsecure(net.JoinHostPort(*host, strconv.Itoa(*port)), nil)
	if err != nil {
		log.Fatal(err)
	}
	must(c.Login(*user, *password).Wait())
	sel, err := c.Select(*mailbox, nil).Wait()
	must(err)

	body := &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}
	var kept []*imapclient.FetchMessageBuffer // FETCH 1:*, alive until the end
	messages, total := 0, 0
	count := func(msgs []*imapclient.FetchMessageBuffer) {
		for _, msg := range msgs {
			for _, sec := range msg.BodySection {
				messages++
				total += len(sec.Bytes)
			}
		}
	}
	switch *workload {
	case "fetchall":
		all := imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}} // 1:*
		kept, err = c.Fetch(all, body).Collect()
		must(err)
		count(kept)
	case "fetchloop", "big":
		for n := uint32(1); n <= sel.NumMessages; n++ {
			msgs, err := c.Fetch(imap.SeqSetNum(n), body).Collect()
			must(err)
			count(msgs)
		}
	case "search":
		data, err := c.Search(&imap.SearchCriteria{}, nil).Wait()
		must(err)
		messages = len(data.AllSeqNums())
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		log.Fatalf("unknown -workload %q", *workload)
	}
	must(c.Logout().Wait())
	c.Close()
	fmt.Printf("workload=%s messages=%d bytes=%d\n", *workload, messages, total)
	runtime.KeepAlive(kept)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

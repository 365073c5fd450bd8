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
// where N counts the bodies received (fetch workloads), the SEARCH hits,
// the FETCH responses of storeloop's STOREs or the APPENDs, and B is the
// number of body bytes received (or APPENDed).
//
// On Linux a second line follows, the span of bench/internal/span: the
// workload's own wall time, CPU time and memory growth, measured inside
// the process around the workload alone.
//
// The latency loops (fetchloop200, storeloop, append4k, append64k; see
// bench/README.md) run one command at a time by default. With -window N
// (N > 1) up to N commands are in flight: the main goroutine issues them,
// and each command is consumed by its own goroutine as its data arrives.
// Consuming them in order from one goroutine would deadlock: go-imap's
// reader hands a FETCH's body to the command's consumer as it reads it, and
// Dovecot answers pipelined FETCHes in parallel, so command 2's body can
// arrive while the consumer still waits for command 1's.
//
// Usage:
//
//	goimapbench -port P -workload W [-mailbox M] [-window N] [-cpuprofile FILE]
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
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/goimaplib/imaplib/bench/internal/latency"
	"github.com/goimaplib/imaplib/bench/internal/span"
)

var (
	host       = flag.String("host", "127.0.0.1", "server `host`")
	port       = flag.Int("port", 143, "server `port`")
	user       = flag.String("user", "alice", "login `name`")
	password   = flag.String("password", "pass-alice", "login `password`")
	workload   = flag.String("workload", "", "login, fetchall, fetchloop, search, big, fetchloop200, fetchbulk200, storeloop, append4k or append64k")
	window     = flag.Int("window", 1, "commands in flight in the latency loops (1: one at a time)")
	mailbox    = flag.String("mailbox", "", "`mailbox` to select (default bench20m for big, else bench10k)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile to `file`")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("goimapbench: ")
	flag.Parse()
	if *window < 1 {
		log.Fatal("-window must be 1 or more")
	}
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

	// The workload alone, for the harness's in-process figures.
	sp := span.Start()
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
	case "fetchbulk200":
		msgs, err := c.Fetch(imap.SeqSet{imap.SeqRange{Start: 1, Stop: latency.Fetches}}, body).Collect()
		must(err)
		count(msgs)
	case "fetchloop200":
		results := make([][]*imapclient.FetchMessageBuffer, latency.Fetches)
		inFlight(latency.Fetches, func(i int) func() error {
			cmd := c.Fetch(imap.SeqSetNum(uint32(i+1)), body)
			return func() (err error) {
				results[i], err = cmd.Collect()
				return err
			}
		})
		for _, msgs := range results {
			count(msgs)
		}
	case "storeloop":
		seen := []imap.Flag{imap.FlagSeen}
		reset := imap.UIDSet{imap.UIDRange{Start: 1, Stop: latency.Stores}}
		_, err := c.Store(reset, &imap.StoreFlags{Op: imap.StoreFlagsDel, Flags: seen}, nil).Collect()
		must(err)
		results := make([][]*imapclient.FetchMessageBuffer, latency.Stores)
		inFlight(latency.Stores, func(i int) func() error {
			cmd := c.Store(imap.UIDSetNum(imap.UID(i+1)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: seen}, nil)
			return func() (err error) {
				results[i], err = cmd.Collect()
				return err
			}
		})
		for i, msgs := range results {
			if len(msgs) != 1 || msgs[0].UID != imap.UID(i+1) {
				log.Fatalf("UID STORE %d returned %d FETCH responses", i+1, len(msgs))
			}
			messages++
		}
	case "append4k", "append64k":
		size, _ := latency.AppendSize(*workload)
		scratch := latency.ScratchMailbox()
		must(c.Create(scratch, nil).Wait())
		inFlight(latency.Appends, func(i int) func() error {
			msg := latency.Message(i+1, size)
			cmd := c.Append(scratch, int64(len(msg)), nil)
			if _, err := cmd.Write(msg); err != nil {
				return func() error { return err }
			}
			if err := cmd.Close(); err != nil {
				return func() error { return err }
			}
			return func() error {
				_, err := cmd.Wait()
				return err
			}
		})
		must(c.Delete(scratch).Wait())
		messages, total = latency.Appends, latency.Appends*size
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		log.Fatalf("unknown -workload %q", *workload)
	}
	spanned, spanErr := sp.End()
	must(c.Logout().Wait())
	c.Close()
	fmt.Printf("workload=%s messages=%d bytes=%d\n", *workload, messages, total)
	if spanErr == nil {
		fmt.Println(spanned)
	}
	runtime.KeepAlive(kept)
}

// inFlight runs n commands with up to -window of them in flight. issue(i)
// sends command i and returns the function that waits for its answer.
// With a window of 1, each command is waited for before the next is sent;
// otherwise every command is waited for in its own goroutine, so that
// answers can be consumed in whatever order they arrive.
func inFlight(n int, issue func(i int) func() error) {
	if *window == 1 {
		for i := range n {
			must(issue(i)())
		}
		return
	}
	slots := make(chan struct{}, *window)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		slots <- struct{}{}
		wait := issue(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- wait()
			<-slots
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(err)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

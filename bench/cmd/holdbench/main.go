// Holdbench runs the hold reader (bench/internal/hold), the floor of the
// benchmarks in bench/ for a client that returns data the way imaplib
// does, alone in a small binary. It prints
//
//	workload=W messages=N bytes=B
//
// where N counts literals (fetch workloads), SEARCH hits or the FETCH
// responses of storeloop's STOREs, and B is the number of literal bytes
// received. Of the latency workloads it runs fetchloop200, fetchbulk200
// and storeloop, one command at a time; on the APPEND workloads it exits
// with status 3, which makes the harness leave it out.
//
// On Linux a second line follows, the span of bench/internal/span: the
// workload's own wall time, CPU time and memory growth, measured inside
// the process around the workload alone.
//
// Usage:
//
//	holdbench -port P -workload W [-mailbox M]
package main

import (
	"flag"
	"log"
	"net"
	"strconv"

	"github.com/goimaplib/imaplib/bench/internal/hold"
)

var (
	host     = flag.String("host", "127.0.0.1", "server `host`")
	port     = flag.Int("port", 143, "server `port`")
	user     = flag.String("user", "alice", "login `name`")
	password = flag.String("password", "pass-alice", "login `password`")
	workload = flag.String("workload", "", "login, fetchall, fetchloop, search, big, fetchloop200, fetchbulk200 or storeloop")
	mailbox  = flag.String("mailbox", "", "`mailbox` to select (default bench20m for big, else bench10k)")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("holdbench: ")
	flag.Parse()
	if *mailbox == "" {
		*mailbox = "bench10k"
		if *workload == "big" {
			*mailbox = "bench20m"
		}
	}
	hold.Main(hold.Config{
		Addr:     net.JoinHostPort(*host, strconv.Itoa(*port)),
		User:     *user,
		Password: *password,
		Workload: *workload,
		Mailbox:  *mailbox,
	})
}

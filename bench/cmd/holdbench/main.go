// Holdbench is the floor of the benchmarks in bench/ for a client that
// returns data the way imaplib does.
//
// It frames the answers exactly as rawbench does, but keeps every response
// line and every literal in memory, with one allocation per line (its bytes
// without CRLF) and one per literal (make([]byte, N) and io.ReadFull). Like
// imaplib's caller it keeps everything FETCH 1:* returned until the end,
// and drops the data of each command of a loop after using it. It prints
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
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"runtime"
	"strconv"

	"github.com/goimaplib/imaplib/bench/internal/latency"
	"github.com/goimaplib/imaplib/bench/internal/span"
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
	if _, ok := latency.AppendSize(*workload); ok {
		log.Printf("no %s workload", *workload)
		os.Exit(3) // the harness leaves this client out of the workload
	}
	c, err := dial(net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		log.Fatal(err)
	}
	must1(c.command("LOGIN " + *user + " " + quote(*password)))
	exists := 0
	for _, item := range must1(c.command("SELECT " + *mailbox)) {
		if f := bytes.Fields(item); len(f) == 3 && string(f[2]) == "EXISTS" {
			exists, err = strconv.Atoi(string(f[1]))
			must(err)
		}
	}
	// The workload alone, for the harness's in-process figures.
	sp := span.Start()
	var kept [][]byte // what FETCH 1:* returned, alive until the end
	messages := 0
	switch *workload {
	case "fetchall":
		kept = must1(c.command("FETCH 1:* (RFC822)"))
		c.data = nil // so that the next command does not reuse kept
	case "fetchloop", "big":
		for n := 1; n <= exists; n++ {
			must1(c.command("FETCH " + strconv.Itoa(n) + " (RFC822)"))
		}
	case "fetchbulk200":
		must1(c.command("FETCH 1:" + strconv.Itoa(latency.Fetches) + " (RFC822)"))
	case "fetchloop200":
		for n := 1; n <= latency.Fetches; n++ {
			must1(c.command("FETCH " + strconv.Itoa(n) + " (RFC822)"))
		}
	case "storeloop":
		must1(c.command("UID STORE 1:" + strconv.Itoa(latency.Stores) + ` -FLAGS (\Seen)`))
		for n := 1; n <= latency.Stores; n++ {
			data := must1(c.command("UID STORE " + strconv.Itoa(n) + ` +FLAGS (\Seen)`))
			if len(data) != 1 || !bytes.Contains(data[0], []byte(" FETCH ")) {
				log.Fatalf("UID STORE %d returned %q", n, data)
			}
			messages++
		}
	case "search":
		for _, item := range must1(c.command("SEARCH ALL")) {
			if bytes.HasPrefix(item, []byte("* SEARCH")) {
				messages += len(bytes.Fields(item)) - 2
			}
		}
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		log.Fatalf("unknown -workload %q", *workload)
	}
	spanned, spanErr := sp.End()
	must1(c.command("LOGOUT"))
	c.conn.Close()
	if *workload != "search" && *workload != "login" && *workload != "storeloop" {
		messages = c.literals
	}
	fmt.Printf("workload=%s messages=%d bytes=%d\n", *workload, messages, c.bytes)
	if spanErr == nil {
		fmt.Println(spanned)
	}
	runtime.KeepAlive(kept)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func must1[T any](v T, err error) T {
	must(err)
	return v
}

// quote quotes s as imaplib's _quote does.
func quote(s string) string {
	var b []byte
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(append(b, '"'))
}

// A client is one connection and what it has counted.
type client struct {
	conn   net.Conn
	r      *bufio.Reader
	tagnum int
	wbuf   []byte
	long   []byte   // scratch for lines longer than the read buffer
	data   [][]byte // lines and literals of the current command

	literals int   // literals received
	bytes    int64 // literal bytes received
}

func dial(addr string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
	greeting, err := c.readLine()
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(greeting, []byte("* OK")) {
		return nil, fmt.Errorf("greeting: %q", greeting)
	}
	return c, nil
}

// command sends one tagged command and reads every response up to and
// including the tagged one, which must be OK. It returns the lines and
// literals of the untagged responses, in order, each in its own
// allocation. The slice itself is reused by the next command.
func (c *client) command(cmd string) ([][]byte, error) {
	tag := "BNCH" + strconv.Itoa(c.tagnum)
	c.tagnum++
	c.wbuf = append(append(append(append(c.wbuf[:0], tag...), ' '), cmd...), "\r\n"...)
	if _, err := c.conn.Write(c.wbuf); err != nil {
		return nil, err
	}
	clear(c.data)
	c.data = c.data[:0]
	for {
		line, err := c.readLine()
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(line, []byte(tag+" ")) {
			if !bytes.HasPrefix(line[len(tag)+1:], []byte("OK")) {
				return nil, fmt.Errorf("%s: %q", cmd, line)
			}
			return c.data, nil
		}
		// An untagged response: its lines and the literals between them.
		for {
			c.data = append(c.data, line)
			n, ok := literal(line)
			if !ok {
				break
			}
			lit := make([]byte, n)
			if _, err := io.ReadFull(c.r, lit); err != nil {
				return nil, err
			}
			c.data = append(c.data, lit)
			c.literals++
			c.bytes += int64(n)
			if line, err = c.readLine(); err != nil {
				return nil, err
			}
		}
	}
}

// readLine returns the next line without its CRLF, in a new allocation.
func (c *client) readLine() ([]byte, error) {
	frag, err := c.r.ReadSlice('\n')
	if err == nil {
		return clone(frag), nil
	}
	c.long = c.long[:0]
	for errors.Is(err, bufio.ErrBufferFull) {
		c.long = append(c.long, frag...)
		frag, err = c.r.ReadSlice('\n')
	}
	if err != nil {
		return nil, err
	}
	c.long = append(c.long, frag...)
	return clone(c.long), nil
}

// clone copies a line less its line end into a new allocation.
func clone(b []byte) []byte {
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	return append(make([]byte, 0, len(b)), b...)
}

// literal reports the size N of the literal announced by a line ending
// in "{N}".
func literal(line []byte) (int, bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false
	}
	i := bytes.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(line[i+1 : len(line)-1]))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

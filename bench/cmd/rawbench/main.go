// Rawbench is the wall-time floor of the benchmarks in bench/.
//
// It sends the same command bytes as imaplib (LOGIN, SELECT, FETCH,
// SEARCH, LOGOUT) and reads the answers through a bufio.Reader,
// framing lines and {N} literals and nothing more: literal bytes are
// skipped with Discard, lines are never copied. It prints
//
//	workload=W messages=N bytes=B
//
// where N counts literals (fetch workloads), SEARCH hits, the FETCH
// responses of storeloop's STOREs or the APPENDs, and B is the number of
// literal bytes received (or APPENDed).
//
// On Linux a second line follows, the span of bench/internal/span: the
// workload's own wall time, CPU time and memory growth, measured inside
// the process around the workload alone.
//
// On the latency loops (fetchloop200, storeloop, append4k, append64k) it
// is the floor of a pipelining client: it writes all the loop's commands
// at once, the APPENDs with LITERAL+ literals, and then reads the answers.
//
// Usage:
//
//	rawbench -port P -workload W [-mailbox M]
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"strconv"

	"github.com/goimaplib/imaplib/bench/internal/latency"
	"github.com/goimaplib/imaplib/bench/internal/span"
)

var (
	host     = flag.String("host", "127.0.0.1", "server `host`")
	port     = flag.Int("port", 143, "server `port`")
	user     = flag.String("user", "alice", "login `name`")
	password = flag.String("password", "pass-alice", "login `password`")
	workload = flag.String("workload", "", "login, fetchall, fetchloop, search, big, fetchloop200, fetchbulk200, storeloop, append4k or append64k")
	mailbox  = flag.String("mailbox", "", "`mailbox` to select (default bench20m for big, else bench10k)")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("rawbench: ")
	flag.Parse()
	if *mailbox == "" {
		*mailbox = "bench10k"
		if *workload == "big" {
			*mailbox = "bench20m"
		}
	}
	c, err := dial(net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		log.Fatal(err)
	}
	must(c.command("LOGIN " + *user + " " + quote(*password)))
	must(c.command("SELECT " + *mailbox))
	// The workload alone, for the harness's in-process figures.
	sp := span.Start()
	switch *workload {
	case "fetchall":
		must(c.command("FETCH 1:* (RFC822)"))
	case "fetchloop", "big":
		for n := 1; n <= c.exists; n++ {
			must(c.command("FETCH " + strconv.Itoa(n) + " (RFC822)"))
		}
	case "search":
		must(c.command("SEARCH ALL"))
	case "fetchbulk200":
		must(c.command("FETCH 1:" + strconv.Itoa(latency.Fetches) + " (RFC822)"))
	case "fetchloop200":
		var cmds [][]byte
		for n := 1; n <= latency.Fetches; n++ {
			cmds = append(cmds, []byte("FETCH "+strconv.Itoa(n)+" (RFC822)"))
		}
		must(c.pipeline(cmds))
	case "storeloop":
		must(c.command("UID STORE 1:" + strconv.Itoa(latency.Stores) + ` -FLAGS (\Seen)`))
		before := c.fetches
		var cmds [][]byte
		for n := 1; n <= latency.Stores; n++ {
			cmds = append(cmds, []byte("UID STORE "+strconv.Itoa(n)+` +FLAGS (\Seen)`))
		}
		must(c.pipeline(cmds))
		c.fetches -= before
	case "append4k", "append64k":
		size, _ := latency.AppendSize(*workload)
		scratch := latency.ScratchMailbox()
		must(c.command("CREATE " + scratch))
		var cmds [][]byte
		for i := 1; i <= latency.Appends; i++ {
			cmd := fmt.Appendf(nil, "APPEND %s {%d+}\r\n", scratch, size)
			cmds = append(cmds, append(cmd, latency.Message(i, size)...))
		}
		must(c.pipeline(cmds))
		must(c.command("DELETE " + scratch))
		c.appends, c.bytes = latency.Appends, int64(latency.Appends*size)
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		log.Fatalf("unknown -workload %q", *workload)
	}
	spanned, spanErr := sp.End()
	must(c.command("LOGOUT"))
	c.conn.Close()
	messages := c.literals
	switch *workload {
	case "search":
		messages = c.hits
	case "storeloop":
		messages = c.fetches
	case "append4k", "append64k":
		messages = c.appends
	}
	fmt.Printf("workload=%s messages=%d bytes=%d\n", *workload, messages, c.bytes)
	if spanErr == nil {
		fmt.Println(spanned)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
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
	line   line

	exists   int   // from "* N EXISTS"
	hits     int   // numbers in "* SEARCH" lines
	fetches  int   // "* N FETCH" responses
	appends  int   // messages APPENDed
	literals int   // literals received
	bytes    int64 // literal bytes received
}

// A line keeps what framing needs of one response line: its first bytes,
// its last bytes and, for a SEARCH line, how many spaces it has.
type line struct {
	head   [64]byte
	nhead  int
	tail   [32]byte
	ntail  int
	search bool
	spaces int
}

func dial(addr string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
	if err := c.readLine(); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(c.line.head[:c.line.nhead], []byte("* OK")) {
		return nil, fmt.Errorf("greeting: %q", c.line.head[:c.line.nhead])
	}
	return c, nil
}

// command sends one tagged command and reads every response up to and
// including the tagged one, which must be OK.
func (c *client) command(cmd string) error {
	tag := "BNCH" + strconv.Itoa(c.tagnum)
	c.tagnum++
	c.wbuf = append(append(append(append(c.wbuf[:0], tag...), ' '), cmd...), "\r\n"...)
	if _, err := c.conn.Write(c.wbuf); err != nil {
		return err
	}
	for {
		if err := c.readLine(); err != nil {
			return err
		}
		head := c.line.head[:c.line.nhead]
		if bytes.HasPrefix(head, []byte(tag+" ")) {
			if !bytes.HasPrefix(head[len(tag)+1:], []byte("OK")) {
				return fmt.Errorf("%s: %q", cmd, head)
			}
			return nil
		}
		if err := c.untagged(); err != nil {
			return err
		}
	}
}

// pipeline sends all of cmds at once, each with its own tag, from
// another goroutine, and reads the responses until every command has had
// its tagged reply, which must be OK. Replies may come in any order.
func (c *client) pipeline(cmds [][]byte) error {
	first := c.tagnum
	var out []byte
	for _, cmd := range cmds {
		out = append(append(append(append(out, "BNCH"...), strconv.Itoa(c.tagnum)...), ' '), cmd...)
		out = append(out, "\r\n"...)
		c.tagnum++
	}
	werr := make(chan error, 1)
	go func() {
		_, err := c.conn.Write(out)
		werr <- err
	}()
	for done := 0; done < len(cmds); {
		if err := c.readLine(); err != nil {
			return err
		}
		head := c.line.head[:c.line.nhead]
		if !bytes.HasPrefix(head, []byte("BNCH")) {
			if err := c.untagged(); err != nil {
				return err
			}
			continue
		}
		tag, rest, _ := bytes.Cut(head[len("BNCH"):], []byte(" "))
		n, err := strconv.Atoi(string(tag))
		if err != nil || n < first || n >= c.tagnum {
			return fmt.Errorf("unexpected tagged reply %q", head)
		}
		if !bytes.HasPrefix(rest, []byte("OK")) {
			return fmt.Errorf("%.40q: %q", cmds[n-first], head)
		}
		done++
	}
	return <-werr
}

// untagged handles one untagged response whose first line has been read:
// it skips every literal of the response and the lines that follow them.
func (c *client) untagged() error {
	l := &c.line
	if l.search {
		c.hits += l.spaces - 1
	} else if l.nhead < len(l.head) && bytes.HasSuffix(l.head[:l.nhead], []byte(" EXISTS\r\n")) {
		f := bytes.Fields(l.head[:l.nhead])
		n, err := strconv.Atoi(string(f[1]))
		if err != nil {
			return fmt.Errorf("bad EXISTS: %q", l.head[:l.nhead])
		}
		c.exists = n
	} else if bytes.Contains(l.head[:l.nhead], []byte(" FETCH (")) {
		c.fetches++ // no allocation: this is the floor
	}
	for {
		n, ok := l.literal()
		if !ok {
			return nil
		}
		if _, err := c.r.Discard(n); err != nil {
			return err
		}
		c.literals++
		c.bytes += int64(n)
		if err := c.readLine(); err != nil {
			return err
		}
	}
}

// readLine reads the next line into c.line, however long it is.
func (c *client) readLine() error {
	l := &c.line
	l.nhead, l.ntail, l.search, l.spaces = 0, 0, false, 0
	for {
		frag, err := c.r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
		if l.nhead < len(l.head) {
			l.nhead += copy(l.head[l.nhead:], frag)
			l.search = bytes.HasPrefix(l.head[:l.nhead], []byte("* SEARCH"))
		}
		if l.search {
			l.spaces += bytes.Count(frag, []byte(" "))
		}
		if len(frag) >= len(l.tail) {
			l.ntail = copy(l.tail[:], frag[len(frag)-len(l.tail):])
		} else {
			keep := min(l.ntail, len(l.tail)-len(frag))
			copy(l.tail[:], l.tail[l.ntail-keep:l.ntail])
			l.ntail = keep + copy(l.tail[keep:], frag)
		}
		if err == nil {
			return nil
		}
	}
}

// literal reports the size N of the literal announced by a line ending
// in "{N}\r\n".
func (l *line) literal() (int, bool) {
	t := bytes.TrimSuffix(bytes.TrimSuffix(l.tail[:l.ntail], []byte("\n")), []byte("\r"))
	if len(t) < 3 || t[len(t)-1] != '}' {
		return 0, false
	}
	i := bytes.LastIndexByte(t, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(t[i+1 : len(t)-1]))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

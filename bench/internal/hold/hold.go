// Package hold is the hold reader: the floor of the benchmarks in bench/
// for a client that returns data the way imaplib does.
//
// It frames the answers exactly as cmd/rawbench does, but keeps every
// response line and every literal in memory, with one allocation per line
// (its bytes without CRLF) and one per literal (make([]byte, N) and
// io.ReadFull). Like imaplib's caller it keeps everything FETCH 1:*
// returned until the end, and drops the data of each command of a loop
// after using it.
//
// cmd/holdbench runs it alone in a small binary. cmd/imaplibbench runs it
// with -hold inside its own binary, which links the whole package: the
// harness's client holdlinked, whose difference from holdbench is what a
// larger program costs the same work (see bench/README.md).
package hold

import (
	"bufio"
	"bytes"
	"errors"
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

// ErrNoWorkload is Run's error for a workload the hold reader does not
// run: the APPEND loops.
var ErrNoWorkload = errors.New("hold: no such workload here")

// A Config names the server, the account and the workload of one run.
type Config struct {
	Addr     string // host:port
	User     string
	Password string
	Workload string // login, fetchall, fetchloop, search, big, fetchloop200, fetchbulk200 or storeloop
	Mailbox  string
}

// A Result is what one run prints.
type Result struct {
	// Line is the workload line, "workload=W messages=N bytes=B", where N
	// counts literals (fetch workloads), SEARCH hits or the FETCH
	// responses of storeloop's STOREs, and B is the number of literal
	// bytes received.
	Line string
	// Span is the workload alone measured from inside the process, or nil
	// where it cannot be measured.
	Span *span.Figures
}

// Run logs in, SELECTs cfg.Mailbox, runs cfg.Workload one command at a
// time and logs out.
func Run(cfg Config) (Result, error) {
	if _, ok := latency.AppendSize(cfg.Workload); ok {
		return Result{}, fmt.Errorf("%w: %s", ErrNoWorkload, cfg.Workload)
	}
	c, err := dial(cfg.Addr)
	if err != nil {
		return Result{}, err
	}
	defer c.conn.Close()
	if _, err := c.command("LOGIN " + cfg.User + " " + quote(cfg.Password)); err != nil {
		return Result{}, err
	}
	selected, err := c.command("SELECT " + cfg.Mailbox)
	if err != nil {
		return Result{}, err
	}
	exists := 0
	for _, item := range selected {
		if f := bytes.Fields(item); len(f) == 3 && string(f[2]) == "EXISTS" {
			if exists, err = strconv.Atoi(string(f[1])); err != nil {
				return Result{}, err
			}
		}
	}
	sp := span.Start()
	kept, messages, err := c.workload(cfg.Workload, exists)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if f, err := sp.End(); err == nil {
		res.Span = &f
	}
	if _, err := c.command("LOGOUT"); err != nil {
		return Result{}, err
	}
	if w := cfg.Workload; w != "search" && w != "login" && w != "storeloop" {
		messages = c.literals
	}
	res.Line = fmt.Sprintf("workload=%s messages=%d bytes=%d", cfg.Workload, messages, c.bytes)
	runtime.KeepAlive(kept)
	return res, nil
}

// Main runs cfg as a client program's main does: it prints the result's
// lines, exits with status 3 for a workload the hold reader does not run
// (the harness then leaves the client out of it), and stops the program
// on any other failure.
func Main(cfg Config) {
	res, err := Run(cfg)
	if errors.Is(err, ErrNoWorkload) {
		log.Print(err)
		os.Exit(3)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Line)
	if res.Span != nil {
		fmt.Println(res.Span)
	}
}

// workload runs w on a mailbox of exists messages. It returns what FETCH
// 1:* returned, for the caller to keep alive until the end, and the
// SEARCH hits or storeloop's FETCH responses.
func (c *client) workload(w string, exists int) (kept [][]byte, messages int, err error) {
	switch w {
	case "fetchall":
		kept, err = c.command("FETCH 1:* (RFC822)")
		c.data = nil // so that the next command does not reuse kept
	case "fetchloop", "big":
		for n := 1; n <= exists && err == nil; n++ {
			_, err = c.command("FETCH " + strconv.Itoa(n) + " (RFC822)")
		}
	case "fetchbulk200":
		_, err = c.command("FETCH 1:" + strconv.Itoa(latency.Fetches) + " (RFC822)")
	case "fetchloop200":
		for n := 1; n <= latency.Fetches && err == nil; n++ {
			_, err = c.command("FETCH " + strconv.Itoa(n) + " (RFC822)")
		}
	case "storeloop":
		if _, err = c.command("UID STORE 1:" + strconv.Itoa(latency.Stores) + ` -FLAGS (\Seen)`); err != nil {
			return nil, 0, err
		}
		for n := 1; n <= latency.Stores; n++ {
			data, err := c.command("UID STORE " + strconv.Itoa(n) + ` +FLAGS (\Seen)`)
			if err != nil {
				return nil, 0, err
			}
			if len(data) != 1 || !bytes.Contains(data[0], []byte(" FETCH ")) {
				return nil, 0, fmt.Errorf("UID STORE %d returned %q", n, data)
			}
			messages++
		}
	case "search":
		var data [][]byte
		data, err = c.command("SEARCH ALL")
		for _, item := range data {
			if bytes.HasPrefix(item, []byte("* SEARCH")) {
				messages += len(bytes.Fields(item)) - 2
			}
		}
	case "login":
		// Only the session around the other workloads: start-up cost.
	default:
		return nil, 0, fmt.Errorf("hold: unknown workload %q", w)
	}
	return kept, messages, err
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

package hold

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

// serve answers one connection on ln with a mailbox of the given
// messages: LOGIN, SELECT, FETCH n (RFC822) and LOGOUT, each tagged OK.
func serve(ln net.Listener, msgs []string) <-chan []string {
	got := make(chan []string, 1)
	go func() {
		var cmds []string
		defer func() { got <- cmds }()
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		fmt.Fprint(conn, "* OK ready\r\n")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, cmd, _ := strings.Cut(strings.TrimSuffix(line, "\r\n"), " ")
			cmds = append(cmds, cmd)
			var n int
			_, notFetch := fmt.Sscanf(cmd, "FETCH %d (RFC822)", &n)
			switch {
			case strings.HasPrefix(cmd, "SELECT "):
				fmt.Fprintf(conn, "* %d EXISTS\r\n* 0 RECENT\r\n", len(msgs))
			case notFetch == nil && n >= 1 && n <= len(msgs):
				fmt.Fprintf(conn, "* %d FETCH (RFC822 {%d}\r\n%s)\r\n", n, len(msgs[n-1]), msgs[n-1])
			case cmd == "LOGOUT":
				fmt.Fprintf(conn, "* BYE bye\r\n%s OK done\r\n", tag)
				return
			}
			fmt.Fprintf(conn, "%s OK done\r\n", tag)
		}
	}()
	return got
}

func TestRunFetchLoop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	msgs := []string{"Subject: one\r\n\r\nfirst\r\n", "Subject: two\r\n\r\n{5}\r\n"}
	got := serve(ln, msgs)
	res, err := Run(Config{Addr: ln.Addr().String(), User: "alice", Password: `p"w`, Workload: "fetchloop", Mailbox: "INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("workload=fetchloop messages=2 bytes=%d", len(msgs[0])+len(msgs[1]))
	if res.Line != want {
		t.Errorf("Line = %q, want %q", res.Line, want)
	}
	wantCmds := []string{`LOGIN alice "p\"w"`, "SELECT INBOX", "FETCH 1 (RFC822)", "FETCH 2 (RFC822)", "LOGOUT"}
	if cmds := <-got; strings.Join(cmds, "|") != strings.Join(wantCmds, "|") {
		t.Errorf("the server got %q, want %q", cmds, wantCmds)
	}
}

func TestRunLeavesOutAppends(t *testing.T) {
	for _, w := range []string{"append4k", "append64k"} {
		if _, err := Run(Config{Addr: "127.0.0.1:1", Workload: w}); !errors.Is(err, ErrNoWorkload) {
			t.Errorf("%s: %v, want ErrNoWorkload", w, err)
		}
	}
}

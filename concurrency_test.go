package imaplib

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Goroutine safety: many goroutines issue commands on one connection (run
// under -race in CI). The server answers each command with data unique to
// it, derived from its arguments, so a response handed to the wrong command
// shows up as a mismatch.
func TestConcurrentCommands(t *testing.T) {
	const goroutines, perGoroutine = 10, 40
	echo := func(s string) string { return strings.Trim(s, `"`) }
	s := protoStartServer(t, nil, func(s *fakeServer) {
		s.Handlers["STATUS"] = func(c *fakeConn, tag string, args []string) {
			// Untagged data first, and a spurious EXISTS to mix the store.
			c.Write("* 3 EXISTS")
			c.Write("* STATUS " + args[0] + " (MESSAGES " + tag + ")")
			c.Write(tag + " OK STATUS completed")
		}
		s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
			body := "body of " + args[0] + " for " + tag
			c.WriteRaw(fmt.Sprintf("* %s FETCH (BODY[] {%d}\r\n%s)\r\n", args[0], len(body), body))
			c.Write(tag + " OK FETCH completed")
		}
		s.Handlers["SEARCH"] = func(c *fakeConn, tag string, args []string) {
			c.Write("* SEARCH " + echo(args[len(args)-1]))
			c.Write(tag + " OK SEARCH completed")
		}
		s.Handlers["NOOP"] = simpleHandler(nil, "NOOP completed")
		s.Handlers["XECHO"] = func(c *fakeConn, tag string, args []string) {
			c.Write(tag + " OK " + strings.Join(args, " "))
		}
	})
	m := dialFake(t, s)
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perGoroutine)
	var calls sync.Map
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				n := strconv.Itoa((g+1)*1000 + i)
				token := fmt.Sprintf("g%dc%d", g, i)
				var err error
				switch i % 4 {
				case 0:
					var data []Datum
					_, data, err = m.Status(token, "(MESSAGES)")
					if err == nil && (len(data) != 1 || !strings.HasPrefix(string(data[0].Bytes), token+" (MESSAGES ")) {
						err = fmt.Errorf("Status(%s) = %v", token, data)
					}
				case 1:
					var data []Datum
					_, data, err = m.Fetch(n, "(BODY[])")
					if err == nil && (len(data) != 2 || data[0].Kind != KindTuple ||
						!strings.HasPrefix(string(data[0].Literal), "body of "+n+" for ") ||
						string(data[0].Bytes) != fmt.Sprintf("%s (BODY[] {%d}", n, len(data[0].Literal))) {
						err = fmt.Errorf("Fetch(%s) = %v", n, data)
					}
				case 2:
					var data []Datum
					_, data, err = m.Search("", "HEADER", "X-Token", n)
					if err == nil && (len(data) != 1 || string(data[0].Bytes) != n) {
						err = fmt.Errorf("Search(%s) = %v", n, data)
					}
				case 3:
					var data []Datum
					_, data, err = m.Xatom("XECHO", token)
					if err == nil && (len(data) != 1 || string(data[0].Bytes) != token) {
						err = fmt.Errorf("Xatom(XECHO %s) = %v", token, data)
					}
				}
				if err != nil {
					errs <- err
				}
				calls.Store(token, true)
				// Readers of the connection's state run alongside.
				_ = m.State()
				_ = m.Capabilities()
				_ = m.UntaggedResponses()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	calls.Range(func(any, any) bool { n++; return true })
	if n != goroutines*perGoroutine {
		t.Errorf("%d calls completed, want %d", n, goroutines*perGoroutine)
	}
	// Every command went out once, with its own tag.
	tags := map[string]bool{}
	for _, l := range s.Lines() {
		tag, _, _ := strings.Cut(l, " ")
		if tags[tag] {
			t.Errorf("tag %s used twice", tag)
		}
		tags[tag] = true
	}
	if len(tags) < goroutines*perGoroutine {
		t.Errorf("server saw %d commands, want at least %d", len(tags), goroutines*perGoroutine)
	}
	// The connection is still in step.
	if typ, _, err := m.Noop(); err != nil || typ != "OK" {
		t.Fatalf("NOOP after the storm: %s %v", typ, err)
	}
}

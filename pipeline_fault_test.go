package imaplib

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// readPipelined reads the lines of n pipelined commands, the first of
// which the handler was called for, and returns their tags.
func readPipelined(c *fakeConn, first string, n int) []string {
	tags := []string{first}
	for len(tags) < n {
		line, err := c.ReadLine()
		if err != nil {
			return nil
		}
		tag, _, _ := parseCommand(line)
		tags = append(tags, tag)
	}
	return tags
}

// Each pipelined command ends as it would alone: a NO returns its text,
// a BAD is an *Error, and neither disturbs the commands around it.
func TestPipelineRefusals(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, _ []string) {
		tags := readPipelined(c, tag, 3)
		if tags == nil {
			return
		}
		c.Write(tags[1] + " BAD bad message set")
		c.Write(tags[0] + " NO message gone")
		c.WriteRaw("* 3 FETCH (FLAGS (\\Seen))\r\n")
		c.Write(tags[2] + " OK done")
	}
	s.Handlers["NOOP"] = simpleHandler(nil, "NOOP done")
	m := selectedClient(t, s)
	p := m.Pipeline(8)
	calls := []*Call{p.Fetch("1", "FLAGS"), p.Fetch("2", "FLAGS"), p.Fetch("3", "FLAGS")}
	if typ, data, err := calls[0].Result(); err != nil || Repr(typ, data) != "('NO', [b'message gone'])" {
		t.Errorf("NO: %s, %v", Repr(typ, data), err)
	}
	var e *Error
	var ae *AbortError
	if _, _, err := calls[1].Result(); !errors.As(err, &e) || errors.As(err, &ae) || !strings.Contains(err.Error(), "bad message set") {
		t.Errorf("BAD: %v, want an *Error (not an abort) with the server's text", err)
	}
	if typ, data, err := calls[2].Result(); err != nil || Repr(typ, data) != `('OK', [b'3 (FLAGS (\\Seen))'])` {
		t.Errorf("OK: %s, %v", Repr(typ, data), err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Errorf("the connection after the pipeline: %v", err)
	}
}

// A connection lost in the middle of a pipeline ends every command still
// in flight with an *AbortError; those already answered keep their
// results, Close reports the failure, the pipeline refuses new commands
// without sending them, and the connection is dead.
func TestPipelineConnectionLost(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, _ []string) {
		tags := readPipelined(c, tag, 3)
		if tags == nil {
			return
		}
		c.Write(tags[0] + " OK first done")
		c.Conn.Close()
	}
	m := selectedClient(t, s)
	p := m.Pipeline(8)
	calls := []*Call{p.Fetch("1", "FLAGS"), p.Fetch("2", "FLAGS"), p.Fetch("3", "FLAGS")}
	var ae *AbortError
	hangGuard(t, "a pipeline over a closed connection", func() { m.Shutdown() }, func() {
		if typ, _, err := calls[0].Result(); err != nil || typ != "OK" {
			t.Errorf("first: %s, %v", typ, err)
		}
		for i, c := range calls[1:] {
			if _, _, err := c.Result(); !errors.As(err, &ae) {
				t.Errorf("call %d: %v, want an *AbortError", i+2, err)
			}
		}
	})
	tags := m.e.tagNum
	if _, _, err := p.Fetch("4", "FLAGS").Result(); !errors.As(err, &ae) {
		t.Errorf("a Fetch after the loss: %v, want an *AbortError", err)
	}
	if m.e.tagNum != tags {
		t.Error("the pipeline sent a command after the connection was lost")
	}
	if err := p.Close(); !errors.As(err, &ae) {
		t.Errorf("Close = %v, want the *AbortError", err)
	}
	assertDeadFast(t, m)
}

// Shutdown from another goroutine ends a pipeline whose results are being
// waited for; it does not wait for the server.
func TestPipelineShutdown(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, _ []string) {
		readPipelined(c, tag, 2)
		// No answer: the client waits until it shuts down.
		c.ReadLine()
	}
	m := selectedClient(t, s)
	p := m.Pipeline(8)
	calls := []*Call{p.Fetch("1", "FLAGS"), p.Fetch("2", "FLAGS")}
	shut := make(chan struct{})
	go func() {
		defer close(shut)
		waitClientReading(t, "(*Pipeline).step")
		m.Shutdown()
	}()
	defer func() { <-shut }()
	var ae *AbortError
	hangGuard(t, "Result during Shutdown", func() { m.e.close() }, func() {
		for i, c := range calls {
			if _, _, err := c.Result(); !errors.As(err, &ae) {
				t.Errorf("call %d: %v, want an *AbortError", i+1, err)
			}
		}
	})
	if err := p.Close(); !errors.As(err, &ae) {
		t.Errorf("Close = %v, want the *AbortError", err)
	}
}

// A pipeline on a WithContext view ends when the context is cancelled:
// the waiting Result and every command in flight fail with an
// *AbortError caused by the cancellation, and, as for one command, the
// connection is closed (the server's answers would come out of step).
func TestPipelineContext(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, _ []string) {
		readPipelined(c, tag, 2)
		c.ReadLine() // no answer
	}
	m := selectedClient(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := m.WithContext(ctx).Pipeline(8)
	calls := []*Call{p.Fetch("1", "FLAGS"), p.Fetch("2", "FLAGS")}
	cancelled := make(chan struct{})
	go func() {
		defer close(cancelled)
		waitClientReading(t, "(*Pipeline).step")
		cancel()
	}()
	defer func() { <-cancelled }()
	var ae *AbortError
	hangGuard(t, "Result after a cancel", func() { m.Shutdown() }, func() {
		for i, c := range calls {
			if _, _, err := c.Result(); !errors.As(err, &ae) || !errors.Is(err, context.Canceled) {
				t.Errorf("call %d: %v, want an *AbortError caused by the cancellation", i+1, err)
			}
		}
	})
	if err := p.Close(); !errors.Is(err, context.Canceled) {
		t.Errorf("Close = %v, want the cancellation", err)
	}
	if _, _, err := m.Noop(); !errors.As(err, &ae) {
		t.Errorf("Noop after the cancelled pipeline: %v, want an *AbortError (connection closed)", err)
	}
}

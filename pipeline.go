package imaplib

import (
	"bytes"
	"strconv"
	"strings"
)

// Pipeline sends FETCH, STORE and COPY commands without waiting for the
// answer to each, up to a window of commands in flight, so that a loop of
// single commands over a slow link costs about one round trip instead of
// one per command. Each command still yields the (typ, data, err) that
// CPython returns for it alone: ask its Call for it.
//
// A loop in the shape of Python's documentation example keeps its shape;
// only where the results are read changes:
//
//	p := m.Pipeline(64)
//	calls := make([]*imaplib.Call, len(nums))
//	for i, num := range nums {
//		calls[i] = p.Fetch(string(num), "(RFC822)")
//	}
//	for i, c := range calls {
//		_, data, err := c.Result()
//		...
//	}
//	err := p.Close()
//
// The untagged FETCH data of each response goes to the command whose
// message set holds its message number (its UID for a pipeline made on a
// With(UID) view); everything else (EXISTS, FLAGS, response codes, FETCH
// data for messages no command asked for) goes to the connection's store,
// as it would one command at a time. Commands whose responses could not
// be told apart are not overlapped: a command waits for the commands in
// flight when its message set shares a message with one of theirs, when
// its set is not plain numbers and ranges ("*", "$"), and whenever the
// window is full; such a set's command also runs alone. Commands that change message numbers or whose data
// names no message (EXPUNGE, MOVE, SEARCH, SELECT, ...) are not offered:
// close the pipeline and call them on the connection (RFC 9051 section
// 5.5).
//
// A Pipeline holds the connection until Close: other goroutines' commands
// wait, while Shutdown still closes it at once. Its methods must be called
// from one goroutine. The view's context (WithContext) bounds every read
// and write of the pipeline, as it bounds a command.
type Pipeline struct {
	m       *IMAP4
	window  int
	uid     bool
	release func()
	calls   []*Call // in flight, in the order sent
	cur     []Datum // the pieces of the FETCH response being read
	boxed   int64   // the bytes the calls in flight hold
	err     error   // the failure that ended the pipeline
	closed  bool
	peak    int // the most commands in flight at once
}

// Call is one command sent through a Pipeline.
type Call struct {
	p    *Pipeline
	c    *command
	resp string // the untagged type that holds its data; "" for the tagged reply
	set  []seqSpan
	box  []Datum // its FETCH data, as it arrived
	typ  string
	data []Datum
	err  error
	done bool
}

// Pipeline starts a pipeline on the connection with at most window
// commands in flight (at least 1). It takes the connection until Close.
func (m *IMAP4) Pipeline(window int) *Pipeline {
	release := m.begin()
	m.e.hold()
	return &Pipeline{m: m, window: max(window, 1), uid: m.call.uid, release: release}
}

// Fetch sends Fetch(messageSet, messageParts) and returns its Call.
func (p *Pipeline) Fetch(messageSet, messageParts string) *Call {
	parts, err := p.m.withParams("Fetch", []string{messageParts})
	if err != nil {
		return p.failed(err)
	}
	return p.send("FETCH", "FETCH", messageSet, []arg{raw(messageSet), fetchParts(parts[0])})
}

// Store sends Store(messageSet, command, flags) and returns its Call.
func (p *Pipeline) Store(messageSet, command, flags string) *Call {
	return p.send("STORE", "FETCH", messageSet, []arg{raw(messageSet), raw(command), parenList(flags)})
}

// Copy sends Copy(messageSet, newMailbox) and returns its Call, whose data
// is the tagged reply.
func (p *Pipeline) Copy(messageSet, newMailbox string) *Call {
	mb, err := p.m.mailbox("Copy", "newMailbox", newMailbox, false)
	if err != nil {
		return p.failed(err)
	}
	return p.send("COPY", "", messageSet, []arg{raw(messageSet), mb})
}

// Result waits for the command's completion and returns what the
// connection's method of the same name returns for it alone.
func (c *Call) Result() (string, []Datum, error) {
	for !c.done {
		c.p.step()
	}
	return c.typ, c.data, c.err
}

// Close waits for every command in flight and gives the connection back.
// It returns the failure that ended the pipeline early, if any; calling it
// again returns the same.
func (p *Pipeline) Close() error {
	if p.closed {
		return p.err
	}
	for len(p.calls) > 0 {
		p.step()
	}
	p.closed = true
	if err := p.m.e.flush(true); err != nil && p.err == nil {
		p.err = err
	}
	p.release()
	return p.err
}

func (p *Pipeline) failed(err error) *Call {
	return &Call{p: p, done: true, err: err}
}

// send sends name with args once the schedule allows it.
func (p *Pipeline) send(name, resp, messageSet string, args []arg) *Call {
	if p.closed {
		return p.failed(&Error{Msg: "pipeline closed"})
	}
	if p.err != nil {
		return p.failed(p.err)
	}
	set, ok := parseSeqSpans(messageSet)
	for len(p.calls) > 0 && (len(p.calls) >= p.window || !ok || p.overlaps(set)) {
		p.step()
		if p.err != nil {
			return p.failed(p.err)
		}
	}
	cmdName, cmdArgs, err := p.m.withUID(name, args)
	if err != nil {
		return p.failed(err)
	}
	c, err := p.m.commandTo(p, cmdName, cmdArgs, nil)
	if err != nil {
		if p.m.e.dead != nil {
			p.err = err
		}
		return p.failed(err)
	}
	call := &Call{p: p, c: c, resp: resp, set: set}
	if !ok {
		call.set = nil // alone: overlaps everything
	}
	p.calls = append(p.calls, call)
	p.peak = max(p.peak, len(p.calls))
	return call
}

// overlaps reports whether a command on set must wait for the commands in
// flight.
func (p *Pipeline) overlaps(set []seqSpan) bool {
	for _, call := range p.calls {
		if call.set == nil || spansMeet(call.set, set) {
			return true
		}
	}
	return false
}

// step reads one response and completes the commands it finished. A
// failure ends every command in flight with it.
func (p *Pipeline) step() {
	if len(p.calls) == 0 {
		return
	}
	err := p.m.checkBye()
	if err == nil {
		_, err = p.m.e.read(false)
	}
	if err != nil {
		if p.err == nil {
			p.err = err
		}
		for _, call := range p.calls {
			call.fail(err)
		}
		p.calls = nil
		return
	}
	kept := p.calls[:0]
	for _, call := range p.calls {
		if call.c.done != nil {
			call.complete()
		} else {
			kept = append(kept, call)
		}
	}
	p.calls = kept
}

// complete is Python's _command_complete and _untagged_response for one
// call: a BAD is an *Error, a NO returns the tagged data, otherwise the
// call's own untagged data, or [None].
func (call *Call) complete() {
	m := call.p.m
	res := m.e.complete(call.c)
	call.done = true
	call.p.boxed -= dataSize(call.box)
	if err := m.checkBye(); err != nil {
		call.err = err
		return
	}
	switch {
	case res.typ == "BAD":
		call.err = badReply(call.c.name, res.typ, res.data)
	case call.resp == "" || res.typ == "NO":
		call.typ, call.data = res.typ, res.data
	case len(call.box) == 0:
		call.typ, call.data = res.typ, []Datum{{}}
	default:
		call.typ, call.data = res.typ, call.box
	}
}

// fail ends the call with err, wrapped as commandComplete wraps it.
func (call *Call) fail(err error) {
	call.done = true
	call.err = waitError(call.c.name, err)
}

// reserve and put make the Pipeline the sink of its commands: FETCH data
// goes to the command it belongs to, the rest to the store. What the
// calls hold counts against the store's limit until they complete.
func (p *Pipeline) reserve(header []byte, n, _ int64) error {
	return p.m.store.room(p.boxed + int64(len(header)) + n)
}

func (p *Pipeline) put(typ string, d Datum) error {
	if typ != "FETCH" {
		return p.m.store.put(typ, d)
	}
	p.cur = append(p.cur, d)
	if d.Kind == KindTuple {
		return nil // the rest of the response follows
	}
	pieces := p.cur
	p.cur = p.cur[:0] // the pieces are copied out below
	if call := p.owner(pieces); call != nil {
		size := dataSize(pieces)
		if err := p.m.store.room(p.boxed + size); err != nil {
			return err
		}
		p.boxed += size
		call.box = append(call.box, pieces...)
		return nil
	}
	for _, x := range pieces {
		if err := p.m.store.put("FETCH", x); err != nil {
			return err
		}
	}
	return nil
}

// owner returns the call in flight whose message set holds the message a
// FETCH response is about, if exactly one does.
func (p *Pipeline) owner(pieces []Datum) *Call {
	key, ok := p.fetchKey(pieces)
	if !ok {
		return nil
	}
	var found *Call
	for _, call := range p.calls {
		if call.resp != "FETCH" || call.set == nil || !spansHold(call.set, key) {
			continue
		}
		if found != nil {
			return nil
		}
		found = call
	}
	return found
}

// fetchKey returns what routes a FETCH response: its message number, or
// its UID item in a UID pipeline.
func (p *Pipeline) fetchKey(pieces []Datum) (uint32, bool) {
	if !p.uid {
		head := pieces[0].Bytes
		end := bytes.IndexByte(head, ' ')
		if end < 0 {
			end = len(head)
		}
		return parseUint32(head[:end])
	}
	for _, d := range pieces {
		if n, ok := uidItem(d.Bytes); ok {
			return n, true
		}
	}
	return 0, false
}

// uidItem finds "UID n" among the items of a FETCH response's text.
func uidItem(b []byte) (uint32, bool) {
	for i := 0; i+4 < len(b); i++ {
		if (i == 0 || b[i-1] == '(' || b[i-1] == ' ') && strings.EqualFold(string(b[i:i+4]), "UID ") {
			j := i + 4
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			return parseUint32(b[i+4 : j])
		}
	}
	return 0, false
}

func parseUint32(b []byte) (uint32, bool) {
	n, err := strconv.ParseUint(string(b), 10, 32)
	return uint32(n), err == nil && n > 0
}

// seqSpan is one range of a message set, last included.
type seqSpan struct{ first, last uint32 }

// parseSeqSpans reads a message set of numbers and ranges. Anything else
// is not ok: "*" (the highest number, which may be below the others of the
// set, so that 5:* can mean 4:5), a saved result "$", a malformed set.
func parseSeqSpans(set string) ([]seqSpan, bool) {
	if set == "" {
		return nil, false
	}
	var spans []seqSpan
	for rest, more := set, true; more; {
		var item string
		item, rest, more = strings.Cut(rest, ",")
		a, b, isRange := strings.Cut(item, ":")
		first, ok1 := seqNumber(a)
		last := first
		ok2 := true
		if isRange {
			last, ok2 = seqNumber(b)
		}
		if !ok1 || !ok2 {
			return nil, false
		}
		if first > last {
			first, last = last, first
		}
		spans = append(spans, seqSpan{first, last})
	}
	return spans, true
}

func seqNumber(s string) (uint32, bool) {
	return parseUint32([]byte(s))
}

func spansHold(spans []seqSpan, n uint32) bool {
	for _, s := range spans {
		if s.first <= n && n <= s.last {
			return true
		}
	}
	return false
}

func spansMeet(a, b []seqSpan) bool {
	for _, x := range a {
		for _, y := range b {
			if x.first <= y.last && y.first <= x.last {
				return true
			}
		}
	}
	return false
}

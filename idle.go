package imaplib

import (
	"fmt"
	"iter"
	"time"
)

// Idler is an IDLE session (RFC 2177), Python's imaplib.Idler: it yields
// the untagged responses the server sends while the client idles. Every
// other command on the connection fails while it is open. End it with
// Close, which sends DONE.
//
//	idler, err := m.Idle(29 * time.Minute)
//	if err != nil { ... }
//	for typ, data := range idler.Responses() {
//		fmt.Println(typ, data)
//	}
//	err = idler.Close()
type Idler struct {
	m          *IMAP4
	tag        string
	deadline   time.Time // zero: no duration
	savedState string
	err        error
	closed     bool
}

// Idle sends IDLE and waits for the server's continuation, as entering
// Python's "with M.idle(duration) as idler". A positive duration bounds
// how long Responses yields; zero means no bound. Responses that arrived
// before the continuation are yielded first.
//
// Unlike CPython, a duration also works on IMAP4_stream connections, whose
// pipes support deadlines here.
func (m *IMAP4) Idle(duration time.Duration) (*Idler, error) {
	defer m.begin()()
	if !m.hasCapability("IDLE") {
		return nil, &Error{Msg: "Server does not support IMAP4 IDLE"}
	}
	if duration < 0 {
		return nil, &ArgumentError{Func: "Idle", Arg: "duration", Msg: "duration must not be negative", Python: ValueError}
	}
	if len(m.idleQueue) > 0 || m.idleCapture {
		return nil, &Error{Msg: "IDLE already in progress"}
	}
	// Capture before sending, so that data arriving ahead of the
	// continuation is delivered by iteration too.
	m.idleCapture = true
	tag, err := m.idleStart()
	if err != nil {
		m.idleCapture = false
		return nil, err
	}
	i := &Idler{m: m, tag: tag, savedState: m.state}
	if duration > 0 {
		i.deadline = time.Now().Add(duration)
	}
	m.state = StateIdling
	return i, nil
}

func (m *IMAP4) idleStart() (string, error) {
	tag, err := m.command("IDLE", nil, nil)
	if err != nil {
		return "", err
	}
	for {
		kind, resp, err := m.getResponse()
		if err != nil {
			return "", err
		}
		if kind == respContinuation {
			return tag, nil
		}
		if res := m.tagged[tag]; res != nil {
			delete(m.tagged, tag)
			if res.typ == "NO" {
				return "", &Error{Msg: "idle denied: " + dataListRepr(res.data)}
			}
			return "", &AbortError{Msg: "unexpected status response: " + pyBytesRepr(resp)}
		}
	}
}

// Responses yields each response as (typ, data), a response with literals
// whole, until the duration given to Idle runs out or, without one, until
// the connection fails. After the loop, Err reports a failure.
func (i *Idler) Responses() iter.Seq2[string, []Datum] {
	return func(yield func(string, []Datum) bool) {
		for {
			r, ok := i.pop(i.deadline, true)
			if !ok || !yield(r.typ, r.data) {
				return
			}
		}
	}
}

// Burst yields the next response (waiting as Responses does) and then
// every further response that follows within interval of the one before:
// Python's Idler.burst. Zero interval means 100ms, Python's default.
func (i *Idler) Burst(interval time.Duration) iter.Seq2[string, []Datum] {
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	return func(yield func(string, []Datum) bool) {
		r, ok := i.pop(i.deadline, true)
		if !ok || !yield(r.typ, r.data) {
			return
		}
		for {
			r, ok := i.pop(time.Now().Add(interval), false)
			if !ok || !yield(r.typ, r.data) {
				return
			}
		}
	}
}

// Err returns the error that ended iteration early, if any.
func (i *Idler) Err() error {
	i.m.mu.Lock()
	defer i.m.mu.Unlock()
	return i.err
}

// pop is Python's Idler._pop: the next queued response, or one read
// before deadline (zero: no deadline).
func (i *Idler) pop(deadline time.Time, useDeadline bool) (idleResponse, bool) {
	m := i.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state != StateIdling || i.closed || i.err != nil {
		if i.err == nil && !i.closed {
			i.err = &Error{Msg: "_pop() only works during IDLE"}
		}
		return idleResponse{}, false
	}
	if len(m.idleQueue) == 0 {
		if useDeadline && !deadline.IsZero() && !time.Now().Before(deadline) {
			return idleResponse{}, false
		}
		m.dt.waiting, m.dt.until = true, deadline
		_, _, err := m.getResponse()
		m.dt.waiting, m.dt.until = false, time.Time{}
		if err == errWaitTimeout {
			return idleResponse{}, false
		}
		if err != nil {
			i.err = err
			return idleResponse{}, false
		}
		if len(m.idleQueue) == 0 {
			// A continuation or a tagged line while idling.
			i.err = m.fail(&AbortError{Msg: "unexpected response during IDLE"})
			return idleResponse{}, false
		}
	}
	r := m.idleQueue[0]
	m.idleQueue = m.idleQueue[1:]
	if m.debug >= 4 {
		m.mesg(fmt.Sprintf("idle _pop read %s", r.typ))
	}
	return r, true
}

// Close ends IDLE: it sends DONE and waits for the server's completion.
// Responses that were queued but not iterated go to the untagged store,
// and so do those that arrive after DONE, as in Python. Close is safe to
// call twice.
func (i *Idler) Close() error {
	m := i.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if i.closed {
		return nil
	}
	i.closed = true
	m.state = i.savedState
	m.idleCapture = false
	queue := m.idleQueue
	m.idleQueue = nil
	for _, r := range queue {
		for _, d := range r.data {
			if err := m.appendUntagged(r.typ, d); err != nil {
				return err
			}
		}
	}
	if err := m.usable(); err != nil {
		return err
	}
	if err := m.send([]byte("DONE\r\n")); err != nil {
		return err
	}
	_, _, err := m.commandComplete("IDLE", i.tag)
	return err
}

// idleResponse is one response delivered by an idler: Python's
// (typ, [data...]) queue entry.
type idleResponse struct {
	typ  string
	data []Datum
}

// queueIdle is Python's _append_untagged while IDLE captures responses: a
// response with literals arrives fragment by fragment and is delivered
// whole.
func (m *IMAP4) queueIdle(typ string, d Datum) {
	if n := len(m.idleQueue); n > 0 {
		last := &m.idleQueue[n-1]
		if last.data[len(last.data)-1].Kind == KindTuple {
			last.data = append(last.data, d)
			return
		}
	}
	m.idleQueue = append(m.idleQueue, idleResponse{typ: typ, data: []Datum{d}})
}

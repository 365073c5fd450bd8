package imaplib

import (
	"context"
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
	c          *command   // the IDLE command, in flight until Close
	q          *idleQueue // what arrived and was not yet yielded
	ctx        context.Context
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
// On a WithContext view the context bounds every wait for a response too:
// when it is done, iteration ends, Err returns its error, and Close still
// ends IDLE cleanly. Shutdown, or Logout from another goroutine, end a
// wait at once.
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
	if m.idler != nil {
		return nil, &Error{Msg: "IDLE already in progress"}
	}
	// The queue takes untagged data from the moment IDLE is sent, so that
	// data arriving ahead of the continuation is delivered by iteration.
	q := &idleQueue{max: m.opts.maxUntagged}
	c, err := m.startIdle(q)
	if err != nil {
		q.drainTo(m.store)
		return nil, err
	}
	i := &Idler{m: m, c: c, q: q, ctx: m.call.ctx, savedState: m.state}
	if duration > 0 {
		i.deadline = time.Now().Add(duration)
	}
	m.idler = i
	m.setState(StateIdling)
	return i, nil
}

func (m *IMAP4) startIdle(q *idleQueue) (*command, error) {
	c, err := m.commandTo(q, "IDLE", nil, nil)
	if err != nil {
		return nil, err
	}
	for {
		r, err := m.e.read(false)
		if err != nil {
			return nil, err
		}
		if r.kind == respContinuation {
			return c, nil
		}
		if c.done != nil {
			res := m.e.complete(c)
			if res.typ == "NO" {
				return nil, &Error{Msg: "idle denied: " + dataListRepr(res.data)}
			}
			return nil, &AbortError{Msg: "unexpected status response: " + pyBytesRepr(r.line)}
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

// Err returns the error that ended iteration early, if any: a failure
// of the connection, or the error of the view's context.
func (i *Idler) Err() error {
	i.m.cmdMu.Lock()
	defer i.m.cmdMu.Unlock()
	return i.err
}

// pop is Python's Idler._pop: the next queued response, or one read
// before deadline (zero: no deadline).
func (i *Idler) pop(deadline time.Time, useDeadline bool) (idleResponse, bool) {
	m := i.m
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	if m.state != StateIdling || i.closed || i.err != nil {
		if i.err == nil && !i.closed {
			i.err = &Error{Msg: "_pop() only works during IDLE"}
		}
		return idleResponse{}, false
	}
	if len(i.q.items) == 0 {
		if useDeadline && !deadline.IsZero() && !time.Now().Before(deadline) {
			return idleResponse{}, false
		}
		if err := m.e.waitResponse(deadline, i.ctx); err != nil {
			if err != errWaitEnded {
				i.err = err
			}
			return idleResponse{}, false
		}
		if len(i.q.items) == 0 {
			// A continuation or a tagged line while idling.
			i.err = m.e.fail(&AbortError{Msg: "unexpected response during IDLE"})
			return idleResponse{}, false
		}
	}
	r := i.q.items[0]
	i.q.items = i.q.items[1:]
	if m.log.level() >= 4 {
		m.log.mesg(fmt.Sprintf("idle _pop read %s", r.typ))
	}
	return r, true
}

// Close ends IDLE: it sends DONE and waits for the server's completion.
// Responses that were queued but not iterated go to the untagged store,
// and so do those that arrive after DONE, as in Python. Close is safe to
// call twice.
func (i *Idler) Close() error {
	i.m.cmdMu.Lock()
	defer i.m.cmdMu.Unlock()
	return i.end()
}

// end is Close for a caller that holds the command lock.
func (i *Idler) end() error {
	m := i.m
	if i.closed {
		return nil
	}
	i.closed = true
	m.idler = nil
	m.setState(i.savedState)
	m.e.setSink(i.c, nil)
	if err := i.q.drainTo(m.store); err != nil {
		return m.e.fail(err)
	}
	if err := m.e.usable(); err != nil {
		return err
	}
	if err := m.e.writeLine([]byte("DONE")); err != nil {
		return err
	}
	_, _, err := m.commandComplete(i.c)
	return err
}

// idleResponse is one response delivered by an idler: Python's
// (typ, [data...]) queue entry.
type idleResponse struct {
	typ  string
	data []Datum
}

// idleQueue is the sink of an IDLE command: Python's _idle_responses. A
// response with literals arrives piece by piece and is delivered whole;
// each response is bounded by the store's limit.
type idleQueue struct {
	max   int64
	items []idleResponse
}

func (q *idleQueue) reserve(_ []byte, _, total int64) error {
	if total > q.max {
		return untaggedLimit(q.max, total)
	}
	return nil
}

func (q *idleQueue) put(typ string, d Datum) error {
	if d.Kind == KindBytes && d.Bytes == nil {
		d.Bytes = []byte{}
	}
	if n := len(q.items); n > 0 {
		last := &q.items[n-1]
		if last.data[len(last.data)-1].Kind == KindTuple {
			last.data = append(last.data, d)
			return nil
		}
	}
	q.items = append(q.items, idleResponse{typ: typ, data: []Datum{d}})
	return nil
}

// drainTo files what was not yielded in the store, as Python does when
// IDLE ends.
func (q *idleQueue) drainTo(s *store) error {
	items := q.items
	q.items = nil
	for _, r := range items {
		for _, d := range r.data {
			if err := s.put(r.typ, d); err != nil {
				return err
			}
		}
	}
	return nil
}

package imaplib

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// engine is the only code that reads or writes a connection. It owns the
// transport stack (a socket, TLS, a child's pipes, DEFLATE over any of
// them, and the deadlines on top), buffered reading under the
// connection's limits, writing, tags, literal framing in both directions,
// the continuation handshake, and matching each response to the command
// it belongs to: a tagged response by its tag, untagged data to the sink
// of the command in flight (the connection's sink when there is none, or
// more than one).
//
// Commands are driven from one goroutine at a time (the IMAP4 serializes
// them); close may be called from any goroutine and never waits for them.
type engine struct {
	opts *options
	log  *wireLog

	// mu guards the transport against a concurrent close: close reads
	// these under it, and only the command goroutine changes them, also
	// under it.
	mu     sync.Mutex
	socket net.Conn // the TCP connection, or nil for a child process
	conn   net.Conn // what Socket returns: socket, or the TLS session over it
	proc   *streamProcess
	dt     *deadlineTransport
	closed atomic.Bool

	r       *bufio.Reader
	partial []byte // a line begun before an IDLE wait ended
	lineBuf []byte // where long lines are assembled
	wbuf    []byte // the command line being written
	held    []byte // writes kept back while holding (see hold)
	holding bool

	dead error // set when the connection can no longer be used

	tagPre   []byte
	tagNum   int              // the number of the next tag
	inflight map[int]*command // commands sent and not yet completed, by tag number
	// sharing counts the commands in flight whose sink is common, so
	// that sinkNow knows whether they all name it without a walk over
	// every command in flight (a Pipeline has up to its window).
	common  sink
	sharing int
	// store receives untagged data that no command in flight takes:
	// Python's untagged_responses.
	store sink
	cont  []byte // the text of the last continuation request
}

// A sink receives the untagged data read while its command is in flight.
// A response with literals arrives as several pieces: each (header,
// literal) tuple, then the text after the last literal.
type sink interface {
	// reserve is asked before a literal of n bytes is read: header is the
	// text that announced it, total the response's size so far with it.
	// An error refuses the literal, and the connection is given up.
	reserve(header []byte, n, total int64) error
	// put files one piece of the response of type typ.
	put(typ string, d Datum) error
}

// A literalReader is a sink that reads literals itself, from the wire,
// instead of receiving them in memory (FetchStream). What it leaves unread
// is skipped; put then receives the tuple with an empty literal.
type literalReader interface {
	sink
	readLiteral(header []byte, lit io.Reader)
}

// command is one command on the wire.
type command struct {
	name string
	args []arg
	lit  *literal
	// more carries the literals after lit of a command that has several
	// (MULTIAPPEND, RFC 3502), each with the arguments that precede it.
	more []segment
	// next is the literal the engine sends next: 0 is lit, i is more[i-1].
	next int
	// nonSync sends lit as a non-synchronizing literal in the same write
	// as the line; utf8 frames every literal as APPEND's UTF8 (~{N}) data.
	nonSync, utf8 bool
	sink          sink // nil: the connection's store
	num           int  // the number of its tag, TAGPRE followed by num
	done          *taggedResult
}

// segment is one literal after the first of a command, with the
// arguments that follow the previous literal and precede its
// announcement.
type segment struct {
	args    []arg
	lit     *literal
	nonSync bool // sent without waiting for a continuation
}

// literals is how many message literals c carries.
func (c *command) literals() int {
	if c.lit == nil || c.lit.auth != nil {
		return 0
	}
	return 1 + len(c.more)
}

// literalAt returns c's i-th literal and whether it goes out
// non-synchronizing.
func (c *command) literalAt(i int) (*literal, bool) {
	if i == 0 {
		return c.lit, c.nonSync
	}
	return c.more[i-1].lit, c.more[i-1].nonSync
}

// awaitsContinuation reports whether c, once started, waits for a
// continuation request: before its next synchronizing literal, or, for
// AUTHENTICATE, until it completes.
func (c *command) awaitsContinuation() bool {
	if c.lit != nil && c.lit.auth != nil {
		return true
	}
	return c.next < c.literals()
}

// taggedResult is the completion of a command: Python's
// tagged_commands[tag] = (typ, [data]).
type taggedResult struct {
	typ  string
	data []Datum
	one  [1]Datum // data's storage: one allocation for both
}

func newEngine(opts *options, log *wireLog, store sink) *engine {
	return &engine{opts: opts, log: log, store: store, inflight: make(map[int]*command)}
}

// attach makes the engine talk over a new transport tr: a socket (conn,
// which may be a TLS session over socket) or a child process (proc).
func (e *engine) attach(tr transport, socket, conn net.Conn, proc *streamProcess) {
	e.mu.Lock()
	e.socket, e.conn, e.proc = socket, conn, proc
	e.dt = &deadlineTransport{transport: tr, timeout: e.opts.timeout}
	e.closed.Store(false)
	e.mu.Unlock()
	e.r = bufio.NewReaderSize(e.dt, readBufferSize)
	e.partial = nil
	e.dead = nil
	clear(e.inflight)
	e.common, e.sharing = nil, 0
}

// replaceTransport puts tr (TLS or DEFLATE over the current transport) in
// its place, with conn as what Socket reports. Bytes already buffered
// belong to the new transport's input, which tr must have taken.
func (e *engine) replaceTransport(conn net.Conn, tr transport) {
	e.mu.Lock()
	if conn != nil {
		e.conn = conn
	}
	e.dt = &deadlineTransport{transport: tr, timeout: e.opts.timeout}
	e.mu.Unlock()
	e.r = bufio.NewReaderSize(e.dt, readBufferSize)
}

const readBufferSize = 64 << 10

// close closes the transport at once, from any goroutine: a command
// blocked in a read or write fails, and every later one fails at once. A
// child process is also reaped. Closing twice is harmless.
func (e *engine) close() error {
	e.mu.Lock()
	if e.dt == nil || e.closed.Swap(true) {
		e.mu.Unlock()
		return nil
	}
	socket, proc, dt := e.socket, e.proc, e.dt
	e.mu.Unlock()
	switch {
	case proc != nil:
		return proc.close()
	case socket != nil:
		// The TCP connection itself, not a TLS session over it: a
		// session's Close could wait for a write blocked on the same
		// connection.
		return socket.Close()
	}
	return dt.Close()
}

// socketConn returns the socket as Socket reports it.
func (e *engine) socketConn() net.Conn {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conn
}

// fail marks the connection dead after a transport or protocol failure,
// so that later commands fail at once instead of reading out of step.
func (e *engine) fail(err error) error {
	if e.dead == nil {
		e.dead = err
	}
	return err
}

// usable reports why no command can be sent, if none can.
func (e *engine) usable() error {
	if e.closed.Load() || e.dt == nil {
		return &AbortError{Msg: "socket error: connection closed", Err: net.ErrClosed}
	}
	if e.dead != nil {
		return &AbortError{Msg: "socket error: connection unusable after an earlier failure: " + e.dead.Error(), Err: e.dead}
	}
	return nil
}

// ioFailure retires the connection after a read or write failed, naming
// the command's context as the cause when it ended the command.
func (e *engine) ioFailure(err error) error {
	if cerr := e.dt.ctxErr(); cerr != nil {
		return e.fail(&AbortError{Msg: "socket error: command interrupted: " + cerr.Error(), Err: cerr})
	}
	if e.closed.Load() {
		return e.fail(&AbortError{Msg: "socket error: connection closed", Err: errors.Join(net.ErrClosed, err)})
	}
	return e.fail(&AbortError{Msg: "socket error: " + err.Error(), Err: err})
}

// ---- writing ----------------------------------------------------------

// appendTag appends the tag of command number num (Python's _new_tag).
func (e *engine) appendTag(b []byte, num int) []byte {
	return strconv.AppendInt(append(b, e.tagPre...), int64(num), 10)
}

// tagOf returns c's tag.
func (e *engine) tagOf(c *command) string { return string(e.appendTag(nil, c.num)) }

// start sends c: its tag, name and arguments, and the announcement of its
// first literal, with the literal itself (and those after it up to the
// next synchronizing one) when it is non-synchronizing. c is in flight
// from then on, until its tagged response is taken.
func (e *engine) start(c *command) error {
	c.num = e.tagNum
	e.tagNum++
	e.inflight[c.num] = c
	e.joined(c.sink)
	w := e.appendTag(e.wbuf[:0], c.num)
	tagLen := len(w)
	w = append(w, ' ')
	w = append(w, c.name...)
	w = appendArgs(w, c.args)
	if c.literals() > 0 {
		w = appendAnnouncement(w, c.lit.size(), c.nonSync, c.utf8)
	}
	if e.log.level() >= 1 {
		e.log.command(string(w[:tagLen]), c.name, c.args, w)
	}
	w = append(w, crlf...)
	e.wbuf = w
	if c.nonSync {
		return e.sendLiterals(w, c)
	}
	return e.write(w)
}

// appendArgs appends the arguments that are not None, each after a space.
func appendArgs(w []byte, args []arg) []byte {
	for _, a := range args {
		if a.b == nil {
			continue
		}
		w = append(w, ' ')
		w = append(w, a.b...)
	}
	return w
}

// appendAnnouncement appends the announcement of a literal of n bytes:
// " {n}", " {n+}" when non-synchronizing, " UTF8 (~{n}" in UTF-8 mode
// (RFC 6855).
func appendAnnouncement(w []byte, n int64, nonSync, utf8 bool) []byte {
	plus := ""
	if nonSync {
		plus = "+"
	}
	if utf8 {
		return fmt.Appendf(w, " UTF8 (~{%d%s}", n, plus)
	}
	return fmt.Appendf(w, " {%d%s}", n, plus)
}

// write writes b to the server; a failure retires the connection.
func (e *engine) write(b []byte) error {
	if e.holding {
		e.held = append(e.held, b...)
		return nil
	}
	if _, err := e.dt.Write(b); err != nil {
		return e.ioFailure(err)
	}
	return nil
}

// hold makes writes wait in a buffer until flush, so that commands sent
// one after another without reading go out in one write (and, on a real
// link, in as few packets as the window allows). Only commands that need
// no continuation may be held.
func (e *engine) hold() { e.holding = true }

// flush writes what hold kept back, and with release also stops holding.
func (e *engine) flush(release bool) error {
	b := e.held
	e.held = e.held[:0]
	e.holding = false
	err := e.writeSome(b)
	e.holding = !release && err == nil
	return err
}

// writeLine writes one line of an exchange that is not a command (an
// AUTHENTICATE response, IDLE's DONE), adding CRLF.
func (e *engine) writeLine(line []byte) error {
	return e.write(append(line, crlf...))
}

// sendLiterals sends c's next literal after head (what precedes it: the
// command line, when the literal needs no continuation), followed by what
// comes after it: the end of the command, or the arguments and the
// announcement of c's next literal. It goes on through each following
// literal that is non-synchronizing and stops after the announcement of
// one that is not, which waits for the server's continuation. Small
// literals and the pieces between literals are gathered into writes of
// about gatherSize, in one buffer reused for the whole command; a literal
// larger than copyMax is written from where it is, without a copy.
func (e *engine) sendLiterals(head []byte, c *command) error {
	out := head       // what is ready to go
	var gather []byte // out's storage once something is gathered
	gathering := false
	for {
		lit, _ := c.literalAt(c.next)
		c.next++
		if e.log.level() >= 4 {
			e.log.mesg(fmt.Sprintf("write literal size %d", lit.size()))
		}
		tail := e.literalTail(c)
		data := lit.data
		if lit.crlf {
			data = normalizeCRLF(data)
		}
		switch {
		case lit.r != nil:
			if err := e.copyLiteral(out, lit, tail); err != nil {
				return err
			}
			out, gathering = nil, false
		case len(data) <= copyMax:
			if !gathering {
				if gather == nil {
					gather = make([]byte, 0, gatherSize+copyMax)
				}
				out, gathering = append(gather[:0], out...), true
			}
			out = append(append(out, data...), tail...)
		default:
			if err := e.writeSome(out); err != nil {
				return err
			}
			if err := e.write(data); err != nil {
				return err
			}
			out, gathering = tail, false
		}
		goOn := c.next < c.literals()
		if goOn {
			_, goOn = c.literalAt(c.next)
		}
		if !goOn || len(out) >= gatherSize {
			if err := e.writeSome(out); err != nil {
				return err
			}
			if gathering && cap(out) > cap(gather) {
				gather = out
			}
			out, gathering = nil, false
		}
		if !goOn {
			return nil
		}
	}
}

// gatherSize is about the most sendLiterals gathers into one write by
// copying, and copyMax the largest literal it copies to do so: a larger
// one costs less as a write of its own than as a copy.
const (
	gatherSize = 64 << 10
	copyMax    = 8 << 10
)

// writeSome writes b unless it is empty.
func (e *engine) writeSome(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return e.write(b)
}

// literalTail returns what follows the literal c has just passed (c.next
// counts it): the ")" that closes a UTF8 form, then either CRLF, ending
// the command, or the next literal's arguments and announcement and CRLF.
func (e *engine) literalTail(c *command) []byte {
	var w []byte
	if c.utf8 {
		w = append(w, ')')
	}
	if c.next < c.literals() {
		s := &c.more[c.next-1]
		w = appendArgs(w, s.args)
		w = appendAnnouncement(w, s.lit.size(), s.nonSync, c.utf8)
		e.log.line('>', w)
	}
	return append(w, crlf...)
}

// copyLiteral copies a reader literal to the server between head and
// tail, in buffer-sized writes. A reader that ends early leaves the server
// waiting for the rest: the connection is closed.
func (e *engine) copyLiteral(head []byte, lit *literal, tail []byte) error {
	bw := bufio.NewWriterSize(e.dt, 64<<10)
	bw.Write(head)
	n, err := io.CopyN(bw, lit.r, lit.n)
	if err == nil {
		bw.Write(tail)
		if err := bw.Flush(); err != nil {
			return e.ioFailure(err)
		}
		return nil
	}
	if werr := bw.Flush(); werr != nil {
		return e.ioFailure(werr)
	}
	err = e.fail(&AbortError{
		Msg: fmt.Sprintf("message reader ended after %d of %d bytes: %v", n, lit.n, err),
		Err: err,
	})
	e.close()
	return err
}

// ---- reading ----------------------------------------------------------

// readLine is Python's readline(): one line including its LF, at most
// maxLine bytes. The returned slice may point into the read buffer and is
// valid only until the next read.
func (e *engine) readLine() ([]byte, error) {
	line, err := e.r.ReadSlice('\n')
	if err == nil && len(e.partial) == 0 {
		if len(line) > e.opts.maxLine {
			return nil, e.lineTooLong(int64(len(line)))
		}
		return line, nil
	}
	// A line longer than the buffer, or one continued after an IDLE wait
	// ended: collect it in the connection's line buffer, never beyond the
	// limit. Like a short line, it is valid until the next read.
	acc := appendDoubling(e.lineBuf[:0], e.partial)
	acc = appendDoubling(acc, line)
	e.partial = nil
	defer func() {
		// Keep the buffer for the next long line unless it got big.
		e.lineBuf = nil
		if cap(acc) <= keptLineBuffer {
			e.lineBuf = acc[:0]
		}
	}()
	for err != nil {
		if e.dt.waitEnded(err) {
			// Keep what arrived: the rest of the line comes later.
			e.partial = acc
			return nil, errWaitEnded
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return acc, e.readErr(err)
		}
		if len(acc) > e.opts.maxLine {
			return nil, e.lineTooLong(0)
		}
		line, err = e.r.ReadSlice('\n')
		acc = appendDoubling(acc, line)
	}
	if len(acc) > e.opts.maxLine {
		return nil, e.lineTooLong(int64(len(acc)))
	}
	return acc, nil
}

// keptLineBuffer is the largest line buffer a connection keeps between
// long lines.
const keptLineBuffer = 1 << 20

// appendDoubling is append that at least doubles the capacity when it
// grows, so that a long line assembled from many reads costs about twice
// its size in allocations.
func appendDoubling(dst, src []byte) []byte {
	if need := len(dst) + len(src); need > cap(dst) {
		grown := make([]byte, len(dst), max(need, 2*cap(dst)))
		copy(grown, dst)
		dst = grown
	}
	return append(dst, src...)
}

// errWaitEnded reports that no response began before an IDLE wait ended
// (its deadline passed or its context was done). It is not a failure of
// the connection.
var errWaitEnded = errors.New("imaplib: no response within the wait")

// readErr turns a transport error into what Python's readline would give:
// EOF is a short (possibly empty) line, anything else a socket error.
func (e *engine) readErr(err error) error {
	if err == io.EOF {
		return nil
	}
	return e.ioFailure(err)
}

func (e *engine) lineTooLong(got int64) error {
	// CPython raises error (not abort) here although the connection is out
	// of sync; we keep the class and text but also retire the connection.
	lim := &LimitError{Limit: "line length", Max: int64(e.opts.maxLine), Got: got}
	return e.fail(&Error{Msg: fmt.Sprintf("got more than %d bytes", e.opts.maxLine), Err: lim})
}

// getLine is Python's _get_line: a whole CRLF-terminated line, without the
// CRLF.
func (e *engine) getLine() ([]byte, error) {
	line, err := e.readLine()
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, e.fail(&AbortError{Msg: "socket error: EOF", Err: io.EOF})
	}
	if !bytes.HasSuffix(line, crlf) {
		return nil, e.fail(&AbortError{
			Msg: "socket error: unterminated line: " + pyBytesRepr(line),
			Err: io.ErrUnexpectedEOF,
		})
	}
	line = line[:len(line)-2]
	e.log.line('<', line)
	return line, nil
}

// readLiteral reads the n bytes of a literal the server announced, which
// readLiterals has checked against the cap. Memory follows the bytes that
// actually arrive, not the size a server merely claims (see
// literalTrusted).
func (e *engine) readLiteral(n int64) ([]byte, error) {
	if e.log.level() >= 4 {
		e.log.mesg(fmt.Sprintf("read literal size %d", n))
	}
	if n > int64(maxInt) {
		return nil, e.fail(&AbortError{
			Msg: fmt.Sprintf("literal of %d bytes does not fit in memory here", n),
			Err: &LimitError{Limit: "literal size", Max: int64(maxInt), Got: n},
		})
	}
	size := int(n)
	// A literal larger than what is buffered waits, in the read buffer,
	// until a buffer's worth of it has come; then a literal of ordinary
	// size gets its whole buffer at once, and a larger one starts at
	// literalFirstStep and doubles as it comes. Waiting in the read buffer
	// rather than in a first, smaller allocation keeps an extra allocation
	// from starting a collection just before the big one (see
	// bench/README.md).
	if size > e.r.Buffered() {
		if _, err := e.r.Peek(min(size, e.r.Size())); err != nil {
			return nil, e.literalReadError(err)
		}
	}
	first := size
	if size > literalTrusted {
		first = literalFirstStep
	}
	buf := make([]byte, first)
	got := 0
	for {
		k, err := io.ReadFull(e.r, buf[got:])
		got += k
		if err != nil {
			return nil, e.literalReadError(err)
		}
		if got == size {
			return buf, nil
		}
		next := make([]byte, min(size, 2*len(buf)))
		// Into next[:got], not next: see "Big literals" in
		// bench/README.md.
		copy(next[:got], buf)
		buf = next
	}
}

// maxInt is the largest int, which bounds a literal held in memory on
// 32-bit platforms.
const maxInt = int(^uint(0) >> 1)

// literalReadError is the failure of a literal that did not arrive whole.
func (e *engine) literalReadError(err error) error {
	// Python returns the short read; the next line read then fails with
	// EOF. Report that failure directly.
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return e.fail(&AbortError{Msg: "socket error: EOF", Err: io.ErrUnexpectedEOF})
	}
	return e.ioFailure(err)
}

// literalTrusted is the largest literal that gets its whole buffer once a
// read buffer's worth of it has arrived; a larger one starts at
// literalFirstStep and doubles as it comes. A server that lies about a
// size can thus make a connection hold at most literalTrusted bytes for
// 64 KiB sent.
const (
	literalTrusted   = 32 << 20
	literalFirstStep = 256 << 10
)

var crlf = []byte("\r\n")

// responseKind tells what read found: a command completion, server data
// or a continuation request.
type responseKind uint8

const (
	respTagged responseKind = iota
	respUntagged
	respContinuation
)

// response is what read reports of one response. Untagged data has gone
// to a sink already.
type response struct {
	kind responseKind
	// line is the response's first line: always for a tagged response,
	// for the others only when read was asked to keep it.
	line []byte
	cmd  *command // the command a tagged response completed
}

// sinkNow returns the sink for untagged data: the one every command in
// flight names, or the connection's store. Untagged data cannot be told
// apart by the engine when commands with different sinks are in flight;
// a caller that overlaps commands (Pipeline) gives them one sink that
// tells the data apart itself.
func (e *engine) sinkNow() sink {
	if s := e.shared(); s != nil {
		return s
	}
	return e.store
}

// shared is the sink every command in flight names, nil when they name
// different ones (or none): untagged data then goes to store.
func (e *engine) shared() sink {
	if e.sharing > 0 && e.sharing == len(e.inflight) {
		return e.common
	}
	return nil
}

// setSink changes the sink of c, which is in flight.
func (e *engine) setSink(c *command, s sink) {
	c.sink = s
	e.recount()
}

// joined counts a command in flight, already in inflight, with sink s.
func (e *engine) joined(s sink) {
	switch {
	case e.sharing == 0:
		e.common, e.sharing = s, 1
	case s == e.common:
		e.sharing++
	}
}

// left uncounts a command with sink s that has left inflight.
func (e *engine) left(s sink) {
	if e.sharing > 0 && s == e.common {
		e.sharing--
	}
	if e.sharing == 0 {
		// The commands still in flight, if any, were not counted.
		e.recount()
	}
}

// recount counts the commands in flight anew, around the first one's
// sink.
func (e *engine) recount() {
	e.common, e.sharing = nil, 0
	for _, c := range e.inflight {
		if e.sharing == 0 {
			e.common = c.sink
		}
		if c.sink == e.common {
			e.sharing++
		}
	}
}

// read is Python's _get_response: it reads one whole response (a line and
// the literals it announces), completes the command a tagged response
// names, hands untagged data to a sink, and keeps the text of a
// continuation request in e.cont. With keepLine it also returns the
// first line of untagged responses and continuations.
func (e *engine) read(keepLine bool) (response, error) {
	if e.holding {
		// Nothing can be answered that was not sent.
		if err := e.flush(false); err != nil {
			return response{}, err
		}
	}
	var line []byte
	var err error
	for {
		if line, err = e.getLine(); err != nil {
			return response{}, err
		}
		// Servers may leave a blank line after a literal that ended the
		// previous response (gh-88574).
		if len(line) > 0 {
			break
		}
	}
	var r response
	if keepLine || bytes.HasPrefix(line, e.tagPre) {
		r.line = bytes.Clone(line)
		line = r.line
	}
	snk := e.sinkNow()
	var typ string
	var dat []byte
	if tag, ttyp, tdat, isTagged := e.matchTagged(line); isTagged {
		c, known := e.inflight[tag]
		if !known || c.done != nil {
			return response{}, e.fail(&AbortError{Msg: "unexpected tagged response: " + pyBytesRepr(line)})
		}
		res := &taggedResult{typ: ttyp, one: [1]Datum{bytesDatum(tdat)}}
		res.data = res.one[:]
		c.done = res
		r.kind, r.cmd = respTagged, c
		typ, dat = ttyp, tdat
	} else if utyp, udat, ok := matchUntagged(line); ok {
		r.kind = respUntagged
		typ = utyp
		if dat, err = e.readLiterals(snk, typ, udat); err != nil {
			return response{}, err
		}
		if err := snk.put(typ, bytesDatum(dat)); err != nil {
			return response{}, e.fail(err)
		}
	} else if line[0] == '+' {
		e.cont = nil
		if len(line) > 1 && line[1] == ' ' {
			e.cont = bytes.Clone(line[2:])
		}
		r.kind = respContinuation
		return r, nil
	} else {
		return response{}, e.fail(&AbortError{Msg: "unexpected response: " + pyBytesRepr(line)})
	}

	if typ == "OK" || typ == "NO" || typ == "BAD" {
		if code, cdat, ok := matchResponseCode(dat); ok {
			typ = code
			if err := snk.put(code, bytesDatum(bytes.Clone(cdat))); err != nil {
				return response{}, e.fail(err)
			}
		}
	}
	if e.log.level() >= 1 && (typ == "NO" || typ == "BAD" || typ == "BYE") {
		e.log.mesg(fmt.Sprintf("%s response: %s", typ, pyBytesRepr(dat)))
	}
	return r, nil
}

// readLiterals reads every literal an untagged response announces,
// handing each to snk as a (header, literal) tuple, and returns the text
// after the last.
func (e *engine) readLiterals(snk sink, typ string, dat []byte) ([]byte, error) {
	depth := 0
	var total int64 // this response so far
	for {
		n, ok, err := literalSize(dat)
		if err != nil {
			return nil, e.fail(err)
		}
		if !ok {
			return dat, nil
		}
		if n > e.opts.maxLiteral {
			return nil, e.fail(&AbortError{
				Msg: fmt.Sprintf("literal of %d bytes exceeds the limit of %d bytes", n, e.opts.maxLiteral),
				Err: &LimitError{Limit: "literal size", Max: e.opts.maxLiteral, Got: n},
			})
		}
		total += int64(len(dat)) + n
		var lit []byte
		if lr, ok := snk.(literalReader); ok {
			if err := e.streamLiteral(lr, dat, n); err != nil {
				return nil, err
			}
			lit = []byte{}
		} else {
			// Refuse a literal the sink cannot hold before reading it.
			if err := snk.reserve(dat, n, total); err != nil {
				return nil, e.fail(err)
			}
			if lit, err = e.readLiteral(n); err != nil {
				return nil, err
			}
		}
		if err := snk.put(typ, Datum{Kind: KindTuple, Bytes: dat, Literal: lit}); err != nil {
			return nil, e.fail(err)
		}
		depth = parenDepth(dat, depth)
		next, err := e.getLine()
		if err != nil {
			return nil, err
		}
		// A blank line inside an open parenthesis is spurious; an empty
		// trailer after a literal that ends the response is data.
		for len(next) == 0 && depth > 0 {
			if next, err = e.getLine(); err != nil {
				return nil, err
			}
		}
		dat = bytes.Clone(next)
	}
}

// waitResponse reads one response, waiting for it to begin until until
// (zero: without limit) and within ctx (nil: none), as an idler waits. It
// returns errWaitEnded when until passed first, and ctx's error when ctx
// ended the wait; a line begun before either is kept for the next read.
func (e *engine) waitResponse(until time.Time, ctx context.Context) error {
	disarm := e.dt.arm(ctx)
	e.dt.waiting, e.dt.until = true, until
	_, err := e.read(false)
	e.dt.waiting, e.dt.until = false, time.Time{}
	cerr := e.dt.ctxErr()
	disarm()
	if err == errWaitEnded && cerr != nil {
		return cerr
	}
	return err
}

// streamLiteral hands a literal of n bytes to lr as a reader of exactly
// its bytes, straight from the connection, and skips what lr leaves
// unread.
func (e *engine) streamLiteral(lr literalReader, header []byte, n int64) error {
	if e.log.level() >= 4 {
		e.log.mesg(fmt.Sprintf("stream literal size %d", n))
	}
	body := &io.LimitedReader{R: e.r, N: n}
	lr.readLiteral(header, body)
	if _, err := io.Copy(io.Discard, body); err != nil {
		return e.literalReadError(err)
	}
	if body.N > 0 {
		return e.fail(&AbortError{Msg: "socket error: EOF", Err: io.ErrUnexpectedEOF})
	}
	return nil
}

// matchTagged is Python's tagre: TAGPRE digits SP [A-Z]+ SP text. tag is
// the digits' number, or -1 when they are not the form the engine writes
// (leading zeros, more than fit): no command has that tag.
func (e *engine) matchTagged(line []byte) (tag int, typ string, data []byte, ok bool) {
	if !bytes.HasPrefix(line, e.tagPre) {
		return
	}
	i := len(e.tagPre)
	j := i
	for j < len(line) && isDigit(line[j]) {
		j++
	}
	if j == i || j >= len(line) || line[j] != ' ' {
		return
	}
	k := j + 1
	for k < len(line) && line[k] >= 'A' && line[k] <= 'Z' {
		k++
	}
	if k == j+1 || k >= len(line) || line[k] != ' ' {
		return
	}
	return tagNumber(line[i:j]), internType(line[j+1 : k]), line[k+1:], true
}

// tagNumber is the number digits spell, -1 unless they are its canonical
// form and short enough for an int (9 digits on 32-bit platforms, 18 on
// 64-bit ones).
func tagNumber(digits []byte) int {
	if len(digits) > maxTagDigits || len(digits) > 1 && digits[0] == '0' {
		return -1
	}
	n := 0
	for _, d := range digits {
		n = n*10 + int(d-'0')
	}
	return n
}

// maxTagDigits is the most digits tagNumber reads: 9 or 18.
const maxTagDigits = 9 * strconv.IntSize / 32

// complete takes c's tagged response, which read has filed, and ends c's
// time in flight.
func (e *engine) complete(c *command) *taggedResult {
	delete(e.inflight, c.num)
	e.left(c.sink)
	return c.done
}

// ---- raw access (Python's read, readline, send) -------------------------

// readRaw reads exactly size bytes, fewer at end of stream.
func (e *engine) readRaw(size int) ([]byte, error) {
	buf := make([]byte, size)
	n, err := io.ReadFull(e.r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:n], err
}

// buffered returns how many bytes have been read from the transport and
// not yet consumed.
func (e *engine) buffered() int { return e.r.Buffered() }

// takeBuffered consumes and returns what has been read from the
// transport and not yet consumed: it belongs to a layer about to be put
// over the transport (DEFLATE).
func (e *engine) takeBuffered() []byte {
	b := make([]byte, e.r.Buffered())
	io.ReadFull(e.r, b)
	return b
}

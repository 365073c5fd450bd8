package imaplib

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DatumKind tells which of Python's three shapes a Datum has.
type DatumKind uint8

const (
	// KindNone is Python's None, the zero Datum: a command found no
	// untagged response of the kind it returns.
	KindNone DatumKind = iota
	// KindBytes is a Python bytes object, held in Bytes.
	KindBytes
	// KindTuple is Python's (header, literal) tuple: Bytes is the response
	// text up to and including the {N} that announced the literal, Literal
	// is the N bytes that followed.
	KindTuple
)

// Datum is one element of the data list that every command returns, as in
// Python's (typ, [data, ...]). A FETCH of a message body yields a KindTuple
// Datum whose Literal is the body, followed by a KindBytes Datum holding the
// rest of the response (usually ")").
type Datum struct {
	// Kind says which of Python's shapes this is; the zero value is
	// KindNone, so a zero Datum prints as None.
	Kind DatumKind
	// Bytes is the response text for KindBytes, and for KindTuple the
	// text up to and including the {N} that announced the literal. The
	// CRLF is not included. nil for KindNone.
	Bytes []byte
	// Literal is the N bytes of the literal for KindTuple (a message body,
	// a header), exactly as the server sent them; nil otherwise.
	Literal []byte
}

func bytesDatum(b []byte) Datum { return Datum{Kind: KindBytes, Bytes: b} }

// IsNone reports whether d is Python's None.
func (d Datum) IsNone() bool { return d.Kind == KindNone }

// String returns exactly what Python's repr prints for the element:
// b'1 2 3', (b'1 (RFC822 {12}', b'...') or None.
func (d Datum) String() string {
	switch d.Kind {
	case KindBytes:
		return pyBytesRepr(d.Bytes)
	case KindTuple:
		return "(" + pyBytesRepr(d.Bytes) + ", " + pyBytesRepr(d.Literal) + ")"
	}
	return "None"
}

// Repr returns Python's repr of the (typ, data) pair a command returned,
// e.g. ('OK', [b'LOGIN completed']). A team moving a script from Python can
// diff the output of both versions line by line.
func Repr(typ string, data []Datum) string {
	var b strings.Builder
	b.WriteString("(")
	b.WriteString(pyStrRepr(typ))
	b.WriteString(", ")
	writeDataRepr(&b, data)
	b.WriteString(")")
	return b.String()
}

// ReprLists is Repr for the two results whose data is a list of lists,
// Getquotaroot's [[QUOTAROOT...], [QUOTA...]].
func ReprLists(typ string, data [][]Datum) string {
	var b strings.Builder
	b.WriteString("(")
	b.WriteString(pyStrRepr(typ))
	b.WriteString(", [")
	for i, l := range data {
		if i > 0 {
			b.WriteString(", ")
		}
		writeDataRepr(&b, l)
	}
	b.WriteString("])")
	return b.String()
}

// ReprData returns Python's repr of a data list, what print(data) shows:
// [b'1 2', (b'1 (RFC822 {3}', b'abc'), b')']. Repr prints the whole
// (typ, data) pair.
func ReprData(data []Datum) string {
	var b strings.Builder
	writeDataRepr(&b, data)
	return b.String()
}

// ReprBytes returns Python's repr of a bytes object, what print(b) shows
// for one element of data or a piece of it: b'...', with the quote Python
// picks and its escapes (\\, \t, \n, \r, \xNN).
func ReprBytes(b []byte) string { return pyBytesRepr(b) }

func writeDataRepr(b *strings.Builder, data []Datum) {
	b.WriteString("[")
	for i, d := range data {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.String())
	}
	b.WriteString("]")
}

// pyBytesRepr formats b as Python's repr(bytes) does.
func pyBytesRepr(b []byte) string {
	quote := byte('\'')
	if bytes.IndexByte(b, '\'') >= 0 && bytes.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	out := make([]byte, 0, len(b)+3)
	out = append(out, 'b', quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			out = append(out, '\\', c)
		case c == '\t':
			out = append(out, '\\', 't')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c < 0x20 || c >= 0x7f:
			out = append(out, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			out = append(out, c)
		}
	}
	out = append(out, quote)
	return string(out)
}

const hexDigits = "0123456789abcdef"

// pyStrRepr formats s as Python's repr(str) does, closely enough for the
// type names and texts this package produces (printable Unicode is kept).
func pyStrRepr(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch {
		case r == quote || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteRune(quote)
	return b.String()
}

// readLine is Python's readline(): one line including its LF, at most
// maxLine bytes. The returned slice may point into the read buffer and is
// valid only until the next read.
func (m *IMAP4) readLine() ([]byte, error) {
	line, err := m.r.ReadSlice('\n')
	if err == nil && len(m.partial) == 0 {
		if len(line) > m.opts.maxLine {
			return nil, m.lineTooLong(int64(len(line)))
		}
		return line, nil
	}
	// A line longer than the buffer, or one continued after an IDLE wait
	// timed out: collect it in the connection's line buffer, never beyond
	// the limit. Like a short line, it is valid until the next read.
	acc := appendDoubling(m.lineBuf[:0], m.partial)
	acc = appendDoubling(acc, line)
	m.partial = nil
	defer func() {
		// Keep the buffer for the next long line unless it got big.
		m.lineBuf = nil
		if cap(acc) <= keptLineBuffer {
			m.lineBuf = acc[:0]
		}
	}()
	for err != nil {
		if m.dt.waiting && errors.Is(err, os.ErrDeadlineExceeded) && m.ctxErr() == nil {
			// Keep what arrived: the rest of the line comes later.
			m.partial = acc
			return nil, errWaitTimeout
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return acc, m.readErr(err)
		}
		if len(acc) > m.opts.maxLine {
			return nil, m.lineTooLong(0)
		}
		line, err = m.r.ReadSlice('\n')
		acc = appendDoubling(acc, line)
	}
	if len(acc) > m.opts.maxLine {
		return nil, m.lineTooLong(int64(len(acc)))
	}
	return acc, nil
}

// keptLineBuffer is the largest line buffer a connection keeps between
// long lines.
const keptLineBuffer = 1 << 20

// appendDoubling is append that at least doubles the capacity when it
// grows: a 600 KB SEARCH line assembled from 64 KiB reads then costs
// about twice its size in allocations, not the five times of append's
// 1.25x steps.
func appendDoubling(dst, src []byte) []byte {
	if need := len(dst) + len(src); need > cap(dst) {
		grown := make([]byte, len(dst), max(need, 2*cap(dst)))
		copy(grown, dst)
		dst = grown
	}
	return append(dst, src...)
}

// errWaitTimeout reports that no response began before an IDLE wait's
// deadline. It is not a failure of the connection.
var errWaitTimeout = errors.New("imaplib: no response within the wait")

// readErr turns a transport error into what Python's readline would give:
// EOF is a short (possibly empty) line, anything else a socket error.
func (m *IMAP4) readErr(err error) error {
	if err == io.EOF {
		return nil
	}
	return m.ioFailure(err)
}

// ioFailure retires the connection after a read or write failed, naming
// the command's context as the cause when it ended the command.
func (m *IMAP4) ioFailure(err error) error {
	if cerr := m.ctxErr(); cerr != nil {
		return m.fail(&AbortError{Msg: "socket error: command interrupted: " + cerr.Error(), Err: cerr})
	}
	return m.fail(&AbortError{Msg: "socket error: " + err.Error(), Err: err})
}

func (m *IMAP4) lineTooLong(got int64) error {
	// CPython raises error (not abort) here although the connection is out
	// of sync; we keep the class and text but also retire the connection.
	lim := &LimitError{Limit: "line length", Max: int64(m.opts.maxLine), Got: got}
	return m.fail(&Error{Msg: fmt.Sprintf("got more than %d bytes", m.opts.maxLine), Err: lim})
}

// getLine is Python's _get_line: a whole CRLF-terminated line, without the
// CRLF.
func (m *IMAP4) getLine() ([]byte, error) {
	line, err := m.readLine()
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, m.fail(&AbortError{Msg: "socket error: EOF", Err: io.EOF})
	}
	if !bytes.HasSuffix(line, crlf) {
		return nil, m.fail(&AbortError{
			Msg: "socket error: unterminated line: " + pyBytesRepr(line),
			Err: io.ErrUnexpectedEOF,
		})
	}
	line = line[:len(line)-2]
	m.logLine('<', line)
	return line, nil
}

// readLiteral reads the n bytes of a literal the server announced, which
// readLiterals has checked against the cap. Memory follows the bytes that
// actually arrive, not the size a server merely claims (see
// literalTrusted).
func (m *IMAP4) readLiteral(n int64) ([]byte, error) {
	if m.debug >= 4 {
		m.mesg(fmt.Sprintf("read literal size %d", n))
	}
	size := int(n)
	// The announced size is believed only as bytes arrive. A literal
	// larger than what is buffered waits, in the read buffer, until a
	// buffer's worth of it (64 KiB) has come; then a literal of ordinary
	// size gets its whole buffer at once, and a larger one starts at
	// literalFirstStep and doubles as it comes. Waiting in the read buffer
	// rather than in a first, smaller allocation matters for big literals:
	// an extra allocation just before the big one can start a garbage
	// collection that keeps the previous literal's memory from being
	// reused, and the big one then takes (and faults in) fresh pages.
	if size > m.r.Buffered() {
		if _, err := m.r.Peek(min(size, m.r.Size())); err != nil {
			return nil, m.literalReadError(err)
		}
	}
	first := size
	if size > literalTrusted {
		first = literalFirstStep
	}
	buf := make([]byte, first)
	got := 0
	for {
		k, err := io.ReadFull(m.r, buf[got:])
		got += k
		if err != nil {
			return nil, m.literalReadError(err)
		}
		if got == size {
			return buf, nil
		}
		next := make([]byte, min(size, 2*len(buf)))
		// Copying into next[:got] rather than next keeps the compiler
		// from fusing make and copy into makeslicecopy, which clears the
		// whole tail by hand, where make alone gets fresh memory already
		// zeroed.
		copy(next[:got], buf)
		buf = next
	}
}

// literalReadError is the failure of a literal that did not arrive whole.
func (m *IMAP4) literalReadError(err error) error {
	// Python returns the short read; the next line read then fails with
	// EOF. Report that failure directly.
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return m.fail(&AbortError{Msg: "socket error: EOF", Err: io.ErrUnexpectedEOF})
	}
	return m.ioFailure(err)
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

// responseKind tells what getResponse read: a command completion, server data or a continuation request.
type responseKind uint8

const (
	respTagged responseKind = iota
	respUntagged
	respContinuation
)

// getResponse is Python's _get_response: it reads one response (with its
// literals), files it in the tagged or untagged store and reports its kind.
// For a tagged response it also returns the raw line.
func (m *IMAP4) getResponse() (responseKind, []byte, error) {
	return m.readResponse(false)
}

// readResponse is getResponse that, with keepLine, also returns the raw
// first line of untagged responses and continuations (the greeting needs
// it). Otherwise each untagged line costs one allocation: its data.
func (m *IMAP4) readResponse(keepLine bool) (responseKind, []byte, error) {
	var line []byte
	var err error
	for {
		if line, err = m.getLine(); err != nil {
			return 0, nil, err
		}
		// Servers may leave a blank line after a literal that ended the
		// previous response (gh-88574).
		if len(line) > 0 {
			break
		}
	}

	var resp []byte
	if keepLine {
		resp = bytes.Clone(line)
	}
	kind := respTagged
	typ, dat, ok := "", []byte(nil), false
	if bytes.HasPrefix(line, m.tagPre) {
		if resp == nil {
			resp = bytes.Clone(line)
		}
		line = resp
	}
	if tag, ttyp, tdat, isTagged := m.matchTagged(line); isTagged {
		if res, known := m.tagged[tag]; !known || res != nil {
			return 0, nil, m.fail(&AbortError{Msg: "unexpected tagged response: " + pyBytesRepr(line)})
		}
		m.tagged[tag] = &taggedResult{typ: ttyp, data: []Datum{bytesDatum(tdat)}}
		typ, dat = ttyp, tdat
	} else if typ, dat, ok = matchUntagged(line); ok {
		kind = respUntagged
		if dat, err = m.readLiterals(typ, dat); err != nil {
			return 0, nil, err
		}
		if err := m.appendUntagged(typ, bytesDatum(dat)); err != nil {
			return 0, nil, err
		}
	} else if line[0] == '+' {
		m.cont = nil
		if len(line) > 1 && line[1] == ' ' {
			m.cont = bytes.Clone(line[2:])
		}
		return respContinuation, resp, nil
	} else {
		return 0, nil, m.fail(&AbortError{Msg: "unexpected response: " + pyBytesRepr(line)})
	}

	if typ == "OK" || typ == "NO" || typ == "BAD" {
		if code, cdat, ok := matchResponseCode(dat); ok {
			typ = code
			if err := m.appendUntagged(code, bytesDatum(bytes.Clone(cdat))); err != nil {
				return 0, nil, err
			}
		}
	}
	if m.debug >= 1 && (typ == "NO" || typ == "BAD" || typ == "BYE") {
		m.mesg(fmt.Sprintf("%s response: %s", typ, pyBytesRepr(dat)))
	}
	return kind, resp, nil
}

// readLiterals reads every literal an untagged response announces, filing
// each as a (header, literal) tuple, and returns the text after the last.
func (m *IMAP4) readLiterals(typ string, dat []byte) ([]byte, error) {
	depth := 0
	var total int64 // this response so far, which must fit in the store
	for {
		n, ok, err := literalSize(dat)
		if err != nil {
			return nil, m.fail(err)
		}
		if !ok {
			return dat, nil
		}
		if n > m.opts.maxLiteral {
			return nil, m.fail(&AbortError{
				Msg: fmt.Sprintf("literal of %d bytes exceeds the limit of %d bytes", n, m.opts.maxLiteral),
				Err: &LimitError{Limit: "literal size", Max: m.opts.maxLiteral, Got: n},
			})
		}
		var lit []byte
		if m.literalSink != nil {
			if err := m.streamLiteral(dat, n); err != nil {
				return nil, err
			}
			lit = []byte{}
		} else {
			// Refuse a literal the store cannot hold before reading it (and,
			// while IDLE queues responses outside the store, bound each one).
			total += int64(len(dat)) + n
			need := total
			if !m.idleCapture {
				need = m.untaggedSize + int64(len(dat)) + n
			}
			if need > m.opts.maxUntagged {
				return nil, m.untaggedLimit(need)
			}
			if lit, err = m.readLiteral(n); err != nil {
				return nil, err
			}
		}
		if err := m.appendUntagged(typ, Datum{Kind: KindTuple, Bytes: dat, Literal: lit}); err != nil {
			return nil, err
		}
		depth = parenDepth(dat, depth)
		next, err := m.getLine()
		if err != nil {
			return nil, err
		}
		// A blank line inside an open parenthesis is spurious; an empty
		// trailer after a literal that ends the response is data.
		for len(next) == 0 && depth > 0 {
			if next, err = m.getLine(); err != nil {
				return nil, err
			}
		}
		dat = bytes.Clone(next)
	}
}

// matchTagged is Python's tagre: TAGPRE digits SP [A-Z]+ SP text.
func (m *IMAP4) matchTagged(line []byte) (tag, typ string, data []byte, ok bool) {
	if !bytes.HasPrefix(line, m.tagPre) {
		return
	}
	i := len(m.tagPre)
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
	return string(line[:j]), internType(line[j+1 : k]), line[k+1:], true
}

// matchUntagged applies Python's Untagged_response and then Untagged_status
// patterns: "* TYPE[ data]" or "* NUMBER TYPE[ data]". The data returned
// is a copy: line may point into the read buffer.
func matchUntagged(line []byte) (typ string, dat []byte, ok bool) {
	if len(line) < 3 || line[0] != '*' || line[1] != ' ' {
		return
	}
	rest := line[2:]
	if n := typeRun(rest); n > 0 {
		typ = internType(rest[:n])
		if n < len(rest) && rest[n] == ' ' {
			return typ, bytes.Clone(rest[n+1:]), true
		}
		return typ, []byte{}, true
	}
	d := 0
	for d < len(rest) && isDigit(rest[d]) {
		d++
	}
	if d == 0 || d >= len(rest) || rest[d] != ' ' {
		return
	}
	n := typeRun(rest[d+1:])
	if n == 0 {
		return
	}
	typ = internType(rest[d+1 : d+1+n])
	after := rest[d+1+n:]
	if len(after) > 1 && after[0] == ' ' {
		// "* 1 FETCH (...)" becomes b'1 (...)': the number, a space, the data.
		dat = make([]byte, 0, d+len(after))
		dat = append(dat, rest[:d]...)
		dat = append(dat, after...)
		return typ, dat, true
	}
	return typ, bytes.Clone(rest[:d]), true
}

// typeRun is the length of the [A-Z-]+ run at the start of b.
func typeRun(b []byte) int {
	n := 0
	for n < len(b) && (b[n] >= 'A' && b[n] <= 'Z' || b[n] == '-') {
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// literalSize is Python's Literal pattern, .*{(\d+)}$: the line ends with a
// literal announcement {N}.
func literalSize(dat []byte) (int64, bool, error) {
	if len(dat) < 3 || dat[len(dat)-1] != '}' {
		return 0, false, nil
	}
	i := len(dat) - 2
	for i >= 0 && isDigit(dat[i]) {
		i--
	}
	if i < 0 || i == len(dat)-2 || dat[i] != '{' {
		return 0, false, nil
	}
	digits := dat[i+1 : len(dat)-1]
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, false, &AbortError{
			Msg: "literal size out of range: " + string(digits),
			Err: &LimitError{Limit: "literal size", Max: 1<<63 - 1},
		}
	}
	return n, true, nil
}

// matchResponseCode is Python's Response_code pattern applied at the start
// of the text: "[TYPE]" or "[TYPE data]" where data runs to the last "]"
// (deliberately greedy, so that flags containing "]" survive, issue 21815).
func matchResponseCode(dat []byte) (code string, data []byte, ok bool) {
	if len(dat) < 3 || dat[0] != '[' {
		return
	}
	n := typeRun(dat[1:])
	if n == 0 || 1+n >= len(dat) {
		return
	}
	// A shorter type run can never match: the next byte would be a type
	// character, neither the space nor the "]" the pattern needs.
	code = internType(dat[1 : 1+n])
	switch after := dat[1+n:]; after[0] {
	case ']':
		return code, nil, true
	case ' ':
		if end := bytes.LastIndexByte(after, ']'); end > 0 {
			return code, after[1:end], true
		}
	}
	return "", nil, false
}

// parenDepth strips quoted strings from data and returns depth plus the
// balance of parentheses: whether a literal left a list open.
func parenDepth(data []byte, depth int) int {
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			if end := quotedEnd(data, i); end > 0 {
				i = end
			}
		case '(':
			depth++
		case ')':
			depth--
		}
	}
	return depth
}

// quotedEnd returns the index of the quote that closes the quoted string
// opening at data[i], or -1 when the string is not well formed (Python's
// _quoted pattern then does not match there).
func quotedEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			if j+1 >= len(data) {
				return -1
			}
			j++
		case '"':
			return j
		}
	}
	return -1
}

// taggedResult is the completion of a command: Python's
// tagged_commands[tag] = (typ, [data]).
type taggedResult struct {
	typ  string
	data []Datum
}

// appendUntagged is Python's _append_untagged, with a bound on how much
// the store may hold.
func (m *IMAP4) appendUntagged(typ string, d Datum) error {
	if d.Kind == KindBytes && d.Bytes == nil {
		d.Bytes = []byte{}
	}
	if m.idleCapture {
		m.queueIdle(typ, d)
		return nil
	}
	m.untaggedSize += int64(len(d.Bytes) + len(d.Literal))
	if m.untaggedSize > m.opts.maxUntagged {
		return m.untaggedLimit(m.untaggedSize)
	}
	if m.debug >= 5 {
		m.mesg(fmt.Sprintf(`untagged_responses[%s] %d += ["%s"]`, typ, len(m.untagged[typ]), d))
	}
	l, ok := m.untagged[typ]
	if !ok {
		m.untaggedOrder = append(m.untaggedOrder, typ)
	}
	m.untagged[typ] = append(l, d)
	return nil
}

// untaggedLimit retires the connection because the untagged store would
// hold got bytes, more than its limit.
func (m *IMAP4) untaggedLimit(got int64) error {
	return m.fail(&AbortError{
		Msg: fmt.Sprintf("untagged responses exceed the limit of %d bytes", m.opts.maxUntagged),
		Err: &LimitError{Limit: "untagged responses", Max: m.opts.maxUntagged, Got: got},
	})
}

// internType returns the response type in b as a string, without an
// allocation for the names servers send all the time.
func internType(b []byte) string {
	switch string(b) {
	case "FETCH":
		return "FETCH"
	case "OK":
		return "OK"
	case "NO":
		return "NO"
	case "BAD":
		return "BAD"
	case "BYE":
		return "BYE"
	case "EXISTS":
		return "EXISTS"
	case "RECENT":
		return "RECENT"
	case "EXPUNGE":
		return "EXPUNGE"
	case "SEARCH":
		return "SEARCH"
	case "LIST":
		return "LIST"
	case "LSUB":
		return "LSUB"
	case "FLAGS":
		return "FLAGS"
	case "CAPABILITY":
		return "CAPABILITY"
	case "STATUS":
		return "STATUS"
	case "READ-WRITE":
		return "READ-WRITE"
	case "READ-ONLY":
		return "READ-ONLY"
	case "UIDVALIDITY":
		return "UIDVALIDITY"
	case "UIDNEXT":
		return "UIDNEXT"
	case "PERMANENTFLAGS":
		return "PERMANENTFLAGS"
	}
	return string(b)
}

package imaplib

import (
	"bufio"
	"fmt"
	"io"
)

// Streaming: message bodies of any size without holding them in memory.
// Python's imaplib has no equivalent; these are the Go additions for large
// mailboxes.

// FetchStream is Fetch for bodies of any size: every literal the server
// sends while the command runs is handed to fn as a reader of exactly its
// bytes, read straight from the connection, instead of being held in
// memory. header is the response text that announced the literal, e.g.
// "1 (RFC822 {52428800}". Whatever fn leaves unread is skipped. In data the
// (header, literal) tuples come back with an empty Literal.
//
// If fn returns an error, the rest of the response is still read (the
// connection stays usable) and FetchStream returns that error.
func (m *IMAP4) FetchStream(messageSet, messageParts string, fn func(header []byte, literal io.Reader) error) (string, []Datum, error) {
	defer m.begin()()
	if err := m.checkState("FETCH"); err != nil {
		return "", nil, err
	}
	if fn == nil {
		return "", nil, &ArgumentError{Func: "FetchStream", Arg: "fn", Msg: "fn must not be nil", Python: TypeError}
	}
	m.literalSink, m.sinkErr = fn, nil
	defer func() { m.literalSink, m.sinkErr = nil, nil }()
	typ, data, err := m.fetch(messageSet, messageParts)
	if err == nil && m.sinkErr != nil {
		err = m.sinkErr
	}
	return typ, data, err
}

// streamLiteral hands the n bytes of a literal to the FetchStream
// callback and skips what it does not read.
func (m *IMAP4) streamLiteral(header []byte, n int64) error {
	lr := &io.LimitedReader{R: m.r, N: n}
	if m.sinkErr == nil {
		m.sinkErr = m.literalSink(header, lr)
	}
	if _, err := io.Copy(io.Discard, lr); err != nil {
		return m.ioFailure(err)
	}
	if lr.N > 0 {
		return m.fail(&AbortError{Msg: "socket error: EOF", Err: io.ErrUnexpectedEOF})
	}
	return nil
}

// AppendReader is Append for a message of any size read from r, which
// must yield exactly size bytes. The message is sent as it is: its lines
// must already end in CRLF. If r ends early or fails, the connection is
// closed, since the server still waits for the rest of the literal.
func (m *IMAP4) AppendReader(mailbox, flags string, dateTime any, r io.Reader, size int64) (string, []Datum, error) {
	defer m.begin()()
	if err := m.checkState("APPEND"); err != nil {
		return "", nil, err
	}
	if r == nil {
		return "", nil, &ArgumentError{Func: "AppendReader", Arg: "r", Msg: "a reader and a size of at least 0 are needed", Python: TypeError}
	}
	if size < 0 {
		return "", nil, &ArgumentError{Func: "AppendReader", Arg: "size", Msg: "a reader and a size of at least 0 are needed", Python: ValueError}
	}
	return m.appendLiteral("AppendReader", mailbox, flags, dateTime, &literal{r: r, n: size})
}

// sendLiteralReader copies a reader literal to the server between head
// and tail, in buffer-sized writes.
func (m *IMAP4) sendLiteralReader(head []byte, lit *literal, tail []byte) error {
	bw := bufio.NewWriterSize(m.tr, 64<<10)
	bw.Write(head)
	n, err := io.CopyN(bw, lit.r, lit.n)
	if err == nil {
		bw.Write(tail)
		err = bw.Flush()
		if err != nil {
			return m.ioFailure(err)
		}
		return nil
	}
	if werr := bw.Flush(); werr != nil {
		return m.ioFailure(werr)
	}
	// The server waits for the rest of the literal: nothing can follow.
	err = m.fail(&AbortError{
		Msg: fmt.Sprintf("message reader ended after %d of %d bytes: %v", n, lit.n, err),
		Err: err,
	})
	m.shutdown()
	return err
}

package imaplib

import (
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
	snk := &streamSink{store: m.store, fn: fn}
	parts, err := m.withParams("Fetch", []string{messageParts})
	if err != nil {
		return "", nil, err
	}
	typ, data, err := m.uidCapable(snk, "FETCH", "FETCH", []arg{raw(messageSet), fetchParts(parts[0])})
	if err == nil && snk.err != nil {
		err = snk.err
	}
	return typ, data, err
}

// streamSink is the sink of FetchStream's FETCH: literals go to fn as
// they arrive, everything else to the store.
type streamSink struct {
	*store
	fn  func(header []byte, literal io.Reader) error
	err error // fn's first error; later literals are skipped
}

func (s *streamSink) readLiteral(header []byte, lit io.Reader) {
	if s.err == nil {
		s.err = s.fn(header, lit)
	}
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

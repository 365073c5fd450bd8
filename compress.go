package imaplib

import (
	"bufio"
	"bytes"
	"compress/flate"
	"io"
	"time"
)

// Compress turns on COMPRESS=DEFLATE (RFC 4978) for the rest of the
// connection: both directions are then deflated, which typically shrinks
// message bodies and large listings severalfold on slow links. It needs the
// server's COMPRESS=DEFLATE capability (usually advertised after login)
// and may be done once. Python's imaplib has no counterpart.
func (m *IMAP4) Compress() (string, []Datum, error) {
	defer m.begin()()
	if !m.hasCapability("COMPRESS=DEFLATE") {
		return "", nil, &Error{Msg: "Server does not support COMPRESS=DEFLATE"}
	}
	if m.compressed {
		return "", nil, &Error{Msg: "compression already active"}
	}
	typ, dat, err := m.simple("COMPRESS", raw("DEFLATE"))
	if err != nil || typ != "OK" {
		return typ, dat, err
	}
	m.e.startDeflate()
	m.compressed = true
	return typ, dat, nil
}

// startDeflate puts DEFLATE (RFC 4978) over the transport in both
// directions. Compressed data starts right after the server's OK, possibly
// in the same read: what is buffered already belongs to the deflate
// stream.
func (e *engine) startDeflate() {
	e.replaceTransport(nil, newCompressTransport(e.dt.transport, e.takeBuffered()))
}

// newCompressTransport deflates over raw, whose first compressed input,
// already read, is buffered.
func newCompressTransport(raw transport, buffered []byte) *compressTransport {
	ct := &compressTransport{raw: raw}
	ct.out = bufio.NewWriterSize(raw, compressedWriteSize)
	ct.w, _ = flate.NewWriter(ct.out, flate.DefaultCompression)
	ct.r = flate.NewReader(io.MultiReader(bytes.NewReader(buffered), &ct.rawIn))
	ct.rawIn.r, ct.rawIn.n = raw, int64(len(buffered))
	return ct
}

// compressTransport deflates what is written and inflates what is read,
// flushing after every write so that each command reaches the server
// whole, and in one write: a flush makes the deflater write twice (the
// block, then the sync marker), and a server that acts on the first part
// (a LOGOUT) and closes would make the second fail, or, over TCP, answer
// it with a reset that discards the server's reply.
type compressTransport struct {
	raw   transport
	rawIn countingReader
	r     io.ReadCloser
	w     *flate.Writer
	out   *bufio.Writer // between w and raw
}

// compressedWriteSize is the most compressed output held before it is
// written: any command, and the deflated form of a large literal in parts
// of this size.
const compressedWriteSize = 64 << 10

func (c *compressTransport) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *compressTransport) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err == nil {
		err = c.w.Flush()
	}
	if err == nil {
		err = c.out.Flush()
	}
	return n, err
}

func (c *compressTransport) Close() error {
	c.r.Close()
	return c.raw.Close()
}

func (c *compressTransport) SetReadDeadline(t time.Time) error  { return c.raw.SetReadDeadline(t) }
func (c *compressTransport) SetWriteDeadline(t time.Time) error { return c.raw.SetWriteDeadline(t) }

// countingReader counts the compressed bytes received, so that the saving
// can be measured (see CompressedBytesRead).
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// CompressedBytesRead returns how many bytes arrived on the wire since
// Compress, or -1 when compression is off: compare it with the size of
// the data the commands returned to see what compression saved.
func (m *IMAP4) CompressedBytesRead() int64 {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	return m.e.compressedBytesRead()
}

// compressedBytesRead is CompressedBytesRead for the engine's transport.
func (e *engine) compressedBytesRead() int64 {
	ct, ok := e.dt.transport.(*compressTransport)
	if !ok {
		return -1
	}
	return ct.rawIn.n
}

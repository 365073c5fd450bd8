package imaplib

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// TestCompressDovecot turns on COMPRESS=DEFLATE against Dovecot and checks
// that the data survives both directions and that fewer bytes cross the
// wire than the data holds.
func TestCompressDovecot(t *testing.T) {
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	m, err := New(d.Host, d.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	mustOK(t, "Login")(m.Login(user, pass))
	if got := m.CompressedBytesRead(); got != -1 {
		t.Errorf("CompressedBytesRead before Compress = %d", got)
	}
	mustOK(t, "Compress")(m.Compress())
	var body strings.Builder
	for i := range 4000 {
		fmt.Fprintf(&body, "Line %d of a message that compresses well, as mail text does.\r\n", i)
	}
	msg := []byte("Subject: compressed\r\n\r\n" + body.String())
	mustOK(t, "Append")(m.Append("", "", nil, msg))
	mustOK(t, "Select")(m.Select("", false))
	before := m.CompressedBytesRead()
	data := mustOK(t, "Fetch")(m.Fetch("1", "(RFC822)"))
	wire := m.CompressedBytesRead() - before
	if !bytes.Equal(literalOf(data), msg) {
		t.Fatal("the message fetched over a compressed connection differs")
	}
	t.Logf("FETCH of a %d-byte message took %d bytes on the wire (%.1f%%)", len(msg), wire, 100*float64(wire)/float64(len(msg)))
	if wire <= 0 || wire > int64(len(msg))/4 {
		t.Errorf("%d bytes on the wire for %d bytes of data: not compressed", wire, len(msg))
	}
	var e *Error
	if _, _, err := m.Compress(); !errors.As(err, &e) {
		t.Errorf("second Compress: %v", err)
	}
	typ, data, err := m.Logout()
	if err != nil || typ != "BYE" {
		t.Errorf("Logout over compression: %s, %v", Repr(typ, data), err)
	}
}

func TestCompressNeedsCapability(t *testing.T) {
	s := newFakeServer(t, nil)
	m := dialFake(t, s)
	m.Login("user", "pass")
	n := len(s.Lines())
	var e *Error
	if _, _, err := m.Compress(); !errors.As(err, &e) || e.Msg != "Server does not support COMPRESS=DEFLATE" {
		t.Errorf("Compress = %v", err)
	}
	if len(s.Lines()) != n {
		t.Errorf("sent %q", s.Lines()[n:])
	}
}

// writeRecorder is a transport that keeps each write apart, and all of
// them together.
type writeRecorder struct {
	writes [][]byte
	all    bytes.Buffer
}

func (w *writeRecorder) Read([]byte) (int, error)         { return 0, io.EOF }
func (w *writeRecorder) Close() error                     { return nil }
func (w *writeRecorder) SetReadDeadline(time.Time) error  { return nil }
func (w *writeRecorder) SetWriteDeadline(time.Time) error { return nil }
func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	w.all.Write(p)
	return len(p), nil
}

// Under COMPRESS each command reaches the transport in one write. The
// deflater's flush writes twice (the block, then the sync marker); a
// server that acted on the first part of a LOGOUT and closed made the
// second fail with a broken pipe, or drew a reset that discarded its
// reply. A literal larger than the buffer goes out in parts; everything
// inflates back to what was written.
func TestCompressWritesEachCommandOnce(t *testing.T) {
	rec := &writeRecorder{}
	ct := newCompressTransport(rec, nil)
	var sent bytes.Buffer
	for i, cmd := range []string{"A1 SELECT INBOX\r\n", "A2 CLOSE\r\n", "A3 LOGOUT\r\n"} {
		rec.writes = nil
		if _, err := ct.Write([]byte(cmd)); err != nil {
			t.Fatal(err)
		}
		sent.WriteString(cmd)
		if len(rec.writes) != 1 {
			t.Errorf("command %d went out in %d writes, want 1", i+1, len(rec.writes))
		}
	}
	big := make([]byte, 3*compressedWriteSize)
	for i := range big {
		big[i] = byte(i * 7919 >> 3)
	}
	rec.writes = nil
	if _, err := ct.Write(big); err != nil {
		t.Fatal(err)
	}
	sent.Write(big)
	for i, w := range rec.writes {
		if len(w) > compressedWriteSize {
			t.Errorf("write %d of a large literal: %d bytes, want at most %d", i, len(w), compressedWriteSize)
		}
	}
	got := make([]byte, sent.Len())
	if _, err := io.ReadFull(flate.NewReader(&rec.all), got); err != nil || !bytes.Equal(got, sent.Bytes()) {
		t.Errorf("inflated %d bytes, equal %v, err %v", len(got), bytes.Equal(got, sent.Bytes()), err)
	}
}

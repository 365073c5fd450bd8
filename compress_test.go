package imaplib

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
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

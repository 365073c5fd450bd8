package imaplib

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Where Go checks an argument that CPython only meets later (a nil
// callback, a NUL in a SASL PLAIN response), the state is checked first,
// as CPython's _command does, and nothing is sent.
func TestStateCheckedBeforeArguments(t *testing.T) {
	s := newFakeServer(t, nil)
	m := dialFake(t, s)
	const appendErr = "command APPEND illegal in state NONAUTH, only allowed in states AUTH, SELECTED"
	const fetchErr = "command FETCH illegal in state NONAUTH, only allowed in states SELECTED"
	const authErr = "command AUTHENTICATE illegal in state AUTH, only allowed in states NONAUTH"
	const idErr = "command ID illegal in state LOGOUT, only allowed in states NONAUTH, AUTH, SELECTED"
	check := func(what string, err error, want string) {
		t.Helper()
		var e *Error
		if !errors.As(err, &e) || err.Error() != want {
			t.Errorf("%s: %v (%T), want *Error %q", what, err, err, want)
		}
	}
	_, _, err := m.AppendReader("", "", nil, nil, -1)
	check("AppendReader(nil)", err, appendErr)
	_, _, err = m.FetchStream("1", "BODY[]", nil)
	check("FetchStream(nil)", err, fetchErr)
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	n := len(s.Lines())
	_, _, err = m.Authenticate("PLAIN", nil)
	check("Authenticate(nil)", err, authErr)
	_, _, err = m.LoginPlain("a\x00b", "pass")
	check("LoginPlain(NUL)", err, authErr)
	if got := s.Lines()[n:]; len(got) != 0 {
		t.Errorf("refused calls sent %q", got)
	}
	m.Logout()
	_, _, err = m.ID("odd")
	check("ID(odd) after LOGOUT", err, idErr)
}

// Xatom and Uid see CPython 3.14.7's Commands table, which has neither ID
// nor COMPRESS; the package's own ID and Compress use the full table.
func TestXatomUsesTheCPython314Table(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["ID"] = simpleHandler(nil, "ID completed")
	m := selectedClient(t, s)
	_, _, err := m.Xatom("ID", "NIL")
	if err != nil {
		t.Fatalf("Xatom(ID) in SELECTED: %v", err)
	}
	m.Close()
	_, _, err = m.Xatom("ID", "NIL")
	if want := "command ID illegal in state AUTH, only allowed in states SELECTED"; err == nil || err.Error() != want {
		t.Errorf("Xatom(ID) in AUTH after SELECTED: %v, want %q", err, want)
	}
	if typ, _, err := m.ID(); err != nil || typ != "OK" {
		t.Errorf("ID() in AUTH: %s, %v", typ, err)
	}
	_, _, err = m.Uid("COMPRESS", "DEFLATE")
	if want := "Unknown IMAP4 UID command: 'COMPRESS'"; err == nil || err.Error() != want {
		t.Errorf("Uid(COMPRESS): %v, want %q", err, want)
	}
}

// Every *ArgumentError names the Python exception CPython raises for the
// same mistake, so that a ported except clause keeps its meaning. The
// utilities' classes are also checked against python3 in
// TestInternaldate2tupleOracle and TestTime2InternaldateOracle, the
// command layer's in TestOracleCPython and the corpus tests.
func TestArgumentErrorNamesThePythonException(t *testing.T) {
	s := newFakeServer(t, nil)
	m := selectedClient(t, s)
	n := len(s.Lines())
	for _, tc := range []struct {
		what string
		call func() error
		py   PyException
	}{
		{"NUL in STATUS names", func() error { _, _, err := m.Status("INBOX", "MESSAGES\x00"); return err }, ValueError},
		{"CR LF in criteria", func() error { _, _, err := m.Search("", "ALL\r\nX1 LOGOUT"); return err }, ValueError},
		{"non-ASCII user", func() error { _, _, err := m.Proxyauth("пользователь"); return err }, UnicodeEncodeError},
		{"unknown charset", func() error { _, _, err := m.Search("x-no-such-codec", "TEXT", "привет"); return err }, LookupError},
		{"Uid unpacking", func() error { _, _, err := m.Uid("FETCH", "1"); return err }, ValueError},
		{"Expunge arity", func() error { _, _, err := m.Expunge("1", "2"); return err }, TypeError},
		{"FetchStream(nil)", func() error { _, _, err := m.FetchStream("1", "BODY[]", nil); return err }, TypeError},
		{"Append date", func() error { _, _, err := m.Append("", "", "yesterday", []byte("x")); return err }, ValueError},
		{"Time2Internaldate string", func() error { _, err := Time2Internaldate(""); return err }, IndexError},
		{"Internaldate2tuple", func() error {
			_, err := Internaldate2tuple([]byte(`INTERNALDATE "01-Foo-2020 10:00:00 +0000"`))
			return err
		}, KeyError},
		{"Time2Internaldate", func() error { _, err := Time2Internaldate(uint64(1 << 63)); return err }, OSError},
		{"New timeout", func() error { _, err := New("127.0.0.1", 1, WithTimeout(0)); return err }, ValueError},
		{"New port", func() error { _, err := New("127.0.0.1", 70000); return err }, OverflowError},
	} {
		err := tc.call()
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: %v (%T), want *ArgumentError", tc.what, err, err)
			continue
		}
		if ae.Python != tc.py {
			t.Errorf("%s: Python = %q, want %q (%v)", tc.what, ae.Python, tc.py, err)
		}
	}
	if got := s.Lines()[n:]; len(got) != 0 {
		t.Errorf("refused calls sent %q", got)
	}
}

// test_imap4_host_default_value: IMAP4() connects to localhost:143, and a
// refused connection surfaces as the socket error (Python's OSError with a
// connection-refused errno). CPython skips when something listens on 143;
// here the test takes the port itself to prove where New dials, and
// cannot run only when another process holds it or binding it is not
// allowed.
func TestIMAP4HostDefaultValue(t *testing.T) { // test_imap4_host_default_value
	ln, err := net.Listen("tcp", "127.0.0.1:143")
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EACCES) {
			t.Skipf("cannot take localhost:143 (%v): the default host and port are not checked", err)
		}
		t.Fatal(err)
	}
	accepted := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		close(accepted)
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1] ready\r\n"))
		buf := make([]byte, 512)
		c.Read(buf)
		c.Close()
	}()
	m, err := New("", 0, WithTimeout(5*time.Second))
	if err != nil {
		t.Fatalf(`New("", 0) with a server on localhost:143: %v`, err)
	}
	<-accepted
	if m.State() != StateNonAuth {
		t.Errorf("state %s after the greeting", m.State())
	}
	m.Shutdown()
	ln.Close()

	_, err = New("", 0, WithTimeout(5*time.Second))
	var op *net.OpError
	if !errors.As(err, &op) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf(`New("", 0) with nothing on localhost:143: %v (%T), want a connection-refused *net.OpError`, err, err)
	}
	if !strings.Contains(err.Error(), ":143") {
		t.Errorf("error %q does not name port 143", err)
	}
}

// Append skips a date exactly when Python's "if date_time:" would, for
// every type Time2Internaldate accepts: int32(0) is no date, not 1970.
func TestAppendDateFalsyAsPython(t *testing.T) {
	s, _, _ := literalServer(t, "IDLE")
	m := dialFake(t, s)
	m.Login("user", "pass")
	for _, d := range []any{nil, 0, int8(0), int32(0), int64(0), uint(0), uint8(0), uint64(0), float32(0), 0.0, "", []int{}, []byte{}} {
		if _, _, err := m.Append("", "", d, []byte("x")); err != nil {
			t.Fatalf("Append with date %#v: %v", d, err)
		}
		if got := lastCommand(s); got != "APPEND INBOX {1}" {
			t.Errorf("date %#v (%T): sent %q, want no date", d, d, got)
		}
	}
	for _, d := range []any{int32(1), uint8(1), float32(0.5)} {
		if _, _, err := m.Append("", "", d, []byte("x")); err != nil {
			t.Fatalf("Append with date %#v: %v", d, err)
		}
		want, _ := Time2Internaldate(d)
		if got := lastCommand(s); got != "APPEND INBOX "+want+" {1}" {
			t.Errorf("date %#v (%T): sent %q, want the date %s", d, d, got, want)
		}
	}
}

// UID and KeepLineEndings are constants, so no program can change what
// they mean for every other user of the package; this does not compile
// otherwise.
const (
	_ = UID
	_ = KeepLineEndings
)

// The Python hierarchy error > abort > readonly holds under errors.As,
// with the message and the cause carried to each ancestor.
func TestErrorHierarchy(t *testing.T) {
	cause := errors.New("the cause")
	var e *Error
	var a *AbortError
	if err := error(&AbortError{Msg: "m", Err: cause}); !errors.As(err, &e) || e.Msg != "m" || e.Err != cause {
		t.Errorf("*AbortError as *Error: %+v", e)
	}
	ro := error(&ReadOnlyError{Msg: "ro"})
	if !errors.As(ro, &a) || a.Msg != "ro" {
		t.Errorf("*ReadOnlyError as *AbortError: %+v", a)
	}
	if !errors.As(ro, &e) || e.Msg != "ro" {
		t.Errorf("*ReadOnlyError as *Error: %+v", e)
	}
	var r *ReadOnlyError
	if errors.As(error(&AbortError{Msg: "x"}), &r) || errors.As(error(&Error{Msg: "x"}), &a) {
		t.Error("an ancestor matched a subclass")
	}
}

// AllowedVersions is informational: changing it changes nothing for the
// connections the package makes.
func TestAllowedVersionsIsInformational(t *testing.T) {
	saved := AllowedVersions
	AllowedVersions = []string{"IMAP9"}
	defer func() { AllowedVersions = saved }()
	m := dialFake(t, newFakeServer(t, nil))
	if v := m.ProtocolVersion(); v != "IMAP4REV1" {
		t.Errorf("ProtocolVersion = %q with AllowedVersions changed", v)
	}
}

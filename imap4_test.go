package imaplib

import (
	"errors"
	"testing"
)

func TestLogin(t *testing.T) { // test_login
	s := newFakeServer(t, nil)
	m := dialFake(t, s)
	typ, data, err := m.Login("user", "pass")
	if err != nil {
		t.Fatal(err)
	}
	if got := Repr(typ, data); got != "('OK', [b'LOGIN completed'])" {
		t.Errorf("Login = %s", got)
	}
	if m.State() != "AUTH" {
		t.Errorf("state = %s", m.State())
	}
	if got := s.Conn(0).Logged; len(got) != 2 || got[0] != "user" || got[1] != `"pass"` {
		t.Errorf("server saw %q", got)
	}
	_, _, err = m.Login("user", "pass")
	var e *Error
	if !errors.As(err, &e) || e.Msg != "command LOGIN illegal in state AUTH, only allowed in states NONAUTH" {
		t.Errorf("second Login: %v", err)
	}
}

func TestFetchLiteral(t *testing.T) {
	s := newFakeServer(t, nil)
	s.Handlers["FETCH"] = func(c *fakeConn, tag string, args []string) {
		c.WriteRaw("* 1 FETCH (BODY[HEADER] {13}\r\nSubject: test)\r\n")
		c.Write(tag + " OK FETCH completed")
	}
	m := dialFake(t, s)
	m.Login("user", "pass")
	m.Select("", false)
	typ, data, err := m.Fetch("1", "BODY[HEADER]")
	if err != nil {
		t.Fatal(err)
	}
	if got := Repr(typ, data); got != "('OK', [(b'1 (BODY[HEADER] {13}', b'Subject: test'), b')'])" {
		t.Errorf("Fetch = %s", got)
	}
	lines := s.Lines()
	if got := lines[len(lines)-1]; got[len(got)-len("FETCH 1 (BODY[HEADER])"):] != "FETCH 1 (BODY[HEADER])" {
		t.Errorf("wire = %q", got)
	}
	typ, data, err = m.Logout()
	if err != nil || Repr(typ, data) != "('BYE', [b'IMAP4ref1 Server logging out'])" {
		t.Errorf("Logout = %s, %v", Repr(typ, data), err)
	}
}

func TestAppendLiteral(t *testing.T) {
	s := newFakeServer(t, nil)
	var got []byte
	s.Handlers["APPEND"] = func(c *fakeConn, tag string, args []string) {
		got = c.ReadLiteral(args[len(args)-1])
		c.ReadLine()
		c.Write(tag + " OK APPEND completed")
	}
	m := dialFake(t, s)
	m.Login("user", "pass")
	typ, data, err := m.Append("New folder", `\Seen`, nil, []byte("a\rb\nc\r\nd"))
	if err != nil || Repr(typ, data) != "('OK', [b'APPEND completed'])" {
		t.Fatalf("Append = %s, %v", Repr(typ, data), err)
	}
	if string(got) != "a\r\nb\r\nc\r\nd" {
		t.Errorf("literal = %q", got)
	}
	lines := s.Lines()
	if l := lines[len(lines)-2]; l[len(l)-len(`APPEND "New folder" (\Seen) {10}`):] != `APPEND "New folder" (\Seen) {10}` {
		t.Errorf("command = %q", l)
	}
}

package imaplib

// CPython 3.16's additions (SPEC 1.9), ported from the newest
// test_imaplib scenarios: move, id, login_plain, uid=, structured
// arguments and params, criteria in the declared charset, modified UTF-7
// mailbox names and translate_line_endings.

import (
	"errors"
	"strings"
	"testing"
)

// lastCommand returns the last command line the server received, without
// its tag.
func lastCommand(s *fakeServer) string {
	lines := s.Lines()
	for i := len(lines) - 1; i >= 0; i-- {
		if _, rest, ok := strings.Cut(lines[i], " "); ok && lines[i] != "DONE" {
			return rest
		}
	}
	return ""
}

func selectedClient(t *testing.T, s *fakeServer) *IMAP4 {
	t.Helper()
	m := dialFake(t, s)
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Select("", false); err != nil {
		t.Fatal(err)
	}
	return m
}

func wantArgumentError(t *testing.T, what string, err error) {
	t.Helper()
	var ae *ArgumentError
	if !errors.As(err, &ae) {
		t.Errorf("%s: err = %v, want *ArgumentError", what, err)
	}
}

func TestMove(t *testing.T) { // test_move, test_uid_move
	s := newFakeServer(t, nil)
	s.Handlers["MOVE"] = simpleHandler([]string{"* 2 EXPUNGE"}, "MOVE completed")
	s.Handlers["UID"] = func(c *fakeConn, tag string, args []string) {
		c.Write(tag + " OK UID " + strings.ToUpper(args[0]) + " completed")
	}
	m := selectedClient(t, s)
	for _, tc := range []struct {
		call func() (string, []Datum, error)
		wire string
		repr string
	}{
		{func() (string, []Datum, error) { return m.Move("2:4", "MEETING") }, "MOVE 2:4 MEETING", "('OK', [b'MOVE completed'])"},
		{func() (string, []Datum, error) { return m.Move("2:4", "New folder") }, `MOVE 2:4 "New folder"`, "('OK', [b'MOVE completed'])"},
		{func() (string, []Datum, error) { return m.With(UID).Move("2:4", "New folder") }, `UID MOVE 2:4 "New folder"`, "('OK', [b'UID MOVE completed'])"},
		{func() (string, []Datum, error) { return m.With(UID).Copy("2:4", "MEETING") }, "UID COPY 2:4 MEETING", "('OK', [b'UID COPY completed'])"},
	} {
		typ, data, err := tc.call()
		if err != nil || Repr(typ, data) != tc.repr || lastCommand(s) != tc.wire {
			t.Errorf("%s: %s, %v (wire %q)", tc.wire, Repr(typ, data), err, lastCommand(s))
		}
	}
	set, err := SeqSet(2, Range(3, 5))
	if err != nil {
		t.Fatal(err)
	}
	m.Move(set, "MEETING")
	if got := lastCommand(s); got != "MOVE 2,3:5 MEETING" {
		t.Errorf("structured set: %q", got)
	}
}

func TestExpungeUID(t *testing.T) { // test_expunge (3.16 part), test_uid_expunge
	s := newFakeServer(t, nil)
	s.Handlers["UID"] = simpleHandler([]string{"* 3 EXPUNGE", "* 3 EXPUNGE"}, "UID EXPUNGE completed")
	m := selectedClient(t, s)
	n := len(s.Lines())
	var e *Error
	if _, _, err := m.Expunge("3:8"); !errors.As(err, &e) {
		t.Errorf("Expunge(set) without UID: %v", err)
	}
	if _, _, err := m.With(UID).Expunge(); !errors.As(err, &e) {
		t.Errorf("UID Expunge without a set: %v", err)
	}
	if len(s.Lines()) != n {
		t.Errorf("refused calls sent %q", s.Lines()[n:])
	}
	typ, data, err := m.With(UID).Expunge("3:8")
	if err != nil || Repr(typ, data) != "('OK', [b'3', b'3'])" || lastCommand(s) != "UID EXPUNGE 3:8" {
		t.Errorf("UID EXPUNGE = %s, %v, wire %q", Repr(typ, data), err, lastCommand(s))
	}
}

func TestID(t *testing.T) { // test_id
	s := newFakeServer(t, nil)
	s.Handlers["ID"] = simpleHandler([]string{`* ID ("name" "Dovecot")`}, "ID completed")
	m := dialFake(t, s)
	typ, data, err := m.ID("name", "imaplib", "version", "3.16")
	if err != nil || Repr(typ, data) != `('OK', [b'("name" "Dovecot")'])` {
		t.Fatalf("ID = %s, %v", Repr(typ, data), err)
	}
	if got := lastCommand(s); got != `ID ("name" "imaplib" "version" "3.16")` {
		t.Errorf("wire %q", got)
	}
	m.ID()
	if got := lastCommand(s); got != "ID NIL" {
		t.Errorf("wire %q", got)
	}
	m.ID("x", `a "quoted" \ value`)
	if got := lastCommand(s); got != `ID ("x" "a \"quoted\" \\ value")` {
		t.Errorf("wire %q", got)
	}
	_, _, err = m.ID("odd")
	wantArgumentError(t, "ID(odd)", err)
}

func TestLoginPlain(t *testing.T) { // test_login_plain_ascii, _utf8, _nul
	for _, tc := range []struct{ user, pass, want string }{
		{"prem", "pass", "AHByZW0AcGFzcw=="},
		{"pręm", "żółć", "AHByxJltAMW8w7PFgsSH"},
	} {
		s := newFakeServer(t, nil)
		var got, mech string
		s.Handlers["AUTHENTICATE"] = func(c *fakeConn, tag string, args []string) {
			mech = args[0]
			c.Write("+")
			got, _ = c.ReadLine()
			c.Write(tag + " OK [CAPABILITY IMAP4rev1] Logged in")
		}
		m := dialFake(t, s)
		if _, _, err := m.LoginPlain(tc.user, tc.pass); err != nil {
			t.Fatal(err)
		}
		if mech != "PLAIN" || got != tc.want {
			t.Errorf("LoginPlain(%q, %q) sent %s %q, want PLAIN %q", tc.user, tc.pass, mech, got, tc.want)
		}
		if m.State() != StateAuth {
			t.Errorf("state %s", m.State())
		}
	}
	s := newFakeServer(t, nil)
	m := dialFake(t, s)
	n := len(s.Lines())
	_, _, err := m.LoginPlain("us\x00er", "pass")
	wantArgumentError(t, "NUL in user", err)
	_, _, err = m.LoginPlain("user", "pa\x00ss")
	wantArgumentError(t, "NUL in password", err)
	if len(s.Lines()) != n {
		t.Errorf("sent %q", s.Lines()[n:])
	}
}

func TestSequenceSet(t *testing.T) { // test_sequence_set
	for _, tc := range []struct {
		items []any
		want  string
	}{
		{[]any{5}, "5"},
		{[]any{"1:3,7"}, "1:3,7"},
		{[]any{[]int{1, 2, 5}}, "1,2,5"},
		{[]any{1, Range(3, 5), RangeFrom(8)}, "1,3:5,8:*"},
		{[]any{RangeFrom(5)}, "5:*"},
		{[]any{Range(1, 3)}, "1:3"},
	} {
		got, err := SeqSet(tc.items...)
		if err != nil || got != tc.want {
			t.Errorf("SeqSet(%v) = %q, %v; want %q", tc.items, got, err, tc.want)
		}
	}
	for _, bad := range [][]any{{}, {"7 OR 8"}, {2.9}, {0}, {Range(0, 3)}, {true}} {
		_, err := SeqSet(bad...)
		wantArgumentError(t, "SeqSet bad", err)
	}
}

func TestFlagList(t *testing.T) { // test_set_quote, list form
	got, err := FlagList(`\Seen`, `\Answered`)
	if err != nil || got != `(\Seen \Answered)` {
		t.Errorf("FlagList = %q, %v", got, err)
	}
	for _, bad := range []string{"a b", "(x", `\`, "", "a]"} {
		_, err := FlagList(bad)
		wantArgumentError(t, "FlagList "+bad, err)
	}
}

func TestParams(t *testing.T) { // test_substitute, test_search params part
	s := newFakeServer(t, nil)
	s.Handlers["SEARCH"] = simpleHandler([]string{"* SEARCH 2 84 882"}, "SEARCH completed")
	s.Handlers["FETCH"] = simpleHandler(nil, "FETCH completed")
	s.Handlers["UID"] = simpleHandler(nil, "UID completed")
	m := selectedClient(t, s)
	for _, tc := range []struct {
		call func() (string, []Datum, error)
		wire string
	}{
		{func() (string, []Datum, error) {
			return m.With(Params("me@example.org", "1-Jan-2024")).Search("", "FROM ? SINCE ?")
		}, "SEARCH FROM me@example.org SINCE 1-Jan-2024"},
		{func() (string, []Datum, error) {
			return m.With(Params("John Doe", 5)).Search("", "FROM ?", "LARGER ?")
		}, `SEARCH FROM "John Doe" LARGER 5`},
		{func() (string, []Datum, error) {
			return m.With(Params([]int{1, 2, 5}, `\Seen`)).Search("", "UID ?s", "KEYWORD ?f")
		}, `SEARCH UID 1,2,5 KEYWORD \Seen`},
		{func() (string, []Datum, error) { return m.With(Params()).Search("", "SUBJECT", `"why??"`) }, `SEARCH SUBJECT "why?"`},
		{func() (string, []Datum, error) { return m.Search("", "SUBJECT", `"why?"`) }, `SEARCH SUBJECT "why?"`},
		{func() (string, []Datum, error) {
			return m.With(Params([]string{"FROM", "SUBJECT"})).Fetch("1", "(BODY.PEEK[HEADER.FIELDS ?])")
		}, `FETCH 1 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`},
		{func() (string, []Datum, error) { return m.With(UID, Params(7)).Search("", "UID ?s") }, "UID SEARCH UID 7"},
	} {
		if _, _, err := tc.call(); err != nil || lastCommand(s) != tc.wire {
			t.Errorf("%s: %v, wire %q", tc.wire, err, lastCommand(s))
		}
	}
	n := len(s.Lines())
	// The Python exceptions are those of CPython 3.16's _substitute (SPEC
	// 1.9); "set text" is refused here only (CPython passes a string on).
	for name, tc := range map[string]struct {
		call func() (string, []Datum, error)
		py   PyException
	}{
		"too few":   {func() (string, []Datum, error) { return m.With(Params("a")).Search("", "FROM ? TO ?") }, TypeError},
		"too many":  {func() (string, []Datum, error) { return m.With(Params("a", "b")).Search("", "FROM ?") }, TypeError},
		"bad flag":  {func() (string, []Datum, error) { return m.With(Params("a b")).Search("", "KEYWORD ?f") }, ValueError},
		"CRLF":      {func() (string, []Datum, error) { return m.With(Params("a\r\nb")).Search("", "FROM ?") }, ValueError},
		"bool":      {func() (string, []Datum, error) { return m.With(Params(true)).Search("", "FROM ?") }, TypeError},
		"float":     {func() (string, []Datum, error) { return m.With(Params(2.5)).Search("", "LARGER ?") }, TypeError},
		"set items": {func() (string, []Datum, error) { return m.With(Params(2.5)).Search("", "UID ?s") }, TypeError},
		"set text":  {func() (string, []Datum, error) { return m.With(Params("x")).Search("", "UID ?s") }, ValueError},
	} {
		_, _, err := tc.call()
		wantArgumentError(t, name, err)
		var ae *ArgumentError
		if errors.As(err, &ae) && ae.Python != tc.py {
			t.Errorf("%s: Python exception %q, want %q", name, ae.Python, tc.py)
		}
	}
	if len(s.Lines()) != n {
		t.Errorf("refused calls sent %q", s.Lines()[n:])
	}
	// A view does not change the connection it came from.
	m.With(UID)
	m.Search("", "ALL")
	if got := lastCommand(s); got != "SEARCH ALL" {
		t.Errorf("after a view: %q", got)
	}
}

func TestSearchCharsetEncoding(t *testing.T) { // test_search KOI8-U part
	s := newFakeServer(t, nil)
	s.Handlers["SEARCH"] = simpleHandler([]string{"* SEARCH 1"}, "SEARCH completed")
	s.Handlers["SORT"] = simpleHandler([]string{"* SORT 1"}, "SORT completed")
	m := selectedClient(t, s)
	if _, _, err := m.Search("KOI8-U", "SUBJECT", "тест"); err != nil {
		t.Fatal(err)
	}
	if got := lastCommand(s); got != "SEARCH CHARSET KOI8-U SUBJECT \"\xd4\xc5\xd3\xd4\"" {
		t.Errorf("KOI8-U criteria sent as %q", got)
	}
	m.Sort("DATE", "windows-1251", "SUBJECT", "тест")
	if got := lastCommand(s); got != "SORT (DATE) windows-1251 SUBJECT \"\xf2\xe5\xf1\xf2\"" {
		t.Errorf("windows-1251 criteria sent as %q", got)
	}
	// CPython's codec names work as its str.encode takes them.
	m.Search("cp1251", "SUBJECT", "тест")
	if got := lastCommand(s); got != "SEARCH CHARSET cp1251 SUBJECT \"\xf2\xe5\xf1\xf2\"" {
		t.Errorf("cp1251 criteria sent as %q", got)
	}
	// Bytes already encoded pass as they are.
	m.Search("KOI8-U", "SUBJECT", "\xd4\xc5\xd3\xd4")
	if got := lastCommand(s); got != "SEARCH CHARSET KOI8-U SUBJECT \xd4\xc5\xd3\xd4" {
		t.Errorf("pre-encoded criteria sent as %q", got)
	}
	n := len(s.Lines())
	_, _, err := m.Search("X-NO-SUCH-CHARSET", "SUBJECT", "тест")
	wantArgumentError(t, "unknown charset", err)
	_, _, err = m.Search("", "SUBJECT", "тест")
	wantArgumentError(t, "non-ASCII without charset", err)
	_, _, err = m.Search("ISO-8859-1", "SUBJECT", "тест")
	wantArgumentError(t, "unencodable", err)
	_, _, err = m.Search("us-ascii", "SUBJECT", "тест")
	wantArgumentError(t, "non-ASCII in ASCII", err)
	if len(s.Lines()) != n {
		t.Errorf("refused calls sent %q", s.Lines()[n:])
	}
}

func TestAppendKeepLineEndings(t *testing.T) { // test_append_translate_line_endings, False part
	s := newFakeServer(t, nil)
	var got []byte
	s.Handlers["APPEND"] = func(c *fakeConn, tag string, args []string) {
		got = c.ReadLiteral(args[len(args)-1])
		c.ReadLine()
		c.Write(tag + " OK APPEND completed")
	}
	m := dialFake(t, s)
	m.Login("user", "pass")
	msg := []byte("a\rb\nc\r\nd")
	if _, _, err := m.With(KeepLineEndings).Append("", "", nil, msg); err != nil {
		t.Fatal(err)
	}
	if string(got) != string(msg) {
		t.Errorf("literal = %q, want %q", got, msg)
	}
	if !strings.HasSuffix(lastCommand(s), "APPEND INBOX {8}") {
		t.Errorf("wire %q", s.Lines())
	}
}

func TestMutf7MailboxName(t *testing.T) { // test_mutf7_mailbox_name
	s := newFakeServer(t, nil)
	m := dialFake(t, s)
	m.Login("user", "pass")
	for _, name := range []string{"Entwürfe", "Entw&APw-rfe"} {
		m.Select(name, false)
		if got := lastCommand(s); got != "SELECT Entw&APw-rfe" {
			t.Errorf("Select(%q) sent %q", name, got)
		}
	}
	m.Create("A&B")
	if got := lastCommand(s); got != "CREATE A&-B" {
		t.Errorf("Create(A&B) sent %q", got)
	}
}

func TestUIDOption(t *testing.T) { // uid=True on each method that takes it
	s := newFakeServer(t, nil)
	s.Handlers["UID"] = func(c *fakeConn, tag string, args []string) {
		switch strings.ToUpper(args[0]) {
		case "FETCH", "STORE":
			c.Write("* 1 FETCH (UID 7 FLAGS (\\Seen))")
		case "SEARCH":
			c.Write("* SEARCH 7 9")
		case "SORT":
			c.Write("* SORT 9 7")
		case "THREAD":
			c.Write("* THREAD (7)(9)")
		case "EXPUNGE":
			c.Write("* 1 EXPUNGE")
		}
		c.Write(tag + " OK UID " + strings.ToUpper(args[0]) + " completed")
	}
	m := selectedClient(t, s)
	u := m.With(UID)
	for _, tc := range []struct {
		call func() (string, []Datum, error)
		wire string
		repr string
	}{
		{func() (string, []Datum, error) { return u.Fetch("7", "FLAGS") }, "UID FETCH 7 (FLAGS)", `('OK', [b'1 (UID 7 FLAGS (\\Seen))'])`},
		{func() (string, []Datum, error) { return u.Store("7", "+FLAGS", `\Seen`) }, `UID STORE 7 +FLAGS (\Seen)`, `('OK', [b'1 (UID 7 FLAGS (\\Seen))'])`},
		{func() (string, []Datum, error) { return u.Search("", "ALL") }, "UID SEARCH ALL", "('OK', [b'7 9'])"},
		{func() (string, []Datum, error) { return u.Sort("DATE", "UTF-8", "ALL") }, "UID SORT (DATE) UTF-8 ALL", "('OK', [b'9 7'])"},
		{func() (string, []Datum, error) { return u.Thread("REFERENCES", "UTF-8", "ALL") }, "UID THREAD REFERENCES UTF-8 ALL", "('OK', [b'(7)(9)'])"},
		{func() (string, []Datum, error) { return u.Copy("7", "Archive") }, "UID COPY 7 Archive", "('OK', [b'UID COPY completed'])"},
		{func() (string, []Datum, error) { return u.Move("7", "Archive") }, "UID MOVE 7 Archive", "('OK', [b'UID MOVE completed'])"},
		{func() (string, []Datum, error) { return u.Expunge("7") }, "UID EXPUNGE 7", "('OK', [b'1'])"},
	} {
		typ, data, err := tc.call()
		if err != nil || Repr(typ, data) != tc.repr || lastCommand(s) != tc.wire {
			t.Errorf("%s: %s, %v (wire %q)", tc.wire, Repr(typ, data), err, lastCommand(s))
		}
	}
}

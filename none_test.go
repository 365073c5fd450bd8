package imaplib

import "testing"

// TestPythonNoneArguments pins the documented way to write Python's None
// inside variadic arguments: leave the argument out. CPython's _command
// skips a None argument and sends an empty str as an empty one (a double space,
// which Cyrus refuses), and so does this package with "". The named
// charset parameters of Search, Sort, Thread (and the charset position of
// Uid SORT and THREAD, which the methods' encoding takes) are the
// exception: there "" is Python's None.
func TestPythonNoneArguments(t *testing.T) {
	answer := func(completed string) ccHandler { return simpleHandler(nil, completed) }
	m, s := ccSetup(t, map[string]ccHandler{
		"UID": answer("UID completed"), "SEARCH": answer("SEARCH completed"),
		"SORT": answer("SORT completed"), "THREAD": answer("THREAD completed"),
		"XNONE": answer("XNONE completed"),
	})
	ccLogin(t, m, true)
	for _, c := range []struct {
		python string
		call   func() (string, []Datum, error)
		wire   string
	}{
		{"uid('search', None, 'ALL')", func() (string, []Datum, error) { return m.Uid("search", "ALL") }, "UID SEARCH ALL"},
		{"uid('search', '', 'ALL')", func() (string, []Datum, error) { return m.Uid("search", "", "ALL") }, "UID SEARCH  ALL"},
		{"search(None, 'ALL')", func() (string, []Datum, error) { return m.Search("", "ALL") }, "SEARCH ALL"},
		{"sort('(DATE)', None, 'ALL')", func() (string, []Datum, error) { return m.Sort("(DATE)", "", "ALL") }, "SORT (DATE) ALL"},
		{"thread('REFERENCES', None, 'ALL')", func() (string, []Datum, error) { return m.Thread("REFERENCES", "", "ALL") }, "THREAD REFERENCES ALL"},
		{"uid('sort', '(DATE)', None, 'ALL')", func() (string, []Datum, error) { return m.Uid("sort", "(DATE)", "", "ALL") }, "UID SORT (DATE) ALL"},
		{"xatom('XNONE', None, 'a')", func() (string, []Datum, error) { return m.Xatom("XNONE", "a") }, "XNONE a"},
	} {
		if typ, data, err := c.call(); err != nil || typ != "OK" {
			t.Errorf("%s: %s, %v", c.python, Repr(typ, data), err)
			continue
		}
		if _, got := ccLastCommand(t, m, s); got != c.wire {
			t.Errorf("%s: server received %q, want %q", c.python, got, c.wire)
		}
	}
}

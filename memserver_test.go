package imaplib

import (
	"bytes"
	"strings"
	"testing"

	"github.com/goimaplib/imaplib/imaplibtest"
)

// startMemServer starts go-imap's in-memory server for one test, with
// alice/pass-alice and bob/pass-bob.
func startMemServer(t testing.TB) *imaplibtest.Server {
	t.Helper()
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"), imaplibtest.User("bob", "pass-bob"))
	t.Cleanup(srv.Close)
	return srv
}

// mustOK returns a function that fails the test unless a command's result
// is OK, and returns its data: mustOK(t, "Login")(m.Login(u, p)).
func mustOK(t testing.TB, what string) func(string, []Datum, error) []Datum {
	return func(typ string, data []Datum, err error) []Datum {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if typ != "OK" {
			t.Fatalf("%s: %s", what, Repr(typ, data))
		}
		return data
	}
}

// TestMemServerMainFlow runs the main flows against a real server:
// login, list, create, append, select, search, fetch, store, expunge and
// logout, checking the data each returns.
func TestMemServerMainFlow(t *testing.T) {
	srv := startMemServer(t)
	m, err := New(srv.Host, srv.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if m.State() != StateNonAuth || m.ProtocolVersion() != "IMAP4REV1" {
		t.Fatalf("after greeting: state %s, version %s", m.State(), m.ProtocolVersion())
	}
	mustOK(t, "Login")(m.Login("alice", "pass-alice"))
	if !m.hasCapabilityLocked("MOVE") {
		t.Errorf("capabilities not refreshed after LOGIN: %v", m.Capabilities())
	}
	mustOK(t, "Create")(m.Create("New folder"))
	data := mustOK(t, "List")(m.List("", ""))
	var names []string
	for _, d := range data {
		names = append(names, string(d.Bytes))
	}
	if joined := strings.Join(names, "|"); !strings.Contains(joined, `"New folder"`) || !strings.Contains(joined, "INBOX") {
		t.Errorf("List = %v", names)
	}

	msgs := [][]byte{
		[]byte("Subject: one\r\n\r\nfirst body\r\n"),
		[]byte("Subject: two\r\n\r\nsecond body\r\n"),
		[]byte("Subject: three\r\n\r\nthird body\r\n"),
	}
	for _, msg := range msgs {
		mustOK(t, "Append")(m.Append("New folder", `\Seen`, nil, msg))
	}
	data = mustOK(t, "Select")(m.Select("New folder", false))
	if Repr("OK", data) != "('OK', [b'3'])" {
		t.Errorf("Select data = %s", Repr("OK", data))
	}
	data = mustOK(t, "Search")(m.Search("", "ALL"))
	if string(data[0].Bytes) != "1 2 3" {
		t.Errorf("Search = %s", Repr("OK", data))
	}
	for i, msg := range msgs {
		data = mustOK(t, "Fetch")(m.Fetch(itoa(i+1), "(RFC822)"))
		lit := literalOf(data)
		if !bytes.Equal(lit, msg) {
			t.Errorf("message %d = %q, want %q", i+1, lit, msg)
		}
	}
	data = mustOK(t, "Store")(m.Store("2", "+FLAGS", `\Deleted`))
	if !bytes.Contains(bytes.ToLower(data[0].Bytes), []byte(`\deleted`)) { // go-imap lower-cases system flags
		t.Errorf("Store = %s", Repr("OK", data))
	}
	data = mustOK(t, "Expunge")(m.Expunge())
	if Repr("OK", data) != "('OK', [b'2'])" {
		t.Errorf("Expunge = %s", Repr("OK", data))
	}
	data = mustOK(t, "Search")(m.Search("", "ALL"))
	if string(data[0].Bytes) != "1 2" {
		t.Errorf("Search after expunge = %s", Repr("OK", data))
	}
	typ, data, err := m.Logout()
	if err != nil || typ != "BYE" {
		t.Errorf("Logout = %s, %v", Repr(typ, data), err)
	}
	if m.State() != StateLogout {
		t.Errorf("state after Logout = %s", m.State())
	}
}

// literalOf returns the first literal in data.
func literalOf(data []Datum) []byte {
	for _, d := range data {
		if d.Kind == KindTuple {
			return d.Literal
		}
	}
	return nil
}

func (m *IMAP4) hasCapabilityLocked(name string) bool {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	return m.hasCapability(name)
}

package imaplib

// The Go and 3.16 additions against a real server: IDLE seeing a message
// another connection appends, search criteria in KOI8-R and windows-1251,
// SASL PLAIN and SCRAM-SHA-256, Move and UID variants, and streaming.

import (
	"bytes"
	"crypto/sha256"
	"io"
	"strings"
	"testing"
	"time"
)

func dovecotLogin(t *testing.T, d *dovecotLab, user, pass string) *IMAP4 {
	t.Helper()
	m, err := New(d.Host, d.Port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Logout() })
	mustOK(t, "Login")(m.Login(user, pass))
	return m
}

func TestDovecotIdleSeesAppendFromAnotherConnection(t *testing.T) {
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	m := dovecotLogin(t, d, user, pass)
	mustOK(t, "Select")(m.Select("", false))
	idler, err := m.Idle(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	other := dovecotLogin(t, d, user, pass)
	mustOK(t, "Append")(other.Append("", "", nil, []byte("Subject: wake up\r\n\r\nidle\r\n")))
	sent := time.Now() // the message is in the mailbox from here on
	var seen string
	for typ, data := range idler.Responses() {
		if typ == "EXISTS" {
			seen = Repr(typ, data)
			break
		}
	}
	delay := time.Since(sent)
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	if seen != "('EXISTS', [b'1'])" {
		t.Fatalf("idler saw %q", seen)
	}
	// Seen within the 5 s idle, Dovecot pushed it: its own check of the
	// mailbox comes every 30 s (mailbox_idle_check_interval), so no tighter
	// wall-clock window is needed to tell, nor one that a loaded machine
	// could miss.
	t.Logf("the idler saw the new message after %v", delay)
	// The connection works normally after DONE.
	mustOK(t, "Noop")(m.Noop())
}

func TestDovecotSearchCharsets(t *testing.T) {
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	m := dovecotLogin(t, d, user, pass)
	for _, subject := range []string{"Привет из Москвы", "Hello from Berlin"} {
		msg := "Subject: =?UTF-8?B?" + b64([]byte(subject)) + "?=\r\n\r\nbody\r\n"
		mustOK(t, "Append")(m.Append("", "", nil, []byte(msg)))
	}
	mustOK(t, "Select")(m.Select("", false))
	// cp1251 is CPython's name (Dovecot's iconv knows it too).
	for _, charset := range []string{"KOI8-R", "windows-1251", "cp1251", "UTF-8"} {
		data := mustOK(t, "Search "+charset)(m.Search(charset, "SUBJECT", "Москвы"))
		if got := Repr("OK", data); got != "('OK', [b'1'])" {
			t.Errorf("Search(%s, SUBJECT Москвы) = %s", charset, got)
		}
		data = mustOK(t, "Sort "+charset)(m.Sort("SUBJECT", charset, "SUBJECT", "Привет"))
		if got := Repr("OK", data); got != "('OK', [b'1'])" {
			t.Errorf("Sort(%s) = %s", charset, got)
		}
	}
}

func TestDovecotSASL(t *testing.T) {
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	for name, login := range map[string]func(m *IMAP4) (string, []Datum, error){
		"PLAIN": func(m *IMAP4) (string, []Datum, error) { return m.Authenticate("PLAIN", PlainAuth("", user, pass)) },
		"SCRAM-SHA-256": func(m *IMAP4) (string, []Datum, error) {
			return m.Authenticate("SCRAM-SHA-256", ScramSHA256(user, pass))
		},
		"LoginPlain": func(m *IMAP4) (string, []Datum, error) { return m.LoginPlain(user, pass) },
		"CRAM-MD5":   func(m *IMAP4) (string, []Datum, error) { return m.LoginCramMD5(user, pass) },
	} {
		m, err := New(d.Host, d.Port)
		if err != nil {
			t.Fatal(err)
		}
		typ, data, err := login(m)
		if err != nil || typ != "OK" || m.State() != StateAuth {
			t.Errorf("%s: %s, %v, state %s", name, Repr(typ, data), err, m.State())
		}
		m.Logout()
	}
	m, err := New(d.Host, d.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Authenticate("SCRAM-SHA-256", ScramSHA256(user, "wrong")); err == nil {
		t.Error("SCRAM with a wrong password succeeded")
	}
}

func TestDovecotMoveAndUID(t *testing.T) {
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	m := dovecotLogin(t, d, user, pass)
	mustOK(t, "Create")(m.Create("Archive"))
	for i := range 4 {
		mustOK(t, "Append")(m.Append("", "", nil, []byte("Subject: m"+itoa(i)+"\r\n\r\nx\r\n")))
	}
	mustOK(t, "Select")(m.Select("", false))
	uids := mustOK(t, "UID SEARCH")(m.With(UID).Search("", "ALL"))
	if string(uids[0].Bytes) != "1 2 3 4" {
		t.Fatalf("UID SEARCH = %s", Repr("OK", uids))
	}
	typ, data, err := m.With(UID).Move("2:3", "Archive")
	if err != nil || typ != "OK" || !strings.Contains(string(data[0].Bytes), "Move completed") {
		t.Fatalf("UID MOVE = %s, %v", Repr(typ, data), err)
	}
	data = mustOK(t, "Search")(m.Search("", "ALL"))
	if string(data[0].Bytes) != "1 2" {
		t.Errorf("after MOVE the source holds %s", Repr("OK", data))
	}
	// As in Python, MOVE returns the tagged reply; its EXPUNGE responses
	// wait in the store.
	if typ, data := m.Response("EXPUNGE"); len(data) != 2 {
		t.Errorf("EXPUNGE responses of MOVE: %s", Repr(typ, data))
	}
	mustOK(t, "Store")(m.With(UID).Store("4", "+FLAGS", `\Deleted`))
	data = mustOK(t, "UID EXPUNGE")(m.With(UID).Expunge("4"))
	if Repr("OK", data) != "('OK', [b'2'])" {
		t.Errorf("UID EXPUNGE = %s", Repr("OK", data))
	}
	data = mustOK(t, "Status")(m.Status("Archive", "(MESSAGES)"))
	if !strings.Contains(string(data[0].Bytes), "MESSAGES 2") {
		t.Errorf("Archive status = %s", Repr("OK", data))
	}
}

func TestDovecotStreaming(t *testing.T) {
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	m := dovecotLogin(t, d, user, pass)
	const size = 8 << 20
	var msg bytes.Buffer
	msg.WriteString("Subject: big\r\n\r\n")
	for msg.Len() < size {
		msg.WriteString(strings.Repeat("z", 78) + "\r\n")
	}
	want := sha256.Sum256(msg.Bytes())
	mustOK(t, "AppendReader")(m.AppendReader("", "", nil, bytes.NewReader(msg.Bytes()), int64(msg.Len())))
	mustOK(t, "Select")(m.Select("", false))
	h := sha256.New()
	mustOK(t, "FetchStream")(m.FetchStream("1", "BODY.PEEK[]", func(_ []byte, lit io.Reader) error {
		_, err := io.Copy(h, lit)
		return err
	}))
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Error("the streamed message differs from the one appended")
	}
}

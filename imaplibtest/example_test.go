package imaplibtest_test

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/imaplibtest"
)

// countUnseen stands for the code a user wants to test: it counts the
// unread messages in INBOX.
func countUnseen(m *imaplib.IMAP4) (int, error) {
	if _, err := imaplib.Check(m.Select("INBOX", true)); err != nil {
		return 0, err
	}
	data, err := imaplib.Check(m.Search("", "UNSEEN"))
	if err != nil {
		return 0, err
	}
	return len(bytes.Fields(data[0].Bytes)), nil
}

// A test starts a server, puts the messages it needs into the mailbox and
// runs the code under test against it. In a test function, use
// t.Cleanup(srv.Close) and t.Fatal instead of log.Fatal.
func ExampleNewServer() {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "secret"))
	defer srv.Close()
	for i, flags := range [][]string{{`\Seen`}, nil, nil} {
		msg := fmt.Sprintf("Subject: message %d\r\n\r\nHello\r\n", i+1)
		if err := srv.AddMessage("alice", "INBOX", []byte(msg), flags...); err != nil {
			log.Fatal(err)
		}
	}

	m, err := imaplib.New(srv.Host, srv.Port)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	if _, err := imaplib.Check(m.Login("alice", "secret")); err != nil {
		log.Fatal(err)
	}
	n, err := countUnseen(m)
	fmt.Println(n, err)
	// Output: 2 <nil>
}

// NewTLSServer serves implicit TLS on TLSPort and STARTTLS on Port with a
// certificate made for the run; ClientTLSConfig trusts it.
func ExampleNewTLSServer() {
	srv := imaplibtest.NewTLSServer(imaplibtest.User("alice", "secret"))
	defer srv.Close()

	m, err := imaplib.IMAP4_SSL(srv.Host, srv.TLSPort, imaplib.WithTLSConfig(srv.ClientTLSConfig()))
	if err != nil {
		log.Fatal(err)
	}
	typ, _, err := m.Login("alice", "secret")
	fmt.Println(typ, err)
	m.Logout()

	m, err = imaplib.New(srv.Host, srv.Port)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	typ, data, err := m.Starttls(srv.ClientTLSConfig())
	fmt.Println(imaplib.Repr(typ, data), err)
	// Output:
	// OK <nil>
	// ('OK', [None]) <nil>
}

// AddMessageAt sets the INTERNALDATE, for tests of date searches.
func ExampleServer_AddMessageAt() {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "secret"))
	defer srv.Close()
	if err := srv.CreateMailbox("alice", "Archive"); err != nil {
		log.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := srv.AddMessageAt("alice", "Archive", old, []byte("Subject: old\r\n\r\n"), `\Seen`); err != nil {
		log.Fatal(err)
	}

	m, err := imaplib.New(srv.Host, srv.Port)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	m.Login("alice", "secret")
	m.Select("Archive", false)
	data, err := imaplib.Check(m.Search("", "BEFORE", "1-Jan-2021"))
	fmt.Println(imaplib.ReprData(data), err)
	_, data, _ = m.Fetch("1", "(INTERNALDATE)")
	date, err := imaplib.Internaldate2tuple(data[0].Bytes)
	fmt.Println(date.UTC(), err)
	// Output:
	// [b'1'] <nil>
	// 2020-01-02 03:04:05 +0000 UTC <nil>
}

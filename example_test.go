package imaplib_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/internal/memserver"
)

// exampleServer starts the embedded in-memory server with alice's INBOX
// holding msgs.
func exampleServer(msgs ...string) *memserver.Server {
	srv, err := memserver.Start(map[string]string{"alice": "pass-alice"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		if err := srv.AddMessage("alice", "INBOX", []byte(m)); err != nil {
			log.Fatal(err)
		}
	}
	return srv
}

// The example from Python's imaplib documentation, line for line.
func Example() {
	srv := exampleServer("Subject: first\r\n\r\nHello\r\n", "Subject: second\r\n\r\nWorld\r\n")
	defer srv.Close()

	M, err := imaplib.New(srv.Host, srv.Port)
	if err != nil {
		log.Fatal(err)
	}
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Select("", false)
	_, data, _ := M.Search("", "ALL")
	for _, num := range bytes.Fields(data[0].Bytes) {
		_, data, _ := M.Fetch(string(num), "(RFC822)")
		// Messages use CRLF; the example prints them with LF.
		fmt.Printf("Message %s\n%s\n", num, bytes.ReplaceAll(data[0].Literal, []byte("\r\n"), []byte("\n")))
	}
	M.Close()
	M.Logout()
	// Output:
	// Message 1
	// Subject: first
	//
	// Hello
	//
	// Message 2
	// Subject: second
	//
	// World
}

// Repr prints a result as Python prints it, so the output of a migrated
// script can be compared with the original's.
func ExampleRepr() {
	srv := exampleServer("Subject: hi\r\n\r\nx\r\n")
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	typ, _, _ := M.Login("alice", "pass-alice")
	fmt.Println(typ)
	typ, data, _ := M.Select("", false)
	fmt.Println(imaplib.Repr(typ, data))
	typ, data, _ = M.Search("", "SUBJECT", "nothing-matches")
	fmt.Println(imaplib.Repr(typ, data))
	// Output:
	// OK
	// ('OK', [b'1'])
	// ('OK', [b''])
}

// IDLE as Python 3.14's "with M.idle(duration) as idler: for typ, data in
// idler": here another connection delivers a message while we idle.
func ExampleIMAP4_Idle() {
	srv := exampleServer()
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Select("", false)

	idler, err := M.Idle(10 * time.Second)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		other, _ := imaplib.New(srv.Host, srv.Port)
		defer other.Logout()
		other.Login("alice", "pass-alice")
		other.Append("", "", nil, []byte("Subject: new mail\r\n\r\nping\r\n"))
	}()
	for typ, data := range idler.Responses() {
		fmt.Println(imaplib.Repr(typ, data))
		if typ == "EXISTS" {
			break
		}
	}
	if err := idler.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ('EXISTS', [b'1'])
}

// Python 3.16's keyword arguments become views: uid=True is With(UID),
// params= is With(Params(...)).
func ExampleIMAP4_With() {
	srv := exampleServer("Subject: a\r\nFrom: me@example.org\r\n\r\n1\r\n", "Subject: b\r\n\r\n2\r\n")
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Select("", false)

	_, data, _ := M.With(imaplib.UID).Search("", "ALL")
	fmt.Printf("UIDs: %s\n", data[0].Bytes)
	_, data, _ = M.With(imaplib.Params("me@example.org")).Search("", "FROM ?")
	fmt.Printf("from me: %s\n", data[0].Bytes)
	set, _ := imaplib.SeqSet(1, imaplib.RangeFrom(2))
	flags, _ := imaplib.FlagList(`\Flagged`)
	typ, _, _ := M.With(imaplib.UID).Store(set, "+FLAGS.SILENT", flags)
	fmt.Println("store:", typ)
	// Output:
	// UIDs: 1 2
	// from me: 1
	// store: OK
}

// FetchStream reads a body of any size without holding it in memory.
func ExampleIMAP4_FetchStream() {
	srv := exampleServer("Subject: big\r\n\r\n" + strings.Repeat("data ", 1000) + "\r\n")
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Select("", false)

	var n int64
	_, _, err := M.FetchStream("1", "BODY.PEEK[]", func(header []byte, body io.Reader) error {
		var err error
		n, err = io.Copy(io.Discard, body) // or a file, a hash, an HTTP response
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("streamed", n, "bytes")
	// Output:
	// streamed 5018 bytes
}

// AppendReader sends a message of known size from any io.Reader.
func ExampleIMAP4_AppendReader() {
	srv := exampleServer()
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")

	msg := "Subject: from a reader\r\n\r\nbody\r\n"
	typ, _, err := M.AppendReader("INBOX", `\Seen`, nil, strings.NewReader(msg), int64(len(msg)))
	fmt.Println(typ, err)
	// Output:
	// OK <nil>
}

// WithContext bounds one command, including the wait for its reply.
func ExampleIMAP4_WithContext() {
	srv := exampleServer()
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	typ, _, err := M.WithContext(ctx).Login("alice", "pass-alice")
	fmt.Println(typ, err)
	// Output:
	// OK <nil>
}

// Compress turns on COMPRESS=DEFLATE where the server offers it (Dovecot
// and Cyrus do; the embedded server does not).
func ExampleIMAP4_Compress() {
	srv := exampleServer()
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")
	if _, _, err := M.Compress(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Server does not support COMPRESS=DEFLATE
}

// Mailbox names go out in modified UTF-7 unless UTF8=ACCEPT is enabled.
func ExampleIMAP4_Create() {
	srv := exampleServer()
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Create("Entwürfe")
	_, data, _ := M.List("", "Entw*")
	fmt.Printf("%s\n", data[0].Bytes)
	// Output:
	// () "/" "Entw&APw-rfe"
}

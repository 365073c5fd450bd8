package imaplib_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/imaplibtest"
)

// The example from Python's imaplib documentation, line for line.
func Example() {
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte("Subject: first\r\n\r\nHello\r\n"))
	srv.AddMessage("alice", "INBOX", []byte("Subject: second\r\n\r\nWorld\r\n"))

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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte("Subject: hi\r\n\r\nx\r\n"))
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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte("Subject: a\r\nFrom: me@example.org\r\n\r\n1\r\n"))
	srv.AddMessage("alice", "INBOX", []byte("Subject: b\r\n\r\n2\r\n"))
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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte("Subject: big\r\n\r\n"+strings.Repeat("data ", 1000)+"\r\n"))
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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
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

// AppendMany adds several messages in as few round trips as the server
// allows: one MULTIAPPEND command where it is advertised, otherwise one
// APPEND per message, stopping at the first refusal. Python's email
// module writes LF line endings; they go out as CRLF.
func ExampleIMAP4_AppendMany() {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")

	sent := time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)
	typ, _, appended, err := M.AppendMany("INBOX",
		imaplib.AppendMessage{Flags: `(\Seen)`, Date: sent, Message: []byte("Subject: one\n\nfirst\n")},
		imaplib.AppendMessage{Message: []byte("Subject: two\n\nsecond\n")},
	)
	fmt.Println(typ, appended, err)
	_, data, _ := M.Select("", true)
	fmt.Printf("%s messages in INBOX\n", data[0].Bytes)
	_, data, _ = M.Fetch("1", "(RFC822)")
	fmt.Printf("%q\n", data[0].Literal)
	// Output:
	// OK 2 <nil>
	// 2 messages in INBOX
	// "Subject: one\r\n\r\nfirst\r\n"
}

// WithContext bounds one command, including the wait for its reply.
func ExampleIMAP4_WithContext() {
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
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
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
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

// Check turns a NO, which Python leaves in typ for the script to look at,
// into an error, one call at a time.
func ExampleCheck() {
	// An in-memory server for the example; use your server's host and port.
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	if _, err := imaplib.Check(M.Login("alice", "pass-alice")); err != nil {
		log.Fatal(err)
	}
	_, err := imaplib.Check(M.Select("No such folder", false))
	var no *imaplib.ResponseError
	if errors.As(err, &no) {
		fmt.Println(no.Typ, "from SELECT")
	}
	// Output: NO from SELECT
}

// Python's print(data) and print(b'...').
func ExampleReprData() {
	data := []imaplib.Datum{
		{Kind: imaplib.KindTuple, Bytes: []byte("1 (RFC822 {5}"), Literal: []byte("it's\n")},
		{Kind: imaplib.KindBytes, Bytes: []byte(")")},
		{}, // None
	}
	fmt.Println(imaplib.ReprData(data))
	fmt.Println(imaplib.ReprBytes([]byte("\x00\xff\"'")))
	// Output:
	// [(b'1 (RFC822 {5}', b"it's\n"), b')', None]
	// b'\x00\xff"\''
}

// The loop of Python's documentation example, pipelined: the commands go
// out without waiting for each answer, and the loop reads each command's
// result where it used to call Fetch. Over a link with 20 ms of round trip
// this turns 200 round trips into about one.
func ExampleIMAP4_Pipeline() {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte("Subject: first\r\n\r\nHello\r\n"))
	srv.AddMessage("alice", "INBOX", []byte("Subject: second\r\n\r\nWorld\r\n"))

	M, err := imaplib.New(srv.Host, srv.Port)
	if err != nil {
		log.Fatal(err)
	}
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Select("", false)
	_, data, _ := M.Search("", "ALL")
	nums := bytes.Fields(data[0].Bytes)

	p := M.Pipeline(64)
	calls := make([]*imaplib.Call, len(nums))
	for i, num := range nums {
		calls[i] = p.Fetch(string(num), "(RFC822)")
	}
	for i, num := range nums {
		_, data, err := calls[i].Result()
		if err != nil {
			log.Fatal(err)
		}
		// Messages use CRLF; the example prints them with LF.
		fmt.Printf("Message %s\n%s\n", num, bytes.ReplaceAll(data[0].Literal, []byte("\r\n"), []byte("\n")))
	}
	if err := p.Close(); err != nil {
		log.Fatal(err)
	}
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

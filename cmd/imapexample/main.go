// Command imapexample runs the example from Python's imaplib documentation
// with this package: connect, log in, select INBOX, search ALL and print
// every message fetched as RFC822.
//
// With no host given it starts an embedded in-memory IMAP server seeded
// with a few messages and runs against that:
//
//	go run ./cmd/imapexample
//
// To run against a real server, name it with flags or the environment
// (IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_SSL=1):
//
//	go run ./cmd/imapexample -host imap.example.org -ssl -user alice
//
// The password is read from IMAP_PASSWORD or the -password flag.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/internal/memserver"
)

func main() {
	log.SetFlags(0)
	host := flag.String("host", os.Getenv("IMAP_HOST"), "IMAP server; empty runs an embedded one")
	port := flag.Int("port", envInt("IMAP_PORT"), "port (0: 143, or 993 with -ssl)")
	useSSL := flag.Bool("ssl", os.Getenv("IMAP_SSL") == "1", "connect with implicit TLS (IMAP4_SSL)")
	user := flag.String("user", os.Getenv("IMAP_USER"), "user name")
	password := flag.String("password", os.Getenv("IMAP_PASSWORD"), "password")
	flag.Parse()

	if *host == "" {
		srv, err := startEmbedded()
		if err != nil {
			log.Fatalf("embedded server: %v", err)
		}
		defer srv.Close()
		*host, *port, *user, *password = srv.Host, srv.Port, "alice", "pass-alice"
		fmt.Printf("(embedded in-memory server on %s:%d)\n", srv.Host, srv.Port)
	}
	if err := run(*host, *port, *useSSL, *user, *password); err != nil {
		log.Fatal(err)
	}
}

// run is the Python documentation's example, line for line:
//
//	M = imaplib.IMAP4(host)
//	M.login(user, password)
//	M.select()
//	typ, data = M.search(None, 'ALL')
//	for num in data[0].split():
//	    typ, data = M.fetch(num, '(RFC822)')
//	    print('Message %s\n%s\n' % (num, data[0][1]))
//	M.close()
//	M.logout()
func run(host string, port int, useSSL bool, user, password string) error {
	connect := imaplib.New
	if useSSL {
		connect = imaplib.IMAP4_SSL
	}
	M, err := connect(host, port)
	if err != nil {
		return err
	}
	defer M.Logout()
	if _, _, err := M.Login(user, password); err != nil {
		return err
	}
	if _, _, err := M.Select("", false); err != nil {
		return err
	}
	_, data, err := M.Search("", "ALL")
	if err != nil {
		return err
	}
	for _, num := range bytes.Fields(data[0].Bytes) {
		_, data, err := M.Fetch(string(num), "(RFC822)")
		if err != nil {
			return err
		}
		fmt.Printf("Message %s\n%s\n", num, data[0].Literal)
	}
	if _, _, err := M.Close(); err != nil {
		return err
	}
	_, _, err = M.Logout()
	return err
}

func startEmbedded() (*memserver.Server, error) {
	srv, err := memserver.Start(map[string]string{"alice": "pass-alice"}, nil)
	if err != nil {
		return nil, err
	}
	for i, subject := range []string{"Hello from imaplib for Go", "Second message", "Третье письмо"} {
		msg := fmt.Sprintf("From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\n"+
			"Subject: %s\r\nMessage-ID: <%d@example.org>\r\n\r\nMessage number %d.\r\n", subject, i+1, i+1)
		if err := srv.AddMessage("alice", "INBOX", []byte(msg)); err != nil {
			srv.Close()
			return nil, err
		}
	}
	return srv, nil
}

func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

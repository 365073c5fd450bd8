package imaplib_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/imaplibtest"
)

const exampleReport = "From: Alice <alice@example.org>\r\n" +
	"To: Bob <bob@example.org>\r\n" +
	"Subject: =?utf-8?q?Quarterly_r=C3=A9sum=C3=A9?=\r\n" +
	"Date: Fri, 4 Dec 2026 09:30:00 -0500\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Figures attached.\r\n" +
	"--b1\r\n" +
	"Content-Type: text/csv; charset=koi8-r\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.csv\r\n" +
	"\r\n" +
	"8NLJ18XULDEK\r\n" +
	"--b1\r\n" +
	"Content-Type: application/pdf; name=\"report.pdf\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"JVBERi0xLjQK\r\n" +
	"--b1--\r\n"

// The flow of Python's documentation (login, select, search, fetch), then
// typed results: the envelope and the attachments of each message, found
// from BODYSTRUCTURE without downloading the message, and one attachment
// fetched with BODY.PEEK[part] and decoded.
func Example_parseFetch() {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte(exampleReport))

	M, err := imaplib.New(srv.Host, srv.Port)
	if err != nil {
		log.Fatal(err)
	}
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Select("", false)
	_, data, _ := M.Search("", "ALL")
	for _, num := range bytes.Fields(data[0].Bytes) {
		_, data, _ := M.Fetch(string(num), "(UID ENVELOPE BODYSTRUCTURE)")
		msgs, err := imaplib.ParseFetch(data)
		if err != nil {
			log.Fatal(err)
		}
		msg := msgs[0]
		env := msg.Envelope
		fmt.Printf("message %d, UID %d: %q from %s, %s\n", msg.SeqNum, msg.UID,
			env.Subject, env.From[0].Addr(), env.Date.Format("2006-01-02 15:04 -0700"))

		for _, a := range msg.BodyStructure.Attachments() {
			fmt.Printf("  part %s: %s %s, %d bytes\n", a.Part, a.Filename(), a.MIMEType(), a.Size)
		}

		csv := msg.BodyStructure.Attachments()[0]
		_, data, _ = M.Fetch(string(num), "(BODY.PEEK["+csv.Part+"])")
		msgs, err = imaplib.ParseFetch(data)
		if err != nil {
			log.Fatal(err)
		}
		raw, _ := msgs[0].Body(csv.Part)
		text, err := imaplib.DecodeText(csv, raw)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("  %s says: %q\n", csv.Filename(), text)
	}
	// Output:
	// message 1, UID 1: "Quarterly résumé" from alice@example.org, 2026-12-04 09:30 -0500
	//   part 2: résumé.csv text/csv, 12 bytes
	//   part 3: report.pdf application/pdf, 12 bytes
	//   résumé.csv says: "Привет,1\n"
}

// ParseList decodes modified UTF-7 mailbox names and keeps the raw name
// for commands; ParseStatus and ParseSearch give numbers.
func ExampleParseList() {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	defer srv.Close()
	srv.AddMessage("alice", "INBOX", []byte("Subject: a\r\n\r\n1\r\n"))
	srv.AddMessage("alice", "INBOX", []byte("Subject: b\r\n\r\n2\r\n"))
	M, _ := imaplib.New(srv.Host, srv.Port)
	defer M.Logout()
	M.Login("alice", "pass-alice")
	M.Create("Entwürfe")

	_, data, _ := M.List("", "*")
	boxes, _ := imaplib.ParseList(data, M.UTF8Enabled())
	for _, b := range boxes {
		if b.Name != "INBOX" {
			fmt.Printf("%s (sent as %s), delimiter %q\n", b.Name, b.RawName, b.Delim)
		}
	}
	_, data, _ = M.Status("INBOX", "(MESSAGES UIDNEXT)")
	st, _ := imaplib.ParseStatus(data, M.UTF8Enabled())
	fmt.Printf("%s: %d messages, next UID %d\n", st[0].Name, st[0].Messages, st[0].UIDNext)
	M.Select("", false)
	_, data, _ = M.Search("", "SUBJECT", "b")
	nums, _, _ := imaplib.ParseSearch(data)
	fmt.Println("SUBJECT b:", nums)
	// Output:
	// Entwürfe (sent as Entw&APw-rfe), delimiter "/"
	// INBOX: 2 messages, next UID 3
	// SUBJECT b: [2]
}

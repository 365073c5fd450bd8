package imaplib

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// serverTestMessage has what parsers slip on: encoded words in KOI8-R and
// ISO-2022-JP, an obsolete zone, a group, an RFC 2231 file name split in
// two, and a message/rfc822 holding a multipart.
const serverTestMessage = "From: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= <test@example.jp>\r\n" +
	"To: team: a@example.org, \"B\" <b@example.org>;\r\n" +
	"Cc: undisclosed-recipients:;\r\n" +
	"Subject: =?koi8-r?B?8NLJ18XUIM3J0g==?=\r\n" +
	"Date: Fri, 4 Dec 2026 09:30:00 EST\r\n" +
	"Message-ID: <srv-1@example.org>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"body\r\n" +
	"--outer\r\n" +
	"Content-Type: application/pdf\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment;\r\n" +
	" filename*0*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%D0%B7%D0%B0;\r\n" +
	" filename*1*=%20%D0%B4%D0%B5%D0%BA%D0%B0%D0%B1%D1%80%D1%8C.pdf\r\n" +
	"\r\n" +
	"JVBERi0xLjQK\r\n" +
	"--outer\r\n" +
	"Content-Type: message/rfc822\r\n" +
	"\r\n" +
	"Subject: inner\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=\"inner\"\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain\r\n" +
	"\r\n" +
	"plain\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html\r\n" +
	"\r\n" +
	"<p>html</p>\r\n" +
	"--inner--\r\n" +
	"--outer--\r\n"

// checkParsersOnServer appends serverTestMessage and parses what the
// server says about it.
func checkParsersOnServer(t *testing.T, m *IMAP4) {
	mustOK(t, "Append")(m.Append("INBOX", `(\Seen $Work)`, time.Date(2026, 12, 4, 10, 0, 0, 0, time.FixedZone("", 3600)), []byte(serverTestMessage)))
	mustOK(t, "Select")(m.Select("", false))
	data := mustOK(t, "Fetch")(m.Fetch("1", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "+
		"BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[2] BODY.PEEK[3.2])"))
	msgs, err := ParseFetch(data)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("%s: %v", Repr("OK", data), err)
	}
	f := msgs[0]
	// Both servers add \Recent, in their own order.
	if f.UID == 0 || !slices.Contains(f.Flags, `\Seen`) || !slices.Contains(f.Flags, "$Work") || f.Size != int64(len(serverTestMessage)) ||
		!f.InternalDate.Equal(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("FETCH %s", fetchSummary(f))
	}
	e := f.Envelope
	var to []string
	for _, a := range e.To {
		to = append(to, a.Group+":"+a.Name+"<"+a.Addr()+">")
	}
	if e.Subject != "Привет мир" || len(e.From) != 1 || e.From[0].Name != "テスト" ||
		!e.Date.Equal(time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC)) || e.MessageID != "<srv-1@example.org>" ||
		strings.Join(to, " ") != "team:<a@example.org> team:B<b@example.org>" ||
		len(e.Cc) != 1 || e.Cc[0].Group != "undisclosed-recipients" {
		t.Errorf("ENVELOPE %+v", e)
	}
	b := f.BodyStructure
	var parts []string
	b.Walk(func(p *BodyStructure) bool {
		parts = append(parts, p.Part+"="+p.MIMEType())
		return true
	})
	if got := strings.Join(parts, " "); got != "=multipart/mixed 1=text/plain 2=application/pdf 3=message/rfc822 3=multipart/alternative 3.1=text/plain 3.2=text/html" {
		t.Errorf("parts %s\n%s", got, outline(b))
	}
	att := b.Attachments()
	if len(att) != 1 || att[0].Filename() != "отчёт за декабрь.pdf" {
		t.Fatalf("attachments:\n%s", outline(b))
	}
	raw, _ := f.Body(att[0].Part)
	if pdf, err := DecodeBody(att[0], raw); err != nil || string(pdf) != "%PDF-1.4\n" {
		t.Errorf("attachment %q %v", pdf, err)
	}
	if html, _ := f.Body("3.2"); string(html) != "<p>html</p>" {
		t.Errorf("BODY[3.2] = %q", html)
	}
	if inner := b.FindPart("3"); inner.Envelope == nil || inner.Envelope.Subject != "inner" {
		t.Errorf("message/rfc822 envelope %+v", inner.Envelope)
	}

	mustOK(t, "Create")(m.Create("Entwürfe"))
	boxes, err := ParseList(mustOK(t, "List")(m.List("", "*")), false)
	found := false
	for _, mb := range boxes {
		found = found || (mb.Name == "Entwürfe" && mb.RawName == "Entw&APw-rfe" && mb.Delim != "")
	}
	if err != nil || !found {
		t.Errorf("LIST %+v %v", boxes, err)
	}
	st, err := ParseStatus(mustOK(t, "Status")(m.Status("INBOX", "(MESSAGES UIDNEXT UNSEEN)")), false)
	if err != nil || len(st) != 1 || st[0].Messages != 1 || st[0].UIDNext != f.UID+1 || st[0].Unseen != 0 {
		t.Errorf("STATUS %+v %v", st, err)
	}
	ns, err := ParseNamespace(mustOK(t, "Namespace")(m.Namespace()))
	if err != nil || len(ns.Personal) == 0 {
		t.Errorf("NAMESPACE %+v %v", ns, err)
	}
	caps, err := ParseCapability(mustOK(t, "Capability")(m.Capability()))
	if err != nil || len(caps) == 0 || caps[0] != "IMAP4REV1" {
		t.Errorf("CAPABILITY %q %v", caps, err)
	}
}

func TestParsersOnDovecot(t *testing.T) {
	t.Parallel()
	d := needDovecot(t)
	user, pass := d.NewUser(t)
	checkParsersOnServer(t, dovecotLogin(t, d, user, pass))
}

func TestParsersOnCyrus(t *testing.T) {
	t.Parallel()
	lab := needCyrus(t)
	user, pass := lab.NewUser(t)
	checkParsersOnServer(t, cyLogin(t, lab, user, pass))
}

package imaplib

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The parsers on what commands really return, from go-imap's in-memory
// server: the shapes of data (tuples, None, codes) are imaplib's own.
func TestParsersOnMemServer(t *testing.T) {
	srv := startMemServer(t)
	m, err := New(srv.Host, srv.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	mustOK(t, "Login")(m.Login("alice", "pass-alice"))

	caps, err := ParseCapability(mustOK(t, "Capability")(m.Capability()))
	if err != nil || !strings.Contains(" "+strings.Join(caps, " ")+" ", " UIDPLUS ") {
		t.Errorf("capabilities %q %v", caps, err)
	}

	mustOK(t, "Create")(m.Create("Entwürfe"))
	boxes, err := ParseList(mustOK(t, "List")(m.List("", "*")), false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range boxes {
		names = append(names, b.Name+"="+b.RawName)
	}
	slices.Sort(names)
	if strings.Join(names, " ") != "Entwürfe=Entw&APw-rfe INBOX=INBOX" {
		t.Errorf("LIST names %q", names)
	}

	msg := "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.org>\r\nTo: a@b.c\r\nSubject: =?koi8-r?b?8NLJ18XU?=\r\n" +
		"Message-ID: <m1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n" +
		"--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"a b.bin\"\r\n\r\nAAEC\r\n--x--\r\n"
	typ, data, err := m.Append("INBOX", `(\Flagged)`, time.Date(2026, 12, 4, 10, 0, 0, 0, time.FixedZone("", 3600)), []byte(msg))
	if err != nil || typ != "OK" {
		t.Fatalf("Append: %s %v", typ, err)
	}
	code, ok := ParseResponseCode(data[0].Bytes)
	if !ok || code.Name != "APPENDUID" {
		t.Fatalf("Append data %s has no APPENDUID", Repr(typ, data))
	}
	validity, uids, err := ParseAppendUID(code.Args)
	if err != nil || validity == 0 || len(uids) != 1 {
		t.Errorf("APPENDUID %d %v %v", validity, uids, err)
	}

	st, err := ParseStatus(mustOK(t, "Status")(m.Status("INBOX", "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")), false)
	if err != nil || st[0].Messages != 1 || st[0].UIDNext != uids[0]+1 || st[0].UIDValidity != validity || st[0].Unseen != 1 {
		t.Errorf("STATUS %+v %v", st, err)
	}

	mustOK(t, "Select")(m.Select("", false))
	_, uidValidity := m.Response("UIDVALIDITY")
	if n, err := ParseCodeNumber(uidValidity); err != nil || n != uint64(validity) {
		t.Errorf("UIDVALIDITY code %d %v", n, err)
	}
	nums, _, err := ParseSearch(mustOK(t, "Search")(m.Search("", "ALL")))
	if err != nil || len(nums) != 1 || nums[0] != 1 {
		t.Errorf("SEARCH %v %v", nums, err)
	}
	if nums, _, err := ParseSearch(mustOK(t, "Search")(m.Search("", "SUBJECT", "nothing-matches"))); err != nil || len(nums) != 0 {
		t.Errorf("empty SEARCH %v %v", nums, err)
	}

	mustOK(t, "Search")(m.Search("", "RETURN (MIN COUNT ALL) ALL"))
	_, data = m.Response("ESEARCH")
	if es, err := ParseESearch(data); err != nil || len(es) != 1 || es[0].Tag == "" || es[0].Count != 1 || es[0].Min != 1 || len(es[0].All) != 1 {
		t.Errorf("ESEARCH %s: %+v %v", Repr("ESEARCH", data), es, err)
	}

	data = mustOK(t, "Fetch")(m.Fetch("1", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "+
		"BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[2] BODY.PEEK[1]<0.3>)"))
	msgs, err := ParseFetch(data)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("FETCH %s: %v", Repr("OK", data), err)
	}
	f := msgs[0]
	// go-imap's server sends flags lower-cased; they compare without case.
	if f.UID != uids[0] || !strings.EqualFold(strings.Join(f.Flags, " "), `\Flagged`) || f.Size != int64(len(msg)) ||
		!f.InternalDate.Equal(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("FETCH %s", fetchSummary(f))
	}
	e := f.Envelope
	if e.Subject != "Привет" || e.From[0].Name != "Jörg" || e.From[0].Addr() != "joerg@example.org" || e.MessageID != "<m1@example.org>" {
		t.Errorf("ENVELOPE %+v", e)
	}
	att := f.BodyStructure.Attachments()
	if len(att) != 1 || att[0].Part != "2" || att[0].Filename() != "a b.bin" {
		t.Fatalf("attachments %s", outline(f.BodyStructure))
	}
	raw, _ := f.Body(att[0].Part)
	if content, err := DecodeBody(att[0], raw); err != nil || string(content) != "\x00\x01\x02" {
		t.Errorf("attachment %q %v", content, err)
	}
	if h, _ := f.Body("HEADER.FIELDS (SUBJECT)"); !strings.HasPrefix(string(h), "Subject: =?koi8-r?b?8NLJ18XU?=") {
		t.Errorf("header section %q", h)
	}
	if s := f.Sections["1"]; s == nil || !s.Partial || s.Origin != 0 || string(s.Data) != "hel" {
		t.Errorf("partial section %+v", s)
	}

	mustOK(t, "Create")(m.Create("Archive"))
	// Copy returns the tagged data, with its code; Uid("COPY", ...) does
	// not, in Python as here.
	typ, data, err = m.Copy("1", "Archive")
	if err != nil || typ != "OK" {
		t.Fatalf("COPY: %s %v", typ, err)
	}
	if code, ok := ParseResponseCode(data[0].Bytes); ok && code.Name == "COPYUID" {
		if _, src, dst, err := ParseCopyUID(code.Args); err != nil || len(src) != 1 || src[0] != uids[0] || len(dst) != 1 {
			t.Errorf("COPYUID %v %v %v", src, dst, err)
		}
	} else {
		t.Errorf("COPY data %s has no COPYUID", Repr(typ, data))
	}

	ns, err := ParseNamespace(mustOK(t, "Namespace")(m.Namespace()))
	if err != nil || len(ns.Personal) != 1 || ns.Personal[0].Delim != "/" {
		t.Errorf("NAMESPACE %+v %v", ns, err)
	}
}

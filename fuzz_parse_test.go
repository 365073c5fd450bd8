package imaplib

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fetchSeeds are whole FETCH responses, as wireData reads them, that
// cover every item the parser knows.
var fetchSeeds = []string{
	`1 (UID 5 FLAGS (\Seen $Label] [x]) RFC822.SIZE 44 INTERNALDATE " 9-Feb-2007 17:08:08 -0430")`,
	"1 (BODY[HEADER.FIELDS (SUBJECT)] {10}\r\nSubject: x BODY[]<0> {2}\r\nab RFC822 NIL)\r\n1 (FLAGS ())",
	`2 (ENVELOPE ("Mon, 1 Jan 2024 09:00:00 EST" "=?utf-8?q?a?= =?koi8-r?b?8NLJ18XU?=" (("A" NIL "a" "x.org")) NIL NIL ((NIL NIL "g" NIL)(NIL NIL "b" "y")(NIL NIL NIL NIL)) NIL NIL NIL "<id>"))`,
	`3 (BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 1 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 9 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) ("application" "pdf" ("name*0*" "utf-8''%C3%A9" "name*1" ".pdf") NIL NIL "base64" 4 NIL ("attachment" ("filename" "=?utf-8?q?x?=")) ("en") "loc" (1 2)) 3 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL))`,
	"4 (MODSEQ (12) X-GM-MSGID 1 X-GM-THRID 2 X-GM-LABELS (\\Inbox \"a b\") BINARY[1] ~{2}\r\n\x00\x01 BINARY.SIZE[1] 2 EMAILID (M1))",
	"* 5 FETCH (BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1))",
	"6 (X (a {1}\r\nb) UID 1)",
}

// fetchResultSize is the memory a parse result holds, roughly: a constant
// per object and the length of every string and byte slice.
func fetchResultSize(msgs []*FetchMessage) int {
	const obj = 16
	n := 0
	addrs := func(l []Address) {
		for _, a := range l {
			n += obj + len(a.Name) + len(a.Mailbox) + len(a.Host) + len(a.Group)
		}
	}
	env := func(e *Envelope) {
		if e == nil {
			return
		}
		n += obj + len(e.DateRaw) + len(e.Subject) + len(e.SubjectRaw) + len(e.InReplyTo) + len(e.MessageID)
		for _, l := range [][]Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
			addrs(l)
		}
	}
	params := func(m map[string]string) {
		for k, v := range m {
			n += obj + len(k) + len(v)
		}
	}
	for _, m := range msgs {
		n += obj
		for _, s := range m.Items {
			n += obj + len(s)
		}
		for _, s := range append(m.Flags, m.GmailLabels...) {
			n += obj + len(s)
		}
		env(m.Envelope)
		m.BodyStructure.Walk(func(p *BodyStructure) bool {
			n += obj + len(p.Part) + len(p.Type) + len(p.Subtype) + len(p.ID) + len(p.Description) +
				len(p.Encoding) + len(p.MD5) + len(p.Disposition) + len(p.Location)
			params(p.Params)
			params(p.DispositionParams)
			for _, s := range p.Language {
				n += obj + len(s)
			}
			env(p.Envelope)
			return true
		})
		for _, secs := range []map[string]*Section{m.Sections, m.Binary} {
			for k, s := range secs {
				n += obj + len(k) + len(s.Spec) + len(s.Data)
			}
		}
		for k, v := range m.Unknown {
			n += obj + len(k) + len(v)
		}
		n += len(m.BinarySize) * obj
	}
	return n
}

// formatFetch is a small test-only formatter: the FETCH response this
// package would expect a server to send for m's UID, FLAGS, INTERNALDATE,
// ENVELOPE subject, first sender and message ID, a one-part BODYSTRUCTURE
// and the BODY[] section. Strings that a quoted string cannot carry go
// out as literals.
func formatFetch(m *FetchMessage) string {
	str := func(s string) string {
		if strings.ContainsAny(s, "\x00\r\n") || len(s) > 200 {
			return "{" + strconv.Itoa(len(s)) + "}\r\n" + s
		}
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d (UID %d FLAGS (%s) INTERNALDATE %q", m.SeqNum, m.UID, strings.Join(m.Flags, " "),
		m.InternalDate.Format("02-Jan-2006 15:04:05 -0700"))
	from := m.Envelope.From[0]
	fmt.Fprintf(&b, " ENVELOPE (NIL %s ((%s NIL %s %s)) NIL NIL NIL NIL NIL NIL %s)", str(m.Envelope.SubjectRaw),
		str(from.Name), str(from.Mailbox), str(from.Host), str(m.Envelope.MessageID))
	bs := m.BodyStructure
	fmt.Fprintf(&b, " BODYSTRUCTURE (%s %s (\"name\" %s) NIL NIL %s %d NIL (\"attachment\" (\"filename\" %s)) NIL NIL)",
		str(bs.Type), str(bs.Subtype), str(bs.Params["name"]), str(bs.Encoding), bs.Size, str(bs.DispositionParams["filename"]))
	b.WriteString(" BODY[] " + str(string(m.Sections[""].Data)) + ")")
	return b.String()
}

// fileName is what Filename returns for a part whose disposition has
// filename and whose type has name: the first that is not empty, decoded.
func fileName(filename, name string) string {
	if f := DecodeHeader(filename); f != "" {
		return f
	}
	return DecodeHeader(name)
}

func FuzzParseFetch(f *testing.F) {
	for _, s := range fetchSeeds {
		f.Add([]byte(s), uint32(1), uint32(5), `\Seen`, "=?utf-8?q?hi?=", []byte("body\r\n"))
	}
	f.Add([]byte("1 ()"), uint32(0), uint32(0), "", "", []byte{})
	f.Fuzz(func(t *testing.T, raw []byte, seq, uid uint32, flag, subject string, body []byte) {
		// No panic, a typed error, and a result no bigger than the input
		// times a constant.
		for _, data := range [][]Datum{wireData(string(raw)), {bytesDatum(raw)}} {
			msgs, err := ParseFetch(data)
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("%q: error %T %v", raw, err, err)
			}
			if pe != nil && (pe.Offset < 0 || pe.Offset > len(raw)) {
				t.Fatalf("%q: offset %d out of the input", raw, pe.Offset)
			}
			if size := fetchResultSize(msgs); size > 64*len(raw)+64 {
				t.Fatalf("%q: a result of %d bytes from %d bytes of input", raw, size, len(raw))
			}
		}

		// Round trip: what formatFetch prints parses back to the message.
		var flags []string
		for _, fl := range strings.Fields(flag) {
			if !strings.ContainsFunc(fl, func(r rune) bool { return r > 0x7e || !isAtomChar(byte(r)) }) {
				flags = append(flags, fl)
			}
		}
		if flags == nil {
			flags = []string{}
		}
		want := &FetchMessage{
			SeqNum: seq, UID: uid, Flags: flags,
			InternalDate: time.Unix(int64(uid)*7, 0).In(fixedZone(int(int32(seq)%(14*4)) * 900)),
			Envelope: &Envelope{SubjectRaw: subject, Subject: DecodeHeader(subject), MessageID: subject,
				From: []Address{{Name: subject, Mailbox: flag, Host: "example.org"}}},
			BodyStructure: &BodyStructure{Type: "application", Subtype: "octet-stream", Encoding: "base64",
				Size: int64(len(body)), Params: map[string]string{"name": subject},
				DispositionParams: map[string]string{"filename": flag}},
			Sections: map[string]*Section{"": {Spec: "", Data: body}},
		}
		text := formatFetch(want)
		msgs, err := ParseFetch(wireData(text))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if len(msgs) != 1 {
			t.Fatalf("%q: %d messages", text, len(msgs))
		}
		got := msgs[0]
		if got.SeqNum != want.SeqNum || got.UID != want.UID || strings.Join(got.Flags, " ") != strings.Join(want.Flags, " ") ||
			!got.InternalDate.Equal(want.InternalDate) ||
			got.Envelope.SubjectRaw != want.Envelope.SubjectRaw || got.Envelope.Subject != want.Envelope.Subject ||
			got.Envelope.MessageID != want.Envelope.MessageID ||
			!bytes.Equal(got.Sections[""].Data, body) ||
			len(got.Envelope.From) != 1 || got.Envelope.From[0].Name != DecodeHeader(subject) ||
			got.Envelope.From[0].Mailbox != flag || got.Envelope.From[0].Host != "example.org" ||
			got.BodyStructure.MIMEType() != "application/octet-stream" || got.BodyStructure.Encoding != "base64" ||
			got.BodyStructure.Size != int64(len(body)) || got.BodyStructure.Part != "1" ||
			got.BodyStructure.Params["name"] != DecodeHeader(subject) || got.BodyStructure.Filename() != fileName(flag, subject) {
			t.Fatalf("%q:\n got %s %q\nwant %s %q", text, fetchSummary(got), got.Envelope, fetchSummary(want), want.Envelope)
		}
	})
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{
		"=?utf-8?q?caf=C3=A9?= =?UTF-8?B?R8O4cmls?=", "=?KOI8-R?B?8NLJ18XU?=", "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=",
		"=?bad =?utf-8?q?ok?=", "a\r\n b", "caf\xe9", "=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "=?windows-1251?B?z/Do4uXy?=",
		"=?gb18030?b?gTCBMA==?=", "=?shift_jis?q?=82=A0?=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := DecodeHeader(s)
		if !utf8.ValidString(out) {
			t.Fatalf("%q: invalid UTF-8 %q", s, out)
		}
		if len(out) > 3*len(s) {
			t.Fatalf("%q: %d bytes out of %d", s, len(out), len(s))
		}
		if !strings.Contains(s, "=?") && !strings.Contains(s, "\n") && utf8.ValidString(s) && out != s {
			t.Fatalf("%q: plain text changed to %q", s, out)
		}
	})
}

func FuzzParseMailDate(f *testing.F) {
	for _, s := range []string{"Sun, 24 Mar 2013 22:06:10 +0200", "1 jan 99 09:00 EST (x)", "2-Feb-2022 10:00:00 Z", "wtf"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		parseMailDate([]byte(s)) // no panic
		// What RFC 5322 writes parses back to the same instant and offset.
		sec %= 1 << 40
		want := time.Unix(sec, 0).In(fixedZone(int(sec%56) * 900))
		if want.Year() < 1000 || want.Year() > 9999 {
			return
		}
		text := want.Format(time.RFC1123Z)
		got, ok := parseMailDate([]byte(text))
		_, gotOff := got.Zone()
		_, wantOff := want.Zone()
		if !ok || !got.Equal(want) || gotOff != wantOff {
			t.Fatalf("%q: got %v %v, want %v", text, got, ok, want)
		}
	})
}

func FuzzDecodeBody(f *testing.F) {
	for _, enc := range []string{"base64", "quoted-printable", "7bit", "x-unknown"} {
		f.Add(enc, []byte("aGVs\r\nbG8=\r\ncaf=C3=A9=\r\n"))
	}
	f.Fuzz(func(t *testing.T, enc string, raw []byte) {
		out, err := DecodeBody(&BodyStructure{Encoding: enc}, raw)
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %T", err)
		}
		if len(out) > len(raw) {
			t.Fatalf("%s %q: %d bytes out of %d", enc, raw, len(out), len(raw))
		}
	})
}

// responseSeeds are wire texts of the responses the parsers below read;
// each fuzz target starts from all of them.
var responseSeeds = []string{
	`(\HasNoChildren) "/" "INBOX"`, `() NIL Entw&APw-rfe ("CHILDINFO" ("SUBSCRIBED"))`,
	`"INBOX" (MESSAGES 2 UIDNEXT 4)`, "1 2 3 (MODSEQ 9)", `(TAG "A1") UID MIN 1 ALL 1:3,7`,
	"(2)(3 6 (4 23)(44 7 96))", `"" (STORAGE 10 512)`, "INBOX Fred rwi", `(("" "/")) NIL NIL`,
	`("name" "x")`, "[COPYUID 1 2:3 5:4] done", "1,3:5",
}

// fuzzResponseParser runs one parser on fuzzed response text: it may
// fail only with a *ParseError, and returns at most a bounded number of
// results (n, when the parser reports a count).
func fuzzResponseParser(f *testing.F, name string, parse func(s string, data []Datum) (n int, err error)) {
	for _, s := range responseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parse(s, wireData(s))
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("%s(%q): error %T %v", name, s, err, err)
		}
		if n > 2*len(s)+2 {
			t.Fatalf("%s(%q): %d results from %d bytes", name, s, n, len(s))
		}
	})
}

func FuzzParseList(f *testing.F) {
	fuzzResponseParser(f, "ParseList", func(s string, data []Datum) (int, error) {
		list, err := ParseList(data, false)
		for _, m := range list {
			if !utf8.ValidString(m.Name) {
				return 0, fmt.Errorf("name %q is not UTF-8", m.Name)
			}
		}
		return len(list), err
	})
}

func FuzzParseStatus(f *testing.F) {
	fuzzResponseParser(f, "ParseStatus", func(s string, data []Datum) (int, error) {
		st, err := ParseStatus(data, true)
		return len(st), err
	})
}

func FuzzParseSearch(f *testing.F) {
	fuzzResponseParser(f, "ParseSearch", func(s string, data []Datum) (int, error) {
		nums, _, err := ParseSearch(data)
		return len(nums), err
	})
}

func FuzzParseESearch(f *testing.F) {
	fuzzResponseParser(f, "ParseESearch", func(s string, data []Datum) (int, error) {
		es, err := ParseESearch(data)
		return len(es), err
	})
}

func FuzzParseThread(f *testing.F) {
	fuzzResponseParser(f, "ParseThread", func(s string, data []Datum) (int, error) {
		threads, err := ParseThread(data)
		return len(threads), err
	})
}

func FuzzParseCapability(f *testing.F) {
	fuzzResponseParser(f, "ParseCapability", func(s string, data []Datum) (int, error) {
		caps, err := ParseCapability(data)
		return len(caps), err
	})
}

func FuzzParseQuota(f *testing.F) {
	fuzzResponseParser(f, "ParseQuota", func(s string, data []Datum) (int, error) {
		q, err := ParseQuota(data)
		if err != nil {
			return len(q), err
		}
		_, roots, err := ParseQuotaRoot(data)
		return len(roots), err
	})
}

func FuzzParseACL(f *testing.F) {
	fuzzResponseParser(f, "ParseACL", func(s string, data []Datum) (int, error) {
		acl, err := ParseACL(data)
		if err != nil {
			return len(acl), err
		}
		_, _, err = ParseMyRights(data)
		return len(acl), err
	})
}

func FuzzParseNamespace(f *testing.F) {
	fuzzResponseParser(f, "ParseNamespace", func(s string, data []Datum) (int, error) {
		_, err := ParseNamespace(data)
		return 0, err
	})
}

func FuzzParseID(f *testing.F) {
	fuzzResponseParser(f, "ParseID", func(s string, data []Datum) (int, error) {
		id, err := ParseID(data)
		return len(id), err
	})
}

func FuzzParseResponseCode(f *testing.F) {
	fuzzResponseParser(f, "ParseResponseCode", func(s string, data []Datum) (int, error) {
		c, ok := ParseResponseCode([]byte(s))
		if !ok {
			return 0, nil
		}
		if _, _, err := ParseAppendUID(c.Args); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				return 0, err
			}
		}
		if _, _, _, err := ParseCopyUID(c.Args); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				return 0, err
			}
		}
		flags, err := ParsePermanentFlags(c.Args)
		return len(flags), err
	})
}

// FuzzParseSeqSet also checks a round trip: a set printed as its numbers
// parses back to the same numbers.
func FuzzParseSeqSet(f *testing.F) {
	fuzzResponseParser(f, "ParseSeqSet", func(s string, data []Datum) (int, error) {
		set, err := ParseSeqSet(s)
		if err != nil {
			return 0, err
		}
		parts := make([]string, len(set))
		for i, n := range set {
			parts[i] = strconv.FormatUint(uint64(n), 10)
		}
		again, err := ParseSeqSet(strings.Join(parts, ","))
		if err != nil || !slices.Equal(again, set) {
			return 0, fmt.Errorf("printed and parsed again: %v, %v", again, err)
		}
		return 0, nil
	})
}

package imaplib

import (
	"reflect"
	"testing"
	"time"
)

func parseEnvelopeText(t *testing.T, s string) *Envelope {
	t.Helper()
	msgs, err := ParseFetch(wireData("1 (ENVELOPE " + s + ")"))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return msgs[0].Envelope
}

// Facts from imapclient's ENVELOPE tests and go-imap's UTF-8 address
// tests, written anew, plus groups, literals and encoded words.
func TestParseEnvelope(t *testing.T) {
	plus2 := time.FixedZone("", 2*3600)
	for _, tc := range []struct {
		name, in string
		want     *Envelope
	}{
		{"full",
			`( "Sun, 24 Mar 2013 22:06:10 +0200" "subject" (("name" NIL "address1" "domain1.com")) ((NIL NIL "address2" "domain2.com")) (("name" NIL "address3" "domain3.com") NIL) NIL((NIL NIL "address4" "domain4.com") ("person" NIL "address4b" "domain4b.com")) NIL "<reply-to-id>" "<msg_id>")`,
			&Envelope{
				Date: time.Date(2013, 3, 24, 22, 6, 10, 0, plus2), DateRaw: "Sun, 24 Mar 2013 22:06:10 +0200",
				Subject: "subject", SubjectRaw: "subject",
				From:      []Address{{Name: "name", Mailbox: "address1", Host: "domain1.com"}},
				Sender:    []Address{{Mailbox: "address2", Host: "domain2.com"}},
				ReplyTo:   []Address{{Name: "name", Mailbox: "address3", Host: "domain3.com"}},
				Cc:        []Address{{Mailbox: "address4", Host: "domain4.com"}, {Name: "person", Mailbox: "address4b", Host: "domain4b.com"}},
				InReplyTo: "<reply-to-id>", MessageID: "<msg_id>",
			}},
		{"no date",
			`(NIL "subject" NIL NIL NIL NIL NIL NIL "<reply-to-id>" "<msg_id>")`,
			&Envelope{Subject: "subject", SubjectRaw: "subject", InReplyTo: "<reply-to-id>", MessageID: "<msg_id>"}},
		{"invalid date",
			`("wtf" "subject" NIL NIL NIL NIL NIL NIL "<reply-to-id>" "<msg_id>")`,
			&Envelope{DateRaw: "wtf", Subject: "subject", SubjectRaw: "subject", InReplyTo: "<reply-to-id>", MessageID: "<msg_id>"}},
		{"NIL among addresses",
			`(NIL NIL (("name" NIL "a1" "d1.com") NIL) (NIL (NIL NIL "a2" "d2.com")) NIL NIL NIL NIL NIL NIL)`,
			&Envelope{
				From:   []Address{{Name: "name", Mailbox: "a1", Host: "d1.com"}},
				Sender: []Address{{Mailbox: "a2", Host: "d2.com"}},
			}},
		{"quoted specials in the subject",
			`(NIL "subject with \"quotes\" and \\" NIL NIL NIL NIL NIL NIL NIL NIL)`,
			&Envelope{Subject: `subject with "quotes" and \`, SubjectRaw: `subject with "quotes" and \`}},
		{"UTF-8 in addresses",
			`(NIL NIL (("阿Q" NIL "阿Q" "例子.中国")("=?utf-8?b?R8O4cmls?=" NIL "gøril" "grå.org")) NIL NIL NIL NIL NIL NIL NIL)`,
			&Envelope{From: []Address{{Name: "阿Q", Mailbox: "阿Q", Host: "例子.中国"}, {Name: "Gøril", Mailbox: "gøril", Host: "grå.org"}}}},
		{"groups",
			`(NIL NIL NIL NIL NIL ((NIL NIL "team" NIL)("A" NIL "a" "x.org")(NIL NIL "b" "y.org")(NIL NIL NIL NIL)(NIL NIL "c" "z.org")) ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)`,
			&Envelope{
				To: []Address{{Name: "A", Mailbox: "a", Host: "x.org", Group: "team"}, {Mailbox: "b", Host: "y.org", Group: "team"},
					{Mailbox: "c", Host: "z.org"}},
				Cc: []Address{{Group: "undisclosed-recipients"}},
			}},
		{"literals inside",
			"({30}\r\nTue, 1 Jul 2003 10:52:37 +0200 {25}\r\n=?KOI8-R?B?8NLJ18XU?= \"x\" ((\"a\" NIL {3}\r\nbob \"h\")) NIL NIL NIL NIL NIL NIL \"<id>\")",
			&Envelope{
				Date: time.Date(2003, 7, 1, 10, 52, 37, 0, plus2), DateRaw: "Tue, 1 Jul 2003 10:52:37 +0200",
				Subject: "Привет \"x\"", SubjectRaw: "=?KOI8-R?B?8NLJ18XU?= \"x\"",
				From:      []Address{{Name: "a", Mailbox: "bob", Host: "h"}},
				MessageID: "<id>",
			}},
		{"cut short", `(NIL "s" NIL NIL NIL NIL)`, &Envelope{Subject: "s", SubjectRaw: "s"}},
		{"lower-case nil and spaces", `( nil "s" nil nil nil nil nil nil nil nil )`, &Envelope{Subject: "s", SubjectRaw: "s"}},
		{"NIL envelope", `NIL`, nil},
	} {
		got := parseEnvelopeText(t, tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestAddressAddr(t *testing.T) {
	for _, tc := range []struct {
		a    Address
		want string
	}{
		{Address{Name: "Mary Jane", Mailbox: "mary", Host: "jane.org"}, "mary@jane.org"},
		{Address{Mailbox: "local"}, "local"},
		{Address{Group: "undisclosed-recipients"}, ""},
	} {
		if got := tc.a.Addr(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestParseMailDate(t *testing.T) {
	zone := func(h, m int) *time.Location { return time.FixedZone("", (h*60+m)*60) }
	for _, tc := range []struct {
		in   string
		want time.Time // zero: not parsed
	}{
		{"Sun, 24 Mar 2013 22:06:10 +0200", time.Date(2013, 3, 24, 22, 6, 10, 0, zone(2, 0))},
		{"24 Mar 2013 22:06:10 +0200", time.Date(2013, 3, 24, 22, 6, 10, 0, zone(2, 0))},
		{"Sun, 24 Mar 2013 22:06 -0930", time.Date(2013, 3, 24, 22, 6, 0, 0, zone(-9, -30))},
		{"Sun,  24   Mar 2013   22:06:10   +0000  (UTC)", time.Date(2013, 3, 24, 22, 6, 10, 0, time.UTC)},
		{"Mon, 1 Jan 2024 09:00:00 GMT", time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)},
		{"Mon, 1 Jan 2024 09:00:00 UT", time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)},
		{"Mon, 1 Jan 2024 09:00:00 EST", time.Date(2024, 1, 1, 9, 0, 0, 0, zone(-5, 0))},
		{"Mon, 1 Jul 2024 09:00:00 EDT", time.Date(2024, 7, 1, 9, 0, 0, 0, zone(-4, 0))},
		{"Mon, 1 Jan 2024 09:00:00 CST", time.Date(2024, 1, 1, 9, 0, 0, 0, zone(-6, 0))},
		{"Mon, 1 Jul 2024 09:00:00 CDT", time.Date(2024, 7, 1, 9, 0, 0, 0, zone(-5, 0))},
		{"Mon, 1 Jan 2024 09:00:00 MST", time.Date(2024, 1, 1, 9, 0, 0, 0, zone(-7, 0))},
		{"Mon, 1 Jul 2024 09:00:00 MDT", time.Date(2024, 7, 1, 9, 0, 0, 0, zone(-6, 0))},
		{"Mon, 1 Jan 2024 09:00:00 PST", time.Date(2024, 1, 1, 9, 0, 0, 0, zone(-8, 0))},
		{"Mon, 1 Jul 2024 09:00:00 pdt", time.Date(2024, 7, 1, 9, 0, 0, 0, zone(-7, 0))},
		{"Mon, 1 Jan 2024 09:00:00 Q", time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)},
		{"Mon, 1 Jan 2024 09:00:00 -0000", time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)},
		{"Mon, 1 Jan 2024 09:00:00", time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)},
		{"1 jan 99 09:00:00 +0100", time.Date(1999, 1, 1, 9, 0, 0, 0, zone(1, 0))},
		{"1 January 04 09:00:00 +0100", time.Date(2004, 1, 1, 9, 0, 0, 0, zone(1, 0))},
		{"1 Jan 104 09:00:00 +0100", time.Date(2004, 1, 1, 9, 0, 0, 0, zone(1, 0))},
		{"Thu, 01 Jan 1970 00:00:00 +0000 (Coordinated Universal Time)", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"Wed,\r\n 2 Feb 2022 10:00:00 +0100", time.Date(2022, 2, 2, 10, 0, 0, 0, zone(1, 0))},
		{"2-Feb-2022 10:00:00 +0100", time.Date(2022, 2, 2, 10, 0, 0, 0, zone(1, 0))},
		{"wtf", time.Time{}},
		{"", time.Time{}},
		{"Mon, 1 Foo 2024 09:00:00 +0000", time.Time{}},
		{"Mon, 1 Jan 2024 25:00:00 +0000", time.Time{}},
		{"Mon, 1 Jan 2024 09:00:00 +0099", time.Time{}},
		{"Mon, 1 Jan 2024 09:00:00 XYZ", time.Time{}},
		{"Mon, 40 Jan 2024 09:00:00 +0000", time.Time{}},
		{"Mon, 1 Jan 2024 09:00:00:00:00 +0000", time.Time{}},
		{"1 2 3 4 5 6 7 8 9 10", time.Time{}},
	} {
		got, ok := parseMailDate([]byte(tc.in))
		if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
			t.Errorf("%q: got %v %v, want %v", tc.in, got, ok, tc.want)
			continue
		}
		if ok {
			_, gotOff := got.Zone()
			_, wantOff := tc.want.Zone()
			if gotOff != wantOff {
				t.Errorf("%q: offset %d, want %d", tc.in, gotOff, wantOff)
			}
		}
	}
}

func TestFixedZoneCached(t *testing.T) {
	first := fixedZone(3600)
	if second := fixedZone(3600); first != second {
		t.Error("offset +0100 not cached")
	}
	if _, off := time.Date(2000, 1, 1, 0, 0, 0, 0, fixedZone(-4*3600-30*60)).Zone(); off != -16200 {
		t.Errorf("offset %d", off)
	}
	if _, off := time.Date(2000, 1, 1, 0, 0, 0, 0, fixedZone(17*3600+7)).Zone(); off != 17*3600+7 {
		t.Errorf("offset %d", off)
	}
}

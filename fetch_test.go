package imaplib

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fetchSummary prints the parts of a FetchMessage a table compares, one
// item a line, in a fixed order.
func fetchSummary(m *FetchMessage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seq=%d items=%v", m.SeqNum, m.Items)
	if m.UID != 0 {
		fmt.Fprintf(&b, " uid=%d", m.UID)
	}
	if m.Flags != nil {
		fmt.Fprintf(&b, " flags=%q", m.Flags)
	}
	if !m.InternalDate.IsZero() {
		fmt.Fprintf(&b, " date=%s", m.InternalDate.Format(time.RFC3339))
	}
	if m.Size != 0 {
		fmt.Fprintf(&b, " size=%d", m.Size)
	}
	if m.ModSeq != 0 {
		fmt.Fprintf(&b, " modseq=%d", m.ModSeq)
	}
	if m.GmailMsgID != 0 || m.GmailThreadID != 0 || m.GmailLabels != nil {
		fmt.Fprintf(&b, " gm=%d/%d/%q", m.GmailMsgID, m.GmailThreadID, m.GmailLabels)
	}
	for _, it := range sortedKeys(m.Sections) {
		s := m.Sections[it]
		fmt.Fprintf(&b, " body[%s]", it)
		if s.Partial {
			fmt.Fprintf(&b, "<%d>", s.Origin)
		}
		if s.Nil {
			b.WriteString("=NIL")
		} else {
			fmt.Fprintf(&b, "=%q", s.Data)
		}
	}
	for _, it := range sortedKeys(m.Binary) {
		fmt.Fprintf(&b, " binary[%s]=%q", it, m.Binary[it].Data)
	}
	for _, it := range sortedKeys(m.BinarySize) {
		fmt.Fprintf(&b, " binary.size[%s]=%d", it, m.BinarySize[it])
	}
	for _, it := range sortedKeys(m.Unknown) {
		fmt.Fprintf(&b, " %s=%q", it, m.Unknown[it])
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// Cases are facts from imapclient's parse_fetch_response tests and from
// servers met in the field, written anew.
func TestParseFetch(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []Datum
		want []string
	}{
		{"empty items", wireData("4 ()"), []string{"seq=4 items=[]"}},
		{"None", []Datum{{}}, nil},
		{"no data", nil, nil},
		{"uid and flags", wireData(`23 (UID 76 FLAGS (\Seen Stuff))`),
			[]string{`seq=23 items=[UID FLAGS] uid=76 flags=["\\Seen" "Stuff"]`}},
		{"lower-case item names", wireData(`23 (uiD 76 flags (\seen) rfc822.size 44)`),
			[]string{`seq=23 items=[UID FLAGS RFC822.SIZE] uid=76 flags=["\\seen"] size=44`}},
		{"empty flags", wireData(`1 (FLAGS ())`), []string{`seq=1 items=[FLAGS] flags=[]`}},
		{"] inside flags", wireData(`1 (FLAGS (\Seen [foo] $Label] \*))`),
			[]string{`seq=1 items=[FLAGS] flags=["\\Seen" "[foo]" "$Label]" "\\*"]`}},
		{"8-bit keyword", wireData("1 (FLAGS (\\Seen ключ))"),
			[]string{`seq=1 items=[FLAGS] flags=["\\Seen" "ключ"]`}},
		{"space before )", wireData(`1 (UID 5 FLAGS (\Seen ) )`),
			[]string{`seq=1 items=[UID FLAGS] uid=5 flags=["\\Seen"]`}},
		{"extra spaces", wireData(`1  (UID  5   FLAGS (\Seen))  `),
			[]string{`seq=1 items=[UID FLAGS] uid=5 flags=["\\Seen"]`}},
		{"raw line form", wireData(`* 7 FETCH (UID 9)`), []string{`seq=7 items=[UID] uid=9`}},
		{"two messages", wireData("2 (FLAGS (Foo Bar)) \r\n7 (FLAGS (Baz Sneeve))"),
			[]string{`seq=2 items=[FLAGS] flags=["Foo" "Bar"]`, `seq=7 items=[FLAGS] flags=["Baz" "Sneeve"]`}},
		{"same message twice is merged", wireData("2 (FLAGS (Foo Bar))\r\n2 (MODSEQ (4))"),
			[]string{`seq=2 items=[FLAGS MODSEQ] flags=["Foo" "Bar"] modseq=4`}},
		{"MODSEQ without parentheses", wireData("2 (MODSEQ 4)"), []string{`seq=2 items=[MODSEQ] modseq=4`}},
		{"unsolicited FLAGS mixed into a UID FETCH",
			wireData("1 (UID 10 BODY[] {2}\r\nhi)\r\n3 (FLAGS (\\Deleted))\r\n2 (UID 11 BODY[] {2}\r\nho)\r\n1 (FLAGS (\\Seen))"),
			[]string{
				`seq=1 items=[UID BODY[] FLAGS] uid=10 flags=["\\Seen"] body[]="hi"`,
				`seq=3 items=[FLAGS] flags=["\\Deleted"]`,
				`seq=2 items=[UID BODY[]] uid=11 body[]="ho"`,
			}},
		{"literals", wireData("1 (RFC822.TEXT {4}\r\nbody RFC822 {21}\r\nSubject: test\r\n\r\nbody)"),
			[]string{`seq=1 items=[RFC822.TEXT RFC822] body[]="Subject: test\r\n\r\nbody" body[TEXT]="body"`}},
		{"literal ends the response", wireData("1 (UID 3 BODY[] {3}\r\nabc"),
			[]string{}}, // checked as an error below
		{"section with brackets", wireData("1 (BODY[TEXT] {11}\r\nHi there.\r\n)"),
			[]string{`seq=1 items=[BODY[TEXT]] body[TEXT]="Hi there.\r\n"`}},
		{"header fields", wireData("123 (UID 31710 BODY[HEADER.FIELDS (from subject)] {9}\r\nSubject:\n)"),
			[]string{`seq=123 items=[UID BODY[HEADER.FIELDS (FROM SUBJECT)]] uid=31710 body[HEADER.FIELDS (FROM SUBJECT)]="Subject:\n"`}},
		{"partial", wireData("123 (UID 367 BODY[]<0> {20}\r\n01234567890123456789)"),
			[]string{`seq=123 items=[UID BODY[]<0>] uid=367 body[]<0>="01234567890123456789"`}},
		{"BODY.PEEK echoed and quoted data", wireData(`1 (BODY.PEEK[1.2]<5> "a\"b")`),
			[]string{`seq=1 items=[BODY.PEEK[1.2]<5>] body[1.2]<5>="a\"b"`}},
		{"NIL section", wireData(`1 (BODY[2] NIL)`), []string{`seq=1 items=[BODY[2]] body[2]=NIL`}},
		{"RFC822.HEADER", wireData("1 (RFC822.HEADER {4}\r\nA: b)"),
			[]string{`seq=1 items=[RFC822.HEADER] body[HEADER]="A: b"`}},
		{"binary", wireData("1 (BINARY[1] ~{3}\r\n\x00\x01\x02 BINARY.SIZE[1] 3)"),
			[]string{`seq=1 items=[BINARY[1] BINARY.SIZE[1]] binary[1]="\x00\x01\x02" binary.size[1]=3`}},
		{"internaldate", wireData(`1 (INTERNALDATE " 9-Feb-2007 17:08:08 -0430")`),
			[]string{`seq=1 items=[INTERNALDATE] date=2007-02-09T17:08:08-04:30`}},
		{"internaldate with zero", wireData(`1 (INTERNALDATE "09-Feb-2007 17:08:08 +0100" RFC822.SIZE 4)`),
			[]string{`seq=1 items=[INTERNALDATE RFC822.SIZE] date=2007-02-09T17:08:08+01:00 size=4`}},
		{"gmail", wireData(`1 (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 X-GM-LABELS (\Inbox \Sent Important "Muy Importante") UID 4)`),
			[]string{`seq=1 items=[X-GM-THRID X-GM-MSGID X-GM-LABELS UID] uid=4 gm=1278455344230334866/1278455344230334865/["\\Inbox" "\\Sent" "Important" "Muy Importante"]`}},
		{"gmail no labels", wireData(`1 (X-GM-LABELS ())`), []string{`seq=1 items=[X-GM-LABELS] gm=0/0/[]`}},
		{"unknown items kept raw", wireData("1 (EMAILID (M6d99ac3275bb4e) SAVEDATE NIL PREVIEW {5}\r\nhello UID 2)"),
			[]string{`seq=1 items=[EMAILID SAVEDATE PREVIEW UID] uid=2 EMAILID="(M6d99ac3275bb4e)" PREVIEW="{5}\r\nhello" SAVEDATE="NIL"`}},
		{"unknown list holding a literal", wireData("1 (X-THING (a {1}\r\nb c) UID 2)"),
			[]string{`seq=1 items=[X-THING UID] uid=2 X-THING="(a {1}\r\nb c)"`}},
		{"skips None among responses", []Datum{{}, bytesDatum([]byte("1 (UID 2)"))}, []string{`seq=1 items=[UID] uid=2`}},
	} {
		if tc.name == "literal ends the response" {
			continue
		}
		msgs, err := ParseFetch(tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if msgs == nil {
			t.Errorf("%s: nil slice, want an empty one", tc.name)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, fetchSummary(m))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestParseFetchErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []Datum
		offset int
		msg    string
		parsed int // messages returned with the error
	}{
		{"bad sequence number", wireData("abc ()"), 0, "expected a number", 0},
		{"no list", wireData("2 WHAT"), 2, "expected '('", 0},
		{"missing data", wireData("2"), 1, "expected '('", 0},
		{"odd pairs", wireData("1 (ONE)"), 6, "unexpected ')'", 0},
		{"bad UID", wireData("23 (UID X)"), 8, "expected a number", 0},
		{"unterminated", wireData(`1 (FLAGS (\Seen)`), 16, "expected a FETCH item name", 0},
		{"text after", wireData(`1 (UID 1) x`), 10, "text after the end", 0},
		{"second response bad", wireData("1 (UID 1)\r\n2 (UID -1)"), 16, "expected a number", 1},
		{"uid too big", wireData("1 (UID 4294967296)"), 7, "out of range", 0},
		{"bad date", wireData(`1 (INTERNALDATE "yesterday")`), 27, "bad INTERNALDATE", 0},
		{"literal size mismatch", []Datum{{Kind: KindTuple, Bytes: []byte("1 (BODY[] {5}"), Literal: []byte("abc")}, bytesDatum([]byte(")"))},
			10, "does not match", 0},
		{"literal cut short", wireData("1 (UID 3 BODY[] {3}\r\nab"), 16, "does not match", 0},
		{"deep unknown item", wireData("1 (X " + strings.Repeat("(", 100) + strings.Repeat(")", 100) + ")"),
			5 + MaxNesting, "nested more than", 0},
		{"deep body structure", wireData("1 (BODY " + strings.Repeat("(", 100)), 8 + MaxNesting, "nested more than", 0},
	} {
		msgs, err := ParseFetch(tc.data)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: got error %v, want a *ParseError", tc.name, err)
			continue
		}
		if pe.What != "FETCH" || pe.Offset != tc.offset || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%s: got %+v, want offset %d and %q", tc.name, pe, tc.offset, tc.msg)
		}
		if len(msgs) != tc.parsed {
			t.Errorf("%s: %d messages with the error, want %d", tc.name, len(msgs), tc.parsed)
		}
	}
}

func TestFetchMessageHasAndBody(t *testing.T) {
	msgs, err := ParseFetch(wireData("1 (UID 2 BODY[1.MIME] {3}\r\nabc)"))
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if !m.Has("uid") || !m.Has("BODY[1.mime]") || m.Has("FLAGS") {
		t.Errorf("Has: items %v", m.Items)
	}
	if b, ok := m.Body("1.mime"); !ok || string(b) != "abc" {
		t.Errorf("Body(1.mime) = %q, %v", b, ok)
	}
	if _, ok := m.Body("2"); ok {
		t.Error("Body(2) found")
	}
}

// Many messages, more than the linear search for merging covers.
func TestParseFetchManyMerged(t *testing.T) {
	var s strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&s, "%d (UID %d)\r\n", i, 100+i)
	}
	for i := 20; i >= 1; i -= 3 {
		fmt.Fprintf(&s, "%d (FLAGS (\\Seen))\r\n", i)
	}
	msgs, err := ParseFetch(wireData(s.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 20 {
		t.Fatalf("%d messages", len(msgs))
	}
	for i, m := range msgs {
		seen := (20-(i+1))%3 == 0
		if m.SeqNum != uint32(i+1) || m.UID != uint32(101+i) || (m.Flags != nil) != seen {
			t.Errorf("message %d: %s", i+1, fetchSummary(m))
		}
	}
}

package imaplib

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	data := wireData(`(\HasNoChildren) "/" "INBOX"` + "\r\n" +
		`(\HasChildren \Noselect) "." Entw&APw-rfe` + "\r\n" +
		`() NIL "flat"` + "\r\n" +
		"(\\Sent) \"/\" {5}\r\nSent \r\n" +
		`(\Subscribed) "/" "Old" ("CHILDINFO" ("SUBSCRIBED") "OLDNAME" ("Older"))` + "\r\n" +
		`( \Marked ) "/" NIL` + "\r\n" +
		`() "/" "A&B"`)
	got, err := ParseList(data, false)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, m := range got {
		lines = append(lines, fmt.Sprintf("%q %q %q %q %q", m.Attrs, m.Delim, m.Name, m.RawName, m.Extended))
	}
	want := []string{
		`["\\HasNoChildren"] "/" "INBOX" "INBOX" map[]`,
		`["\\HasChildren" "\\Noselect"] "." "Entwürfe" "Entw&APw-rfe" map[]`,
		`[] "" "flat" "flat" map[]`,
		`["\\Sent"] "/" "Sent " "Sent " map[]`,
		`["\\Subscribed"] "/" "Old" "Old" map["CHILDINFO":"(\"SUBSCRIBED\")" "OLDNAME":"(\"Older\")"]`,
		`["\\Marked"] "/" "NIL" "NIL" map[]`,
		`[] "/" "A&B" "A&B" map[]`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if !got[1].HasAttr(`\noselect`) || got[0].HasAttr(`\Noselect`) {
		t.Error("HasAttr")
	}
	// In UTF-8 mode the name is taken as it is.
	got, _ = ParseList(wireData(`() "/" "Entw&APw-rfe"`+"\r\n"+`() "/" "Entwürfe"`), true)
	if got[0].Name != "Entw&APw-rfe" || got[1].Name != "Entwürfe" {
		t.Errorf("UTF-8 mode: %q %q", got[0].Name, got[1].Name)
	}
	if got, err := ParseList([]Datum{{}}, false); err != nil || got == nil || len(got) != 0 {
		t.Errorf("None: %v %v", got, err)
	}
	if _, err := ParseList(wireData(`(\X) "/"`), false); err == nil {
		t.Error("a LIST without a name parsed")
	}
}

func TestParseStatus(t *testing.T) {
	got, err := ParseStatus(wireData(`"INBOX" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 unseen 3 RECENT 0 HIGHESTMODSEQ 7011231777 SIZE 123456 APPENDLIMIT 10)`), false)
	if err != nil {
		t.Fatal(err)
	}
	s := got[0]
	if s.Name != "INBOX" || s.Messages != 231 || s.UIDNext != 44292 || s.UIDValidity != 1 || s.Unseen != 3 ||
		s.HighestModSeq != 7011231777 || s.Size != 123456 || s.Items["APPENDLIMIT"] != 10 || len(s.Items) != 8 {
		t.Errorf("got %+v", s)
	}
	got, err = ParseStatus(wireData("{6}\r\nA&AOQ- (MESSAGES 1)"), false)
	if err != nil || got[0].Name != "Aä" || got[0].RawName != "A&AOQ-" {
		t.Errorf("literal name: %+v %v", got, err)
	}
	if _, err := ParseStatus(wireData(`"INBOX" (MESSAGES x)`), false); err == nil {
		t.Error("bad number parsed")
	}
}

func TestParseSearchAndSort(t *testing.T) {
	for _, tc := range []struct {
		data   []Datum
		want   []uint32
		modSeq uint64
	}{
		{wireData("1 2 3"), []uint32{1, 2, 3}, 0},
		{wireData("4"), []uint32{4}, 0},
		{wireData(""), []uint32{}, 0},
		{[]Datum{{}}, []uint32{}, 0},
		{wireData("1 2 3 (MODSEQ 999)"), []uint32{1, 2, 3}, 999},
		{wireData("1 2 3(modseq 999)"), []uint32{1, 2, 3}, 999},
		{wireData("1 2 (MODSEQ 9) 3 4"), []uint32{1, 2, 3, 4}, 9},
		{wireData("5 6\r\n7"), []uint32{5, 6, 7}, 0},
		{wireData(" 1  2 "), []uint32{1, 2}, 0},
	} {
		got, modSeq, err := ParseSearch(tc.data)
		if err != nil || !reflect.DeepEqual(got, tc.want) || modSeq != tc.modSeq {
			t.Errorf("%s: got %v %d %v, want %v %d", Repr("OK", tc.data), got, modSeq, err, tc.want, tc.modSeq)
		}
	}
	for _, bad := range []string{"1 x", "1 (FOO 3)", "4294967296"} {
		if _, _, err := ParseSearch(wireData(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if got, err := ParseSort(wireData("5 3 4")); err != nil || !reflect.DeepEqual(got, []uint32{5, 3, 4}) {
		t.Errorf("sort: %v %v", got, err)
	}
}

func TestParseSeqSet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []uint32
	}{
		{"1", []uint32{1}},
		{"2,10:12,15", []uint32{2, 10, 11, 12, 15}},
		{"5:3", []uint32{5, 4, 3}},
		{"4294967295", []uint32{4294967295}},
		{"4294967294:4294967295", []uint32{4294967294, 4294967295}},
	} {
		got, err := ParseSeqSet(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %v %v", tc.in, got, err)
		}
	}
	for _, bad := range []string{"", "1:*", "1,", "1:4294967295", "a", "1 2"} {
		if _, err := ParseSeqSet(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParseESearch(t *testing.T) {
	got, err := ParseESearch(wireData(`(TAG "A282") UID MIN 2 MAX 47 COUNT 5 ALL 2,10:11,47 MODSEQ 12` + "\r\n" +
		`(TAG "A283") COUNT 0` + "\r\n" + `(TAG "A284")`))
	if err != nil {
		t.Fatal(err)
	}
	want := []*ESearch{
		{Tag: "A282", UID: true, Min: 2, Max: 47, Count: 5, All: []uint32{2, 10, 11, 47}, ModSeq: 12,
			Items: []string{"MIN", "MAX", "COUNT", "ALL", "MODSEQ"}},
		{Tag: "A283", Items: []string{"COUNT"}},
		{Tag: "A284"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if _, err := ParseESearch(wireData("ALL 1:4294967295")); err == nil {
		t.Error("a huge ALL parsed")
	}
}

func threadString(ts []*Thread) string {
	var b strings.Builder
	var walk func(t *Thread)
	walk = func(t *Thread) {
		fmt.Fprintf(&b, "%d", t.Num)
		if len(t.Children) > 0 {
			b.WriteString("[")
			for i, c := range t.Children {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(c)
			}
			b.WriteString("]")
		}
	}
	for i, t := range ts {
		if i > 0 {
			b.WriteString(" ")
		}
		walk(t)
	}
	return b.String()
}

func TestParseThread(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// RFC 5256's example.
		{"(2)(3 6 (4 23)(44 7 96))", "2 3[6[4[23] 44[7[96]]]]"},
		{"((3)(5))", "0[3 5]"},
		{"(166)(167)(168)(169)(172)((170)(179))", "166 167 168 169 172 0[170 179]"},
		{"", ""},
		{"(1 2 3)", "1[2[3]]"},
	} {
		got, err := ParseThread(wireData(tc.in))
		if err != nil || threadString(got) != tc.want {
			t.Errorf("%q: got %q %v, want %q", tc.in, threadString(got), err, tc.want)
		}
	}
	for _, bad := range []string{"(1", "()", "(1 (2)(3) 4)", "(x)", strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)} {
		if _, err := ParseThread(wireData(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParseCapability(t *testing.T) {
	got, err := ParseCapability(wireData("IMAP4rev1 IDLE auth=PLAIN  LITERAL+"))
	if err != nil || strings.Join(got, " ") != "IMAP4REV1 IDLE AUTH=PLAIN LITERAL+" {
		t.Errorf("got %q %v", got, err)
	}
}

func TestParseQuotaAndACL(t *testing.T) {
	q, err := ParseQuota(wireData(`"" (STORAGE 10 512 MESSAGE 1 100)` + "\r\n" + `INBOX ()`))
	if err != nil || len(q) != 2 || q[0].Root != "" ||
		!reflect.DeepEqual(q[0].Resources, []QuotaResource{{"STORAGE", 10, 512}, {"MESSAGE", 1, 100}}) ||
		q[1].Root != "INBOX" || q[1].Resources != nil {
		t.Errorf("quota: %+v %v", q, err)
	}
	if _, err := ParseQuota(wireData(`"" (STORAGE 512)`)); err == nil {
		t.Error("a resource without a limit parsed")
	}
	mbox, roots, err := ParseQuotaRoot(wireData(`INBOX "" "user.alice"`))
	if err != nil || mbox != "INBOX" || !reflect.DeepEqual(roots, []string{"", "user.alice"}) {
		t.Errorf("quotaroot: %q %q %v", mbox, roots, err)
	}
	acl, err := ParseACL(wireData(`INBOX Fred rwipslxetad "Chris Smith" lrswi`))
	if err != nil || acl[0].Mailbox != "INBOX" ||
		!reflect.DeepEqual(acl[0].Rights, map[string]string{"Fred": "rwipslxetad", "Chris Smith": "lrswi"}) {
		t.Errorf("acl: %+v %v", acl, err)
	}
	mbox, rights, err := ParseMyRights(wireData(`"New folder" rwiptsldaex`))
	if err != nil || mbox != "New folder" || rights != "rwiptsldaex" {
		t.Errorf("myrights: %q %q %v", mbox, rights, err)
	}
}

func TestParseNamespaceAndID(t *testing.T) {
	ns, err := ParseNamespace(wireData(`(("" "/")) (("~" "/")("#users/" "/" "X-EXT" ("a"))) NIL`))
	want := &Namespaces{
		Personal: []Namespace{{"", "/"}},
		Other:    []Namespace{{"~", "/"}, {"#users/", "/"}},
	}
	if err != nil || !reflect.DeepEqual(ns, want) {
		t.Errorf("namespace: %+v %v", ns, err)
	}
	ns, err = ParseNamespace(wireData(`(("INBOX." NIL)) NIL (("#shared." "."))`))
	if err != nil || ns.Personal[0] != (Namespace{"INBOX.", ""}) || ns.Other != nil || ns.Shared[0].Prefix != "#shared." {
		t.Errorf("namespace: %+v %v", ns, err)
	}
	id, err := ParseID(wireData(`("name" "Dovecot" "version" NIL)`))
	if err != nil || !reflect.DeepEqual(id, map[string]string{"name": "Dovecot", "version": ""}) {
		t.Errorf("id: %v %v", id, err)
	}
	if id, err := ParseID(wireData("NIL")); err != nil || id != nil {
		t.Errorf("id NIL: %v %v", id, err)
	}
}

func TestResponseCodes(t *testing.T) {
	for _, tc := range []struct{ in, name, args, text string }{
		{"[APPENDUID 38505 3955] APPEND completed", "APPENDUID", "38505 3955", "APPEND completed"},
		{"[TRYCREATE] no such mailbox", "TRYCREATE", "", "no such mailbox"},
		{`[PERMANENTFLAGS (\Seen [foo] \*)] Flags permitted.`, "PERMANENTFLAGS", `(\Seen [foo] \*)`, "Flags permitted."},
		{"[uidnext 4]", "UIDNEXT", "4", ""},
		{`[ALERT] "quoted ] text"`, "ALERT", "", `"quoted ] text"`},
	} {
		c, ok := ParseResponseCode([]byte(tc.in))
		if !ok || c.Name != tc.name || string(c.Args) != tc.args || c.Text != tc.text {
			t.Errorf("%q: got %+v %v", tc.in, c, ok)
		}
	}
	for _, bad := range []string{"APPEND completed", "[", "[unclosed", "[] x", "[(x)] y"} {
		if c, ok := ParseResponseCode([]byte(bad)); ok {
			t.Errorf("%q: got %+v", bad, c)
		}
	}

	v, uids, err := ParseAppendUID([]byte("38505 3955:3957"))
	if err != nil || v != 38505 || !reflect.DeepEqual(uids, []uint32{3955, 3956, 3957}) {
		t.Errorf("APPENDUID: %d %v %v", v, uids, err)
	}
	v, src, dst, err := ParseCopyUID([]byte("38505 304,319:320 3956:3958"))
	if err != nil || v != 38505 || !reflect.DeepEqual(src, []uint32{304, 319, 320}) || !reflect.DeepEqual(dst, []uint32{3956, 3957, 3958}) {
		t.Errorf("COPYUID: %d %v %v %v", v, src, dst, err)
	}
	if _, _, _, err := ParseCopyUID([]byte("1 1:2 3")); err == nil {
		t.Error("COPYUID with sets of different sizes parsed")
	}
	flags, err := ParsePermanentFlags([]byte(`(\Deleted \Seen $Label] \*)`))
	if err != nil || !reflect.DeepEqual(flags, []string{`\Deleted`, `\Seen`, `$Label]`, `\*`}) {
		t.Errorf("PERMANENTFLAGS: %q %v", flags, err)
	}
	n, err := ParseCodeNumber([]Datum{bytesDatum([]byte("1")), bytesDatum([]byte("3857529045"))})
	if err != nil || n != 3857529045 {
		t.Errorf("UIDVALIDITY: %d %v", n, err)
	}
	var pe *ParseError
	if _, err := ParseCodeNumber([]Datum{{}}); !errors.As(err, &pe) {
		t.Errorf("no data: %v", err)
	}
	if _, _, err := ParseAppendUID([]byte("1 x")); !errors.As(err, &pe) || pe.What != "APPENDUID" || pe.Offset != 2 {
		t.Errorf("bad APPENDUID: %v", err)
	}
}

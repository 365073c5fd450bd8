package imaplib

import "testing"

func TestDecodeHeader(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"plain text", "plain text"},
		{"=?utf-8?q?caf=C3=A9?=", "café"},
		{"=?UTF-8?Q?caf=c3=a9_au_lait?=", "café au lait"},
		{"=?utf-8?b?R8O4cmls?=", "Gøril"},
		{"=?UTF-8?B?R8O4cmls?=", "Gøril"},
		{"=?utf-8?B?R8O4cmlsCg?=", "Gøril\n"}, // no padding
		{"=?KOI8-R?B?8NLJ18XU?=", "Привет"},
		{"=?koi8-r?q?=F0=D2=C9=D7=C5=D4?=", "Привет"},
		{"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト"},
		{"=?iso-8859-1?q?=E9t=E9?=", "été"},
		{"=?ISO-8859-15?Q?=A4?=", "€"},
		{"=?iso-8859-2?q?=B1?=", "ą"},
		{"=?windows-1251?B?z/Do4uXy?=", "Привет"},
		{"=?windows-1252?q?=80?=", "€"},
		{"=?cp1252?q?=93x=94?=", "“x”"},
		{"=?utf-8*en?q?hi?=", "hi"},
		// RFC 2047 section 6.2 and its examples (section 8).
		{"=?ISO-8859-1?Q?a?= b", "a b"},
		{"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"},
		{"=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=", "ab"},
		{"=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=", "ab"},
		{"=?ISO-8859-1?Q?a_b?=", "a b"},
		{"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"},
		{"(=?ISO-8859-1?Q?a?=)", "(a)"},
		{"a =?utf-8?q?b?= c", "a b c"},
		// A character split across two words comes out whole.
		{"=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "éé"},
		{"=?utf-8?q?=C3?= =?utf-8?q?=A9?=", "é"},
		// Broken words stay; their neighbours are decoded.
		{"=?bad =?utf-8?q?ok?=", "=?bad ok"},
		{"=?utf-8?q?ok?= =?utf-8?x?bad?= =?utf-8?q?ok?=", "ok =?utf-8?x?bad?= ok"},
		{"=?unknown-charset?q?x?= =?utf-8?q?y?=", "=?unknown-charset?q?x?= y"},
		{"=?utf-8?q?bad=ZZ?= =?utf-8?q?ok?=", "=?utf-8?q?bad=ZZ?= ok"},
		{"=?utf-8?b?!!!?= =?utf-8?b?b2s=?=", "=?utf-8?b?!!!?= ok"},
		{"=?utf-8?q?unterminated", "=?utf-8?q?unterminated"},
		{"=?=?utf-8?q?x?=", "=?x"},
		{"=??q?x?=", "=??q?x?="},
		{"=?utf-8?q?a b?=", "=?utf-8?q?a b?="},
		{"=?utf-8?q??=", ""},
		// Raw bytes that are not UTF-8 become U+FFFD; folded lines unfold.
		{"caf\xe9", "caf\uFFFD"},
		{"=?utf-8?q?=FF?=", "\uFFFD"},
		{"long\r\n subject", "long subject"},
		{"long\n\tsubject", "long\tsubject"},
		{"ünïcödé", "ünïcödé"},
	} {
		if got := DecodeHeader(tc.in); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

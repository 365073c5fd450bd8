package imaplib

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// mutf7Cases pairs UTF-8 names with their modified UTF-7 form. The expected
// values come from an independent Python implementation of RFC 3501 section
// 5.1.3 (base64 of the UTF-16BE of each run of non-printable characters, "/"
// replaced by ",", "=" removed), itself checked against Python's "utf-7"
// codec and the RFC's example.
var mutf7Cases = []struct{ utf8, mutf7 string }{
	{"", ""},
	{"INBOX", "INBOX"},
	{"Entwürfe", "Entw&APw-rfe"},
	{"A&B", "A&-B"},
	{"a\x01b", "a&AAE-b"},
	{"Входящие", "&BBIERQQ+BDQETwRJBDgENQ-"},
	{"Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"},
	{"Корзина", "&BBoEPgRABDcEOAQ9BDA-"},
	{"Черновики", "&BCcENQRABD0EPgQyBDgEOgQ4-"},
	{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
	{"日本語", "&ZeVnLIqe-"},
	{"📧 Mail", "&2D3c5w- Mail"},
	{"a😀b", "a&2D3eAA-b"},
	{"🙂🙃", "&2D3eQtg93kM-"},
	{"Entwürfe/%", "Entw&APw-rfe/%"},
	{"ü", "&APw-"},
	{"üü", "&APwA,A-"},
	{"üüü", "&APwA,AD8-"},
	{"üüüü", "&APwA,AD8APw-"},
	{"\x00", "&AAA-"},
	{"a\x7fb", "a&AH8-b"},
	{"\U0010ffff", "&2,,f,w-"},
	{"\ufffd", "&,,0-"},
	{"\ufeff", "&,v8-"},
	{"\u0080", "&AIA-"},
	{"\u00a0", "&AKA-"},
	{"&ü&", "&-&APw-&-"},
	{"&", "&-"},
	{"&&", "&-&-"},
	{"-&-", "-&--"},
	{"x\x01&\x01y", "x&AAE-&-&AAE-y"},
	{"Spam & Ham", "Spam &- Ham"},
	{"Données", "Donn&AOk-es"},
	{"Ελληνικά", "&A5UDuwO7A7cDvQO5A7oDrA-"},
	{"中文/邮件", "&Ti1lhw-/&kK5O9g-"},
	{"\x09\x0d\x0a", "&AAkADQAK-"},
	{"a\x00\x01\x02\x03b", "a&AAAAAQACAAM-b"},
	{"\ue000", "&4AA-"},
	{"Entwürfe-", "Entw&APw-rfe-"},
	{"ü-", "&APw--"},
	{"ü&", "&APw-&-"},
	{"ü ü", "&APw- &APw-"},
	{"\u0800", "&CAA-"},
	{"\uffff", "&,,8-"},
	{"\U00010000", "&2ADcAA-"},
}

// mutf7ControlCases is every C0 control and DEL between two letters, as
// CPython 3.16's test_control_characters sends them.
var mutf7ControlCases = []struct{ utf8, mutf7 string }{
	{"a\x00b", "a&AAA-b"},
	{"a\x01b", "a&AAE-b"},
	{"a\x02b", "a&AAI-b"},
	{"a\x03b", "a&AAM-b"},
	{"a\x04b", "a&AAQ-b"},
	{"a\x05b", "a&AAU-b"},
	{"a\x06b", "a&AAY-b"},
	{"a\x07b", "a&AAc-b"},
	{"a\x08b", "a&AAg-b"},
	{"a\x09b", "a&AAk-b"},
	{"a\x0ab", "a&AAo-b"},
	{"a\x0bb", "a&AAs-b"},
	{"a\x0cb", "a&AAw-b"},
	{"a\x0db", "a&AA0-b"},
	{"a\x0eb", "a&AA4-b"},
	{"a\x0fb", "a&AA8-b"},
	{"a\x10b", "a&ABA-b"},
	{"a\x11b", "a&ABE-b"},
	{"a\x12b", "a&ABI-b"},
	{"a\x13b", "a&ABM-b"},
	{"a\x14b", "a&ABQ-b"},
	{"a\x15b", "a&ABU-b"},
	{"a\x16b", "a&ABY-b"},
	{"a\x17b", "a&ABc-b"},
	{"a\x18b", "a&ABg-b"},
	{"a\x19b", "a&ABk-b"},
	{"a\x1ab", "a&ABo-b"},
	{"a\x1bb", "a&ABs-b"},
	{"a\x1cb", "a&ABw-b"},
	{"a\x1db", "a&AB0-b"},
	{"a\x1eb", "a&AB4-b"},
	{"a\x1fb", "a&AB8-b"},
	{"a\x7fb", "a&AH8-b"},
}

func TestModifiedUTF7Encode(t *testing.T) {
	for _, tc := range mutf7Cases {
		got, err := ModifiedUTF7.NewEncoder().String(tc.utf8)
		if err != nil || got != tc.mutf7 {
			t.Errorf("encode %+q = %q, %v; want %q", tc.utf8, got, err, tc.mutf7)
		}
	}
}

func TestModifiedUTF7Decode(t *testing.T) {
	for _, tc := range mutf7Cases {
		got, err := ModifiedUTF7.NewDecoder().String(tc.mutf7)
		if err != nil || got != tc.utf8 {
			t.Errorf("decode %q = %+q, %v; want %+q", tc.mutf7, got, err, tc.utf8)
		}
	}
}

func TestModifiedUTF7RFC3501(t *testing.T) {
	// The example of RFC 3501 section 5.1.3, in its order and in the reverse.
	for _, tc := range []struct{ utf8, mutf7 string }{
		{"~peter/mail/日本語/台北", "~peter/mail/&ZeVnLIqe-/&U,BTFw-"},
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
	} {
		enc, err := ModifiedUTF7.NewEncoder().String(tc.utf8)
		if err != nil || enc != tc.mutf7 {
			t.Errorf("encode %q = %q, %v; want %q", tc.utf8, enc, err, tc.mutf7)
		}
		dec, err := ModifiedUTF7.NewDecoder().String(tc.mutf7)
		if err != nil || dec != tc.utf8 {
			t.Errorf("decode %q = %q, %v; want %q", tc.mutf7, dec, err, tc.utf8)
		}
	}
}

func TestModifiedUTF7ControlCharacters(t *testing.T) {
	if len(mutf7ControlCases) != 33 {
		t.Fatalf("%d control cases, want 33 (C0 and DEL)", len(mutf7ControlCases))
	}
	for _, tc := range mutf7ControlCases {
		got, err := encodeMailboxUTF7(tc.utf8)
		if err != nil || got != tc.mutf7 {
			t.Errorf("encodeMailboxUTF7(%+q) = %q, %v; want %q", tc.utf8, got, err, tc.mutf7)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x20 || got[i] == 0x7f {
				t.Errorf("encodeMailboxUTF7(%+q) = %+q: raw control byte at %d", tc.utf8, got, i)
			}
		}
		back, err := decodeMailboxUTF7(got)
		if err != nil || back != tc.utf8 {
			t.Errorf("decodeMailboxUTF7(%q) = %+q, %v; want %+q", got, back, err, tc.utf8)
		}
	}
}

func TestModifiedUTF7EncodeInvalidUTF8(t *testing.T) {
	for _, in := range []string{
		"\xff",
		"\x80",
		"a\xc3",            // truncated at the end of input
		"\xe6\x97",         // truncated three-byte sequence
		"\xc3\xfc",         // bad continuation byte
		"\xc0\x80",         // overlong NUL
		"\xed\xa0\x80",     // UTF-8 of a surrogate
		"\xf4\x90\x80\x80", // beyond U+10FFFF
		"Entw\xfcrfe",      // Latin-1, not UTF-8
		"ü\xfe",
	} {
		got, err := ModifiedUTF7.NewEncoder().String(in)
		if !errors.Is(err, encoding.ErrInvalidUTF8) {
			t.Errorf("encode %+q = %q, %v; want %v", in, got, err, encoding.ErrInvalidUTF8)
		}
		if got, err := encodeMailboxUTF7(in); !errors.Is(err, encoding.ErrInvalidUTF8) {
			t.Errorf("encodeMailboxUTF7(%+q) = %q, %v; want %v", in, got, err, encoding.ErrInvalidUTF8)
		}
	}
}

// mutf7Invalid lists modified UTF-7 the decoder must refuse, with the reason.
var mutf7Invalid = []struct {
	in   string
	want error
}{
	// Outside a run only printable US-ASCII may appear.
	{"a\x01b", errMUTF7Byte},
	{"\x00", errMUTF7Byte},
	{"a\tb", errMUTF7Byte},
	{"a\r\nb", errMUTF7Byte},
	{"a\x7f", errMUTF7Byte},
	{"\x80", errMUTF7Byte},
	{"Entwürfe", errMUTF7Byte}, // raw UTF-8
	{"&APw-\xc3\xbc", errMUTF7Byte},

	// "&" must be followed by "-" or a run, and a run must end with "-".
	{"&", errMUTF7Unterminated},
	{"a&", errMUTF7Unterminated},
	{"Entw&APw-rfe&", errMUTF7Unterminated},
	{"&APw", errMUTF7Unterminated},
	{"Entw&APwrfe", errMUTF7Unterminated},

	// Only the modified base64 alphabet inside a run.
	{"A&B", errMUTF7Unterminated},
	{"Spam & Ham", errMUTF7Base64},
	{"&&-", errMUTF7Base64},
	{"&=-", errMUTF7Base64},
	{"&APw=-", errMUTF7Base64},   // padding
	{"&APw==-", errMUTF7Base64},  // padding
	{"&U/BTFw-", errMUTF7Base64}, // "/" instead of ","
	{"&AP w-", errMUTF7Base64},
	{"&APw\x00-", errMUTF7Base64},
	{"&APw\xc3\xbc-", errMUTF7Base64},
	{"&APw&-", errMUTF7Base64},

	// A run must end on a whole UTF-16 code unit, with fewer than six
	// padding bits, all zero.
	{"&A-", errMUTF7Padding},
	{"&AA-", errMUTF7Padding},        // one byte and four bits
	{"&AAAA-", errMUTF7Padding},      // three bytes: odd-length UTF-16
	{"&APwA-", errMUTF7Padding},      // "ü" and one more byte
	{"&APwA,AA-", errMUTF7Padding},   // five bytes
	{"&AAEAAQABA-", errMUTF7Padding}, // a character too many
	{"&APx-", errMUTF7Padding},       // non-zero padding bits
	{"&APz-", errMUTF7Padding},
	{"&APwA,B-", errMUTF7Padding},

	// Surrogates only in high-low pairs within one run.
	{"&2D0-", errMUTF7Surrogate},    // high alone
	{"&3gA-", errMUTF7Surrogate},    // low alone
	{"&2D0A,A-", errMUTF7Surrogate}, // high then "ü"
	{"&2D3YPQ-", errMUTF7Surrogate}, // high high
	{"&3gDYPQ-", errMUTF7Surrogate}, // low high
	{"&2D0-&3gA-", errMUTF7Surrogate},

	// Printable US-ASCII must represent itself.
	{"&AEE-", errMUTF7Direct},    // "A"
	{"&ACY-", errMUTF7Direct},    // "&" (which is written "&-")
	{"&ACA-", errMUTF7Direct},    // " "
	{"&AH4-", errMUTF7Direct},    // "~"
	{"&AC0-", errMUTF7Direct},    // "-"
	{"&AEEAQg-", errMUTF7Direct}, // "AB"
	{"&APwAQQ-", errMUTF7Direct}, // "üA"
	{"Entw&AHU-rfe", errMUTF7Direct},

	// One run per stretch of encoded characters.
	{"&AAE-&AAE-", errMUTF7Adjacent},
	{"&APw-&APw-", errMUTF7Adjacent},
	{"x&AAE-&-&AAE-&AAE-y", errMUTF7Adjacent},
}

func TestModifiedUTF7DecodeInvalid(t *testing.T) {
	for _, tc := range mutf7Invalid {
		got, err := ModifiedUTF7.NewDecoder().String(tc.in)
		if err != tc.want {
			t.Errorf("decode %+q = %+q, %v; want %v", tc.in, got, err, tc.want)
		}
		if got, err := decodeMailboxUTF7(tc.in); err == nil {
			t.Errorf("decodeMailboxUTF7(%+q) = %+q, nil; want an error", tc.in, got)
		}
		if isModifiedUTF7(tc.in) {
			t.Errorf("isModifiedUTF7(%+q) = true", tc.in)
		}
	}
}

func TestModifiedUTF7DecodeValidEdges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"&-", "&"},
		{"&--", "&-"},
		{"-&-", "-&"},
		{"&-&-", "&&"},
		{"&AAE-&-", "\x01&"},
		{"&-&AAE-", "&\x01"},
		{"&AAE-&-&AAE-", "\x01&\x01"},
		{"&AAE-a&AAE-", "\x01a\x01"},
		{"&AAA-", "\x00"}, // Dovecot refuses an encoded NUL; CPython's test_control_characters sends one
		{"&2ADcAA-", "\U00010000"},
		{"&2D3eAA-", "\U0001F600"},
	} {
		got, err := ModifiedUTF7.NewDecoder().String(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("decode %q = %+q, %v; want %+q", tc.in, got, err, tc.want)
		}
	}
}

func TestIsModifiedUTF7(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", true},
		{"INBOX", true},
		{"New folder", true},
		{"foo/%", true},
		{"*", true},
		{"Entw&APw-rfe", true},
		{"A&-B", true},
		{"-&-", true},
		{"~peter/mail/&U,BTFw-/&ZeVnLIqe-", true},
		{"Entwürfe", false},
		{"A&B", false},
		{"a\x01b", false},
		{"a\x00b", false},
		{"&", false},
		{"Spam & Ham", false},
		{"&AEE-", false},
		{"&AAE-&AAE-", false},
		{"\xff", false},
	} {
		if got := isModifiedUTF7(tc.in); got != tc.want {
			t.Errorf("isModifiedUTF7(%+q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestEncodeMailboxUTF7(t *testing.T) {
	// The expectations of CPython 3.16's test_mailbox, test_list_mailbox and
	// test_mutf7_mailbox_name, for the part this helper does.
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"INBOX", "INBOX"},
		{"New folder", "New folder"},
		{"Entwürfe", "Entw&APw-rfe"},
		{"Entw&APw-rfe", "Entw&APw-rfe"}, // already modified UTF-7: unchanged
		{"A&B", "A&-B"},
		{"A&-B", "A&-B"},
		{"a\x01b", "a&AAE-b"},
		{"Entwürfe/%", "Entw&APw-rfe/%"},
		{"foo/%", "foo/%"},
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
		{"Входящие", "&BBIERQQ+BDQETwRJBDgENQ-"},
		// Not valid modified UTF-7, so taken literally.
		{"&AAE-&AAE-", "&-AAE-&-AAE-"},
		{"&AEE-", "&-AEE-"},
		{"Spam & Ham", "Spam &- Ham"},
		{"&", "&-"},
	} {
		got, err := encodeMailboxUTF7(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("encodeMailboxUTF7(%+q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range mutf7Cases {
		want := tc.mutf7
		if isModifiedUTF7(tc.utf8) {
			want = tc.utf8
		}
		if got, err := encodeMailboxUTF7(tc.utf8); err != nil || got != want {
			t.Errorf("encodeMailboxUTF7(%+q) = %q, %v; want %q", tc.utf8, got, err, want)
		}
	}
}

func TestDecodeMailboxUTF7(t *testing.T) {
	for _, tc := range mutf7Cases {
		if got, err := decodeMailboxUTF7(tc.mutf7); err != nil || got != tc.utf8 {
			t.Errorf("decodeMailboxUTF7(%q) = %+q, %v; want %+q", tc.mutf7, got, err, tc.utf8)
		}
	}
}

// mutf7Drive runs tr over src the way a streaming caller does, with a
// destination of dstSize bytes and at most srcSize new source bytes per call,
// and fails the test if a call makes no progress while the transformer still
// has room to make some.
func mutf7Drive(t *testing.T, tr transform.Transformer, src []byte, dstSize, srcSize int) ([]byte, error) {
	t.Helper()
	tr.Reset()
	var out []byte
	dst := make([]byte, dstSize)
	for pos, stalls := 0, 0; ; {
		end := min(pos+srcSize+stalls, len(src))
		atEOF := end == len(src)
		nDst, nSrc, err := tr.Transform(dst, src[pos:end], atEOF)
		if nDst > len(dst) || nSrc > end-pos {
			t.Fatalf("Transform returned nDst=%d nSrc=%d for %d, %d bytes", nDst, nSrc, len(dst), end-pos)
		}
		out = append(out, dst[:nDst]...)
		pos += nSrc
		switch err {
		case nil:
			if pos != end {
				t.Fatalf("Transform returned nil with %d source bytes left", end-pos)
			}
			if atEOF {
				return out, nil
			}
			stalls = 0
		case transform.ErrShortDst:
			if nDst == 0 && nSrc == 0 {
				t.Fatalf("ErrShortDst without progress into a %d-byte dst", len(dst))
			}
			stalls = 0
		case transform.ErrShortSrc:
			if atEOF {
				t.Fatalf("ErrShortSrc at end of input")
			}
			if nDst == 0 && nSrc == 0 {
				stalls++ // give it one more byte of source
			}
		default:
			return out, err
		}
	}
}

func TestModifiedUTF7SmallBuffers(t *testing.T) {
	all := append(append([]struct{ utf8, mutf7 string }{}, mutf7Cases...), mutf7ControlCases...)
	for dstSize := 1; dstSize <= 9; dstSize++ {
		for srcSize := 1; srcSize <= 9; srcSize++ {
			for _, tc := range all {
				got, err := mutf7Drive(t, ModifiedUTF7.NewEncoder(), []byte(tc.utf8), dstSize, srcSize)
				if err != nil || string(got) != tc.mutf7 {
					t.Errorf("dst %d src %d: encode %+q = %q, %v; want %q", dstSize, srcSize, tc.utf8, got, err, tc.mutf7)
				}
				got, err = mutf7Drive(t, ModifiedUTF7.NewDecoder(), []byte(tc.mutf7), dstSize, srcSize)
				if err != nil || string(got) != tc.utf8 {
					t.Errorf("dst %d src %d: decode %q = %+q, %v; want %+q", dstSize, srcSize, tc.mutf7, got, err, tc.utf8)
				}
			}
			for _, tc := range mutf7Invalid {
				_, err := mutf7Drive(t, ModifiedUTF7.NewDecoder(), []byte(tc.in), dstSize, srcSize)
				if err != tc.want {
					t.Errorf("dst %d src %d: decode %+q: error %v, want %v", dstSize, srcSize, tc.in, err, tc.want)
				}
			}
			_, err := mutf7Drive(t, ModifiedUTF7.NewEncoder(), []byte("ab\xe6\x97"), dstSize, srcSize)
			if err != encoding.ErrInvalidUTF8 {
				t.Errorf("dst %d src %d: encode of a truncated rune: error %v, want %v", dstSize, srcSize, err, encoding.ErrInvalidUTF8)
			}
		}
	}
}

func TestModifiedUTF7OneByteReader(t *testing.T) {
	for _, tc := range mutf7Cases {
		var r io.Reader = transform.NewReader(iotest.OneByteReader(strings.NewReader(tc.utf8)), ModifiedUTF7.NewEncoder())
		got, err := io.ReadAll(iotest.OneByteReader(r))
		if err != nil || string(got) != tc.mutf7 {
			t.Errorf("encoding reader over %+q = %q, %v; want %q", tc.utf8, got, err, tc.mutf7)
		}
		r = ModifiedUTF7.NewDecoder().Reader(iotest.OneByteReader(strings.NewReader(tc.mutf7)))
		got, err = io.ReadAll(iotest.OneByteReader(r))
		if err != nil || string(got) != tc.utf8 {
			t.Errorf("decoding reader over %q = %+q, %v; want %+q", tc.mutf7, got, err, tc.utf8)
		}
	}
	for _, tc := range mutf7Invalid {
		r := ModifiedUTF7.NewDecoder().Reader(iotest.OneByteReader(strings.NewReader(tc.in)))
		if _, err := io.ReadAll(r); err != tc.want {
			t.Errorf("decoding reader over %+q: error %v, want %v", tc.in, err, tc.want)
		}
	}
	r := transform.NewReader(iotest.OneByteReader(strings.NewReader("Entw\xc3")), ModifiedUTF7.NewEncoder())
	if _, err := io.ReadAll(r); err != encoding.ErrInvalidUTF8 {
		t.Errorf("encoding reader over a truncated rune: error %v, want %v", err, encoding.ErrInvalidUTF8)
	}
}

func TestModifiedUTF7Writer(t *testing.T) {
	for _, tc := range mutf7Cases {
		var buf bytes.Buffer
		w := ModifiedUTF7.NewEncoder().Writer(&buf)
		for i := 0; i < len(tc.utf8); i++ {
			if _, err := w.Write([]byte{tc.utf8[i]}); err != nil {
				t.Fatalf("encoding writer, %+q byte %d: %v", tc.utf8, i, err)
			}
		}
		if err := w.(io.Closer).Close(); err != nil {
			t.Fatalf("encoding writer, %+q: Close: %v", tc.utf8, err)
		}
		if buf.String() != tc.mutf7 {
			t.Errorf("encoding writer over %+q = %q, want %q", tc.utf8, buf.String(), tc.mutf7)
		}
	}
}

func TestModifiedUTF7TransformerEdges(t *testing.T) {
	enc := ModifiedUTF7.NewEncoder()
	dec := ModifiedUTF7.NewDecoder()
	var dst [16]byte

	for _, tr := range []transform.Transformer{enc, dec} {
		if nDst, nSrc, err := tr.Transform(nil, nil, true); nDst != 0 || nSrc != 0 || err != nil {
			t.Errorf("%T: empty input = %d, %d, %v; want 0, 0, nil", tr, nDst, nSrc, err)
		}
		if nDst, nSrc, err := tr.Transform(nil, []byte("a"), true); nDst != 0 || nSrc != 0 || err != transform.ErrShortDst {
			t.Errorf("%T: no room = %d, %d, %v; want 0, 0, ErrShortDst", tr, nDst, nSrc, err)
		}
	}

	// A rune cut by the end of src waits for the rest, unless there is none.
	enc.Reset()
	if nDst, nSrc, err := enc.Transform(dst[:], []byte("a\xc3"), false); nDst != 1 || nSrc != 1 || err != transform.ErrShortSrc {
		t.Errorf("encoder, cut rune = %d, %d, %v; want 1, 1, ErrShortSrc", nDst, nSrc, err)
	}
	enc.Reset()
	if nDst, nSrc, err := enc.Transform(dst[:], []byte("a\xc3"), true); nDst != 1 || nSrc != 1 || err != encoding.ErrInvalidUTF8 {
		t.Errorf("encoder, cut rune at EOF = %d, %d, %v; want 1, 1, ErrInvalidUTF8", nDst, nSrc, err)
	}

	// A run stays open across calls until the input ends or turns ASCII.
	enc.Reset()
	nDst, nSrc, err := enc.Transform(dst[:], []byte("ü"), false)
	if string(dst[:nDst]) != "&AP" || nSrc != 2 || err != nil {
		t.Errorf("encoder, open run = %q, %d, %v; want \"&AP\", 2, nil", dst[:nDst], nSrc, err)
	}
	nDst, nSrc, err = enc.Transform(dst[:], []byte("ü"), false)
	if string(dst[:nDst]) != "wA," || nSrc != 2 || err != nil {
		t.Errorf("encoder, run continued = %q, %d, %v; want \"wA,\", 2, nil", dst[:nDst], nSrc, err)
	}
	nDst, nSrc, err = enc.Transform(dst[:], nil, true)
	if string(dst[:nDst]) != "A-" || nSrc != 0 || err != nil {
		t.Errorf("encoder, run closed at EOF = %q, %d, %v; want \"A-\", 0, nil", dst[:nDst], nSrc, err)
	}

	// Reset forgets an open run.
	enc.Reset()
	enc.Transform(dst[:], []byte("ü"), false)
	enc.Reset()
	if nDst, _, err := enc.Transform(dst[:], []byte("a"), true); string(dst[:nDst]) != "a" || err != nil {
		t.Errorf("encoder after Reset = %q, %v; want \"a\", nil", dst[:nDst], err)
	}

	// The decoder needs no look-ahead: it never asks for more source.
	dec.Reset()
	if nDst, nSrc, err := dec.Transform(dst[:], []byte("a&"), false); nDst != 1 || nSrc != 2 || err != nil {
		t.Errorf("decoder, trailing & = %d, %d, %v; want 1, 2, nil", nDst, nSrc, err)
	}
	if _, _, err := dec.Transform(dst[:], nil, true); err != errMUTF7Unterminated {
		t.Errorf("decoder, & at EOF: %v, want %v", err, errMUTF7Unterminated)
	}
	dec.Reset()
	if nDst, nSrc, err := dec.Transform(dst[:], []byte("-"), true); string(dst[:nDst]) != "-" || nSrc != 1 || err != nil {
		t.Errorf("decoder after Reset = %q, %d, %v; want \"-\", 1, nil", dst[:nDst], nSrc, err)
	}

	// A four-byte rune comes out byte by byte into a one-byte dst.
	dec.Reset()
	var got []byte
	src := []byte("&2D3eAA-")
	for len(src) > 0 || err == transform.ErrShortDst {
		var n, m int
		n, m, err = dec.Transform(dst[:1], src, true)
		got = append(got, dst[:n]...)
		src = src[m:]
		if n == 0 && m == 0 && err != nil {
			t.Fatalf("decoder stalled: %v", err)
		}
	}
	if string(got) != "😀" || err != nil {
		t.Errorf("decoder into a one-byte dst = %+q, %v; want %+q, nil", got, err, "😀")
	}
}

func TestModifiedUTF7String(t *testing.T) {
	if s := fmt.Sprint(ModifiedUTF7); s != "modified UTF-7 (RFC 3501)" {
		t.Errorf("fmt.Sprint(ModifiedUTF7) = %q", s)
	}
}

func ExampleModifiedUTF7() {
	enc := ModifiedUTF7.NewEncoder()
	for _, name := range []string{"Entwürfe", "Входящие"} {
		s, err := enc.String(name)
		if err != nil {
			panic(err)
		}
		fmt.Println(s)
	}

	dec := ModifiedUTF7.NewDecoder()
	for _, name := range []string{"Entw&APw-rfe", "&BBIERQQ+BDQETwRJBDgENQ-"} {
		s, err := dec.String(name)
		if err != nil {
			panic(err)
		}
		fmt.Println(s)
	}

	// Printable US-ASCII may not be hidden in base64.
	_, err := dec.String("&AEE-")
	fmt.Println(err)
	// Output:
	// Entw&APw-rfe
	// &BBIERQQ+BDQETwRJBDgENQ-
	// Entwürfe
	// Входящие
	// imaplib: modified UTF-7: printable US-ASCII in modified base64
}

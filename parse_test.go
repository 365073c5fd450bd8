package imaplib

import (
	"errors"
	"strings"
	"testing"
)

// wireData turns responses written as imaplib files them, one per CRLF
// line, each "{N}" at the end of a line followed by N bytes of literal,
// into the []Datum a command returns: a (header, literal) tuple for each
// literal and a bytes datum for the rest of the response. A literal cut
// short by the end of s keeps what there is.
func wireData(s string) []Datum {
	var data []Datum
	for len(s) > 0 {
		line, rest, _ := strings.Cut(s, "\r\n")
		n, ok, err := literalSize([]byte(line))
		if !ok || err != nil {
			data = append(data, Datum{Kind: KindBytes, Bytes: []byte(line)})
			s = rest
			continue
		}
		k := min(int64(len(rest)), n)
		data = append(data, Datum{Kind: KindTuple, Bytes: []byte(line), Literal: []byte(rest[:k])})
		s = rest[k:]
		if s == "" {
			// The response ended with the literal: imaplib still files
			// the (empty) text after it.
			data = append(data, Datum{Kind: KindBytes, Bytes: []byte{}})
		}
	}
	return data
}

func TestWireData(t *testing.T) {
	got := wireData("1 (BODY[] {5}\r\nhello FLAGS ())\r\n2 (UID 3)")
	want := []Datum{
		{Kind: KindTuple, Bytes: []byte("1 (BODY[] {5}"), Literal: []byte("hello")},
		{Kind: KindBytes, Bytes: []byte(" FLAGS ())")},
		{Kind: KindBytes, Bytes: []byte("2 (UID 3)")},
	}
	if Repr("OK", got) != Repr("OK", want) {
		t.Fatalf("got %s\nwant %s", Repr("OK", got), Repr("OK", want))
	}
}

// The lexer's tokens, with facts from imapclient's tokenizer tests: atoms
// with odd characters, quoted specials, brackets inside atoms.
func TestLexerTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // what skipValue returns for each value in turn
	}{
		{`FOO F.O:-O_0; \Seen`, []string{"FOO", "F.O:-O_0;", `\Seen`}},
		{`"TEST" 45 NIL ()`, []string{`"TEST"`, "45", "NIL", "()"}},
		{`(123 "foo" ("more" NIL) 66)`, []string{`(123 "foo" ("more" NIL) 66)`}},
		{`(123 "foo" ((0 1 2) "more" NIL) 66)`, []string{`(123 "foo" ((0 1 2) "more" NIL) 66)`}},
		{`foo[bar (foo [bar rrr])`, []string{`foo[bar`, `(foo [bar rrr])`}},
		{`"\"foo bar\"" "foo\\bar"`, []string{`"\"foo bar\""`, `"foo\\bar"`}},
	} {
		l := newLexer("test", wireData(tc.in))
		var got []string
		for !l.atEnd() {
			got = append(got, string(l.skipValue()))
			l.sp()
		}
		if l.err != nil {
			t.Errorf("%q: %v", tc.in, l.err)
			continue
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLexerStrings(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		isNil    bool
	}{
		{`"\"foo bar\""`, `"foo bar"`, false},
		{`"foo \"bar\""`, `foo "bar"`, false},
		{`"foo\\bar"`, `foo\bar`, false},
		{`"foo[bar rrr]"`, `foo[bar rrr]`, false},
		{`NIL`, ``, true},
		{`nil`, ``, true},
		{`""`, ``, false},
		{"{18}\r\n012\r\nabc def XYZ\r\n", "012\r\nabc def XYZ\r\n", false},
		{"~{3}\r\n\x00\x01\x02", "\x00\x01\x02", false},
		{`atom`, `atom`, false},
	} {
		l := newLexer("test", wireData(tc.in))
		s, isNil := l.nstring()
		if l.err != nil || string(s) != tc.want || isNil != tc.isNil {
			t.Errorf("%q: got %q nil=%v err=%v, want %q nil=%v", tc.in, s, isNil, l.err, tc.want, tc.isNil)
		}
	}
}

func TestLexerErrors(t *testing.T) {
	for _, tc := range []struct {
		data   []Datum
		offset int
		msg    string
	}{
		{wireData(`"abc next`), 0, "unterminated quoted string"},
		{[]Datum{{Kind: KindTuple, Bytes: []byte("{99}"), Literal: []byte("abc")}, {Kind: KindBytes}}, 0, "does not match"},
		{wireData(`{3} x`), 0, "a literal must end"},
		{wireData(strings.Repeat("(", MaxNesting+1)), MaxNesting, "nested more than"},
		{wireData(`abc (1 2`), 8, "end of response"},
	} {
		l := newLexer("test", tc.data)
		for l.err == nil && !l.atEnd() {
			l.skipValue()
		}
		var pe *ParseError
		if !errors.As(error(l.err), &pe) || pe.Offset != tc.offset || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%s: got %v, want offset %d and %q", Repr("", tc.data), l.err, tc.offset, tc.msg)
		}
	}
}

func TestParseErrorText(t *testing.T) {
	err := &ParseError{What: "FETCH", Offset: 12, Msg: "expected ')'"}
	if got := err.Error(); got != "imaplib: cannot parse FETCH at offset 12: expected ')'" {
		t.Errorf("got %q", got)
	}
}

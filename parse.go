package imaplib

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxNesting is the deepest nesting of parenthesised lists, and of body
// parts inside BODYSTRUCTURE, that the parsers accept. Deeper server data is
// a *ParseError rather than unbounded recursion or memory: real messages
// nest a handful of levels.
const MaxNesting = 64

// ParseError reports a response that a parser could not read.
type ParseError struct {
	// What names the response or item being parsed, such as "FETCH" or
	// "BODYSTRUCTURE".
	What string
	// Offset is the byte offset of the problem in what the parser was
	// given, counting the text of each Datum and the literal it carries
	// in order, as if they were one string.
	Offset int
	// Msg says what was expected or found.
	Msg string
}

// Error returns a text naming the response, the offset and the problem.
func (e *ParseError) Error() string {
	return "imaplib: cannot parse " + e.What + " at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// lexer reads the tokens of one response held in data: zero or more
// KindTuple datums, whose text ends with the {N} of the literal they carry,
// and a KindBytes datum with the rest. Errors are sticky: after the first,
// every read returns a zero value and err keeps the first.
type lexer struct {
	what string
	data []Datum
	i    int // current datum
	pos  int // position in data[i].Bytes
	base int // offset of data[i] in the response
	err  *ParseError

	// verbatim is true when the slice the last atom, nstring or quoted
	// returned lies in data[i].Bytes, so that string can share one copy
	// of that text among all the strings taken from it.
	verbatim bool
	strIdx   int // 1 + the index of the datum strText copies; 0 for none
	strText  string

	addrs []Address // scratch space for an address list
}

func newLexer(what string, data []Datum) *lexer {
	return &lexer{what: what, data: data}
}

func (l *lexer) text() []byte {
	if l.i >= len(l.data) {
		return nil
	}
	return l.data[l.i].Bytes
}

func (l *lexer) offset() int { return l.base + l.pos }

func (l *lexer) fail(format string, args ...any) {
	if l.err == nil {
		l.err = &ParseError{What: l.what, Offset: l.offset(), Msg: fmt.Sprintf(format, args...)}
	}
}

// peek returns the next byte of text, or 0 at the end of the response or
// of a datum's text (which only a literal may end).
func (l *lexer) peek() byte {
	if t := l.text(); l.err == nil && l.pos < len(t) {
		return t[l.pos]
	}
	return 0
}

// atEnd reports whether the response has no more text.
func (l *lexer) atEnd() bool {
	return l.err != nil || l.i >= len(l.data) || (l.pos >= len(l.data[l.i].Bytes) && l.i == len(l.data)-1)
}

// sp skips spaces. The grammar has exactly one between tokens; servers
// sometimes send more, or one before a closing parenthesis.
func (l *lexer) sp() {
	t := l.text()
	for l.pos < len(t) && (t[l.pos] == ' ' || t[l.pos] == '\t' || t[l.pos] == '\r' || t[l.pos] == '\n') {
		l.pos++
	}
}

// accept consumes c, after any spaces, if it is next.
func (l *lexer) accept(c byte) bool {
	l.sp()
	if l.peek() == c && c != 0 {
		l.pos++
		return true
	}
	return false
}

func (l *lexer) expect(c byte) bool {
	if l.accept(c) {
		return true
	}
	l.fail("expected %q, found %s", c, l.found())
	return false
}

// found describes the next byte for an error message.
func (l *lexer) found() string {
	if l.atEnd() {
		return "end of response"
	}
	if l.peek() == 0 {
		return "end of text before a literal"
	}
	return strconv.QuoteRune(rune(l.peek()))
}

// isAtomChar reports whether c may appear in an atom. Beyond RFC 3501's
// ATOM-CHAR it takes "]", "%" and "*", which real flags and keywords hold
// (\*, [foo], $Label]), and bytes above 0x7f, which servers in UTF-8 mode
// send unquoted.
func isAtomChar(c byte) bool {
	return c > ' ' && c != 0x7f && c != '(' && c != ')' && c != '{' && c != '"'
}

// atom reads an atom, or fails if none is next. The slice aliases the input.
func (l *lexer) atom() []byte {
	l.sp()
	t := l.text()
	start := l.pos
	for l.pos < len(t) && isAtomChar(t[l.pos]) {
		l.pos++
	}
	if l.pos == start {
		l.fail("expected an atom, found %s", l.found())
		return nil
	}
	l.verbatim = true
	return t[start:l.pos]
}

// string returns b, which the last atom, nstring or quoted returned, as a
// string. Strings taken from one datum's text share a single copy of it,
// so a response costs one allocation for all its strings rather than one
// each (the copy lives as long as any of them).
func (l *lexer) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if !l.verbatim || l.i >= len(l.data) {
		return string(b)
	}
	t := l.data[l.i].Bytes
	if l.strIdx != l.i+1 {
		l.strText, l.strIdx = string(t), l.i+1
	}
	start := cap(t) - cap(b) // b is t[start:start+len(b)]
	return l.strText[start : start+len(b)]
}

// sstr reads an nstring (NIL is "") and returns it as a string.
func (l *lexer) sstr() string {
	return l.string(l.str())
}

// utf8 is string for text that must be UTF-8: invalid sequences become
// U+FFFD.
func (l *lexer) utf8(b []byte) string {
	if utf8.Valid(b) {
		return l.string(b)
	}
	return validUTF8(b)
}

// header is string for a header field value: RFC 2047 words are decoded
// (see DecodeHeader).
func (l *lexer) header(b []byte) string {
	if bytes.IndexByte(b, '\n') < 0 && !bytes.Contains(b, []byte("=?")) {
		return l.utf8(b)
	}
	return decodeHeaderBytes(b)
}

// number reads an unsigned decimal number that fits in bits.
func (l *lexer) number(bits int) uint64 {
	l.sp()
	t := l.text()
	start := l.pos
	var n uint64
	for l.pos < len(t) && isDigit(t[l.pos]) {
		d := uint64(t[l.pos] - '0')
		if n > (1<<bits-1-d)/10 {
			l.pos = start
			l.fail("number out of range")
			return 0
		}
		n = n*10 + d
		l.pos++
	}
	if l.pos == start {
		l.fail("expected a number, found %s", l.found())
		return 0
	}
	if l.pos < len(t) && isAtomChar(t[l.pos]) && !strings.ContainsRune("]>,:", rune(t[l.pos])) {
		l.pos = start
		l.fail("expected a number, found %q", t[start:min(len(t), start+20)])
		return 0
	}
	return n
}

// nstring reads NIL, a quoted string, a literal or, tolerating servers
// that send one where a string belongs, an atom. isNil is true for NIL.
// The slice aliases the input unless a quoted string had escapes.
func (l *lexer) nstring() (s []byte, isNil bool) {
	l.sp()
	switch c := l.peek(); c {
	case '"':
		return l.quoted(), false
	case '{', '~':
		return l.literal(), false
	case '(', ')', 0:
		l.fail("expected a string, found %s", l.found())
		return nil, false
	}
	a := l.atom()
	if len(a) == 3 && (a[0]|0x20) == 'n' && (a[1]|0x20) == 'i' && (a[2]|0x20) == 'l' {
		return nil, true
	}
	return a, false
}

// str is nstring for a caller that treats NIL as the empty string.
func (l *lexer) str() []byte {
	s, _ := l.nstring()
	return s
}

// quoted reads a quoted string at the current position, undoing the \\ and
// \" escapes.
func (l *lexer) quoted() []byte {
	t := l.text()
	start := l.pos + 1
	escaped := false
	for j := start; j < len(t); j++ {
		switch t[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			l.pos = j + 1
			l.verbatim = !escaped
			if !escaped {
				return t[start:j]
			}
			out := make([]byte, 0, j-start)
			for k := start; k < j; k++ {
				if t[k] == '\\' && k+1 < j {
					k++
				}
				out = append(out, t[k])
			}
			return out
		}
	}
	l.fail("unterminated quoted string")
	return nil
}

// literal reads {N} or ~{N} (RFC 3516's literal8), which must end the
// datum's text, and returns the bytes the Datum carries for it.
func (l *lexer) literal() []byte {
	t := l.text()
	p := l.pos
	if p < len(t) && t[p] == '~' {
		p++
	}
	if p >= len(t) || t[p] != '{' {
		l.fail("expected a literal")
		return nil
	}
	end := bytes.IndexByte(t[p:], '}')
	if end < 0 || p+end != len(t)-1 || l.data[l.i].Kind != KindTuple {
		l.fail("a literal must end the text of a (header, literal) datum")
		return nil
	}
	d := l.data[l.i]
	if n, err := strconv.ParseUint(string(bytes.TrimSuffix(t[p+1:p+end], []byte("+"))), 10, 63); err != nil || n != uint64(len(d.Literal)) {
		l.fail("literal size %q does not match the %d bytes the datum holds", t[p+1:p+end], len(d.Literal))
		return nil
	}
	l.verbatim = false
	l.base += len(d.Bytes) + len(d.Literal)
	l.i++
	l.pos = 0
	return d.Literal
}

// skipValue reads one value of any shape (atom, string, literal, NIL or a
// list nested at most MaxNesting deep) and returns its raw text. A value
// within one datum's text is returned as a slice of it; one that spans a
// literal is copied, with "\r\n" after each {N} as on the wire.
func (l *lexer) skipValue() []byte {
	l.sp()
	si, spos := l.i, l.pos
	depth := 0
	for l.err == nil {
		l.sp()
		switch l.peek() {
		case '(':
			depth++
			if depth > MaxNesting {
				l.fail("lists nested more than %d deep", MaxNesting)
				return nil
			}
			l.pos++
		case ')':
			if depth == 0 {
				l.fail("unexpected ')'")
				return nil
			}
			depth--
			l.pos++
		case 0:
			l.fail("expected a value, found %s", l.found())
			return nil
		case '"', '{', '~':
			l.nstring()
		case '[':
			// A bracketed section in an item name, as in an unknown
			// BINARY.SIZE[1]-like item, is taken whole.
			l.bracket()
		default:
			l.atom()
		}
		if depth == 0 {
			break
		}
	}
	if l.err != nil {
		return nil
	}
	if si == l.i {
		return l.data[si].Bytes[spos:l.pos]
	}
	var out []byte
	for k := si; k <= l.i && k < len(l.data); k++ {
		d := l.data[k]
		from, to := 0, len(d.Bytes)
		if k == si {
			from = spos
		}
		if k == l.i {
			to = l.pos
		}
		out = append(out, d.Bytes[from:to]...)
		if k < l.i {
			out = append(out, '\r', '\n')
			out = append(out, d.Literal...)
		}
	}
	return out
}

// bracket reads "[...]" up to the matching "]", skipping quoted strings,
// and returns what is between the brackets.
func (l *lexer) bracket() []byte {
	t := l.text()
	if l.pos >= len(t) || t[l.pos] != '[' {
		l.fail("expected '['")
		return nil
	}
	start := l.pos + 1
	depth := 0
	for j := start; j < len(t); j++ {
		switch t[j] {
		case '"':
			e := quotedEnd(t, j)
			if e < 0 {
				l.fail("unterminated quoted string")
				return nil
			}
			j = e
		case '[':
			depth++
		case ']':
			if depth == 0 {
				l.pos = j + 1
				return t[start:j]
			}
			depth--
		}
	}
	l.fail("unterminated '['")
	return nil
}

// listStart consumes "(" and reports true, or consumes NIL and reports
// false; anything else fails.
func (l *lexer) listStart() bool {
	l.sp()
	if l.accept('(') {
		return true
	}
	if a, isNil := l.nstring(); !isNil && l.err == nil {
		l.fail("expected a list or NIL, found %q", a)
	}
	return false
}

// isNIL reports whether NIL is next, without consuming it.
func (l *lexer) isNIL() bool {
	l.sp()
	t := l.text()
	if l.pos+3 > len(t) {
		return false
	}
	w := t[l.pos : l.pos+3]
	if (w[0]|0x20) != 'n' || (w[1]|0x20) != 'i' || (w[2]|0x20) != 'l' {
		return false
	}
	return l.pos+3 == len(t) || !isAtomChar(t[l.pos+3])
}

// upperASCII returns b upper-cased as a string, without allocating for
// the item names servers send all the time.
func upperASCII(b []byte) string { return foldASCII(b, true) }

// lowerASCII returns b lower-cased as a string, interned for common
// MIME words.
func lowerASCII(b []byte) string { return foldASCII(b, false) }

// foldASCII returns b with its ASCII letters upper- or lower-cased, as a
// string taken from commonAtoms when it is there.
func foldASCII(b []byte, upper bool) string {
	lo, hi, delta := byte('A'), byte('Z'), byte('a'-'A')
	if upper {
		lo, hi, delta = 'a', 'z', -delta // adding 224 subtracts 32, modulo 256
	}
	var buf [32]byte
	u := buf[:0]
	if len(b) > len(buf) {
		u = make([]byte, 0, len(b))
	}
	for _, c := range b {
		if lo <= c && c <= hi {
			c += delta
		}
		u = append(u, c)
	}
	if s, ok := commonAtoms()[string(u)]; ok {
		return s
	}
	return string(u)
}

// commonAtoms holds the strings parsed results repeat for every message,
// so that each is allocated once per program rather than per message. It
// is built on first use: a program that never parses pays nothing at
// start-up.
var commonAtoms = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY", "BODYSTRUCTURE",
		"BODY.PEEK", "RFC822", "RFC822.HEADER", "RFC822.TEXT", "BINARY", "BINARY.PEEK",
		"BINARY.SIZE", "MODSEQ", "X-GM-MSGID", "X-GM-THRID", "X-GM-LABELS", "HEADER", "TEXT",
		"MIME", "", "1", "2", "3", "4", "5", "6", "7", "8", "9", "1.1", "1.2", "1.3", "2.1", "2.2", "2.3",
		"1.1.1", "1.1.2", "1.2.1", "1.2.2",
		`\Seen`, `\Answered`, `\Flagged`, `\Deleted`, `\Draft`, `\Recent`, `$Forwarded`,
		`$MDNSent`, `$Junk`, `$NotJunk`, `$Phishing`,
		"text", "plain", "html", "multipart", "mixed", "alternative", "related", "signed",
		"application", "octet-stream", "pdf", "image", "jpeg", "png", "gif", "message",
		"rfc822", "delivery-status", "report", "calendar",
		"7bit", "8bit", "binary", "base64", "quoted-printable",
		"attachment", "inline", "charset", "name", "filename", "boundary", "format",
		"us-ascii", "utf-8", "iso-8859-1", "flowed", "delsp", "size",
		"US-ASCII", "UTF-8", "ISO-8859-1",
	} {
		m[s] = s
	}
	return m
})

// flagString returns a flag as a string, interned when it is a system
// flag or common keyword; flags keep their case (RFC 3501 compares
// system flags case-insensitively, which the interning ignores).
func flagString(l *lexer, b []byte) string {
	if s, ok := commonAtoms()[string(b)]; ok {
		return s
	}
	return l.string(b)
}

// splitResponses calls fn with each response in data: a run of KindTuple
// datums ended by a KindBytes datum. KindNone datums, Python's None for
// "no such response", are skipped.
func splitResponses(data []Datum, fn func(resp []Datum, offset int) bool) {
	off := 0
	for i := 0; i < len(data); {
		if data[i].Kind == KindNone {
			i++
			continue
		}
		j := i
		for j < len(data) && data[j].Kind == KindTuple {
			j++
		}
		if j < len(data) && data[j].Kind == KindBytes {
			j++
		}
		if !fn(data[i:j], off) {
			return
		}
		for _, d := range data[i:j] {
			off += len(d.Bytes) + len(d.Literal)
		}
		i = j
	}
}

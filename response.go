package imaplib

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DatumKind tells which of Python's three shapes a Datum has.
type DatumKind uint8

const (
	// KindNone is Python's None, the zero Datum: a command found no
	// untagged response of the kind it returns.
	KindNone DatumKind = iota
	// KindBytes is a Python bytes object, held in Bytes.
	KindBytes
	// KindTuple is Python's (header, literal) tuple: Bytes is the response
	// text up to and including the {N} that announced the literal, Literal
	// is the N bytes that followed.
	KindTuple
)

// Datum is one element of the data list that every command returns, as in
// Python's (typ, [data, ...]). A FETCH of a message body yields a KindTuple
// Datum whose Literal is the body, followed by a KindBytes Datum holding the
// rest of the response (usually ")").
type Datum struct {
	// Kind says which of Python's shapes this is; the zero value is
	// KindNone, so a zero Datum prints as None.
	Kind DatumKind
	// Bytes is the response text for KindBytes, and for KindTuple the
	// text up to and including the {N} that announced the literal. The
	// CRLF is not included. nil for KindNone.
	Bytes []byte
	// Literal is the N bytes of the literal for KindTuple (a message body,
	// a header), exactly as the server sent them; nil otherwise.
	Literal []byte
}

func bytesDatum(b []byte) Datum { return Datum{Kind: KindBytes, Bytes: b} }

// IsNone reports whether d is Python's None.
func (d Datum) IsNone() bool { return d.Kind == KindNone }

// String returns exactly what Python's repr prints for the element:
// b'1 2 3', (b'1 (RFC822 {12}', b'...') or None.
func (d Datum) String() string {
	switch d.Kind {
	case KindBytes:
		return pyBytesRepr(d.Bytes)
	case KindTuple:
		return "(" + pyBytesRepr(d.Bytes) + ", " + pyBytesRepr(d.Literal) + ")"
	}
	return "None"
}

// Repr returns Python's repr of the (typ, data) pair a command returned,
// e.g. ('OK', [b'LOGIN completed']). A team moving a script from Python can
// diff the output of both versions line by line.
func Repr(typ string, data []Datum) string {
	var b strings.Builder
	b.WriteString("(")
	b.WriteString(pyStrRepr(typ))
	b.WriteString(", ")
	writeDataRepr(&b, data)
	b.WriteString(")")
	return b.String()
}

// ReprLists is Repr for the two results whose data is a list of lists,
// Getquotaroot's [[QUOTAROOT...], [QUOTA...]].
func ReprLists(typ string, data [][]Datum) string {
	var b strings.Builder
	b.WriteString("(")
	b.WriteString(pyStrRepr(typ))
	b.WriteString(", [")
	for i, l := range data {
		if i > 0 {
			b.WriteString(", ")
		}
		writeDataRepr(&b, l)
	}
	b.WriteString("])")
	return b.String()
}

// ReprData returns Python's repr of a data list, what print(data) shows:
// [b'1 2', (b'1 (RFC822 {3}', b'abc'), b')']. Repr prints the whole
// (typ, data) pair.
func ReprData(data []Datum) string {
	var b strings.Builder
	writeDataRepr(&b, data)
	return b.String()
}

// ReprBytes returns Python's repr of a bytes object, what print(b) shows
// for one element of data or a piece of it: b'...', with the quote Python
// picks and its escapes (\\, \t, \n, \r, \xNN).
func ReprBytes(b []byte) string { return pyBytesRepr(b) }

func writeDataRepr(b *strings.Builder, data []Datum) {
	b.WriteString("[")
	for i, d := range data {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.String())
	}
	b.WriteString("]")
}

// pyBytesRepr formats b as Python's repr(bytes) does.
func pyBytesRepr(b []byte) string {
	quote := byte('\'')
	if bytes.IndexByte(b, '\'') >= 0 && bytes.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	out := make([]byte, 0, len(b)+3)
	out = append(out, 'b', quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			out = append(out, '\\', c)
		case c == '\t':
			out = append(out, '\\', 't')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c < 0x20 || c >= 0x7f:
			out = append(out, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			out = append(out, c)
		}
	}
	out = append(out, quote)
	return string(out)
}

const hexDigits = "0123456789abcdef"

// pyStrRepr formats s as Python's repr(str) does, closely enough for the
// type names and texts this package produces (printable Unicode is kept).
func pyStrRepr(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch {
		case r == quote || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteRune(quote)
	return b.String()
}

// matchUntagged applies Python's Untagged_response and then Untagged_status
// patterns: "* TYPE[ data]" or "* NUMBER TYPE[ data]". The data returned
// is a copy: line may point into the read buffer.
func matchUntagged(line []byte) (typ string, dat []byte, ok bool) {
	if len(line) < 3 || line[0] != '*' || line[1] != ' ' {
		return
	}
	rest := line[2:]
	if n := typeRun(rest); n > 0 {
		typ = internType(rest[:n])
		if n < len(rest) && rest[n] == ' ' {
			return typ, bytes.Clone(rest[n+1:]), true
		}
		return typ, []byte{}, true
	}
	d := 0
	for d < len(rest) && isDigit(rest[d]) {
		d++
	}
	if d == 0 || d >= len(rest) || rest[d] != ' ' {
		return
	}
	n := typeRun(rest[d+1:])
	if n == 0 {
		return
	}
	typ = internType(rest[d+1 : d+1+n])
	after := rest[d+1+n:]
	if len(after) > 1 && after[0] == ' ' {
		// "* 1 FETCH (...)" becomes b'1 (...)': the number, a space, the data.
		dat = make([]byte, 0, d+len(after))
		dat = append(dat, rest[:d]...)
		dat = append(dat, after...)
		return typ, dat, true
	}
	return typ, bytes.Clone(rest[:d]), true
}

// typeRun is the length of the [A-Z-]+ run at the start of b.
func typeRun(b []byte) int {
	n := 0
	for n < len(b) && (b[n] >= 'A' && b[n] <= 'Z' || b[n] == '-') {
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// literalSize is Python's Literal pattern, .*{(\d+)}$: the line ends with a
// literal announcement {N}.
func literalSize(dat []byte) (int64, bool, error) {
	if len(dat) < 3 || dat[len(dat)-1] != '}' {
		return 0, false, nil
	}
	i := len(dat) - 2
	for i >= 0 && isDigit(dat[i]) {
		i--
	}
	if i < 0 || i == len(dat)-2 || dat[i] != '{' {
		return 0, false, nil
	}
	digits := dat[i+1 : len(dat)-1]
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, false, &AbortError{
			Msg: "literal size out of range: " + string(digits),
			Err: &LimitError{Limit: "literal size", Max: 1<<63 - 1},
		}
	}
	return n, true, nil
}

// matchResponseCode is Python's Response_code pattern applied at the start
// of the text: "[TYPE]" or "[TYPE data]" where data runs to the last "]"
// (deliberately greedy, so that flags containing "]" survive, issue 21815).
func matchResponseCode(dat []byte) (code string, data []byte, ok bool) {
	if len(dat) < 3 || dat[0] != '[' {
		return
	}
	n := typeRun(dat[1:])
	if n == 0 || 1+n >= len(dat) {
		return
	}
	// A shorter type run can never match: the next byte would be a type
	// character, neither the space nor the "]" the pattern needs.
	code = internType(dat[1 : 1+n])
	switch after := dat[1+n:]; after[0] {
	case ']':
		return code, nil, true
	case ' ':
		if end := bytes.LastIndexByte(after, ']'); end > 0 {
			return code, after[1:end], true
		}
	}
	return "", nil, false
}

// parenDepth strips quoted strings from data and returns depth plus the
// balance of parentheses: whether a literal left a list open.
func parenDepth(data []byte, depth int) int {
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			if end := quotedEnd(data, i); end > 0 {
				i = end
			}
		case '(':
			depth++
		case ')':
			depth--
		}
	}
	return depth
}

// quotedEnd returns the index of the quote that closes the quoted string
// opening at data[i], or -1 when the string is not well formed (Python's
// _quoted pattern then does not match there).
func quotedEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			if j+1 >= len(data) {
				return -1
			}
			j++
		case '"':
			return j
		}
	}
	return -1
}

// internType returns the response type in b as a string, without an
// allocation for the names servers send all the time.
func internType(b []byte) string {
	switch string(b) {
	case "FETCH":
		return "FETCH"
	case "OK":
		return "OK"
	case "NO":
		return "NO"
	case "BAD":
		return "BAD"
	case "BYE":
		return "BYE"
	case "EXISTS":
		return "EXISTS"
	case "RECENT":
		return "RECENT"
	case "EXPUNGE":
		return "EXPUNGE"
	case "SEARCH":
		return "SEARCH"
	case "LIST":
		return "LIST"
	case "LSUB":
		return "LSUB"
	case "FLAGS":
		return "FLAGS"
	case "CAPABILITY":
		return "CAPABILITY"
	case "STATUS":
		return "STATUS"
	case "READ-WRITE":
		return "READ-WRITE"
	case "READ-ONLY":
		return "READ-ONLY"
	case "UIDVALIDITY":
		return "UIDVALIDITY"
	case "UIDNEXT":
		return "UIDNEXT"
	case "PERMANENTFLAGS":
		return "PERMANENTFLAGS"
	}
	return string(b)
}

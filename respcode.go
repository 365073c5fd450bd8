package imaplib

import (
	"bytes"
)

// ResponseCode is a response code (RFC 3501 section 7.1) at the start of
// a status response's text, such as the "[APPENDUID 38505 3955] APPEND
// completed" that Append's data holds.
type ResponseCode struct {
	// Name is the code, upper-cased: "APPENDUID", "TRYCREATE", ...
	Name string
	// Args is the code's arguments as sent ("38505 3955"), empty for a
	// code without any. Pass it to ParseAppendUID, ParseCopyUID,
	// ParsePermanentFlags or ParseCodeNumber.
	Args []byte
	// Text is the human-readable text after the code.
	Text string
}

// ParseResponseCode reads the response code at the start of text, as in
// the data of a tagged response; ok is false when text has none. Args
// shares memory with text.
//
// The untagged codes (UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, ...) need no
// call: imaplib files them under their name, and IMAP4.Response("UIDNEXT")
// returns their arguments as data, as Python does.
func ParseResponseCode(text []byte) (code *ResponseCode, ok bool) {
	if len(text) < 3 || text[0] != '[' {
		return nil, false
	}
	// The code ends at the first "]" outside parentheses and quoted
	// strings, so that flags holding "]" (PERMANENTFLAGS ([x] \*)) stay
	// in it.
	end, depth := -1, 0
	for i := 1; i < len(text) && end < 0; i++ {
		switch text[i] {
		case '"':
			if q := quotedEnd(text, i); q > 0 {
				i = q
			}
		case '(':
			depth++
		case ')':
			depth--
		case ']':
			if depth <= 0 {
				end = i
			}
		}
	}
	if end < 0 {
		return nil, false
	}
	inner := text[1:end]
	name, args, _ := bytes.Cut(inner, []byte(" "))
	if len(name) == 0 || bytes.ContainsAny(name, "()\"{") {
		return nil, false
	}
	return &ResponseCode{
		Name: upperASCII(name),
		Args: args,
		Text: validUTF8(bytes.TrimLeft(text[end+1:], " ")),
	}, true
}

// ParseAppendUID reads the arguments of an APPENDUID code (RFC 4315):
// the mailbox's UIDVALIDITY and the UIDs of the appended messages.
func ParseAppendUID(args []byte) (uidValidity uint32, uids []uint32, err error) {
	l := newLexer("APPENDUID", []Datum{bytesDatum(args)})
	uidValidity = uint32(l.number(32))
	l.sp()
	uids = l.seqSet(nil)
	if err := l.end(); err != nil {
		return 0, nil, err
	}
	return uidValidity, uids, nil
}

// ParseCopyUID reads the arguments of a COPYUID code (RFC 4315), which
// COPY and MOVE answer with: the destination's UIDVALIDITY and the source
// and destination UIDs, paired by position.
func ParseCopyUID(args []byte) (uidValidity uint32, src, dst []uint32, err error) {
	l := newLexer("COPYUID", []Datum{bytesDatum(args)})
	uidValidity = uint32(l.number(32))
	l.sp()
	src = l.seqSet(nil)
	l.sp()
	dst = l.seqSet(nil)
	if err := l.end(); err != nil {
		return 0, nil, nil, err
	}
	if len(src) != len(dst) {
		return 0, nil, nil, &ParseError{What: "COPYUID", Offset: len(args),
			Msg: "the source and destination sets differ in size"}
	}
	return uidValidity, src, dst, nil
}

// ParsePermanentFlags reads the arguments of a PERMANENTFLAGS code, the
// flags that STORE keeps; `\*` means new keywords may be made.
func ParsePermanentFlags(args []byte) ([]string, error) {
	l := newLexer("PERMANENTFLAGS", []Datum{bytesDatum(args)})
	flags := flagList(l)
	if err := l.end(); err != nil {
		return nil, err
	}
	return flags, nil
}

// ParseCodeNumber reads the number of a code such as UIDVALIDITY,
// UIDNEXT, UNSEEN or HIGHESTMODSEQ from what IMAP4.Response returns for
// it: the last datum, the server's latest word.
func ParseCodeNumber(data []Datum) (uint64, error) {
	for i := len(data) - 1; i >= 0; i-- {
		if data[i].Kind == KindNone {
			continue
		}
		l := newLexer("response code", data[i:i+1])
		n := l.number(64)
		if err := l.end(); err != nil {
			return 0, err
		}
		return n, nil
	}
	return 0, &ParseError{What: "response code", Msg: "no data"}
}

// end checks that nothing but spaces is left and returns the error, if
// any, as an error interface (nil when there is none).
func (l *lexer) end() error {
	l.sp()
	if l.err == nil && !l.atEnd() {
		l.fail("unexpected %s", l.found())
	}
	if l.err != nil {
		return l.err
	}
	return nil
}

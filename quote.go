package imaplib

import (
	"fmt"

	"strings"
	"unicode/utf8"
)

// Arguments are encoded by the role they play in a command, as CPython
// 3.14.7 does (gh-40038), never by one global rule: mailbox names and other
// astrings become an atom or a quoted string, LIST patterns keep % and *,
// flag lists are parenthesised, and search criteria go out as given.

// raw is an argument sent as the caller wrote it.
func raw(s string) arg { return arg{b: []byte(s)} }

// none is Python's None argument: left out of the command.
var none = arg{}

// astring encodes a user name, ACL identifier, quota root or charset.
func (m *IMAP4) astring(fn, name, s string) (arg, error) {
	if err := m.checkEncodable(fn, name, s); err != nil {
		return arg{}, err
	}
	return arg{b: []byte(astringOf(s, false))}, nil
}

// mailbox encodes a mailbox name. Outside UTF-8 mode a name that is not
// already modified UTF-7 is converted to it (CPython 3.16, gh-49555), so
// "Entwürfe" goes out as Entw&APw-rfe; in UTF-8 mode it is sent as UTF-8.
func (m *IMAP4) mailbox(fn, name, s string, pattern bool) (arg, error) {
	if !m.utf8 {
		enc, err := encodeMailboxUTF7(s)
		if err != nil {
			return arg{}, &ArgumentError{Func: fn, Arg: name, Msg: fmt.Sprintf("mailbox name %q is not valid UTF-8", s), Python: UnicodeEncodeError}
		}
		s = enc
	}
	return arg{b: []byte(astringOf(s, pattern))}, nil
}

// astringOf is CPython's _astring (or, with pattern set, _list_mailbox):
// a well-formed quoted string passes unchanged, a safe non-empty word is
// sent as an atom, anything else is quoted.
func astringOf(s string, pattern bool) string {
	if isQuotedString(s) {
		return s
	}
	if s != "" && isAtom(s, pattern) {
		return s
	}
	return quoteString(s)
}

// isQuotedString reports whether s is exactly one well-formed quoted
// string, as CPython's _quoted pattern with fullmatch.
func isQuotedString(s string) bool {
	return len(s) >= 2 && s[0] == '"' && quotedEnd([]byte(s), 0) == len(s)-1
}

// isAtom reports whether s has none of the characters that force quoting:
// ( ) { space, controls, 8-bit bytes, % * \ and ". With pattern set, % and *
// are allowed, as LIST wildcards.
func isAtom(s string, pattern bool) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= 0x20 || c >= 0x7f:
			return false
		case c == '(' || c == ')' || c == '{' || c == '\\' || c == '"':
			return false
		case (c == '%' || c == '*') && !pattern:
			return false
		}
	}
	return true
}

// quoteString is CPython's _quote: escape \ and " and wrap in quotes.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// parenList is CPython's _set_quote: wrap in parentheses unless already
// wrapped.
func parenList(s string) arg {
	if len(s) > 0 && s[0] == '(' && s[len(s)-1] == ')' {
		return raw(s)
	}
	return raw("(" + s + ")")
}

// fetchParts is CPython's _fetch_parts: the ALL, FULL and FAST macros go
// out as they are, anything else as a parenthesised list.
func fetchParts(s string) arg {
	switch strings.ToUpper(s) {
	case "ALL", "FULL", "FAST":
		return raw(s)
	}
	return parenList(s)
}

// checkEncodable refuses non-ASCII text outside UTF-8 mode, where Python
// raises UnicodeEncodeError. Its message is Python's.
func (m *IMAP4) checkEncodable(fn, name, s string) error {
	// Text that is not valid UTF-8 stands for Python bytes, sent as given.
	if m.utf8 || !utf8.ValidString(s) {
		return nil
	}
	pos, first, last := 0, -1, -1
	var bad rune
	for _, r := range s {
		if r >= 0x80 {
			if first < 0 {
				first, bad = pos, r
			}
			if last < 0 || last == pos-1 {
				last = pos
			}
		}
		pos++
	}
	if first < 0 {
		return nil
	}
	var msg string
	if first == last {
		msg = fmt.Sprintf("'ascii' codec can't encode character %s in position %d: ordinal not in range(128)", pyCharRepr(bad), first)
	} else {
		msg = fmt.Sprintf("'ascii' codec can't encode characters in position %d-%d: ordinal not in range(128)", first, last)
	}
	return &ArgumentError{Func: fn, Arg: name, Msg: msg, Python: UnicodeEncodeError}
}

func pyCharRepr(r rune) string {
	switch {
	case r == utf8.RuneError:
		return `'\udcff'`
	case r < 0x100:
		return fmt.Sprintf(`'\x%02x'`, r)
	case r < 0x10000:
		return fmt.Sprintf(`'\u%04x'`, r)
	}
	return fmt.Sprintf(`'\U%08x'`, r)
}

// encodeCriterion encodes one search criterion. ASCII goes out as it is;
// text is encoded to charset when one is named (CPython 3.16, gh-153494)
// and quoted when it is a single word (CPython 3.16 sends it bare, which
// servers refuse),
// sent as UTF-8 in UTF-8 mode, and otherwise refused as Python refuses a
// non-ASCII str; a string that is not valid UTF-8 is taken to be bytes
// already in the caller's charset and sent as it is.
func (m *IMAP4) encodeCriterion(fn, charset, c string) (arg, error) {
	if m.utf8 || isASCII(c) || !utf8.ValidString(c) {
		return arg{b: []byte(c), bytes: true}, nil
	}
	if charset == "" {
		return arg{}, m.checkEncodable(fn, "criteria", c)
	}
	enc, codec, ok := criteriaEncoding(charset)
	if !ok {
		return arg{}, &ArgumentError{Func: fn, Arg: "charset", Msg: "unknown encoding: " + charset, Python: LookupError}
	}
	out := c
	switch {
	case codec == "ascii":
		return arg{}, &ArgumentError{Func: fn, Arg: "criteria", Msg: fmt.Sprintf("%s cannot encode %q", charset, c), Python: UnicodeEncodeError}
	case enc != nil:
		var err error
		if out, err = enc.NewEncoder().String(c); err != nil {
			return arg{}, &ArgumentError{Func: fn, Arg: "criteria", Msg: fmt.Sprintf("%s cannot encode %q: %v", charset, c, err), Python: UnicodeEncodeError}
		}
	}
	// 8-bit text is not an atom: servers refuse it bare ("8bit data in
	// atom"), so a criterion that is one word of text goes out quoted.
	if !isQuotedString(out) && !strings.ContainsAny(out, " ()") {
		out = quoteString(out)
	}
	return arg{b: []byte(out), bytes: true}, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

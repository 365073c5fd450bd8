package imaplib

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
)

// BodyStructure is one part of a FETCH BODYSTRUCTURE (or BODY) item: the
// MIME structure of a message as the server parsed it, without its
// contents. The root is the whole message.
//
// Type, Subtype, Encoding and Disposition are lower-cased ("text",
// "plain", "base64", "attachment"); parameter names are lower-cased and
// their values kept in case. A field the server sent as NIL, or did not
// send, is empty: BODY has no extension data (MD5 and what follows), and
// some servers leave out more.
type BodyStructure struct {
	// Part is the part number to fetch this part's contents with, as in
	// BODY[Part] (RFC 3501 section 6.4.5): "1", "2.1", ... A message that
	// is not multipart has one part, "1". A multipart root is "" (BODY[]
	// is the whole message); a multipart that is the body of a
	// message/rfc822 part has that part's number, its children continue
	// from it ("3.1", "3.2").
	Part string
	// Type and Subtype are the media type, e.g. "text" and "plain".
	Type    string
	Subtype string
	// Params are the Content-Type parameters by lower-cased name, with
	// RFC 2231 continuations joined and their charset decoded (an
	// extended "name*" value replaces a plain "name"), and RFC 2047
	// encoded words in name and filename decoded, as mailers send them.
	Params map[string]string
	// ID and Description are Content-ID and Content-Description.
	ID          string
	Description string
	// Encoding is the Content-Transfer-Encoding, e.g. "base64".
	Encoding string
	// Size is the size of the part's contents in octets, in its transfer
	// encoding.
	Size int64
	// Lines is the size in text lines, for text/* and message/rfc822
	// parts.
	Lines int64
	// MD5 is the Content-MD5 value (extension data).
	MD5 string
	// Disposition and DispositionParams are the Content-Disposition type
	// ("attachment", "inline") and parameters, decoded as Params.
	Disposition       string
	DispositionParams map[string]string
	// Language is the Content-Language list.
	Language []string
	// Location is the Content-Location URI.
	Location string
	// Children are the parts of a multipart; for a message/rfc822 part,
	// the one body of the message it encapsulates. Extension data after
	// Location (RFC 3501 body-extension) is skipped.
	Children []*BodyStructure
	// Envelope is the envelope of a message/rfc822 part's message.
	Envelope *Envelope
}

// MIMEType returns "type/subtype", e.g. "text/plain".
func (b *BodyStructure) MIMEType() string { return b.Type + "/" + b.Subtype }

// IsMultipart reports whether the part is a multipart/*.
func (b *BodyStructure) IsMultipart() bool { return b.Type == "multipart" }

// Filename returns the part's file name: the Content-Disposition filename
// parameter (where RFC 6266's filename* wins over filename; Params
// already holds the winner), else Content-Type's name parameter, else "".
func (b *BodyStructure) Filename() string {
	if f := b.DispositionParams["filename"]; f != "" {
		return f
	}
	return b.Params["name"]
}

// IsAttachment reports whether a mail program would show the part as an
// attachment: a part that is not multipart and whose disposition is
// "attachment", or whose disposition is "inline" or absent but which has
// a file name and is not text/* (an inline image with a name counts; a
// named text/plain body shown inline does not).
func (b *BodyStructure) IsAttachment() bool {
	switch {
	case b.IsMultipart():
		return false
	case b.Disposition == "attachment":
		return true
	}
	return b.Filename() != "" && b.Type != "text"
}

// Walk calls fn for b and every part below it, depth first in part
// order. When fn returns false, Walk does not go into that part's
// children.
func (b *BodyStructure) Walk(fn func(*BodyStructure) bool) {
	if b == nil || !fn(b) {
		return
	}
	for _, c := range b.Children {
		c.Walk(fn)
	}
}

// Attachments returns the parts for which IsAttachment is true, in part
// order. It does not look inside an attachment (a message/rfc822 sent as
// an attachment is one entry, not its parts).
func (b *BodyStructure) Attachments() []*BodyStructure {
	var out []*BodyStructure
	b.Walk(func(p *BodyStructure) bool {
		if p.IsAttachment() {
			out = append(out, p)
			return false
		}
		return true
	})
	return out
}

// FindPart returns the part with the part number part ("1.2"), or nil. A
// message/rfc822 part and the multipart body inside it share a number;
// FindPart returns the message/rfc822 part.
func (b *BodyStructure) FindPart(part string) *BodyStructure {
	var found *BodyStructure
	b.Walk(func(p *BodyStructure) bool {
		if found != nil {
			return false
		}
		if p.Part == part {
			found = p
			return false
		}
		return true
	})
	return found
}

// parseBodyStructure reads a BODYSTRUCTURE or BODY value.
func parseBodyStructure(l *lexer) *BodyStructure {
	return parseBody(l, 1, "", true)
}

// joinPart returns the part number of the n-th part inside prefix,
// interned for the common small numbers.
func joinPart(prefix string, n int) string {
	var buf [24]byte
	p := buf[:0]
	if prefix != "" {
		if len(prefix) > 16 {
			return prefix + "." + strconv.Itoa(n)
		}
		p = append(append(p, prefix...), '.')
	}
	p = strconv.AppendInt(p, int64(n), 10)
	if s, ok := commonAtoms()[string(p)]; ok {
		return s
	}
	return string(p)
}

// parseBody reads one body at nesting depth. part is the part's number,
// or, when container is true (the root, or the body of a message/rfc822),
// the number of what contains it: a single part inside is then part.1.
func parseBody(l *lexer, depth int, part string, container bool) *BodyStructure {
	if depth > MaxNesting {
		l.fail("body parts nested more than %d deep", MaxNesting)
		return nil
	}
	if !l.listStart() {
		return nil // NIL: a server that could not parse the part
	}
	b := &BodyStructure{Part: part}
	l.sp()
	if l.peek() == '(' {
		b.Type = "multipart"
		b.Children = make([]*BodyStructure, 0, 4)
		for n := 1; l.err == nil && l.peek() == '('; n++ {
			b.Children = append(b.Children, parseBody(l, depth+1, joinPart(part, n), false))
			l.sp()
		}
		if l.accept(')') {
			return b
		}
		b.Subtype = lowerASCII(l.str())
		if l.accept(')') {
			return b
		}
		b.Params = paramList(l)
		if l.accept(')') {
			return b
		}
		bodyExtension(l, b)
		return b
	}
	if container {
		b.Part = joinPart(part, 1)
	}
	b.Type = lowerASCII(l.str())
	b.Subtype = lowerASCII(l.str())
	isMessage := b.Type == "message" && (b.Subtype == "rfc822" || b.Subtype == "global")
	extra := 0 // fields between the size and the MD5
	if isMessage || b.Type == "text" {
		extra = 1
	}
	for f := 0; ; f++ {
		if l.err != nil || l.accept(')') {
			return b
		}
		switch {
		case f == 0:
			b.Params = paramList(l)
		case f == 1:
			b.ID = l.sstr()
		case f == 2:
			b.Description = l.header(l.str())
		case f == 3:
			b.Encoding = lowerASCII(l.str())
		case f == 4:
			b.Size = numberOrNil(l)
		case f == 5 && isMessage:
			l.sp()
			switch c := l.peek(); {
			case c == '(':
				messageFields(l, b, depth)
			case isDigit(c):
				b.Lines = numberOrNil(l)
			default:
				// Dovecot sends a message/global it did not parse with
				// body fields only: this is already the MD5.
				b.MD5 = l.sstr()
				f++
			}
		case f == 5 && extra == 1:
			b.Lines = numberOrNil(l)
		case f == 5+extra:
			b.MD5 = l.sstr()
		default:
			bodyExtension(l, b)
			return b
		}
	}
}

// messageFields reads what follows the body fields of a message/rfc822
// part: the envelope, the body and the line count.
func messageFields(l *lexer, b *BodyStructure, depth int) {
	b.Envelope = parseEnvelope(l)
	if l.accept(')') {
		l.pos--
		return
	}
	if inner := parseBody(l, depth+1, b.Part, true); inner != nil {
		b.Children = []*BodyStructure{inner}
	}
	if l.accept(')') {
		l.pos--
		return
	}
	b.Lines = numberOrNil(l)
}

// bodyExtension reads the disposition, language, location and any further
// extension data, through the closing parenthesis of the body.
func bodyExtension(l *lexer, b *BodyStructure) {
	// body-fld-dsp: ("type" params) or NIL; some servers send a bare
	// string.
	l.sp()
	if l.accept('(') {
		b.Disposition = lowerASCII(l.str())
		if !l.accept(')') {
			b.DispositionParams = paramList(l)
			for l.err == nil && !l.accept(')') {
				l.skipValue()
			}
		}
	} else {
		b.Disposition = lowerASCII(l.str())
	}
	if l.err != nil || l.accept(')') {
		return
	}
	// body-fld-lang: a string, NIL or a list of strings.
	if l.accept('(') {
		for l.err == nil && !l.accept(')') {
			b.Language = append(b.Language, l.sstr())
		}
	} else if s, isNil := l.nstring(); !isNil && l.err == nil {
		b.Language = []string{l.string(s)}
	}
	if l.err != nil || l.accept(')') {
		return
	}
	b.Location = l.sstr()
	for l.err == nil && !l.accept(')') {
		l.skipValue()
	}
}

// numberOrNil reads a number, taking NIL (or a quoted number, as a few
// servers send) too.
func numberOrNil(l *lexer) int64 {
	l.sp()
	if c := l.peek(); c == '"' || c == 'N' || c == 'n' {
		s, _ := l.nstring()
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	return int64(l.number(63))
}

// paramList reads body-fld-param, ("name" "value" ...) or NIL, into a map
// (nil for NIL or an empty list).
func paramList(l *lexer) map[string]string {
	l.sp()
	if c := l.peek(); c == '"' {
		// A bare string where the list belongs (seen from broken
		// servers): ignore it.
		l.str()
		return nil
	}
	if !l.listStart() {
		return nil
	}
	var m map[string]string
	var ext []rawParam
	for l.err == nil && !l.accept(')') {
		k := l.str()
		if l.accept(')') {
			break // an odd count: a name without a value
		}
		v := l.str()
		if l.err != nil {
			break
		}
		if m == nil {
			m = make(map[string]string, 2)
		}
		if bytes.IndexByte(k, '*') >= 0 {
			ext = append(ext, rawParam{lowerASCII(k), v})
			continue
		}
		key := lowerASCII(k)
		if _, dup := m[key]; !dup {
			m[key] = paramValue(l, key, v)
		}
	}
	if len(ext) > 0 {
		joinRFC2231(m, ext)
	}
	return m
}

// paramValue returns a plain parameter value as a string. RFC 2047 words
// are decoded in file names (name, filename), where RFC 2047 forbids them
// but mailers write them all the same; other values, such as a boundary,
// stay exactly as sent.
func paramValue(l *lexer, key string, v []byte) string {
	switch key {
	case "name", "filename":
		return l.header(v)
	case "charset":
		if s, ok := commonAtoms()[string(v)]; ok {
			return s
		}
	}
	return l.utf8(v)
}

type rawParam struct {
	key string
	val []byte
}

// joinRFC2231 decodes the RFC 2231 parameters in ext ("name*",
// "name*0", "name*1*", ...) into m by their base name, replacing any
// plain parameter of that name.
func joinRFC2231(m map[string]string, ext []rawParam) {
	type seg struct {
		n   int
		enc bool
		val []byte
	}
	groups := map[string][]seg{}
	var order []string
	for _, p := range ext {
		star := strings.IndexByte(p.key, '*')
		base, rest := p.key[:star], p.key[star+1:]
		s := seg{enc: true}
		if rest != "" {
			s.enc = strings.HasSuffix(rest, "*")
			n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
			if err != nil || n < 0 || n > 999 {
				continue
			}
			s.n = n
		}
		s.val = p.val
		if _, ok := groups[base]; !ok {
			order = append(order, base)
		}
		groups[base] = append(groups[base], s)
	}
	for _, base := range order {
		segs := groups[base]
		slices.SortStableFunc(segs, func(a, b seg) int { return a.n - b.n })
		var val []byte
		charset := ""
		for i, s := range segs {
			if s.n != i {
				break // a gap or a repeat: keep what is contiguous
			}
			v := s.val
			if s.enc {
				if i == 0 {
					// charset'language'value
					if q := bytes.IndexByte(v, '\''); q >= 0 {
						if r := bytes.IndexByte(v[q+1:], '\''); r >= 0 {
							charset = string(v[:q])
							v = v[q+1+r+1:]
						}
					}
				}
				v = percentDecode(v)
			}
			val = append(val, v...)
		}
		if charset == "" {
			m[base] = validUTF8(val)
		} else if s, ok := convertCharset(charset, val); ok {
			m[base] = s
		} else {
			m[base] = validUTF8(val)
		}
	}
}

// percentDecode undoes RFC 2231's %XX escapes; a malformed escape is
// kept as it is.
func percentDecode(v []byte) []byte {
	if bytes.IndexByte(v, '%') < 0 {
		return v
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) {
			h, ok1 := unhex(v[i+1])
			lo, ok2 := unhex(v[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, v[i])
	}
	return out
}

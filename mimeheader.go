package imaplib

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// DecodeHeader decodes the RFC 2047 encoded words in a header field value,
// such as an ENVELOPE subject or a display name, and returns UTF-8.
//
// Every well-formed encoded word is decoded, Q or B, in either case, in any
// charset this package knows (those of Python's codecs that
// golang.org/x/text has: UTF-8, ISO-8859-x, windows-125x, KOI8-R/U,
// ISO-2022-JP, Shift_JIS, EUC-JP, EUC-KR, GBK, GB18030, Big5 and more; an
// RFC 2231 language suffix such as "utf-8*en" is ignored). A word that is
// not well formed, or names an unknown charset, stays as it was, and its
// neighbours are decoded all the same. White space between two adjacent
// encoded words is dropped (RFC 2047 section 6.2), and adjacent words in
// the same charset are converted together, so a character split across
// two words, as some mailers write them, comes out whole. Folded lines are
// unfolded. Bytes that are not UTF-8 outside encoded words become U+FFFD.
//
// This does not use mime.WordDecoder.DecodeHeader, which stops decoding at
// the first malformed word, fails the whole field for an unknown charset
// and converts each word on its own.
func DecodeHeader(s string) string {
	return decodeHeaderBytes([]byte(s))
}

func decodeHeaderBytes(b []byte) string {
	if bytes.Index(b, []byte("=?")) < 0 && bytes.IndexByte(b, '\n') < 0 {
		return validUTF8(b)
	}
	b = unfold(b)
	var (
		out       []byte
		pend      []byte // decoded bytes of adjacent words in one charset
		pendCS    string
		pendStart int // where the pending words start in b
		afterWord bool
		text      int // start of the text not yet written
	)
	flush := func(end int) {
		if pendCS == "" {
			return
		}
		if s, ok := convertCharset(pendCS, pend); ok {
			out = append(out, s...)
		} else {
			out = append(out, validUTF8(b[pendStart:end])...)
		}
		pend, pendCS = pend[:0], ""
	}
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte("=?"))
		if j < 0 {
			break
		}
		j += i
		cs, dec, end, ok := encodedWord(b, j)
		if !ok {
			i = j + 1
			continue
		}
		between := b[text:j]
		if afterWord && onlyWSP(between) {
			if !strings.EqualFold(cs, pendCS) {
				flush(text)
				pendStart = j
			}
		} else {
			flush(text)
			out = append(out, validUTF8(between)...)
			pendStart = j
		}
		pend = append(pend, dec...)
		pendCS = cs
		afterWord = true
		text, i = end, end
	}
	flush(text)
	out = append(out, validUTF8(b[text:])...)
	return string(out)
}

// encodedWord reads "=?charset?E?text?=" at b[i:] and returns its charset
// (without a language suffix), its decoded bytes and where it ends.
func encodedWord(b []byte, i int) (charset string, dec []byte, end int, ok bool) {
	p := i + 2
	k := p
	for k < len(b) && b[k] != '?' && b[k] > ' ' && b[k] < 0x7f {
		k++
	}
	if k == p || k+3 > len(b) || b[k] != '?' || b[k+2] != '?' {
		return "", nil, 0, false
	}
	cs := b[p:k]
	if star := bytes.IndexByte(cs, '*'); star >= 0 {
		cs = cs[:star]
	}
	enc := b[k+1] | 0x20
	t := k + 3
	e := t
	for e < len(b) && b[e] != '?' && b[e] > ' ' && b[e] < 0x7f {
		e++
	}
	if e+1 >= len(b) || b[e] != '?' || b[e+1] != '=' {
		return "", nil, 0, false
	}
	charset = string(cs)
	if _, _, known := criteriaEncoding(charset); !known || charset == "" {
		return "", nil, 0, false
	}
	switch enc {
	case 'q':
		dec, ok = decodeQ(b[t:e])
	case 'b':
		dec, ok = decodeB(b[t:e])
	}
	return charset, dec, e + 2, ok
}

func decodeQ(t []byte) ([]byte, bool) {
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		switch c := t[i]; c {
		case '_':
			out = append(out, ' ')
		case '=':
			if i+2 >= len(t) {
				return nil, false
			}
			h, ok1 := unhex(t[i+1])
			l, ok2 := unhex(t[i+2])
			if !ok1 || !ok2 {
				return nil, false
			}
			out = append(out, h<<4|l)
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeB decodes base64, with or without its padding.
func decodeB(t []byte) ([]byte, bool) {
	t = bytes.TrimRight(t, "=")
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(t)))
	n, err := base64.RawStdEncoding.Decode(out, t)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}

// convertCharset converts text in the named charset to UTF-8.
func convertCharset(charset string, text []byte) (string, bool) {
	enc, _, ok := criteriaEncoding(charset)
	if !ok {
		return "", false
	}
	if enc == nil {
		return validUTF8(text), true
	}
	out, err := enc.NewDecoder().Bytes(text)
	if err != nil {
		return "", false
	}
	return validUTF8(out), true
}

// validUTF8 returns b as a string with each invalid byte sequence replaced
// by U+FFFD.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func onlyWSP(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// unfold removes the line breaks of folded header lines (a CRLF or LF
// followed by a space or tab), keeping the white space.
func unfold(b []byte) []byte {
	if bytes.IndexByte(b, '\n') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' && i+2 < len(b) && b[i+1] == '\n' && (b[i+2] == ' ' || b[i+2] == '\t') {
			i++
			continue
		}
		if b[i] == '\n' && i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\t') {
			continue
		}
		out = append(out, b[i])
	}
	return out
}

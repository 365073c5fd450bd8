package imaplib

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
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
	if !bytes.Contains(b, []byte("=?")) && bytes.IndexByte(b, '\n') < 0 {
		return validUTF8(b)
	}
	b = unfold(b)
	var (
		out       strings.Builder
		pend      []byte // decoded bytes of adjacent words in one charset
		pendCS    []byte // their charset, nil when there are none
		afterWord bool   // the last thing read was a decoded word
		text      int    // start of the text not yet written
	)
	out.Grow(len(b))
	pend = make([]byte, 0, len(b)) // Q and B decode to fewer bytes than they take
	flush := func() {
		if pendCS != nil {
			writeCharset(&out, pendCS, pend)
		}
		pend, pendCS = pend[:0], nil
	}
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte("=?"))
		if j < 0 {
			break
		}
		j += i
		w, ok := encodedWord(b, j)
		if !ok {
			i = j + 1
			continue
		}
		if !afterWord || !onlyWSP(b[text:j]) {
			flush()
			writeValid(&out, b[text:j])
			text = j
		} else if !bytes.EqualFold(w.charset, pendCS) {
			flush()
		}
		mark := len(pend)
		if pend, ok = w.decode(pend); !ok {
			// Not well formed after all: it stays as text, and the
			// white space before it is no longer between two words.
			pend = pend[:mark]
			afterWord = false
			i = j + 1
			continue
		}
		pendCS = w.charset
		afterWord = true
		text, i = w.end, w.end
	}
	flush()
	writeValid(&out, b[text:])
	return out.String()
}

// word is an encoded word found in a header: its charset (without a
// language suffix), its encoding ('q' or 'b'), its encoded text, and where
// it ends.
type word struct {
	charset []byte
	enc     byte
	text    []byte
	end     int
}

// encodedWord finds the shape "=?charset?E?text?=" at b[i:], with a
// charset this package knows; the text is decoded by word.decode.
func encodedWord(b []byte, i int) (word, bool) {
	p := i + 2
	k := p
	for k < len(b) && b[k] != '?' && b[k] > ' ' && b[k] < 0x7f {
		k++
	}
	if k == p || k+3 > len(b) || b[k] != '?' || b[k+2] != '?' {
		return word{}, false
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
	if e+1 >= len(b) || b[e] != '?' || b[e+1] != '=' || (enc != 'q' && enc != 'b') || len(cs) == 0 {
		return word{}, false
	}
	if _, ok := charsetEncoding(cs); !ok {
		return word{}, false
	}
	return word{charset: cs, enc: enc, text: b[t:e], end: e + 2}, true
}

// decode appends the word's decoded bytes to dst.
func (w word) decode(dst []byte) ([]byte, bool) {
	if w.enc == 'q' {
		return decodeQ(dst, w.text)
	}
	return decodeB(dst, w.text)
}

func decodeQ(dst, t []byte) ([]byte, bool) {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; c {
		case '_':
			dst = append(dst, ' ')
		case '=':
			if i+2 >= len(t) {
				return dst, false
			}
			h, ok1 := unhex(t[i+1])
			l, ok2 := unhex(t[i+2])
			if !ok1 || !ok2 {
				return dst, false
			}
			dst = append(dst, h<<4|l)
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
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

// decodeB appends the base64 text t, with or without its padding, to
// dst.
func decodeB(dst, t []byte) ([]byte, bool) {
	t = bytes.TrimRight(t, "=")
	n := base64.RawStdEncoding.DecodedLen(len(t))
	dst = slices.Grow(dst, n)
	got, err := base64.RawStdEncoding.Decode(dst[len(dst):len(dst)+n], t)
	if err != nil {
		return dst, false
	}
	return dst[:len(dst)+got], true
}

// charsetEncoding looks up a charset as criteriaEncoding does, with no
// allocation for the charsets mail uses most. The encoding is nil for
// UTF-8 and US-ASCII.
func charsetEncoding(cs []byte) (encoding.Encoding, bool) {
	switch string(cs) {
	case "utf-8", "UTF-8", "Utf-8", "us-ascii", "US-ASCII", "utf8", "UTF8":
		return nil, true
	case "iso-8859-1", "ISO-8859-1":
		return charmap.ISO8859_1, true
	}
	enc, _, ok := criteriaEncoding(string(cs))
	return enc, ok
}

// convertCharset converts text in the named charset to UTF-8.
func convertCharset(charset string, text []byte) (string, bool) {
	if _, ok := charsetEncoding([]byte(charset)); !ok {
		return "", false
	}
	var out strings.Builder
	writeCharset(&out, []byte(charset), text)
	return out.String(), true
}

// writeCharset writes text, in a charset charsetEncoding knows, to out as
// UTF-8. Bytes the charset cannot decode become U+FFFD.
func writeCharset(out *strings.Builder, charset, text []byte) {
	enc, _ := charsetEncoding(charset)
	if enc == nil {
		writeValid(out, text)
		return
	}
	dec, err := enc.NewDecoder().Bytes(text)
	if err != nil {
		dec = text // cannot happen for x/text's decoders, which replace
	}
	writeValid(out, dec)
}

// writeValid writes b to out with each invalid UTF-8 sequence replaced by
// U+FFFD.
func writeValid(out *strings.Builder, b []byte) {
	for len(b) > 0 {
		i := 0
		for i < len(b) {
			if b[i] < utf8.RuneSelf {
				i++
				continue
			}
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		out.Write(b[:i])
		if i < len(b) {
			out.WriteString("\uFFFD")
			i++
		}
		b = b[i:]
	}
}

// validUTF8 returns b as a string with each invalid byte sequence replaced
// by U+FFFD.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	writeValid(&out, b)
	return out.String()
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

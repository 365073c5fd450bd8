package imaplib

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

// DecodeBody undoes the Content-Transfer-Encoding that part declares on raw,
// the bytes of a BODY[part.Part] section: base64 (line breaks, other
// characters outside the alphabet and missing padding are tolerated, as
// mail programs do), quoted-printable, and 7bit, 8bit, binary or none,
// which are returned as they are. A nil part means no encoding.
//
// An unknown encoding (such as x-uuencode) gives raw unchanged and a
// *ParseError; so does quoted-printable that cannot be decoded, with what
// was decoded before the fault.
func DecodeBody(part *BodyStructure, raw []byte) ([]byte, error) {
	enc := ""
	if part != nil {
		enc = lowerASCII([]byte(part.Encoding))
	}
	switch enc {
	case "", "7bit", "8bit", "binary":
		return raw, nil
	case "base64":
		clean := make([]byte, 0, len(raw))
		for _, c := range raw {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
				clean = append(clean, c)
			} else if c == '=' {
				break
			}
		}
		// A final group of one character carries no whole byte: drop it.
		if len(clean)%4 == 1 {
			clean = clean[:len(clean)-1]
		}
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, err := base64.RawStdEncoding.Decode(out, clean)
		if err != nil {
			return out[:n], &ParseError{What: "base64 body", Offset: n, Msg: err.Error()}
		}
		return out[:n], nil
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return out, &ParseError{What: "quoted-printable body", Offset: len(out), Msg: err.Error()}
		}
		return out, nil
	}
	return raw, &ParseError{What: "Content-Transfer-Encoding", Msg: "unknown encoding " + part.Encoding}
}

// DecodeText is DecodeBody followed by a conversion from the part's
// charset parameter to UTF-8 (no charset means US-ASCII, read as UTF-8).
// Invalid sequences become U+FFFD. An unknown charset gives the decoded
// bytes as UTF-8 and a *ParseError.
func DecodeText(part *BodyStructure, raw []byte) (string, error) {
	body, err := DecodeBody(part, raw)
	charset := ""
	if part != nil {
		charset = part.Params["charset"]
	}
	if charset == "" {
		return validUTF8(body), err
	}
	s, ok := convertCharset(charset, body)
	if !ok {
		if err == nil {
			err = &ParseError{What: "charset", Msg: "unknown charset " + charset}
		}
		return validUTF8(body), err
	}
	return s, err
}

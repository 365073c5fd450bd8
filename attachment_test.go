package imaplib

import (
	"errors"
	"testing"
)

func TestDecodeBody(t *testing.T) {
	for _, tc := range []struct {
		enc, raw, want string
		err            bool
	}{
		{"base64", "aGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n", "hello world", false},
		{"BASE64", "aGVsbG8", "hello", false},       // no padding
		{"base64", "aGVs bG8=\r\n", "hello", false}, // spaces
		{"base64", "aGVsbG8=\r\n--junk", "hello", false},
		{"base64", "aGVsbG8gd", "hello ", false}, // a stray last character
		{"base64", "", "", false},
		{"quoted-printable", "caf=C3=A9 =\r\nau lait\r\n", "café au lait\r\n", false},
		{"Quoted-Printable", "a=3Db", "a=b", false},
		{"quoted-printable", "bad=Z", "bad=Z", false}, // kept, as mail programs do
		{"7bit", "as is=41", "as is=41", false},
		{"8BIT", "\xe9", "\xe9", false},
		{"binary", "\x00\x01", "\x00\x01", false},
		{"", "raw", "raw", false},
		{"x-uuencode", "begin 644", "begin 644", true},
	} {
		got, err := DecodeBody(&BodyStructure{Encoding: tc.enc}, []byte(tc.raw))
		if string(got) != tc.want || (err != nil) != tc.err {
			t.Errorf("%s %q: got %q, %v; want %q, error %v", tc.enc, tc.raw, got, err, tc.want, tc.err)
		}
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Errorf("%s: error %T, want *ParseError", tc.enc, err)
		}
	}
	if got, err := DecodeBody(nil, []byte("x")); string(got) != "x" || err != nil {
		t.Errorf("nil part: %q %v", got, err)
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		enc, charset, raw, want string
		err                     bool
	}{
		{"base64", "koi8-r", "8NLJ18XU", "Привет", false},
		{"quoted-printable", "ISO-8859-1", "caf=E9", "café", false},
		{"8bit", "windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет", false},
		{"base64", "iso-2022-jp", "GyRCJUYlOSVIGyhC", "テスト", false},
		{"7bit", "", "plain", "plain", false},
		{"8bit", "utf-8", "ok \xff", "ok \uFFFD", false},
		{"8bit", "x-unknown", "a\xff", "a\uFFFD", true},
	} {
		p := &BodyStructure{Type: "text", Subtype: "plain", Encoding: tc.enc, Params: map[string]string{}}
		if tc.charset != "" {
			p.Params["charset"] = tc.charset
		}
		got, err := DecodeText(p, []byte(tc.raw))
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("%s %s %q: got %q, %v; want %q, error %v", tc.enc, tc.charset, tc.raw, got, err, tc.want, tc.err)
		}
	}
}

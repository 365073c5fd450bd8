package imaplib

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzModifiedUTF7RoundTrip checks that every valid UTF-8 name encodes to
// printable US-ASCII, whatever the buffer sizes, and decodes back to itself.
// Seeds are in testdata/fuzz/FuzzModifiedUTF7RoundTrip.
func FuzzModifiedUTF7RoundTrip(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			if _, err := ModifiedUTF7.NewEncoder().String(s); err == nil {
				t.Fatalf("encode %+q: no error for invalid UTF-8", s)
			}
			return
		}
		enc, err := ModifiedUTF7.NewEncoder().String(s)
		if err != nil {
			t.Fatalf("encode %+q: %v", s, err)
		}
		for i := 0; i < len(enc); i++ {
			if c := enc[i]; c < 0x20 || c > 0x7e {
				t.Fatalf("encode %+q = %+q: byte %#x at %d is not printable US-ASCII", s, enc, c, i)
			}
		}
		if !isModifiedUTF7(enc) {
			t.Fatalf("encode %+q = %q, which isModifiedUTF7 rejects", s, enc)
		}
		dec, err := ModifiedUTF7.NewDecoder().String(enc)
		if err != nil || dec != s {
			t.Fatalf("decode(encode %+q) = %+q, %v", s, dec, err)
		}

		// The same through one-byte and odd-sized buffers.
		for _, size := range [][2]int{{1, 1}, {3, 2}} {
			got, err := mutf7Drive(t, ModifiedUTF7.NewEncoder(), []byte(s), size[0], size[1])
			if err != nil || string(got) != enc {
				t.Fatalf("dst %d src %d: encode %+q = %q, %v; want %q", size[0], size[1], s, got, err, enc)
			}
			got, err = mutf7Drive(t, ModifiedUTF7.NewDecoder(), []byte(enc), size[0], size[1])
			if err != nil || string(got) != s {
				t.Fatalf("dst %d src %d: decode %q = %+q, %v; want %+q", size[0], size[1], enc, got, err, s)
			}
		}

		want := enc
		if isModifiedUTF7(s) {
			want = s
		}
		if got, err := encodeMailboxUTF7(s); err != nil || got != want {
			t.Fatalf("encodeMailboxUTF7(%+q) = %q, %v; want %q", s, got, err, want)
		}
	})
}

// FuzzModifiedUTF7Decode checks that the decoder survives any input and
// accepts only the canonical form: whatever it decodes re-encodes to the
// same bytes. Seeds are in testdata/fuzz/FuzzModifiedUTF7Decode.
func FuzzModifiedUTF7Decode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		dec, err := ModifiedUTF7.NewDecoder().Bytes(b)

		got, err1 := mutf7Drive(t, ModifiedUTF7.NewDecoder(), b, 1, 1)
		if err1 != err || (err == nil && !bytes.Equal(got, dec)) {
			t.Fatalf("decode %+q = %+q, %v; with one-byte buffers %+q, %v", b, dec, err, got, err1)
		}
		if ok := isModifiedUTF7(string(b)); ok != (err == nil) {
			t.Fatalf("isModifiedUTF7(%+q) = %v, decoder error %v", b, ok, err)
		}
		if err != nil {
			return
		}
		if !utf8.Valid(dec) {
			t.Fatalf("decode %+q = %+q: invalid UTF-8", b, dec)
		}
		enc, err := ModifiedUTF7.NewEncoder().Bytes(dec)
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("encode(decode %+q) = %+q, %v: not canonical", b, enc, err)
		}
	})
}

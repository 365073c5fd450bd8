package imaplib

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// ModifiedUTF7 is the modified UTF-7 encoding of IMAP mailbox names
// (RFC 3501 section 5.1.3), the form servers without UTF8=ACCEPT expect and
// return in SELECT, LIST and the other mailbox arguments and responses.
//
// Its encoder turns UTF-8 into modified UTF-7: printable US-ASCII other than
// "&" stands for itself, "&" becomes "&-", and every run of other characters,
// including the controls U+0000-U+001F and U+007F, becomes "&", the
// run's UTF-16BE code units in base64 with "," for "/" and no padding, and
// "-". The output is therefore always printable US-ASCII: it never holds NUL,
// CR or LF. "Entwürfe" encodes as "Entw&APw-rfe".
//
// Its decoder turns modified UTF-7 back into UTF-8 and accepts only the one
// form the encoder produces, so that decoding and re-encoding a name gives
// back the same bytes and two spellings never name the same mailbox.
//
// Unlike most golang.org/x/text encodings, neither direction substitutes
// U+FFFD or "\x1a" for what it cannot convert: a mailbox name that changed in
// transit would select a different mailbox. The encoder fails with
// encoding.ErrInvalidUTF8 on invalid UTF-8; the decoder fails with an error
// describing the first violation of RFC 3501. Both work with destination
// buffers of any non-zero size.
var ModifiedUTF7 encoding.Encoding = modifiedUTF7{}

type modifiedUTF7 struct{}

func (modifiedUTF7) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: new(mutf7Decoder)}
}

func (modifiedUTF7) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: new(mutf7Encoder)}
}

func (modifiedUTF7) String() string { return "modified UTF-7 (RFC 3501)" }

// Errors of the decoder. They are not exported: a caller needs to know that a
// name is not modified UTF-7, and the text says why.
var (
	errMUTF7Byte         = errors.New("imaplib: modified UTF-7: byte outside printable US-ASCII")
	errMUTF7Base64       = errors.New("imaplib: modified UTF-7: invalid character in modified base64")
	errMUTF7Padding      = errors.New("imaplib: modified UTF-7: stray bits after the last UTF-16 code unit of a run")
	errMUTF7Surrogate    = errors.New("imaplib: modified UTF-7: unpaired UTF-16 surrogate")
	errMUTF7Direct       = errors.New("imaplib: modified UTF-7: printable US-ASCII in modified base64")
	errMUTF7Adjacent     = errors.New("imaplib: modified UTF-7: modified base64 run follows another run")
	errMUTF7Unterminated = errors.New(`imaplib: modified UTF-7: "&" not closed by "-"`)
)

// mutf7Alphabet is base64's alphabet with "," in place of "/", which is a
// common hierarchy delimiter.
const mutf7Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,"

// mutf7Direct reports whether c stands for itself in modified UTF-7 ("&"
// stands for itself too, but only when written "&-").
func mutf7Direct(c byte) bool {
	return c >= 0x20 && c <= 0x7e
}

// mutf7Value returns the 6-bit value of a modified base64 character.
func mutf7Value(c byte) (v uint32, ok bool) {
	switch {
	case 'A' <= c && c <= 'Z':
		return uint32(c - 'A'), true
	case 'a' <= c && c <= 'z':
		return uint32(c-'a') + 26, true
	case '0' <= c && c <= '9':
		return uint32(c-'0') + 52, true
	case c == '+':
		return 62, true
	case c == ',':
		return 63, true
	}
	return 0, false
}

// mutf7Encoder writes one byte per step and keeps what it still owes (base64
// bits, a "-") in its fields, so that a dst of any non-empty size makes
// progress and a rune is consumed whole even when its encoding is not.
type mutf7Encoder struct {
	shifted bool   // inside a "&...-" run
	dash    bool   // a "-" is owed: after "&" for a literal "&", or to close a run
	acc     uint64 // low nbits bits are UTF-16 bits not yet written as base64
	nbits   uint   // at most 5 + 32 after a surrogate pair
}

func (e *mutf7Encoder) Reset() { *e = mutf7Encoder{} }

func (e *mutf7Encoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for {
		// Owed output belongs to input already consumed, so it goes first.
		if e.nbits >= 6 || e.dash {
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			if e.nbits >= 6 {
				e.nbits -= 6
				dst[nDst] = mutf7Alphabet[(e.acc>>e.nbits)&0x3f]
			} else {
				dst[nDst] = '-'
				e.dash = false
			}
			nDst++
			continue
		}
		if nSrc == len(src) {
			if atEOF && e.shifted {
				// A name must end in US-ASCII (RFC 3501).
				e.closeRun()
				continue
			}
			return nDst, nSrc, nil
		}

		c := src[nSrc]
		if mutf7Direct(c) {
			if e.shifted {
				e.closeRun()
				continue
			}
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			nSrc++
			e.dash = c == '&'
			continue
		}

		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(src[nSrc:])
			if r == utf8.RuneError && size == 1 {
				if !atEOF && !utf8.FullRune(src[nSrc:]) {
					return nDst, nSrc, transform.ErrShortSrc
				}
				return nDst, nSrc, encoding.ErrInvalidUTF8
			}
		}
		if !e.shifted {
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = '&'
			nDst++
			e.shifted = true
		}
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			e.acc = e.acc<<32 | uint64(hi)<<16 | uint64(lo)
			e.nbits += 32
		} else {
			e.acc = e.acc<<16 | uint64(r)
			e.nbits += 16
		}
		nSrc += size
	}
}

// closeRun pads the bits left in a run with zeros to a whole base64
// character and owes the closing "-"; Transform writes both.
func (e *mutf7Encoder) closeRun() {
	if e.nbits > 0 {
		e.acc <<= 6 - e.nbits
		e.nbits = 6
	}
	e.shifted = false
	e.dash = true
}

// States of mutf7Decoder.
const (
	mutf7StateDirect = iota // printable US-ASCII
	mutf7StateAmp           // after "&": "-" or the first base64 character
	mutf7StateRun           // inside modified base64
)

// mutf7Decoder keeps a decoded rune in pend until dst has room for it, so
// that any non-empty dst makes progress.
type mutf7Decoder struct {
	state    uint8
	afterRun bool   // the last thing read closed a run
	nbits    uint8  // low nbits bits of acc are not yet part of a code unit
	acc      uint32 // base64 bits read
	high     rune   // a high surrogate waiting for its low half, or 0
	pend     [utf8.UTFMax]byte
	pendLo   uint8
	pendHi   uint8
}

func (d *mutf7Decoder) Reset() { *d = mutf7Decoder{} }

func (d *mutf7Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for {
		for d.pendLo < d.pendHi {
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = d.pend[d.pendLo]
			nDst++
			d.pendLo++
		}
		if nSrc == len(src) {
			if atEOF && d.state != mutf7StateDirect {
				return nDst, nSrc, errMUTF7Unterminated
			}
			return nDst, nSrc, nil
		}

		c := src[nSrc]
		switch d.state {
		case mutf7StateDirect:
			if !mutf7Direct(c) {
				return nDst, nSrc, errMUTF7Byte
			}
			if c == '&' {
				d.state = mutf7StateAmp
				nSrc++
				continue
			}
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			d.afterRun = false

		case mutf7StateAmp:
			if c == '-' {
				if nDst == len(dst) {
					return nDst, nSrc, transform.ErrShortDst
				}
				dst[nDst] = '&'
				nDst++
				d.state = mutf7StateDirect
				d.afterRun = false
				break
			}
			v, ok := mutf7Value(c)
			if !ok {
				return nDst, nSrc, errMUTF7Base64
			}
			// "&AAE-&AAI-" is "&AAEAAg-" written in two runs: the encoder
			// never writes it, and accepting it would give one mailbox two
			// names (Dovecot refuses it too).
			if d.afterRun {
				return nDst, nSrc, errMUTF7Adjacent
			}
			d.acc, d.nbits = v, 6
			d.state = mutf7StateRun

		case mutf7StateRun:
			if c == '-' {
				if err := d.closeRun(); err != nil {
					return nDst, nSrc, err
				}
				break
			}
			v, ok := mutf7Value(c)
			if !ok {
				return nDst, nSrc, errMUTF7Base64
			}
			d.acc = d.acc<<6 | v
			d.nbits += 6
			if d.nbits >= 16 {
				d.nbits -= 16
				unit := rune(d.acc>>d.nbits) & 0xffff
				d.acc &= 1<<d.nbits - 1
				if err := d.codeUnit(unit); err != nil {
					return nDst, nSrc, err
				}
			}
		}
		nSrc++
	}
}

// codeUnit takes one UTF-16 code unit of a run and leaves the rune it
// completes, if any, in d.pend.
func (d *mutf7Decoder) codeUnit(u rune) error {
	isHigh := 0xd800 <= u && u < 0xdc00
	isLow := 0xdc00 <= u && u < 0xe000
	var r rune
	switch {
	case d.high != 0:
		if !isLow {
			return errMUTF7Surrogate
		}
		r = utf16.DecodeRune(d.high, u)
		d.high = 0
	case isHigh:
		d.high = u
		return nil
	case isLow:
		return errMUTF7Surrogate
	case 0x20 <= u && u <= 0x7e:
		// RFC 3501: modified base64 MUST NOT represent a printing
		// character that can represent itself; "&" has its own "&-".
		return errMUTF7Direct
	default:
		r = u
	}
	d.pendLo = 0
	d.pendHi = uint8(utf8.EncodeRune(d.pend[:], r))
	return nil
}

// closeRun checks that a run ends where the encoder would have ended it: on
// a whole code unit, with fewer than six zero bits of padding.
func (d *mutf7Decoder) closeRun() error {
	if d.high != 0 {
		return errMUTF7Surrogate
	}
	if d.nbits >= 6 || d.acc != 0 {
		return errMUTF7Padding
	}
	d.state = mutf7StateDirect
	d.afterRun = true
	return nil
}

// isModifiedUTF7 reports whether s is already valid modified UTF-7, that is
// printable US-ASCII that ModifiedUTF7 decodes without error. Such a name is
// sent as it is (CPython 3.16 does the same), so a caller may pass either
// "Entwürfe" or "Entw&APw-rfe". A name meant literally, such as "A&B", is not
// valid modified UTF-7 and gets encoded.
func isModifiedUTF7(s string) bool {
	_, err := decodeMailboxUTF7(s)
	return err == nil
}

// encodeMailboxUTF7 returns s in modified UTF-7 for a mailbox argument,
// leaving s unchanged when it is already valid modified UTF-7. Its only error
// is encoding.ErrInvalidUTF8.
func encodeMailboxUTF7(s string) (string, error) {
	if isModifiedUTF7(s) {
		return s, nil
	}
	return ModifiedUTF7.NewEncoder().String(s)
}

// decodeMailboxUTF7 returns the UTF-8 form of the modified UTF-7 mailbox name
// s, or an error if s is not valid modified UTF-7.
func decodeMailboxUTF7(s string) (string, error) {
	plain := true
	for i := 0; i < len(s); i++ {
		if !mutf7Direct(s[i]) {
			return "", errMUTF7Byte
		}
		if s[i] == '&' {
			plain = false
			break
		}
	}
	if plain {
		return s, nil
	}
	return ModifiedUTF7.NewDecoder().String(s)
}

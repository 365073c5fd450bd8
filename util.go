package imaplib

import "bytes"

// Int2AP returns the "A-P" form of num that CPython's imaplib uses to build
// its tag prefixes: the hexadecimal digits of |num|, most significant first,
// written with the letters A (0) to P (15) and no padding. Like Python's
// Int2AP(0) it returns an empty (nil) slice for 0.
//
// Python accepts integers of any size and truncates floats; callers with such
// values convert them to int64 first.
func Int2AP(num int64) []byte {
	// Negating in uint64 keeps math.MinInt64, whose absolute value has no
	// int64 form.
	n := uint64(num)
	if num < 0 {
		n = -n
	}
	if n == 0 {
		return nil
	}
	var buf [16]byte
	i := len(buf)
	for n != 0 {
		i--
		buf[i] = 'A' + byte(n&0xf)
		n >>= 4
	}
	return append([]byte(nil), buf[i:]...)
}

// flagsOpen is the part of CPython's Flags pattern that precedes the list.
var flagsOpen = []byte("FLAGS (")

// ParseFlags returns the flags of the last "FLAGS (...)" list in resp, split
// on ASCII whitespace, the way CPython's ParseFlags does. It returns nil
// (Python's empty tuple) when resp holds no such list or the list is empty.
//
// CPython matches resp against rb'.*FLAGS \((?P<flags>[^\)]*)\)' from its
// start. The greedy ".*" makes the last "FLAGS (" win, so a later
// "PERMANENTFLAGS (...)" is the one reported; since "." stops at a newline,
// the "FLAGS (" must begin on the first line of resp, although the list may
// run on past newlines up to the first ')'. Lists are not nested: the flags
// end at the first ')', and "(" inside is part of a flag. Only space, tab,
// CR, LF, VT and FF separate flags, as for Python's bytes.split(); bytes
// above 0x7f are never spaces.
//
// The flags are copies: changing resp afterwards does not change them.
func ParseFlags(resp []byte) [][]byte {
	// A "FLAGS (" can start the match only if a ')' comes after it and no
	// newline comes before it, so the last occurrence inside both limits is
	// the one the backtracking regular expression would settle on.
	limit := bytes.LastIndexByte(resp, ')')
	if limit < 0 {
		return nil
	}
	if nl := bytes.IndexByte(resp[:limit], '\n'); nl >= 0 {
		limit = nl
	}
	start := lastIndexShort(resp[:limit], flagsOpen)
	if start < 0 {
		return nil
	}
	list := resp[start+len(flagsOpen):]
	list = list[:bytes.IndexByte(list, ')')]
	return pyBytesSplit(list)
}

// pyBytesIsSpace reports whether c is one of the bytes Python's bytes.split()
// splits on.
func pyBytesIsSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// pyBytesSplit is Python's bytes.split() with no separator. The fields
// share one private copy of b, each capped so that appending to one cannot
// overwrite the next. bytes.Fields would not do: it decodes UTF-8 and so
// also splits on U+0085 and U+00A0.
func pyBytesSplit(b []byte) [][]byte {
	n := 0
	for i := 0; i < len(b); i++ {
		if !pyBytesIsSpace(b[i]) && (i == 0 || pyBytesIsSpace(b[i-1])) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	buf := append([]byte(nil), b...)
	fields := make([][]byte, 0, n)
	for i := 0; i < len(buf); {
		if pyBytesIsSpace(buf[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(buf) && !pyBytesIsSpace(buf[j]) {
			j++
		}
		fields = append(fields, buf[i:j:j])
		i = j
	}
	return fields
}

// lastIndexShort is bytes.LastIndex for the short patterns of this package.
// bytes.LastIndex hashes every byte it passes; looking for the pattern's
// last byte with bytes.LastIndexByte skips most of a response much faster.
func lastIndexShort(s, sep []byte) int {
	last := sep[len(sep)-1]
	for end := len(s); ; {
		i := bytes.LastIndexByte(s[:end], last)
		if i < len(sep)-1 {
			return -1
		}
		if bytes.Equal(s[i+1-len(sep):i+1], sep) {
			return i + 1 - len(sep)
		}
		end = i
	}
}

package imaplib

import (
	"fmt"
	"strconv"
	"strings"
)

// SeqRange is a range of message numbers or UIDs, start:stop, for SeqSet
// and Params ("?s"). A Stop of 0 means "*", the last message.
type SeqRange struct {
	// Start is the first message number or UID of the range.
	Start uint32
	// Stop is the last one, included; 0 means "*", the highest number in
	// the mailbox, since IMAP numbers start at 1.
	Stop uint32
}

// Range returns the range start:stop; RangeFrom(start) is start:*.
func Range(start, stop uint32) SeqRange { return SeqRange{start, stop} }

// RangeFrom returns the range start:*.
func RangeFrom(start uint32) SeqRange { return SeqRange{start, 0} }

// String returns the range as it goes on the wire: "3:5", or "8:*" when
// Stop is 0.
func (r SeqRange) String() string {
	if r.Stop == 0 {
		return strconv.FormatUint(uint64(r.Start), 10) + ":*"
	}
	return strconv.FormatUint(uint64(r.Start), 10) + ":" + strconv.FormatUint(uint64(r.Stop), 10)
}

// SeqSet formats a message set from numbers, SeqRanges and []int, as
// Python 3.16 accepts structured message sets: SeqSet(1, Range(3, 5),
// RangeFrom(8)) is "1,3:5,8:*". Anything else is an *ArgumentError.
func SeqSet(items ...any) (string, error) {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		s, err := seqSetItem(it)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "", &ArgumentError{Func: "SeqSet", Msg: "empty message set", Python: ValueError}
	}
	return strings.Join(parts, ","), nil
}

func seqSetItem(it any) (string, error) {
	switch v := it.(type) {
	case SeqRange:
		if v.Start == 0 {
			return "", &ArgumentError{Func: "SeqSet", Msg: "message numbers start at 1", Python: ValueError}
		}
		return v.String(), nil
	case []int:
		parts := make([]string, len(v))
		for i, n := range v {
			s, err := seqSetItem(n)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	case string:
		if !isSeqSetString(v) {
			return "", &ArgumentError{Func: "SeqSet", Msg: fmt.Sprintf("invalid message set %q", v), Python: ValueError}
		}
		return v, nil
	}
	n, ok := asInt(it)
	if !ok {
		return "", &ArgumentError{Func: "SeqSet", Msg: fmt.Sprintf("message set items must be int, SeqRange or []int, not %T", it), Python: TypeError}
	}
	if n < 1 || n > 1<<32-1 {
		return "", &ArgumentError{Func: "SeqSet", Msg: fmt.Sprintf("message number %d out of range", n), Python: ValueError}
	}
	return strconv.FormatInt(n, 10), nil
}

// isSeqSetString reports whether s uses only what a sequence-set may:
// digits, ":", ",", "*" and "$" (RFC 5182).
func isSeqSetString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && c != ':' && c != ',' && c != '*' && c != '$' {
			return false
		}
	}
	return true
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint32:
		return int64(n), true
	}
	return 0, false
}

// FlagList formats flags as a parenthesised list, checking each is a flag
// (an atom, optionally after one backslash): FlagList(`\Seen`, `$Label`)
// is `(\Seen $Label)`.
func FlagList(flags ...string) (string, error) {
	for _, f := range flags {
		if !isFlag(f) {
			return "", &ArgumentError{Func: "FlagList", Msg: fmt.Sprintf("invalid flag %q", f), Python: ValueError}
		}
	}
	return "(" + strings.Join(flags, " ") + ")", nil
}

// isFlag: "\" atom or atom, where ] is also excluded as in RFC 3501's
// flag-keyword.
func isFlag(f string) bool {
	f = strings.TrimPrefix(f, `\`)
	return f != "" && isAtom(f, false) && !strings.ContainsRune(f, ']')
}

// substitute fills the placeholders of args with params, as Python 3.16's
// params= does (gh-153521): "?" an astring, number or list, "?f" flags,
// "?s" a message set, "??" a literal "?".
func (m *IMAP4) substitute(fn string, args []string, params []any) ([]string, error) {
	out := make([]string, len(args))
	next := 0
	for i, a := range args {
		var b strings.Builder
		for j := 0; j < len(a); j++ {
			if a[j] != '?' {
				b.WriteByte(a[j])
				continue
			}
			kind := byte(0)
			if j+1 < len(a) && (a[j+1] == '?' || a[j+1] == 'f' || a[j+1] == 's') {
				kind = a[j+1]
				j++
			}
			if kind == '?' {
				b.WriteByte('?')
				continue
			}
			if next >= len(params) {
				return nil, &ArgumentError{Func: fn, Arg: "params", Msg: "not enough parameters for the placeholders", Python: TypeError}
			}
			s, err := m.param(fn, kind, params[next])
			if err != nil {
				return nil, err
			}
			next++
			b.WriteString(s)
		}
		out[i] = b.String()
	}
	if next != len(params) {
		return nil, &ArgumentError{Func: fn, Arg: "params", Msg: fmt.Sprintf("%d parameters given for %d placeholders", len(params), next), Python: TypeError}
	}
	return out, nil
}

func (m *IMAP4) param(fn string, kind byte, v any) (string, error) {
	bad := func(py PyException, format string, a ...any) error {
		return &ArgumentError{Func: fn, Arg: "params", Msg: fmt.Sprintf(format, a...), Python: py}
	}
	switch kind {
	case 's':
		s, err := SeqSet(v)
		if err != nil {
			return "", bad(pyExceptionOf(err), "?s needs a message set: %v", err)
		}
		return s, nil
	case 'f':
		switch f := v.(type) {
		case string:
			if !isFlag(f) {
				return "", bad(ValueError, "invalid flag %q", f)
			}
			return f, nil
		case []string:
			s, err := FlagList(f...)
			if err != nil {
				return "", bad(pyExceptionOf(err), "%v", err)
			}
			return s, nil
		}
		return "", bad(TypeError, "?f needs a string or []string, not %T", v)
	}
	switch x := v.(type) {
	case string:
		if err := m.checkEncodable(fn, "params", x); err != nil {
			return "", err
		}
		if err := checkLineSafe(fn, "params", []byte(x)); err != nil {
			return "", err
		}
		return astringOf(x, false), nil
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			p, err := m.param(fn, 0, s)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "(" + strings.Join(parts, " ") + ")", nil
	case bool, float32, float64:
		return "", bad(TypeError, "? cannot take a %T", v)
	}
	if n, ok := asInt(v); ok {
		return strconv.FormatInt(n, 10), nil
	}
	return "", bad(TypeError, "? cannot take a %T", v)
}

// pyExceptionOf is the Python exception of an *ArgumentError, ValueError
// for any other error.
func pyExceptionOf(err error) PyException {
	if ae, ok := err.(*ArgumentError); ok && ae.Python != "" {
		return ae.Python
	}
	return ValueError
}

package imaplib

import (
	"bytes"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets check properties and compare with reference versions
// built on package regexp. Go's regexp picks the same submatch as CPython's
// backtracking engine for these patterns (leftmost, greedy first), so it is
// a second, independent reading of CPython's patterns. The seed corpora in
// testdata/fuzz run with every go test; run a target for longer with, e.g.,
//
//	go test -run '^$' -fuzz '^FuzzParseFlags$' -fuzztime 2m
//
// The regexp references run on inputs up to refMax bytes only: package
// regexp is slow on long inputs, and the fuzzer stalls for minutes
// minimising a long input when every run of it takes milliseconds.
const refMax = 1024

// flagsRE is CPython's Flags pattern. Go's "." also stops at "\n" and
// "[^)]" also crosses it.
var flagsRE = regexp.MustCompile(`\A.*FLAGS \(([^)]*)\)`)

// internalDateRE is CPython's InternalDate pattern.
var internalDateRE = regexp.MustCompile(`\A.*INTERNALDATE "` +
	`([ 0123][0-9])-([A-Z][a-z][a-z])-([0-9]{4})` +
	` ([0-9]{2}):([0-9]{2}):([0-9]{2})` +
	` ([-+])([0-9]{2})([0-9]{2})"`)

func FuzzParseFlags(f *testing.F) {
	f.Add([]byte(`* 1 FETCH (FLAGS (\Seen \Deleted))`))
	f.Fuzz(func(t *testing.T, resp []byte) {
		got := ParseFlags(resp)
		if got != nil && len(got) == 0 {
			t.Fatalf("ParseFlags(%q) returned an empty non-nil slice", resp)
		}
		for _, flag := range got {
			if len(flag) == 0 || bytes.ContainsAny(flag, " \t\n\r\v\f)") {
				t.Fatalf("ParseFlags(%q) gave flag %q", resp, flag)
			}
			if !bytes.Contains(resp, flag) {
				t.Fatalf("ParseFlags(%q) gave flag %q, which is not in the input", resp, flag)
			}
		}
		// The reference: the regexp, then a split on the same six bytes
		// written with FieldsFunc (ASCII bytes are never part of a
		// multi-byte rune, so splitting by rune is the same).
		if len(resp) > refMax {
			return
		}
		var want [][]byte
		if m := flagsRE.FindSubmatch(resp); m != nil {
			want = bytes.FieldsFunc(m[1], func(r rune) bool {
				return r < 0x80 && strings.ContainsRune(" \t\n\r\v\f", r)
			})
		}
		if !equalFlags(got, want) {
			t.Fatalf("ParseFlags(%q) = %s, regexp reference says %s", resp, fmtFlags(got), fmtFlags(want))
		}
	})
}

func FuzzInternaldate2tuple(f *testing.F) {
	f.Add([]byte(`25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")`))
	f.Fuzz(func(t *testing.T, resp []byte) {
		got, err := internaldate2tupleIn(resp, time.UTC)
		if len(resp) > refMax {
			// Still the round trip, without the reference.
			if err == nil && !got.IsZero() && got.Year() >= 1 && got.Year() <= 9999 {
				s, err := Time2Internaldate(got)
				back, err2 := internaldate2tupleIn([]byte("INTERNALDATE "+s), time.UTC)
				if err != nil || err2 != nil || !back.Equal(got) {
					t.Fatalf("round trip of %v through %s gave %v, %v, %v", got, s, back, err, err2)
				}
			}
			return
		}
		m := internalDateRE.FindSubmatch(resp)
		if m == nil {
			if err != nil || !got.IsZero() {
				t.Fatalf("Internaldate2tuple(%q) = %v, %v; the pattern does not match", resp, got, err)
			}
			return
		}
		num := func(b []byte) int {
			n, err := strconv.Atoi(strings.TrimLeft(string(b), " "))
			if err != nil {
				t.Fatalf("bad number %q", b)
			}
			return n
		}
		mon := strings.Index("JanFebMarAprMayJunJulAugSepOctNovDec", string(m[2]))
		switch {
		case mon < 0 || mon%3 != 0:
			checkArgumentError(t, "Internaldate2tuple", err, "Internaldate2tuple", "unknown month b'"+string(m[2])+"'")
			return
		case num(m[3]) == 0:
			checkArgumentError(t, "Internaldate2tuple", err, "Internaldate2tuple", "year 0 is out of range")
			return
		case err != nil:
			t.Fatalf("Internaldate2tuple(%q): unexpected error %v", resp, err)
		}
		zone := (num(m[8])*60 + num(m[9])) * 60
		if string(m[7]) == "-" {
			zone = -zone
		}
		want := time.Date(num(m[3]), time.Month(mon/3+1), num(m[1]), num(m[4]), num(m[5]), num(m[6]), 0,
			time.FixedZone("", zone))
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("Internaldate2tuple(%q) = %v, want %v in UTC", resp, got, want)
		}
		// Formatting the instant again and reading it back is lossless
		// wherever Time2Internaldate can print it.
		s, err := Time2Internaldate(got)
		if y := got.Year(); y < 1 || y > 9999 {
			if err == nil {
				t.Fatalf("Time2Internaldate(%v) = %s, want an error", got, s)
			}
			return
		}
		back, err := internaldate2tupleIn([]byte("INTERNALDATE "+s), time.UTC)
		if err != nil || !back.Equal(got) {
			t.Fatalf("round trip of %v through %s gave %v, %v", got, s, back, err)
		}
	})
}

func FuzzTime2Internaldate(f *testing.F) {
	f.Add(int64(2000000000), int32(7200), 0.25, int8(-1), `"18-May-2033 05:33:20 +0200"`)
	f.Fuzz(func(t *testing.T, sec int64, offset int32, frac float64, isdst int8, s string) {
		now := time.Now()
		t2i := func(v any) (string, error) { return time2InternaldateIn(v, time.UTC, now) }
		id2t := func(s string) (time.Time, error) { return internaldate2tupleIn([]byte(s), time.UTC) }

		// A time.Time in a zone with a whole-minute offset under 24 hours
		// prints its own wall clock and reads back as the same instant.
		off := int(offset) % 86400 / 60 * 60
		tm := time.Unix(sec%(400*365*86400*25), 0).In(time.FixedZone("", off))
		out, err := Time2Internaldate(tm)
		if y := tm.Year(); y < 1 || y > 9999 {
			checkArgumentError(t, "Time2Internaldate(time)", err, "Time2Internaldate", "year "+strconv.Itoa(y)+" is out of range")
		} else {
			if err != nil || len(out) != len(`"18-May-2033 05:33:20 +0200"`) {
				t.Fatalf("Time2Internaldate(%v) = %q, %v", tm, out, err)
			}
			if want := tm.Format(`"02-Jan-2006 15:04:05 -0700"`); out != want {
				t.Fatalf("Time2Internaldate(%v) = %s, want %s", tm, out, want)
			}
			back, err := id2t("* 1 FETCH (INTERNALDATE " + out + ")")
			if err != nil || !back.Equal(tm) {
				t.Fatalf("round trip of %v through %s gave %v, %v", tm, out, back, err)
			}

			// The same wall clock as a time tuple, in a zone without DST,
			// prints the zone's offset whatever isdst says.
			tt := []int{tm.Year(), int(tm.Month()), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), 0, 1, int(isdst)}
			if got, err := time2InternaldateIn(tt, time.FixedZone("", off), now); got != out || err != nil {
				t.Fatalf("Time2Internaldate(%v) = %s, %v; want %s", tt, got, err, out)
			}
		}

		// A timestamp is the instant it names, seconds rounded down after
		// rounding to the microsecond.
		if out, err := t2i(sec); err == nil {
			back, err := id2t("INTERNALDATE " + out)
			if err != nil || back.Unix() != sec {
				t.Fatalf("Time2Internaldate(%d) = %s, which reads back as %v, %v", sec, out, back, err)
			}
		} else if sec >= -62135596800 && sec <= 253402300799 {
			t.Fatalf("Time2Internaldate(%d): %v", sec, err)
		} else {
			var ae *ArgumentError
			if !errors.As(err, &ae) {
				t.Fatalf("Time2Internaldate(%d): error %T", sec, err)
			}
		}
		if !math.IsNaN(frac) && !math.IsInf(frac, 0) && math.Abs(frac) < 1e9 {
			x := float64(sec%(1<<40)) + frac
			out, err := t2i(x)
			ip, fp := math.Modf(x)
			us := math.RoundToEven(fp * 1e6)
			want := int64(ip)
			if us >= 1e6 {
				want++
			} else if us < 0 {
				want--
			}
			if err != nil {
				if want >= -62135596800 && want <= 253402300799 {
					t.Fatalf("Time2Internaldate(%v): %v", x, err)
				}
			} else if back, err := id2t("INTERNALDATE " + out); err != nil || back.Unix() != want {
				t.Fatalf("Time2Internaldate(%v) = %s, which reads back as %v, %v; want %d", x, out, back, err, want)
			}
		}

		// Strings pass through only when quoted at both ends.
		out, err = t2i(s)
		switch {
		case s == "":
			checkArgumentError(t, "Time2Internaldate(\"\")", err, "Time2Internaldate", "string index out of range")
		case s[0] == '"' && s[len(s)-1] == '"':
			if out != s || err != nil {
				t.Fatalf("Time2Internaldate(%q) = %q, %v; want it unchanged", s, out, err)
			}
		default:
			checkArgumentError(t, "Time2Internaldate(string)", err, "Time2Internaldate", "date_time not of a known type")
		}
	})
}

// mapCRLFRE is CPython's MapCRLF pattern.
var mapCRLFRE = regexp.MustCompile(`\r\n|\r|\n`)

// FuzzNormalizeCRLF checks normalizeCRLF against CPython's
// MapCRLF.sub(CRLF, message), that a message it leaves unchanged is not
// copied, and crlfSize.
func FuzzNormalizeCRLF(f *testing.F) {
	for _, s := range []string{"", "a", "\r", "\n", "\r\n", "\n\r", "\r\r\n\n", "a\r\nb\nc\rd\r", "line\r\nline\r\n", "x\r\n\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		in := append([]byte(nil), msg...)
		got := normalizeCRLF(msg)
		if !bytes.Equal(msg, in) {
			t.Fatalf("normalizeCRLF(%q) changed its input to %q", in, msg)
		}
		want := mapCRLFRE.ReplaceAll(msg, crlf)
		if !bytes.Equal(got, want) {
			t.Fatalf("normalizeCRLF(%q) = %q, want %q", msg, got, want)
		}
		if n := crlfSize(msg); n != len(want) {
			t.Fatalf("crlfSize(%q) = %d, want %d", msg, n, len(want))
		}
		if bytes.Equal(got, msg) && len(msg) > 0 && &got[0] != &msg[0] {
			t.Fatalf("normalizeCRLF(%q) copied a message it did not change", msg)
		}
	})
}

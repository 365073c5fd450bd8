package imaplib

import (
	"bytes"
	"math"
	"strconv"
	"time"
)

// internalDateMonths is CPython's Months list: English abbreviations whatever
// the locale, index 0 unused.
var internalDateMonths = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// internalDateOpen is the text that CPython's InternalDate pattern requires
// just before the date.
var internalDateOpen = []byte(`INTERNALDATE "`)

// Internaldate2tuple finds the INTERNALDATE in an IMAP response, such as the
// FETCH response `25 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")`, and
// returns that instant in time.Local. Python returns the same instant as a
// time.struct_time from time.localtime; the Go value carries the same fields
// (Year, Month, Day, Hour, Minute, Second, Weekday, YearDay, IsDST, Zone).
//
// The date must follow the literal text `INTERNALDATE "` and have the form
// `DD-Mon-YYYY HH:MM:SS +HHMM"`, where DD may start with a space and Mon is
// an English month abbreviation. As in CPython, that text is searched for
// with rb'.*INTERNALDATE "…"' from the start of resp: the last matching
// occurrence wins, it must begin on the first line, and a bare date does not
// match. When nothing matches, Internaldate2tuple returns the zero Time and a
// nil error (Python's None); test for it with IsZero.
//
// Fields are not range-checked: like CPython's calendar.timegm, day 31 of
// February is 3 March and hour 99 is four days and three hours on. The
// errors are *ArgumentError: a well-formed but unknown month such as "Foo"
// (Python's KeyError, whose text is only b'Foo'; here "unknown month
// b'Foo'"), and year 0000 ("year 0 is out of range", Python's ValueError).
func Internaldate2tuple(resp []byte) (time.Time, error) {
	return internaldate2tupleIn(resp, time.Local)
}

// internaldate2tupleIn is Internaldate2tuple for the zone loc, which lets
// the tests try many zones without touching time.Local.
func internaldate2tupleIn(resp []byte, loc *time.Location) (time.Time, error) {
	// "." in the pattern stops at a newline, so the opening text has to
	// start on the first line; the date after it may not hold a newline
	// either, which the character checks in parseInternalDate enforce.
	line := resp
	if nl := bytes.IndexByte(resp, '\n'); nl >= 0 {
		line = resp[:nl]
	}
	// The greedy ".*" backtracks from the end: try occurrences from last to
	// first and take the first whose date is well formed.
	for end := len(line); ; {
		p := lastIndexShort(line[:end], internalDateOpen)
		if p < 0 {
			return time.Time{}, nil
		}
		if t, ok, err := parseInternalDate(resp[p+len(internalDateOpen):], loc); ok {
			return t, err
		}
		end = p + len(internalDateOpen) - 1
	}
}

// parseInternalDate reads `DD-Mon-YYYY HH:MM:SS +HHMM"` from the start of b.
// ok is false when b does not have that shape, in which case the caller
// looks further back; a well-formed date with a bad month or year is ok with
// an error, because CPython raises rather than backtracking.
func parseInternalDate(b []byte, loc *time.Location) (t time.Time, ok bool, err error) {
	const layout = `DD-Mon-YYYY HH:MM:SS +HHMM"`
	if len(b) < len(layout) {
		return time.Time{}, false, nil
	}
	b = b[:len(layout)]
	isDigit := func(i int) bool { return '0' <= b[i] && b[i] <= '9' }
	for _, i := range [...]int{1, 7, 8, 9, 10, 12, 13, 15, 16, 18, 19, 22, 23, 24, 25} {
		if !isDigit(i) {
			return time.Time{}, false, nil
		}
	}
	if (b[0] != ' ' && (b[0] < '0' || b[0] > '3')) ||
		b[2] != '-' || b[3] < 'A' || b[3] > 'Z' ||
		b[4] < 'a' || b[4] > 'z' || b[5] < 'a' || b[5] > 'z' || b[6] != '-' ||
		b[11] != ' ' || b[14] != ':' || b[17] != ':' || b[20] != ' ' ||
		(b[21] != '+' && b[21] != '-') || b[26] != '"' {
		return time.Time{}, false, nil
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c != ' ' {
				v = v*10 + int(c-'0')
			}
		}
		return v
	}
	mon := 0
	for m := 1; m <= 12; m++ {
		if string(b[3:6]) == internalDateMonths[m] {
			mon = m
			break
		}
	}
	if mon == 0 {
		return time.Time{}, true, &ArgumentError{Func: "Internaldate2tuple", Arg: "resp",
			Msg: "unknown month b'" + string(b[3:6]) + "'", Python: KeyError}
	}
	year := num(7, 4)
	if year == 0 {
		// calendar.timegm goes through datetime.date, which has no year 0.
		return time.Time{}, true, &ArgumentError{Func: "Internaldate2tuple", Arg: "resp",
			Msg: "year 0 is out of range", Python: ValueError}
	}
	zone := (num(22, 2)*60 + num(24, 2)) * 60
	if b[21] == '-' {
		zone = -zone
	}
	// time.Date normalises out-of-range fields exactly as timegm's
	// arithmetic does: linearly, from the first of the month.
	utc := time.Date(year, time.Month(mon), num(0, 2), num(12, 2), num(15, 2), num(18, 2), 0, time.UTC).Unix()
	return time.Unix(utc-int64(zone), 0).In(loc), true, nil
}

// Limits of glibc's gmtime, which CPython's datetime.fromtimestamp calls: it
// fails with EOVERFLOW once the year minus 1900 leaves the C int range.
const (
	gmtimeMaxSec = 67768036191676799  // 2147485547-12-31 23:59:59 UTC
	gmtimeMinSec = -67768040609740800 // -2147481748-01-01 00:00:00 UTC
)

// Time2Internaldate formats dateTime as an IMAP INTERNALDATE for APPEND, in
// the form `"DD-Mon-YYYY HH:MM:SS +HHMM"`, double quotes included, with
// English month names whatever the locale. It accepts what CPython's
// Time2Internaldate accepts, in Go form:
//
//   - an integer (int, int8…int64, uint, uint8…uint64) or float (float32,
//     float64): seconds since the epoch, shown in time.Local at that instant.
//     Floats round to the microsecond, half to even, and then drop the
//     fraction, as datetime.fromtimestamp does, so -0.5 is 23:59:59 UTC.
//   - a time.Time: Python's aware datetime. Its own wall clock and UTC offset
//     are printed, with no conversion to time.Local. An offset with seconds
//     (the local mean time of old dates in some zones) prints as +HHMMSS,
//     as Python's %z does, which IMAP servers do not accept.
//   - a time tuple, []int of length 9 or [9]int: (year, month, day, hour,
//     minute, second, weekday, yearday, isdst) of a time.struct_time,
//     meaning wall-clock time in time.Local. Weekday and yearday are
//     ignored. If time.Local has DST this year (CPython's time.daylight),
//     isdst 0 prints its standard offset, 1 its daylight offset, and -1 lets
//     the zone's rules for that date decide; otherwise the standard offset
//     is printed whatever isdst says.
//   - a string that starts and ends with '"': returned unchanged, unchecked.
//
// Errors are *ArgumentError with CPython's message: "date_time not of a
// known type" (Python's ValueError) for nil, other strings, []byte and any
// other type; "string index out of range" (IndexError) for ""; the
// datetime messages ("year 10000 is out of range", "month must be in
// 1..12", ...) for values outside years 1 to 9999 or fields out of range
// (tuple fields are not normalised); "tuple index out of range" for an
// isdst other than -2 to 1; and Python's OverflowError and OSError texts
// for timestamps beyond what the C library handles.
//
// Where Python reads the zone from the C library, this function reads
// time.Local at each call: starting the program with TZ set, or setting
// time.Local, is Go's os.environ["TZ"] plus time.tzset(). The standard and
// daylight offsets of a time tuple are CPython's time.timezone and
// time.altzone as computed on Linux: the offsets in force in early January
// and early July of the current year.
// For isdst -1, a wall-clock time skipped by a DST change counts as DST, as
// glibc's mktime decides; one repeated when DST ends gets the offset that
// glibc gives in a fresh process (CPython's answer there depends on earlier
// mktime calls): the later, standard one east of Greenwich and the earlier,
// daylight one west of it.
//
// Differences from CPython: Go has no bool-as-int, so true is not 1 but an
// unknown type; a tuple must have exactly 9 elements (CPython accepts
// shorter ones when no DST is in use and ignores extra ones); a naive
// datetime has no Go form. The year is always four digits, as in CPython
// 3.14.7 (CPython 3.11 on Linux printed "999").
func Time2Internaldate(dateTime any) (string, error) {
	return time2InternaldateIn(dateTime, time.Local, time.Now())
}

// isFalsyDate reports whether Python would skip dateTime as false in
// append's "if date_time:", for every type Time2Internaldate accepts: a
// zero number of any width, an empty string, tuple or bytes, and nil. A
// time.Time, like a Python datetime, is never false.
func isFalsyDate(dateTime any) bool {
	switch v := dateTime.(type) {
	case nil:
		return true
	case int:
		return v == 0
	case int8:
		return v == 0
	case int16:
		return v == 0
	case int32:
		return v == 0
	case int64:
		return v == 0
	case uint:
		return v == 0
	case uint8:
		return v == 0
	case uint16:
		return v == 0
	case uint32:
		return v == 0
	case uint64:
		return v == 0
	case float32:
		return v == 0
	case float64:
		return v == 0
	case string:
		return v == ""
	case []int:
		return len(v) == 0
	case []byte:
		return len(v) == 0
	}
	return false
}

// time2InternaldateIn is Time2Internaldate for the zone loc, with now
// standing for the current time in CPython's time.timezone logic.
func time2InternaldateIn(dateTime any, loc *time.Location, now time.Time) (string, error) {
	switch v := dateTime.(type) {
	case int:
		return timestampToInternalDate(int64(v), loc)
	case int8:
		return timestampToInternalDate(int64(v), loc)
	case int16:
		return timestampToInternalDate(int64(v), loc)
	case int32:
		return timestampToInternalDate(int64(v), loc)
	case int64:
		return timestampToInternalDate(v, loc)
	case uint:
		return unsignedToInternalDate(uint64(v), loc)
	case uint8:
		return timestampToInternalDate(int64(v), loc)
	case uint16:
		return timestampToInternalDate(int64(v), loc)
	case uint32:
		return timestampToInternalDate(int64(v), loc)
	case uint64:
		return unsignedToInternalDate(v, loc)
	case float32:
		return floatToInternalDate(float64(v), loc)
	case float64:
		return floatToInternalDate(v, loc)
	case []int:
		return tupleToInternalDate(v, loc, now)
	case [9]int:
		return tupleToInternalDate(v[:], loc, now)
	case time.Time:
		return timeToInternalDate(v)
	case string:
		if v == "" {
			return "", t2iError(IndexError, "string index out of range")
		}
		if v[0] == '"' && v[len(v)-1] == '"' {
			return v, nil
		}
	}
	return "", t2iError(ValueError, "date_time not of a known type")
}

func t2iError(py PyException, msg string) error {
	return &ArgumentError{Func: "Time2Internaldate", Arg: "dateTime", Msg: msg, Python: py}
}

func yearOutOfRange(year int64) error {
	return t2iError(ValueError, "year "+strconv.FormatInt(year, 10)+" is out of range")
}

func unsignedToInternalDate(v uint64, loc *time.Location) (string, error) {
	if v > math.MaxInt64 {
		return "", t2iError(OSError, "[Errno 75] Value too large for defined data type")
	}
	return timestampToInternalDate(int64(v), loc)
}

// floatToInternalDate splits f into seconds and microseconds the way
// CPython's _PyTime_ObjectToTimeval does before datetime.fromtimestamp.
func floatToInternalDate(f float64, loc *time.Location) (string, error) {
	if math.IsNaN(f) {
		return "", t2iError(ValueError, "Invalid value NaN (not a number)")
	}
	sec, frac := math.Modf(f)
	us := math.RoundToEven(frac * 1e6)
	if us >= 1e6 {
		sec++
	} else if us < 0 {
		sec--
	}
	if !(sec >= -(1<<63) && sec < 1<<63) {
		return "", t2iError(OverflowError, "timestamp out of range for platform time_t")
	}
	return timestampToInternalDate(int64(sec), loc)
}

// timestampToInternalDate is datetime.fromtimestamp(sec, timezone.utc)
// .astimezone() followed by the strftime, with each step's failure.
func timestampToInternalDate(sec int64, loc *time.Location) (string, error) {
	if sec > gmtimeMaxSec || sec < gmtimeMinSec {
		return "", t2iError(OSError, "[Errno 75] Value too large for defined data type")
	}
	u := time.Unix(sec, 0).UTC()
	if y := u.Year(); y < 1 || y > 9999 {
		// CPython adds 1900 to tm_year in a C int, which wraps near the
		// top of gmtime's range; int32 reproduces the printed year.
		return "", yearOutOfRange(int64(int32(y)))
	}
	t := u.In(loc)
	if y := t.Year(); y < 1 || y > 9999 {
		return "", t2iError(OverflowError, "date value out of range")
	}
	_, off := t.Zone()
	return formatInternalDate(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), off)
}

func timeToInternalDate(t time.Time) (string, error) {
	if y := t.Year(); y < 1 || y > 9999 {
		// datetime cannot hold such a year.
		return "", yearOutOfRange(int64(y))
	}
	_, off := t.Zone()
	return formatInternalDate(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), off)
}

// checkCInt is PyArg_ParseTuple's "i" conversion, which CPython applies to
// tuple fields in time.mktime and the datetime constructor.
func checkCInt(v int) error {
	if v > math.MaxInt32 {
		return t2iError(OverflowError, "signed integer is greater than maximum")
	}
	if v < math.MinInt32 {
		return t2iError(OverflowError, "signed integer is less than minimum")
	}
	return nil
}

func tupleToInternalDate(tt []int, loc *time.Location, now time.Time) (string, error) {
	if len(tt) != 9 {
		return "", t2iError(ValueError, "time tuple must have 9 elements")
	}
	std, dst, daylight := pyTimezone(loc, now)
	gmtoff := -std
	if daylight {
		isdst := tt[8]
		if isdst == -1 {
			// time.mktime(date_time) converts all nine fields first.
			for _, v := range tt {
				if err := checkCInt(v); err != nil {
					return "", err
				}
			}
			if tt[0] < math.MinInt32+1900 {
				return "", t2iError(OverflowError, "year out of range")
			}
			var err error
			if isdst, err = mktimeIsDST(loc, tt[0], tt[1], tt[2], tt[3], tt[4], tt[5]); err != nil {
				return "", err
			}
		}
		// (time.timezone, time.altzone)[isdst], negative indexes included.
		switch isdst {
		case 0, -2:
			gmtoff = -std
		case 1:
			gmtoff = -dst
		default:
			return "", t2iError(IndexError, "tuple index out of range")
		}
	}
	// datetime(*date_time[:6], tzinfo=...) checks, in this order.
	for _, v := range tt[:6] {
		if err := checkCInt(v); err != nil {
			return "", err
		}
	}
	year, mon, day, hour, min, sec := tt[0], tt[1], tt[2], tt[3], tt[4], tt[5]
	switch {
	case year < 1 || year > 9999:
		return "", yearOutOfRange(int64(year))
	case mon < 1 || mon > 12:
		return "", t2iError(ValueError, "month must be in 1..12")
	case day < 1 || day > datetimeDaysInMonth(year, mon):
		return "", t2iError(ValueError, "day is out of range for month")
	case hour < 0 || hour > 23:
		return "", t2iError(ValueError, "hour must be in 0..23")
	case min < 0 || min > 59:
		return "", t2iError(ValueError, "minute must be in 0..59")
	case sec < 0 || sec > 59:
		return "", t2iError(ValueError, "second must be in 0..59")
	}
	return formatInternalDate(year, mon, day, hour, min, sec, gmtoff)
}

func datetimeDaysInMonth(year, mon int) int {
	return time.Date(year, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// pyTimezone returns CPython's time.timezone, time.altzone and time.daylight
// for loc as CPython computes them on glibc systems: the UTC offsets (west of
// Greenwich positive) at two instants half a year apart near the start of
// the current year, the larger being the standard one, so that zones in the
// southern hemisphere come out right.
func pyTimezone(loc *time.Location, now time.Time) (std, dst int, daylight bool) {
	const year = (365*24 + 6) * 3600
	t := now.Unix() / year * year
	_, jan := time.Unix(t, 0).In(loc).Zone()
	_, jul := time.Unix(t+year/2, 0).In(loc).Zone()
	janzone, julzone := -jan, -jul
	if janzone < julzone {
		return julzone, janzone, true
	}
	return janzone, julzone, janzone != julzone
}

// mktimeIsDST answers time.localtime(time.mktime(tuple)).tm_isdst for a
// tuple whose isdst is -1, as glibc does.
func mktimeIsDST(loc *time.Location, year, mon, day, hour, min, sec int) (int, error) {
	wall := time.Date(year, time.Month(mon), day, hour, min, sec, 0, time.UTC)
	if y := int64(wall.Year()) - 1900; y > math.MaxInt32 || y < math.MinInt32 {
		// The normalised year no longer fits struct tm.
		return 0, t2iError(OverflowError, "mktime argument out of range")
	}
	t := time.Date(year, time.Month(mon), day, hour, min, sec, 0, loc)
	_, off := t.Zone()
	isDST := t.IsDST()
	if t.Unix()+int64(off) != wall.Unix() {
		// The wall clock falls in a gap. Both neighbouring offsets are
		// candidates and glibc prefers the one that is DST.
		other := time.Unix(wall.Unix()-int64(off), 0).In(loc)
		isDST = isDST || other.IsDST()
	}
	// In a repeated hour time.Date takes the offset found at the wall clock
	// read as UTC, which is where a fresh glibc's search starts and ends.
	if isDST {
		return 1, nil
	}
	return 0, nil
}

// formatInternalDate is strftime('"%d-{Mon}-%Y %H:%M:%S %z"') for a
// datetime with a fixed UTC offset of off seconds.
func formatInternalDate(year, mon, day, hour, min, sec, off int) (string, error) {
	if off <= -86400 || off >= 86400 {
		// datetime.timezone refuses such offsets.
		return "", t2iError(ValueError, "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not "+timedeltaRepr(off)+".")
	}
	b := make([]byte, 0, len(`"DD-Mon-YYYY HH:MM:SS +HHMMSS"`))
	two := func(v int) { b = append(b, byte('0'+v/10), byte('0'+v%10)) }
	b = append(b, '"')
	two(day)
	b = append(b, '-')
	b = append(b, internalDateMonths[mon]...)
	b = append(b, '-')
	two(year / 100)
	two(year % 100)
	b = append(b, ' ')
	two(hour)
	b = append(b, ':')
	two(min)
	b = append(b, ':')
	two(sec)
	b = append(b, ' ')
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	two(off / 3600)
	two(off / 60 % 60)
	if off%60 != 0 {
		two(off % 60)
	}
	b = append(b, '"')
	return string(b), nil
}

// timedeltaRepr is Python's repr of timedelta(seconds=sec).
func timedeltaRepr(sec int) string {
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	rest := sec - days*86400
	s := "datetime.timedelta("
	switch {
	case days != 0 && rest != 0:
		s += "days=" + strconv.Itoa(days) + ", seconds=" + strconv.Itoa(rest)
	case days != 0:
		s += "days=" + strconv.Itoa(days)
	case rest != 0:
		s += "seconds=" + strconv.Itoa(rest)
	default:
		s += "0"
	}
	return s + ")"
}

package imaplib

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkArgumentError fails unless err is an *ArgumentError from fn whose
// message is msg.
func checkArgumentError(t *testing.T, what string, err error, fn, msg string) {
	t.Helper()
	var ae *ArgumentError
	if !errors.As(err, &ae) {
		t.Errorf("%s: error %v (%T), want *ArgumentError %q", what, err, err, msg)
		return
	}
	if ae.Msg != msg || ae.Func != fn || err.Error() != msg {
		t.Errorf("%s: error %+v, want Func %q Msg %q", what, *ae, fn, msg)
	}
}

func TestInternaldate2tupleOracle(t *testing.T) {
	o := loadUtilsOracle(t)
	for _, z := range o.Zones {
		t.Run(z.TZ, func(t *testing.T) {
			loc := oracleLocation(t, z.TZ, z.Posix)
			if len(z.Internaldate) != len(o.InternaldateInputs) {
				t.Fatalf("oracle has %d results for %d inputs", len(z.Internaldate), len(o.InternaldateInputs))
			}
			for i, want := range z.Internaldate {
				in := o.InternaldateInputs[i]
				what := "Internaldate2tuple(" + in.Repr + ")"
				got, err := internaldate2tupleIn(in.In, loc)
				switch {
				case want.Error != nil:
					checkArgumentError(t, what, err, "Internaldate2tuple", want.Error.Msg)
				case err != nil:
					t.Errorf("%s: unexpected error %v", what, err)
				case want.None:
					if !got.IsZero() {
						t.Errorf("%s = %v, Python says None", what, got)
					}
				default:
					checkStructTime(t, what, got, loc, want.TM, want.Zone, want.GMTOff, want.Unix)
				}
			}
		})
	}
}

// checkStructTime compares a Go time in loc with the fields of Python's
// time.localtime for the same instant.
func checkStructTime(t *testing.T, what string, got time.Time, loc *time.Location, tm []int, zone string, gmtoff int, unix int64) {
	t.Helper()
	isdst := 0
	if got.IsDST() {
		isdst = 1
	}
	name, off := got.Zone()
	gotTM := []int{got.Year(), int(got.Month()), got.Day(), got.Hour(), got.Minute(), got.Second(),
		(int(got.Weekday()) + 6) % 7, got.YearDay(), isdst}
	if fmt.Sprint(gotTM) != fmt.Sprint(tm) || off != gmtoff || name != zone || got.Unix() != unix {
		t.Errorf("%s = %v %s %d (unix %d), Python says %v %s %d (unix %d)",
			what, gotTM, name, off, got.Unix(), tm, zone, gmtoff, unix)
	}
	if got.Location() != loc {
		t.Errorf("%s is in %v, want %v", what, got.Location(), loc)
	}
}

// t2iValue builds the Go argument for an oracle input, or says why Go has
// none.
func t2iValue(t *testing.T, kind string, raw json.RawMessage) (args []any, skip string) {
	t.Helper()
	must := func(err error) {
		if err != nil {
			t.Fatalf("bad oracle input %s %s: %v", kind, raw, err)
		}
	}
	switch kind {
	case "int":
		var s string
		must(json.Unmarshal(raw, &s))
		n, err := strconv.ParseInt(s, 10, 64)
		must(err)
		args = append(args, n, int(n))
		if n == int64(int32(n)) {
			args = append(args, int32(n))
		}
		if n >= 0 {
			args = append(args, uint64(n))
		}
	case "float":
		var s string
		must(json.Unmarshal(raw, &s))
		f, err := strconv.ParseFloat(s, 64)
		must(err)
		args = append(args, f)
	case "tuple":
		var tt []int
		must(json.Unmarshal(raw, &tt))
		args = append(args, tt)
		if len(tt) == 9 {
			args = append(args, [9]int(tt))
		}
	case "datetime":
		var v struct {
			Fields []int
			Offset *int
		}
		must(json.Unmarshal(raw, &v))
		if v.Offset == nil {
			return nil, "naive datetime"
		}
		f := v.Fields
		args = append(args, time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], f[6]*1000,
			time.FixedZone("", *v.Offset)))
	case "zoned":
		var v struct {
			TS   int64
			Zone string
		}
		must(json.Unmarshal(raw, &v))
		loc, err := time.LoadLocation(v.Zone)
		must(err)
		args = append(args, time.Unix(v.TS, 0).In(loc))
	case "str":
		var s string
		must(json.Unmarshal(raw, &s))
		args = append(args, s)
	case "none":
		args = append(args, nil)
	case "bytes":
		var b []byte
		must(json.Unmarshal(raw, &b))
		args = append(args, b)
	default:
		t.Fatalf("unknown oracle input kind %q", kind)
	}
	return args, ""
}

func TestTime2InternaldateOracle(t *testing.T) {
	o := loadUtilsOracle(t)
	for _, z := range o.Zones {
		t.Run(z.TZ, func(t *testing.T) {
			loc := oracleLocation(t, z.TZ, z.Posix)
			now := time.Now()
			std, dst, daylight := pyTimezone(loc, now)
			if std != z.Timezone || dst != z.Altzone || daylight != (z.Daylight != 0) {
				t.Errorf("time.timezone, altzone, daylight = %d, %d, %v; Python says %d, %d, %d",
					std, dst, daylight, z.Timezone, z.Altzone, z.Daylight)
			}
			if len(z.Time2Internaldate) != len(o.T2IInputs) {
				t.Fatalf("oracle has %d results for %d inputs", len(z.Time2Internaldate), len(o.T2IInputs))
			}
			for i, want := range z.Time2Internaldate {
				in := o.T2IInputs[i]
				if in.Go != "" {
					continue
				}
				args, skip := t2iValue(t, in.Kind, in.Value)
				if skip != "" {
					continue
				}
				for _, arg := range args {
					what := fmt.Sprintf("Time2Internaldate(%T %s)", arg, in.Value)
					got, err := time2InternaldateIn(arg, loc, now)
					switch {
					case want.Error != nil:
						checkArgumentError(t, what, err, "Time2Internaldate", want.Error.Msg)
					case err != nil:
						t.Errorf("%s: unexpected error %v", what, err)
					case got != *want.Out:
						t.Errorf("%s = %s, Python says %s %s", what, got, *want.Out, want.Note)
					}
				}
			}
		})
	}
}

// The tests below are CPython's TestImaplib tests of the same names. Where
// CPython sets TZ and calls time.tzset(), they pass the zone to the
// functions' zone-taking forms; TestPublicFunctionsFollowTZ checks that the
// exported functions use time.Local. Setting time.Local here instead would
// race with goroutines of other tests that read it.

func TestInternaldate2tuple(t *testing.T) {
	want := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, resp := range []string{
		`25 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")`,
		`25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")`,
		`25 (INTERNALDATE "31-Dec-1999 12:30:00 -1130")`,
	} {
		got, err := Internaldate2tuple([]byte(resp))
		if err != nil || !got.Equal(want) {
			t.Errorf("Internaldate2tuple(%q) = %v, %v; want %v", resp, got, err, want)
		}
		if got.Location() != time.Local {
			t.Errorf("Internaldate2tuple(%q) is in %v, want time.Local", resp, got.Location())
		}
	}
}

func TestInternaldate2tuple_issue10941(t *testing.T) {
	// CPython's test runs under TZ=MST+07MDT,M4.1.0,M10.5.0.
	loc := posixLocation(t, "MST+07MDT,M4.1.0,M10.5.0")
	t1, err1 := internaldate2tupleIn([]byte(`25 (INTERNALDATE "02-Apr-2000 02:30:00 +0000")`), loc)
	t2, err2 := internaldate2tupleIn([]byte(`25 (INTERNALDATE "02-Apr-2000 03:30:00 +0000")`), loc)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	const layout = "2006-01-02 15:04:05 MST -0700"
	if t1.Format(layout) == t2.Format(layout) {
		t.Errorf("both give %s", t1.Format(layout))
	}
	if got, want := t1.Format(layout), "2000-04-01 19:30:00 MST -0700"; got != want {
		t.Errorf("02:30 UTC is %s, want %s", got, want)
	}
	if got, want := t2.Format(layout), "2000-04-01 20:30:00 MST -0700"; got != want {
		t.Errorf("03:30 UTC is %s, want %s", got, want)
	}
}

// time2InternaldateInputs are the seven forms of CPython's
// test_Time2Internaldate, in Go, for loc, a zone that is UTC+2 in May 2033.
func time2InternaldateInputs(loc *time.Location) []any {
	return []any{
		2000000000,
		2000000000.0,
		time.Unix(2000000000, 0).In(loc), // time.localtime(2000000000)
		[]int{2033, 5, 18, 5, 33, 20, -1, -1, -1}, // isdst decided by the zone
		[9]int{2033, 5, 18, 5, 33, 20, -1, -1, 1}, // isdst given
		// datetime.fromtimestamp(2000000000, timezone(timedelta(hours=2)))
		time.Unix(2000000000, 0).In(time.FixedZone("", 7200)),
		`"18-May-2033 05:33:20 +0200"`,
	}
}

func TestTime2Internaldate(t *testing.T) {
	// CPython runs it under TZ=STD-1DST,M3.2.0,M11.1.0 and in the de_DE and
	// fr_FR locales; Go has no locale, and the month names are fixed.
	for _, loc := range []*time.Location{
		posixLocation(t, "STD-1DST,M3.2.0,M11.1.0"),
		oracleLocation(t, "Europe/Berlin", false),
	} {
		for _, in := range time2InternaldateInputs(loc) {
			got, err := time2InternaldateIn(in, loc, time.Now())
			if want := `"18-May-2033 05:33:20 +0200"`; got != want || err != nil {
				t.Errorf("in %v: Time2Internaldate(%#v) = %s, %v; want %s", loc, in, got, err, want)
			}
		}
	}
}

func TestTime2Internaldate_datetime_timetuple(t *testing.T) {
	// datetime.fromtimestamp(2000000000).timetuple(): a naive local time
	// whose tm_isdst is -1 (and tm_gmtoff None, which CPython 3.14.7 treats
	// like a plain tuple). In Go that is the tuple form with isdst -1.
	loc := posixLocation(t, "STD-1DST,M3.2.0,M11.1.0")
	lt := time.Unix(2000000000, 0).In(loc)
	tt := []int{lt.Year(), int(lt.Month()), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(),
		(int(lt.Weekday()) + 6) % 7, lt.YearDay(), -1}
	got, err := time2InternaldateIn(tt, loc, time.Now())
	if want := `"18-May-2033 05:33:20 +0200"`; got != want || err != nil {
		t.Errorf("Time2Internaldate(%v) = %s, %v; want %s", tt, got, err, want)
	}
}

func TestThatTime2InternaldateReturnsAResult(t *testing.T) {
	// In whatever zone the machine is in, every form gives a result.
	for _, in := range time2InternaldateInputs(time.Local) {
		if got, err := Time2Internaldate(in); err != nil || len(got) != len(`"18-May-2033 05:33:20 +0200"`) {
			t.Errorf("Time2Internaldate(%#v) = %q, %v", in, got, err)
		}
	}
}

// TestPublicFunctionsFollowTZ runs itself again with TZ=Europe/Berlin, the
// Go form of CPython's os.environ['TZ'] = ...; time.tzset(), and checks
// there that the exported functions use time.Local.
func TestPublicFunctionsFollowTZ(t *testing.T) {
	const marker = "IMAPLIB_TZ_CHILD"
	if os.Getenv(marker) == "1" {
		if name := time.Local.String(); name != "Europe/Berlin" {
			t.Fatalf("time.Local is %s", name)
		}
		for _, in := range time2InternaldateInputs(time.Local) {
			got, err := Time2Internaldate(in)
			if want := `"18-May-2033 05:33:20 +0200"`; got != want || err != nil {
				t.Errorf("Time2Internaldate(%#v) = %s, %v; want %s", in, got, err, want)
			}
		}
		tm, err := Internaldate2tuple([]byte(`25 (INTERNALDATE "18-May-2033 03:33:20 +0000")`))
		if got := tm.Format("15:04:05 MST"); got != "05:33:20 CEST" || err != nil {
			t.Errorf("Internaldate2tuple gave %s, %v; want 05:33:20 CEST", got, err)
		}
		if !t.Failed() {
			fmt.Println(marker + " passed")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPublicFunctionsFollowTZ$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TZ=Europe/Berlin", marker+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), marker+" passed") {
		t.Fatalf("child with TZ=Europe/Berlin: %v\n%s", err, out)
	}
}

func TestTime2InternaldateErrors(t *testing.T) {
	loc := oracleLocation(t, "Europe/Berlin", false)
	for _, c := range []struct {
		in  any
		msg string
	}{
		{"", "string index out of range"},
		{"x", "date_time not of a known type"},
		{nil, "date_time not of a known type"},
		{[]byte(`"x"`), "date_time not of a known type"},
		{true, "date_time not of a known type"},
		{time.Duration(0), "date_time not of a known type"},
		{&time.Time{}, "date_time not of a known type"},
		{[]int{2000, 1, 1, 0, 0, 0}, "time tuple must have 9 elements"},
		{[]int{2000, 1, 1, 0, 0, 0, 0, 1, 0, 0}, "time tuple must have 9 elements"},
		{uint64(math.MaxUint64), "[Errno 75] Value too large for defined data type"},
		{math.NaN(), "Invalid value NaN (not a number)"},
		{float32(math.Inf(1)), "timestamp out of range for platform time_t"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "year 10000 is out of range"},
		{time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), "year 0 is out of range"},
		{time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", 86400)),
			"offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=1)."},
		{time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", -90000)),
			"offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=-2, seconds=82800)."},
	} {
		_, err := time2InternaldateIn(c.in, loc, time.Now())
		checkArgumentError(t, fmt.Sprintf("Time2Internaldate(%#v)", c.in), err, "Time2Internaldate", c.msg)
	}
	// Only a 64-bit uint can exceed a signed 64-bit timestamp.
	if uint64(math.MaxUint) > math.MaxInt64 {
		_, err := time2InternaldateIn(uint(math.MaxUint), loc, time.Now())
		checkArgumentError(t, "Time2Internaldate(uint max)", err, "Time2Internaldate", "[Errno 75] Value too large for defined data type")
	}
}

func TestTime2InternaldateIntegerKinds(t *testing.T) {
	want := `"01-Jan-1970 00:01:40 +0000"`
	for _, in := range []any{int(100), int8(100), int16(100), int32(100), int64(100),
		uint(100), uint8(100), uint16(100), uint32(100), uint64(100), float32(100), float64(100.5)} {
		if got, err := time2InternaldateIn(in, time.UTC, time.Now()); got != want || err != nil {
			t.Errorf("Time2Internaldate(%T(%v)) = %s, %v; want %s", in, in, got, err, want)
		}
	}
}

func TestTimedeltaRepr(t *testing.T) {
	for sec, want := range map[int]string{
		0:      "datetime.timedelta(0)",
		1:      "datetime.timedelta(seconds=1)",
		-1:     "datetime.timedelta(days=-1, seconds=86399)",
		86400:  "datetime.timedelta(days=1)",
		-86400: "datetime.timedelta(days=-1)",
		90000:  "datetime.timedelta(days=1, seconds=3600)",
	} {
		if got := timedeltaRepr(sec); got != want {
			t.Errorf("timedeltaRepr(%d) = %s, want %s", sec, got, want)
		}
	}
}

func BenchmarkInternaldate2tuple(b *testing.B) {
	resp := []byte(`* 12 FETCH (FLAGS (\Seen) UID 4827313 INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286)`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Internaldate2tuple(resp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTime2Internaldate(b *testing.B) {
	tm := time.Date(2033, 5, 18, 5, 33, 20, 0, time.FixedZone("", 7200))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Time2Internaldate(tm); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleTime2Internaldate() {
	cest := time.FixedZone("CEST", 2*60*60)
	s, err := Time2Internaldate(time.Date(2033, 5, 18, 5, 33, 20, 0, cest))
	fmt.Println(s, err)
	// An already quoted string is passed through unchecked.
	s, err = Time2Internaldate(`"18-May-2033 05:33:20 +0200"`)
	fmt.Println(s, err)
	_, err = Time2Internaldate("18-May-2033")
	fmt.Println(err)
	// Output:
	// "18-May-2033 05:33:20 +0200" <nil>
	// "18-May-2033 05:33:20 +0200" <nil>
	// date_time not of a known type
}

func ExampleInternaldate2tuple() {
	t, err := Internaldate2tuple([]byte(`25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")`))
	fmt.Println(t.UTC(), err)
	// No INTERNALDATE: Python's None.
	t, err = Internaldate2tuple([]byte(`25 (UID 7)`))
	fmt.Println(t.IsZero(), err)
	// Output:
	// 2000-01-01 00:00:00 +0000 UTC <nil>
	// true <nil>
}

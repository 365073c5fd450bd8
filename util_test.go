package imaplib

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the oracle's zones must load on machines without a zoneinfo database
)

// The oracle table, testdata/oracle/utils.json, holds what CPython's imaplib
// returned for each input. Regenerate it on Linux with
//
//	python3 testdata/oracle/gen_utils.py
//
// from the module root; the script's docstring says which CPython 3.14.7
// answers it records where the running Python differs.
type utilsOracle struct {
	Python     string `json:"python"`
	Int2AP     []struct{ In, Out string }
	ParseFlags []struct {
		In   []byte   `json:"in_b64"`
		Repr string   `json:"repr"`
		Out  [][]byte `json:"out_b64"`
	} `json:"parseflags"`
	InternaldateInputs []struct {
		In   []byte `json:"in_b64"`
		Repr string `json:"repr"`
	} `json:"internaldate_inputs"`
	T2IInputs []struct {
		Kind  string          `json:"kind"`
		Value json.RawMessage `json:"value"`
		Go    string          `json:"go"` // why Go cannot pose this case, if it cannot
	} `json:"time2internaldate_inputs"`
	Zones []struct {
		TZ       string `json:"tz"`
		Posix    bool   `json:"posix"`
		Timezone int    `json:"timezone"`
		Altzone  int    `json:"altzone"`
		Daylight int    `json:"daylight"`
		// Element i answers InternaldateInputs[i] and T2IInputs[i].
		Internaldate []struct {
			None   bool     `json:"none"`
			Error  *pyError `json:"error"`
			TM     []int    `json:"tm"` // struct_time's first nine fields
			Zone   string   `json:"zone"`
			GMTOff int      `json:"gmtoff"`
			Unix   int64    `json:"unix"`
		} `json:"internaldate"`
		Time2Internaldate []struct {
			Out   *string  `json:"out"`
			Error *pyError `json:"error"`
			Note  string   `json:"note"`
		} `json:"time2internaldate"`
	} `json:"zones"`
}

type pyError struct{ Type, Msg string }

var (
	oracleOnce sync.Once
	oracleData *utilsOracle
	oracleErr  error
)

func loadUtilsOracle(t testing.TB) *utilsOracle {
	t.Helper()
	oracleOnce.Do(func() {
		var b []byte
		b, oracleErr = os.ReadFile(filepath.Join("testdata", "oracle", "utils.json"))
		if oracleErr != nil {
			return
		}
		oracleData = new(utilsOracle)
		oracleErr = json.Unmarshal(b, oracleData)
	})
	if oracleErr != nil {
		t.Fatalf("loading the oracle table: %v", oracleErr)
	}
	return oracleData
}

// posixLocation returns a Location that behaves as glibc does when TZ is
// set to the POSIX TZ string tz, such as "STD-1DST,M3.2.0,M11.1.0". Go has
// no parser for bare TZ strings, so tz becomes the footer of a TZif file,
// which Go applies after the file's last transition. glibc applies the rules
// from 1970 on only: for earlier years it reuses 1970's change dates, so a
// rule that starts DST in spring reads as standard time before 1970. The
// file reproduces that with one transition at the epoch and standard time
// before it. Only the zone name and offset at the start of tz are parsed;
// that is all the tests need.
func posixLocation(t testing.TB, tz string) *time.Location {
	t.Helper()
	name, std, ok := posixStd(tz)
	if !ok {
		t.Fatalf("cannot read the standard offset of %q", tz)
	}
	var buf bytes.Buffer
	// A version 2 file holds a version 1 block (which Go skips) and then
	// the same data with 64-bit times.
	for _, size := range []int{4, 8} {
		buf.WriteString("TZif2")
		buf.Write(make([]byte, 15))
		// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
		for _, n := range []uint32{0, 0, 0, 1, 1, uint32(len(name) + 1)} {
			binary.Write(&buf, binary.BigEndian, n)
		}
		buf.Write(make([]byte, size)) // the transition, at 0
		buf.WriteByte(0)              // to type 0
		binary.Write(&buf, binary.BigEndian, int32(std))
		buf.Write([]byte{0, 0}) // not DST, name at 0
		buf.WriteString(name + "\x00")
	}
	buf.WriteString("\n" + tz + "\n")
	loc, err := time.LoadLocationFromTZData(tz, buf.Bytes())
	if err != nil {
		t.Fatalf("building zone %q: %v", tz, err)
	}
	return loc
}

// posixStd reads the standard-time name and offset east of UTC from a POSIX
// TZ string of the form NAME[+-]HH[:MM]... (POSIX counts west as positive).
func posixStd(tz string) (name string, offset int, ok bool) {
	i := 0
	for i < len(tz) && ('A' <= tz[i] && tz[i] <= 'Z' || 'a' <= tz[i] && tz[i] <= 'z') {
		i++
	}
	name = tz[:i]
	sign := 1
	if i < len(tz) && (tz[i] == '+' || tz[i] == '-') {
		if tz[i] == '-' {
			sign = -1
		}
		i++
	}
	j := i
	for j < len(tz) && '0' <= tz[j] && tz[j] <= '9' {
		j++
	}
	h, err := strconv.Atoi(tz[i:j])
	if err != nil || i == 0 {
		return "", 0, false
	}
	m := 0
	if j+3 <= len(tz) && tz[j] == ':' {
		if m, err = strconv.Atoi(tz[j+1 : j+3]); err != nil {
			return "", 0, false
		}
	}
	return name, -sign * (h*3600 + m*60), true
}

// oracleLocation loads a zone of the oracle table.
func oracleLocation(t testing.TB, tz string, posix bool) *time.Location {
	t.Helper()
	if posix {
		return posixLocation(t, tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatalf("loading zone %q: %v", tz, err)
	}
	return loc
}

func TestInt2APOracle(t *testing.T) {
	o := loadUtilsOracle(t)
	for _, c := range o.Int2AP {
		n, err := strconv.ParseInt(c.In, 10, 64)
		if err != nil {
			t.Fatalf("bad oracle input %q: %v", c.In, err)
		}
		if got := Int2AP(n); string(got) != c.Out {
			t.Errorf("Int2AP(%d) = %q, Python says %q", n, got, c.Out)
		}
	}
}

func TestInt2AP(t *testing.T) {
	// SPEC 3.2's examples.
	for _, c := range []struct {
		in   int64
		want string
	}{{0, ""}, {1, "B"}, {15, "P"}, {16, "BA"}, {0x1234, "BCDE"}, {4096, "BAAA"},
		{65535, "PPPP"}, {-5, "F"}, {17, "BB"}} {
		if got := Int2AP(c.in); string(got) != c.want {
			t.Errorf("Int2AP(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseFlagsOracle(t *testing.T) {
	o := loadUtilsOracle(t)
	if len(o.ParseFlags) < 100 {
		t.Fatalf("oracle has only %d ParseFlags cases", len(o.ParseFlags))
	}
	for _, c := range o.ParseFlags {
		got := ParseFlags(c.In)
		if !equalFlags(got, c.Out) {
			t.Errorf("ParseFlags(%s) = %s, Python says %s", c.Repr, fmtFlags(got), fmtFlags(c.Out))
		}
		if len(got) == 0 && got != nil {
			t.Errorf("ParseFlags(%s) = non-nil empty slice, want nil", c.Repr)
		}
	}
}

func TestParseFlags(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`1 (FLAGS (\Seen \Deleted))`, []string{`\Seen`, `\Deleted`}},
		{`FLAGS ()`, nil},
		{`* FLAGS (\Seen) * OK [PERMANENTFLAGS (\Deleted \*)]`, []string{`\Deleted`, `\*`}},
		{"FLAGS (a) FLAGS (b", []string{"a"}},
		{"FLAGS (a\xc2\xa0b)", []string{"a\xc2\xa0b"}},
		{"x\nFLAGS (a)", nil},
		{"FLAGS (a\nb)", []string{"a", "b"}},
		{"no flags here", nil},
	} {
		got := ParseFlags([]byte(c.in))
		var want [][]byte
		for _, w := range c.want {
			want = append(want, []byte(w))
		}
		if !equalFlags(got, want) {
			t.Errorf("ParseFlags(%q) = %s, want %s", c.in, fmtFlags(got), fmtFlags(want))
		}
	}
}

func TestParseFlagsCopies(t *testing.T) {
	resp := []byte(`FLAGS (\Seen \Deleted)`)
	flags := ParseFlags(resp)
	for i := range resp {
		resp[i] = 'x'
	}
	if string(flags[0]) != `\Seen` || string(flags[1]) != `\Deleted` {
		t.Fatalf("flags changed with resp: %s", fmtFlags(flags))
	}
	flags[0] = append(flags[0], "!!!"...)
	if string(flags[1]) != `\Deleted` {
		t.Fatalf("appending to one flag overwrote the next: %s", fmtFlags(flags))
	}
}

func equalFlags(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// fmtFlags prints flags as a Python tuple of bytes would look, near enough
// to compare with the oracle by eye.
func fmtFlags(flags [][]byte) string {
	var b bytes.Buffer
	b.WriteByte('(')
	for i, f := range flags {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "b%q", f)
	}
	if len(flags) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

func BenchmarkParseFlags(b *testing.B) {
	resp := []byte(`* 12 FETCH (FLAGS (\Seen \Answered $Forwarded) UID 4827313 INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286)`)
	b.ReportAllocs()
	for b.Loop() {
		ParseFlags(resp)
	}
}

func ExampleInt2AP() {
	for _, n := range []int64{0, 1, 15, 16, 0x1234, -5} {
		fmt.Printf("Int2AP(%d) = %q\n", n, Int2AP(n))
	}
	// Output:
	// Int2AP(0) = ""
	// Int2AP(1) = "B"
	// Int2AP(15) = "P"
	// Int2AP(16) = "BA"
	// Int2AP(4660) = "BCDE"
	// Int2AP(-5) = "F"
}

func ExampleParseFlags() {
	resp := []byte(`1 (FLAGS (\Seen \Deleted) UID 7)`)
	for _, flag := range ParseFlags(resp) {
		fmt.Printf("%s\n", flag)
	}
	fmt.Println(len(ParseFlags([]byte("FLAGS ()"))), ParseFlags([]byte("no flags")) == nil)
	// Output:
	// \Seen
	// \Deleted
	// 0 true
}

package imaplib

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

func TestPythonCodecNames(t *testing.T) {
	for name, want := range map[string]string{
		"KOI8-R":          "koi8_r",
		"koi8_r":          "koi8_r",
		"  KOI8--R  ":     "koi8_r",
		"cskoi8r":         "koi8_r",
		"Windows-1251":    "cp1251",
		"CP1251":          "cp1251",
		"latin-1":         "latin_1",
		"ISO-8859-1":      "latin_1",
		"ISO_8859-1:1987": "latin_1",
		"iso-8859-5":      "iso8859_5",
		"UTF-8":           "utf_8",
		"utf8":            "utf_8",
		"US-ASCII":        "ascii",
		"ANSI_X3.4-1968":  "ascii",
		"Shift_JIS":       "shift_jis",
		"EUC-JP":          "euc_jp",
		"x-unknown":       "x_unknown",
		"windows-874":     "windows_874", // CPython has no such alias
		"":                "",
	} {
		if got := pythonCodec(name); got != want {
			t.Errorf("pythonCodec(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestCriteriaEncodingKnownBytes(t *testing.T) {
	for _, tc := range []struct{ charset, text, hex string }{
		{"KOI8-R", "Привет", "f0d2c9d7c5d4"},
		{"koi8_u", "Привіт", "f0d2c9d7a6d4"},
		{"cp1251", "Привет", "cff0e8e2e5f2"},
		{"Windows-1251", "Привет", "cff0e8e2e5f2"},
		{"latin-1", "Grüße", "4772fcdf65"},
		{"utf8", "Grüße", "4772c3bcc39f65"},
		{"sjis", "日本", "93fa967b"},
	} {
		enc, codec, ok := criteriaEncoding(tc.charset)
		if !ok {
			t.Errorf("%s: unknown", tc.charset)
			continue
		}
		got := []byte(tc.text)
		if enc != nil {
			s, err := enc.NewEncoder().String(tc.text)
			if err != nil {
				t.Errorf("%s (%s): %v", tc.charset, codec, err)
				continue
			}
			got = []byte(s)
		}
		if hex.EncodeToString(got) != tc.hex {
			t.Errorf("%s (%s) of %q = %x, want %s", tc.charset, codec, tc.text, got, tc.hex)
		}
	}
	for _, name := range []string{"x-unknown", "windows-874", "utf-7", "gb2312-but-not", ""} {
		if _, codec, ok := criteriaEncoding(name); ok {
			t.Errorf("criteriaEncoding(%q) found %q", name, codec)
		}
	}
}

// supersetCodecs are the codecs for which golang.org/x/text's encoding
// covers more than CPython's: text CPython refuses may be encoded.
var supersetCodecs = map[string]bool{
	"shift_jis": true, "euc_kr": true, "big5": true, "cp950": true, "gb2312": true, "gbk": true,
}

// leftOut are codecs CPython has that criteriaEncoding refuses on
// purpose: UTF-16 puts NUL bytes in every criterion (refused on the wire
// anyway), and golang.org/x/text's HZ does not switch back to ASCII.
var leftOut = map[string]bool{"utf_16": true, "hz": true}

// charsetModules are the CPython codec modules criteriaEncoding knows.
var charsetModules = []string{
	"ascii", "utf_8", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6",
	"iso8859_7", "iso8859_8", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
	"iso8859_16", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
	"cp1258", "cp874", "koi8_r", "koi8_u", "cp437", "cp850", "cp852", "cp855", "cp858", "cp860",
	"cp862", "cp863", "cp865", "cp866", "mac_roman", "mac_cyrillic", "shift_jis", "cp932", "euc_jp",
	"iso2022_jp", "euc_kr", "cp949", "gb2312", "gbk", "gb18030", "big5", "cp950",
}

// TestCriteriaCharsetsAgainstCPython asks CPython, for every codec module
// this package knows, every alias CPython has for it and a few spellings,
// what str.encode gives for sample texts, and compares.
func TestCriteriaCharsetsAgainstCPython(t *testing.T) {
	py, err := python3()
	if err != nil {
		if os.Getenv("IMAPLIB_REQUIRE_PYTHON") == "1" {
			t.Fatalf("python3 is required (IMAPLIB_REQUIRE_PYTHON=1): %v", err)
		}
		t.Skipf("SKIP: no python3 to compare with (%v); set IMAPLIB_REQUIRE_PYTHON=1 to make this a failure", err)
	}
	samples := []string{"Привет", "Grüße", "日本語", "Ελλάδα", "€", "한국어", "中文", "ÀÉÎ"}
	ask := func(names []string) (map[string][]string, map[string]string) {
		req, _ := json.Marshal(map[string]any{"names": names, "samples": samples, "modules": charsetModules})
		cmd := exec.Command(py, "testdata/oracle/charset_oracle.py")
		cmd.Stdin = bytes.NewReader(req)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("charset_oracle.py: %v", err)
		}
		var resp struct {
			Encode  map[string][]string
			Aliases map[string]string
		}
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatal(err)
		}
		return resp.Encode, resp.Aliases
	}
	_, aliases := ask([]string{})
	if len(aliases) < 100 {
		t.Fatalf("CPython gave only %d aliases", len(aliases))
	}
	names := append([]string{"KOI8-R", "Windows-1251", "ISO-8859-1", "UTF-8", "Shift_JIS", "EUC-KR",
		"Big5", "GB18030", "windows-874", "x-unknown", "IBM866", "MacCyrillic", "utf-16", "hz"}, charsetModules...)
	for alias, module := range aliases {
		names = append(names, alias)
		if got := pythonCodec(alias); got != module {
			t.Errorf("alias %q: pythonCodec gives %q, CPython %q", alias, got, module)
		}
	}
	want, _ := ask(names)
	for _, name := range names {
		enc, _, ok := criteriaEncoding(name)
		for i, s := range samples {
			got := "LookupError"
			if ok {
				got = hex.EncodeToString([]byte(s))
				if enc != nil {
					if e, err := enc.NewEncoder().String(s); err != nil {
						got = "UnicodeEncodeError"
					} else {
						got = hex.EncodeToString([]byte(e))
					}
				} else if pythonCodec(name) == "ascii" {
					got = "UnicodeEncodeError"
				}
			}
			w := want[name][i]
			if leftOut[pythonCodec(name)] {
				w = "LookupError"
			}
			if w == "UnicodeEncodeError" && got != "LookupError" && supersetCodecs[pythonCodec(name)] {
				continue
			}
			if got != w {
				t.Errorf("%q.encode(%q): CPython %s, here %s", s, name, w, got)
			}
		}
	}
}

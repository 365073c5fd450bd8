package imaplib

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// criteriaEncoding returns the encoding of the codec CPython would look up
// for a search charset (CPython 3.16 encodes str criteria with
// str.encode(charset), gh-153494), and the codec's module name. ok is false
// when CPython has no such codec or this package has no counterpart for
// it. The encoding is nil for "utf_8", which needs no conversion of a Go
// string, and for "ascii", which encodes no other text.
//
// Names are taken as CPython's encodings package takes them: "KOI8-R",
// "koi8_r", "cskoi8r", "Windows-1251" and "cp1251" all work, as do IANA's
// names for the same charsets. Where this package's encoding is a
// superset of CPython's strict codec (shift_jis, euc_kr, big5, cp950,
// gb2312, gbk: golang.org/x/text follows the Windows and WHATWG tables),
// text outside the strict set is encoded where CPython raises. Left out
// on purpose: UTF-16 and UTF-32, whose NUL bytes no criterion may hold,
// and hz, whose golang.org/x/text encoder does not switch back to ASCII
// at the end of a string, so what follows the criterion would be misread.
//
// The table is a switch, not a map or golang.org/x/text's ianaindex,
// which build their indexes when the program starts, whether or not a
// search ever names a charset.
func criteriaEncoding(name string) (enc encoding.Encoding, codec string, ok bool) {
	codec = pythonCodec(name)
	switch codec {
	case "ascii", "utf_8":
		return nil, codec, true
	case "latin_1":
		enc = charmap.ISO8859_1
	case "iso8859_2":
		enc = charmap.ISO8859_2
	case "iso8859_3":
		enc = charmap.ISO8859_3
	case "iso8859_4":
		enc = charmap.ISO8859_4
	case "iso8859_5":
		enc = charmap.ISO8859_5
	case "iso8859_6":
		enc = charmap.ISO8859_6
	case "iso8859_7":
		enc = charmap.ISO8859_7
	case "iso8859_8":
		enc = charmap.ISO8859_8
	case "iso8859_9":
		enc = charmap.ISO8859_9
	case "iso8859_10":
		enc = charmap.ISO8859_10
	case "iso8859_13":
		enc = charmap.ISO8859_13
	case "iso8859_14":
		enc = charmap.ISO8859_14
	case "iso8859_15":
		enc = charmap.ISO8859_15
	case "iso8859_16":
		enc = charmap.ISO8859_16
	case "cp1250":
		enc = charmap.Windows1250
	case "cp1251":
		enc = charmap.Windows1251
	case "cp1252":
		enc = charmap.Windows1252
	case "cp1253":
		enc = charmap.Windows1253
	case "cp1254":
		enc = charmap.Windows1254
	case "cp1255":
		enc = charmap.Windows1255
	case "cp1256":
		enc = charmap.Windows1256
	case "cp1257":
		enc = charmap.Windows1257
	case "cp1258":
		enc = charmap.Windows1258
	case "cp874":
		enc = charmap.Windows874
	case "koi8_r":
		enc = charmap.KOI8R
	case "koi8_u":
		enc = charmap.KOI8U
	case "cp437":
		enc = charmap.CodePage437
	case "cp850":
		enc = charmap.CodePage850
	case "cp852":
		enc = charmap.CodePage852
	case "cp855":
		enc = charmap.CodePage855
	case "cp858":
		enc = charmap.CodePage858
	case "cp860":
		enc = charmap.CodePage860
	case "cp862":
		enc = charmap.CodePage862
	case "cp863":
		enc = charmap.CodePage863
	case "cp865":
		enc = charmap.CodePage865
	case "cp866":
		enc = charmap.CodePage866
	case "mac_roman":
		enc = charmap.Macintosh
	case "mac_cyrillic":
		enc = charmap.MacintoshCyrillic
	case "shift_jis", "cp932":
		enc = japanese.ShiftJIS
	case "euc_jp":
		enc = japanese.EUCJP
	case "iso2022_jp":
		enc = japanese.ISO2022JP
	case "euc_kr", "cp949":
		enc = korean.EUCKR
	case "gb2312", "gbk":
		enc = simplifiedchinese.GBK
	case "gb18030":
		enc = simplifiedchinese.GB18030
	case "big5", "cp950":
		enc = traditionalchinese.Big5
	default:
		return nil, codec, false
	}
	return enc, codec, true
}

// pythonCodec returns the module name of the codec CPython finds for an
// encoding name: the name normalised as encodings.normalize_encoding does
// (lower case; each run of characters other than ASCII letters, digits and
// '.' becomes one '_', none at either end; other letters and digits are
// dropped), then looked up in CPython's aliases, also with '.' made '_'.
func pythonCodec(name string) string {
	var b strings.Builder
	punct := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < 0x80 && (r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z'):
			if punct && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			punct = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			punct = false
		default:
			punct = true
		}
	}
	n := b.String()
	if m := codecAlias(n); m != "" {
		return m
	}
	if m := codecAlias(strings.ReplaceAll(n, ".", "_")); m != "" {
		return m
	}
	return n
}

// codecAlias is CPython's encodings.aliases for the codecs that
// criteriaEncoding knows; "" for any other name.
func codecAlias(n string) string {
	switch n {
	case "646", "ansi_x3.4_1968", "ansi_x3.4_1986", "ansi_x3_4_1968", "cp367", "csascii",
		"ibm367", "iso646_us", "iso_646.irv_1991", "iso_ir_6", "us", "us_ascii":
		return "ascii"
	case "cp65001", "u8", "utf", "utf8", "utf8_ucs2", "utf8_ucs4":
		return "utf_8"
	case "8859", "cp819", "csisolatin1", "ibm819", "iso8859", "iso8859_1", "iso_8859_1",
		"iso_8859_1_1987", "iso_ir_100", "l1", "latin", "latin1":
		return "latin_1"
	case "csisolatin2", "iso_8859_2", "iso_8859_2_1987", "iso_ir_101", "l2", "latin2":
		return "iso8859_2"
	case "csisolatin3", "iso_8859_3", "iso_8859_3_1988", "iso_ir_109", "l3", "latin3":
		return "iso8859_3"
	case "csisolatin4", "iso_8859_4", "iso_8859_4_1988", "iso_ir_110", "l4", "latin4":
		return "iso8859_4"
	case "csisolatincyrillic", "cyrillic", "iso_8859_5", "iso_8859_5_1988", "iso_ir_144":
		return "iso8859_5"
	case "arabic", "asmo_708", "csisolatinarabic", "ecma_114", "iso_8859_6", "iso_8859_6_1987", "iso_ir_127":
		return "iso8859_6"
	case "csisolatingreek", "ecma_118", "elot_928", "greek", "greek8", "iso_8859_7", "iso_8859_7_1987", "iso_ir_126":
		return "iso8859_7"
	case "csisolatinhebrew", "hebrew", "iso_8859_8", "iso_8859_8_1988", "iso_ir_138":
		return "iso8859_8"
	case "csisolatin5", "iso_8859_9", "iso_8859_9_1989", "iso_ir_148", "l5", "latin5":
		return "iso8859_9"
	case "csisolatin6", "iso_8859_10", "iso_8859_10_1992", "iso_ir_157", "l6", "latin6":
		return "iso8859_10"
	case "iso_8859_13", "l7", "latin7":
		return "iso8859_13"
	case "iso_8859_14", "iso_8859_14_1998", "iso_celtic", "iso_ir_199", "l8", "latin8":
		return "iso8859_14"
	case "iso_8859_15", "l9", "latin9":
		return "iso8859_15"
	case "iso_8859_16", "iso_8859_16_2001", "iso_ir_226", "l10", "latin10":
		return "iso8859_16"
	case "1250", "windows_1250":
		return "cp1250"
	case "1251", "windows_1251":
		return "cp1251"
	case "1252", "windows_1252":
		return "cp1252"
	case "1253", "windows_1253":
		return "cp1253"
	case "1254", "windows_1254":
		return "cp1254"
	case "1255", "windows_1255":
		return "cp1255"
	case "1256", "windows_1256":
		return "cp1256"
	case "1257", "windows_1257":
		return "cp1257"
	case "1258", "windows_1258":
		return "cp1258"
	case "cskoi8r":
		return "koi8_r"
	case "437", "cspc8codepage437", "ibm437":
		return "cp437"
	case "850", "cspc850multilingual", "ibm850":
		return "cp850"
	case "852", "cspcp852", "ibm852":
		return "cp852"
	case "855", "csibm855", "ibm855":
		return "cp855"
	case "858", "csibm858", "ibm858":
		return "cp858"
	case "860", "csibm860", "ibm860":
		return "cp860"
	case "862", "cspc862latinhebrew", "ibm862":
		return "cp862"
	case "863", "csibm863", "ibm863":
		return "cp863"
	case "865", "csibm865", "ibm865":
		return "cp865"
	case "866", "csibm866", "ibm866":
		return "cp866"
	case "macintosh", "macroman":
		return "mac_roman"
	case "maccyrillic":
		return "mac_cyrillic"
	case "csshiftjis", "s_jis", "shiftjis", "sjis", "x_mac_japanese":
		return "shift_jis"
	case "932", "ms932", "ms_kanji", "mskanji":
		return "cp932"
	case "eucjp", "u_jis", "ujis":
		return "euc_jp"
	case "csiso2022jp", "iso2022jp", "iso_2022_jp":
		return "iso2022_jp"
	case "euckr", "korean", "ks_c_5601", "ks_c_5601_1987", "ks_x_1001", "ksc5601", "ksx1001", "x_mac_korean":
		return "euc_kr"
	case "949", "ms949", "uhc":
		return "cp949"
	case "chinese", "csiso58gb231280", "euc_cn", "euccn", "eucgb2312_cn", "gb2312_1980", "gb2312_80",
		"iso_ir_58", "x_mac_simp_chinese":
		return "gb2312"
	case "936", "cp936", "ms936":
		return "gbk"
	case "gb18030_2000":
		return "gb18030"
	case "big5_tw", "csbig5", "x_mac_trad_chinese":
		return "big5"
	case "950", "ms950":
		return "cp950"
	}
	return ""
}

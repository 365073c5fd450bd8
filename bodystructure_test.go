package imaplib

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func parseBS(t *testing.T, item, s string) *BodyStructure {
	t.Helper()
	msgs, err := ParseFetch(wireData("1 (" + item + " " + s + ")"))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return msgs[0].BodyStructure
}

// outline prints a tree one part a line: part, type, size, lines,
// encoding, parameters, disposition, file name, attachment flag.
func outline(b *BodyStructure) string {
	var s strings.Builder
	b.Walk(func(p *BodyStructure) bool {
		fmt.Fprintf(&s, "[%s] %s", p.Part, p.MIMEType())
		if p.Size != 0 || p.Lines != 0 {
			fmt.Fprintf(&s, " %d/%d", p.Size, p.Lines)
		}
		if p.Encoding != "" {
			fmt.Fprintf(&s, " %s", p.Encoding)
		}
		for _, k := range sortedKeys(p.Params) {
			fmt.Fprintf(&s, " %s=%q", k, p.Params[k])
		}
		if p.ID != "" || p.Description != "" {
			fmt.Fprintf(&s, " id=%q desc=%q", p.ID, p.Description)
		}
		if p.Disposition != "" || p.DispositionParams != nil {
			fmt.Fprintf(&s, " dsp=%s", p.Disposition)
			for _, k := range sortedKeys(p.DispositionParams) {
				fmt.Fprintf(&s, " %s=%q", k, p.DispositionParams[k])
			}
		}
		if p.MD5 != "" {
			fmt.Fprintf(&s, " md5=%s", p.MD5)
		}
		if p.Language != nil {
			fmt.Fprintf(&s, " lang=%q", p.Language)
		}
		if p.Location != "" {
			fmt.Fprintf(&s, " loc=%s", p.Location)
		}
		if p.Envelope != nil {
			fmt.Fprintf(&s, " env=%q", p.Envelope.Subject)
		}
		if p.IsAttachment() {
			fmt.Fprintf(&s, " ATTACHMENT %q", p.Filename())
		}
		s.WriteString("\n")
		return true
	})
	return s.String()
}

// Cases: RFC 3501's example, facts from imapclient's and go-imap's body
// structure tests (written anew), and the odd forms real servers send.
func TestParseBodyStructure(t *testing.T) {
	for _, tc := range []struct {
		name, item, in, want string
	}{
		{"RFC 3501 example", "BODY",
			`(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED") `,
			`[] multipart/mixed
[1] text/plain 1152/23 7bit charset="US-ASCII"
[2] text/plain 4554/73 base64 charset="US-ASCII" name="cc.diff" id="<960723163407.20117h@cac.washington.edu>" desc="Compiler diff"
`},
		{"single part", "BODYSTRUCTURE", `("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 16 1)`,
			"[1] text/plain 16/1 7bit charset=\"us-ascii\"\n"},
		{"single part with NIL extension data", "BODYSTRUCTURE",
			`("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 5606 133 NIL NIL NIL NIL)`,
			"[1] text/html 5606/133 quoted-printable charset=\"utf-8\"\n"},
		{"imapclient nested multipart", "BODYSTRUCTURE",
			`((("text" "html" ("charset" "utf-8") NIL NIL "7bit" 97 3 NIL NIL NIL NIL)("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 62 3 NIL NIL NIL NIL) "alternative" ("boundary" "===============8211050864078048428==") NIL NIL NIL)("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 16 1 NIL ("attachment" ("filename" "attachment.txt")) NIL NIL) "mixed" ("boundary" "===============0373402508605428821==") NIL NIL NIL)`,
			`[] multipart/mixed boundary="===============0373402508605428821=="
[1] multipart/alternative boundary="===============8211050864078048428=="
[1.1] text/html 97/3 7bit charset="utf-8"
[1.2] text/plain 62/3 7bit charset="utf-8"
[2] text/plain 16/1 7bit charset="utf-8" dsp=attachment filename="attachment.txt" ATTACHMENT "attachment.txt"
`},
		{"Dovecot message/global without envelope", "BODYSTRUCTURE",
			`(((("text" "plain" ("charset" "UTF-8") NIL NIL "quoted-printable" 576 31 NIL NIL NIL NIL)("text" "html" ("charset" "UTF-8") NIL NIL "quoted-printable" 4691 112 NIL NIL NIL NIL) "alternative" ("boundary" "b2") NIL NIL NIL)("image" "png" ("name" "image001.png") "<image001.png@01D85E63.36D4F950>" NIL "base64" 3832 NIL NIL NIL NIL) "related" ("boundary" "b1") NIL NIL NIL)("message" "delivery-status" ("name" "details.txt") NIL NIL "7bit" 594 NIL ("attachment" ("filename" "details.txt")) NIL NIL)("message" "global" ("name" "Untitled attachment 00019.dat") NIL NIL "7bit" 6726 NIL ("attachment" ("filename" "Untitled attachment 00019.dat")) NIL NIL) "mixed" ("boundary" "b0") NIL ("en-us") NIL)`,
			`[] multipart/mixed boundary="b0" lang=["en-us"]
[1] multipart/related boundary="b1"
[1.1] multipart/alternative boundary="b2"
[1.1.1] text/plain 576/31 quoted-printable charset="UTF-8"
[1.1.2] text/html 4691/112 quoted-printable charset="UTF-8"
[1.2] image/png 3832/0 base64 name="image001.png" id="<image001.png@01D85E63.36D4F950>" desc="" ATTACHMENT "image001.png"
[2] message/delivery-status 594/0 7bit name="details.txt" dsp=attachment filename="details.txt" ATTACHMENT "details.txt"
[3] message/global 6726/0 7bit name="Untitled attachment 00019.dat" dsp=attachment filename="Untitled attachment 00019.dat" ATTACHMENT "Untitled attachment 00019.dat"
`},
		{"message/rfc822 with a multipart inside (RFC 3501 6.4.5 numbering)", "BODYSTRUCTURE",
			`(("text" "plain" NIL NIL NIL "7bit" 3 1)("message" "rfc822" NIL NIL NIL "7bit" 500 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) (("text" "plain" NIL NIL NIL "7bit" 5 1)("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 100 NIL ("attachment" NIL) NIL NIL) "mixed") 20 NIL ("inline" NIL) NIL NIL) "mixed")`,
			`[] multipart/mixed
[1] text/plain 3/1 7bit
[2] message/rfc822 500/20 7bit dsp=inline env="inner"
[2] multipart/mixed
[2.1] text/plain 5/1 7bit
[2.2] application/pdf 100/0 base64 name="a.pdf" dsp=attachment ATTACHMENT "a.pdf"
`},
		{"message/rfc822 attached, single part inside", "BODYSTRUCTURE",
			`(("text" "plain" NIL NIL NIL "7bit" 3 1)("message" "rfc822" ("name" "fwd.eml") NIL NIL "7bit" 50 (NIL "fwd" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" NIL NIL NIL "7bit" 5 1) 4 NIL ("attachment" ("filename" "fwd.eml")) NIL) "mixed")`,
			`[] multipart/mixed
[1] text/plain 3/1 7bit
[2] message/rfc822 50/4 7bit name="fwd.eml" dsp=attachment filename="fwd.eml" env="fwd" ATTACHMENT "fwd.eml"
[2.1] text/plain 5/1 7bit
`},
		{"BODY without extension data, multipart without any", "BODY",
			`(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 1 1)("image" "gif" ("name" "a.gif") NIL NIL "base64" 8) "mixed")`,
			`[] multipart/mixed
[1] text/plain 1/1 7bit charset="utf-8"
[2] image/gif 8/0 base64 name="a.gif" ATTACHMENT "a.gif"
`},
		{"spaces before ) and between parts, lower-case nil", "BODYSTRUCTURE",
			`( ("text" "plain" nil nil nil "7bit" 1 1 ) ("text" "html" nil nil nil "7bit" 2 1 ) "alternative" )`,
			`[] multipart/alternative
[1] text/plain 1/1 7bit
[2] text/html 2/1 7bit
`},
		{"NIL where strings belong", "BODYSTRUCTURE",
			`(NIL NIL NIL NIL NIL NIL NIL)`,
			"[1] /\n"},
		{"literals inside", "BODYSTRUCTURE",
			"(\"application\" \"octet-stream\" (\"name\" {9}\r\nfile .bin) NIL {4}\r\ndesc \"base64\" 10 NIL (\"attachment\" (\"filename\" {9}\r\nfile .bin)) NIL NIL)",
			`[1] application/octet-stream 10/0 base64 name="file .bin" id="" desc="desc" dsp=attachment filename="file .bin" ATTACHMENT "file .bin"
`},
		{"Exchange: disposition as a bare string, quoted size", "BODYSTRUCTURE",
			`("application" "pdf" ("name" "x.pdf") NIL NIL "base64" "42" NIL "attachment" NIL NIL)`,
			`[1] application/pdf 42/0 base64 name="x.pdf" dsp=attachment ATTACHMENT "x.pdf"
`},
		{"empty lists", "BODYSTRUCTURE",
			`("text" "plain" () NIL NIL "7bit" 0 0 NIL ("inline" ()) () NIL)`,
			"[1] text/plain 7bit dsp=inline\n"},
		{"extension data beyond location", "BODYSTRUCTURE",
			`("text" "plain" NIL NIL NIL "8bit" 7 1 "abc==" ("inline" NIL) ("en" "de") "http://x/" (1 (2 "three")) 4 "five")`,
			`[1] text/plain 7/1 8bit dsp=inline md5=abc== lang=["en" "de"] loc=http://x/
`},
		{"language as a string", "BODYSTRUCTURE",
			`("text" "plain" NIL NIL NIL "8bit" 7 1 NIL NIL "en" NIL)`,
			`[1] text/plain 7/1 8bit lang=["en"]
`},
		{"message/rfc822 with body fields only", "BODYSTRUCTURE",
			`("message" "rfc822" NIL NIL NIL "7bit" 100 12)`,
			"[1] message/rfc822 100/12 7bit\n"},
		{"upper-case type words are lower-cased, parameter values kept", "BODYSTRUCTURE",
			`("IMAGE" "JPEG" ("NAME" "Photo.JPG") NIL NIL "BASE64" 10 NIL ("ATTACHMENT" ("FILENAME" "Photo.JPG")) NIL NIL)`,
			`[1] image/jpeg 10/0 base64 name="Photo.JPG" dsp=attachment filename="Photo.JPG" ATTACHMENT "Photo.JPG"
`},
		{"inline image with a name is an attachment, named inline text is not", "BODYSTRUCTURE",
			`(("text" "plain" ("name" "notes.txt") NIL NIL "7bit" 1 1 NIL ("inline" ("filename" "notes.txt")) NIL NIL)("image" "png" NIL "<cid>" NIL "base64" 2 NIL ("inline" ("filename" "a.png")) NIL NIL)("image" "png" NIL "<cid2>" NIL "base64" 2 NIL ("inline" NIL) NIL NIL) "related")`,
			`[] multipart/related
[1] text/plain 1/1 7bit name="notes.txt" dsp=inline filename="notes.txt"
[2] image/png 2/0 base64 id="<cid>" desc="" dsp=inline filename="a.png" ATTACHMENT "a.png"
[3] image/png 2/0 base64 id="<cid2>" desc="" dsp=inline
`},
	} {
		got := outline(parseBS(t, tc.item, tc.in))
		if got != tc.want {
			t.Errorf("%s:\n got:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
}

// RFC 2231 and RFC 6266 in parameters, and RFC 2047 words in them as
// mailers write them.
func TestBodyStructureParams(t *testing.T) {
	for _, tc := range []struct {
		name, params, dsp string
		wantFile          string
		wantParams        map[string]string
	}{
		{"plain filename", `NIL`, `("attachment" ("filename" "a.txt"))`, "a.txt", nil},
		{"filename* wins over filename (RFC 6266)", `NIL`,
			`("attachment" ("filename" "fallback.txt" "filename*" "UTF-8''%E2%82%AC%20rates.txt"))`, "€ rates.txt", nil},
		{"filename* first, filename after", `NIL`,
			`("attachment" ("filename*" "UTF-8''%C3%A9.txt" "filename" "e.txt"))`, "é.txt", nil},
		{"continuations", `NIL`,
			`("attachment" ("filename*1" "part2.txt" "filename*0" "part1-"))`, "part1-part2.txt", nil},
		{"encoded continuations with a language", `NIL`,
			`("attachment" ("filename*0*" "iso-8859-1'fr'%E9t%E9" "filename*1*" "%20long" "filename*2" "%20.txt"))`,
			"été long%20.txt", nil},
		{"a gap ends the continuations", `NIL`,
			`("attachment" ("filename*0" "a" "filename*2" "c"))`, "a", nil},
		{"KOI8-R in RFC 2231", `NIL`,
			`("attachment" ("filename*" "koi8-r''%F0%D2%C9%D7%C5%D4.txt"))`, "Привет.txt", nil},
		{"unknown charset keeps the bytes", `NIL`,
			`("attachment" ("filename*" "x-unknown''abc%41"))`, "abcA", nil},
		{"RFC 2047 in a name, as Outlook writes it", `("name" "=?UTF-8?B?0J/RgNC40LLQtdGCLnBkZg==?=")`, `NIL`,
			"Привет.pdf", map[string]string{"name": "Привет.pdf"}},
		{"name* in Content-Type", `("name*" "utf-8''%C3%BC.pdf" "charset" "UTF-8")`, `NIL`,
			"ü.pdf", map[string]string{"name": "ü.pdf", "charset": "UTF-8"}},
		{"disposition filename beats the type's name", `("name" "n.bin")`, `("attachment" ("filename" "f.bin"))`,
			"f.bin", map[string]string{"name": "n.bin"}},
		{"a boundary that looks encoded stays", `("boundary" "=?utf-8?q?x?=")`, `NIL`, "", map[string]string{"boundary": "=?utf-8?q?x?="}},
		{"odd parameter count", `("charset" "utf-8" "format")`, `NIL`, "", map[string]string{"charset": "utf-8"}},
		{"NIL value", `("charset" NIL)`, `NIL`, "", map[string]string{"charset": ""}},
		{"keys lower-cased, first of two kept", `("CharSet" "a" "charset" "b")`, `NIL`, "", map[string]string{"charset": "a"}},
	} {
		b := parseBS(t, "BODYSTRUCTURE", `("application" "octet-stream" `+tc.params+` NIL NIL "base64" 10 NIL `+tc.dsp+` NIL NIL)`)
		if got := b.Filename(); got != tc.wantFile {
			t.Errorf("%s: Filename %q, want %q", tc.name, got, tc.wantFile)
		}
		if tc.wantParams != nil && !reflect.DeepEqual(b.Params, tc.wantParams) {
			t.Errorf("%s: Params %q, want %q", tc.name, b.Params, tc.wantParams)
		}
	}
}

func TestBodyStructureNavigation(t *testing.T) {
	b := parseBS(t, "BODYSTRUCTURE",
		`(("text" "plain" NIL NIL NIL "7bit" 3 1)("message" "rfc822" NIL NIL NIL "7bit" 500 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) (("text" "plain" NIL NIL NIL "7bit" 5 1)("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 100 NIL ("attachment" NIL) NIL NIL) "mixed") 20 NIL NIL NIL NIL)("application" "zip" NIL NIL NIL "base64" 9 NIL ("attachment" ("filename" "z.zip")) NIL NIL) "mixed")`)
	for part, want := range map[string]string{
		"": "multipart/mixed", "1": "text/plain", "2": "message/rfc822", "2.1": "text/plain",
		"2.2": "application/pdf", "3": "application/zip", "4": "", "2.3": "", "1.1": "",
	} {
		got := ""
		if p := b.FindPart(part); p != nil {
			got = p.MIMEType()
		}
		if got != want {
			t.Errorf("FindPart(%q) = %q, want %q", part, got, want)
		}
	}
	var names []string
	for _, a := range b.Attachments() {
		names = append(names, a.Part+":"+a.Filename())
	}
	if strings.Join(names, " ") != "2.2:a.pdf 3:z.zip" {
		t.Errorf("Attachments: %v", names)
	}
	var visited []string
	b.Walk(func(p *BodyStructure) bool {
		visited = append(visited, p.Part)
		return p.Type != "message" // do not go into the message
	})
	if strings.Join(visited, ",") != ",1,2,3" {
		t.Errorf("Walk visited %v", visited)
	}
	if !b.IsMultipart() || b.FindPart("1").IsMultipart() {
		t.Error("IsMultipart")
	}
}

func TestBodyStructureErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, msg string }{
		{"too deep", strings.Repeat("(", MaxNesting+1) + `"text" "plain" NIL NIL NIL "7bit" 1 1` + strings.Repeat(")", MaxNesting+1) + ` "mixed")`, "nested more than"},
		{"unclosed", `("text" "plain" NIL NIL NIL "7bit" 1 1`, "end of response"},
		{"bad size", `("text" "plain" NIL NIL NIL "7bit" x 1)`, "expected a number"},
		{"garbage params", `("text" "plain" FOO NIL NIL "7bit" 1 1)`, "expected a list or NIL"},
	} {
		_, err := ParseFetch(wireData("1 (BODYSTRUCTURE " + tc.in + ")"))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.msg)
		}
	}
	// Just within the limit parses.
	in := strings.Repeat("(", MaxNesting-1) + `"text" "plain" NIL NIL NIL "7bit" 1 1)` + strings.Repeat(` "mixed")`, MaxNesting-2)
	if _, err := ParseFetch(wireData("1 (BODYSTRUCTURE " + in + ")")); err != nil {
		t.Errorf("%d levels: %v", MaxNesting-1, err)
	}
}

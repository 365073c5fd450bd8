package imaplib

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCheckMemServer drives Check with real answers: an OK passes its data
// through, a NO (SELECT of a missing mailbox) becomes a *ResponseError that
// errors.As finds, Logout's BYE is a success, and a Python-shaped error
// passes through unchanged.
func TestCheckMemServer(t *testing.T) {
	srv := startMemServer(t)
	m, err := New(srv.Host, srv.Port)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, err := Check(m.Login("alice", "pass-alice")); err != nil {
		t.Fatalf("Login: %v", err)
	}
	data, err := Check(m.Select("No such mailbox", false))
	var no *ResponseError
	if !errors.As(err, &no) {
		t.Fatalf("Select of a missing mailbox: err %v (%T), want a *ResponseError", err, err)
	}
	if no.Typ != "NO" || len(data) != 1 || no.Text != string(data[0].Bytes) || no.Text == "" {
		t.Fatalf("ResponseError %+v, data %s", no, ReprData(data))
	}
	if want := "imaplib: NO " + no.Text; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if errors.As(err, new(*Error)) {
		t.Error("a NO matched *Error: Python does not raise there")
	}
	if data, err := Check(m.Select("", false)); err != nil || len(data) != 1 {
		t.Fatalf("Select INBOX: %s, %v", ReprData(data), err)
	}
	// FETCH is illegal in AUTH after CLOSE: Python's error, passed through.
	if _, err := Check(m.Close()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err = Check(m.Fetch("1", "(FLAGS)"))
	if !errors.As(err, new(*Error)) || errors.As(err, new(*ResponseError)) {
		t.Fatalf("Fetch in AUTH: %v (%T), want the *Error as it was", err, err)
	}
	if _, err := Check(m.Logout()); err != nil {
		t.Fatalf("Logout (BYE): %v", err)
	}
}

// TestReprAgainstCPython prints tricky bytes and data lists with ReprBytes
// and ReprData and asks python3 to print the same objects.
func TestReprAgainstCPython(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	samples := [][]byte{
		nil, []byte("plain"), []byte("it's"), []byte(`say "hi"`), []byte(`both ' and "`),
		[]byte(`back\slash`), []byte("\\'"), []byte("tab\there\r\nline"), {0, 0x1f, 0x7f, 0x80, 0xff},
		[]byte("Привет"), []byte("\x1b[31m"), all,
	}
	lists := [][]Datum{
		nil,
		{{}},
		{bytesDatum([]byte("1 2"))},
		{{Kind: KindTuple, Bytes: []byte("1 (RFC822 {3}"), Literal: []byte("abc")}, bytesDatum([]byte(")"))},
		{bytesDatum([]byte("it's")), {}, {Kind: KindTuple, Bytes: []byte(`"q" {2}`), Literal: []byte("\x00'")}},
	}
	// Each sample and each list goes to Python as hex, tagged by kind.
	type pyDatum struct {
		Kind    string `json:"k"`
		Bytes   string `json:"b"`
		Literal string `json:"l"`
	}
	var req struct {
		Bytes []string    `json:"bytes"`
		Lists [][]pyDatum `json:"lists"`
	}
	var want []string
	for _, s := range samples {
		req.Bytes = append(req.Bytes, hex.EncodeToString(s))
		want = append(want, ReprBytes(s))
	}
	for _, l := range lists {
		pl := []pyDatum{}
		for _, d := range l {
			pl = append(pl, pyDatum{Kind: [...]string{"none", "bytes", "tuple"}[d.Kind],
				Bytes: hex.EncodeToString(d.Bytes), Literal: hex.EncodeToString(d.Literal)})
		}
		req.Lists = append(req.Lists, pl)
		want = append(want, ReprData(l))
	}
	py, err := python3()
	if err != nil {
		if os.Getenv("IMAPLIB_REQUIRE_PYTHON") == "1" {
			t.Fatalf("python3 is required (IMAPLIB_REQUIRE_PYTHON=1): %v", err)
		}
		t.Skipf("SKIP: no python3 to compare with (%v); set IMAPLIB_REQUIRE_PYTHON=1 to make this a failure", err)
	}
	const script = `
import json, sys
req = json.load(sys.stdin)
h = bytes.fromhex
for b in req["bytes"]:
    print(repr(h(b)))
for l in req["lists"]:
    print([None if d["k"] == "none" else h(d["b"]) if d["k"] == "bytes" else (h(d["b"]), h(d["l"])) for d in l])
`
	in, _ := json.Marshal(req)
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("python3 printed %d lines, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("case %d:\n  Go:     %s\n  Python: %s", i, want[i], got[i])
		}
	}
}

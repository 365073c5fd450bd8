package main

import (
	"bytes"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goimaplib/imaplib/imaplibtest"
)

// runMain runs the command in-process and returns its status and output.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := realMain(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// clearEnv makes the test independent of the caller's IMAP_* variables.
func clearEnv(t *testing.T) {
	for _, v := range []string{"IMAP_HOST", "IMAP_PORT", "IMAP_USER", "IMAP_PASSWORD", "IMAP_SSL", "IMAP_STARTTLS", "IMAP_CAFILE"} {
		t.Setenv(v, "")
	}
}

// TestHelp: -h says what the command does, every environment variable,
// and how to trust a private CA, and never prints a password from the
// environment.
func TestHelp(t *testing.T) {
	clearEnv(t)
	t.Setenv("IMAP_PASSWORD", "hunter2-secret")
	code, _, help := runMain(t, "-h")
	if code != 0 {
		t.Errorf("-h exit status %d", code)
	}
	for _, want := range []string{"Python's imaplib documentation", "embedded in-memory server",
		"IMAP_HOST", "IMAP_PORT", "IMAP_USER", "IMAP_PASSWORD", "IMAP_SSL", "IMAP_STARTTLS", "IMAP_CAFILE",
		"-cafile", "private CA", "-starttls"} {
		if !strings.Contains(help, want) {
			t.Errorf("-h does not mention %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "hunter2") {
		t.Error("-h printed the password from IMAP_PASSWORD")
	}
}

// TestEmbedded: with no host the command prints the embedded server's
// three messages.
func TestEmbedded(t *testing.T) {
	clearEnv(t)
	code, out, errOut := runMain(t)
	if code != 0 || strings.Count(out, "Message-ID:") != 3 || !strings.Contains(out, "Subject: Третье письмо") {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestCAFile runs the command against a TLS server whose certificate no
// system trusts: it fails without -cafile and succeeds with the
// certificate given by flag or by IMAP_CAFILE, over implicit TLS and over
// STARTTLS.
func TestCAFile(t *testing.T) {
	clearEnv(t)
	srv := imaplibtest.NewTLSServer(imaplibtest.User("carol", "pw-carol"))
	t.Cleanup(srv.Close)
	if err := srv.AddMessage("carol", "INBOX", []byte("Subject: over TLS\r\n\r\nhi\r\n")); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	ssl := []string{"-host", "localhost", "-port", strconv.Itoa(srv.TLSPort), "-ssl", "-user", "carol", "-password", "pw-carol"}
	starttls := []string{"-host", "127.0.0.1", "-port", strconv.Itoa(srv.Port), "-starttls", "-user", "carol", "-password", "pw-carol"}

	for _, args := range [][]string{ssl, starttls} {
		code, out, errOut := runMain(t, args...)
		if code != 1 || !strings.Contains(errOut, "certificate") || strings.Contains(out, "Message") {
			t.Errorf("%q without -cafile: status %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		code, out, errOut = runMain(t, append(args, "-cafile", ca)...)
		if code != 0 || !strings.Contains(out, "Message 1\nSubject: over TLS") {
			t.Errorf("%q -cafile: status %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	t.Setenv("IMAP_CAFILE", ca)
	if code, out, errOut := runMain(t, ssl...); code != 0 || !strings.Contains(out, "Message 1") {
		t.Errorf("IMAP_CAFILE: status %d, stdout %q, stderr %q", code, out, errOut)
	}

	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runMain(t, append(ssl, "-cafile", bad)...); code != 1 || !strings.Contains(errOut, "no PEM certificate") {
		t.Errorf("-cafile with no certificate: status %d, stderr %q", code, errOut)
	}
}

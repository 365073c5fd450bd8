// Tests of the real-server harness in servers_test.go. They speak IMAP by
// hand over net and crypto/tls, so that they prove the harness without the
// package's own client.

package imaplib

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// labConn is a minimal IMAP client for the harness tests: it sends one
// command at a time and collects the lines up to the tagged response.
type labConn struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
	w    io.Writer
	tags int
}

func newLabConn(t testing.TB, conn net.Conn) *labConn {
	t.Helper()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	t.Cleanup(func() { conn.Close() })
	return &labConn{t: t, conn: conn, r: bufio.NewReader(conn), w: conn}
}

// line reads one response line without its CRLF.
func (c *labConn) line() string {
	c.t.Helper()
	s, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("reading from server: %v (read %q)", err, s)
	}
	return strings.TrimRight(s, "\r\n")
}

// cmd sends a command and returns the untagged lines and the tagged status
// line without its tag ("OK ...", "NO ...", "BAD ...").
func (c *labConn) cmd(format string, args ...any) (untagged []string, status string) {
	c.t.Helper()
	c.tags++
	tag := fmt.Sprintf("t%d", c.tags)
	if _, err := fmt.Fprintf(c.w, tag+" "+format+"\r\n", args...); err != nil {
		c.t.Fatalf("writing to server: %v", err)
	}
	for {
		l := c.line()
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			return untagged, rest
		}
		untagged = append(untagged, l)
	}
}

// mustOK is cmd that fails the test unless the command answers OK.
func (c *labConn) mustOK(format string, args ...any) []string {
	c.t.Helper()
	untagged, status := c.cmd(format, args...)
	if !strings.HasPrefix(status, "OK") {
		c.t.Fatalf("%s: %s", fmt.Sprintf(format, args...), status)
	}
	return untagged
}

func labDial(t testing.TB, addr string) *labConn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return newLabConn(t, conn)
}

// wantGreeting reads the greeting and checks that it starts with prefix.
func (c *labConn) wantGreeting(prefix string) string {
	c.t.Helper()
	g := c.line()
	if !strings.HasPrefix(g, prefix) {
		c.t.Fatalf("greeting = %q, want prefix %q", g, prefix)
	}
	return g
}

func TestLabDovecotGreeting(t *testing.T) {
	d := needDovecot(t)
	t.Parallel()
	c := labDial(t, d.Addr())
	g := c.wantGreeting("* OK ")
	for _, capa := range []string{"IMAP4rev1", "STARTTLS", "AUTH=PLAIN", "AUTH=CRAM-MD5"} {
		if !strings.Contains(g, " "+capa) {
			t.Errorf("greeting %q lacks %s", g, capa)
		}
	}
	c.mustOK("LOGOUT")
}

func TestLabDovecotTLS(t *testing.T) {
	d := needDovecot(t)
	t.Parallel()
	testLabTLS(t, &d.labServer)
}

func TestLabDovecotSTARTTLS(t *testing.T) {
	d := needDovecot(t)
	t.Parallel()
	c := labDial(t, d.Addr())
	c.wantGreeting("* OK ")
	c.mustOK("STARTTLS")
	tc := tls.Client(c.conn, d.TLSConfig())
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake after STARTTLS: %v", err)
	}
	c = newLabConn(t, tc)
	untagged := c.mustOK("CAPABILITY")
	if len(untagged) != 1 || strings.Contains(untagged[0], "STARTTLS") {
		t.Errorf("CAPABILITY after STARTTLS = %q, want one line without STARTTLS", untagged)
	}
	c.mustOK("LOGOUT")
}

// testLabTLS checks that the implicit-TLS port verifies against the test CA
// as localhost, and that a client refuses it under any other name or without
// the test CA.
func testLabTLS(t *testing.T, s *labServer) {
	conn, err := tls.Dial("tcp", s.TLSAddr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("TLS with the test CA: %v", err)
	}
	c := newLabConn(t, conn)
	c.wantGreeting("* OK ")
	c.mustOK("LOGOUT")

	cfg := s.TLSConfig()
	cfg.ServerName = "wrong.example"
	_, err = tls.Dial("tcp", s.TLSAddr(), cfg)
	var hostErr x509.HostnameError
	if !errors.As(err, &hostErr) {
		t.Errorf("TLS as wrong.example: err = %v, want a x509.HostnameError", err)
	}

	cfg = s.TLSConfig()
	cfg.RootCAs = x509.NewCertPool() // trusts nobody
	_, err = tls.Dial("tcp", s.TLSAddr(), cfg)
	var authErr x509.UnknownAuthorityError
	if !errors.As(err, &authErr) {
		t.Errorf("TLS without the test CA: err = %v, want a x509.UnknownAuthorityError", err)
	}
}

// TestLabBadCerts serves the wrong-name and the untrusted certificates from a
// Go TLS server and checks that a client that trusts the test CA refuses both.
func TestLabBadCerts(t *testing.T) {
	d := needDovecot(t)
	t.Parallel()
	for _, tt := range []struct {
		name      string
		cert, key func() (string, string)
		wantErr   any
	}{
		{name: "WrongName", cert: d.WrongNameCert, wantErr: new(x509.HostnameError)},
		{name: "Untrusted", cert: d.UntrustedCert, wantErr: new(x509.UnknownAuthorityError)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			certFile, keyFile := tt.cert()
			cert, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				t.Fatal(err)
			}
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				// The client's refusal ends the handshake with an error.
				conn.(*tls.Conn).Handshake()
			}()
			defer wg.Wait()
			defer ln.Close()

			conn, err := tls.Dial("tcp", ln.Addr().String(), d.TLSConfig())
			if err == nil {
				conn.Close()
				t.Fatal("TLS handshake succeeded, want an error")
			}
			if !errors.As(err, tt.wantErr) {
				t.Errorf("err = %v, want a %T", err, tt.wantErr)
			}
		})
	}
}

func TestLabDovecotStream(t *testing.T) {
	d := needDovecot(t)
	t.Parallel()
	user, _ := d.NewUser(t)
	cmd := exec.Command("sh", "-c", d.StreamCommand(user))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	defer func() {
		if !exited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	c := &labConn{t: t, r: bufio.NewReader(stdout), w: stdin}
	g := c.wantGreeting("* PREAUTH ")
	if !strings.Contains(g, "Logged in as "+user) {
		t.Errorf("greeting = %q, want it to name %s", g, user)
	}
	for _, capa := range []string{"QUOTA", "ACL", "METADATA"} {
		if !strings.Contains(g, " "+capa+" ") {
			t.Errorf("greeting %q lacks %s", g, capa)
		}
	}
	c.mustOK("SELECT INBOX")
	c.mustOK("LOGOUT")
	stdin.Close()
	err = cmd.Wait()
	exited = true
	if err != nil {
		t.Errorf("stream command: %v", err)
	}
}

// TestLabDovecotNewUser logs in as fresh users, many at once, and checks
// that each starts with an empty INBOX that others do not share, and that
// wrong passwords are refused without slowing anyone down.
func TestLabDovecotNewUser(t *testing.T) {
	d := needDovecot(t)
	t.Parallel()
	// The parallel subtests run at once, and the group returns when all are done.
	t.Run("group", func(t *testing.T) {
		for i := range 20 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				user, password := d.NewUser(t)
				c := labDial(t, d.Addr())
				c.wantGreeting("* OK ")
				c.mustOK("LOGIN %s %s", user, password)
				if !labHasLine(c.mustOK("SELECT INBOX"), "* 0 EXISTS") {
					t.Errorf("%s: INBOX is not empty", user)
				}
				// Leave a message behind: no later user may see it.
				msg := "Subject: " + user + "\r\n\r\nhello\r\n"
				c.mustOK("APPEND INBOX {%d+}\r\n%s", len(msg), msg)
				c.mustOK("LOGOUT")
			})
		}
	})

	// Dovecot's defaults would answer each failed login after 0.5 s at
	// the earliest and delay the later ones by 2 s, 4 s, 8 s ... (up to
	// 15 s), good logins included.
	user, password := d.NewUser(t)
	c := labDial(t, d.Addr())
	c.wantGreeting("* OK ")
	start := time.Now()
	for i := 0; i < 3; i++ {
		if _, status := c.cmd("LOGIN %s wrong", user); !strings.HasPrefix(status, "NO ") {
			t.Errorf("LOGIN with a wrong password: %s, want NO", status)
		}
	}
	c.mustOK("LOGIN %s %s", user, password)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("3 failed logins and a good one took %v; are failed logins delayed?", elapsed)
	} else {
		t.Logf("3 failed logins and a good one took %v", elapsed)
	}
	c.mustOK("LOGOUT")
}

func labHasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestLabCyrus(t *testing.T) {
	c := needCyrus(t)
	t.Parallel()
	t.Run("TLS", func(t *testing.T) { testLabTLS(t, &c.labServer) })

	// Fresh users, made and used at the same time.
	t.Run("NewUser", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				user, password := c.NewUser(t)
				conn := labDial(t, c.Addr())
				g := conn.wantGreeting("* OK ")
				if !strings.Contains(g, "STARTTLS") {
					t.Errorf("greeting %q lacks STARTTLS", g)
				}
				if _, status := conn.cmd("LOGIN %s wrong", user); !strings.HasPrefix(status, "NO ") {
					t.Errorf("LOGIN with a wrong password: %s, want NO", status)
				}
				conn.mustOK("LOGIN %s %s", user, password)
				if !labHasLine(conn.mustOK("SELECT INBOX"), "* 0 EXISTS") {
					t.Errorf("%s: INBOX is not empty", user)
				}
				conn.mustOK("LOGOUT")
			})
		}
	})

	t.Run("Admin", func(t *testing.T) {
		user, _ := c.NewUser(t)
		admin := labDial(t, c.Addr())
		admin.wantGreeting("* OK ")
		admin.mustOK("LOGIN %s %s", c.Admin, c.AdminPassword)
		admin.mustOK("SETQUOTA user/%s (STORAGE 1024)", user)
		admin.mustOK("LOGOUT")
	})
}

package imaplib

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// STARTTLS done right: one test per attack class. The fake server speaks
// STARTTLS with the test CA's certificate (tlsfake_test.go).

// stlsServer is a fake server with STARTTLS. It records what it receives
// in plaintext and over TLS separately.
type stlsServer struct {
	// Set before the server starts.
	greeting  string
	plainCaps string // CAPABILITY answer before TLS
	tlsCaps   string // CAPABILITY answer over TLS ("" sends no untagged CAPABILITY)
	reply     string // the answer to STARTTLS, "@@" standing for the tag
	late      string // bytes sent in a separate write after the reply, instead of a handshake
	cert      *tls.Config

	mu           sync.Mutex
	plain        []string // command lines received in plaintext
	secure       []string // command lines received over TLS
	after        []byte   // bytes received after the STARTTLS reply, outside TLS
	handshakeErr error
	done         chan struct{} // closed when the connection ends
	t            testing.TB
}

func (ss *stlsServer) start(t *testing.T) *fakeServer {
	t.Helper()
	if ss.greeting == "" {
		ss.greeting = "* OK IMAP4rev1 ready"
	}
	if ss.reply == "" {
		ss.reply = "@@ OK Begin TLS negotiation now\r\n"
	}
	if ss.cert == nil {
		ss.cert = protoTestPKI(t).server
	}
	ss.done = make(chan struct{})
	ss.t = t
	return protoStartServer(t, nil, func(s *fakeServer) {
		s.OnConnect = func(c *fakeConn) bool {
			defer close(ss.done)
			ss.serve(c.Conn)
			return false
		}
	})
}

func (ss *stlsServer) serve(conn net.Conn) {
	r := bufio.NewReader(conn)
	secure := false
	w := func(s string) { _, _ = io.WriteString(conn, s+"\r\n") }
	w(ss.greeting)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\r\n")
		ss.mu.Lock()
		if secure {
			ss.secure = append(ss.secure, line)
		} else {
			ss.plain = append(ss.plain, line)
		}
		ss.mu.Unlock()
		tag, cmd, _ := parseCommand(line)
		switch cmd {
		case "CAPABILITY":
			if !secure {
				w("* CAPABILITY " + ss.plainCaps)
			} else if ss.tlsCaps != "" {
				w("* CAPABILITY " + ss.tlsCaps)
			}
			w(tag + " OK CAPABILITY completed")
		case "STARTTLS":
			_, _ = io.WriteString(conn, strings.ReplaceAll(ss.reply, "@@", tag))
			if ss.late != "" {
				// Once the client waits for the handshake's answer: it has
				// taken the reply alone, and reads these bytes as TLS.
				waitClientReading(ss.t, "crypto/tls.(*Conn).clientHandshake")
				_, _ = io.WriteString(conn, ss.late)
			}
			tc := tls.Server(conn, ss.cert)
			_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
			if err := tc.Handshake(); err != nil {
				// Keep listening, outside TLS: a client that fell back to
				// plaintext would be caught here.
				rest, _ := io.ReadAll(io.MultiReader(r, conn))
				ss.mu.Lock()
				ss.handshakeErr = err
				ss.after = rest
				ss.mu.Unlock()
				return
			}
			_ = tc.SetDeadline(time.Time{})
			conn, r, secure = tc, bufio.NewReader(tc), true
		case "LOGOUT":
			w("* BYE logging out")
			w(tag + " OK LOGOUT completed")
			return
		default:
			w(tag + " OK " + cmd + " completed")
		}
	}
}

func (ss *stlsServer) lines() (plain, secure []string, after []byte) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return slices.Clone(ss.plain), slices.Clone(ss.secure), slices.Clone(ss.after)
}

// waitClosed waits for the client to close the connection.
func (ss *stlsServer) waitClosed(t *testing.T) {
	t.Helper()
	select {
	case <-ss.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the client left the connection open")
	}
}

func stlsClientConfig(t *testing.T) *tls.Config {
	return &tls.Config{RootCAs: protoTestPKI(t).pool}
}

func stlsCount(lines []string, cmd string) int {
	n := 0
	for _, l := range lines {
		if _, c, _ := parseCommand(l); c == cmd {
			n++
		}
	}
	return n
}

// The working case, for reference: TLS is negotiated and the session goes
// on over it.
func TestStarttlsWorks(t *testing.T) {
	ss := &stlsServer{plainCaps: "IMAP4rev1 STARTTLS LOGINDISABLED", tlsCaps: "IMAP4rev1 AUTH=PLAIN"}
	s := ss.start(t)
	m := dialFake(t, s)
	typ, data, err := m.Starttls(stlsClientConfig(t))
	if err != nil || Repr(typ, data) != "('OK', [None])" {
		t.Fatalf("Starttls = %s, %v", Repr(typ, data), err)
	}
	if _, ok := m.Socket().(*tls.Conn); !ok {
		t.Errorf("Socket() is %T after STARTTLS", m.Socket())
	}
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	_, secure, _ := ss.lines()
	if stlsCount(secure, "LOGIN") != 1 {
		t.Errorf("LOGIN did not go over TLS: %q", secure)
	}
	// A second STARTTLS is refused without sending anything.
	_, _, err = m.Starttls(stlsClientConfig(t))
	var ae *AbortError
	if !errors.As(err, &ae) || ae.Msg != "TLS session already established" {
		t.Errorf("second Starttls: %v", err)
	}
	if _, secure, _ = ss.lines(); stlsCount(secure, "STARTTLS") != 0 {
		t.Errorf("second STARTTLS was sent: %q", secure)
	}
}

// Response injection: bytes that arrive after the STARTTLS OK and before
// the handshake (here in the same write as the OK) are an error, and the
// connection is closed rather than upgraded.
func TestStarttlsResponseInjection(t *testing.T) {
	ss := &stlsServer{
		plainCaps: "IMAP4rev1 STARTTLS",
		tlsCaps:   "IMAP4rev1",
		reply:     "@@ OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN EVIL\r\n",
	}
	s := ss.start(t)
	m := dialFake(t, s)
	_, _, err := m.Starttls(stlsClientConfig(t))
	var ae *AbortError
	if !errors.As(err, &ae) || !strings.Contains(ae.Msg, "injection") {
		t.Fatalf("Starttls with injected bytes: %T %v, want *AbortError", err, err)
	}
	ss.waitClosed(t)
	assertDeadFast(t, m)
	if caps := m.Capabilities(); slices.Contains(caps, "EVIL") {
		t.Errorf("injected capabilities adopted: %v", caps)
	}
	if _, _, after := ss.lines(); len(after) != 0 {
		t.Errorf("the client sent %q after the injection", after)
	}
}

// Capabilities are fetched again over TLS and everything learned in
// plaintext is dropped: a plaintext-only capability such as LOGINDISABLED
// disappears, and capabilities slipped in before the STARTTLS OK (as
// untagged data or as its response code) are never used.
func TestStarttlsCapabilitiesRefetched(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reply   string
		tlsCaps string
		wantErr bool
	}{
		{"plain reply", "", "IMAP4rev1 AUTH=PLAIN IDLE", false},
		{"capability code in the reply", "@@ OK [CAPABILITY IMAP4rev1 EVIL] Begin TLS\r\n", "IMAP4rev1 AUTH=PLAIN IDLE", false},
		{"untagged data before the reply", "* CAPABILITY IMAP4rev1 EVIL\r\n* OK [ALERT] plaintext alert\r\n* SEARCH 666\r\n@@ OK Begin TLS\r\n", "IMAP4rev1 AUTH=PLAIN IDLE", false},
		// The server over TLS sends no CAPABILITY data: the plaintext one
		// must not stand in for it.
		{"no capabilities over TLS", "* CAPABILITY IMAP4rev1 EVIL\r\n@@ OK Begin TLS\r\n", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss := &stlsServer{plainCaps: "IMAP4rev1 STARTTLS LOGINDISABLED", tlsCaps: tc.tlsCaps, reply: tc.reply}
			s := ss.start(t)
			m := dialFake(t, s)
			if caps := m.Capabilities(); !slices.Contains(caps, "LOGINDISABLED") {
				t.Fatalf("plaintext capabilities = %v", caps)
			}
			_, _, err := m.Starttls(stlsClientConfig(t))
			caps := m.Capabilities()
			if slices.Contains(caps, "EVIL") || slices.Contains(caps, "LOGINDISABLED") || slices.Contains(caps, "STARTTLS") {
				t.Errorf("plaintext capabilities kept after STARTTLS: %v", caps)
			}
			for k, v := range m.UntaggedResponses() {
				t.Errorf("plaintext response %s %v kept after STARTTLS", k, v)
			}
			if tc.wantErr {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Starttls without capabilities over TLS: %v, want *Error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"IMAP4REV1", "AUTH=PLAIN", "IDLE"}; !slices.Equal(caps, want) {
				t.Errorf("capabilities after STARTTLS = %v, want %v", caps, want)
			}
			if _, secure, _ := ss.lines(); stlsCount(secure, "CAPABILITY") != 1 {
				t.Errorf("CAPABILITY not asked over TLS: %q", secure)
			}
		})
	}
}

// STARTTLS without the capability is an error, and nothing is sent.
func TestStarttlsWithoutCapability(t *testing.T) {
	ss := &stlsServer{plainCaps: "IMAP4rev1"}
	s := ss.start(t)
	m := dialFake(t, s)
	_, _, err := m.Starttls(stlsClientConfig(t))
	var ae *AbortError
	if !errors.As(err, &ae) || ae.Msg != "TLS not supported by server" {
		t.Fatalf("Starttls = %v", err)
	}
	if plain, _, _ := ss.lines(); stlsCount(plain, "STARTTLS") != 0 {
		t.Errorf("STARTTLS sent: %q", plain)
	}
}

// STARTTLS after a PREAUTH greeting (state AUTH) is an error, and nothing
// is sent: the session was authenticated in plaintext.
func TestStarttlsAfterPreauth(t *testing.T) {
	ss := &stlsServer{greeting: "* PREAUTH IMAP4rev1 logged in", plainCaps: "IMAP4rev1 STARTTLS"}
	s := ss.start(t)
	m := dialFake(t, s)
	if m.State() != StateAuth {
		t.Fatalf("state = %s after PREAUTH", m.State())
	}
	_, _, err := m.Starttls(stlsClientConfig(t))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "STARTTLS illegal in state AUTH") {
		t.Fatalf("Starttls after PREAUTH = %v", err)
	}
	if plain, _, _ := ss.lines(); stlsCount(plain, "STARTTLS") != 0 {
		t.Errorf("STARTTLS sent: %q", plain)
	}
}

// A failed handshake leaves no plaintext fallback: the connection is
// closed, and a following Login fails without sending anything.
func TestStarttlsHandshakeFailureNoFallback(t *testing.T) {
	for _, tc := range []struct {
		name   string
		late   string      // plaintext sent where the handshake should be
		config *tls.Config // the client's
	}{
		{"untrusted certificate", "", &tls.Config{RootCAs: protoTestPKI(t).otherPool}},
		{"default config, test CA not trusted", "", nil},
		{"plaintext instead of a handshake", "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] not TLS at all\r\n", stlsClientConfig(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss := &stlsServer{plainCaps: "IMAP4rev1 STARTTLS", tlsCaps: "IMAP4rev1", late: tc.late}
			s := ss.start(t)
			m := dialFake(t, s)
			_, _, err := m.Starttls(tc.config)
			var ae *AbortError
			if !errors.As(err, &ae) {
				t.Fatalf("Starttls = %T %v, want *AbortError", err, err)
			}
			// The server answers nothing after the failed handshake and the
			// client has no timeout: a Login that waited for anything would
			// hang, so failing at all means failing without waiting.
			for range 3 {
				hangGuard(t, "Login after a failed handshake", s.Close, func() {
					_, _, err = m.Login("user", "secret")
				})
				if !errors.As(err, &ae) {
					t.Fatalf("Login after a failed handshake = %T %v, want *AbortError", err, err)
				}
			}
			ss.waitClosed(t)
			plain, secure, after := ss.lines()
			if !strings.HasSuffix(plain[len(plain)-1], " STARTTLS") {
				t.Errorf("the server saw %q after STARTTLS", plain[len(plain)-1])
			}
			if len(secure) != 0 || len(after) != 0 {
				t.Errorf("the server saw %q (TLS) and %q (raw) after the failed handshake", secure, after)
			}
			if strings.Contains(string(after), "secret") {
				t.Error("the password went out in plaintext")
			}
		})
	}
}

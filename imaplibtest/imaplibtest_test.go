package imaplibtest_test

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/imaplibtest"
	"go.uber.org/goleak"
)

// TestMain checks that Close leaves no goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestServerSetupErrors: the setup helpers name what was wrong instead of
// leaving a test to fail later on an empty mailbox.
func TestServerSetupErrors(t *testing.T) {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pw"))
	t.Cleanup(srv.Close)
	if err := srv.AddMessage("bob", "INBOX", []byte("x")); err == nil || !strings.Contains(err.Error(), `no user "bob"`) {
		t.Errorf("AddMessage for an unknown user: %v", err)
	}
	if err := srv.AddMessage("alice", "Nope", []byte("x")); err == nil || !strings.Contains(err.Error(), `"Nope"`) {
		t.Errorf("AddMessage to a missing mailbox: %v", err)
	}
	if err := srv.CreateMailbox("alice", "INBOX"); err == nil {
		t.Error("CreateMailbox of an existing mailbox succeeded")
	}
	if srv.TLSPort != 0 || srv.Certificate() != nil || srv.ClientTLSConfig() != nil {
		t.Errorf("plain server reports TLS: port %d", srv.TLSPort)
	}
	if srv.Addr() != net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)) {
		t.Errorf("Addr() = %q", srv.Addr())
	}
	srv.Close()
	srv.Close() // a second Close (t.Cleanup's) is harmless
	if _, err := imaplib.New(srv.Host, srv.Port); err == nil {
		t.Error("connected after Close")
	}
}

// TestTLSServerCertificate: the made-up certificate verifies for the
// loopback names through ClientTLSConfig, and a default configuration
// (the system roots) refuses it, so a test cannot pass by skipping
// verification.
func TestTLSServerCertificate(t *testing.T) {
	srv := imaplibtest.NewTLSServer(imaplibtest.User("alice", "pw"))
	t.Cleanup(srv.Close)
	cert := srv.Certificate()
	for _, name := range []string{"127.0.0.1", "localhost", "::1"} {
		if err := cert.VerifyHostname(name); err != nil {
			t.Errorf("certificate does not name %s: %v", name, err)
		}
	}
	m, err := imaplib.IMAP4_SSL("localhost", srv.TLSPort, imaplib.WithTLSConfig(srv.ClientTLSConfig()))
	if err != nil {
		t.Fatalf("IMAP4_SSL with ClientTLSConfig: %v", err)
	}
	if typ, data, err := m.Login("alice", "pw"); typ != "OK" || err != nil {
		t.Errorf("Login over TLS: %s, %v", imaplib.Repr(typ, data), err)
	}
	m.Logout()
	if m, err := imaplib.IMAP4_SSL(srv.Host, srv.TLSPort, imaplib.WithTLSConfig(&tls.Config{})); err == nil {
		m.Logout()
		t.Error("IMAP4_SSL trusted the self-signed certificate without ClientTLSConfig")
	}
}

// TestTLSConfigOption: a caller's own server configuration is served and
// reported by Certificate.
func TestTLSConfigOption(t *testing.T) {
	mine := imaplibtest.NewTLSServer()
	defer mine.Close()
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{mine.Certificate().Raw}}}}
	// The private key is not needed to start, only to handshake; what is
	// checked here is that the given certificate is the one reported.
	srv := imaplibtest.NewServer(imaplibtest.TLSConfig(cfg))
	defer srv.Close()
	if srv.TLSPort == 0 || !srv.Certificate().Equal(mine.Certificate()) {
		t.Errorf("TLSConfig option: port %d, certificate %v", srv.TLSPort, srv.Certificate())
	}
}

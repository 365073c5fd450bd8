package imaplib

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
)

// TLS defaults: IMAP4_SSL and Starttls verify the certificate chain and
// the host name and require TLS 1.2 at least, unless the caller's
// *tls.Config says otherwise. (CPython's defaults verify nothing.)

// tlsServerConfig returns the fake server's TLS configuration: the leaf
// for localhost and 127.0.0.1 (noIP: localhost only), optionally capped at
// TLS 1.1.
func tlsServerConfig(t *testing.T, noIP, tls11 bool) *tls.Config {
	p := protoTestPKI(t)
	c := p.server.Clone()
	if noIP {
		c = p.serverNoIP.Clone()
	}
	if tls11 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	}
	return c
}

// tlsDial connects with IMAP4_SSL (or plaintext and then Starttls) to a
// fake server with serverCfg, as host.
func tlsDial(t *testing.T, starttls bool, serverCfg *tls.Config, host string, clientCfg *tls.Config) (*IMAP4, error) {
	t.Helper()
	if !starttls {
		s := protoStartServer(t, serverCfg)
		var opts []Option
		if clientCfg != nil {
			opts = append(opts, WithTLSConfig(clientCfg))
		}
		m, err := IMAP4_SSL(host, s.port, opts...)
		if m != nil {
			t.Cleanup(func() { m.Shutdown() })
		}
		return m, err
	}
	ss := &stlsServer{plainCaps: "IMAP4rev1 STARTTLS", tlsCaps: "IMAP4rev1", cert: serverCfg}
	s := ss.start(t)
	m, err := New(host, s.port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	_, _, err = m.Starttls(clientCfg)
	return m, err
}

func tlsBoth(t *testing.T, f func(t *testing.T, starttls bool)) {
	t.Run("IMAP4_SSL", func(t *testing.T) { f(t, false) })
	t.Run("Starttls", func(t *testing.T) { f(t, true) })
}

func TestTLSDefaultVerifiesChain(t *testing.T) {
	tlsBoth(t, func(t *testing.T, starttls bool) {
		// No config at all: the system roots do not know the test CA.
		_, err := tlsDial(t, starttls, tlsServerConfig(t, false, false), "127.0.0.1", nil)
		var ua x509.UnknownAuthorityError
		if !errors.As(err, &ua) {
			t.Fatalf("untrusted certificate, default config: %T %v, want x509.UnknownAuthorityError", err, err)
		}
		// A config with other roots: still verified.
		_, err = tlsDial(t, starttls, tlsServerConfig(t, false, false), "127.0.0.1", &tls.Config{RootCAs: protoTestPKI(t).otherPool})
		if !errors.As(err, &ua) {
			t.Fatalf("untrusted certificate, other roots: %T %v, want x509.UnknownAuthorityError", err, err)
		}
		// Trusting the test CA works.
		m, err := tlsDial(t, starttls, tlsServerConfig(t, false, false), "127.0.0.1", &tls.Config{RootCAs: protoTestPKI(t).pool})
		if err != nil {
			t.Fatalf("trusted certificate: %v", err)
		}
		if v := m.Socket().(*tls.Conn).ConnectionState().Version; v < tls.VersionTLS12 {
			t.Errorf("negotiated %s", tls.VersionName(v))
		}
		// The caller may say otherwise.
		if _, err := tlsDial(t, starttls, tlsServerConfig(t, false, false), "127.0.0.1", &tls.Config{InsecureSkipVerify: true}); err != nil {
			t.Errorf("InsecureSkipVerify set by the caller: %v", err)
		}
	})
}

func TestTLSDefaultVerifiesHostName(t *testing.T) {
	tlsBoth(t, func(t *testing.T, starttls bool) {
		pool := protoTestPKI(t).pool
		// The certificate names localhost only; the connection is made to
		// 127.0.0.1, which becomes the name verified.
		cfg := &tls.Config{RootCAs: pool}
		_, err := tlsDial(t, starttls, tlsServerConfig(t, true, false), "127.0.0.1", cfg)
		var he x509.HostnameError
		if !errors.As(err, &he) {
			t.Fatalf("wrong host name: %T %v, want x509.HostnameError", err, err)
		}
		if cfg.ServerName != "" || cfg.MinVersion != 0 {
			t.Errorf("the caller's config was changed: %+v", cfg)
		}
		// Connecting by the certificate's name works.
		if _, err := tlsDial(t, starttls, tlsServerConfig(t, true, false), "localhost", &tls.Config{RootCAs: pool}); err != nil {
			t.Errorf("right host name: %v", err)
		}
		// The caller's ServerName wins.
		if _, err := tlsDial(t, starttls, tlsServerConfig(t, true, false), "127.0.0.1", &tls.Config{RootCAs: pool, ServerName: "localhost"}); err != nil {
			t.Errorf("ServerName set by the caller: %v", err)
		}
	})
}

func TestTLSMinimumVersion(t *testing.T) {
	tlsBoth(t, func(t *testing.T, starttls bool) {
		pool := protoTestPKI(t).pool
		// A server capped at TLS 1.1 fails the handshake, with no config
		// and with a config that sets no minimum.
		for _, cfg := range []*tls.Config{nil, {RootCAs: pool}} {
			_, err := tlsDial(t, starttls, tlsServerConfig(t, false, true), "127.0.0.1", cfg)
			if err == nil {
				t.Fatalf("TLS 1.1 server accepted (config %v)", cfg)
			}
			var ua x509.UnknownAuthorityError
			if errors.As(err, &ua) {
				t.Fatalf("TLS 1.1 server: the handshake got as far as the certificate: %v", err)
			}
		}
		// The caller may allow TLS 1.1: then the same server works, so the
		// failure above was the version.
		m, err := tlsDial(t, starttls, tlsServerConfig(t, false, true), "127.0.0.1", &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS11})
		if err != nil {
			t.Fatalf("TLS 1.1 allowed by the caller: %v", err)
		}
		if v := m.Socket().(*tls.Conn).ConnectionState().Version; v != tls.VersionTLS11 {
			t.Errorf("negotiated %s, want TLS 1.1", tls.VersionName(v))
		}
	})
}

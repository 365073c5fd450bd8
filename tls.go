package imaplib

import (
	"crypto/tls"
	"net"
	"time"
)

// IMAP4_SSL connects to an IMAP4 server over implicit TLS (port 0 means
// IMAP4_SSL_PORT): Python's IMAP4_SSL. Unlike CPython, the certificate
// chain and the host name are verified unless WithTLSConfig passes a config
// that says otherwise.
func IMAP4_SSL(host string, port int, opts ...Option) (*IMAP4, error) {
	m, err := newIMAP4(host, port, IMAP4_SSL_PORT, opts)
	if err != nil {
		return nil, err
	}
	m.wrapConn = m.handshake
	if err := m.open(host, m.port); err != nil {
		return nil, err
	}
	if err := m.connect(); err != nil {
		return nil, err
	}
	return m, nil
}

// handshake is IMAP4_SSL's wrapConn: the client side of a TLS handshake
// over conn, within the timeout. On failure conn is closed.
func (m *IMAP4) handshake(conn net.Conn, host string) (net.Conn, error) {
	tc := tls.Client(conn, m.tlsConfig(host))
	if m.opts.timeout > 0 {
		_ = tc.SetDeadline(time.Now().Add(m.opts.timeout))
	}
	if err := tc.Handshake(); err != nil {
		conn.Close()
		return nil, err
	}
	_ = tc.SetDeadline(time.Time{})
	return tc, nil
}

// tlsConfig returns the configuration for a handshake with host: the
// caller's (a copy, with ServerName filled in when empty) or a verifying
// default, never below TLS 1.2 unless the caller's config says so.
func (m *IMAP4) tlsConfig(host string) *tls.Config {
	return m.tlsConfigFrom(m.opts.tlsConfig, host)
}

func (m *IMAP4) tlsConfigFrom(c *tls.Config, host string) *tls.Config {
	if c == nil {
		return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	c = c.Clone()
	if c.ServerName == "" {
		c.ServerName = host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// Starttls upgrades the connection to TLS (RFC 3501 section 6.2.1) with
// config, or the WithTLSConfig one, or a verifying default when both are
// nil. It returns ("OK", [None]) as Python does. Capabilities are asked for
// again over TLS; the plaintext ones are dropped.
//
// Unlike CPython, bytes the server sent after its STARTTLS reply but before
// the handshake are an error (they could have been injected by an attacker
// in the path), and a failed handshake leaves the connection closed, never
// usable in plaintext.
func (m *IMAP4) Starttls(config *tls.Config) (string, []Datum, error) {
	defer m.begin()()
	if m.tlsEstablished {
		return "", nil, &AbortError{Msg: "TLS session already established"}
	}
	if !m.hasCapability("STARTTLS") {
		return "", nil, &AbortError{Msg: "TLS not supported by server"}
	}
	if m.conn == nil && m.state == StateNonAuth {
		return "", nil, &Error{Msg: "STARTTLS requires a socket connection"}
	}
	typ, dat, err := m.simple("STARTTLS")
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		return "", nil, &Error{Msg: "Couldn't establish TLS session"}
	}
	if n := m.r.Buffered(); n > 0 {
		err := m.fail(&AbortError{Msg: "STARTTLS: the server sent " + itoa(n) +
			" bytes after its reply and before the TLS handshake; refusing them (possible response injection)"})
		m.shutdown()
		return "", nil, err
	}
	host := m.host
	if host == "" {
		host = "localhost"
	}
	if config == nil {
		config = m.opts.tlsConfig
	}
	tc := tls.Client(m.conn, m.tlsConfigFrom(config, host))
	if m.opts.timeout > 0 {
		_ = tc.SetDeadline(time.Now().Add(m.opts.timeout))
	}
	if err := tc.Handshake(); err != nil {
		err := m.fail(&AbortError{Msg: "socket error: TLS handshake failed: " + err.Error(), Err: err})
		m.shutdown()
		return "", nil, err
	}
	_ = tc.SetDeadline(time.Time{})
	m.setTransport(tc, tc)
	m.tlsEstablished = true
	// Nothing the server said in plaintext is trusted over TLS: drop the
	// untagged responses received before the handshake along with the
	// capabilities (RFC 3501 6.2.1), so that none injected there survives.
	m.flushUntagged()
	m.capabilities = nil
	if err := m.getCapabilities(); err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "STARTTLS")
	return typ, dat, nil
}

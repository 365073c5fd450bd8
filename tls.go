package imaplib

import (
	"context"
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
	m.tlsWrap = func(ctx context.Context, conn net.Conn, host string) (net.Conn, error) {
		return tlsHandshake(ctx, conn, m.tlsConfig(m.opts.tlsConfig, host), m.opts.timeout)
	}
	return m.dialAndGreet(host)
}

// tlsHandshake is the client side of a TLS handshake over conn, within
// ctx and the connection's timeout.
func tlsHandshake(ctx context.Context, conn net.Conn, config *tls.Config, timeout time.Duration) (*tls.Conn, error) {
	tc := tls.Client(conn, config)
	if timeout > 0 {
		_ = tc.SetDeadline(time.Now().Add(timeout))
	}
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	_ = tc.SetDeadline(time.Time{})
	return tc, nil
}

// tlsConfig returns the configuration for a handshake with host: the
// caller's c (a copy, with ServerName filled in when empty) or a
// verifying default, never below TLS 1.2 unless c says so.
func (m *IMAP4) tlsConfig(c *tls.Config, host string) *tls.Config {
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
	if m.stream != "" && m.state == StateNonAuth {
		return "", nil, &Error{Msg: "STARTTLS requires a socket connection"}
	}
	typ, dat, err := m.simple("STARTTLS")
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		return "", nil, &Error{Msg: "Couldn't establish TLS session"}
	}
	host := m.host
	if host == "" {
		host = "localhost"
	}
	if config == nil {
		config = m.opts.tlsConfig
	}
	ctx := m.call.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if err := m.e.startTLS(ctx, m.tlsConfig(config, host)); err != nil {
		return "", nil, err
	}
	m.tlsEstablished = true
	// Nothing the server said in plaintext is trusted over TLS: drop the
	// untagged responses received before the handshake along with the
	// capabilities (RFC 3501 6.2.1), so that none injected there survives.
	m.store.flush()
	m.setAttr(func() { m.capabilities = nil })
	if err := m.getCapabilities(); err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "STARTTLS")
	return typ, dat, nil
}

// startTLS runs the client side of a TLS handshake over the socket and
// puts the session in its place. Bytes the server sent after its STARTTLS
// reply and before the handshake are refused: they did not come over TLS
// and could have been injected. Any failure closes the connection, so that
// it is never used in plaintext after STARTTLS.
func (e *engine) startTLS(ctx context.Context, config *tls.Config) error {
	if n := e.buffered(); n > 0 {
		err := e.fail(&AbortError{Msg: "STARTTLS: the server sent " + itoa(n) +
			" bytes after its reply and before the TLS handshake; refusing them (possible response injection)"})
		e.close()
		return err
	}
	tc, err := tlsHandshake(ctx, e.socket, config, e.opts.timeout)
	if err != nil {
		err := e.fail(&AbortError{Msg: "socket error: TLS handshake failed: " + err.Error(), Err: err})
		e.close()
		return err
	}
	e.replaceTransport(tc, tc)
	return nil
}

package imaplib

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// TLS for the fake server, in the manner of CPython's SecureTCPServer with
// certdata/keycert3.pem and pycacert.pem: a test CA and leaf certificates
// made in-process once per test binary. No test ever turns verification
// off: the client trusts the test CA through WithTLSConfig.

// protoPKI is the test public-key infrastructure.
type protoPKI struct {
	// pool trusts the test CA only.
	pool *x509.CertPool
	// otherPool trusts only a second CA, which signed nothing we serve.
	otherPool *x509.CertPool
	// server serves a leaf for DNS:localhost, IP:127.0.0.1 and IP:::1.
	server *tls.Config
	// serverNoIP serves a leaf for DNS:localhost only, like CPython's
	// keycert3.pem, so a connection to 127.0.0.1 fails host verification.
	serverNoIP *tls.Config
	// leaf is the certificate server presents.
	leaf *x509.Certificate
}

var (
	protoPKIOnce sync.Once
	protoPKIVal  *protoPKI
	protoPKIErr  error
)

// protoTestPKI returns the test PKI, generating it on first use.
func protoTestPKI(t testing.TB) *protoPKI {
	t.Helper()
	protoPKIOnce.Do(func() { protoPKIVal, protoPKIErr = newProtoPKI() })
	if protoPKIErr != nil {
		t.Fatalf("generating test certificates: %v", protoPKIErr)
	}
	return protoPKIVal
}

func newProtoPKI() (*protoPKI, error) {
	caCert, caKey, err := protoNewCA("imaplib test CA")
	if err != nil {
		return nil, err
	}
	otherCA, _, err := protoNewCA("imaplib unrelated CA")
	if err != nil {
		return nil, err
	}
	leaf, err := protoNewLeaf(caCert, caKey, []string{"localhost"},
		[]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback})
	if err != nil {
		return nil, err
	}
	leafNoIP, err := protoNewLeaf(caCert, caKey, []string{"localhost"}, nil)
	if err != nil {
		return nil, err
	}
	p := &protoPKI{
		pool:       x509.NewCertPool(),
		otherPool:  x509.NewCertPool(),
		server:     &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12},
		serverNoIP: &tls.Config{Certificates: []tls.Certificate{leafNoIP}, MinVersion: tls.VersionTLS12},
		leaf:       leaf.Leaf,
	}
	p.pool.AddCert(caCert)
	p.otherPool.AddCert(otherCA)
	return p, nil
}

var protoSerial struct {
	mu sync.Mutex
	n  int64
}

func protoNextSerial() *big.Int {
	protoSerial.mu.Lock()
	defer protoSerial.mu.Unlock()
	protoSerial.n++
	return big.NewInt(protoSerial.n)
}

func protoNewCA(name string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          protoNextSerial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func protoNewLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, dns []string, ips []net.IP) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: protoNextSerial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// protoTransport is one way of reaching the fake server: plain TCP with
// New (CPython's NewIMAPTests, ThreadedNetworkedTests) or implicit TLS with
// IMAP4_SSL (NewIMAPSSLTests, ThreadedNetworkedTestsSSL).
type protoTransport struct {
	name string
	tls  bool
	pki  *protoPKI
}

// protoTransports runs f once over TCP and once over TLS, as subtests
// "tcp" and "tls".
func protoTransports(t *testing.T, f func(t *testing.T, tr protoTransport)) {
	t.Helper()
	t.Run("tcp", func(t *testing.T) { f(t, protoTransport{name: "tcp"}) })
	t.Run("tls", func(t *testing.T) {
		f(t, protoTransport{name: "tls", tls: true, pki: protoTestPKI(t)})
	})
}

// server starts a fake server speaking this transport, applying
// configure first (see protoStartServer).
func (tr protoTransport) server(t *testing.T, configure ...func(*fakeServer)) *fakeServer {
	t.Helper()
	if tr.tls {
		return protoStartServer(t, tr.pki.server, configure...)
	}
	return protoStartServer(t, nil, configure...)
}

// protoStartServer is newFakeServer for a *testing.T.
func protoStartServer(t *testing.T, tlsConfig *tls.Config, configure ...func(*fakeServer)) *fakeServer {
	t.Helper()
	return newFakeServer(t, tlsConfig, configure...)
}

// connect makes a client for s as the matching constructor does; over TLS
// the client trusts the test CA (opts may override it).
func (tr protoTransport) connect(s *fakeServer, opts ...Option) (*IMAP4, error) {
	return tr.connectHost(s.host, s.port, opts...)
}

func (tr protoTransport) connectHost(host string, port int, opts ...Option) (*IMAP4, error) {
	if tr.tls {
		opts = append([]Option{WithTLSConfig(&tls.Config{RootCAs: tr.pki.pool})}, opts...)
		return IMAP4_SSL(host, port, opts...)
	}
	return New(host, port, opts...)
}

// dial connects or fails the test; the client is shut down when the test
// ends.
func (tr protoTransport) dial(t *testing.T, s *fakeServer, opts ...Option) *IMAP4 {
	t.Helper()
	m, err := tr.connect(s, opts...)
	if err != nil {
		t.Fatalf("%s connect: %v", tr.name, err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return m
}

// TestSocketType: Socket gives the *net.TCPConn or the *tls.Conn, never
// the package's reader around them (a caller may type-assert it).
func TestSocketType(t *testing.T) {
	protoTransports(t, func(t *testing.T, tr protoTransport) {
		m := tr.dial(t, tr.server(t))
		switch c := m.Socket().(type) {
		case *net.TCPConn:
			if tr.tls {
				t.Error("Socket is a *net.TCPConn on a TLS connection")
			}
		case *tls.Conn:
			if !tr.tls {
				t.Error("Socket is a *tls.Conn on a plain connection")
			}
		default:
			t.Errorf("Socket is a %T", c)
		}
	})
}

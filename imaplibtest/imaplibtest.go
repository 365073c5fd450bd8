// Package imaplibtest runs a real IMAP server in the test's own process,
// on loopback, in the spirit of net/http/httptest: a test of code that uses
// github.com/goimaplib/imaplib starts one, connects to Host and Port, and
// closes it at the end, with nothing to install.
//
//	srv := imaplibtest.NewServer(imaplibtest.User("alice", "secret"))
//	defer srv.Close()
//	srv.AddMessage("alice", "INBOX", []byte("Subject: hi\r\n\r\nHello\r\n"))
//	m, err := imaplib.New(srv.Host, srv.Port)
//
// The server is go-imap v2's in-memory server (imapmemserver), an
// IMAP4rev2 server that also serves IMAP4rev1 clients. It keeps everything
// in memory and forgets it on Close. It is a real protocol implementation,
// not a script: to test exact bytes on the wire or a misbehaving server,
// write a fake one instead. The server logs nothing; what goes wrong shows
// on the client's side.
//
// go-imap is a dependency of this package and of what imports it only:
// the imaplib package itself does not import it, so a program that does
// not use imaplibtest does not link it.
package imaplibtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is a running in-memory IMAP server. Its fields are set by
// NewServer and NewTLSServer and must not be changed.
type Server struct {
	// Host is the address the server listens on, always "127.0.0.1".
	Host string
	// Port is the plain IMAP port, for imaplib.New. A TLS server offers
	// STARTTLS on it too.
	Port int
	// TLSPort is the implicit-TLS port, for imaplib.IMAP4_SSL; 0 unless
	// the server was started with TLS.
	TLSPort int

	tlsConfig *tls.Config // the server side, nil without TLS
	cert      *x509.Certificate

	mem   *imapmemserver.Server
	srv   *imapserver.Server
	lns   []net.Listener
	mu    sync.Mutex // guards users and changes
	users map[string]*imapmemserver.User
	wg    sync.WaitGroup
	once  sync.Once
	// changes is closed, and replaced, when a mailbox changes: it wakes
	// every IDLE.
	changes chan struct{}
}

// An Option configures a Server when it starts.
type Option func(*config)

type config struct {
	users     [][2]string
	tlsConfig *tls.Config
}

// User adds an account, name with password, whose INBOX exists and is
// empty. A server without users accepts no login.
func User(name, password string) Option {
	return func(c *config) { c.users = append(c.users, [2]string{name, password}) }
}

// TLSConfig makes the server offer STARTTLS on Port and implicit TLS on
// TLSPort with cfg, which must hold the server's certificate. Use it to
// test with a certificate of your own (a private CA, an expired one);
// NewTLSServer makes one for you.
func TLSConfig(cfg *tls.Config) Option {
	return func(c *config) { c.tlsConfig = cfg }
}

// NewServer starts a server on free loopback ports. Like httptest's, it
// panics when it cannot listen: a test cannot go on without it, and the
// caller has no better way to report it.
func NewServer(opts ...Option) *Server {
	var c config
	for _, o := range opts {
		o(&c)
	}
	s, err := start(c)
	if err != nil {
		panic("imaplibtest: " + err.Error())
	}
	return s
}

// NewTLSServer starts a server as NewServer does, offering STARTTLS and
// implicit TLS with a self-signed certificate for 127.0.0.1, ::1 and
// localhost. ClientTLSConfig returns a client configuration that trusts
// it, and Certificate the certificate itself (to write out as a PEM file
// for a program's CA file, say). A TLSConfig option replaces the made-up
// certificate.
func NewTLSServer(opts ...Option) *Server {
	cfg, err := selfSigned()
	if err != nil {
		panic("imaplibtest: " + err.Error())
	}
	return NewServer(append([]Option{TLSConfig(cfg)}, opts...)...)
}

func start(c config) (*Server, error) {
	s := &Server{Host: "127.0.0.1", mem: imapmemserver.New(), users: map[string]*imapmemserver.User{}, tlsConfig: c.tlsConfig}
	for _, u := range c.users {
		if err := s.addUser(u[0], u[1]); err != nil {
			return nil, err
		}
	}
	if s.tlsConfig != nil {
		if len(s.tlsConfig.Certificates) == 0 {
			return nil, errors.New("TLSConfig holds no certificate")
		}
		cert := s.tlsConfig.Certificates[0]
		leaf := cert.Leaf
		if leaf == nil && len(cert.Certificate) > 0 {
			var err error
			if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
				return nil, err
			}
		}
		s.cert = leaf
	}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{s.mem.NewSession().(imapserver.SessionIMAP4rev2), s}, nil, nil
		},
		// IMAP4rev2 implies these, but an IMAP4rev1 client only sees what
		// is listed.
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {},
			imap.CapNamespace: {}, imap.CapUIDPlus: {}, imap.CapESearch: {},
			imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapMove: {},
			imap.CapStatusSize: {}, imap.CapChildren: {}, imap.CapSearchRes: {},
		},
		TLSConfig:    s.tlsConfig,
		InsecureAuth: true, // loopback only: LOGIN works without TLS
		// A test that makes a handshake fail on purpose should not have
		// the server's complaint in its output; the client sees the error.
		Logger: log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	s.serve(ln)
	if s.tlsConfig != nil {
		tln, err := tls.Listen("tcp", "127.0.0.1:0", s.tlsConfig)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.TLSPort = tln.Addr().(*net.TCPAddr).Port
		s.serve(tln)
	}
	return s, nil
}

func (s *Server) serve(ln net.Listener) {
	s.lns = append(s.lns, ln)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(ln)
	}()
}

func (s *Server) addUser(name, password string) error {
	u := imapmemserver.NewUser(name, password)
	if err := u.Create("INBOX", nil); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.users[name]; dup {
		return fmt.Errorf("user %q given twice", name)
	}
	s.mem.AddUser(u)
	s.users[name] = u
	return nil
}

func (s *Server) user(name string) (*imapmemserver.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[name]
	if !ok {
		return nil, fmt.Errorf("imaplibtest: no user %q", name)
	}
	return u, nil
}

// Addr returns "127.0.0.1:port" of the plain IMAP port, for code that
// takes an address rather than a host and a port.
func (s *Server) Addr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// AddMessage puts msg into a user's mailbox with the given flags (such as
// `\Seen`) and the current time as its INTERNALDATE, directly, without
// IMAP: a test sets up the mailbox it needs before the code under test
// connects. The mailbox must exist (INBOX always does; see CreateMailbox).
func (s *Server) AddMessage(user, mailbox string, msg []byte, flags ...string) error {
	return s.AddMessageAt(user, mailbox, time.Now(), msg, flags...)
}

// AddMessageAt is AddMessage with date as the message's INTERNALDATE, for
// tests of date searches and of Internaldate2tuple.
func (s *Server) AddMessageAt(user, mailbox string, date time.Time, msg []byte, flags ...string) error {
	u, err := s.user(user)
	if err != nil {
		return err
	}
	opts := &imap.AppendOptions{Time: date}
	for _, f := range flags {
		opts.Flags = append(opts.Flags, imap.Flag(f))
	}
	_, err = u.Append(mailbox, literal{bytes.NewReader(msg)}, opts)
	s.changed()
	if err != nil {
		return fmt.Errorf("imaplibtest: add to %q: %w", mailbox, err)
	}
	return nil
}

// literal gives a bytes.Reader the Size method go-imap asks of a literal.
type literal struct{ *bytes.Reader }

// CreateMailbox creates a mailbox for user, as the CREATE command would.
func (s *Server) CreateMailbox(user, mailbox string) error {
	u, err := s.user(user)
	if err != nil {
		return err
	}
	if err := u.Create(mailbox, nil); err != nil {
		return fmt.Errorf("imaplibtest: create %q: %w", mailbox, err)
	}
	return nil
}

// Certificate returns the server's TLS certificate, nil without TLS. For
// NewTLSServer it is self-signed and so its own CA.
func (s *Server) Certificate() *x509.Certificate { return s.cert }

// ClientTLSConfig returns a client configuration that trusts the server's
// certificate and nothing else, for imaplib.WithTLSConfig or Starttls;
// nil without TLS. Each call returns a new one, for the caller to change.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.cert == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.cert)
	return &tls.Config{RootCAs: pool}
}

// Close stops the server, closing every connection, and waits until its
// goroutines have ended, so that a leak check after it finds none. It
// may be called more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		// imapserver's Close closes only the listeners its Serve has
		// registered; one whose goroutine has not started yet would stay
		// open, accepting connections nobody answers. Every Serve must
		// also have returned before Close: a Serve that starts late adds
		// to the WaitGroup that Close waits on, a race (go-imap
		// v2.0.0-beta.8) that -race reported about once in 30 runs.
		for _, ln := range s.lns {
			_ = ln.Close()
		}
		s.wg.Wait()
		_ = s.srv.Close()
	})
}

var (
	certOnce sync.Once
	certPair tls.Certificate
	certErr  error
)

// selfSigned returns a server configuration with a self-signed ECDSA
// certificate for the loopback names, made once per process: every
// NewTLSServer of a test run shares it, so that the run pays for one key.
func selfSigned() (*tls.Config, error) {
	certOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			certErr = err
			return
		}
		now := time.Now()
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{Organization: []string{"imaplibtest"}, CommonName: "imaplibtest server"},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			BasicConstraintsValid: true,
			IsCA:                  true,
			IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
			DNSNames:              []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			certErr = err
			return
		}
		leaf, err := x509.ParseCertificate(der)
		if err != nil {
			certErr = err
			return
		}
		certPair = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	})
	if certErr != nil {
		return nil, certErr
	}
	return &tls.Config{Certificates: []tls.Certificate{certPair}}, nil
}

// changed wakes every IDLE: a mailbox has changed, and its updates are
// queued for the sessions that have it selected.
func (s *Server) changed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changes != nil {
		close(s.changes)
	}
	s.changes = make(chan struct{})
}

func (s *Server) nextChange() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changes == nil {
		s.changes = make(chan struct{})
	}
	return s.changes
}

// session is imapmemserver's session with an IDLE that misses no update.
// imapmemserver's own Idle registers for updates only after the server has
// answered IDLE, and writes only those that arrive after it registered: an
// APPEND from another connection in between stayed queued until the next
// change. This Idle writes what is queued and then waits for the next
// change, which each mutating command below signals after it has queued
// its updates; so a change that lands after an empty poll always wakes it.
type session struct {
	imapserver.SessionIMAP4rev2
	srv *Server
}

func (x *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		next := x.srv.nextChange() // before polling, so no change is lost
		if err := x.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-next:
		case <-stop:
			return nil
		}
	}
}

func (x *session) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	defer x.srv.changed()
	return x.SessionIMAP4rev2.Append(mailbox, r, options)
}

func (x *session) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	defer x.srv.changed()
	return x.SessionIMAP4rev2.Store(w, numSet, flags, options)
}

func (x *session) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	defer x.srv.changed()
	return x.SessionIMAP4rev2.Expunge(w, uids)
}

func (x *session) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	defer x.srv.changed()
	return x.SessionIMAP4rev2.Copy(numSet, dest)
}

func (x *session) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	defer x.srv.changed()
	return x.SessionIMAP4rev2.Move(w, numSet, dest)
}

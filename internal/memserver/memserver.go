// Package memserver runs go-imap v2's in-memory IMAP server
// (imapmemserver) on loopback, so that the example and the tests have a
// real server without installing one. It is not part of the library:
// only commands and tests import it.
package memserver

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is a running in-memory IMAP server.
type Server struct {
	Host string // always "127.0.0.1"
	Port int    // plain IMAP, with STARTTLS when a TLS config was given
	// TLSPort is the implicit-TLS port, 0 without a TLS config.
	TLSPort int

	mem   *imapmemserver.Server
	srv   *imapserver.Server
	users map[string]*imapmemserver.User
	wg    sync.WaitGroup
}

// Start serves users (name to password), each with an empty INBOX, on
// free loopback ports. With tlsConfig it also offers STARTTLS and an
// implicit-TLS port.
func Start(users map[string]string, tlsConfig *tls.Config) (*Server, error) {
	s := &Server{Host: "127.0.0.1", mem: imapmemserver.New(), users: map[string]*imapmemserver.User{}}
	for name, pass := range users {
		u := imapmemserver.NewUser(name, pass)
		if err := u.Create("INBOX", nil); err != nil {
			return nil, err
		}
		s.mem.AddUser(u)
		s.users[name] = u
	}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return s.mem.NewSession(), nil, nil
		},
		// IMAP4rev2 implies these, but an IMAP4rev1 client only sees what
		// is listed.
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {},
			imap.CapNamespace: {}, imap.CapUIDPlus: {}, imap.CapESearch: {},
			imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapMove: {},
			imap.CapStatusSize: {}, imap.CapChildren: {}, imap.CapSearchRes: {},
		},
		TLSConfig:    tlsConfig,
		InsecureAuth: true, // loopback only
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	s.serve(ln)
	if tlsConfig != nil {
		tln, err := tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
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
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(ln)
	}()
}

// AddMessage appends msg to a user's mailbox directly, without IMAP.
func (s *Server) AddMessage(user, mailbox string, msg []byte, flags ...string) error {
	u, ok := s.users[user]
	if !ok {
		return errors.New("memserver: no user " + user)
	}
	opts := &imap.AppendOptions{Time: time.Now()}
	for _, f := range flags {
		opts.Flags = append(opts.Flags, imap.Flag(f))
	}
	_, err := u.Append(mailbox, literal{bytes.NewReader(msg)}, opts)
	return err
}

type literal struct{ *bytes.Reader }

// Close stops the server, closing every connection, and waits for it.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.wg.Wait()
	return err
}

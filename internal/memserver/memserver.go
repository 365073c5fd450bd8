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

	mu      sync.Mutex
	changes chan struct{} // closed, and replaced, when a mailbox changes
}

// Start serves users (name to password), each with an empty INBOX, on
// free loopback ports. With tlsConfig it also offers STARTTLS and an
// implicit-TLS port.
func Start(users map[string]string, tlsConfig *tls.Config) (*Server, error) {
	s := &Server{Host: "127.0.0.1", mem: imapmemserver.New(), users: map[string]*imapmemserver.User{}, changes: make(chan struct{})}
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
	s.changed()
	return err
}

type literal struct{ *bytes.Reader }

// Close stops the server, closing every connection, and waits for it.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.wg.Wait()
	return err
}

// changed wakes every IDLE: a mailbox has changed, and its updates are
// queued for the sessions that have it selected.
func (s *Server) changed() {
	s.mu.Lock()
	close(s.changes)
	s.changes = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) nextChange() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
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

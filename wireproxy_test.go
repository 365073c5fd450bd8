package imaplib

import (
	"bytes"
	"net"
	"strconv"
	"sync"
	"testing"
)

// wireProxy is a recording TCP proxy on loopback: every connection made to
// it is forwarded to target, and the bytes the clients write are recorded
// before they are forwarded. Because a client's command reaches the server
// only after it was recorded, everything a client wrote for a command is
// in the record by the time the command returns; Take then yields exactly
// the bytes of the commands since the previous Take.
type wireProxy struct {
	Host string
	Port int

	ln     net.Listener
	target string

	mu     sync.Mutex
	sent   bytes.Buffer // client to server, not yet taken
	conns  []net.Conn
	closed bool
	wg     sync.WaitGroup
}

// startWireProxy listens on a free loopback port and forwards to target
// ("host:port") until the test ends.
func startWireProxy(t testing.TB, target string) *wireProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &wireProxy{ln: ln, target: target, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// Addr is the proxy's address as "host:port".
func (p *wireProxy) Addr() string { return net.JoinHostPort(p.Host, strconv.Itoa(p.Port)) }

// Take returns the bytes clients wrote since the last Take and forgets them.
func (p *wireProxy) Take() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := bytes.Clone(p.sent.Bytes())
	p.sent.Reset()
	return b
}

func (p *wireProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s, true)
		go p.pipe(s, c, false)
	}
}

// pipe copies from src to dst, recording what clients send. When either
// side ends, both connections are closed.
func (p *wireProxy) pipe(src, dst net.Conn, fromClient bool) {
	defer p.wg.Done()
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if fromClient {
				p.mu.Lock()
				p.sent.Write(buf[:n])
				p.mu.Unlock()
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Close stops accepting, closes every connection and waits for the
// goroutines.
func (p *wireProxy) Close() {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	p.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	p.wg.Wait()
}

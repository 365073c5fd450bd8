//go:build linux

package main

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// relayQueue bounds the chunks that wait in one direction of one
// connection. A chunk is at most relayReadSize bytes, and holds only what
// one read returned, so a direction holds at most relayQueue*relayReadSize
// bytes (64 MiB), and far less in practice: it only holds what arrived
// during the last delay. A full queue stops the reader, which lets TCP's
// flow control push back on the sender, as a slow link would.
const (
	relayQueue    = 1024
	relayReadSize = 64 << 10
)

// A relay is an in-process link with a fixed one-way delay: it listens on
// 127.0.0.1, and for each connection it accepts it dials target and
// copies bytes both ways. Every chunk that one read returns is written to
// the other side, unchanged and in order, at its arrival time plus delay,
// on its own: chunks are never merged, so each keeps its own timing. A
// round trip through the relay takes at least twice the delay. When either
// side of a connection closes, the relay delivers what it still holds for
// the other side (at its due time), then closes both.
type relay struct {
	ln     net.Listener
	target string
	delay  time.Duration

	done chan struct{} // closed by Close
	wg   sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool

	// turns counts, over all connections, the client's turns: the reads
	// of client bytes that follow the delivery of server bytes the client
	// had not yet been given at the previous such read. A client can
	// only answer what it has heard, so each turn is a round trip it
	// waited for; bytes a client sends without hearing anything new
	// (pipelined commands, a LITERAL+ message) count for none.
	turns atomic.Int64
}

// A chunk is what one read returned, and when it is due on the other side.
type chunk struct {
	b   []byte
	due time.Time
}

// newRelay starts a relay to target (host:port) with the given one-way
// delay.
func newRelay(target string, delay time.Duration) (*relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &relay{ln: ln, target: target, delay: delay, done: make(chan struct{}), conns: make(map[net.Conn]struct{})}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// port returns the port the relay listens on.
func (r *relay) port() int { return r.ln.Addr().(*net.TCPAddr).Port }

// Close stops the relay: it closes the listener and every connection, and
// returns once all its goroutines have ended.
func (r *relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.done)
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	err := r.ln.Close()
	r.wg.Wait()
	return err
}

// track records c so that Close closes it; it reports false, and closes
// c, when the relay is already closed.
func (r *relay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		c.Close()
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *relay) untrack(c net.Conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}

func (r *relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // the listener was closed
		}
		if !r.track(c) {
			return
		}
		r.wg.Add(1)
		go r.serve(c)
	}
}

// serve relays one accepted connection: it dials the target and runs one
// delayed pipe each way.
func (r *relay) serve(client net.Conn) {
	defer r.wg.Done()
	server, err := net.Dial("tcp", r.target)
	if err != nil {
		client.Close()
		r.untrack(client)
		return
	}
	if !r.track(server) {
		client.Close()
		r.untrack(client)
		return
	}
	var once sync.Once
	closeBoth := func() {
		once.Do(func() {
			client.Close()
			server.Close()
		})
	}
	var heard atomic.Int64 // server chunks delivered to the client
	var pipes sync.WaitGroup
	pipes.Add(2)
	go func() { defer pipes.Done(); r.pipe(server, client, closeBoth, nil, &heard) }()
	go func() { defer pipes.Done(); r.pipe(client, server, closeBoth, &heard, nil) }()
	pipes.Wait()
	r.untrack(client)
	r.untrack(server)
}

// pipe copies src to dst with the relay's delay. One goroutine reads and
// stamps each chunk with its arrival time; this one writes each chunk when
// its time has come. The arrival times only grow and the delay is fixed,
// so the queue, a channel, is already in time order. When src ends, pipe
// writes what it still holds, then closes both sides; when dst fails or
// the relay closes, it drops the rest and closes both sides, which also
// ends the reader. With delivered, pipe counts each chunk it delivers
// there; with heard, the reader counts a turn (relay.turns) for each read
// that comes after a change of heard.
func (r *relay) pipe(dst, src net.Conn, closeBoth func(), delivered, heard *atomic.Int64) {
	chunks := make(chan chunk, relayQueue)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer close(chunks)
		buf := make([]byte, relayReadSize)
		var seen int64 // heard at the previous read
		for {
			n, err := src.Read(buf)
			if n > 0 && heard != nil {
				if h := heard.Load(); h != seen {
					seen = h
					r.turns.Add(1)
				}
			}
			if n > 0 {
				chunks <- chunk{b: append([]byte(nil), buf[:n]...), due: time.Now().Add(r.delay)}
			}
			if err != nil {
				return
			}
		}
	}()

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	failed := false
	for c := range chunks {
		if failed {
			continue // drain, so that the reader never blocks
		}
		if wait := time.Until(c.due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-r.done:
				failed = true
				closeBoth()
				continue
			}
		}
		if delivered != nil {
			// Before the write: a client that answers at once must find
			// the count already changed.
			delivered.Add(1)
		}
		if _, err := dst.Write(c.b); err != nil {
			failed = true
			closeBoth()
		}
	}
	closeBoth()
}

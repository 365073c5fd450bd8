//go:build linux

package main

import (
	"io"
	"net"
	"slices"
	"sync"
	"time"
)

// echoServer accepts connections on 127.0.0.1 and echoes every byte back
// until the client closes.
type echoServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

func newEchoServer() (*echoServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &echoServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return s, nil
}

// close stops accepting and waits for every connection to end: the
// clients must have closed theirs.
func (s *echoServer) close() {
	s.ln.Close()
	s.wg.Wait()
}

// roundTrips is what measureRoundTrip found: the median, fastest and
// slowest of its ping-pongs.
type roundTrips struct {
	median, lo, hi time.Duration
}

// measureRoundTrip times n one-byte ping-pongs through a relay with the
// given one-way delay to an echo server in this process. The relay's
// writes wait on timers, which fire a little after their due time (the
// runtime's poller sleeps in whole milliseconds), so a round trip through
// it takes somewhat more than twice the delay: the latency tables count
// round trips in this measured time, not in 2 × delay.
func measureRoundTrip(delay time.Duration, n int) (roundTrips, error) {
	s, err := newEchoServer()
	if err != nil {
		return roundTrips{}, err
	}
	defer s.close()
	r, err := newRelay(s.ln.Addr().String(), delay)
	if err != nil {
		return roundTrips{}, err
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.ln.Addr().String())
	if err != nil {
		return roundTrips{}, err
	}
	defer c.Close()
	times := make([]time.Duration, 0, n)
	b := []byte{'p'}
	for range n {
		start := time.Now()
		if _, err := c.Write(b); err != nil {
			return roundTrips{}, err
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return roundTrips{}, err
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return roundTrips{median: times[n/2], lo: times[0], hi: times[n-1]}, nil
}

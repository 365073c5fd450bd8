package pollconn

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv("POLLCONN_ECHO_SERVER") == "1" {
		echoServer()
		return
	}
	goleak.VerifyTestMain(m)
}

// echoServer is the benchmark's server, run as a child process so that
// its work is not counted in the benchmark's CPU time: it prints its
// address and echoes what one client sends.
func echoServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	fmt.Println(ln.Addr())
	s, err := ln.Accept()
	if err != nil {
		os.Exit(1)
	}
	delay, _ := time.ParseDuration(os.Getenv("POLLCONN_ECHO_DELAY"))
	buf := make([]byte, 4096)
	for {
		n, err := s.Read(buf)
		if err != nil {
			return
		}
		if delay > 0 {
			// Busy, like a server doing the command's work, rather than
			// asleep, which would add the server's own wake-up latency.
			for t := time.Now(); time.Since(t) < delay; {
			}
		}
		if _, err := s.Write(buf[:n]); err != nil {
			return
		}
	}
}

// pair returns a wrapped client connection and the server's end of it.
func pair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return Wrap(c), s
}

func TestWrapAndUnwrap(t *testing.T) {
	c, _ := pair(t)
	raw := Unwrap(c)
	if _, ok := raw.(*net.TCPConn); !ok {
		t.Fatalf("Unwrap gave %T, want *net.TCPConn", raw)
	}
	if raw == c {
		t.Fatal("Wrap returned the TCP connection itself on Linux")
	}
	if Unwrap(raw) != raw {
		t.Error("Unwrap of an unwrapped connection changed it")
	}
	var p net.Conn = &net.UnixConn{}
	if Wrap(p) != p {
		t.Error("Wrap changed a connection that is not TCP")
	}
}

// withProcs sets GOMAXPROCS for one test.
func withProcs(t *testing.T, n int) {
	old := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// withMaxWait sets the kernel wait's bound for one test.
func withMaxWait(t *testing.T, d time.Duration) {
	old := maxWait
	maxWait = d
	t.Cleanup(func() { maxWait = old })
}

// whenWaiting runs f once a read is waiting in the kernel, or after 5 s.
// It spins rather than sleeps: a timer could sit on the P that the waiting
// thread holds.
func whenWaiting(f func()) {
	go func() {
		for start := time.Now(); waiters.Load() == 0 && time.Since(start) < 5*time.Second; {
		}
		f()
	}()
}

// TestReadWaitsInKernel: an answer that comes during the kernel wait is
// delivered by it, not by the poller; with GOMAXPROCS=1 there is no kernel
// wait.
func TestReadWaitsInKernel(t *testing.T) {
	withProcs(t, max(2, runtime.GOMAXPROCS(0)))
	withMaxWait(t, 10*time.Second) // so that a loaded machine cannot miss it
	c, s := pair(t)
	before := kernelWaits.Load()
	whenWaiting(func() { s.Write([]byte("* OK\r\n")) })
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "* OK\r\n" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	if kernelWaits.Load() == before {
		t.Error("the data did not come through a kernel wait")
	}

	withProcs(t, 1)
	go func() {
		time.Sleep(200 * time.Microsecond)
		s.Write([]byte("* OK\r\n"))
	}()
	before = kernelWaits.Load()
	if _, err := c.Read(buf); err != nil {
		t.Fatal(err)
	}
	if waiters.Load() != 0 || kernelWaits.Load() != before {
		t.Error("GOMAXPROCS=1: a read waited in the kernel")
	}
}

// TestReadFallsBackToPoller: an answer slower than MaxWait still arrives.
func TestReadFallsBackToPoller(t *testing.T) {
	c, s := pair(t)
	go func() {
		time.Sleep(10 * MaxWait)
		s.Write([]byte("late\r\n"))
	}()
	got, err := io.ReadAll(io.LimitReader(c, 6))
	if err != nil || string(got) != "late\r\n" {
		t.Fatalf("read %q, %v", got, err)
	}
	if w := waiters.Load(); w != 0 {
		t.Errorf("%d waiters left counted", w)
	}
}

func TestReadDeadline(t *testing.T) {
	for _, wait := range []time.Duration{0, MaxWait / 4, 5 * MaxWait} {
		c, _ := pair(t)
		start := time.Now()
		if err := c.SetReadDeadline(start.Add(wait)); err != nil {
			t.Fatal(err)
		}
		_, err := c.Read(make([]byte, 8))
		elapsed := time.Since(start)
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("deadline in %v: Read error %v (%T), want a timeout", wait, err, err)
		}
		if elapsed < wait || elapsed > wait+time.Second {
			t.Errorf("deadline in %v: Read returned after %v", wait, elapsed)
		}
		// Clearing the deadline lets the next read wait for data again.
		c.SetDeadline(time.Time{})
		if d := c.(*conn).readDeadline.Load(); d != 0 {
			t.Errorf("deadline still stored after clearing: %d", d)
		}
	}
}

// TestInterruptDuringKernelWait: a deadline set or a Close from another
// goroutine ends a Read waiting in the kernel once that wait ends (here
// after 100 ms), not later.
func TestInterruptDuringKernelWait(t *testing.T) {
	withProcs(t, max(2, runtime.GOMAXPROCS(0)))
	const wait = 100 * time.Millisecond
	withMaxWait(t, wait)
	for _, how := range []string{"deadline", "close"} {
		c, _ := pair(t)
		done := make(chan error, 1)
		interrupted := make(chan time.Time, 1)
		whenWaiting(func() {
			interrupted <- time.Now()
			if how == "deadline" {
				c.SetReadDeadline(time.Unix(1, 0))
			} else {
				c.Close()
			}
		})
		go func() {
			_, err := c.Read(make([]byte, 8))
			done <- err
		}()
		select {
		case err := <-done:
			want := os.ErrDeadlineExceeded
			if how == "close" {
				want = net.ErrClosed
			}
			if !errors.Is(err, want) {
				t.Errorf("%s: Read error %v, want %v", how, err, want)
			}
			if d := time.Since(<-interrupted); d > wait+2*time.Second {
				t.Errorf("%s: Read took %v to return", how, d)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Read still blocked after 10 s", how)
		}
	}
}

func TestReadEOFAndReset(t *testing.T) {
	c, s := pair(t)
	s.Write([]byte("bye"))
	s.Close()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "bye" {
		t.Fatalf("ReadAll = %q, %v", got, err)
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("Read after EOF = %d, %v", n, err)
	}
	if n, err := c.Read(nil); n != 0 || err != nil {
		t.Errorf("empty Read = %d, %v", n, err)
	}
}

// TestKernelWaitersBounded: many connections waiting at once hold at most
// GOMAXPROCS-1 threads in the kernel; all of them get their data.
func TestKernelWaitersBounded(t *testing.T) {
	withProcs(t, max(2, runtime.GOMAXPROCS(0)))
	const conns = 32
	var wg sync.WaitGroup
	servers := make([]net.Conn, conns)
	var peak int32
	var mu sync.Mutex
	for i := range conns {
		c, s := pair(t)
		servers[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 4)
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "data" {
				t.Errorf("read %q, %v", buf, err)
			}
		}()
	}
	for range 50 {
		mu.Lock()
		peak = max(peak, waiters.Load())
		mu.Unlock()
		time.Sleep(MaxWait / 10)
	}
	for _, s := range servers {
		s.Write([]byte("data"))
	}
	wg.Wait()
	if limit := int32(runtime.GOMAXPROCS(0)) - 1; peak > limit {
		t.Errorf("%d reads waited in the kernel at once, limit %d", peak, limit)
	}
	if w := waiters.Load(); w != 0 {
		t.Errorf("%d waiters left counted", w)
	}
}

// BenchmarkPingPong is one request and its answer over loopback with a
// server in another process, waiting in the kernel (wrapped) and in the
// poller (plain). cpu-ns/op is this process's user+system CPU per round
// trip: what the kernel wait saves.
func BenchmarkPingPong(b *testing.B) {
	for _, bc := range []struct {
		delay   time.Duration
		wrapped bool
	}{{0, true}, {0, false}, {100 * time.Microsecond, true}, {100 * time.Microsecond, false}} {
		name := fmt.Sprintf("server=%v/plain", bc.delay)
		wrapped := bc.wrapped
		if wrapped {
			name = fmt.Sprintf("server=%v/wrapped", bc.delay)
		}
		b.Run(name, func(b *testing.B) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "POLLCONN_ECHO_SERVER=1", "POLLCONN_ECHO_DELAY="+bc.delay.String())
			out, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			addr, err := bufio.NewReader(out).ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			c, err := net.Dial("tcp", strings.TrimSpace(addr))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			if wrapped {
				c = Wrap(c)
			}
			msg, buf := []byte("a1 NOOP\r\n"), make([]byte, 64)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				c.Write(msg)
				if _, err := io.ReadFull(c, buf[:len(msg)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the user+system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

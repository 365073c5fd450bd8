//go:build linux

package span

import (
	"syscall"
	"testing"
	"time"
)

// A span sees memory touched inside it, and not what the process had
// touched before it started. The memory is mapped afresh, not taken from
// Go's heap, which may hold pages an earlier test touched.
func TestSpanGrowth(t *testing.T) {
	before, inside := mapped(t, 16<<20), mapped(t, 8<<20)
	touch(before)
	s := Start()
	touch(inside)
	f, err := s.End()
	if err != nil {
		t.Fatal(err)
	}
	if f.GrowthKiB < 8<<10 || f.GrowthKiB > 10<<10 {
		t.Errorf("growth %d KiB after touching 8 MiB in the span and 16 MiB before it", f.GrowthKiB)
	}
}

func mapped(t *testing.T, n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(b) })
	return b
}

func touch(b []byte) {
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
}

// A span's CPU time is the work done inside it, and its wall time covers
// a sleep, which costs no CPU.
func TestSpanTimes(t *testing.T) {
	s := Start()
	for spent(t) < s.cpu+20*time.Millisecond {
	}
	time.Sleep(30 * time.Millisecond)
	f, err := s.End()
	if err != nil {
		t.Fatal(err)
	}
	if f.Wall < 30*time.Millisecond {
		t.Errorf("wall %v, want at least the 30ms of sleep", f.Wall)
	}
	if f.CPU < 20*time.Millisecond || f.CPU >= 40*time.Millisecond {
		t.Errorf("cpu %v for 20ms of spinning and 30ms of sleep", f.CPU)
	}
}

func spent(t *testing.T) time.Duration {
	d, err := cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSpanLine(t *testing.T) {
	f := Figures{Wall: 1500 * time.Microsecond, CPU: 700 * time.Microsecond, GrowthKiB: 96}
	if got, want := f.String(), "span 1500000 700000 96"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if g, err := Parse(f.String()); err != nil || g != f {
		t.Errorf("Parse(%q) = %+v, %v", f.String(), g, err)
	}
	for _, bad := range []string{"", "span", "span 1 2", "spam 1 2 3", "span x 2 3"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

// Package span measures one stretch of a benchmark client's run from
// inside the client: the workload alone, without the process start, the
// connection, LOGIN and SELECT before it, or LOGOUT after it.
//
// The harness's own figures are the whole process's, and its net figures
// subtract two of them (a workload's run and a login-only run), so each
// net figure carries the noise of two process start-ups: more than the
// whole cost of a small workload such as one SEARCH. A span has none of
// it. Its figures are the wall time on the monotonic clock, the CPU time
// of the whole process (every thread, the runtime's included) from
// getrusage, and the growth of the resident set: the kernel's peak is
// reset to the current size when the span starts (writing 5 to
// /proc/self/clear_refs), so the peak read at its end is the span's own.
//
// A client prints the span after its workload line, as
//
//	span WALL_NS CPU_NS GROWTH_KIB
//
// (Figures.String), which the harness reads and strips (Parse). bench/py_bench.py
// measures its span the same way.
package span

import (
	"fmt"
	"time"
)

// A Span is a stretch of the run being measured.
type Span struct {
	start time.Time
	cpu   time.Duration
	rss   int64 // KiB, when the peak was reset
	err   error
}

// Start resets the process's peak resident size and starts a span.
func Start() *Span {
	s := &Span{}
	if s.err = resetPeak(); s.err == nil {
		s.rss, s.err = status("VmRSS")
	}
	if s.err == nil {
		s.cpu, s.err = cpuTime()
	}
	s.start = time.Now()
	return s
}

// A Figures is what a span measured.
type Figures struct {
	Wall, CPU time.Duration
	GrowthKiB int64 // the peak resident size less the size at the start
}

// End ends the span. It fails when the system cannot measure one (not
// Linux, or no /proc): the client then prints no span line.
func (s *Span) End() (Figures, error) {
	wall := time.Since(s.start)
	if s.err != nil {
		return Figures{}, s.err
	}
	cpu, err := cpuTime()
	if err != nil {
		return Figures{}, err
	}
	peak, err := status("VmHWM")
	if err != nil {
		return Figures{}, err
	}
	return Figures{Wall: wall, CPU: cpu - s.cpu, GrowthKiB: max(peak-s.rss, 0)}, nil
}

// String formats f as the line that a client prints after its workload
// line, without the line end.
func (f Figures) String() string {
	return fmt.Sprintf("span %d %d %d", f.Wall.Nanoseconds(), f.CPU.Nanoseconds(), f.GrowthKiB)
}

// Parse parses what String formats.
func Parse(line string) (Figures, error) {
	var wall, cpu, growth int64
	if _, err := fmt.Sscanf(line, "span %d %d %d", &wall, &cpu, &growth); err != nil {
		return Figures{}, fmt.Errorf("span: bad line %q: %v", line, err)
	}
	return Figures{Wall: time.Duration(wall), CPU: time.Duration(cpu), GrowthKiB: growth}, nil
}

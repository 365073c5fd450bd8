//go:build linux

// Harness times the benchmark clients of bench/ against one IMAP server.
//
// Usage:
//
//	harness -port P -bin DIR [-python PY] [-pybench FILE] [-runs N] [-warmup N]
//	        [-workloads login,fetchall,fetchloop,search,big] [-clients imaplib,hold,raw,cpython,goimap]
//
// Every run of a client is its own process, started with os/exec by a
// fresh copy of the harness (-spawn). Wall time is measured on the
// monotonic clock from just before the start to just after the process is
// reaped; CPU time (user+system) and peak RSS come from the kernel's
// accounting of the finished process (wait4 rusage: ru_utime+ru_stime and
// ru_maxrss). Go starts children with vfork semantics, and at exec the
// kernel counts the starting process's peak into the child's, so no peak
// can be lower than the spawner's, a fresh small Go process: the first
// table reports that floor by timing true(1). (Started by the harness
// itself, whose own peak creeps up over a long run, the floor rose from
// 3 to 6 MiB and hid the small clients' peaks.)
//
// For each workload the harness first runs every client -warmup times and
// checks that they all print the same "workload= messages= bytes=" line.
// Then it runs the clients in turn, A B C D E, B C D E A, C D E A B, ...,
// -runs times, and prints a Markdown table of the medians, and a table of
// ratios: the median over the rounds of the ratio between two clients'
// figures in the same round. A client whose program is missing from -bin
// is left out.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	port      = flag.Int("port", 0, "IMAP server `port` on 127.0.0.1")
	bin       = flag.String("bin", "", "`directory` holding the built Go clients")
	python    = flag.String("python", "python3", "Python `interpreter` for the CPython client")
	pybench   = flag.String("pybench", "bench/py_bench.py", "CPython client `script`")
	runs      = flag.Int("runs", 5, "timed runs of each client and workload")
	warmup    = flag.Int("warmup", 1, "untimed runs of each client and workload first")
	verbose   = flag.Bool("v", false, "log every timed run on standard error")
	spawnMode = flag.Bool("spawn", false, "internal: run and measure the command after --")
	workloads = flag.String("workloads", "login,fetchall,fetchloop,search,big", "comma-separated `list` of workloads")
	clients   = flag.String("clients", "imaplib,hold,raw,cpython,goimap", "comma-separated `list` of clients, in run order")
	timeout   = flag.Duration("timeout", 2*time.Minute, "limit of one client run")
)

// titles describe the workloads in the table titles.
var titles = map[string]string{
	"login":     "connect, `LOGIN`, `SELECT bench10k`, `LOGOUT` only: the start-up cost in every other workload",
	"fetchall":  "`FETCH 1:* (RFC822)` on bench10k",
	"fetchloop": "10,000 × `FETCH n (RFC822)` on bench10k",
	"search":    "`SEARCH ALL` on bench10k",
	"big":       "5 × `FETCH n (RFC822)` of 20 MiB on bench20m",
}

// ratios are the pairs compared in every workload, when both ran.
var ratios = [][2]string{
	{"imaplib", "base"},
	{"imaplib", "base-nopoll"},
	{"base", "base-nopoll"},
	{"imaplib", "hold"},
	{"imaplib", "raw"},
	{"imaplib", "cpython"},
	{"imaplib", "goimap"},
	{"hold", "raw"},
	{"cpython", "hold"},
	{"goimap", "hold"},
}

// A client is one program under test.
type client struct {
	name string
	argv func(workload string) []string
}

// A sample is the measure of one finished process.
type sample struct {
	wall, cpu time.Duration
	peakKiB   int64
	out       string
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("harness: ")
	flag.Parse()
	if *spawnMode {
		spawn(flag.Args())
		return
	}
	if *port <= 0 || *bin == "" || *runs < 1 || *warmup < 1 {
		flag.Usage()
		os.Exit(2)
	}
	list := selectClients()
	if len(list) == 0 {
		log.Fatal("no client to run")
	}
	todo := strings.Split(*workloads, ",")
	for _, w := range todo {
		if _, ok := titles[w]; !ok {
			log.Fatalf("unknown workload %q", w)
		}
	}

	fmt.Printf("Runs: %d timed (after %d warm-up) per client and workload, in turn %s, each round starting one client later; "+
		"figures are medians; harness built with %s, GOMAXPROCS=%d.\n\n",
		*runs, *warmup, names(list), runtime.Version(), runtime.GOMAXPROCS(0))
	load := loadavg()
	floors()
	for _, w := range todo {
		workload(w, list)
	}
	fmt.Printf("Load average (1, 5, 15 min) at the start: %s; at the end: %s. "+
		"Anything much above 1 means that other work shared the cores.\n", load, loadavg())
}

// loadavg returns the first three fields of /proc/loadavg, or "unknown".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// selectClients returns the clients named by -clients whose program exists.
func selectClients() []client {
	gobin := func(prog string) func(string) []string {
		return func(w string) []string {
			return []string{filepath.Join(*bin, prog), "-port", strconv.Itoa(*port), "-workload", w}
		}
	}
	all := map[string]client{
		"imaplib":     {"imaplib", gobin("imaplibbench")},
		"base":        {"base", gobin("imaplibbench-base")},
		"base-nopoll": {"base-nopoll", gobin("imaplibbench-base-nopoll")},
		"hold":        {"hold", gobin("holdbench")},
		"raw":         {"raw", gobin("rawbench")},
		"goimap":      {"goimap", gobin("goimapbench")},
		"cpython": {"cpython", func(w string) []string {
			return []string{*python, *pybench, "-port", strconv.Itoa(*port), "-workload", w}
		}},
	}
	var list []client
	for _, name := range strings.Split(*clients, ",") {
		c, ok := all[name]
		if !ok {
			log.Fatalf("unknown client %q", name)
		}
		prog := c.argv("")[0]
		if name == "cpython" {
			prog = *pybench
		}
		if _, err := os.Stat(prog); err != nil {
			log.Printf("leaving out %s: %v", name, err)
			continue
		}
		list = append(list, c)
	}
	return list
}

func names(list []client) string {
	var s []string
	for _, c := range list {
		s = append(s, c.name)
	}
	return strings.Join(s, " ")
}

// floors prints what a process costs that does nothing: the floor of
// every figure.
func floors() {
	cases := []struct {
		label string
		argv  []string
	}{
		{"`true` (the harness floor)", []string{"true"}},
		{"`python -c 'import imaplib, argparse'`", []string{*python, "-c", "import imaplib, argparse"}},
	}
	fmt.Println("| start-up floor | wall s | cpu s | peak MiB |")
	fmt.Println("|---|--:|--:|--:|")
	for _, c := range cases {
		var s []sample
		for range *runs {
			x, err := run(c.argv)
			if err != nil {
				log.Fatal(err)
			}
			s = append(s, x)
		}
		m := medians(s)
		fmt.Printf("| %s | %.3f | %.3f | %.1f |\n", c.label, m.wall.Seconds(), m.cpu.Seconds(), mib(m.peakKiB))
	}
	fmt.Println()
}

// workload measures every client on workload w and prints its tables.
func workload(w string, list []client) {
	log.Printf("%s: warm-up", w)
	want := ""
	for range *warmup {
		for _, c := range list {
			s, err := run(c.argv(w))
			if err != nil {
				log.Fatalf("%s %s: %v", c.name, w, err)
			}
			if want == "" {
				want = s.out
			}
			if s.out != want {
				log.Fatalf("%s %s printed %q, %s printed %q", c.name, w, s.out, list[0].name, want)
			}
		}
	}
	samples := make(map[string][]sample)
	for r := range *runs {
		log.Printf("%s: round %d of %d", w, r+1, *runs)
		// Each round starts with the next client, so that no client always
		// runs right after the same one (after go-imap's 100 MiB, say,
		// while the kernel is still reclaiming it).
		for i := range list {
			c := list[(r+i)%len(list)]
			s, err := run(c.argv(w))
			if err != nil {
				log.Fatalf("%s %s: %v", c.name, w, err)
			}
			if s.out != want {
				log.Fatalf("%s %s printed %q, want %q", c.name, w, s.out, want)
			}
			if *verbose {
				log.Printf("%s %s: wall %.3f s, cpu %.3f s, peak %.1f MiB", w, c.name,
					s.wall.Seconds(), s.cpu.Seconds(), float64(s.peakKiB)/1024)
			}
			samples[c.name] = append(samples[c.name], s)
		}
	}

	fmt.Printf("### %s: %s\n\n", w, titles[w])
	fmt.Printf("Every client printed `%s`.\n\n", want)
	fmt.Println("| client | wall s | cpu s | peak MiB | wall min–max s |")
	fmt.Println("|---|--:|--:|--:|--:|")
	for _, c := range list {
		s := samples[c.name]
		m := medians(s)
		lo, hi := s[0].wall, s[0].wall
		for _, x := range s {
			lo, hi = min(lo, x.wall), max(hi, x.wall)
		}
		fmt.Printf("| %s | %.3f | %.3f | %.1f | %.3f–%.3f |\n",
			c.name, m.wall.Seconds(), m.cpu.Seconds(), mib(m.peakKiB), lo.Seconds(), hi.Seconds())
	}
	fmt.Println()
	fmt.Println("| ratio | cpu | wall | peak |")
	fmt.Println("|---|--:|--:|--:|")
	for _, p := range ratios {
		a, b := samples[p[0]], samples[p[1]]
		if a == nil || b == nil {
			continue
		}
		var cpu, wall, peak []float64
		for i := range a {
			cpu = append(cpu, a[i].cpu.Seconds()/b[i].cpu.Seconds())
			wall = append(wall, a[i].wall.Seconds()/b[i].wall.Seconds())
			peak = append(peak, float64(a[i].peakKiB)/float64(b[i].peakKiB))
		}
		fmt.Printf("| %s/%s | %s | %s | %s |\n", p[0], p[1], ratio(cpu), ratio(wall), ratio(peak))
	}
	fmt.Println()
}

// run runs argv to its end and measures it. It fails if the process
// fails or prints anything but one line.
//
// The client is started by a fresh copy of the harness (-spawn), not by
// the harness itself: at exec the kernel counts the starting process's
// peak into the child's, and the harness's own peak creeps up over a long
// run (from 3 to 6 MiB), where a fresh process's stays put.
func run(argv []string) (sample, error) {
	self, err := os.Executable()
	if err != nil {
		return sample{}, err
	}
	cmd := exec.Command(self, append([]string{"-spawn", "-timeout", timeout.String(), "--"}, argv...)...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	text := strings.TrimSuffix(out.String(), "\n")
	i := strings.LastIndexByte(text, '\n') // -1 when the client printed nothing
	s := sample{out: text[:max(i, 0)]}
	var wall, cpu int64
	if _, err := fmt.Sscanf(text[i+1:], "sample %d %d %d", &wall, &cpu, &s.peakKiB); err != nil {
		return sample{}, fmt.Errorf("%s: spawner printed %q", strings.Join(argv, " "), text)
	}
	s.wall, s.cpu = time.Duration(wall), time.Duration(cpu)
	if strings.Contains(s.out, "\n") {
		return sample{}, fmt.Errorf("%s printed more than one line: %q", strings.Join(argv, " "), s.out)
	}
	return s, nil
}

// spawn is the -spawn mode: it runs argv, then prints what argv printed
// followed by the line "sample WALL_NS CPU_NS PEAK_KIB".
func spawn(argv []string) {
	if len(argv) == 0 {
		log.Fatal("-spawn: no command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		log.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		log.Fatal("no rusage on this system")
	}
	fmt.Printf("sample %d %d %d\n", wall.Nanoseconds(), ru.Utime.Nano()+ru.Stime.Nano(), ru.Maxrss)
}

// medians returns the median of each figure of s.
func medians(s []sample) sample {
	var wall, cpu, peak []float64
	for _, x := range s {
		wall = append(wall, float64(x.wall))
		cpu = append(cpu, float64(x.cpu))
		peak = append(peak, float64(x.peakKiB))
	}
	return sample{
		wall:    time.Duration(median(wall)),
		cpu:     time.Duration(median(cpu)),
		peakKiB: int64(median(peak)),
	}
}

// median returns the median of v, the mean of the middle two for an even
// count.
func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// ratio formats the median of v; a zero figure makes it meaningless.
func ratio(v []float64) string {
	m := median(v)
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", m)
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

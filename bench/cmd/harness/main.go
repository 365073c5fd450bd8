//go:build linux

// Harness times the benchmark clients of bench/ against one IMAP server.
//
// Usage:
//
//	harness -port P -bin DIR [-python PY] [-pybench FILE] [-runs N] [-warmup N] [-delay D]
//	        [-workloads login,fetchall,fetchloop,search,big] [-clients imaplib,hold,holdlinked,raw,cpython,goimap]
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
// is left out, and so is, for one workload, a client that exits with
// status 3 during the warm-up: it does not implement that workload.
//
// When the run has the login workload, it runs first, and the ratio table
// of every other loopback workload also gives the ratios net of login:
// each client's login medians (cpu, wall, peak) are subtracted from its
// figures before the ratio is taken.
//
// A client may also print, after its workload line, its own measure of
// the workload alone (bench/internal/span: wall time, CPU time and the
// growth of its resident set, from inside the process, without start-up,
// session or exit). When every client of a workload did, the tables give
// those figures and their ratios too ("in-process"): net figures without
// the noise of two process start-ups, which is more than the whole cost of
// a small workload such as search.
//
// The latency workloads (fetchloop200, fetchbulk200, storeloop, append4k,
// append64k) go through an in-process relay (relay.go) that delays each
// direction by -delay. Before the first of them the harness runs login
// through the relay (relaylogin), and their tables are net of it: the
// ratios, the wall time in round trips per command, and fetchloop200's
// wall time over the same client's fetchbulk200. The relay also counts
// the round trips each client waited for (its turns, see relay.go): the
// tables give them, and net of relaylogin's, per command. In the wall
// time figures a round trip is the median time of a one-byte ping-pong
// through the same kind of relay to an echo server in this process
// (roundtrip.go), measured before the first latency workload: a little
// more than twice -delay.
package main

import (
	"bytes"
	"context"
	"errors"
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

	"github.com/goimaplib/imaplib/bench/internal/span"
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
	clients   = flag.String("clients", "imaplib,hold,holdlinked,raw,cpython,goimap", "comma-separated `list` of clients, in run order")
	timeout   = flag.Duration("timeout", 2*time.Minute, "limit of one client run")
	delay     = flag.Duration("delay", 10*time.Millisecond, "one-way `delay` of the relay that the latency workloads go through (0: no relay)")
)

// errUnsupported is run's error for a client that exited with status 3: it
// does not implement the workload.
var errUnsupported = errors.New("the client does not implement this workload")

// linkRoundTrip is the measured round trip through the relay.
var linkRoundTrip time.Duration

// ms returns d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// latencyCommands are the latency workloads, which run through the relay,
// with the number of commands of each. relaylogin is the login workload
// through the relay: the session that every latency workload includes,
// whose figures the latency tables subtract.
var latencyCommands = map[string]int{
	"relaylogin":   0,
	"fetchloop200": 200,
	"fetchbulk200": 1,
	"storeloop":    500,
	"append4k":     100,
	"append64k":    100,
}

// titles describe the workloads in the table titles.
var titles = map[string]string{
	"login":     "connect, `LOGIN`, `SELECT bench10k`, `LOGOUT` only: the start-up cost in every other workload",
	"fetchall":  "`FETCH 1:* (RFC822)` on bench10k",
	"fetchloop": "10,000 × `FETCH n (RFC822)` on bench10k",
	"search":    "`SEARCH ALL` on bench10k",
	"big":       "5 × `FETCH n (RFC822)` of 20 MiB on bench20m",

	"relaylogin":   "`login` through the relay: the session that every latency workload includes",
	"fetchloop200": "200 × `FETCH n (RFC822)` on bench10k, through the relay",
	"fetchbulk200": "`FETCH 1:200 (RFC822)` on bench10k, through the relay: the reference of fetchloop200",
	"storeloop":    "`UID STORE 1:500 -FLAGS (\\Seen)`, then 500 × `UID STORE n +FLAGS (\\Seen)` on bench10k, through the relay",
	"append4k":     "`CREATE`, 100 × `APPEND` of 4 KiB, `DELETE`, on a fresh scratch mailbox, through the relay",
	"append64k":    "`CREATE`, 100 × `APPEND` of 64 KiB, `DELETE`, on a fresh scratch mailbox, through the relay",
}

// ratios are the pairs compared in every workload, when both ran.
var ratios = [][2]string{
	{"imaplib", "base"},
	{"imaplib", "base-nopoll"},
	{"base", "base-nopoll"},
	{"imaplib", "hold"},
	{"imaplib", "holdlinked"},
	{"holdlinked", "hold"},
	{"imaplib", "raw"},
	{"imaplib", "cpython"},
	{"imaplib", "goimap"},
	{"hold", "raw"},
	{"cpython", "hold"},
	{"goimap", "hold"},
	{"imaplibpipe", "imaplib"},
	{"imaplibpipe", "goimap64"},
	{"imaplibpipe", "goimapall"},
	{"imaplibpipe", "raw"},
	{"imaplibpipeall", "goimapall"},
	{"imaplibplus", "goimap"},
	{"imaplibpipeall", "raw"},
	{"goimap64", "raw"},
	{"goimapall", "raw"},
	{"goimap64", "goimap"},
	{"goimapall", "goimap"},
}

// A client is one program under test.
type client struct {
	name string
	argv func(workload string, port int) []string
}

// A sample is the measure of one finished process.
type sample struct {
	wall, cpu time.Duration
	peakKiB   int64
	out       string
	turns     int64         // round trips the client waited for, counted by the relay
	span      *span.Figures // the client's own measure of the workload alone, if it printed one
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
	todo := order(strings.Split(*workloads, ","))
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
	var r *relay
	for _, w := range todo {
		p := *port
		if _, ok := latencyCommands[w]; ok && *delay > 0 {
			if r == nil {
				var err error
				if r, err = newRelay("127.0.0.1:"+strconv.Itoa(*port), *delay); err != nil {
					log.Fatal(err)
				}
				defer r.Close()
				rt, err := measureRoundTrip(*delay, 41)
				if err != nil {
					log.Fatal(err)
				}
				linkRoundTrip = rt.median
				fmt.Printf("The latency workloads go through the harness's relay: %v each way. "+
					"A round trip through it took %.2f ms (median of 41 one-byte ping-pongs to an echo server, %.2f–%.2f ms); "+
					"the tables count round trips of that time.\n\n",
					*delay, ms(rt.median), ms(rt.lo), ms(rt.hi))
			}
			p = r.port()
		}
		var via *relay
		if p != *port {
			via = r
		}
		workload(w, list, p, via)
	}
	fmt.Printf("Load average (1, 5, 15 min) at the start: %s; at the end: %s. "+
		"Anything much above 1 means that other work shared the cores.\n", load, loadavg())
}

// order returns the workloads in run order: login first, for the net
// figures, fetchbulk200 before fetchloop200, its reference, and, with a
// relay, relaylogin before the first latency workload; the rest as given.
func order(todo []string) []string {
	var out []string
	if slices.Contains(todo, "login") {
		out = append(out, "login")
	}
	for _, w := range todo {
		if w != "login" {
			out = append(out, w)
		}
	}
	i, j := slices.Index(out, "fetchloop200"), slices.Index(out, "fetchbulk200")
	if i >= 0 && j > i {
		out[i], out[j] = out[j], out[i]
	}
	if first := slices.IndexFunc(out, func(w string) bool {
		_, ok := latencyCommands[w]
		return ok
	}); first >= 0 && *delay > 0 && !slices.Contains(out, "relaylogin") {
		out = slices.Insert(out, first, "relaylogin")
	}
	return out
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
	gobin := func(prog string, extra ...string) func(string, int) []string {
		return func(w string, port int) []string {
			return append([]string{filepath.Join(*bin, prog), "-port", strconv.Itoa(port), "-workload", w}, extra...)
		}
	}
	all := map[string]client{
		"imaplib":        {"imaplib", gobin("imaplibbench")},
		"imaplibpipe":    {"imaplibpipe", gobin("imaplibbench", "-pipeline", "64")},
		"imaplibpipeall": {"imaplibpipeall", gobin("imaplibbench", "-pipeline", "1000")},
		"imaplibplus":    {"imaplibplus", gobin("imaplibbench", "-pipeline", "64", "-literalplus")},
		"base":           {"base", gobin("imaplibbench-base")},
		"base-nopoll":    {"base-nopoll", gobin("imaplibbench-base-nopoll")},
		"hold":           {"hold", gobin("holdbench")},
		"holdlinked":     {"holdlinked", gobin("imaplibbench", "-hold")},
		"raw":            {"raw", gobin("rawbench")},
		"goimap":         {"goimap", gobin("goimapbench")},
		"goimap64":       {"goimap64", gobin("goimapbench", "-window", "64")},
		"goimapall":      {"goimapall", gobin("goimapbench", "-window", "1000")},
		"cpython": {"cpython", func(w string, port int) []string {
			return []string{*python, *pybench, "-port", strconv.Itoa(port), "-workload", w}
		}},
	}
	var list []client
	for _, name := range strings.Split(*clients, ",") {
		c, ok := all[name]
		if !ok {
			log.Fatalf("unknown client %q", name)
		}
		prog := c.argv("", 0)[0]
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

// medianOf holds the medians of the workloads that later tables refer
// to: login and relaylogin (net figures) and fetchbulk200 (fetchloop200's
// reference), by client.
var medianOf = map[string]map[string]sample{}

// workload measures every client on workload w, the server (or the
// relay via) listening on serverPort, and prints its tables.
func workload(w string, list []client, serverPort int, via *relay) {
	log.Printf("%s: warm-up", w)
	cw := w // the workload the clients run
	if w == "relaylogin" {
		cw = "login"
	}
	want, wantFrom := "", ""
	var ran []client
	for k := range *warmup {
		for _, c := range list {
			if k > 0 && !slices.ContainsFunc(ran, func(x client) bool { return x.name == c.name }) {
				continue
			}
			s, err := run(c.argv(cw, serverPort))
			if errors.Is(err, errUnsupported) && k == 0 {
				log.Printf("%s: leaving out %s: %v", w, c.name, err)
				continue
			}
			if err != nil {
				log.Fatalf("%s %s: %v", c.name, w, err)
			}
			if k == 0 {
				ran = append(ran, c)
			}
			if want == "" {
				want, wantFrom = s.out, c.name
			}
			if s.out != want {
				log.Fatalf("%s %s printed %q, %s printed %q", c.name, w, s.out, wantFrom, want)
			}
		}
	}
	list = ran
	if len(list) == 0 {
		log.Printf("%s: no client implements it", w)
		return
	}
	samples := make(map[string][]sample)
	for r := range *runs {
		log.Printf("%s: round %d of %d", w, r+1, *runs)
		// Each round starts with the next client, so that no client always
		// runs right after the same one (after go-imap's 100 MiB, say,
		// while the kernel is still reclaiming it).
		for i := range list {
			c := list[(r+i)%len(list)]
			var before int64
			if via != nil {
				before = via.turns.Load()
			}
			s, err := run(c.argv(cw, serverPort))
			if err != nil {
				log.Fatalf("%s %s: %v", c.name, w, err)
			}
			if via != nil {
				s.turns = via.turns.Load() - before
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
	meds := make(map[string]sample)
	for _, c := range list {
		meds[c.name] = medians(samples[c.name])
	}
	if w == "login" || w == "relaylogin" || w == "fetchbulk200" {
		medianOf[w] = meds
	}
	// The baseline of the net figures: login for the loopback workloads,
	// relaylogin for the latency ones.
	baseName := "login"

	cmds, latency := latencyCommands[w]
	latency = latency && serverPort != *port
	title := titles[w]
	if _, ok := latencyCommands[w]; ok && !latency {
		title = strings.Replace(title, "through the relay", "on loopback (-delay 0)", 1)
	}
	fmt.Printf("### %s: %s\n\n", w, title)
	fmt.Printf("Every client printed `%s`.\n\n", want)
	if latency {
		baseName = "relaylogin"
	}
	base := medianOf[baseName]
	bulk := medianOf["fetchbulk200"]
	// netWall is a client's median wall time less its baseline's, or NaN.
	netWall := func(of map[string]sample, name string) float64 {
		b, ok := base[name]
		m, ok2 := of[name]
		if !ok || !ok2 {
			return math.NaN()
		}
		return (m.wall - b.wall).Seconds()
	}
	header, rule := "| client | wall s | cpu s | peak MiB | wall min–max s |", "|---|--:|--:|--:|--:|"
	// The clients' own figures of the workload alone (bench/internal/span);
	// login's span holds nothing.
	spans := w != "login" && w != "relaylogin" && !slices.ContainsFunc(list, func(c client) bool {
		return meds[c.name].span == nil
	})
	if spans {
		header, rule = header+" in-process: wall ms | cpu ms | growth MiB |", rule+"--:|--:|--:|"
	}
	if latency {
		header, rule = header+" turns |", rule+"--:|"
	}
	if latency && cmds > 0 {
		header, rule = header+" round trips per command: by wall | counted |", rule+"--:|--:|"
		if w == "fetchloop200" && bulk != nil {
			header, rule = header+" net wall / own fetchbulk200's |", rule+"--:|"
		}
	}
	fmt.Println(header)
	fmt.Println(rule)
	for _, c := range list {
		s := samples[c.name]
		m := meds[c.name]
		lo, hi := s[0].wall, s[0].wall
		for _, x := range s {
			lo, hi = min(lo, x.wall), max(hi, x.wall)
		}
		fmt.Printf("| %s | %.3f | %.3f | %.1f | %.3f–%.3f |",
			c.name, m.wall.Seconds(), m.cpu.Seconds(), mib(m.peakKiB), lo.Seconds(), hi.Seconds())
		if spans {
			fmt.Printf(" %.2f | %.2f | %.2f |", ms(m.span.Wall), ms(m.span.CPU), mib(m.span.GrowthKiB))
		}
		if latency {
			fmt.Printf(" %d |", m.turns)
		}
		if latency && cmds > 0 {
			counted := math.NaN()
			if b, ok := base[c.name]; ok {
				counted = float64(m.turns-b.turns) / float64(cmds)
			}
			fmt.Printf(" %s | %s |", figure(netWall(meds, c.name)/linkRoundTrip.Seconds()/float64(cmds)), figure(counted))
			if w == "fetchloop200" && bulk != nil {
				fmt.Printf(" %s |", figure(netWall(meds, c.name)/netWall(bulk, c.name)))
			}
		}
		fmt.Println()
	}
	fmt.Println()
	showNet := base != nil && w != "login" && w != "relaylogin"
	header, rule = "| ratio | cpu | wall | peak |", "|---|--:|--:|--:|"
	if showNet {
		header, rule = header+" net cpu | net wall | net peak |", rule+"--:|--:|--:|"
	}
	if spans {
		header, rule = header+" in-process cpu | wall | growth |", rule+"--:|--:|--:|"
	}
	fmt.Println(header)
	fmt.Println(rule)
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
		fmt.Printf("| %s/%s | %s | %s | %s |", p[0], p[1], ratio(cpu), ratio(wall), ratio(peak))
		if showNet {
			la, oka := base[p[0]]
			lb, okb := base[p[1]]
			if oka && okb {
				var ncpu, nwall, npeak []float64
				for i := range a {
					ncpu = append(ncpu, netRatio(float64(a[i].cpu), float64(la.cpu), float64(b[i].cpu), float64(lb.cpu)))
					nwall = append(nwall, netRatio(float64(a[i].wall), float64(la.wall), float64(b[i].wall), float64(lb.wall)))
					npeak = append(npeak, netRatio(float64(a[i].peakKiB), float64(la.peakKiB), float64(b[i].peakKiB), float64(lb.peakKiB)))
				}
				fmt.Printf(" %s | %s | %s |", ratio(ncpu), ratio(nwall), ratio(npeak))
			} else {
				fmt.Print(" – | – | – |")
			}
		}
		if spans {
			var scpu, swall, sgrowth []float64
			for i := range a {
				x, y := a[i].span, b[i].span
				scpu = append(scpu, quotient(float64(x.CPU), float64(y.CPU)))
				swall = append(swall, quotient(float64(x.Wall), float64(y.Wall)))
				sgrowth = append(sgrowth, quotient(float64(x.GrowthKiB), float64(y.GrowthKiB)))
			}
			fmt.Printf(" %s | %s | %s |", ratio(scpu), ratio(swall), ratio(sgrowth))
		}
		fmt.Println()
	}
	fmt.Println()
}

// netRatio returns (a-la)/(b-lb), the ratio of two figures net of their
// login medians, or NaN when either net figure is not above zero: within
// the noise, the workload cost no more than login, and there is no net
// figure to compare.
func netRatio(a, la, b, lb float64) float64 {
	if a-la <= 0 || b-lb <= 0 {
		return math.NaN()
	}
	return (a - la) / (b - lb)
}

// quotient returns a/b, or NaN when b is not above zero.
func quotient(a, b float64) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return a / b
}

// run runs argv to its end and measures it. It fails if the process
// fails or prints anything but its workload line and, optionally, its
// span line.
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
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 {
			return sample{}, fmt.Errorf("%s: %w", strings.Join(argv, " "), errUnsupported)
		}
		return sample{}, fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	s, err := parseRun(out.String())
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return s, nil
}

// parseRun reads what a spawner printed: the client's workload line, the
// client's span line if it printed one, and the spawner's sample line.
func parseRun(text string) (sample, error) {
	text = strings.TrimSuffix(text, "\n")
	i := strings.LastIndexByte(text, '\n') // -1 when the client printed nothing
	s := sample{out: text[:max(i, 0)]}
	var wall, cpu int64
	if _, err := fmt.Sscanf(text[i+1:], "sample %d %d %d", &wall, &cpu, &s.peakKiB); err != nil {
		return sample{}, fmt.Errorf("spawner printed %q", text)
	}
	s.wall, s.cpu = time.Duration(wall), time.Duration(cpu)
	if j := strings.LastIndexByte(s.out, '\n'); j >= 0 && strings.HasPrefix(s.out[j+1:], "span ") {
		f, err := span.Parse(s.out[j+1:])
		if err != nil {
			return sample{}, err
		}
		s.out, s.span = s.out[:j], &f
	}
	if strings.Contains(s.out, "\n") {
		return sample{}, fmt.Errorf("the client printed more than one line: %q", s.out)
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
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		os.Exit(3) // the client does not implement the workload
	}
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
	var wall, cpu, peak, turns []float64
	for _, x := range s {
		wall = append(wall, float64(x.wall))
		cpu = append(cpu, float64(x.cpu))
		peak = append(peak, float64(x.peakKiB))
		turns = append(turns, float64(x.turns))
	}
	m := sample{
		wall:    time.Duration(median(wall)),
		cpu:     time.Duration(median(cpu)),
		peakKiB: int64(median(peak)),
		turns:   int64(median(turns)),
	}
	if !slices.ContainsFunc(s, func(x sample) bool { return x.span == nil }) {
		var swall, scpu, sgrowth []float64
		for _, x := range s {
			swall = append(swall, float64(x.span.Wall))
			scpu = append(scpu, float64(x.span.CPU))
			sgrowth = append(sgrowth, float64(x.span.GrowthKiB))
		}
		m.span = &span.Figures{
			Wall:      time.Duration(median(swall)),
			CPU:       time.Duration(median(scpu)),
			GrowthKiB: int64(median(sgrowth)),
		}
	}
	return m
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

// figure formats x, or "–" for NaN.
func figure(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", x)
}

// ratio formats the median of v, leaving out the NaNs of rounds without
// a figure; a zero figure makes it meaningless.
func ratio(v []float64) string {
	v = slices.DeleteFunc(slices.Clone(v), math.IsNaN)
	if len(v) == 0 {
		return "–"
	}
	return figure(median(v))
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

package imaplib

// The oracle corpus: testdata/corpus/*.json lists sessions of imaplib calls
// (Python method names and arguments). Each session is run twice against
// the same kind of server, from the same starting state: once through
// Python's own imaplib (testdata/oracle/corpus_client.py, on the python3 of
// the machine) and once through this package, each through a recording
// proxy (wireproxy_test.go). For every call the test compares what the call
// returned, printed as Python's repr (or "EXC <class>: <message>" when it
// raised), and the bytes the client wrote, with tags replaced by "TAG".
//
// The python3 here is 3.11; CPython 3.14.7, which this package follows,
// differs from it by design in places (SPEC section 5). A call where it
// does names the rule and gives 3.14.7's answer:
//
//	{
//	  "m": "create",                  // Python's method name, or a pseudo call (below)
//	  "args": ["New folder"],         // strings, null (None) and booleans; $USER,
//	                                  // $PASS, $USER2, $PASS2 are the session's users
//	  "rule": "3.14.7 quotes mailbox names (gh-40038)",
//	  "py_args": ["\"New folder\""],  // what a 3.11 script passes to get the same
//	                                  // wire, keeping both sessions in step
//	  "py_skip": false,               // true: 3.11 cannot make this call at all
//	  "expect": {"dovecot": {"repr": "...", "wire": "TAG CREATE \"New folder\"\r\n"},
//	             "memserver": {...}, "*": {...}},
//	  "servers": ["dovecot"],         // run only against these servers
//	  "vary": ["internaldate"]        // extra normalisation for this call
//	}
//
// For a call with a rule, our output is compared with the expectation of the
// server ("*" for any server), field by field (a missing "repr" or "wire"
// falls back to Python's); when 3.11 ran it with py_args its output must
// match the expectation too, and when 3.11 ran it with the same arguments
// its output must differ (otherwise the rule is stale). Every other call is
// compared with Python's output.
//
// Pseudo calls: "_connect" (constructs the client; prints repr(welcome)),
// "_capabilities", "_state", "_utf8_enabled", "_is_readonly" (print the
// attribute), "_refresh_capabilities" (capability() and store the answer:
// what a 3.11 script does after LOGIN to see the new capabilities).
//
// Expectations may name the server's post-login capabilities: $CAPS as the
// server sends them, $CAPS_TUPLE as Python's tuple of them.
//
// Outputs are normalised before comparing: Dovecot's timings "(0.001 +
// 0.000 secs)", UIDVALIDITY values (also inside APPENDUID and COPYUID),
// Dovecot's "[2026-01-01 12:00:00]" error stamps and the user names and
// passwords of each session are replaced by placeholders; go-imap's
// in-memory server lists flags in random order, so they are sorted; SASL
// responses become <SASL>. In the wire, our non-synchronizing literal
// {N+} counts as CPython's {N}, and when the server refuses the command
// before CPython's continuation, the literal we sent unasked is ignored
// (wireEquiv). After STARTTLS the bytes are encrypted and not compared.
//
// Without python3 the Go side still runs against the expectations, and the
// test then skips visibly, unless IMAPLIB_REQUIRE_PYTHON=1 makes it fail.

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goimaplib/imaplib/internal/memserver"
)

type corpusFile struct {
	Name    string       `json:"name"`
	Doc     string       `json:"doc"`
	Servers []string     `json:"servers"`
	Calls   []corpusCall `json:"calls"`
	path    string
}

type corpusCall struct {
	M       string                  `json:"m"`
	Args    []any                   `json:"args"`
	PyArgs  []any                   `json:"py_args"`
	Auth    map[string]string       `json:"auth"`
	Servers []string                `json:"servers"`
	Rule    string                  `json:"rule"`
	PySkip  bool                    `json:"py_skip"`
	Expect  map[string]corpusExpect `json:"expect"`
	Vary    []string                `json:"vary"`
	Note    string                  `json:"note"`
}

type corpusExpect struct {
	Repr *string `json:"repr"`
	Wire *string `json:"wire"`
}

// corpusTarget is a kind of server the corpus runs against.
type corpusTarget struct {
	name string
	// skip lists what the server does not implement, by method name or by
	// "uid COMMAND"; such calls are run on neither side.
	skip map[string]string
	// tlsConfig is what our Starttls uses (CPython's verifies nothing).
	tlsConfig *tls.Config
	// normalize, when set, removes what legitimately varies between two
	// runs on this server.
	normalize func(string) string
	// caps is what the server sends in LOGIN's CAPABILITY response code,
	// read without this package (rawLoginCaps): expectations name it
	// $CAPS, and $CAPS_TUPLE for Python's tuple of it, so that they do not
	// depend on the server's configuration.
	caps string
}

// expand puts the server's capabilities into an expectation.
func (tgt *corpusTarget) expand(s string) string {
	var tuple []string
	for _, c := range strings.Fields(tgt.caps) {
		tuple = append(tuple, "'"+strings.ToUpper(c)+"'")
	}
	return strings.NewReplacer("$CAPS_TUPLE", "("+strings.Join(tuple, ", ")+")", "$CAPS", tgt.caps).Replace(s)
}

// rawLoginCaps logs in over a plain connection of its own, without this
// package, and returns the capabilities of LOGIN's tagged OK.
func rawLoginCaps(t testing.TB, side *corpusSide) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", side.addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := bufio.NewReader(conn)
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	fmt.Fprintf(conn, "a LOGIN \"%s\" \"%s\"\r\n", q.Replace(side.user), q.Replace(side.pass))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("LOGIN: %v", err)
		}
		if rest, ok := strings.CutPrefix(line, "a OK [CAPABILITY "); ok {
			caps, _, ok := strings.Cut(rest, "]")
			if !ok {
				t.Fatalf("LOGIN answered %q", line)
			}
			fmt.Fprintf(conn, "b LOGOUT\r\n")
			return caps
		}
		if strings.HasPrefix(line, "a ") {
			t.Fatalf("LOGIN answered %q", line)
		}
	}
}

// corpusSide is one fresh account on a server, for one side of the run.
type corpusSide struct {
	addr                     string // the server, "host:port"
	user, pass, user2, pass2 string
}

// corpusResult is what one call gave on one side.
type corpusResult struct {
	dur  time.Duration
	out  string
	wire []byte
	ran  bool // false: not run (py_skip)
}

func loadCorpus(t testing.TB) []*corpusFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	sort.Strings(paths)
	var files []*corpusFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f corpusFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		f.path = p
		files = append(files, &f)
	}
	return files
}

// selected reports whether call runs against target.
func (c *corpusCall) selected(target *corpusTarget) bool {
	if len(c.Servers) > 0 && !slices.Contains(c.Servers, target.name) {
		return false
	}
	if _, ok := target.skip[c.M]; ok {
		return false
	}
	if c.M == "uid" && len(c.Args) > 0 {
		if s, ok := c.Args[0].(string); ok {
			if _, ok := target.skip["uid "+strings.ToUpper(s)]; ok {
				return false
			}
		}
	}
	return true
}

func (c *corpusCall) expectFor(server string) (corpusExpect, bool) {
	if e, ok := c.Expect[server]; ok {
		return e, true
	}
	e, ok := c.Expect["*"]
	return e, ok
}

func (c *corpusCall) String() string {
	args, _ := json.Marshal(c.Args)
	return c.M + string(args)
}

// ---- the Go side -------------------------------------------------------

// corpusArgs reads the JSON arguments of a call the way Python receives
// them: a missing or null string is "" (None), which every method here
// treats as Python's None or default.
type corpusArgs []any

func (a corpusArgs) str(i int) string {
	if i >= len(a) || a[i] == nil {
		return ""
	}
	switch v := a[i].(type) {
	case string:
		return v
	case bool:
		if v {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(a[i])
}

func (a corpusArgs) strs(from int) []string {
	var out []string
	for i := from; i < len(a); i++ {
		out = append(out, a.str(i))
	}
	return out
}

func (a corpusArgs) boolean(i int) bool {
	if i >= len(a) {
		return false
	}
	b, _ := a[i].(bool)
	return b
}

// excLine prints an error as corpus_client.py prints a Python exception.
func excLine(err error) string {
	var ro *ReadOnlyError
	var ab *AbortError
	var e *Error
	var ae *ArgumentError
	cls := "GoError"
	switch {
	case errors.As(err, &ro):
		cls = "readonly"
	case errors.As(err, &ab):
		cls = "abort"
	case errors.As(err, &e):
		cls = "error"
	case errors.As(err, &ae):
		cls = "ArgumentError"
	}
	return "EXC " + cls + ": " + oneLine(err.Error())
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

func reprOf(typ string, data []Datum, err error) string {
	if err != nil {
		return excLine(err)
	}
	return Repr(typ, data)
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// corpusAuth builds the authobject a call describes, as corpus_client.py
// does.
func corpusAuth(spec map[string]string) (AuthFunc, error) {
	switch spec["kind"] {
	case "plain":
		return PlainAuth(spec["authzid"], spec["user"], spec["pass"]), nil
	case "abort":
		return func([]byte) ([]byte, error) { return nil, errors.New("aborted by the corpus") }, nil
	case "raw":
		resp := []byte(spec["response"])
		return func([]byte) ([]byte, error) { return resp, nil }, nil
	}
	return nil, fmt.Errorf("unknown auth kind %q", spec["kind"])
}

// corpusMethods is the dispatch table from Python's method name to ours.
var corpusMethods = map[string]func(m *IMAP4, a corpusArgs, c *corpusCall, tgt *corpusTarget) string{
	"append": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		var date any
		if len(a) > 2 && a[2] != nil {
			date = a.str(2)
		}
		return reprOf(m.Append(a.str(0), a.str(1), date, []byte(a.str(3))))
	},
	"authenticate": func(m *IMAP4, a corpusArgs, c *corpusCall, _ *corpusTarget) string {
		f, err := corpusAuth(c.Auth)
		if err != nil {
			return excLine(err)
		}
		return reprOf(m.Authenticate(a.str(0), f))
	},
	"capability": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Capability()) },
	"check":      func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Check()) },
	"close":      func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Close()) },
	"copy": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Copy(a.str(0), a.str(1)))
	},
	"create": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Create(a.str(0))) },
	"delete": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Delete(a.str(0))) },
	"deleteacl": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Deleteacl(a.str(0), a.str(1)))
	},
	"enable":  func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Enable(a.str(0))) },
	"expunge": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Expunge()) },
	"fetch": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Fetch(a.str(0), a.str(1)))
	},
	"getacl": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Getacl(a.str(0))) },
	"getannotation": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Getannotation(a.str(0), a.str(1), a.str(2)))
	},
	"getquota": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Getquota(a.str(0)))
	},
	"getquotaroot": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		typ, data, err := m.Getquotaroot(a.str(0))
		if err != nil {
			return excLine(err)
		}
		return ReprLists(typ, data)
	},
	"list": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.List(a.str(0), a.str(1)))
	},
	"login": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Login(a.str(0), a.str(1)))
	},
	"login_cram_md5": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.LoginCramMD5(a.str(0), a.str(1)))
	},
	"logout": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Logout()) },
	"lsub": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Lsub(a.str(0), a.str(1)))
	},
	"myrights": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Myrights(a.str(0)))
	},
	"namespace": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Namespace()) },
	"noop":      func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Noop()) },
	"partial": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Partial(a.str(0), a.str(1), a.str(2), a.str(3)))
	},
	"proxyauth": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Proxyauth(a.str(0)))
	},
	"recent": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Recent()) },
	"rename": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Rename(a.str(0), a.str(1)))
	},
	"response": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		typ, data := m.Response(a.str(0))
		return Repr(typ, data)
	},
	"search": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Search(a.str(0), a.strs(1)...))
	},
	"select": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Select(a.str(0), a.boolean(1)))
	},
	"setacl": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Setacl(a.str(0), a.str(1), a.str(2)))
	},
	"setannotation": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Setannotation(a.str(0), a.strs(1)...))
	},
	"setquota": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Setquota(a.str(0), a.str(1)))
	},
	"sort": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Sort(a.str(0), a.str(1), a.strs(2)...))
	},
	"starttls": func(m *IMAP4, _ corpusArgs, _ *corpusCall, tgt *corpusTarget) string {
		return reprOf(m.Starttls(tgt.tlsConfig))
	},
	"status": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Status(a.str(0), a.str(1)))
	},
	"store": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Store(a.str(0), a.str(1), a.str(2)))
	},
	"subscribe": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Subscribe(a.str(0)))
	},
	"thread": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Thread(a.str(0), a.str(1), a.strs(2)...))
	},
	"uid": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Uid(a.str(0), a.strs(1)...))
	},
	"unselect": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return reprOf(m.Unselect()) },
	"unsubscribe": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Unsubscribe(a.str(0)))
	},
	"xatom": func(m *IMAP4, a corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return reprOf(m.Xatom(a.str(0), a.strs(1)...))
	},
	"_capabilities": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		return pyTupleRepr(m.Capabilities())
	},
	"_state":        func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return pyStrRepr(m.State()) },
	"_utf8_enabled": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return pyBool(m.UTF8Enabled()) },
	"_is_readonly":  func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string { return pyBool(m.IsReadonly()) },
	"_refresh_capabilities": func(m *IMAP4, _ corpusArgs, _ *corpusCall, _ *corpusTarget) string {
		// Our capabilities are already refreshed after LOGIN; asking again
		// puts the same CAPABILITY on the wire as the 3.11 workaround.
		return reprOf(m.Capability())
	},
}

// substituter replaces the corpus placeholders with a side's accounts.
func (s *corpusSide) substituter() *strings.Replacer {
	return strings.NewReplacer("$USER2", s.user2, "$PASS2", s.pass2, "$USER", s.user, "$PASS", s.pass)
}

func substArgs(r *strings.Replacer, in []any) corpusArgs {
	out := make(corpusArgs, len(in))
	for i, v := range in {
		if s, ok := v.(string); ok {
			out[i] = r.Replace(s)
		} else {
			out[i] = v
		}
	}
	return out
}

// runCorpusGo runs the selected calls of f through this package, via the
// proxy p, and returns what each gave.
func runCorpusGo(t *testing.T, f *corpusFile, tgt *corpusTarget, side *corpusSide, p *wireProxy) []corpusResult {
	t.Helper()
	r := side.substituter()
	var m *IMAP4
	defer func() {
		if m != nil {
			m.Shutdown()
		}
	}()
	var results []corpusResult
	for i := range f.Calls {
		c := &f.Calls[i]
		if !c.selected(tgt) {
			continue
		}
		var out string
		start := time.Now()
		switch {
		case c.M == "_connect":
			if m != nil {
				m.Shutdown()
			}
			var err error
			if m, err = New(p.Host, p.Port, WithTimeout(20*time.Second)); err != nil {
				out = excLine(err)
			} else {
				out = pyBytesRepr(m.Welcome())
			}
		case m == nil:
			t.Fatalf("%s: call %d (%s) before _connect", f.path, i, c)
		default:
			fn := corpusMethods[c.M]
			if fn == nil {
				t.Fatalf("%s: call %d: no Go method for %q", f.path, i, c.M)
			}
			auth := map[string]string{}
			for k, v := range c.Auth {
				auth[k] = r.Replace(v)
			}
			cc := *c
			cc.Auth = auth
			out = fn(m, substArgs(r, c.Args), &cc, tgt)
		}
		results = append(results, corpusResult{dur: time.Since(start), out: out, wire: p.Take(), ran: true})
	}
	return results
}

// ---- the Python side ---------------------------------------------------

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  error
)

// python3 returns the real interpreter of the machine's python3 (a pyenv
// shim costs about 65 ms per start), or an error when there is none.
func python3() (string, error) {
	pythonOnce.Do(func() {
		var sh string
		if sh, pythonErr = exec.LookPath("python3"); pythonErr != nil {
			return
		}
		out, err := exec.Command(sh, "-c", "import sys; print(sys.executable)").Output()
		if err != nil {
			pythonErr = fmt.Errorf("python3 does not run: %v", err)
			return
		}
		pythonPath = strings.TrimSpace(string(out))
	})
	return pythonPath, pythonErr
}

// runCorpusPython runs f through corpus_client.py, one call at a time,
// taking the proxy's record after each.
func runCorpusPython(t *testing.T, py string, f *corpusFile, tgt *corpusTarget, side *corpusSide, p *wireProxy) []corpusResult {
	t.Helper()
	var skip []string
	for k := range tgt.skip {
		skip = append(skip, k)
	}
	sort.Strings(skip)
	cmd := exec.Command(py, filepath.Join("testdata", "oracle", "corpus_client.py"),
		"--host", p.Host, "--port", strconv.Itoa(p.Port),
		"--user", side.user, "--password", side.pass, "--user2", side.user2, "--password2", side.pass2,
		"--server", tgt.name, "--skip", strings.Join(skip, ","), "--step", f.path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	rd := bufio.NewReaderSize(stdout, 1<<20)
	var results []corpusResult
	for i := range f.Calls {
		c := &f.Calls[i]
		if !c.selected(tgt) {
			continue
		}
		line, err := rd.ReadString('\n')
		if err != nil {
			stdin.Close()
			_ = cmd.Wait()
			t.Fatalf("%s: python stopped before call %d (%s): %v\nstderr:\n%s", f.path, i, c, err, stderr.String())
		}
		line = strings.TrimSuffix(line, "\n")
		results = append(results, corpusResult{out: line, wire: p.Take(), ran: line != "SKIP"})
		if _, err := stdin.Write([]byte("\n")); err != nil {
			t.Fatalf("%s: python: %v\nstderr:\n%s", f.path, err, stderr.String())
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s: python: %v\nstderr:\n%s", f.path, err, stderr.String())
	}
	return results
}

// ---- comparing ---------------------------------------------------------

var (
	reTiming     = regexp.MustCompile(`\((?:\d+\.\d+ \+ )*\d+\.\d+ secs\)`)
	reUIDValid   = regexp.MustCompile(`\b1[5-9]\d{8}\b`)
	reStamp      = regexp.MustCompile(`\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]`)
	reIntDate    = regexp.MustCompile(`[ \d]\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}`)
	rePyArgError = regexp.MustCompile(`^EXC (?:ValueError|TypeError|UnicodeEncodeError|IndexError|KeyError): `)
	reTag        = regexp.MustCompile(`(^|\r\n)[A-P]{4}\d+ `)
	reAuthLine   = regexp.MustCompile(`(\r\n)[A-Za-z0-9+/=]+\r\n`)
)

// normOut normalises a printed result for comparison.
func normOut(s string, side *corpusSide, tgt *corpusTarget, vary []string) string {
	if side != nil {
		s = unsubst(s, side)
	}
	if tgt.normalize != nil {
		s = tgt.normalize(s)
	}
	s = reTiming.ReplaceAllString(s, "(<T> secs)")
	s = reUIDValid.ReplaceAllString(s, "<UIDVALIDITY>")
	s = reStamp.ReplaceAllString(s, "[<STAMP>]")
	if slices.Contains(vary, "internaldate") {
		s = reIntDate.ReplaceAllString(s, "<DATE>")
	}
	return rePyArgError.ReplaceAllString(s, "EXC ArgumentError: ")
}

var (
	reNonSync = regexp.MustCompile(`\{(\d+)\+\}\r\n`)
	reLitEnd  = regexp.MustCompile(`\{(\d+)\}\r\n$`)
)

// normWire normalises the bytes a client wrote for one call. Our APPEND
// sends its literal non-synchronizing ({N+}, RFC 7888) when the server
// allows it, a deliberate difference from CPython (see imap4.go): {N+} is
// compared as {N}.
func normWire(b []byte, side *corpusSide, c *corpusCall) string {
	s := reTag.ReplaceAllString(string(b), "${1}TAG ")
	s = reNonSync.ReplaceAllString(s, "{$1}\r\n")
	if side != nil {
		s = unsubst(s, side)
	}
	if c.M == "authenticate" || c.M == "login_cram_md5" {
		// SASL responses carry the session's credentials or a random
		// challenge's answer.
		for {
			t := reAuthLine.ReplaceAllString(s, "${1}<SASL>\r\n")
			if t == s {
				break
			}
			s = t
		}
	}
	return s
}

// wireEquiv reports whether the bytes we wrote for a call are CPython's.
// Besides equality, one case is equivalent: a literal sent
// non-synchronizing goes out even when the server then refuses the
// command, where CPython, waiting for the continuation, never sends it; so
// ours may go on with exactly the literal CPython's line announced.
func wireEquiv(ours, cpython string) bool {
	if ours == cpython {
		return true
	}
	m := reLitEnd.FindStringSubmatch(cpython)
	if m == nil || !strings.HasPrefix(ours, cpython) {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	rest := ours[len(cpython):]
	return len(rest) >= n && (rest[n:] == "\r\n" || rest[n:] == ")\r\n")
}

// afterSTARTTLS hides the bytes a client wrote over TLS, which differ from
// one handshake to the next: of the STARTTLS call itself only the command
// line is kept.
func afterSTARTTLS(wire string, isStarttls bool) string {
	if isStarttls {
		if i := strings.Index(wire, "\r\n"); i >= 0 {
			return wire[:i+2] + "<TLS>"
		}
		return wire
	}
	return "<TLS>"
}

// unsubst puts the placeholders back for a side's user names and passwords,
// longest first.
func unsubst(s string, side *corpusSide) string {
	pairs := [][2]string{{side.user2, "$USER2"}, {side.pass2, "$PASS2"}, {side.user, "$USER"}, {side.pass, "$PASS"}}
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i][0]) > len(pairs[j][0]) })
	for _, p := range pairs {
		if p[0] != "" {
			s = strings.ReplaceAll(s, p[0], p[1])
		}
	}
	return s
}

// compareCorpus checks our results against Python's (py may be nil when
// there is no python3: then only the expectations are checked).
func compareCorpus(t *testing.T, f *corpusFile, tgt *corpusTarget, goSide, pySide *corpusSide, goRes, pyRes []corpusResult) {
	t.Helper()
	k := 0
	tlsAt := -1 // the STARTTLS call: after it the wire is encrypted
	for i := range f.Calls {
		c := &f.Calls[i]
		if !c.selected(tgt) {
			continue
		}
		if c.M == "starttls" && tlsAt < 0 {
			tlsAt = i
		}
		g := goRes[k]
		gOut, gWire := normOut(g.out, goSide, tgt, c.Vary), normWire(g.wire, goSide, c)
		var pOut, pWire string
		var pRan bool
		if pyRes != nil {
			p := pyRes[k]
			pRan = p.ran
			pOut, pWire = normOut(p.out, pySide, tgt, c.Vary), normWire(p.wire, pySide, c)
		}
		if tlsAt >= 0 {
			gWire, pWire = afterSTARTTLS(gWire, i == tlsAt), afterSTARTTLS(pWire, i == tlsAt)
		}
		k++
		where := fmt.Sprintf("%s call %d %s", filepath.Base(f.path), i, c)
		if os.Getenv("IMAPLIB_CORPUS_DUMP") != "" {
			t.Logf("%s (%v)\n  go: %s\n  py: %s\n  go wire: %q\n  py wire: %q", where, g.dur, gOut, pOut, gWire, pWire)
		}
		exp, hasExp := c.expectFor(tgt.name)
		if !hasExp {
			if pyRes == nil {
				continue
			}
			if gOut != pOut || !wireEquiv(gWire, pWire) {
				t.Errorf("%s: differs from CPython %s\n  go:     %s\n  python: %s\n  go wire:     %q\n  python wire: %q",
					where, "3.11", gOut, pOut, gWire, pWire)
			}
			continue
		}
		wantOut, wantWire := pOut, pWire
		outFromPy, wireFromPy := true, true
		if exp.Repr != nil {
			wantOut, outFromPy = normOut(tgt.expand(*exp.Repr), nil, tgt, c.Vary), false
		}
		if exp.Wire != nil {
			wantWire, wireFromPy = *exp.Wire, false
		}
		if pyRes == nil && (outFromPy || wireFromPy) {
			// Nothing to compare that part with.
			if outFromPy {
				wantOut = gOut
			}
			if wireFromPy {
				wantWire = gWire
			}
		}
		if gOut != wantOut || !wireEquiv(gWire, wantWire) {
			t.Errorf("%s: differs from the CPython 3.14.7 expectation (rule: %s)\n  go:       %s\n  expected: %s\n  python 3.11: %s\n  go wire:       %q\n  expected wire: %q\n  python 3.11 wire: %q",
				where, c.Rule, gOut, wantOut, pOut, gWire, wantWire, pWire)
		}
		if pyRes == nil || !pRan {
			continue
		}
		if c.PyArgs != nil {
			// 3.11 was given what a 3.11 script passes: it must reach the
			// same result and wire as 3.14.7.
			if (!outFromPy && pOut != wantOut) || (!wireFromPy && pWire != wantWire) {
				t.Errorf("%s: with py_args CPython 3.11 does not match the 3.14.7 expectation (rule: %s)\n  python:   %s\n  expected: %s\n  python wire:   %q\n  expected wire: %q",
					where, c.Rule, pOut, wantOut, pWire, wantWire)
			}
		} else if pOut == gOut && wireEquiv(gWire, pWire) {
			t.Errorf("%s: rule %q is stale: CPython 3.11 gives the same result and wire\n  both: %s\n  wire: %q", where, c.Rule, gOut, gWire)
		}
	}
	if k != len(goRes) || (pyRes != nil && k != len(pyRes)) {
		t.Errorf("%s: %d calls selected, go ran %d, python %d", f.path, k, len(goRes), len(pyRes))
	}
}

// runCorpusFile runs one corpus file on both sides and compares. newSide
// returns a fresh account (and the server address) for each side.
func runCorpusFile(t *testing.T, f *corpusFile, tgt *corpusTarget, newSide func(t *testing.T) *corpusSide, py string) {
	t.Helper()
	var pyRes []corpusResult
	var pySide *corpusSide
	if py != "" {
		pySide = newSide(t)
		pp := startWireProxy(t, pySide.addr)
		pyRes = runCorpusPython(t, py, f, tgt, pySide, pp)
		pp.Close()
	}
	goSide := newSide(t)
	gp := startWireProxy(t, goSide.addr)
	goRes := runCorpusGo(t, f, tgt, goSide, gp)
	gp.Close()
	compareCorpus(t, f, tgt, goSide, pySide, goRes, pyRes)
}

// runCorpus runs every corpus file meant for tgt.
func runCorpus(t *testing.T, tgt *corpusTarget, newSide func(t *testing.T) *corpusSide, py string) {
	for _, f := range loadCorpus(t) {
		if len(f.Servers) > 0 && !slices.Contains(f.Servers, tgt.name) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(f.path), ".json"), func(t *testing.T) {
			t.Parallel()
			runCorpusFile(t, f, tgt, newSide, py)
		})
	}
}

// corpusMemserverSkip is what go-imap's in-memory server does not
// implement: it answers these commands "BAD Unknown command" (and before
// login closes the connection), or, for CRAM-MD5, does not offer the
// mechanism. They are exercised against Dovecot and Cyrus instead.
var corpusMemserverSkip = map[string]string{
	"sort":           "SORT (RFC 5256)",
	"thread":         "THREAD (RFC 5256)",
	"getquota":       "QUOTA (RFC 2087)",
	"getquotaroot":   "QUOTA (RFC 2087)",
	"setquota":       "QUOTA (RFC 2087)",
	"getacl":         "ACL (RFC 4314)",
	"setacl":         "ACL (RFC 4314)",
	"deleteacl":      "ACL (RFC 4314)",
	"myrights":       "ACL (RFC 4314)",
	"getannotation":  "ANNOTATEMORE",
	"setannotation":  "ANNOTATEMORE",
	"partial":        "PARTIAL (IMAP2bis)",
	"proxyauth":      "PROXYAUTH",
	"login_cram_md5": "AUTH=CRAM-MD5 is not offered",
	"uid SORT":       "SORT (RFC 5256)",
	"uid THREAD":     "THREAD (RFC 5256)",
}

// The corpus accounts on go-imap's in-memory server.
const (
	memUser1, memPass1 = "corpus-one", "pw-corpus-one"
	memUser2, memPass2 = "corpus-two", "pw-corpus-two"
)

// startMemServerTLS starts go-imap's in-memory server with STARTTLS and
// implicit TLS and the two corpus accounts, for one test.
func startMemServerTLS(t testing.TB) *memserver.Server {
	t.Helper()
	srv, err := memserver.Start(map[string]string{memUser1: memPass1, memUser2: memPass2}, protoTestPKI(t).server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

var reFlagList = regexp.MustCompile(`FLAGS \(([^()]*)\)`)

// sortFlagLists sorts the flags inside every "FLAGS (...)": go-imap's
// in-memory server keeps a message's flags in a map, so their order changes
// from one run to the next.
func sortFlagLists(s string) string {
	return reFlagList.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[len("FLAGS (") : len(m)-1]
		f := strings.Fields(inner)
		sort.Strings(f)
		return "FLAGS (" + strings.Join(f, " ") + ")"
	})
}

// TestCorpusMemserver runs the corpus against go-imap's in-memory server,
// which needs no install, through this package and, when python3 is
// there, through CPython's imaplib.
func TestCorpusMemserver(t *testing.T) {
	t.Parallel()
	tgt := &corpusTarget{name: "memserver", skip: corpusMemserverSkip, tlsConfig: &tls.Config{RootCAs: protoTestPKI(t).pool},
		normalize: sortFlagLists}
	py, pyErr := python3()
	if pyErr != nil && os.Getenv("IMAPLIB_REQUIRE_PYTHON") == "1" {
		t.Fatalf("python3 is required (IMAPLIB_REQUIRE_PYTHON=1): %v", pyErr)
	}
	newSide := func(t *testing.T) *corpusSide {
		srv := startMemServerTLS(t)
		return &corpusSide{addr: fmt.Sprintf("%s:%d", srv.Host, srv.Port),
			user: memUser1, pass: memPass1, user2: memUser2, pass2: memPass2}
	}
	tgt.caps = rawLoginCaps(t, newSide(t))
	// A group, so that its parallel subtests are done before a skip below.
	t.Run("corpus", func(t *testing.T) { runCorpus(t, tgt, newSide, py) })
	if pyErr != nil {
		t.Skipf("SKIP (after the Go side and the 3.14.7 expectations passed): no python3 to compare with (%v); set IMAPLIB_REQUIRE_PYTHON=1 to make this a failure", pyErr)
	}
}

// TestCorpusDovecot runs the corpus against Dovecot, each side as fresh
// users, through this package and through CPython's imaplib.
func TestCorpusDovecot(t *testing.T) {
	t.Parallel()
	lab := needDovecot(t)
	py, pyErr := python3()
	if pyErr != nil && os.Getenv("IMAPLIB_REQUIRE_PYTHON") == "1" {
		t.Fatalf("python3 is required (IMAPLIB_REQUIRE_PYTHON=1): %v", pyErr)
	}
	tgt := &corpusTarget{name: "dovecot", tlsConfig: lab.TLSConfig()}
	newSide := func(t *testing.T) *corpusSide {
		u1, p1 := lab.NewUser(t)
		u2, p2 := lab.NewUser(t)
		return &corpusSide{addr: lab.Addr(), user: u1, pass: p1, user2: u2, pass2: p2}
	}
	tgt.caps = rawLoginCaps(t, newSide(t))
	// A group, so that its parallel subtests are done before a skip below.
	t.Run("corpus", func(t *testing.T) { runCorpus(t, tgt, newSide, py) })
	if pyErr != nil {
		t.Skipf("SKIP (after the Go side and the 3.14.7 expectations passed): no python3 to compare with (%v); set IMAPLIB_REQUIRE_PYTHON=1 to make this a failure", pyErr)
	}
}

// TestCorpusWellFormed checks the corpus itself: known methods, rules with
// expectations, at least 150 calls, every Python method covered.
func TestCorpusWellFormed(t *testing.T) {
	files := loadCorpus(t)
	total := 0
	seen := map[string]bool{}
	for _, f := range files {
		if len(f.Calls) == 0 || f.Calls[0].M != "_connect" {
			t.Errorf("%s: the first call must be _connect", f.path)
		}
		for i, c := range f.Calls {
			total++
			seen[c.M] = true
			if c.M != "_connect" && corpusMethods[c.M] == nil {
				t.Errorf("%s call %d: unknown method %q", f.path, i, c.M)
			}
			if (c.Rule == "") != (len(c.Expect) == 0) {
				t.Errorf("%s call %d (%s): a rule needs an expectation and an expectation a rule", f.path, i, &c)
			}
			if c.PySkip && c.Rule == "" {
				t.Errorf("%s call %d (%s): py_skip without a rule", f.path, i, &c)
			}
			for srv, e := range c.Expect {
				if c.PySkip && (e.Repr == nil || e.Wire == nil) {
					t.Errorf("%s call %d (%s): py_skip needs repr and wire for %s", f.path, i, &c, srv)
				}
			}
			if c.M == "authenticate" && c.Auth == nil {
				t.Errorf("%s call %d: authenticate without auth", f.path, i)
			}
		}
	}
	if total < 150 {
		t.Errorf("corpus has %d calls, want at least 150", total)
	}
	for name := range corpusMethods {
		if !seen[name] {
			t.Errorf("no corpus call uses %s", name)
		}
	}
	t.Logf("%d corpus files, %d calls", len(files), total)
}

// TestCorpusWireNormalisation checks the comparison helpers themselves.
func TestCorpusWireNormalisation(t *testing.T) {
	side := &corpusSide{user: "u001", pass: "pass-u001", user2: "u0010", pass2: "pw2"}
	c := &corpusCall{M: "append"}
	got := normWire([]byte("ABCD12 LOGIN u001 \"pass-u001\"\r\nABCD13 APPEND INBOX {5+}\r\nhello\r\nBCDE7 NOOP\r\n"), side, c)
	if want := "TAG LOGIN $USER \"$PASS\"\r\nTAG APPEND INBOX {5}\r\nhello\r\nTAG NOOP\r\n"; got != want {
		t.Errorf("normWire = %q, want %q", got, want)
	}
	if got := unsubst("u0010 and u001", side); got != "$USER2 and $USER" {
		t.Errorf("unsubst = %q", got)
	}
	for _, c := range []struct {
		ours, cpython string
		equiv         bool
	}{
		{"TAG NOOP\r\n", "TAG NOOP\r\n", true},
		{"TAG APPEND X {5}\r\nhello\r\n", "TAG APPEND X {5}\r\n", true},                // refused before the continuation
		{"TAG APPEND X UTF8 (~{5}\r\nhello)\r\n", "TAG APPEND X UTF8 (~{5}\r\n", true}, // the same in UTF-8 mode
		{"TAG APPEND X {5}\r\nhell\r\n", "TAG APPEND X {5}\r\n", false},
		{"TAG APPEND X {5}\r\nhello\r\nTAG NOOP\r\n", "TAG APPEND X {5}\r\n", false},
		{"TAG NOOP\r\n", "TAG CHECK\r\n", false},
	} {
		if got := wireEquiv(c.ours, c.cpython); got != c.equiv {
			t.Errorf("wireEquiv(%q, %q) = %v", c.ours, c.cpython, got)
		}
	}
	if got := normOut("('OK', [b'[APPENDUID 1712345678 3] Append completed (0.001 + 0.000 + 0.002 secs).'])", nil, &corpusTarget{}, nil); got != "('OK', [b'[APPENDUID <UIDVALIDITY> 3] Append completed (<T> secs).'])" {
		t.Errorf("normOut = %q", got)
	}
	if got := sortFlagLists(`1 (UID 1 FLAGS (\seen $label \deleted))`); got != `1 (UID 1 FLAGS ($label \deleted \seen))` {
		t.Errorf("sortFlagLists = %q", got)
	}
}

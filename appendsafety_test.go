package imaplib

// No message body ever runs as a command: for each way a real server can
// refuse an APPEND, a message whose lines are whole IMAP commands is
// appended by CPython's imaplib, by this package as it is by default, and
// by this package with WithLiteralPlus; afterwards a fresh connection looks
// at the server's state. By default nothing from the message may run, and
// each call must return what CPython's returns; with the opt-in the test
// pins what was measured, so a change in either server's behaviour or in
// the package shows up here and in the README.

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// probeBody is a message whose body lines are complete IMAP commands, each
// of which leaves a trace: a new mailbox, a flag on the seed message, a
// deleted mailbox, a closed connection.
const probeBody = "From: probe@example.org\r\nSubject: literal probe\r\n\r\n" +
	"X1 CREATE Injected\r\n" +
	"X2 STORE 1:* +FLAGS (\\Deleted)\r\n" +
	"X3 DELETE Victim\r\n" +
	"X4 LOGOUT\r\n"

// An appendRefusal is one way for an APPEND to be refused.
type appendRefusal struct {
	name    string
	mailbox string
	flags   any // nil is Python's None
	date    any
	quota   bool // the user's storage quota (1 KiB) is smaller than the message
	noLogin bool // APPEND before LOGIN: refused by the client
	utf8    bool // ENABLE UTF8=ACCEPT first
	timeout time.Duration
	// go314 is CPython 3.14.7's result for the APPEND and the NOOP after
	// it, by server, where the python3 here (3.11) behaves otherwise by
	// design, with the rule's name.
	go314 map[string][]string
	rule  string
}

var appendRefusals = []appendRefusal{
	{name: "unknown flag", mailbox: "INBOX", flags: `(\Bogus)`},
	{name: "malformed flag list", mailbox: "INBOX", flags: `(\Seen "x")`},
	{name: "invalid keyword", mailbox: "INBOX", flags: `(\Seen $Bad])`},
	// Dovecot 2.3 neither answers nor asks for the literal after these
	// flags: both clients wait until their timeout.
	{name: "unbalanced flag list", mailbox: "INBOX", flags: `\Seen) X0 (`, timeout: 3 * time.Second},
	{name: "malformed date", mailbox: "INBOX", date: `"not a date at all, really!"`},
	{name: "missing mailbox", mailbox: "NoSuchBox"},
	{name: "over quota", mailbox: "INBOX", quota: true},
	{name: "wrong state", mailbox: "INBOX", noLogin: true},
	// Dovecot 2.3 answers ENABLE UTF8=ACCEPT with OK but does not know
	// APPEND's UTF8 form: it never answers "UTF8 (~{N}", so the client
	// waits until its timeout, as CPython 3.14.7 does. Cyrus 3.6 refuses
	// the form.
	{name: "UTF-8 mode mismatch", mailbox: "INBOX", utf8: true, timeout: 3 * time.Second,
		go314: map[string][]string{
			"dovecot": {"<timeout>", "<unusable after a timeout>"},
			"cyrus":   {"EXC error: APPEND command error: BAD [b'Missing required argument to Append command']", "('OK', [b'Completed'])"},
		}, rule: "(3.14.7 sends APPEND's UTF8 (~{N} form, RFC 6855; 3.11 a plain literal)"},
}

// literalPlusRuns is what WithLiteralPlus was measured to let run, by
// server and refusal: the names of the traces found afterwards.
var literalPlusRuns = map[string]map[string]string{
	"dovecot": {"unknown flag": "Injected created, Victim deleted, seed flagged \\Deleted"},
	"cyrus":   {},
}

// probeServer is what the test needs of Dovecot and Cyrus.
type probeServer struct {
	name    string
	lab     *labServer
	newUser func(t *testing.T, quota bool) (user, password string)
}

func TestAppendRefusalRunsNothing(t *testing.T) {
	python, _, pyErr := oracleFindPython()
	if pyErr != nil {
		if os.Getenv("IMAPLIB_REQUIRE_PYTHON") == "1" {
			t.Fatalf("python3 is required (IMAPLIB_REQUIRE_PYTHON=1): %v", pyErr)
		}
		python = ""
	}
	t.Run("dovecot", func(t *testing.T) {
		t.Parallel()
		lab := needDovecot(t)
		runAppendRefusals(t, probeServer{name: "dovecot", lab: &lab.labServer,
			newUser: func(t *testing.T, quota bool) (string, string) {
				if quota {
					return lab.NewUserWith(t, "userdb_quota_rule=*:storage=1K")
				}
				return lab.NewUser(t)
			}}, python)
	})
	t.Run("cyrus", func(t *testing.T) {
		t.Parallel()
		lab := needCyrus(t)
		runAppendRefusals(t, probeServer{name: "cyrus", lab: &lab.labServer,
			newUser: func(t *testing.T, quota bool) (string, string) {
				user, password := lab.NewUser(t)
				if quota {
					if err := labAdminCommands(lab.Addr(), lab.Admin, lab.AdminPassword, "SETQUOTA user/"+user+" (STORAGE 1)"); err != nil {
						t.Fatal(err)
					}
				}
				return user, password
			}}, python)
	})
	if pyErr != nil {
		t.Skipf("SKIP (after the Go side passed): no python3 to compare with (%v); set IMAPLIB_REQUIRE_PYTHON=1 to make this a failure", pyErr)
	}
}

func runAppendRefusals(t *testing.T, srv probeServer, python string) {
	for _, rc := range appendRefusals {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			goOut, goTrace := probeAppend(t, srv, rc, "go")
			if goTrace != "" {
				t.Errorf("by default the message ran as commands: %s", goTrace)
			}
			plusOut, plusTrace := probeAppend(t, srv, rc, "go+literal")
			if want := literalPlusRuns[srv.name][rc.name]; plusTrace != want {
				t.Errorf("with WithLiteralPlus the traces are %q, measured before: %q\n%s", plusTrace, want, strings.Join(plusOut, "\n"))
			}
			if python == "" {
				return
			}
			pyOut, pyTrace := probeAppend(t, srv, rc, "python")
			if pyTrace != "" {
				t.Errorf("CPython's imaplib let the message run as commands: %s", pyTrace)
			}
			// The calls before the APPEND only set the scene (the corpus
			// tests compare them); the APPEND and the NOOP after it are
			// compared.
			if len(goOut) != len(pyOut) || len(goOut) < 3 {
				t.Fatalf("Go printed %d lines, CPython %d\nGo:\n%s\nCPython:\n%s", len(goOut), len(pyOut), strings.Join(goOut, "\n"), strings.Join(pyOut, "\n"))
			}
			want := pyOut[len(pyOut)-2:]
			if w, ok := rc.go314[srv.name]; ok {
				want = w
			}
			for i, what := range []string{"APPEND", "NOOP after the APPEND"} {
				if g, p := probeNorm(goOut[len(goOut)-2+i]), probeNorm(want[i]); g != p {
					t.Errorf("%s:\n  Go:      %s\n  CPython: %s %s", what, goOut[len(goOut)-2+i], want[i], rc.rule)
				}
			}
			t.Logf("CPython and the package:\n%s\nWithLiteralPlus:\n%s", strings.Join(pyOut, "\n"), strings.Join(plusOut, "\n"))
		})
	}
}

// reCyrusSession matches the session ids Cyrus puts in some texts.
var reCyrusSession = regexp.MustCompile(`SESSIONID=<[^>]*>`)

// probeNorm normalises one printed result. A socket timeout is CPython's
// TimeoutError and the package's *AbortError wrapping it; the connection
// is then unusable for both (CPython: "cannot read from timed out
// object"; the package: "connection unusable after an earlier failure").
func probeNorm(s string) string {
	switch {
	case s == "EXC TimeoutError: timed out",
		strings.HasPrefix(s, "EXC abort: socket error: read ") && strings.HasSuffix(s, "i/o timeout"):
		return "<timeout>"
	case s == "EXC OSError: cannot read from timed out object",
		strings.HasPrefix(s, "EXC abort: socket error: connection unusable after an earlier failure: ") && strings.HasSuffix(s, "i/o timeout"):
		return "<unusable after a timeout>"
	}
	s = normOut(s, nil, &corpusTarget{}, nil)
	// Cyrus puts session ids and host names in some texts.
	return reCyrusSession.ReplaceAllString(s, "<SESSION>")
}

// probeAppend runs one refused APPEND for a fresh user with the client
// mode names ("go", "go+literal" or "python") and returns what each call
// printed, in fake_client.py's format, and the traces the message left.
func probeAppend(t *testing.T, srv probeServer, rc appendRefusal, mode string) (out []string, trace string) {
	t.Helper()
	user, password := srv.newUser(t, rc.quota)
	probeSetUp(t, srv, user, password)

	var calls []oracleCall
	if !rc.noLogin {
		calls = append(calls, oracleCall{"login", user, password})
		if rc.utf8 {
			calls = append(calls, oracleCall{"enable", "UTF8=ACCEPT"})
		}
		calls = append(calls, oracleCall{"select", "INBOX"})
	}
	body := probeBody
	if rc.quota {
		body = "X-Padding: " + strings.Repeat("p", 2000) + "\r\n" + body
	}
	calls = append(calls, oracleCall{"append", rc.mailbox, rc.flags, rc.date, oracleBytes(body)}, oracleCall{"noop"})

	timeout := rc.timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	if mode == "python" {
		out = probePython(t, srv, calls, timeout)
	} else {
		opts := []Option{WithTimeout(timeout)}
		if mode == "go+literal" {
			opts = append(opts, WithLiteralPlus())
		}
		m, err := New(srv.lab.Host, srv.lab.Port, opts...)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pyTupleRepr(m.Capabilities()))
		for _, c := range calls[:len(calls)-1] {
			out = append(out, oracleGoCall(m, c))
		}
		if mode == "go" {
			out = append(out, oracleGoCall(m, calls[len(calls)-1]))
		} else {
			// The server runs what it reads in order: once it has answered
			// a NOOP sent now, or closed the connection, it has run every
			// line of the message it was going to run.
			out = append(out, probeDrain(m))
		}
		m.Shutdown()
	}
	return out, probeTraces(t, srv, user, password)
}

// probeDrain sends a NOOP of its own and reads until its completion or
// the end of the connection, returning how it ended.
func probeDrain(m *IMAP4) string {
	if err := m.Send([]byte("ZZZZ1 NOOP\r\n")); err != nil {
		return "drain: " + err.Error()
	}
	for n := 0; ; n++ {
		line, err := m.Readline()
		switch {
		case err != nil:
			return fmt.Sprintf("drain: %d lines, then %v", n, err)
		case len(line) == 0:
			return fmt.Sprintf("drain: %d lines, then EOF", n)
		case bytes.HasPrefix(line, []byte("ZZZZ1 ")):
			return fmt.Sprintf("drain: %d lines, then %q", n, line)
		}
	}
}

func probePython(t *testing.T, srv probeServer, calls []oracleCall, timeout time.Duration) []string {
	t.Helper()
	python, _, err := oracleFindPython()
	if err != nil {
		t.Fatal(err)
	}
	return runFakeClient(t, python, srv.lab.Host, srv.lab.Port, calls, strconv.FormatFloat(timeout.Seconds(), 'f', -1, 64))
}

// probeSetUp gives the user what the probe's commands would change: a
// mailbox Victim and one message in INBOX.
func probeSetUp(t *testing.T, srv probeServer, user, password string) {
	t.Helper()
	m, err := New(srv.lab.Host, srv.lab.Port, WithTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	mustOK := func(typ string, data []Datum, err error) {
		t.Helper()
		if err != nil || typ != "OK" {
			t.Fatalf("set-up: %s %v", Repr(typ, data), err)
		}
	}
	mustOK(m.Login(user, password))
	mustOK(m.Create("Victim"))
	mustOK(m.Append("INBOX", "", nil, []byte("Subject: seed\r\n\r\nx\r\n")))
}

// probeTraces looks, over a fresh connection, for what the probe's
// commands would have left, and returns them as one string ("" for none).
func probeTraces(t *testing.T, srv probeServer, user, password string) string {
	t.Helper()
	var traces []string
	m, err := New(srv.lab.Host, srv.lab.Port, WithTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login(user, password); err != nil {
		t.Fatal(err)
	}
	_, list, err := m.List("", "*")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range list {
		names = append(names, string(d.Bytes))
	}
	all := strings.Join(names, "\n")
	if strings.Contains(all, "Injected") {
		traces = append(traces, "Injected created")
	}
	if !strings.Contains(all, "Victim") {
		traces = append(traces, "Victim deleted")
	}
	if _, _, err := m.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	_, flags, err := m.Fetch("1", "(FLAGS)")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dataListRepr(flags), `\\Deleted`) {
		traces = append(traces, "seed flagged \\Deleted")
	}
	return strings.Join(traces, ", ")
}

func TestProbeTracesSeeTheProbe(t *testing.T) {
	// The probe's traces are only worth something if the probe's commands
	// leave them when they do run: run them as commands and look.
	lab := needDovecot(t)
	srv := probeServer{name: "dovecot", lab: &lab.labServer}
	user, password := lab.NewUser(t)
	probeSetUp(t, srv, user, password)
	m, err := New(lab.Host, lab.Port, WithTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	m.Login(user, password)
	m.Select("INBOX", false)
	_, body, _ := strings.Cut(probeBody, "\r\n\r\n")
	for _, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		_, cmd, _ := strings.Cut(line, " ")
		if err := m.Send([]byte(fmt.Sprintf("%s %s\r\n", "P"+strconv.Itoa(len(cmd)), cmd))); err != nil {
			t.Fatal(err)
		}
		for {
			l, err := m.Readline()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(l, []byte("* ")) {
				break
			}
		}
	}
	m.Shutdown()
	got := probeTraces(t, srv, user, password)
	if want := "Injected created, Victim deleted, seed flagged \\Deleted"; got != want {
		t.Errorf("traces %q, want %q", got, want)
	}
}

package imaplib

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// injectionCommand is one command method with string arguments: the state
// it needs, a valid value for each string argument and how to call it.
type injectionCommand struct {
	name    string
	state   string
	args    []string
	literal bool // data may follow the command line after a continuation
	// name0 marks a first argument that names the command (Uid's
	// subcommand): refusing it is Python's IMAP4.error, an *Error.
	name0 bool
	call  func(m *IMAP4, a []string) (string, []Datum, error)
}

func (c injectionCommand) nameArg(pos int) bool { return c.name0 && pos == 0 }

func injectionNoAuth([]byte) ([]byte, error) { return []byte("response"), nil }

// injectionCommands lists every command method that takes a string
// argument, with every such argument.
var injectionCommands = []injectionCommand{
	{name: "Append", state: StateAuth, args: []string{"INBOX", `\Seen`, "01-Jan-2020 00:00:00 +0000"}, literal: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) {
			// A string date is passed through when it is quoted.
			return m.Append(a[0], a[1], `"`+a[2]+`"`, []byte("hello\r\n"))
		}},
	{name: "AppendMany", state: StateAuth, args: []string{"INBOX", `\Seen`, "01-Jan-2020 00:00:00 +0000"}, literal: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) {
			typ, data, _, err := m.AppendMany(a[0], AppendMessage{Flags: a[1], Date: `"` + a[2] + `"`, Message: []byte("hello\r\n")})
			return typ, data, err
		}},
	{name: "Authenticate", state: StateNonAuth, args: []string{"PLAIN"}, literal: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Authenticate(a[0], injectionNoAuth) }},
	{name: "Copy", state: StateSelected, args: []string{"1:2", "Dest"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Copy(a[0], a[1]) }},
	{name: "Create", state: StateAuth, args: []string{"New"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Create(a[0]) }},
	{name: "Delete", state: StateAuth, args: []string{"Old"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Delete(a[0]) }},
	{name: "Deleteacl", state: StateAuth, args: []string{"INBOX", "bob"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Deleteacl(a[0], a[1]) }},
	{name: "Enable", state: StateAuth, args: []string{"CONDSTORE"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Enable(a[0]) }},
	{name: "Fetch", state: StateSelected, args: []string{"1:*", "(FLAGS)"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Fetch(a[0], a[1]) }},
	{name: "Getacl", state: StateAuth, args: []string{"INBOX"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Getacl(a[0]) }},
	{name: "Getannotation", state: StateAuth, args: []string{"INBOX", "/comment", "value.priv"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Getannotation(a[0], a[1], a[2]) }},
	{name: "Getquota", state: StateAuth, args: []string{"user.bob"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Getquota(a[0]) }},
	{name: "Getquotaroot", state: StateAuth, args: []string{"INBOX"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) {
			typ, _, err := m.Getquotaroot(a[0])
			return typ, nil, err
		}},
	{name: "List", state: StateAuth, args: []string{"", "*"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.List(a[0], a[1]) }},
	{name: "Login", state: StateNonAuth, args: []string{"bob", "secret"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Login(a[0], a[1]) }},
	{name: "LoginCramMD5", state: StateNonAuth, args: []string{"bob", "secret"}, literal: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.LoginCramMD5(a[0], a[1]) }},
	{name: "Lsub", state: StateAuth, args: []string{"", "*"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Lsub(a[0], a[1]) }},
	{name: "Myrights", state: StateAuth, args: []string{"INBOX"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Myrights(a[0]) }},
	{name: "Partial", state: StateSelected, args: []string{"1", "BODY[]", "0", "100"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Partial(a[0], a[1], a[2], a[3]) }},
	{name: "Proxyauth", state: StateAuth, args: []string{"bob"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Proxyauth(a[0]) }},
	{name: "Rename", state: StateAuth, args: []string{"Old", "New"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Rename(a[0], a[1]) }},
	{name: "Search", state: StateSelected, args: []string{"US-ASCII", "FROM", "bob"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Search(a[0], a[1], a[2]) }},
	{name: "Select", state: StateAuth, args: []string{"Box"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Select(a[0], false) }},
	{name: "Select(readonly)", state: StateAuth, args: []string{"Box"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Select(a[0], true) }},
	{name: "Setacl", state: StateAuth, args: []string{"INBOX", "bob", "lrs"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Setacl(a[0], a[1], a[2]) }},
	{name: "Setannotation", state: StateAuth, args: []string{"INBOX", "/comment", `(value.priv "x")`},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Setannotation(a[0], a[1], a[2]) }},
	{name: "Setquota", state: StateAuth, args: []string{"user.bob", "(STORAGE 512)"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Setquota(a[0], a[1]) }},
	{name: "Sort", state: StateSelected, args: []string{"(DATE)", "UTF-8", "ALL"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Sort(a[0], a[1], a[2]) }},
	{name: "Status", state: StateAuth, args: []string{"INBOX", "(MESSAGES)"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Status(a[0], a[1]) }},
	{name: "Store", state: StateSelected, args: []string{"1", "+FLAGS", `\Seen`},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Store(a[0], a[1], a[2]) }},
	{name: "Subscribe", state: StateAuth, args: []string{"Box"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Subscribe(a[0]) }},
	{name: "Thread", state: StateSelected, args: []string{"REFERENCES", "UTF-8", "ALL"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Thread(a[0], a[1], a[2]) }},
	{name: "Uid COPY", state: StateSelected, args: []string{"COPY", "1:2", "Dest"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2]) }},
	{name: "Uid EXPUNGE", state: StateSelected, args: []string{"EXPUNGE", "1:2"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1]) }},
	{name: "Uid FETCH", state: StateSelected, args: []string{"FETCH", "1:2", "(FLAGS)"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2]) }},
	{name: "Uid MOVE", state: StateSelected, args: []string{"MOVE", "1:2", "Dest"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2]) }},
	{name: "Uid SEARCH", state: StateSelected, args: []string{"SEARCH", "FROM", "bob"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2]) }},
	{name: "Uid SORT", state: StateSelected, args: []string{"SORT", "(DATE)", "UTF-8", "ALL"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2], a[3]) }},
	{name: "Uid STORE", state: StateSelected, args: []string{"STORE", "1", "+FLAGS", `\Seen`}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2], a[3]) }},
	{name: "Uid THREAD", state: StateSelected, args: []string{"THREAD", "REFERENCES", "UTF-8", "ALL"}, name0: true,
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Uid(a[0], a[1], a[2], a[3]) }},
	{name: "Unsubscribe", state: StateAuth, args: []string{"Box"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Unsubscribe(a[0]) }},
	{name: "Xatom", state: StateAuth, args: []string{"XFOO", "a", "b"},
		call: func(m *IMAP4, a []string) (string, []Datum, error) { return m.Xatom(a[0], a[1], a[2]) }},
}

// injectionPayloads are what a careless caller (or an attacker who controls
// part of an argument) might put into any string argument.
var injectionPayloads = []string{
	"\r",
	"\n",
	"\x00",
	"a\rb",
	"a\nb",
	"a\x00b",
	"\r\nX1 STORE 1:* +FLAGS (\\Deleted)",
	"INBOX\r\nX1 STORE 1:* +FLAGS (\\Deleted)",
	"x\"\r\nX1 STORE 1:* +FLAGS (\\Deleted)",
	"x\r\nX1 STORE 1:* +FLAGS (\\Deleted)\r\nX2 NOOP",
	`"unbalanced`,
	`a"b`,
	`"`,
	"(unbalanced",
	"unbalanced)",
	"((",
	")",
}

// injectionServer is a scripted server that records each command line (and
// nothing else: literals and AUTHENTICATE responses are read aside) and
// answers every command, so that a call either sends one line or none.
type injectionServer struct {
	mu     sync.Mutex
	lines  []string
	extras []string // AUTHENTICATE responses and literals, read aside
}

func (is *injectionServer) record(line string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.lines = append(is.lines, line)
}

func (is *injectionServer) Lines() []string {
	is.mu.Lock()
	defer is.mu.Unlock()
	return append([]string(nil), is.lines...)
}

func (is *injectionServer) Extras() []string {
	is.mu.Lock()
	defer is.mu.Unlock()
	return append([]string(nil), is.extras...)
}

// start runs the server on the fake server's connections.
func (is *injectionServer) start(t *testing.T) *fakeServer {
	return protoStartServer(t, nil, func(s *fakeServer) {
		s.OnConnect = func(c *fakeConn) bool {
			is.serve(c)
			return false
		}
	})
}

func (is *injectionServer) serve(c *fakeConn) {
	r := bufio.NewReader(c.Conn)
	w := func(s string) { _, _ = io.WriteString(c.Conn, s+"\r\n") }
	readAside := func() bool {
		l, err := r.ReadString('\n')
		is.mu.Lock()
		is.extras = append(is.extras, l)
		is.mu.Unlock()
		return err == nil
	}
	w("* OK [CAPABILITY IMAP4rev1 ENABLE AUTH=PLAIN AUTH=CRAM-MD5] injection test server ready")
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line := strings.TrimSuffix(l, "\r\n")
		is.record(line)
		tag, cmd, args := parseCommand(line)
		switch {
		case cmd == "LOGIN":
			if len(args) > 0 && args[0] == "setup" {
				w(tag + " OK LOGIN done")
			} else {
				w(tag + " NO [AUTHENTICATIONFAILED] refused")
			}
		case cmd == "AUTHENTICATE":
			if len(args) > 0 && args[0] == "CRAM-MD5" {
				w("+ PDEyMzQ1QGV4YW1wbGUub3JnPg==")
			} else {
				w("+ ")
			}
			if !readAside() {
				return
			}
			w(tag + " NO refused")
		case (cmd == "SELECT" || cmd == "EXAMINE") && len(args) > 0 && args[0] == "SETUP":
			w("* 2 EXISTS")
			w(tag + " OK [READ-WRITE] selected")
		case cmd == "SELECT" || cmd == "EXAMINE":
			w(tag + " NO no such mailbox")
		case strings.HasSuffix(line, "}"):
			i := strings.LastIndexByte(line, '{')
			n, err := strconv.Atoi(line[i+1 : len(line)-1])
			if i < 0 || err != nil {
				w(tag + " BAD bad literal")
				continue
			}
			w("+ go ahead")
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(r, buf); err != nil {
				return
			}
			is.mu.Lock()
			is.extras = append(is.extras, string(buf))
			is.mu.Unlock()
			w(tag + " OK APPEND done")
		case cmd == "CAPABILITY":
			w("* CAPABILITY IMAP4rev1 ENABLE AUTH=PLAIN AUTH=CRAM-MD5")
			w(tag + " OK CAPABILITY done")
		case cmd == "LOGOUT":
			w("* BYE bye")
			w(tag + " OK LOGOUT done")
			return
		default:
			w(tag + " OK " + cmd + " done")
		}
	}
}

// injectionTagNum returns the number of the tag of a command line.
func injectionTagNum(t *testing.T, line string) int {
	t.Helper()
	tag, _, _ := strings.Cut(line, " ")
	digits := strings.TrimLeft(tag, "ABCDEFGHIJKLMNOP")
	n, err := strconv.Atoi(digits)
	if err != nil || digits == tag {
		t.Fatalf("line %q has no client tag", line)
	}
	return n
}

// TestCommandInjection puts control characters, a CRLF followed by a whole
// command, an unbalanced quote and an unbalanced parenthesis into every
// string argument of every command method. The server must see exactly one
// command line per call, or none when the call returns an *ArgumentError,
// and the NOOP that follows must work with the next tag number: a refused
// command uses no tag and leaves nothing (such as an APPEND literal) behind.
func TestCommandInjection(t *testing.T) {
	for _, cmd := range injectionCommands {
		t.Run(cmd.name, func(t *testing.T) {
			is := &injectionServer{}
			s := is.start(t)
			m, err := New(s.host, s.port)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Shutdown()
			switch cmd.state {
			case StateAuth, StateSelected:
				if _, _, err := m.Login("setup", "pw"); err != nil {
					t.Fatal(err)
				}
				if cmd.state == StateSelected {
					if _, _, err := m.Select("SETUP", false); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, _, err := m.Noop(); err != nil {
				t.Fatal(err)
			}
			lastTag := injectionTagNum(t, is.Lines()[len(is.Lines())-1])
			calls, refused := 0, 0
			for pos := range cmd.args {
				for _, payload := range injectionPayloads {
					args := append([]string(nil), cmd.args...)
					args[pos] = payload
					before := len(is.Lines())
					_, _, err := cmd.call(m, args)
					sent := is.Lines()[before:]
					calls++
					switch len(sent) {
					case 0:
						refused++
						var ae *ArgumentError
						var e *Error
						if !errors.As(err, &ae) && !(cmd.nameArg(pos) && errors.As(err, &e)) {
							t.Errorf("%s(%q): nothing sent, but error %T %v (want *ArgumentError)", cmd.name, args, err, err)
						}
						if strings.ContainsAny(payload, "\x00\r\n") && !errors.As(err, &ae) && !cmd.nameArg(pos) {
							t.Errorf("%s(%q): NUL/CR/LF not refused with *ArgumentError: %v", cmd.name, args, err)
						}
					case 1:
						line := sent[0]
						if strings.ContainsAny(line, "\x00\r") {
							t.Errorf("%s(%q): command line %q holds NUL or CR", cmd.name, args, line)
						}
						if n := injectionTagNum(t, line); n != lastTag+1 {
							t.Errorf("%s(%q): tag number %d after %d", cmd.name, args, n, lastTag)
						}
						lastTag++
						var ae *ArgumentError
						if errors.As(err, &ae) {
							t.Errorf("%s(%q): *ArgumentError %v after a line was sent", cmd.name, args, err)
						}
					default:
						t.Errorf("%s(%q): server saw %d command lines: %q", cmd.name, args, len(sent), sent)
						lastTag += len(sent)
					}

					// The next command works and uses the next tag.
					before = len(is.Lines())
					typ, _, err := m.Noop()
					if err != nil || typ != "OK" {
						t.Fatalf("%s(%q): following NOOP = %s, %v", cmd.name, args, typ, err)
					}
					sent = is.Lines()[before:]
					if len(sent) != 1 {
						t.Fatalf("NOOP after %s(%q) sent %q", cmd.name, args, sent)
					}
					n := injectionTagNum(t, sent[0])
					tag, _, _ := strings.Cut(sent[0], " ")
					if sent[0] != tag+" NOOP" {
						t.Errorf("NOOP after %s(%q) went out as %q", cmd.name, args, sent[0])
					}
					if n != lastTag+1 {
						t.Errorf("NOOP after %s(%q) has tag number %d, want %d (a tag was consumed)", cmd.name, args, n, lastTag+1)
					}
					lastTag = n
					if got := m.State(); got != cmd.state {
						t.Fatalf("%s(%q) changed the state to %s", cmd.name, args, got)
					}
				}
			}
			// Nothing the client sent aside (literals, AUTHENTICATE
			// responses) holds a bare CR or LF or a second line.
			for _, x := range is.Extras() {
				body := strings.TrimSuffix(x, "\r\n")
				if !strings.HasPrefix(cmd.name, "Append") && strings.ContainsAny(body, "\x00\r\n") {
					t.Errorf("%s: data after a continuation %q", cmd.name, x)
				}
			}
			t.Logf("%d calls, %d refused before sending", calls, refused)
		})
	}
}

package imaplib

// Every command Dovecot implements, over every transport it offers: plain
// TCP, STARTTLS, implicit TLS (IMAP4_SSL) and Dovecot's imap binary on a
// pipe (IMAP4_stream, pre-authenticated). Each test works as users of its
// own (NewUser) and checks the data that comes back, not only "OK": the
// bytes of fetched messages, flags after STORE, EXPUNGE numbers, quota
// figures, ACL rights, SORT and THREAD orders, STATUS counts, and mailbox
// names with spaces, quotes, backslashes, % and *, and non-ASCII names,
// which Dovecot lists in modified UTF-7. What Dovecot lacks (PARTIAL,
// ANNOTATEMORE, PROXYAUTH, SETQUOTA for users) must fail as CPython reports
// it. The additions CPython 3.14.7 lacks (Move, ID, LoginPlain,
// AppendReader, FetchStream, Compress, Idle) run over every transport too.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dvTransport opens a connection to Dovecot, logged in as user.
type dvTransport struct {
	name string
	open func(t *testing.T, lab *dovecotLab, user, pass string) *IMAP4
}

const dvTimeout = 30 * time.Second

var dvTransports = []dvTransport{
	{"plain", func(t *testing.T, lab *dovecotLab, user, pass string) *IMAP4 {
		t.Helper()
		m := dvDial(t, lab)
		dvOK(t, "Login")(m.Login(user, pass))
		return m
	}},
	{"starttls", func(t *testing.T, lab *dovecotLab, user, pass string) *IMAP4 {
		t.Helper()
		m := dvDial(t, lab)
		if !slices.Contains(m.Capabilities(), "STARTTLS") {
			t.Fatalf("no STARTTLS before TLS: %v", m.Capabilities())
		}
		typ, data, err := m.Starttls(lab.TLSConfig())
		if err != nil || Repr(typ, data) != "('OK', [None])" {
			t.Fatalf("Starttls = %s, %v", Repr(typ, data), err)
		}
		if slices.Contains(m.Capabilities(), "STARTTLS") {
			t.Errorf("capabilities not asked for again over TLS: %v", m.Capabilities())
		}
		if _, _, err := m.Starttls(lab.TLSConfig()); err == nil || err.Error() != "TLS session already established" {
			t.Errorf("second Starttls: %v", err)
		}
		dvOK(t, "Login")(m.Login(user, pass))
		return m
	}},
	{"ssl", func(t *testing.T, lab *dovecotLab, user, pass string) *IMAP4 {
		t.Helper()
		m, err := IMAP4_SSL(lab.Host, lab.TLSPort, WithTLSConfig(lab.TLSConfig()), WithTimeout(dvTimeout))
		if err != nil {
			t.Fatalf("IMAP4_SSL: %v", err)
		}
		t.Cleanup(func() { m.Shutdown() })
		if m.State() != StateNonAuth || slices.Contains(m.Capabilities(), "STARTTLS") {
			t.Errorf("IMAP4_SSL: state %s, capabilities %v", m.State(), m.Capabilities())
		}
		dvOK(t, "Login")(m.Login(user, pass))
		return m
	}},
	{"stream", func(t *testing.T, lab *dovecotLab, user, _ string) *IMAP4 {
		t.Helper()
		m, err := IMAP4_stream(lab.StreamCommand(user), WithTimeout(dvTimeout))
		if err != nil {
			t.Fatalf("IMAP4_stream: %v", err)
		}
		t.Cleanup(func() { m.Shutdown() })
		if m.State() != StateAuth || !bytes.HasPrefix(m.Welcome(), []byte("* PREAUTH ")) {
			t.Fatalf("IMAP4_stream: state %s, welcome %q", m.State(), m.Welcome())
		}
		if m.Socket() != nil {
			t.Error("IMAP4_stream: Socket() is not nil")
		}
		return m
	}},
}

// dvDial connects over plain TCP; the connection is shut down when the
// test ends, in case it did not log out.
func dvDial(t *testing.T, lab *dovecotLab) *IMAP4 {
	t.Helper()
	m, err := New(lab.Host, lab.Port, WithTimeout(dvTimeout))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	if m.State() != StateNonAuth || m.ProtocolVersion() != "IMAP4REV1" {
		t.Fatalf("after the greeting: state %s, version %s", m.State(), m.ProtocolVersion())
	}
	return m
}

// dvOK returns a function that fails the test unless a command answered OK
// and returns its data: dvOK(t, "Select")(m.Select(...)).
func dvOK(t *testing.T, what string) func(string, []Datum, error) []Datum {
	return func(typ string, data []Datum, err error) []Datum {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if typ != "OK" {
			t.Fatalf("%s: %s", what, Repr(typ, data))
		}
		return data
	}
}

// dvWant fails the test unless a command gave exactly want (Python's repr,
// with Dovecot's timing replaced by <T>).
func dvWant(t *testing.T, what, want string) func(string, []Datum, error) {
	return func(typ string, data []Datum, err error) {
		t.Helper()
		got := ""
		if err != nil {
			got = excLine(err)
		} else {
			got = Repr(typ, data)
		}
		got = reTiming.ReplaceAllString(got, "(<T> secs)")
		if got != want {
			t.Errorf("%s:\n  got  %s\n  want %s", what, got, want)
		}
	}
}

// dvBytes joins the KindBytes data, for comparing simple answers.
func dvBytes(data []Datum) string {
	var parts []string
	for _, d := range data {
		parts = append(parts, string(d.Bytes))
	}
	return strings.Join(parts, "|")
}

// dvUTF7 is a name as Dovecot lists it: modified UTF-7.
func dvUTF7(t *testing.T, name string) string {
	t.Helper()
	s, err := ModifiedUTF7.NewEncoder().String(name)
	if err != nil {
		t.Fatalf("encoding %q: %v", name, err)
	}
	return s
}

// dvListed parses the data of LIST or LSUB into mailbox names as sent (in
// modified UTF-7) and decoded, in the order listed.
func dvListed(t *testing.T, data []Datum) (raw, decoded []string) {
	t.Helper()
	for i := 0; i < len(data); i++ {
		d := data[i]
		var name string
		switch d.Kind {
		case KindNone:
			continue
		case KindTuple: // the name came as a literal; an empty trailer follows
			name = string(d.Literal)
			i++
		default:
			var err error
			if name, err = dvListName(d.Bytes); err != nil {
				t.Fatalf("LIST line %q: %v", d.Bytes, err)
			}
		}
		dec, err := ModifiedUTF7.NewDecoder().String(name)
		if err != nil {
			t.Errorf("LIST name %q is not modified UTF-7: %v", name, err)
			dec = name
		}
		raw = append(raw, name)
		decoded = append(decoded, dec)
	}
	return raw, decoded
}

// dvListName returns the mailbox of a LIST line: (attributes) delimiter name.
func dvListName(line []byte) (string, error) {
	s := string(line)
	end := strings.IndexByte(s, ')')
	if !strings.HasPrefix(s, "(") || end < 0 {
		return "", errors.New("no attribute list")
	}
	s = strings.TrimPrefix(s[end+1:], " ")
	_, rest, err := dvAstring(s) // the delimiter
	if err != nil {
		return "", err
	}
	name, rest, err := dvAstring(strings.TrimPrefix(rest, " "))
	if err != nil {
		return "", err
	}
	if rest != "" {
		return "", fmt.Errorf("trailing %q", rest)
	}
	return name, nil
}

// dvAstring reads an atom, NIL or a quoted string from the start of s.
func dvAstring(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return s, "", nil
		}
		return s[:i], s[i:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) {
				return "", "", errors.New("unterminated quoted string")
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", errors.New("unterminated quoted string")
}

var reStatusItems = regexp.MustCompile(`\(([A-Z0-9 -]*)\)\s*$`)

// dvStatus parses a STATUS answer into its items.
func dvStatus(t *testing.T, data []Datum) map[string]int64 {
	t.Helper()
	if len(data) != 1 {
		t.Fatalf("STATUS data %s", Repr("OK", data))
	}
	m := reStatusItems.FindStringSubmatch(string(data[0].Bytes))
	if m == nil {
		t.Fatalf("STATUS data %q", data[0].Bytes)
	}
	f := strings.Fields(m[1])
	out := map[string]int64{}
	for i := 0; i+1 < len(f); i += 2 {
		n, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			t.Fatalf("STATUS data %q: %v", data[0].Bytes, err)
		}
		out[f[i]] = n
	}
	return out
}

// dvFlags parses FETCH (FLAGS) data into the flags of each message number,
// \Recent left out.
func dvFlags(t *testing.T, data []Datum) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, d := range data {
		if d.Kind != KindBytes {
			continue
		}
		num, _, _ := strings.Cut(string(d.Bytes), " ")
		n, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("FETCH data %q", d.Bytes)
		}
		var flags []string
		for _, f := range ParseFlags(d.Bytes) {
			if string(f) != `\Recent` {
				flags = append(flags, string(f))
			}
		}
		sort.Strings(flags)
		out[n] = strings.Join(flags, " ")
	}
	return out
}

// dvLiterals returns the literals of FETCH data, in order.
func dvLiterals(data []Datum) [][]byte {
	var out [][]byte
	for _, d := range data {
		if d.Kind == KindTuple {
			out = append(out, d.Literal)
		}
	}
	return out
}

// dvMailboxNames are the names every transport creates, lists, selects,
// renames and deletes.
var dvMailboxNames = []string{
	"Plain",
	"With Space",
	`Quote"d`,
	`Back\slash`,
	"100% sure",
	"Star*Name",
	"(Paren) [Bracket] {Brace}",
	"Entwürfe",
	"Входящие",
	"A&B",
	"Ünï & Çødé mit Space",
	"日本語",
}

// TestDovecotTransports runs every command Dovecot implements over each
// transport, as a fresh user each.
func TestDovecotTransports(t *testing.T) {
	t.Parallel()
	lab := needDovecot(t)
	for _, tr := range dvTransports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			user, pass := lab.NewUser(t)
			user2, _ := lab.NewUser(t)
			m := tr.open(t, lab, user, pass)
			dvSession(t, m)
			t.Run("mailboxes", func(t *testing.T) { dvMailboxes(t, m) })
			t.Run("messages", func(t *testing.T) { dvMessages(t, m) })
			t.Run("sort-thread", func(t *testing.T) { dvSortThread(t, m) })
			t.Run("quota", func(t *testing.T) { dvQuota(t, m) })
			t.Run("acl", func(t *testing.T) { dvACL(t, m, user, user2) })
			t.Run("unsupported", func(t *testing.T) { dvUnsupported(t, m) })
			t.Run("extensions", func(t *testing.T) { dvExtensions(t, m) })
			t.Run("idle", func(t *testing.T) { dvIdle(t, lab, m, user, pass) })
			t.Run("go-additions", func(t *testing.T) { dvAdditions(t, m) })
			t.Run("compress", func(t *testing.T) { dvCompress(t, m) })
			typ, data, err := m.Logout()
			if err != nil || Repr(typ, data) != "('BYE', [b'Logging out'])" {
				t.Errorf("Logout = %s, %v", Repr(typ, data), err)
			}
			if m.State() != StateLogout {
				t.Errorf("state after Logout: %s", m.State())
			}
		})
	}
}

// dvSession checks the state and the capabilities after login.
func dvSession(t *testing.T, m *IMAP4) {
	t.Helper()
	if m.State() != StateAuth {
		t.Fatalf("state %s after login", m.State())
	}
	caps := m.Capabilities()
	for _, c := range []string{"IMAP4REV1", "QUOTA", "ACL", "SORT", "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT", "UIDPLUS", "MOVE", "IDLE", "ENABLE", "METADATA", "NAMESPACE", "UNSELECT"} {
		if !slices.Contains(caps, c) {
			t.Errorf("capability %s missing after login: %v", c, caps)
		}
	}
	// The CAPABILITY that came with LOGIN's OK stays in the store (CPython
	// with gh-155775), so the command's own answer is the last one.
	data := dvOK(t, "Capability")(m.Capability())
	if last := data[len(data)-1].Bytes; !bytes.HasPrefix(last, []byte("IMAP4rev1 ")) || !bytes.Contains(last, []byte(" QUOTA ")) {
		t.Errorf("Capability = %s", Repr("OK", data))
	}
	dvWant(t, "Namespace", `('OK', [b'(("" "/")) NIL NIL'])`)(m.Namespace())
	dvWant(t, "Noop", "('OK', [b'NOOP completed (<T> secs).'])")(m.Noop())
	dvWant(t, "Check in AUTH", "EXC error: command CHECK illegal in state AUTH, only allowed in states SELECTED")(m.Check())
}

// dvMailboxes creates, lists, subscribes, selects, renames and deletes
// mailboxes with hard names: each must come back from LIST in modified
// UTF-7 and decode to the name given.
func dvMailboxes(t *testing.T, m *IMAP4) {
	for _, name := range dvMailboxNames {
		dvOK(t, "Create "+name)(m.Create(name))
	}
	dvWant(t, "Create existing", "('NO', [b'[ALREADYEXISTS] Mailbox already exists (<T> secs).'])")(m.Create("With Space"))
	dvWant(t, "Create empty", "('NO', [b'[CANNOT] Invalid mailbox name: Name is empty (<T> secs).'])")(m.Create(""))

	raw, decoded := dvListed(t, dvOK(t, "List")(m.List("", "*")))
	for _, name := range dvMailboxNames {
		i := slices.Index(decoded, name)
		if i < 0 {
			t.Errorf("List: %q missing from %q", name, decoded)
			continue
		}
		if want := dvUTF7(t, name); raw[i] != want {
			t.Errorf("List: %q listed as %q, want %q", name, raw[i], want)
		}
	}
	if !slices.Contains(decoded, "INBOX") {
		t.Errorf("List: no INBOX in %q", decoded)
	}
	// Patterns: * and % are wildcards, also next to literal * and %.
	_, got := dvListed(t, dvOK(t, "List Star*")(m.List("", "Star*")))
	if !slices.Equal(got, []string{"Star*Name"}) {
		t.Errorf("List Star* = %q", got)
	}
	_, got = dvListed(t, dvOK(t, "List %")(m.List("", "100% sure")))
	if !slices.Equal(got, []string{"100% sure"}) {
		t.Errorf("List 100%% sure = %q", got)
	}
	_, got = dvListed(t, dvOK(t, "List non-ASCII")(m.List("", "Entwürfe")))
	if !slices.Equal(got, []string{"Entwürfe"}) {
		t.Errorf("List Entwürfe = %q", got)
	}
	dvWant(t, "List nothing", "('OK', [None])")(m.List("", "no such mailbox*"))

	for _, name := range dvMailboxNames {
		if data := dvOK(t, "Select "+name)(m.Select(name, false)); dvBytes(data) != "0" {
			t.Errorf("Select %q = %s", name, Repr("OK", data))
		}
		dvOK(t, "Append "+name)(m.Append(name, "", nil, []byte("Subject: in "+dvUTF7(t, name)+"\r\n\r\nhello\r\n")))
		st := dvStatus(t, dvOK(t, "Status "+name)(m.Status(name, "(MESSAGES UNSEEN UIDNEXT)")))
		if st["MESSAGES"] != 1 || st["UNSEEN"] != 1 || st["UIDNEXT"] != 2 {
			t.Errorf("Status %q = %v", name, st)
		}
		dvOK(t, "Subscribe "+name)(m.Subscribe(name))
	}
	dvOK(t, "Unselect")(m.Unselect())
	_, subscribed := dvListed(t, dvOK(t, "Lsub")(m.Lsub("", "*")))
	slices.Sort(subscribed)
	want := slices.Clone(dvMailboxNames)
	slices.Sort(want)
	if !slices.Equal(subscribed, want) {
		t.Errorf("Lsub = %q, want %q", subscribed, want)
	}
	for _, name := range dvMailboxNames[:4] {
		dvOK(t, "Unsubscribe "+name)(m.Unsubscribe(name))
	}
	_, subscribed = dvListed(t, dvOK(t, "Lsub")(m.Lsub("", "*")))
	if len(subscribed) != len(dvMailboxNames)-4 || slices.Contains(subscribed, dvMailboxNames[0]) {
		t.Errorf("Lsub after Unsubscribe = %q", subscribed)
	}

	for _, name := range dvMailboxNames {
		dvOK(t, "Rename "+name)(m.Rename(name, name+" (old)"))
	}
	_, decoded = dvListed(t, dvOK(t, "List")(m.List("", "*")))
	for _, name := range dvMailboxNames {
		if !slices.Contains(decoded, name+" (old)") || slices.Contains(decoded, name) {
			t.Errorf("after Rename, List = %q", decoded)
			break
		}
	}
	dvWant(t, "Rename missing", "('NO', [b\"[NONEXISTENT] Mailbox doesn't exist: Nonexistent (<T> secs).\"])")(m.Rename("Nonexistent", "Other"))
	for _, name := range dvMailboxNames {
		dvOK(t, "Delete "+name)(m.Delete(name + " (old)"))
	}
	_, decoded = dvListed(t, dvOK(t, "List")(m.List("", "*")))
	if !slices.Equal(decoded, []string{"INBOX"}) {
		t.Errorf("after Delete, List = %q", decoded)
	}
	dvWant(t, "Delete INBOX", "('NO', [b\"INBOX can't be deleted (<T> secs).\"])")(m.Delete("INBOX"))
	dvWant(t, "Select missing", "('NO', [b\"Mailbox doesn't exist: Nonexistent (<T> secs).\"])")(m.Select("Nonexistent", false))
	if m.State() != StateAuth {
		t.Errorf("state after a failed Select: %s", m.State())
	}
}

// dvMsgs are appended and fetched back; their bytes on the server are the
// message with every bare CR or LF made CRLF.
var dvMsgs = []struct {
	msg   string
	flags string
	date  time.Time
}{
	{"From: Alice <alice@example.org>\r\nSubject: one\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n\r\nfirst {5}\r\n) \"quoted\" \\ body\r\n", `\Seen`, time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)},
	{"From: Bob <bob@example.org>\nSubject: two\nDate: Tue, 02 Jan 2024 10:00:00 +0100\n\nbare LF\nlines\rand a bare CR\n", "", time.Date(2024, 1, 2, 10, 0, 0, 0, time.FixedZone("", 3600))},
	{"From: Dora <dora@example.org>\r\nSubject: =?utf-8?q?three_Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln, 日本語\r\n", `\Draft`, time.Date(2024, 1, 3, 23, 59, 59, 0, time.FixedZone("", -8*3600))},
}

// dvMessages appends, searches, fetches, stores, copies, moves and expunges
// messages, checking what each returns.
func dvMessages(t *testing.T, m *IMAP4) {
	dvOK(t, "Create")(m.Create("Other Box"))
	for i, msg := range dvMsgs {
		data := dvOK(t, "Append")(m.Append("INBOX", msg.flags, msg.date, []byte(msg.msg)))
		if want := fmt.Sprintf(" %d] Append completed", i+1); !strings.HasPrefix(dvBytes(data), "[APPENDUID ") || !strings.Contains(dvBytes(data), want) {
			t.Errorf("Append %d = %s", i+1, Repr("OK", data))
		}
	}
	// Arguments the server refuses with BAD: the literal, which holds a
	// command line, must not reach the server (Dovecot 2.3 would run it).
	inject := []byte("Subject: x\r\n\r\nX1 DELETE \"Other Box\"\r\n")
	dvWant(t, "Append with bad flags", "EXC error: APPEND command error: BAD [b'Error in IMAP command APPEND: Invalid characters in atom (<T> secs).']")(m.Append("INBOX", `\Bogus(x`, nil, inject))
	dvWant(t, "Append with a bad date", "EXC error: APPEND command error: BAD [b'Error in IMAP command APPEND: Invalid internal date (<T> secs).']")(m.Append("INBOX", "", `"not a date"`, inject))
	dvWant(t, "Noop after BAD", "('OK', [b'NOOP completed (<T> secs).'])")(m.Noop())
	dvOK(t, "Status of the mailbox the literal names")(m.Status("Other Box", "(MESSAGES)"))
	dvWant(t, "Append to a missing mailbox", "('NO', [b\"[TRYCREATE] Mailbox doesn't exist: Nonexistent (<T> secs).\"])")(m.Append("Nonexistent", "", nil, []byte("Subject: x\r\n\r\ny\r\n")))

	if data := dvOK(t, "Select")(m.Select("", false)); dvBytes(data) != "3" {
		t.Fatalf("Select = %s", Repr("OK", data))
	}
	if typ, data := m.Response("EXISTS"); Repr(typ, data) != "('EXISTS', [b'3'])" {
		t.Errorf("Response(EXISTS) = %s", Repr(typ, data))
	}
	if typ, data := m.Response("FLAGS"); !strings.Contains(Repr(typ, data), `\\Draft`) {
		t.Errorf("Response(FLAGS) = %s", Repr(typ, data))
	}
	if _, data := m.Response("UIDVALIDITY"); len(data) != 1 || data[0].Kind != KindBytes {
		t.Errorf("Response(UIDVALIDITY) = %s", Repr("UIDVALIDITY", data))
	}
	dvWant(t, "Recent", "('OK', [b'3'])")(m.Recent())

	dvWant(t, "Search ALL", "('OK', [b'1 2 3'])")(m.Search("", "ALL"))
	dvWant(t, "Search SEEN", "('OK', [b'1'])")(m.Search("", "SEEN"))
	dvWant(t, "Search UNSEEN", "('OK', [b'2 3'])")(m.Search("", "UNSEEN"))
	dvWant(t, "Search SUBJECT", "('OK', [b'2'])")(m.Search("UTF-8", "SUBJECT", "two"))
	dvWant(t, "Search non-ASCII", "('OK', [b'3'])")(m.Search("UTF-8", "BODY", `"Köln"`))
	dvWant(t, "Search nothing", "('OK', [b''])")(m.Search("", "SUBJECT", `"no such subject"`))
	dvWant(t, "Search BAD", "EXC error: SEARCH command error: BAD [b'Error in IMAP command SEARCH: Unknown argument BOGUS (<T> secs).']")(m.Search("", "BOGUS"))

	for i, msg := range dvMsgs {
		num := strconv.Itoa(i + 1)
		want := normalizeCRLF([]byte(msg.msg))
		lits := dvLiterals(dvOK(t, "Fetch RFC822")(m.Fetch(num, "(RFC822)")))
		if len(lits) != 1 || !bytes.Equal(lits[0], want) {
			t.Errorf("message %d fetched as %q, want %q", i+1, lits, want)
		}
		lits = dvLiterals(dvOK(t, "Fetch BODY.PEEK[]")(m.Uid("FETCH", num, "BODY.PEEK[]")))
		if len(lits) != 1 || !bytes.Equal(lits[0], want) {
			t.Errorf("UID FETCH %d BODY.PEEK[] = %q, want %q", i+1, lits, want)
		}
		data := dvOK(t, "Fetch size and date")(m.Fetch(num, "(RFC822.SIZE INTERNALDATE)"))
		if !strings.Contains(dvBytes(data), fmt.Sprintf("RFC822.SIZE %d", len(want))) {
			t.Errorf("RFC822.SIZE of %d: %s, want %d", i+1, Repr("OK", data), len(want))
		}
		if d, err := Internaldate2tuple(data[0].Bytes); err != nil || !d.Equal(msg.date) {
			t.Errorf("INTERNALDATE of %d: %v (%v), want %v", i+1, d, err, msg.date)
		}
	}
	head := dvLiterals(dvOK(t, "Fetch header fields")(m.Fetch("1:2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])")))
	if len(head) != 4 || string(head[0]) != "Subject: one\r\n\r\n" || string(head[1]) != "first {5}\r\n) \"quoted\" \\ body\r\n" ||
		string(head[2]) != "Subject: two\r\n\r\n" || string(head[3]) != "bare LF\r\nlines\r\nand a bare CR\r\n" {
		t.Errorf("two literals per message: %q", head)
	}
	dvWant(t, "Fetch a missing message", "EXC error: FETCH command error: BAD [b'Error in IMAP command FETCH: Invalid messageset (<T> secs).']")(m.Fetch("99", "(FLAGS)"))

	// Flags after STORE, as the server reports them and as FETCH sees them
	// (fetching RFC822 above set \Seen on every message).
	dvWant(t, "Search UNSEEN after RFC822", "('OK', [b''])")(m.Search("", "UNSEEN"))
	data := dvOK(t, "Store +FLAGS")(m.Store("1:2", "+FLAGS", `\Flagged $Custom`))
	if got := dvFlags(t, data); got[1] != `$Custom \Flagged \Seen` || got[2] != `$Custom \Flagged \Seen` {
		t.Errorf("Store +FLAGS returned %v", got)
	}
	dvOK(t, "Store -FLAGS")(m.Store("1", "-FLAGS", `(\Seen)`))
	dvWant(t, "Store .SILENT", "('OK', [None])")(m.Store("3", "FLAGS.SILENT", `\Answered`))
	if got := dvFlags(t, dvOK(t, "Fetch FLAGS")(m.Fetch("1:*", "(FLAGS)"))); got[1] != `$Custom \Flagged` || got[2] != `$Custom \Flagged \Seen` || got[3] != `\Answered` {
		t.Errorf("flags after STORE: %v", got)
	}
	dvWant(t, "Store BAD", "EXC error: STORE command error: BAD [b'Error in IMAP command STORE: Invalid arguments (<T> secs).']")(m.Store("1", "BOGUS", "(x)"))

	// COPY, UID COPY and UID MOVE, counted with STATUS.
	if data := dvOK(t, "Copy")(m.Copy("1:2", "Other Box")); !strings.HasPrefix(dvBytes(data), "[COPYUID ") || !strings.Contains(dvBytes(data), " 1:2 1:2] ") {
		t.Errorf("Copy = %s", Repr("OK", data))
	}
	dvWant(t, "Copy to a missing mailbox", "('NO', [b\"[TRYCREATE] Mailbox doesn't exist: Nonexistent (<T> secs).\"])")(m.Copy("1", "Nonexistent"))
	dvWant(t, "Uid SEARCH", "('OK', [b'1 2 3'])")(m.Uid("SEARCH", "ALL"))
	dvWant(t, "Uid COPY", "('OK', [None])")(m.Uid("COPY", "3", "Other Box"))
	dvWant(t, "Uid MOVE", "('OK', [None])")(m.Uid("MOVE", "2", "Other Box"))
	if typ, data := m.Response("EXPUNGE"); Repr(typ, data) != "('EXPUNGE', [b'2'])" {
		t.Errorf("UID MOVE left EXPUNGE %s", Repr(typ, data))
	}
	st := dvStatus(t, dvOK(t, "Status")(m.Status("Other Box", "(MESSAGES RECENT UNSEEN UIDNEXT)")))
	// Copied: 1 ($Custom \Flagged), 2 (... \Seen), 3 (\Answered); moved: 2.
	if st["MESSAGES"] != 4 || st["RECENT"] != 4 || st["UNSEEN"] != 2 || st["UIDNEXT"] != 5 {
		t.Errorf("Status after copies = %v", st)
	}
	dvWant(t, "Uid STORE", `('OK', [b'2 (UID 3 FLAGS (\\Answered \\Deleted \\Recent))'])`)(m.Uid("STORE", "3", "+FLAGS", `\Deleted`))

	// EXPUNGE returns the message numbers, each valid when it was sent.
	dvOK(t, "Store")(m.Store("1", "+FLAGS", `\Deleted`))
	data = dvOK(t, "Expunge")(m.Expunge())
	if got := dvBytes(data); got != "1|1" && got != "2|1" {
		t.Errorf("Expunge = %s, want the numbers of messages 1 and 2", Repr("OK", data))
	}
	dvWant(t, "Search after Expunge", "('OK', [b''])")(m.Search("", "ALL"))
	dvWant(t, "Expunge nothing", "('OK', [None])")(m.Expunge())
	dvOK(t, "Check")(m.Check())

	// EXAMINE: read-only, then CLOSE; and UNSELECT.
	if data := dvOK(t, "Examine")(m.Select("Other Box", true)); dvBytes(data) != "4" || !m.IsReadonly() {
		t.Errorf("Examine = %s, readonly %v", Repr("OK", data), m.IsReadonly())
	}
	lits := dvLiterals(dvOK(t, "Fetch")(m.Fetch("1:4", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")))
	var subjects []string
	for _, l := range lits {
		subjects = append(subjects, strings.TrimSpace(string(l)))
	}
	if strings.Join(subjects, "|") != "Subject: one|Subject: two|Subject: =?utf-8?q?three_Gr=C3=BC=C3=9Fe?=|Subject: two" {
		t.Errorf("Other Box holds %q", subjects)
	}
	dvOK(t, "Close")(m.Close())
	if m.State() != StateAuth {
		t.Errorf("state after Close: %s", m.State())
	}
	dvOK(t, "Select")(m.Select("Other Box", false))
	dvOK(t, "Unselect")(m.Unselect())
	if m.State() != StateAuth {
		t.Errorf("state after Unselect: %s", m.State())
	}
	dvOK(t, "Delete")(m.Delete("Other Box"))
}

// dvThreadMsgs have crafted Date, Subject and References headers.
func dvThreadMsgs() []string {
	mk := func(i int, from, subj, date, refs string) string {
		h := fmt.Sprintf("From: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <t%d@lab>\r\n", from, subj, date, i)
		if refs != "" {
			f := strings.Fields(refs)
			h += "In-Reply-To: " + f[len(f)-1] + "\r\nReferences: " + refs + "\r\n"
		}
		return h + fmt.Sprintf("\r\nbody %d\r\n", i)
	}
	return []string{
		mk(1, "carol@example.org", "b topic", "Wed, 03 Jan 2024 10:00:00 +0000", ""),
		mk(2, "bob@example.org", "Re: b topic", "Mon, 01 Jan 2024 10:00:00 +0000", "<t1@lab>"),
		mk(3, "dave@example.org", "a topic", "Tue, 02 Jan 2024 10:00:00 +0000", ""),
		mk(4, "alice@example.org", "Re: Re: b topic", "Thu, 04 Jan 2024 10:00:00 +0000", "<t1@lab> <t2@lab>"),
		mk(5, "zed@example.org", "c", "Fri, 05 Jan 2024 10:00:00 +0000", ""),
		mk(6, "erin@example.org", "Fwd: a topic", "Sat, 06 Jan 2024 10:00:00 +0000", "<t3@lab>"),
	}
}

// dvSortThread checks SORT and THREAD orders on crafted headers.
func dvSortThread(t *testing.T, m *IMAP4) {
	dvOK(t, "Create")(m.Create("Threads"))
	for i, msg := range dvThreadMsgs() {
		// Arrival dates run backwards, so ARRIVAL differs from DATE.
		date := time.Date(2024, 2, 10-i, 10, 0, 0, 0, time.UTC)
		dvOK(t, "Append")(m.Append("Threads", "", date, []byte(msg)))
	}
	dvOK(t, "Select")(m.Select("Threads", false))
	for _, c := range []struct{ criteria, charset, search, want string }{
		{"(DATE)", "UTF-8", "ALL", "2 3 1 4 5 6"},
		{"REVERSE DATE", "UTF-8", "ALL", "6 5 4 1 3 2"},
		{"(SUBJECT)", "UTF-8", "ALL", "3 6 1 2 4 5"},
		{"ARRIVAL", "US-ASCII", "ALL", "6 5 4 3 2 1"},
		{"(FROM REVERSE DATE)", "UTF-8", "ALL", "4 2 1 3 6 5"},
		{"(DATE)", "UTF-8", `SUBJECT "b topic"`, "2 1 4"},
		{"(DATE)", "UTF-8", "SUBJECT nomatch", ""},
	} {
		dvWant(t, "Sort "+c.criteria+" "+c.search, "('OK', [b'"+c.want+"'])")(m.Sort(c.criteria, c.charset, strings.Fields(c.search)...))
	}
	dvWant(t, "Uid SORT", "('OK', [b'6 5 4 3 2 1'])")(m.Uid("SORT", "ARRIVAL", "UTF-8", "ALL"))
	dvWant(t, "Sort BAD", "EXC error: SORT command error: BAD [b'Error in IMAP command SORT: Unknown sort argument: BOGUS (<T> secs).']")(m.Sort("BOGUS", "UTF-8", "ALL"))
	for _, c := range []struct{ algorithm, search, want string }{
		{"REFERENCES", "ALL", "(3 6)(1 2 4)(5)"},
		{"ORDEREDSUBJECT", "ALL", "(2 (1)(4))(3 6)(5)"},
		{"REFS", "ALL", "(1 2 4)(5)(3 6)"},
		{"REFERENCES", "SUBJECT topic", "(3 6)(1 2 4)"},
	} {
		dvWant(t, "Thread "+c.algorithm+" "+c.search, "('OK', [b'"+c.want+"'])")(m.Thread(c.algorithm, "UTF-8", strings.Fields(c.search)...))
	}
	dvWant(t, "Uid THREAD", "('OK', [b'(3 6)(1 2 4)(5)'])")(m.Uid("THREAD", "REFERENCES", "UTF-8", "ALL"))
	dvWant(t, "Thread BAD", "EXC error: THREAD command error: BAD [b'Error in IMAP command THREAD: Unknown thread algorithm (<T> secs).']")(m.Thread("BOGUS", "UTF-8", "ALL"))
	dvOK(t, "Close")(m.Close())
	dvOK(t, "Delete")(m.Delete("Threads"))
}

var reQuota = regexp.MustCompile(`^"User quota" \(STORAGE (\d+) (\d+)\)$`)

// dvStorage returns the STORAGE usage and limit of a QUOTA response.
func dvStorage(t *testing.T, data []Datum) (used, limit int64) {
	t.Helper()
	if len(data) != 1 {
		t.Fatalf("QUOTA data %s", Repr("OK", data))
	}
	m := reQuota.FindSubmatch(data[0].Bytes)
	if m == nil {
		t.Fatalf("QUOTA data %q", data[0].Bytes)
	}
	used, _ = strconv.ParseInt(string(m[1]), 10, 64)
	limit, _ = strconv.ParseInt(string(m[2]), 10, 64)
	return used, limit
}

// dvQuota checks the quota figures before and after a 20 KiB message.
func dvQuota(t *testing.T, m *IMAP4) {
	typ, lists, err := m.Getquotaroot("INBOX")
	if err != nil || typ != "OK" || len(lists) != 2 || dvBytes(lists[0]) != `INBOX "User quota"` {
		t.Fatalf("Getquotaroot = %s, %v", ReprLists(typ, lists), err)
	}
	used0, limit := dvStorage(t, lists[1])
	if limit != 10*1024*1024 {
		t.Errorf("quota limit %d KiB, want 10 GiB", limit)
	}
	body := strings.Repeat(strings.Repeat("x", 1022)+"\r\n", 20) // 20480 bytes with the header below
	msg := "Subject: 20 KiB\r\n\r\n" + body[len("Subject: 20 KiB\r\n\r\n"):]
	if len(msg) != 20480 {
		t.Fatalf("message of %d bytes", len(msg))
	}
	dvOK(t, "Append")(m.Append("INBOX", "", nil, []byte(msg)))
	used1, _ := dvStorage(t, dvOK(t, "Getquota")(m.Getquota(`"User quota"`)))
	if used1-used0 != 20 {
		t.Errorf("quota usage went from %d to %d KiB after a 20 KiB message", used0, used1)
	}
	used2, _ := dvStorage(t, dvOK(t, "Getquota")(m.Getquota("User quota")))
	if used2 != used1 {
		t.Errorf("Getquota(User quota) = %d, Getquota(\"User quota\") = %d", used2, used1)
	}
	// As CPython: a NO is returned, not raised.
	dvWant(t, "Setquota", "('NO', [b'Quota can be changed only by admin (<T> secs).'])")(m.Setquota("User quota", "STORAGE 100"))
	dvWant(t, "Getquota unknown root", "('NO', [b\"Quota root doesn't exist (<T> secs).\"])")(m.Getquota("nonexistent"))
	typ, lists, err = m.Getquotaroot("Nonexistent")
	if err != nil || typ != "OK" || dvBytes(lists[0]) != `Nonexistent "User quota"` {
		t.Errorf("Getquotaroot(Nonexistent) = %s, %v", ReprLists(typ, lists), err)
	}
}

// dvACL sets, reads and deletes the rights of a second user.
func dvACL(t *testing.T, m *IMAP4, user, user2 string) {
	const box = "Shared Box"
	dvOK(t, "Create")(m.Create(box))
	all := "lrwstipekxacd"
	dvWant(t, "Myrights", `('OK', [b'"Shared Box" `+all+`'])`)(m.Myrights(box))
	dvWant(t, "Getacl", `('OK', [b'"Shared Box" `+user+` `+all+`'])`)(m.Getacl(box))
	dvOK(t, "Setacl")(m.Setacl(box, user2, "lr"))
	dvWant(t, "Getacl after Setacl", `('OK', [b'"Shared Box" `+user2+` lr `+user+` `+all+`'])`)(m.Getacl(box))
	dvOK(t, "Setacl +w")(m.Setacl(box, user2, "+w"))
	dvWant(t, "Getacl after Setacl +", `('OK', [b'"Shared Box" `+user2+` lrw `+user+` `+all+`'])`)(m.Getacl(box))
	dvOK(t, "Setacl -r")(m.Setacl(box, user2, "-r"))
	dvWant(t, "Getacl after Setacl -", `('OK', [b'"Shared Box" `+user2+` lw `+user+` `+all+`'])`)(m.Getacl(box))
	dvOK(t, "Deleteacl")(m.Deleteacl(box, user2))
	dvWant(t, "Getacl after Deleteacl", `('OK', [b'"Shared Box" `+user+` `+all+`'])`)(m.Getacl(box))
	dvWant(t, "Setacl bad right", "EXC error: SETACL command error: BAD [b'Error in IMAP command SETACL: Invalid ACL right: y (<T> secs).']")(m.Setacl(box, user2, "xyz"))
	dvWant(t, "Getacl missing", "('NO', [b\"[NONEXISTENT] Mailbox doesn't exist: Nonexistent (<T> secs).\"])")(m.Getacl("Nonexistent"))
	dvWant(t, "Myrights INBOX", "('OK', [b'INBOX "+all+"'])")(m.Myrights("INBOX"))
	dvOK(t, "Delete")(m.Delete(box))
}

// dvUnsupported checks that what Dovecot lacks fails as CPython reports it:
// BAD raises error with CPython's text, NO is returned.
func dvUnsupported(t *testing.T, m *IMAP4) {
	for _, c := range []struct {
		name string
		run  func() (string, []Datum, error)
	}{
		{"PROXYAUTH", func() (string, []Datum, error) { return m.Proxyauth("someone") }},
		{"GETANNOTATION", func() (string, []Datum, error) { return m.Getannotation("INBOX", `"/comment"`, `"value.shared"`) }},
		{"SETANNOTATION", func() (string, []Datum, error) {
			return m.Setannotation("INBOX", `"/comment"`, `("value.shared" "x")`)
		}},
	} {
		typ, data, err := c.run()
		var e *Error
		var ab *AbortError
		if !errors.As(err, &e) || errors.As(err, &ab) {
			t.Errorf("%s = %s, %v; want an *Error", c.name, Repr(typ, data), err)
			continue
		}
		want := c.name + " command error: BAD [b'Error in IMAP command " + c.name + ": Unknown command (<T> secs).']"
		if got := reTiming.ReplaceAllString(e.Msg, "(<T> secs)"); got != want {
			t.Errorf("%s error %q, want %q", c.name, got, want)
		}
	}
	dvWant(t, "Partial in AUTH", "EXC error: command PARTIAL illegal in state AUTH, only allowed in states SELECTED")(m.Partial("1", "BODY[]", "0", "10"))
	dvOK(t, "Select")(m.Select("INBOX", false))
	dvWant(t, "Partial", "EXC error: PARTIAL command error: BAD [b'Error in IMAP command PARTIAL: Unknown command (<T> secs).']")(m.Partial("1", "BODY[]", "0", "10"))
	// The connection is still usable after a BAD.
	dvOK(t, "Noop")(m.Noop())
	dvOK(t, "Unselect")(m.Unselect())
}

// dvExtensions covers ENABLE, METADATA and ID through Xatom, and Response.
func dvExtensions(t *testing.T, m *IMAP4) {
	dvWant(t, "Enable", "('OK', [b'Enabled (<T> secs).'])")(m.Enable("CONDSTORE"))
	if typ, data := m.Response("ENABLED"); Repr(typ, data) != "('ENABLED', [b'CONDSTORE'])" {
		t.Errorf("Response(ENABLED) = %s", Repr(typ, data))
	}
	dvOK(t, "Select")(m.Select("INBOX", false))
	if _, data := m.Response("HIGHESTMODSEQ"); len(data) != 1 || data[0].Kind != KindBytes {
		t.Errorf("no HIGHESTMODSEQ after ENABLE CONDSTORE: %s", Repr("HIGHESTMODSEQ", data))
	}
	dvOK(t, "Unselect")(m.Unselect())
	dvOK(t, "SETMETADATA")(m.Xatom("SETMETADATA", "INBOX", `(/private/comment "hello world")`))
	dvOK(t, "GETMETADATA")(m.Xatom("GETMETADATA", "INBOX", "/private/comment"))
	if typ, data := m.Response("METADATA"); Repr(typ, data) != "('METADATA', [(b'INBOX (/private/comment {11}', b'hello world'), b')'])" {
		t.Errorf("Response(METADATA) = %s", Repr(typ, data))
	}
	dvOK(t, "ID")(m.Xatom("ID", "NIL"))
	if typ, data := m.Response("ID"); Repr(typ, data) != `('ID', [b'("name" "Dovecot")'])` {
		t.Errorf("Response(ID) = %s", Repr(typ, data))
	}
	dvWant(t, "Xatom unknown", "EXC error: XFOO command error: BAD [b'Error in IMAP command XFOO: Unknown command (<T> secs).']")(m.Xatom("XFOO"))
	if typ, data := m.Response("NOTHING"); Repr(typ, data) != "('NOTHING', [None])" {
		t.Errorf("Response(NOTHING) = %s", Repr(typ, data))
	}
}

// dvIdle idles on INBOX while a second connection appends to it.
func dvIdle(t *testing.T, lab *dovecotLab, m *IMAP4, user, pass string) {
	dvOK(t, "Select")(m.Select("INBOX", false))
	before := dvBytes(dvOK(t, "Search")(m.Search("", "ALL")))
	n := len(strings.Fields(before))
	idler, err := m.Idle(10 * time.Second)
	if err != nil {
		t.Fatalf("Idle: %v", err)
	}
	if m.State() != StateIdling {
		t.Errorf("state while idling: %s", m.State())
	}
	other := dvDial(t, lab)
	dvOK(t, "Login")(other.Login(user, pass))
	dvOK(t, "Append")(other.Append("INBOX", "", nil, []byte("Subject: while idling\r\n\r\nping\r\n")))
	dvOK(t, "Logout")(func() (string, []Datum, error) { _, _, err := other.Logout(); return "OK", nil, err }())
	got := ""
	for typ, data := range idler.Responses() {
		if typ == "EXISTS" {
			got = dvBytes(data)
			break
		}
	}
	if err := idler.Close(); err != nil {
		t.Errorf("Idler.Close: %v", err)
	}
	if got != strconv.Itoa(n+1) {
		t.Errorf("while idling: EXISTS %q, want %d", got, n+1)
	}
	if m.State() != StateSelected {
		t.Errorf("state after IDLE: %s", m.State())
	}
	dvOK(t, "Close")(m.Close())
}

// dvAdditions covers what CPython 3.14.7 lacks and this package adds:
// MOVE and ID (CPython 3.16), AppendReader and FetchStream.
func dvAdditions(t *testing.T, m *IMAP4) {
	dvOK(t, "Create")(m.Create("Move Target"))
	msg := []byte("Subject: streamed\r\n\r\n" + strings.Repeat("0123456789abcdef", 4096) + "\r\n")
	data := dvOK(t, "AppendReader")(m.AppendReader("INBOX", `\Flagged`, time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC), bytes.NewReader(msg), int64(len(msg))))
	if !strings.HasPrefix(dvBytes(data), "[APPENDUID ") {
		t.Errorf("AppendReader = %s", Repr("OK", data))
	}
	exists := dvBytes(dvOK(t, "Select")(m.Select("INBOX", false))) // the new message is the last
	if _, err := strconv.Atoi(exists); err != nil {
		t.Fatalf("Select: EXISTS %q", exists)
	}
	dvWant(t, "Move", "('OK', [b'Move completed (<T> secs).'])")(m.Move(exists, "Move Target"))
	if typ, data := m.Response("EXPUNGE"); Repr(typ, data) != "('EXPUNGE', [b'"+exists+"'])" {
		t.Errorf("Move left EXPUNGE %s", Repr(typ, data))
	}
	st := dvStatus(t, dvOK(t, "Status")(m.Status("Move Target", "(MESSAGES)")))
	if st["MESSAGES"] != 1 {
		t.Errorf("Status after Move = %v", st)
	}
	dvOK(t, "Select")(m.Select("Move Target", true))
	var got []byte
	var headers []string
	data = dvOK(t, "FetchStream")(m.FetchStream("1", "(FLAGS BODY.PEEK[])", func(header []byte, r io.Reader) error {
		headers = append(headers, string(header))
		b, err := io.ReadAll(r)
		got = b
		return err
	}))
	if !bytes.Equal(got, msg) || len(headers) != 1 || !strings.HasSuffix(headers[0], fmt.Sprintf("BODY[] {%d}", len(msg))) {
		t.Errorf("FetchStream: %d bytes (want %d), headers %q", len(got), len(msg), headers)
	}
	if len(data) == 0 || !strings.Contains(string(data[0].Bytes), `\Flagged`) {
		t.Errorf("FetchStream data = %s", Repr("OK", data))
	}
	dvOK(t, "Close")(m.Close())
	dvWant(t, "ID", `('OK', [b'("name" "Dovecot")'])`)(m.ID("name", "imaplib-go", "version", "test"))
	dvOK(t, "Delete")(m.Delete("Move Target"))
}

// dvCompress turns on COMPRESS=DEFLATE and goes on over it.
func dvCompress(t *testing.T, m *IMAP4) {
	if !slices.Contains(m.Capabilities(), "COMPRESS=DEFLATE") {
		// The lab's Dovecot is configured to offer it: with
		// IMAPLIB_REQUIRE_DOVECOT=1 its absence fails the test.
		labCheck(t, "IMAPLIB_REQUIRE_DOVECOT", fmt.Sprintf("Dovecot does not offer COMPRESS=DEFLATE here: %v", m.Capabilities()), nil)
	}
	dvWant(t, "Compress", "('OK', [b'Begin compression (<T> secs).'])")(m.Compress())
	msg := []byte("Subject: over deflate\r\n\r\n" + strings.Repeat("compressible line\r\n", 2000))
	dvOK(t, "Append")(m.Append("INBOX", "", nil, msg))
	dvOK(t, "Select")(m.Select("INBOX", true))
	lits := dvLiterals(dvOK(t, "Fetch")(m.Fetch("1:*", "(BODY.PEEK[])")))
	if len(lits) == 0 || !bytes.Equal(lits[len(lits)-1], msg) {
		t.Errorf("Fetch over COMPRESS: %d literals, last differs", len(lits))
	}
	if _, _, err := m.Compress(); err == nil || err.Error() != "compression already active" {
		t.Errorf("second Compress: %v", err)
	}
	dvOK(t, "Close")(m.Close())
}

// TestDovecotAppendBadArgumentsRunsNothing sends APPENDs that Dovecot
// refuses with BAD before reading the message, whose last line is a
// command: Dovecot 2.3 reads a non-synchronizing literal it refused as
// commands, so such a literal must never go out unasked.
func TestDovecotAppendBadArgumentsRunsNothing(t *testing.T) {
	t.Parallel()
	lab := needDovecot(t)
	user, pass := lab.NewUser(t)
	m := dvDial(t, lab)
	dvOK(t, "Login")(m.Login(user, pass))
	inject := []byte("Subject: x\r\n\r\nX1 CREATE Injected\r\n")
	dvWant(t, "bad flags", "EXC error: APPEND command error: BAD [b'Error in IMAP command APPEND: Invalid characters in atom (<T> secs).']")(m.Append("INBOX", `\Bogus(x`, nil, inject))
	dvWant(t, "bad date", "EXC error: APPEND command error: BAD [b'Error in IMAP command APPEND: Invalid internal date (<T> secs).']")(m.Append("INBOX", "", `"not a date"`, inject))
	dvWant(t, "Noop", "('OK', [b'NOOP completed (<T> secs).'])")(m.Noop())
	dvOK(t, "Logout")(func() (string, []Datum, error) { _, _, err := m.Logout(); return "OK", nil, err }())

	// Dovecot 2.3 answers ENABLE UTF8=ACCEPT with OK without enabling it;
	// CPython then enters UTF-8 mode, and so do we. Dovecot neither refuses
	// APPEND's UTF8 (~{N}) form nor asks for the literal: as with CPython,
	// the command waits (here until the timeout), and the message, whose
	// last line is a command, is never sent.
	m, err := New(lab.Host, lab.Port, WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	dvOK(t, "Login")(m.Login(user, pass))
	dvOK(t, "Enable")(m.Enable("UTF8=ACCEPT"))
	if !m.UTF8Enabled() {
		t.Fatal("UTF-8 mode not on after ENABLE OK")
	}
	_, _, err = m.Append("INBOX", "", nil, inject)
	var ab *AbortError
	if !errors.As(err, &ab) {
		t.Errorf("UTF8 APPEND to Dovecot 2.3: %v, want a timeout", err)
	}
	m.Shutdown()
	other := dvDial(t, lab)
	dvOK(t, "Login")(other.Login(user, pass))
	dvWant(t, "List", `('OK', [b'(\\HasNoChildren) "/" INBOX'])`)(other.List("", "*"))
	dvOK(t, "Logout")(func() (string, []Datum, error) { _, _, err := other.Logout(); return "OK", nil, err }())
}

// TestDovecotAuth logs in with each mechanism Dovecot offers, and with
// wrong credentials.
func TestDovecotAuth(t *testing.T) {
	t.Parallel()
	lab := needDovecot(t)
	user, pass := lab.NewUser(t)

	check := func(t *testing.T, m *IMAP4, what string, typ string, data []Datum, err error) {
		t.Helper()
		if err != nil || typ != "OK" {
			t.Fatalf("%s = %s, %v", what, Repr(typ, data), err)
		}
		if m.State() != StateAuth || !slices.Contains(m.Capabilities(), "QUOTA") {
			t.Errorf("%s: state %s, capabilities not refreshed: %v", what, m.State(), m.Capabilities())
		}
		dvWant(t, what+": Select", "('OK', [b'0'])")(m.Select("INBOX", true))
		dvOK(t, what+": Logout")(func() (string, []Datum, error) { _, _, err := m.Logout(); return "OK", nil, err }())
	}
	t.Run("LoginCramMD5", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		dvWant(t, "wrong password", "EXC error: [AUTHENTICATIONFAILED] Authentication failed.")(m.LoginCramMD5(user, "wrong"))
		typ, data, err := m.LoginCramMD5(user, pass)
		check(t, m, "LoginCramMD5", typ, data, err)
	})
	t.Run("PLAIN", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		dvWant(t, "wrong password", "EXC error: [AUTHENTICATIONFAILED] Authentication failed.")(m.Authenticate("PLAIN", PlainAuth("", user, "wrong")))
		typ, data, err := m.Authenticate("plain", PlainAuth("", user, pass))
		check(t, m, "Authenticate PLAIN", typ, data, err)
	})
	t.Run("PLAIN-over-STARTTLS", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		dvOK(t, "Starttls")(m.Starttls(lab.TLSConfig()))
		typ, data, err := m.Authenticate("PLAIN", PlainAuth("", user, pass))
		check(t, m, "Authenticate PLAIN over STARTTLS", typ, data, err)
	})
	t.Run("abort", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		cause := errors.New("no credentials at hand")
		_, _, err := m.Authenticate("PLAIN", func([]byte) ([]byte, error) { return nil, cause })
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, cause) || !strings.Contains(e.Msg, "Authentication aborted by client") {
			t.Errorf("aborted Authenticate: %v", err)
		}
		dvOK(t, "Login after the abort")(m.Login(user, pass))
	})
	t.Run("Login", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		dvWant(t, "wrong password", "EXC error: [AUTHENTICATIONFAILED] Authentication failed.")(m.Login(user, "wrong"))
		dvWant(t, "unknown user", "EXC error: [AUTHENTICATIONFAILED] Authentication failed.")(m.Login("no-such-user", pass))
		typ, data, err := m.Login(user, pass)
		check(t, m, "Login", typ, data, err)
	})
	t.Run("LoginPlain", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		dvWant(t, "wrong password", "EXC error: [AUTHENTICATIONFAILED] Authentication failed.")(m.LoginPlain(user, "wrong"))
		typ, data, err := m.LoginPlain(user, pass)
		check(t, m, "LoginPlain", typ, data, err)
	})
	t.Run("SCRAM-SHA-256", func(t *testing.T) {
		t.Parallel()
		m := dvDial(t, lab)
		if !slices.Contains(m.Capabilities(), "AUTH=SCRAM-SHA-256") {
			labCheck(t, "IMAPLIB_REQUIRE_DOVECOT", fmt.Sprintf("Dovecot does not offer SCRAM-SHA-256 (capabilities %v); testdata/dovecot/start.sh needs \"auth_mechanisms = plain login cram-md5 scram-sha-256\"", m.Capabilities()), nil)
		}
		dvWant(t, "wrong password", "EXC error: [AUTHENTICATIONFAILED] Authentication failed.")(m.Authenticate("SCRAM-SHA-256", ScramSHA256(user, "wrong")))
		typ, data, err := m.Authenticate("SCRAM-SHA-256", ScramSHA256(user, pass))
		check(t, m, "Authenticate SCRAM-SHA-256", typ, data, err)
	})
}

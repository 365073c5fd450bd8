package imaplib

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"net"
	"strings"
	"time"
)

// Each method below is one IMAP command, named as in Python's imaplib with
// a capital first letter. It returns Python's (typ, data) pair: typ is the
// server's answer ("OK", "NO", ...), data the untagged responses the
// command produced or the text of the tagged reply. err is non-nil exactly
// where Python raises: *Error for a misuse or a BAD reply, *AbortError when
// the connection failed, *ReadOnlyError when the mailbox turned read-only,
// and *ArgumentError, before anything is sent, for a bad argument.

// Append adds message to mailbox ("" means INBOX) with the given flags
// ("" for none) and internal date (nil for none; anything
// Time2Internaldate accepts). Bare CR and LF in message become CRLF,
// unless the view is With(KeepLineEndings).
func (m *IMAP4) Append(mailbox, flags string, dateTime any, message []byte) (string, []Datum, error) {
	defer m.begin()()
	return m.appendLiteral("Append", mailbox, flags, dateTime, messageLiteral(message, m.call.keepEndings))
}

func (m *IMAP4) appendLiteral(fn, mailbox, flags string, dateTime any, lit *literal) (string, []Datum, error) {
	mb, err := m.appendMailbox(fn, mailbox)
	if err != nil {
		return "", nil, err
	}
	opts, sync, err := m.appendOpts(flags, dateTime)
	if err != nil {
		return "", nil, err
	}
	lit.sync = sync
	c, err := m.command("APPEND", append([]arg{mb}, opts...), lit)
	if err != nil {
		return "", nil, err
	}
	return m.commandComplete(c)
}

// appendMailbox encodes APPEND's mailbox ("" means INBOX).
func (m *IMAP4) appendMailbox(fn, mailbox string) (arg, error) {
	if mailbox == "" {
		mailbox = "INBOX"
	}
	return m.mailbox(fn, "mailbox", mailbox, false)
}

// appendOpts encodes the flags and date-time that precede one message of
// APPEND (None when "" or false), and reports whether its literal must be
// synchronizing even under WithLiteralPlus.
//
// A server that answers BAD to the arguments may not read a literal it did
// not ask for (Dovecot 2.3 runs its lines as commands): only well-formed
// flags and dates go out with a non-synchronizing one, and never the UTF8
// form, which a server that answered ENABLE UTF8=ACCEPT with OK may still
// not know (Dovecot 2.3 does that).
func (m *IMAP4) appendOpts(flags string, dateTime any) (opts []arg, sync bool, err error) {
	fl := none
	if flags != "" {
		fl = parenList(flags)
	}
	dt := none
	if !isFalsyDate(dateTime) {
		s, err := Time2Internaldate(dateTime)
		if err != nil {
			return nil, false, err
		}
		dt = raw(s)
	}
	sync = m.utf8 || (fl.b != nil && !isFlagList(string(fl.b))) || (dt.b != nil && !isDateTime(dt.b))
	return []arg{fl, dt}, sync, nil
}

// isFlagList reports whether s is an RFC 3501 flag-list: flags in
// parentheses, separated by single spaces.
func isFlagList(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	if s == "()" {
		return true
	}
	for _, f := range strings.Split(s[1:len(s)-1], " ") {
		if !isFlag(f) {
			return false
		}
	}
	return true
}

// isDateTime reports whether b is an RFC 3501 date-time: a quoted
// "DD-Mon-YYYY HH:MM:SS +HHMM".
func isDateTime(b []byte) bool {
	if len(b) != 28 || b[0] != '"' {
		return false
	}
	_, ok, err := parseInternalDate(b[1:], time.UTC)
	return ok && err == nil
}

// messageLiteral is the literal of an APPEND message, whose bare CR and
// LF become CRLF unless keep. The CRLF form is made only as the message is
// sent (sendLiterals), so that AppendMany holds one such copy at a time; a
// message whose line endings are all CRLF already, as most are, is sent
// as it is.
func messageLiteral(msg []byte, keep bool) *literal {
	if !keep {
		if n := crlfSize(msg); n != len(msg) {
			return &literal{data: msg, crlf: true, n: int64(n)}
		}
	}
	return &literal{data: msg}
}

// crlfSize is the size of normalizeCRLF(msg): each bare CR or LF gains a
// byte, so it is len(msg) exactly when msg needs no change.
func crlfSize(msg []byte) int {
	crlfs := bytes.Count(msg, crlf)
	return len(msg) + bytes.Count(msg, cr) - crlfs + bytes.Count(msg, lf) - crlfs
}

// normalizeCRLF is Python's MapCRLF.sub(CRLF, message): every CRLF, bare
// CR or bare LF becomes CRLF. A message that needs no change is returned
// as it is, not copied.
func normalizeCRLF(msg []byte) []byte {
	n := crlfSize(msg)
	if n == len(msg) {
		return msg
	}
	out := make([]byte, 0, n)
	for {
		i := bytes.IndexAny(msg, "\r\n")
		if i < 0 {
			return append(out, msg...)
		}
		out = append(append(out, msg[:i]...), '\r', '\n')
		if msg[i] == '\r' && i+1 < len(msg) && msg[i+1] == '\n' {
			i++
		}
		msg = msg[i+1:]
	}
}

var (
	cr = []byte{'\r'}
	lf = []byte{'\n'}
)

// Authenticate runs the SASL mechanism (upper-cased, sent as given) with
// authobject answering each server challenge; see AuthFunc. A reply other
// than OK is an *Error with the server's text.
func (m *IMAP4) Authenticate(mechanism string, authobject AuthFunc) (string, []Datum, error) {
	defer m.begin()()
	return m.authenticate(mechanism, authobject)
}

func (m *IMAP4) authenticate(mechanism string, authobject AuthFunc) (string, []Datum, error) {
	// CPython checks the state before it ever calls the authobject.
	if err := m.checkState("AUTHENTICATE"); err != nil {
		return "", nil, err
	}
	if authobject == nil {
		return "", nil, &ArgumentError{Func: "Authenticate", Arg: "authobject", Msg: "authobject must not be nil", Python: TypeError}
	}
	lit := &literal{auth: authobject}
	c, err := m.command("AUTHENTICATE", []arg{raw(strings.ToUpper(mechanism))}, lit)
	if err != nil {
		return "", nil, err
	}
	typ, dat, err := m.commandComplete(c)
	if err != nil {
		// RFC 3501 has the server answer an aborted exchange with BAD: the
		// authobject's error is the cause of that *Error too.
		if e, ok := err.(*Error); ok && e.Err == nil && lit.authErr != nil {
			e.Err = lit.authErr
		}
		return "", nil, err
	}
	if typ != "OK" {
		return "", nil, &Error{Msg: strings.ToValidUTF8(string(dat[len(dat)-1].Bytes), "\uFFFD"), Err: lit.authErr}
	}
	m.setState(StateAuth)
	if err := m.refreshCapabilities(false); err != nil {
		return "", nil, err
	}
	return typ, dat, nil
}

// Capability asks for the server's capabilities. It does not change
// Capabilities(), as in Python.
func (m *IMAP4) Capability() (string, []Datum, error) {
	defer m.begin()()
	return m.untaggedCommand("CAPABILITY", "CAPABILITY", nil)
}

// Check asks the server to checkpoint the selected mailbox.
func (m *IMAP4) Check() (string, []Datum, error) {
	defer m.begin()()
	return m.simple("CHECK")
}

// Close closes the selected mailbox, removing messages flagged \Deleted.
// The state becomes AUTH even when the command fails, as in Python.
func (m *IMAP4) Close() (string, []Datum, error) {
	defer m.begin()()
	defer m.setState(StateAuth)
	return m.simple("CLOSE")
}

// Copy copies the messages in messageSet to newMailbox. Through
// With(UID) it copies by UID and returns the tagged reply (Python 3.16's
// uid=True), where Uid("COPY", ...) returns [None].
func (m *IMAP4) Copy(messageSet, newMailbox string) (string, []Datum, error) {
	defer m.begin()()
	return m.copyOrMove("COPY", "Copy", messageSet, newMailbox)
}

// Move moves the messages in messageSet to newMailbox (RFC 6851), with
// UIDs through With(UID); it returns the tagged reply. As in CPython 3.16
// there is no fallback to COPY, STORE and EXPUNGE.
func (m *IMAP4) Move(messageSet, newMailbox string) (string, []Datum, error) {
	defer m.begin()()
	return m.copyOrMove("MOVE", "Move", messageSet, newMailbox)
}

func (m *IMAP4) copyOrMove(name, fn, messageSet, newMailbox string) (string, []Datum, error) {
	mb, err := m.mailbox(fn, "newMailbox", newMailbox, false)
	if err != nil {
		return "", nil, err
	}
	name, args, err := m.withUID(name, []arg{raw(messageSet), mb})
	if err != nil {
		return "", nil, err
	}
	return m.simple(name, args...)
}

// Create creates mailbox.
func (m *IMAP4) Create(mailbox string) (string, []Datum, error) {
	return m.mailboxCommand("CREATE", "Create", mailbox)
}

// Delete deletes mailbox.
func (m *IMAP4) Delete(mailbox string) (string, []Datum, error) {
	return m.mailboxCommand("DELETE", "Delete", mailbox)
}

// Subscribe adds mailbox to the subscribed list.
func (m *IMAP4) Subscribe(mailbox string) (string, []Datum, error) {
	return m.mailboxCommand("SUBSCRIBE", "Subscribe", mailbox)
}

// Unsubscribe removes mailbox from the subscribed list.
func (m *IMAP4) Unsubscribe(mailbox string) (string, []Datum, error) {
	return m.mailboxCommand("UNSUBSCRIBE", "Unsubscribe", mailbox)
}

func (m *IMAP4) mailboxCommand(name, fn, mailbox string) (string, []Datum, error) {
	defer m.begin()()
	mb, err := m.mailbox(fn, "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	return m.simple(name, mb)
}

// Deleteacl removes every right of who on mailbox (RFC 4314).
func (m *IMAP4) Deleteacl(mailbox, who string) (string, []Datum, error) {
	defer m.begin()()
	args, err := m.encodeArgs("Deleteacl", argMailbox("mailbox", mailbox), argAstring("who", who))
	if err != nil {
		return "", nil, err
	}
	return m.simple("DELETEACL", args...)
}

// Enable sends ENABLE with capability as given (several may be separated
// by spaces). Enabling UTF8=ACCEPT switches the connection to UTF-8 mode.
// It fails at once when the server does not advertise ENABLE.
func (m *IMAP4) Enable(capability string) (string, []Datum, error) {
	defer m.begin()()
	if !m.hasCapability("ENABLE") {
		return "", nil, &Error{Msg: "Server does not support ENABLE"}
	}
	typ, dat, err := m.simple("ENABLE", raw(capability))
	if err == nil && typ == "OK" && strings.Contains(strings.ToUpper(capability), "UTF8=ACCEPT") {
		m.setAttr(func() { m.utf8 = true })
	}
	return typ, dat, err
}

// Expunge removes the messages flagged \Deleted; data lists the EXPUNGE
// responses (message numbers) in the order received. Through With(UID) it
// removes only the messages of one UID set (RFC 4315's UID EXPUNGE), which
// must then be given, as Python 3.16's expunge(message_set, uid=True).
func (m *IMAP4) Expunge(messageSet ...string) (string, []Datum, error) {
	defer m.begin()()
	switch {
	case len(messageSet) > 1:
		return "", nil, &ArgumentError{Func: "Expunge", Arg: "messageSet", Msg: "Expunge takes at most one message set", Python: TypeError}
	case len(messageSet) == 1 && !m.call.uid:
		return "", nil, &Error{Msg: "EXPUNGE takes a message set only with uid=True (UID EXPUNGE)"}
	case len(messageSet) == 0 && m.call.uid:
		return "", nil, &Error{Msg: "UID EXPUNGE requires a message set"}
	case m.call.uid:
		return m.uidCapable(nil, "EXPUNGE", "EXPUNGE", []arg{raw(messageSet[0])})
	}
	return m.untaggedCommand("EXPUNGE", "EXPUNGE", nil)
}

// Fetch fetches messageParts (e.g. "(RFC822)", "FLAGS", or a macro such as
// "ALL") of the messages in messageSet. A body arrives as a KindTuple
// Datum whose Literal holds it, followed by a KindBytes Datum with the rest
// of the response. With(UID) fetches by UID; With(Params(...)) fills the
// placeholders of messageParts.
func (m *IMAP4) Fetch(messageSet, messageParts string) (string, []Datum, error) {
	defer m.begin()()
	return m.fetch(messageSet, messageParts)
}

func (m *IMAP4) fetch(messageSet, messageParts string) (string, []Datum, error) {
	parts, err := m.withParams("Fetch", []string{messageParts})
	if err != nil {
		return "", nil, err
	}
	return m.uidCapable(nil, "FETCH", "FETCH", []arg{raw(messageSet), fetchParts(parts[0])})
}

// uidCapable runs name, or UID name when the view asks for UIDs, and
// returns the untagged responses resp; snk, if not nil, takes the
// untagged data instead of the store.
func (m *IMAP4) uidCapable(snk sink, name, resp string, args []arg) (string, []Datum, error) {
	name, args, err := m.withUID(name, args)
	if err != nil {
		return "", nil, err
	}
	typ, dat, err := m.simpleTo(snk, name, args...)
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, resp)
	return typ, dat, nil
}

// withUID returns the command that runs name with args: "UID name args"
// when the view asks for UIDs (Python 3.16's uid=True), after checking
// the state name needs, as Python's uid does.
func (m *IMAP4) withUID(name string, args []arg) (string, []arg, error) {
	if !m.call.uid {
		return name, args, nil
	}
	if err := m.checkState(name); err != nil {
		return "", nil, err
	}
	return "UID", append([]arg{raw(name)}, args...), nil
}

// withParams substitutes the view's Params into args, if it has any.
func (m *IMAP4) withParams(fn string, args []string) ([]string, error) {
	if !m.call.hasParams {
		return args, nil
	}
	return m.substitute(fn, args, m.call.params)
}

// Getacl returns the ACL of mailbox (RFC 4314).
func (m *IMAP4) Getacl(mailbox string) (string, []Datum, error) {
	return m.mailboxQuery("GETACL", "Getacl", "ACL", mailbox)
}

// Myrights returns the caller's rights on mailbox (RFC 4314).
func (m *IMAP4) Myrights(mailbox string) (string, []Datum, error) {
	return m.mailboxQuery("MYRIGHTS", "Myrights", "MYRIGHTS", mailbox)
}

func (m *IMAP4) mailboxQuery(name, fn, resp, mailbox string) (string, []Datum, error) {
	defer m.begin()()
	mb, err := m.mailbox(fn, "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	return m.untaggedCommand(name, resp, []arg{mb})
}

// Getannotation returns annotations (the ANNOTATEMORE draft); entry and
// attribute are sent as given.
func (m *IMAP4) Getannotation(mailbox, entry, attribute string) (string, []Datum, error) {
	defer m.begin()()
	mb, err := m.mailbox("Getannotation", "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	return m.untaggedCommand("GETANNOTATION", "ANNOTATION", []arg{mb, raw(entry), raw(attribute)})
}

// Getquota returns the usage and limits of a quota root (RFC 2087).
func (m *IMAP4) Getquota(root string) (string, []Datum, error) {
	defer m.begin()()
	r, err := m.astring("Getquota", "root", root)
	if err != nil {
		return "", nil, err
	}
	return m.untaggedCommand("GETQUOTA", "QUOTA", []arg{r})
}

// Getquotaroot returns the quota roots of mailbox and their quotas, as
// Python's [[QUOTAROOT responses], [QUOTA responses]] (in that order).
func (m *IMAP4) Getquotaroot(mailbox string) (string, [][]Datum, error) {
	defer m.begin()()
	mb, err := m.mailbox("Getquotaroot", "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	typ, dat, err := m.simple("GETQUOTAROOT", mb)
	if err != nil {
		return "", nil, err
	}
	typ, quota := m.untaggedResponse(typ, dat, "QUOTA")
	typ, quotaroot := m.untaggedResponse(typ, dat, "QUOTAROOT")
	return typ, [][]Datum{quotaroot, quota}, nil
}

// List lists the mailboxes in directory matching pattern. "" for pattern
// means "*"; "" for directory is sent as "".
func (m *IMAP4) List(directory, pattern string) (string, []Datum, error) {
	return m.listCommand("LIST", "List", directory, pattern)
}

// Lsub lists the subscribed mailboxes in directory matching pattern, with
// the same defaults as List.
func (m *IMAP4) Lsub(directory, pattern string) (string, []Datum, error) {
	return m.listCommand("LSUB", "Lsub", directory, pattern)
}

func (m *IMAP4) listCommand(name, fn, directory, pattern string) (string, []Datum, error) {
	defer m.begin()()
	if pattern == "" {
		pattern = "*"
	}
	args, err := m.encodeArgs(fn, argMailbox("directory", directory), argPattern("pattern", pattern))
	if err != nil {
		return "", nil, err
	}
	return m.untaggedCommand(name, name, args)
}

// Login identifies the client with a plaintext password, which is always
// sent as a quoted string. A reply other than OK is an *Error with the
// server's text.
func (m *IMAP4) Login(user, password string) (string, []Datum, error) {
	defer m.begin()()
	u, err := m.astring("Login", "user", user)
	if err != nil {
		return "", nil, err
	}
	if err := m.checkEncodable("Login", "password", password); err != nil {
		return "", nil, err
	}
	typ, dat, err := m.simple("LOGIN", u, arg{b: []byte(quoteString(password)), secret: true})
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		return "", nil, &Error{Msg: strings.ToValidUTF8(string(dat[len(dat)-1].Bytes), "\uFFFD")}
	}
	m.setState(StateAuth)
	if err := m.refreshCapabilities(false); err != nil {
		return "", nil, err
	}
	return typ, dat, nil
}

// LoginCramMD5 authenticates with CRAM-MD5 (RFC 2195): Python's
// login_cram_md5.
func (m *IMAP4) LoginCramMD5(user, password string) (string, []Datum, error) {
	defer m.begin()()
	return m.authenticate("CRAM-MD5", func(challenge []byte) ([]byte, error) {
		mac := hmac.New(md5.New, []byte(password))
		mac.Write(challenge)
		return []byte(user + " " + hex.EncodeToString(mac.Sum(nil))), nil
	})
}

// Logout ends the session and closes the connection, returning the
// server's BYE: ("BYE", [text]). The connection is closed even when the
// command fails. Calling Logout again returns an *AbortError, so
// "defer m.Logout()" is safe after an explicit Logout.
//
// An IDLE in progress is ended first (DONE), as Idler.Close does. Called
// while another goroutine's command is waiting for the server (an
// Idler's iteration, say), Logout does not wait for it: it closes the
// connection at once, which ends that command with an *AbortError, and
// returns an *AbortError itself, since no LOGOUT could be sent.
func (m *IMAP4) Logout() (string, []Datum, error) {
	if !m.cmdMu.TryLock() {
		m.e.close()
		m.cmdMu.Lock()
		defer m.cmdMu.Unlock()
		if m.idler != nil {
			m.idler.closed, m.idler = true, nil
		}
		m.setState(StateLogout)
		return "", nil, &AbortError{Msg: "socket error: connection closed by Logout while another command was running; LOGOUT not sent", Err: net.ErrClosed}
	}
	defer m.armView()()
	if m.idler != nil {
		m.idler.end()
	}
	m.setState(StateLogout)
	typ, dat, err := m.simple("LOGOUT")
	m.e.close()
	return typ, dat, err
}

// Namespace returns the server's namespaces (RFC 2342).
func (m *IMAP4) Namespace() (string, []Datum, error) {
	defer m.begin()()
	return m.untaggedCommand("NAMESPACE", "NAMESPACE", nil)
}

// Noop does nothing but lets the server send pending updates, which go to
// the untagged store (see Response).
func (m *IMAP4) Noop() (string, []Datum, error) {
	defer m.begin()()
	if m.log.level() >= 3 {
		m.store.dump()
	}
	return m.simple("NOOP")
}

// Partial fetches part of a message with the obsolete IMAP2bis PARTIAL
// command; all arguments are sent as given.
func (m *IMAP4) Partial(messageNum, messagePart, start, length string) (string, []Datum, error) {
	defer m.begin()()
	return m.untaggedCommand("PARTIAL", "FETCH", []arg{raw(messageNum), raw(messagePart), raw(start), raw(length)})
}

// Proxyauth assumes the identity of user (administrators only).
func (m *IMAP4) Proxyauth(user string) (string, []Datum, error) {
	defer m.begin()()
	u, err := m.astring("Proxyauth", "user", user)
	if err != nil {
		return "", nil, err
	}
	return m.simple("PROXYAUTH", u)
}

// Rename renames oldMailbox to newMailbox.
func (m *IMAP4) Rename(oldMailbox, newMailbox string) (string, []Datum, error) {
	defer m.begin()()
	args, err := m.encodeArgs("Rename", argMailbox("oldMailbox", oldMailbox), argMailbox("newMailbox", newMailbox))
	if err != nil {
		return "", nil, err
	}
	return m.simple("RENAME", args...)
}

// Search searches the selected mailbox. charset "" is Python's None (no
// CHARSET argument). criteria are sent as given, except that text is
// encoded to charset when one is named (CPython 3.16, gh-153494): a
// criterion that is not valid UTF-8 is taken to be encoded already. data
// is one KindBytes Datum of space-separated message numbers, empty when
// nothing matched. With(UID) searches by UID; With(Params(...)) fills
// placeholders.
func (m *IMAP4) Search(charset string, criteria ...string) (string, []Datum, error) {
	defer m.begin()()
	args := make([]arg, 0, len(criteria)+2)
	if charset != "" {
		if m.utf8 {
			return "", nil, &Error{Msg: "Non-None charset not valid in UTF8 mode"}
		}
		cs, err := m.astring("Search", "charset", charset)
		if err != nil {
			return "", nil, err
		}
		args = append(args, raw("CHARSET"), cs)
	}
	crit, err := m.criteria("Search", charset, criteria)
	if err != nil {
		return "", nil, err
	}
	return m.uidCapable(nil, "SEARCH", "SEARCH", append(args, crit...))
}

// criteria applies the view's Params to search criteria and encodes their
// text to charset.
func (m *IMAP4) criteria(fn, charset string, criteria []string) ([]arg, error) {
	criteria, err := m.withParams(fn, criteria)
	if err != nil {
		return nil, err
	}
	out := make([]arg, len(criteria))
	for i, c := range criteria {
		if out[i], err = m.encodeCriterion(fn, charset, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Select selects mailbox ("" means INBOX), or examines it read-only when
// readonly is set. data is the EXISTS count; other responses (FLAGS,
// UIDVALIDITY, ...) are in the store for Response. Every stored untagged
// response is dropped first. If the server answers READ-ONLY to a
// read-write select, Select returns a *ReadOnlyError.
func (m *IMAP4) Select(mailbox string, readonly bool) (string, []Datum, error) {
	defer m.begin()()
	if mailbox == "" {
		mailbox = "INBOX"
	}
	m.store.flush()
	m.setAttr(func() { m.isReadonly = readonly })
	name := "SELECT"
	if readonly {
		name = "EXAMINE"
	}
	mb, err := m.mailbox("Select", "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	typ, dat, err := m.simple(name, mb)
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		m.setState(StateAuth)
		return typ, dat, nil
	}
	m.setState(StateSelected)
	if m.store.has("READ-ONLY") && !readonly {
		if m.log.level() >= 1 {
			m.store.dump()
		}
		return "", nil, &ReadOnlyError{Msg: pyStrRepr(mailbox) + " is not writable"}
	}
	if exists, ok := m.store.get("EXISTS"); ok {
		return typ, append([]Datum(nil), exists...), nil
	}
	return typ, []Datum{{}}, nil
}

// Setacl sets the rights what of identifier who on mailbox (RFC 4314).
func (m *IMAP4) Setacl(mailbox, who, what string) (string, []Datum, error) {
	defer m.begin()()
	args, err := m.encodeArgs("Setacl", argMailbox("mailbox", mailbox), argAstring("who", who), argAstring("what", what))
	if err != nil {
		return "", nil, err
	}
	return m.simple("SETACL", args...)
}

// Setannotation sets annotations (the ANNOTATEMORE draft); args after the
// mailbox are sent as given.
func (m *IMAP4) Setannotation(mailbox string, args ...string) (string, []Datum, error) {
	defer m.begin()()
	mb, err := m.mailbox("Setannotation", "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	a := []arg{mb}
	for _, s := range args {
		a = append(a, raw(s))
	}
	return m.untaggedCommand("SETANNOTATION", "ANNOTATION", a)
}

// Setquota sets the resource limits of a quota root, e.g. "(STORAGE 512)";
// parentheses are added when missing.
func (m *IMAP4) Setquota(root, limits string) (string, []Datum, error) {
	defer m.begin()()
	r, err := m.astring("Setquota", "root", root)
	if err != nil {
		return "", nil, err
	}
	return m.untaggedCommand("SETQUOTA", "QUOTA", []arg{r, parenList(limits)})
}

// Sort sorts the messages matching searchCriteria (RFC 5256). Parentheses
// are added to sortCriteria when missing; charset "" leaves it out, and
// criteria text is encoded to it as for Search. With(UID) and
// With(Params(...)) work as for Search.
func (m *IMAP4) Sort(sortCriteria, charset string, searchCriteria ...string) (string, []Datum, error) {
	defer m.begin()()
	args, err := m.sortArgs("Sort", parenList(sortCriteria), charset, searchCriteria)
	if err != nil {
		return "", nil, err
	}
	return m.uidCapable(nil, "SORT", "SORT", args)
}

// Thread threads the messages matching searchCriteria with algorithm (RFC
// 5256); charset "" leaves it out, and criteria are encoded as for Search.
// With(UID) and With(Params(...)) work as for Search.
func (m *IMAP4) Thread(algorithm, charset string, searchCriteria ...string) (string, []Datum, error) {
	defer m.begin()()
	args, err := m.sortArgs("Thread", raw(algorithm), charset, searchCriteria)
	if err != nil {
		return "", nil, err
	}
	return m.uidCapable(nil, "THREAD", "THREAD", args)
}

func (m *IMAP4) sortArgs(fn string, first arg, charset string, criteria []string) ([]arg, error) {
	args := append(make([]arg, 0, len(criteria)+2), first)
	if charset != "" {
		cs, err := m.astring(fn, "charset", charset)
		if err != nil {
			return nil, err
		}
		args = append(args, cs)
	}
	crit, err := m.criteria(fn, charset, criteria)
	if err != nil {
		return nil, err
	}
	return append(args, crit...), nil
}

// Status asks for the status items names (e.g. "(MESSAGES UIDNEXT)") of
// mailbox; parentheses are added when missing.
func (m *IMAP4) Status(mailbox, names string) (string, []Datum, error) {
	defer m.begin()()
	mb, err := m.mailbox("Status", "mailbox", mailbox, false)
	if err != nil {
		return "", nil, err
	}
	return m.untaggedCommand("STATUS", "STATUS", []arg{mb, parenList(names)})
}

// Store changes the flags of the messages in messageSet. command is
// FLAGS, +FLAGS or -FLAGS, optionally with .SILENT; parentheses are added
// to flags when missing (FlagList builds them). data is the FETCH
// responses. With(UID) stores by UID.
func (m *IMAP4) Store(messageSet, command, flags string) (string, []Datum, error) {
	defer m.begin()()
	return m.uidCapable(nil, "STORE", "FETCH", []arg{raw(messageSet), raw(command), parenList(flags)})
}

// Uid runs command (COPY, FETCH, MOVE, SEARCH, SORT, STORE, THREAD or
// EXPUNGE) with UIDs instead of message numbers. Arguments are encoded as
// the command's own method encodes them. data is the SEARCH, SORT or THREAD
// responses for those commands and the FETCH responses for all others.
//
// Python's None among the arguments is written by leaving it out:
// uid('search', None, 'ALL') is Uid("search", "ALL"). An argument "" is
// sent as an empty one, as CPython sends an empty str (a double space that
// servers such as Cyrus refuse); only the charset of SORT and THREAD, as
// in Sort and Thread, takes "" for None.
func (m *IMAP4) Uid(command string, args ...string) (string, []Datum, error) {
	defer m.begin()()
	command = strings.ToUpper(command)
	states, ok := m.cpythonStates(command)
	if !ok {
		return "", nil, &Error{Msg: "Unknown IMAP4 UID command: " + pyStrRepr(command)}
	}
	if err := m.checkStateIn(command, states); err != nil {
		return "", nil, err
	}
	args, err := m.withParams("Uid", args)
	if err != nil {
		return "", nil, err
	}
	encoded, err := m.uidArgs(command, args)
	if err != nil {
		return "", nil, err
	}
	typ, dat, err := m.simple("UID", append([]arg{raw(command)}, encoded...)...)
	if err != nil {
		return "", nil, err
	}
	name := "FETCH"
	if command == "SEARCH" || command == "SORT" || command == "THREAD" {
		name = command
	}
	typ, dat = m.untaggedResponse(typ, dat, name)
	return typ, dat, nil
}

// uidArgs encodes Uid's arguments by the role each plays in command.
func (m *IMAP4) uidArgs(command string, args []string) ([]arg, error) {
	want := map[string]int{"COPY": 2, "MOVE": 2, "FETCH": 2, "STORE": 3}[command]
	if want > 0 && len(args) != want {
		return nil, &ArgumentError{Func: "Uid", Arg: "args", Msg: unpackMessage(want, len(args)), Python: ValueError}
	}
	if (command == "SORT" || command == "THREAD") && len(args) < 2 {
		// CPython unpacks these with a starred target: "expected at least".
		return nil, &ArgumentError{Func: "Uid", Arg: "args", Msg: "not enough values to unpack (expected at least 2, got " + itoa(len(args)) + ")", Python: ValueError}
	}
	switch command {
	case "COPY", "MOVE":
		mb, err := m.mailbox("Uid", "mailbox", args[1], false)
		if err != nil {
			return nil, err
		}
		return []arg{raw(args[0]), mb}, nil
	case "FETCH":
		return []arg{raw(args[0]), fetchParts(args[1])}, nil
	case "STORE":
		return []arg{raw(args[0]), raw(args[1]), parenList(args[2])}, nil
	case "SORT":
		return m.sortArgs("Uid", parenList(args[0]), args[1], args[2:])
	case "THREAD":
		return m.sortArgs("Uid", raw(args[0]), args[1], args[2:])
	}
	out := make([]arg, len(args))
	for i, a := range args {
		out[i] = raw(a)
	}
	return out, nil
}

// unpackMessage is Python's text for a tuple unpacking of the wrong size.
func unpackMessage(want, got int) string {
	if got < want {
		return "not enough values to unpack (expected " + itoa(want) + ", got " + itoa(got) + ")"
	}
	// Python 3.14 names the count for an exact tuple, as args is.
	return "too many values to unpack (expected " + itoa(want) + ", got " + itoa(got) + ")"
}

// Unselect leaves the selected mailbox without expunging (RFC 3691). The
// state becomes AUTH even when the command fails, as in Python.
func (m *IMAP4) Unselect() (string, []Datum, error) {
	defer m.begin()()
	defer m.setState(StateAuth)
	return m.simple("UNSELECT")
}

// Xatom sends an extension command the server advertised, with args as
// given, and returns the tagged reply. An unknown name is allowed in the
// current state from then on, on this connection only (CPython changes a
// process-wide table). Python's None among args is written by leaving it
// out; "" is sent as an empty argument, as CPython sends an empty str.
func (m *IMAP4) Xatom(name string, args ...string) (string, []Datum, error) {
	defer m.begin()()
	name = strings.ToUpper(name)
	if !isAtom(name, false) || name == "" {
		return "", nil, &ArgumentError{Func: "Xatom", Arg: "name", Msg: "command name must be an atom: " + pyStrRepr(name), Python: ValueError}
	}
	states, ok := m.cpythonStates(name)
	if !ok {
		if m.extraCommands == nil {
			m.extraCommands = make(map[string][]string)
		}
		states = []string{m.state}
		m.extraCommands[name] = states
	}
	if err := m.checkStateIn(name, states); err != nil {
		return "", nil, err
	}
	a := make([]arg, len(args))
	for i, s := range args {
		a[i] = raw(s)
	}
	return m.simple(name, a...)
}

// Recent returns the RECENT responses received so far, or sends NOOP to
// ask for them when there are none; data is [None] when there are still
// none.
func (m *IMAP4) Recent() (string, []Datum, error) {
	defer m.begin()()
	typ, dat := m.untaggedResponse("OK", []Datum{{}}, "RECENT")
	if truthy(dat[len(dat)-1]) {
		return typ, dat, nil
	}
	typ, dat, err := m.simple("NOOP")
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "RECENT")
	return typ, dat, nil
}

// truthy is Python's truth value of a data element.
func truthy(d Datum) bool {
	return d.Kind == KindTuple || d.Kind == KindBytes && len(d.Bytes) > 0
}

// Response returns and clears the untagged responses stored under code
// (e.g. "EXISTS", "FLAGS", "UIDVALIDITY"): (code, data), with data [None]
// when there are none. As in Python, Response("NO") never clears anything.
func (m *IMAP4) Response(code string) (string, []Datum) {
	defer m.begin()()
	return m.untaggedResponse(code, []Datum{{}}, strings.ToUpper(code))
}

// argSpec names an argument and its role, for encodeArgs.
type argSpec struct {
	name, value string
	role        byte // 'm' mailbox, 'p' list pattern, 'a' astring
}

func argMailbox(name, v string) argSpec { return argSpec{name, v, 'm'} }
func argPattern(name, v string) argSpec { return argSpec{name, v, 'p'} }
func argAstring(name, v string) argSpec { return argSpec{name, v, 'a'} }

// encodeArgs encodes several arguments, stopping at the first bad one.
func (m *IMAP4) encodeArgs(fn string, specs ...argSpec) ([]arg, error) {
	out := make([]arg, len(specs))
	for i, s := range specs {
		var err error
		switch s.role {
		case 'm', 'p':
			out[i], err = m.mailbox(fn, s.name, s.value, s.role == 'p')
		default:
			out[i], err = m.astring(fn, s.name, s.value)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ID sends the client's identification (RFC 2971) and returns the
// server's ID response, as Python 3.16's id(). fields are name, value
// pairs, each sent as a quoted string: ID("name", "myapp", "version",
// "1.0"). With no fields it sends ID NIL.
func (m *IMAP4) ID(fields ...string) (string, []Datum, error) {
	defer m.begin()()
	if err := m.checkState("ID"); err != nil {
		return "", nil, err
	}
	if len(fields)%2 != 0 {
		return "", nil, &ArgumentError{Func: "ID", Arg: "fields", Msg: "ID takes name, value pairs: got an odd number of strings", Python: ValueError}
	}
	if len(fields) == 0 {
		return m.untaggedCommand("ID", "ID", []arg{raw("NIL")})
	}
	quoted := make([]string, len(fields))
	for i, f := range fields {
		if err := m.checkEncodable("ID", "fields", f); err != nil {
			return "", nil, err
		}
		quoted[i] = quoteString(f)
	}
	return m.untaggedCommand("ID", "ID", []arg{raw("(" + strings.Join(quoted, " ") + ")")})
}

// LoginPlain authenticates with SASL PLAIN (RFC 4616), as Python 3.16's
// login_plain: unlike Login it carries UTF-8 user names and passwords. A
// NUL in either is an *ArgumentError and nothing is sent.
func (m *IMAP4) LoginPlain(user, password string) (string, []Datum, error) {
	defer m.begin()()
	if err := m.checkState("AUTHENTICATE"); err != nil {
		return "", nil, err
	}
	resp, err := plainResponse("", user, password)
	if err != nil {
		return "", nil, &ArgumentError{Func: "LoginPlain", Msg: err.Error(), Python: ValueError}
	}
	return m.authenticate("PLAIN", func([]byte) ([]byte, error) { return resp, nil })
}

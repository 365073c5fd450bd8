// Package imaplib is an IMAP4rev1 client that mirrors Python's standard
// imaplib module, so that a Python mail script can be moved to Go line by
// line: the same classes (New, IMAP4_SSL, IMAP4_stream), the same method
// names with a capital first letter, the same arguments, the same
// (typ, data) results, the same errors in the same situations, and the same
// bytes on the wire as CPython 3.14.7, except where the caller opts into
// something CPython lacks (WithLiteralPlus, Compress, the views of With).
//
// Where Python is unsafe it is not copied: certificates are verified by
// default, NUL, CR and LF in an argument are refused before anything is
// written, a literal the server announces is read as its bytes arrive, and
// every connection has its own limits. An IMAP4 may be used from several
// goroutines; its commands are serialized.
package imaplib

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Default ports, as Python's IMAP4_PORT and IMAP4_SSL_PORT.
const (
	IMAP4_PORT     = 143
	IMAP4_SSL_PORT = 993
)

// AllowedVersions are the protocol versions the client accepts, most
// recent first, as Python's AllowedVersions; the first one the server
// advertises becomes ProtocolVersion. It is informational: the client
// uses its own copy, so changing it changes nothing.
var AllowedVersions = []string{"IMAP4REV1", "IMAP4"}

// allowedVersions is what the client uses of AllowedVersions.
var allowedVersions = [...]string{"IMAP4REV1", "IMAP4"}

// pythonVersion is the __version__ of the CPython imaplib mirrored here
// (3.14.7), printed at debug level 1 as CPython does.
const pythonVersion = "2.60"

// Limits applied to every connection unless an option changes them.
const (
	// DefaultMaxLine is the longest response line accepted, CRLF
	// included: CPython's _MAXLINE.
	DefaultMaxLine = 1000000
	// DefaultMaxLiteral is the largest literal accepted (2 GiB - 1).
	DefaultMaxLiteral = 1<<31 - 1
	// DefaultMaxUntagged bounds the bytes held in the untagged store at
	// once, literals included (4 GiB).
	DefaultMaxUntagged = 1 << 32
)

// States of a connection, as Python's IMAP4.state strings.
const (
	StateLogout   = "LOGOUT"
	StateNonAuth  = "NONAUTH"
	StateAuth     = "AUTH"
	StateSelected = "SELECTED"
	StateIdling   = "IDLING"
)

// commandStates is Python's Commands table: the states in which each
// command may be sent. It is never modified; Xatom records new names per
// connection.
var commandStates = map[string][]string{
	"APPEND":        {StateAuth, StateSelected},
	"AUTHENTICATE":  {StateNonAuth},
	"CAPABILITY":    {StateNonAuth, StateAuth, StateSelected, StateLogout},
	"CHECK":         {StateSelected},
	"COMPRESS":      {StateAuth, StateSelected},
	"CLOSE":         {StateSelected},
	"COPY":          {StateSelected},
	"CREATE":        {StateAuth, StateSelected},
	"DELETE":        {StateAuth, StateSelected},
	"DELETEACL":     {StateAuth, StateSelected},
	"ENABLE":        {StateAuth},
	"EXAMINE":       {StateAuth, StateSelected},
	"EXPUNGE":       {StateSelected},
	"FETCH":         {StateSelected},
	"GETACL":        {StateAuth, StateSelected},
	"GETANNOTATION": {StateAuth, StateSelected},
	"GETQUOTA":      {StateAuth, StateSelected},
	"GETQUOTAROOT":  {StateAuth, StateSelected},
	"ID":            {StateNonAuth, StateAuth, StateSelected},
	"IDLE":          {StateAuth, StateSelected},
	"MYRIGHTS":      {StateAuth, StateSelected},
	"LIST":          {StateAuth, StateSelected},
	"LOGIN":         {StateNonAuth},
	"LOGOUT":        {StateNonAuth, StateAuth, StateSelected, StateLogout},
	"LSUB":          {StateAuth, StateSelected},
	"MOVE":          {StateSelected},
	"NAMESPACE":     {StateAuth, StateSelected},
	"NOOP":          {StateNonAuth, StateAuth, StateSelected, StateLogout},
	"PARTIAL":       {StateSelected},
	"PROXYAUTH":     {StateAuth},
	"RENAME":        {StateAuth, StateSelected},
	"SEARCH":        {StateSelected},
	"SELECT":        {StateAuth, StateSelected},
	"SETACL":        {StateAuth, StateSelected},
	"SETANNOTATION": {StateAuth, StateSelected},
	"SETQUOTA":      {StateAuth, StateSelected},
	"SORT":          {StateSelected},
	"STARTTLS":      {StateNonAuth},
	"STATUS":        {StateAuth, StateSelected},
	"STORE":         {StateSelected},
	"SUBSCRIBE":     {StateAuth, StateSelected},
	"THREAD":        {StateSelected},
	"UID":           {StateSelected},
	"UNSUBSCRIBE":   {StateAuth, StateSelected},
	"UNSELECT":      {StateSelected},
}

// IMAP4 is a connection to an IMAP4rev1 server: Python's imaplib.IMAP4.
// Make one with New, IMAP4_SSL or IMAP4_stream and end it with Logout.
// Commands from several goroutines are sent one at a time; Shutdown, and
// Logout while another command runs, close the connection at once without
// waiting for it.
//
// With and WithContext return views of the same connection whose commands
// take options (Python's keyword arguments such as uid=True) or a context;
// the view shares everything else with the IMAP4 it came from.
type IMAP4 struct {
	*session
	call callOptions
}

// session is one connection as Python sees it, shared by an IMAP4 and
// every view of it: its state, capabilities and untagged store, over the
// engine that does its I/O.
type session struct {
	// cmdMu is held while a command runs, I/O included; nothing that
	// closes the connection waits for it.
	cmdMu sync.Mutex
	// unlock is cmdMu.Unlock, kept for begin; set under cmdMu.
	unlock func()
	opts   options
	e      *engine
	log    wireLog
	store  *store

	host string
	port int
	// tlsWrap, set by IMAP4_SSL, turns a new TCP connection into a TLS
	// one (Open uses it too, as Python's IMAP4_SSL.open does). It is a
	// function value so that programs that never use TLS do not link the
	// handshake.
	tlsWrap func(ctx context.Context, conn net.Conn, host string) (net.Conn, error)
	stream  string // IMAP4_stream's command

	// attrMu guards the attributes that accessors read from any goroutine;
	// only the goroutine running a command changes them.
	attrMu       sync.Mutex
	state        string
	welcome      []byte
	capabilities []string
	protocol     string
	utf8         bool
	isReadonly   bool

	tlsEstablished bool
	compressed     bool
	idler          *Idler // the IDLE in progress, if any
	extraCommands  map[string][]string
}

// New connects to an IMAP4 server over TCP, reads its greeting and its
// capabilities: Python's IMAP4(host, port, timeout). An empty host means
// localhost, port 0 means IMAP4_PORT.
func New(host string, port int, opts ...Option) (*IMAP4, error) {
	m, err := newIMAP4(host, port, IMAP4_PORT, opts)
	if err != nil {
		return nil, err
	}
	return m.dialAndGreet(host)
}

// dialAndGreet connects to host at m.port and reads the greeting: the
// rest of New and IMAP4_SSL.
func (m *IMAP4) dialAndGreet(host string) (*IMAP4, error) {
	if err := m.connect(func(ctx context.Context) error { return m.open(ctx, host, m.port) }); err != nil {
		return nil, err
	}
	return m, nil
}

func newIMAP4(host string, port, defPort int, opts []Option) (*IMAP4, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if o.badTimeout {
		return nil, &ArgumentError{Func: "New", Arg: "timeout", Msg: "Non-blocking socket (timeout=0) is not supported", Python: ValueError}
	}
	if o.maxLine <= 2 || o.maxLiteral < 0 || o.maxUntagged <= 0 {
		return nil, &ArgumentError{Func: "New", Arg: "limits", Msg: "limits must be positive", Python: ValueError}
	}
	if port == 0 {
		port = defPort
	}
	if port < 0 || port > 65535 {
		return nil, &ArgumentError{Func: "New", Arg: "port", Msg: "port must be 0-65535, got " + strconv.Itoa(port), Python: OverflowError}
	}
	s := &session{opts: o, host: host, port: port, state: StateLogout}
	s.log.out = o.debugOut
	s.log.setLevel(o.debug)
	s.store = newStore(o.maxUntagged, &s.log)
	s.e = newEngine(&s.opts, &s.log, s.store)
	return &IMAP4{session: s}, nil
}

// open is Python's open(): it makes the transport, within ctx.
func (m *IMAP4) open(ctx context.Context, host string, port int) error {
	dialHost := host
	if dialHost == "" {
		dialHost = "localhost"
	}
	d := net.Dialer{Timeout: m.opts.timeout}
	socket, err := d.DialContext(ctx, "tcp", net.JoinHostPort(dialHost, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	conn := socket
	if m.tlsWrap != nil {
		if conn, err = m.tlsWrap(ctx, socket, dialHost); err != nil {
			socket.Close()
			return err
		}
	}
	m.host, m.port = host, port
	m.e.attach(conn, socket, conn, nil)
	return nil
}

// connect makes the transport with dial and then reads the greeting and
// the capabilities (Python's __init__: open, then _connect), all within
// WithConnectContext's context. On failure nothing is left open.
func (m *IMAP4) connect(dial func(ctx context.Context) error) error {
	ctx := m.opts.connectCtx
	if ctx == nil {
		ctx = context.Background()
	}
	err := dial(ctx)
	if err == nil {
		disarm := m.e.dt.arm(m.opts.connectCtx)
		err = m.greet()
		disarm()
	}
	if err != nil {
		m.e.close()
		if cerr := ctx.Err(); cerr != nil && !isContextError(err) {
			err = &AbortError{Msg: "socket error: connecting interrupted: " + cerr.Error(), Err: cerr}
		}
	}
	return err
}

// greet is Python's _connect: greeting, state, capabilities, protocol
// version.
func (m *IMAP4) greet() error {
	m.e.tagPre = Int2AP(int64(4096 + rand.IntN(65536-4096)))
	if m.log.level() >= 1 {
		m.log.mesg("imaplib version " + pythonVersion)
		m.log.mesg("new IMAP4 connection, tag=" + pyBytesRepr(m.e.tagPre))
	}
	r, err := m.e.read(true)
	if err != nil {
		return err
	}
	if r.kind != respContinuation {
		m.setAttr(func() { m.welcome = r.line })
	}
	switch {
	case m.store.has("PREAUTH"):
		m.setState(StateAuth)
	case m.store.has("OK"):
		m.setState(StateNonAuth)
	default:
		return &Error{Msg: "invalid greeting: " + m.decode(r.line)}
	}
	if err := m.refreshCapabilities(true); err != nil {
		return err
	}
	if m.log.level() >= 3 {
		m.log.mesg("CAPABILITIES: " + pyTupleRepr(m.capabilities))
	}
	for _, v := range allowedVersions {
		if m.hasCapability(v) {
			m.setAttr(func() { m.protocol = v })
			return nil
		}
	}
	return &Error{Msg: "server not IMAP4 compliant"}
}

// setAttr changes attributes that accessors read from other goroutines.
func (m *IMAP4) setAttr(f func()) {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	f()
}

func (m *IMAP4) setState(s string) { m.setAttr(func() { m.state = s }) }

// refreshCapabilities takes the capabilities from an untagged CAPABILITY
// response or response code when the server sent one (consuming it only
// for the greeting, as CPython does after gh-155775), else asks for them.
func (m *IMAP4) refreshCapabilities(consume bool) error {
	if caps, _ := m.store.get("CAPABILITY"); len(caps) > 0 {
		if consume {
			m.store.pop("CAPABILITY")
		}
		m.setCapabilities(caps[len(caps)-1].Bytes)
		return nil
	}
	return m.getCapabilities()
}

// getCapabilities is Python's _get_capabilities: send CAPABILITY and keep
// the last answer.
func (m *IMAP4) getCapabilities() error {
	_, dat, err := m.untaggedCommand("CAPABILITY", "CAPABILITY", nil)
	if err != nil {
		return err
	}
	if len(dat) == 1 && dat[0].IsNone() {
		return &Error{Msg: "no CAPABILITY response from server"}
	}
	m.setCapabilities(dat[len(dat)-1].Bytes)
	return nil
}

func (m *IMAP4) setCapabilities(b []byte) {
	caps := strings.Fields(strings.ToUpper(m.decode(b)))
	m.setAttr(func() { m.capabilities = caps })
}

func (m *IMAP4) hasCapability(name string) bool {
	for _, c := range m.capabilities {
		if c == name {
			return true
		}
	}
	return false
}

// decode turns server text into a string as Python's
// bytes.decode(self._encoding, 'replace') does.
func (m *IMAP4) decode(b []byte) string {
	if m.utf8 {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	var sb strings.Builder
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(utf8.RuneError)
		}
	}
	return sb.String()
}

func (m *IMAP4) allowedStates(name string) ([]string, bool) {
	if s, ok := commandStates[name]; ok {
		return s, true
	}
	s, ok := m.extraCommands[name]
	return s, ok
}

// notIn314 lists the commands of commandStates that CPython 3.14.7's
// Commands table lacks. Xatom and Uid, which consult that table in
// CPython, do not see them: Xatom("ID") registers ID for the current state
// only, as CPython 3.14.7's xatom does.
var notIn314 = map[string]bool{"COMPRESS": true, "ID": true}

// cpythonStates is allowedStates as CPython 3.14.7's Commands table,
// with the names Xatom added on this connection, answers it.
func (m *IMAP4) cpythonStates(name string) ([]string, bool) {
	if s, ok := commandStates[name]; ok && !notIn314[name] {
		return s, true
	}
	s, ok := m.extraCommands[name]
	return s, ok
}

func (m *IMAP4) checkState(name string) error {
	states, _ := m.allowedStates(name)
	return m.checkStateIn(name, states)
}

// checkStateIn is Python's state check in _command, for the states given.
func (m *IMAP4) checkStateIn(name string, states []string) error {
	for _, s := range states {
		if s == m.state {
			return nil
		}
	}
	return &Error{Msg: fmt.Sprintf("command %s illegal in state %s, only allowed in states %s",
		name, m.state, strings.Join(states, ", "))}
}

// arg is one encoded command argument. A secret one (a password) is shown
// as *** in debug output.
type arg struct {
	b      []byte
	secret bool
	bytes  bool // already encoded (e.g. to a search charset): not text
}

// literal is the data that follows a command line after the server's
// continuation: APPEND's message or an authenticator's responses.
type literal struct {
	data []byte
	// crlf: data goes out as normalizeCRLF(data), of n bytes.
	crlf bool
	auth AuthFunc
	r    io.Reader // AppendReader's message, of n bytes
	n    int64
	// sync forces a synchronizing literal even under WithLiteralPlus: the
	// command line holds caller text the server is likely to reject with
	// BAD, and Dovecot 2.3 then reads a non-synchronizing literal as
	// commands.
	sync bool
	// authErr is the error an authenticator returned, if any: the cause
	// of the failure that follows.
	authErr error
}

func (l *literal) size() int64 {
	if l.r != nil || l.crlf {
		return l.n
	}
	return int64(len(l.data))
}

// command is Python's _command: check the state, send the command line and
// any literal, and return the command in flight without waiting for its
// completion.
func (m *IMAP4) command(name string, args []arg, lit *literal) (*command, error) {
	return m.send(&command{name: name, args: args, lit: lit})
}

// commandTo is command whose untagged data goes to snk instead of the
// store (nil: the store).
func (m *IMAP4) commandTo(snk sink, name string, args []arg, lit *literal) (*command, error) {
	return m.send(&command{name: name, args: args, lit: lit, sink: snk})
}

// send is _command for c, which may carry several literals (c.more): it
// checks the state and every argument, has the engine start c, and runs
// the continuation handshake until every literal is sent or the server
// completes c early.
func (m *IMAP4) send(c *command) (*command, error) {
	if err := m.checkState(c.name); err != nil {
		return nil, err
	}
	for _, t := range [...]string{"OK", "NO", "BAD"} {
		m.store.pop(t)
	}
	if m.store.has("READ-ONLY") && !m.isReadonly {
		return nil, &ReadOnlyError{Msg: "mailbox status changed to READ-ONLY"}
	}
	// Unlike CPython, a bad argument is refused before a tag is used or a
	// byte is written, so nothing is left half-sent.
	if err := m.checkArgs(c.name, c.args); err != nil {
		return nil, err
	}
	for _, s := range c.more {
		if err := m.checkArgs(c.name, s.args); err != nil {
			return nil, err
		}
	}
	if err := m.e.usable(); err != nil {
		return nil, err
	}
	if err := m.e.dt.ctxErr(); err != nil {
		return nil, &AbortError{Msg: "command not sent: " + err.Error(), Err: err}
	}
	if c.literals() > 0 {
		c.utf8 = m.utf8
		c.nonSync = m.nonSyncAllowed(c.lit)
		for i := range c.more {
			c.more[i].nonSync = m.nonSyncAllowed(c.more[i].lit)
		}
	}
	if err := m.e.start(c); err != nil {
		return nil, err
	}
	for c.awaitsContinuation() {
		r, err := m.e.read(false)
		if err != nil {
			return c, err
		}
		if c.done != nil {
			// The server completed the command early, as with a NO to
			// APPEND: no literal (no further one) goes out.
			return c, nil
		}
		if r.kind != respContinuation {
			continue
		}
		if c.lit.auth != nil {
			err = m.e.writeLine(authResponse(c.lit, m.e.cont))
		} else {
			err = m.e.sendLiterals(nil, c)
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkArgs refuses arguments of command name that cannot go on its line.
func (m *IMAP4) checkArgs(name string, args []arg) error {
	for _, a := range args {
		if err := checkLineSafe(name, "", a.b); err != nil {
			return err
		}
		// Python encodes a str argument with the connection's encoding,
		// ASCII until UTF8=ACCEPT is enabled.
		if !a.bytes {
			if err := m.checkEncodable(name, "", string(a.b)); err != nil {
				return err
			}
		}
	}
	return nil
}

// nonSyncAllowed reports whether the message literal lit goes out
// non-synchronizing ({N+}, RFC 7888): only when the caller opted in
// (WithLiteralPlus), lit is not marked sync, and the server allows it. A
// server that refuses the command may read such a literal as commands.
func (m *IMAP4) nonSyncAllowed(lit *literal) bool {
	return m.opts.literalPlus && !lit.sync &&
		(m.hasCapability("LITERAL+") || (m.hasCapability("LITERAL-") && lit.size() <= 4096))
}

// checkLineSafe refuses NUL, CR and LF in text that goes into a command
// line: they would end the line and start another command.
func checkLineSafe(fn, argName string, b []byte) error {
	if bytes.ContainsAny(b, "\x00\r\n") {
		return &ArgumentError{Func: fn, Arg: argName, Msg: "NUL, CR and LF not allowed in commands", Python: ValueError}
	}
	return nil
}

// commandComplete is Python's _command_complete: wait for c's tagged
// response and turn BYE and BAD into errors.
func (m *IMAP4) commandComplete(c *command) (string, []Datum, error) {
	name := c.name
	logout := name == "LOGOUT"
	if !logout {
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
	}
	typ, data, err := m.getTaggedResponse(c, logout)
	if err != nil {
		return "", nil, waitError(name, err)
	}
	if !logout {
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
	}
	if typ == "BAD" {
		return "", nil, badReply(name, typ, data)
	}
	return typ, data, nil
}

// waitError is a failure while command name waited for its completion, as
// Python's _command_complete words it: "command: NAME => ...", of the
// same class.
func waitError(name string, err error) error {
	switch e := err.(type) {
	case *AbortError:
		return &AbortError{Msg: fmt.Sprintf("command: %s => %s", name, e.Msg), Err: e}
	case *Error:
		return &Error{Msg: fmt.Sprintf("command: %s => %s", name, e.Msg), Err: e}
	}
	return err
}

// badReply is the *Error Python raises for a tagged BAD to command name.
func badReply(name, typ string, data []Datum) error {
	return &Error{Msg: fmt.Sprintf("%s command error: %s %s", name, typ, dataListRepr(data))}
}

func dataListRepr(data []Datum) string {
	var b strings.Builder
	writeDataRepr(&b, data)
	return b.String()
}

// getTaggedResponse is Python's _get_tagged_response.
func (m *IMAP4) getTaggedResponse(c *command, expectBye bool) (string, []Datum, error) {
	for {
		if c.done != nil {
			res := m.e.complete(c)
			return res.typ, res.data, nil
		}
		if expectBye {
			if bye, ok := m.store.pop("BYE"); ok {
				return "BYE", bye, nil
			}
		}
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
		if _, err := m.e.read(false); err != nil {
			if _, ok := err.(*AbortError); ok && m.log.level() >= 1 {
				m.log.print()
			}
			return "", nil, err
		}
	}
}

// checkBye is Python's _check_bye: a stored BYE aborts every command.
func (m *IMAP4) checkBye() error {
	if bye, _ := m.store.get("BYE"); len(bye) > 0 {
		return &AbortError{Msg: m.decode(bye[len(bye)-1].Bytes)}
	}
	return nil
}

// simple is Python's _simple_command.
func (m *IMAP4) simple(name string, args ...arg) (string, []Datum, error) {
	return m.simpleTo(nil, name, args...)
}

// simpleTo is simple whose untagged data goes to snk (nil: the store).
func (m *IMAP4) simpleTo(snk sink, name string, args ...arg) (string, []Datum, error) {
	c, err := m.commandTo(snk, name, args, nil)
	if err != nil {
		return "", nil, err
	}
	return m.commandComplete(c)
}

// untaggedCommand runs a command and returns the untagged responses named
// resp, as Python's _untagged_response(*_simple_command(...), resp).
func (m *IMAP4) untaggedCommand(name, resp string, args []arg) (string, []Datum, error) {
	typ, dat, err := m.simple(name, args...)
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, resp)
	return typ, dat, nil
}

// untaggedResponse is Python's _untagged_response: on NO the tagged data
// is returned and the store left alone; otherwise the named responses are
// taken from the store, or [None] when there are none.
func (m *IMAP4) untaggedResponse(typ string, dat []Datum, name string) (string, []Datum) {
	if typ == "NO" {
		return typ, dat
	}
	data, ok := m.store.pop(name)
	if !ok {
		return typ, []Datum{{}}
	}
	if m.log.level() >= 5 {
		m.log.mesg(fmt.Sprintf("untagged_responses[%s] => %s", name, dataListRepr(data)))
	}
	return typ, data
}

// AuthFunc is Python's authobject for Authenticate. It is called with each
// server challenge, already base64-decoded (empty for an empty challenge),
// and returns the response, which the engine base64-encodes. Returning an
// error sends the client abort "*" (Python's None); the server then fails
// the command, and Authenticate's *Error carries this error as its cause.
type AuthFunc func(challenge []byte) (response []byte, err error)

// authResponse turns a continuation's text into the next line of an
// AUTHENTICATE exchange.
func authResponse(lit *literal, cont []byte) []byte {
	challenge, err := decodeBase64Lenient(cont)
	if err == nil {
		var resp []byte
		if resp, err = lit.auth(challenge); err == nil {
			out := make([]byte, base64.StdEncoding.EncodedLen(len(resp)))
			base64.StdEncoding.Encode(out, resp)
			return out
		}
	}
	lit.authErr = err
	return []byte("*")
}

// decodeBase64Lenient decodes like Python's binascii.a2b_base64: bytes
// outside the base64 alphabet are skipped, missing padding is tolerated.
func decodeBase64Lenient(in []byte) ([]byte, error) {
	clean := make([]byte, 0, len(in))
	for _, c := range in {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
			clean = append(clean, c)
		}
	}
	return base64.RawStdEncoding.DecodeString(string(clean))
}

func itoa(n int) string { return strconv.Itoa(n) }

// Capabilities returns the server's capabilities, upper-cased, as Python's
// IMAP4.capabilities. They are refreshed after the greeting, LOGIN,
// AUTHENTICATE and STARTTLS.
func (m *IMAP4) Capabilities() []string {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	return append([]string(nil), m.capabilities...)
}

// ProtocolVersion is Python's PROTOCOL_VERSION: "IMAP4REV1" or "IMAP4".
func (m *IMAP4) ProtocolVersion() string {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	return m.protocol
}

// State returns the connection state: "LOGOUT", "NONAUTH", "AUTH",
// "SELECTED" or "IDLING".
func (m *IMAP4) State() string {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	return m.state
}

// Welcome returns the server's greeting line (nil if it was a
// continuation), as Python's IMAP4.welcome.
func (m *IMAP4) Welcome() []byte {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	return bytes.Clone(m.welcome)
}

// Debug returns the debug level (see WithDebug).
func (m *IMAP4) Debug() int { return m.log.level() }

// SetDebug changes the debug level, as assigning Python's IMAP4.debug. It
// takes effect at once, also for a command that is running.
func (m *IMAP4) SetDebug(level int) { m.log.setLevel(level) }

// UTF8Enabled reports whether ENABLE UTF8=ACCEPT succeeded (Python's
// utf8_enabled): arguments and mailbox names are then sent as UTF-8.
func (m *IMAP4) UTF8Enabled() bool {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	return m.utf8
}

// IsReadonly reports whether the last Select asked for read-only access.
func (m *IMAP4) IsReadonly() bool {
	m.attrMu.Lock()
	defer m.attrMu.Unlock()
	return m.isReadonly
}

// UntaggedResponses returns a copy of the untagged store: every response
// received and not yet returned by a command or by Response. It does not
// wait for a running command.
func (m *IMAP4) UntaggedResponses() map[string][]Datum {
	return m.store.snapshot()
}

// PrintLog writes the last lines sent and received to the debug output,
// as Python's print_log. Lines are kept only at debug level 1 and above.
func (m *IMAP4) PrintLog() {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	m.log.print()
}

// Socket returns the network connection (a *net.TCPConn, or a *tls.Conn
// for IMAP4_SSL and after Starttls), or nil for IMAP4_stream. Reading or
// writing it directly puts the client out of step with the server. It
// does not wait for a running command.
func (m *IMAP4) Socket() net.Conn {
	return m.e.socketConn()
}

// Shutdown closes the connection without LOGOUT (and, for IMAP4_stream,
// waits for the child to exit), as Python's shutdown(). It does not wait
// for a running command: that command fails at once with an *AbortError.
func (m *IMAP4) Shutdown() error {
	return m.e.close()
}

// Open closes the current connection, if any, and opens a new one to
// host and port (0 means the default port of the constructor), without
// reading a greeting: Python's open(), which the constructors call. Use
// Read and Readline to talk over it.
func (m *IMAP4) Open(host string, port int) error {
	m.e.close()
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	if m.stream != "" {
		return &Error{Msg: "Open is not available on an IMAP4_stream connection"}
	}
	if port == 0 {
		port = IMAP4_PORT
		if m.tlsWrap != nil {
			port = IMAP4_SSL_PORT
		}
	}
	ctx := m.opts.connectCtx
	if ctx == nil {
		ctx = context.Background()
	}
	return m.open(ctx, host, port)
}

// Read reads exactly size bytes from the server, fewer at end of stream,
// as Python's read().
func (m *IMAP4) Read(size int) ([]byte, error) {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	return m.e.readRaw(size)
}

// Readline reads one line from the server, with its CRLF, as Python's
// readline(); an over-long line is an *Error.
func (m *IMAP4) Readline() ([]byte, error) {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	line, err := m.e.readLine()
	return bytes.Clone(line), err
}

// Send writes data to the server as it is, as Python's send().
func (m *IMAP4) Send(data []byte) error {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	if err := m.e.usable(); err != nil {
		return err
	}
	return m.e.write(data)
}

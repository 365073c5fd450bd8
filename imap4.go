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
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/goimaplib/imaplib/internal/pollconn"
)

// Default ports, as Python's IMAP4_PORT and IMAP4_SSL_PORT.
const (
	IMAP4_PORT     = 143
	IMAP4_SSL_PORT = 993
)

// AllowedVersions are the protocol versions the client accepts, most
// recent first; the first one the server advertises becomes
// ProtocolVersion.
var AllowedVersions = []string{"IMAP4REV1", "IMAP4"}

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

// An Option changes how a connection is made or behaves.
type Option func(*options)

type options struct {
	timeout     time.Duration
	badTimeout  bool
	tlsConfig   *tls.Config
	debug       int
	debugOut    io.Writer
	maxLine     int
	maxLiteral  int64
	maxUntagged int64
	literalPlus bool
}

func defaultOptions() options {
	return options{
		debugOut:    os.Stderr,
		maxLine:     DefaultMaxLine,
		maxLiteral:  DefaultMaxLiteral,
		maxUntagged: DefaultMaxUntagged,
	}
}

// WithTimeout bounds connecting and every single read or write on the
// connection, as Python's timeout argument does. A duration of zero or
// less is refused, as Python refuses timeout=0.
func WithTimeout(d time.Duration) Option {
	return func(o *options) {
		o.timeout = d
		o.badTimeout = d <= 0
	}
}

// WithTLSConfig sets the TLS configuration for IMAP4_SSL and Starttls.
// Without it the certificate chain and host name are verified against the
// system roots with TLS 1.2 at least; a config that sets no ServerName gets
// the host name the connection was made to.
func WithTLSConfig(c *tls.Config) Option {
	return func(o *options) { o.tlsConfig = c }
}

// WithDebug sets the debug level, Python's IMAP4.debug: 1 reports NO, BAD
// and BYE responses, 3 capabilities, 4 every line sent and received, 5 the
// untagged store. Passwords and authentication data are never printed.
func WithDebug(level int) Option {
	return func(o *options) { o.debug = level }
}

// WithDebugOutput sends debug messages to w instead of os.Stderr.
func WithDebugOutput(w io.Writer) Option {
	return func(o *options) { o.debugOut = w }
}

// WithMaxLineLength sets the longest response line accepted, CRLF
// included (default DefaultMaxLine, CPython's _MAXLINE, but per connection).
func WithMaxLineLength(n int) Option {
	return func(o *options) { o.maxLine = n }
}

// WithMaxLiteralSize sets the largest literal the server may send (default
// DefaultMaxLiteral). Memory for a literal grows only as its bytes arrive.
func WithMaxLiteralSize(n int64) Option {
	return func(o *options) { o.maxLiteral = n }
}

// WithMaxUntaggedSize bounds the bytes the untagged store may hold at once
// (default DefaultMaxUntagged). Data a command returns leaves the store.
func WithMaxUntaggedSize(n int64) Option {
	return func(o *options) { o.maxUntagged = n }
}

// WithLiteralPlus lets Append and AppendReader send their message as a
// non-synchronizing literal ({N+}, RFC 7888) when the server advertises
// LITERAL+ (or LITERAL-, for messages of at most 4096 bytes), saving the
// round trip that waits for the server's "+". Without it every literal is
// synchronizing, as in CPython.
//
// The risk: a server that refuses the APPEND (an unknown flag, a missing
// mailbox, a message over its size limit) has already been sent the
// message, and some servers then read the message's lines as commands;
// Dovecot 2.3 does after a BAD. Use it only for messages you trust, such
// as ones your program wrote. Flags or a date that are not well formed,
// and the UTF8 form of APPEND, still go out synchronizing.
func WithLiteralPlus() Option {
	return func(o *options) { o.literalPlus = true }
}

// IMAP4 is a connection to an IMAP4rev1 server: Python's imaplib.IMAP4.
// Make one with New, IMAP4_SSL or IMAP4_stream and end it with Logout.
// Commands from several goroutines are sent one at a time.
//
// With and WithContext return views of the same connection whose commands
// take options (Python's keyword arguments such as uid=True) or a context;
// the view shares everything else with the IMAP4 it came from.
type IMAP4 struct {
	*session
	call callOptions
}

// session is the state of one connection, shared by an IMAP4 and every
// view of it.
type session struct {
	mu   sync.Mutex
	opts options

	host string
	port int
	conn net.Conn // the socket; nil for IMAP4_stream
	// wrapConn, set by IMAP4_SSL, turns a new TCP connection into a TLS
	// one (Open uses it too, as Python's IMAP4_SSL.open does). It is a
	// function value so that programs that never use IMAP4_SSL or
	// Starttls do not link the TLS handshake: 0.7 MB of peak RSS in a
	// small program.
	wrapConn func(conn net.Conn, host string) (net.Conn, error)
	tr       transport
	dt       *deadlineTransport
	r        *bufio.Reader
	// partial holds the start of a line whose rest had not arrived when
	// an IDLE wait timed out; the next read continues it.
	partial []byte
	// lineBuf is where lines longer than the read buffer are assembled.
	lineBuf []byte
	proc    *streamProcess // IMAP4_stream's child

	dead   error // set when the connection can no longer be used
	closed bool

	debug    int
	cmdLog   [cmdLogLen]logEntry
	cmdLogAt int

	state          string
	tagPre         []byte
	tagNum         int
	tagged         map[string]*taggedResult
	untagged       map[string][]Datum
	untaggedOrder  []string // keys of untagged in insertion order, as Python's dict
	untaggedSize   int64
	cont           []byte
	isReadonly     bool
	welcome        []byte
	capabilities   []string
	protocol       string
	utf8           bool
	tlsEstablished bool
	compressed     bool
	extraCommands  map[string][]string
	wbuf           []byte

	active context.Context // the running command's context, if any

	// literalSink, during FetchStream, receives literals instead of the
	// store; sinkErr is the first error it returned.
	literalSink func(header []byte, literal io.Reader) error
	sinkErr     error

	idleCapture bool
	idleQueue   []idleResponse
	authErr     error
}

// transport is what the engine reads and writes: a socket, a TLS session
// or a child process's pipes.
type transport interface {
	io.ReadWriteCloser
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// New connects to an IMAP4 server over TCP, reads its greeting and its
// capabilities: Python's IMAP4(host, port, timeout). An empty host means
// localhost, port 0 means IMAP4_PORT.
func New(host string, port int, opts ...Option) (*IMAP4, error) {
	m, err := newIMAP4(host, port, IMAP4_PORT, opts)
	if err != nil {
		return nil, err
	}
	if err := m.open(host, m.port); err != nil {
		return nil, err
	}
	if err := m.connect(); err != nil {
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
	m := &IMAP4{session: &session{opts: o, debug: o.debug, host: host, port: port, state: StateLogout}}
	m.tagged = make(map[string]*taggedResult)
	m.untagged = make(map[string][]Datum)
	return m, nil
}

// open is Python's open(): it makes the transport.
func (m *IMAP4) open(host string, port int) error {
	dialHost := host
	if dialHost == "" {
		dialHost = "localhost"
	}
	d := net.Dialer{Timeout: m.opts.timeout}
	conn, err := d.Dial("tcp", net.JoinHostPort(dialHost, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	conn = pollconn.Wrap(conn)
	if m.wrapConn != nil {
		if conn, err = m.wrapConn(conn, dialHost); err != nil {
			return err
		}
	}
	m.host, m.port = host, port
	m.setTransport(conn, conn)
	return nil
}

func (m *IMAP4) setTransport(conn net.Conn, tr transport) {
	m.conn = conn
	m.dt = &deadlineTransport{transport: tr, timeout: m.opts.timeout}
	m.tr = m.dt
	m.r = bufio.NewReaderSize(m.tr, readBufferSize)
	m.partial = nil
	m.dead, m.closed = nil, false
}

const readBufferSize = 64 << 10

// connect is Python's _connect: greeting, state, capabilities, protocol
// version. On failure the transport is shut down.
func (m *IMAP4) connect() error {
	err := m.greet()
	if err != nil {
		m.shutdown()
	}
	return err
}

func (m *IMAP4) greet() error {
	m.tagPre = Int2AP(int64(4096 + rand.IntN(65536-4096)))
	if m.debug >= 1 {
		m.mesg("imaplib version " + pythonVersion)
		m.mesg("new IMAP4 connection, tag=" + pyBytesRepr(m.tagPre))
	}
	kind, line, err := m.readResponse(true)
	if err != nil {
		return err
	}
	if kind != respContinuation {
		m.welcome = line
	}
	switch {
	case m.untagged["PREAUTH"] != nil:
		m.state = StateAuth
	case m.untagged["OK"] != nil:
		m.state = StateNonAuth
	default:
		return &Error{Msg: "invalid greeting: " + m.decode(line)}
	}
	if err := m.refreshCapabilities(true); err != nil {
		return err
	}
	if m.debug >= 3 {
		m.mesg("CAPABILITIES: " + pyTupleRepr(m.capabilities))
	}
	for _, v := range AllowedVersions {
		if m.hasCapability(v) {
			m.protocol = v
			return nil
		}
	}
	return &Error{Msg: "server not IMAP4 compliant"}
}

// refreshCapabilities takes the capabilities from an untagged CAPABILITY
// response or response code when the server sent one (consuming it only
// for the greeting, as CPython does after gh-155775), else asks for them.
func (m *IMAP4) refreshCapabilities(consume bool) error {
	if caps := m.untagged["CAPABILITY"]; len(caps) > 0 {
		if consume {
			m.popUntagged("CAPABILITY")
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
	m.capabilities = strings.Fields(strings.ToUpper(m.decode(b)))
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

// fail marks the connection dead after a transport or protocol failure, so
// that later commands fail at once instead of reading out of step.
func (m *IMAP4) fail(err error) error {
	if m.dead == nil {
		m.dead = err
	}
	return err
}

// usable reports why no command can be sent, if none can.
func (m *IMAP4) usable() error {
	if m.closed {
		return &AbortError{Msg: "socket error: connection closed", Err: net.ErrClosed}
	}
	if m.dead != nil {
		return &AbortError{Msg: "socket error: connection unusable after an earlier failure: " + m.dead.Error(), Err: m.dead}
	}
	return nil
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
	auth AuthFunc
	r    io.Reader // AppendReader's message, of n bytes
	n    int64
	// sync forces a synchronizing literal even under WithLiteralPlus: the
	// command line holds caller text the server is likely to reject with
	// BAD, and Dovecot 2.3 then reads a non-synchronizing literal as
	// commands.
	sync bool
}

func (l *literal) size() int64 {
	if l.r != nil {
		return l.n
	}
	return int64(len(l.data))
}

// command is Python's _command: check the state, send the command line and
// any literal, and return the tag without waiting for completion.
func (m *IMAP4) command(name string, args []arg, lit *literal) (string, error) {
	if err := m.checkState(name); err != nil {
		return "", err
	}
	for _, t := range [...]string{"OK", "NO", "BAD"} {
		m.popUntagged(t)
	}
	if m.untagged["READ-ONLY"] != nil && !m.isReadonly {
		return "", &ReadOnlyError{Msg: "mailbox status changed to READ-ONLY"}
	}
	// Unlike CPython, a bad argument is refused before a tag is used or a
	// byte is written, so nothing is left half-sent.
	for _, a := range args {
		if bytes.ContainsAny(a.b, "\x00\r\n") {
			return "", &ArgumentError{Func: name, Msg: "NUL, CR and LF not allowed in commands", Python: ValueError}
		}
		// Python encodes a str argument with the connection's encoding,
		// ASCII until UTF8=ACCEPT is enabled.
		if !a.bytes {
			if err := m.checkEncodable(name, "", string(a.b)); err != nil {
				return "", err
			}
		}
	}
	if err := m.usable(); err != nil {
		return "", err
	}
	if m.active != nil {
		if err := m.active.Err(); err != nil {
			return "", &AbortError{Msg: "command not sent: " + err.Error(), Err: err}
		}
	}

	tag := m.newTag()
	w := append(m.wbuf[:0], tag...)
	w = append(w, ' ')
	w = append(w, name...)
	for _, a := range args {
		if a.b == nil {
			continue
		}
		w = append(w, ' ')
		w = append(w, a.b...)
	}
	// A message literal goes out non-synchronizing ({N+}, RFC 7888) only
	// when the caller opted in (WithLiteralPlus) and the server allows it:
	// a server that refuses the command may read the literal as commands.
	nonSync := false
	if lit != nil && lit.auth == nil {
		size := lit.size()
		nonSync = m.opts.literalPlus && !lit.sync && (m.hasCapability("LITERAL+") || (m.hasCapability("LITERAL-") && size <= 4096))
		plus := ""
		if nonSync {
			plus = "+"
		}
		if m.utf8 {
			w = fmt.Appendf(w, " UTF8 (~{%d%s}", size, plus)
		} else {
			w = fmt.Appendf(w, " {%d%s}", size, plus)
		}
	}
	m.logCommand(tag, name, args, w)
	w = append(w, crlf...)
	m.wbuf = w
	if lit == nil {
		return tag, m.send(w)
	}
	if nonSync {
		return tag, m.sendLiteral(w, lit)
	}
	if err := m.send(w); err != nil {
		return "", err
	}
	for {
		done, err := m.waitContinuation(tag)
		if err != nil || done {
			return tag, err
		}
		if lit.auth == nil {
			return tag, m.sendLiteral(nil, lit)
		}
		resp, err := m.authResponse(lit.auth)
		if err != nil {
			return tag, err
		}
		if err := m.send(append(resp, crlf...)); err != nil {
			return tag, err
		}
	}
}

// waitContinuation reads responses until the server asks for more (a "+"
// line) or completes the command early, as with a NO to APPEND.
func (m *IMAP4) waitContinuation(tag string) (done bool, err error) {
	for {
		kind, _, err := m.getResponse()
		if err != nil {
			return false, err
		}
		if kind == respContinuation {
			return false, nil
		}
		if m.tagged[tag] != nil {
			return true, nil
		}
	}
}

func (m *IMAP4) newTag() string {
	tag := string(m.tagPre) + strconv.Itoa(m.tagNum)
	m.tagNum++
	m.tagged[tag] = nil
	return tag
}

// send writes b to the server; a failure retires the connection.
func (m *IMAP4) send(b []byte) error {
	if _, err := m.tr.Write(b); err != nil {
		return m.ioFailure(err)
	}
	return nil
}

// sendLiteral writes what precedes a literal (the command line, when it
// needs no continuation), the literal and what ends it, in one write where
// that costs no copy of a large literal.
func (m *IMAP4) sendLiteral(head []byte, lit *literal) error {
	tail := crlf
	if m.utf8 {
		tail = []byte(")\r\n")
	}
	if m.debug >= 4 {
		m.mesg(fmt.Sprintf("write literal size %d", lit.size()))
	}
	if lit.r != nil {
		return m.sendLiteralReader(head, lit, tail)
	}
	if len(lit.data) <= 64<<10 {
		buf := make([]byte, 0, len(head)+len(lit.data)+len(tail))
		return m.send(append(append(append(buf, head...), lit.data...), tail...))
	}
	if len(head) > 0 {
		if err := m.send(head); err != nil {
			return err
		}
	}
	if err := m.send(lit.data); err != nil {
		return err
	}
	return m.send(tail)
}

// commandComplete is Python's _command_complete: wait for the tagged
// response of tag and turn BYE and BAD into errors.
func (m *IMAP4) commandComplete(name, tag string) (string, []Datum, error) {
	logout := name == "LOGOUT"
	if !logout {
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
	}
	typ, data, err := m.getTaggedResponse(tag, logout)
	if err != nil {
		switch e := err.(type) {
		case *AbortError:
			return "", nil, &AbortError{Msg: fmt.Sprintf("command: %s => %s", name, e.Msg), Err: e}
		case *Error:
			return "", nil, &Error{Msg: fmt.Sprintf("command: %s => %s", name, e.Msg), Err: e}
		}
		return "", nil, err
	}
	if !logout {
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
	}
	if typ == "BAD" {
		return "", nil, &Error{Msg: fmt.Sprintf("%s command error: %s %s", name, typ, dataListRepr(data))}
	}
	return typ, data, nil
}

func dataListRepr(data []Datum) string {
	var b strings.Builder
	writeDataRepr(&b, data)
	return b.String()
}

// getTaggedResponse is Python's _get_tagged_response.
func (m *IMAP4) getTaggedResponse(tag string, expectBye bool) (string, []Datum, error) {
	for {
		if res := m.tagged[tag]; res != nil {
			delete(m.tagged, tag)
			return res.typ, res.data, nil
		}
		if expectBye {
			if bye, ok := m.untagged["BYE"]; ok {
				m.popUntagged("BYE")
				return "BYE", bye, nil
			}
		}
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
		if _, _, err := m.getResponse(); err != nil {
			if _, ok := err.(*AbortError); ok && m.debug >= 1 {
				m.printLog()
			}
			return "", nil, err
		}
	}
}

// checkBye is Python's _check_bye: a stored BYE aborts every command.
func (m *IMAP4) checkBye() error {
	if bye := m.untagged["BYE"]; len(bye) > 0 {
		return &AbortError{Msg: m.decode(bye[len(bye)-1].Bytes)}
	}
	return nil
}

// simple is Python's _simple_command.
func (m *IMAP4) simple(name string, args ...arg) (string, []Datum, error) {
	tag, err := m.command(name, args, nil)
	if err != nil {
		return "", nil, err
	}
	return m.commandComplete(name, tag)
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
	data, ok := m.popUntagged(name)
	if !ok {
		return typ, []Datum{{}}
	}
	if m.debug >= 5 {
		m.mesg(fmt.Sprintf("untagged_responses[%s] => %s", name, dataListRepr(data)))
	}
	return typ, data
}

// popUntagged removes and returns the responses stored under name.
func (m *IMAP4) popUntagged(name string) ([]Datum, bool) {
	data, ok := m.untagged[name]
	if !ok {
		return nil, false
	}
	delete(m.untagged, name)
	m.untaggedOrder = slices.DeleteFunc(m.untaggedOrder, func(k string) bool { return k == name })
	for _, d := range data {
		m.untaggedSize -= int64(len(d.Bytes) + len(d.Literal))
	}
	return data, true
}

func (m *IMAP4) flushUntagged() {
	clear(m.untagged)
	m.untaggedOrder = m.untaggedOrder[:0]
	m.untaggedSize = 0
}

// shutdown is Python's shutdown(): close the transport and, for
// IMAP4_stream, reap the child.
func (m *IMAP4) shutdown() error {
	if m.closed || m.tr == nil {
		return nil
	}
	m.closed = true
	var err error
	if m.proc != nil {
		err = m.proc.close()
	} else {
		err = m.tr.Close()
	}
	return err
}

// AuthFunc is Python's authobject for Authenticate. It is called with each
// server challenge, already base64-decoded (empty for an empty challenge),
// and returns the response, which the engine base64-encodes. Returning an
// error sends the client abort "*" (Python's None); the server then fails
// the command, and Authenticate's *Error carries this error as its cause.
type AuthFunc func(challenge []byte) (response []byte, err error)

// authResponse turns the pending continuation into the next line of an
// AUTHENTICATE exchange.
func (m *IMAP4) authResponse(f AuthFunc) ([]byte, error) {
	challenge, err := decodeBase64Lenient(m.cont)
	if err == nil {
		var resp []byte
		if resp, err = f(challenge); err == nil {
			out := make([]byte, base64.StdEncoding.EncodedLen(len(resp)))
			base64.StdEncoding.Encode(out, resp)
			return out, nil
		}
	}
	m.authErr = err
	return []byte("*"), nil
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
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.capabilities...)
}

// ProtocolVersion is Python's PROTOCOL_VERSION: "IMAP4REV1" or "IMAP4".
func (m *IMAP4) ProtocolVersion() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.protocol
}

// State returns the connection state: "LOGOUT", "NONAUTH", "AUTH",
// "SELECTED" or "IDLING".
func (m *IMAP4) State() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// Welcome returns the server's greeting line (nil if it was a
// continuation), as Python's IMAP4.welcome.
func (m *IMAP4) Welcome() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.welcome)
}

// Debug returns the debug level (see WithDebug).
func (m *IMAP4) Debug() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.debug
}

// SetDebug changes the debug level, as assigning Python's IMAP4.debug.
func (m *IMAP4) SetDebug(level int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.debug = level
}

// UTF8Enabled reports whether ENABLE UTF8=ACCEPT succeeded (Python's
// utf8_enabled): arguments and mailbox names are then sent as UTF-8.
func (m *IMAP4) UTF8Enabled() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.utf8
}

// IsReadonly reports whether the last Select asked for read-only access.
func (m *IMAP4) IsReadonly() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.isReadonly
}

// UntaggedResponses returns a copy of the untagged store: every response
// received and not yet returned by a command or by Response.
func (m *IMAP4) UntaggedResponses() map[string][]Datum {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]Datum, len(m.untagged))
	for k, v := range m.untagged {
		out[k] = append([]Datum(nil), v...)
	}
	return out
}

// PrintLog writes the last lines sent and received to the debug output,
// as Python's print_log. Lines are kept only at debug level 1 and above.
func (m *IMAP4) PrintLog() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.printLog()
}

// Socket returns the network connection (a *net.TCPConn, a *tls.Conn for
// IMAP4_SSL or after Starttls), or nil for IMAP4_stream. Reading or writing
// it directly puts the client out of step with the server. Under TLS, the
// *tls.Conn's NetConn is the package's reader around the *net.TCPConn (see
// "Reads wait in the kernel first" in the README), not the *net.TCPConn.
func (m *IMAP4) Socket() net.Conn {
	m.mu.Lock()
	defer m.mu.Unlock()
	return pollconn.Unwrap(m.conn)
}

// Shutdown closes the connection without LOGOUT (and, for IMAP4_stream,
// waits for the child to exit), as Python's shutdown().
func (m *IMAP4) Shutdown() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.shutdown()
}

// Open closes the current connection, if any, and opens a new one to
// host and port (0 means the default port of the constructor), without
// reading a greeting: Python's open(), which the constructors call. Use
// Read and Readline to talk over it.
func (m *IMAP4) Open(host string, port int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc != nil {
		return &Error{Msg: "Open is not available on an IMAP4_stream connection"}
	}
	if port == 0 {
		port = IMAP4_PORT
		if m.wrapConn != nil {
			port = IMAP4_SSL_PORT
		}
	}
	m.shutdown()
	return m.open(host, port)
}

// Read reads exactly size bytes from the server, fewer at end of stream,
// as Python's read().
func (m *IMAP4) Read(size int) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	buf := make([]byte, size)
	n, err := io.ReadFull(m.r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:n], err
}

// Readline reads one line from the server, with its CRLF, as Python's
// readline(); an over-long line is an *Error.
func (m *IMAP4) Readline() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	line, err := m.readLine()
	return bytes.Clone(line), err
}

// Send writes data to the server as it is, as Python's send().
func (m *IMAP4) Send(data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return err
	}
	return m.send(data)
}

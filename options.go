package imaplib

import (
	"context"
	"crypto/tls"
	"io"
	"os"
	"time"
)

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
	connectCtx  context.Context
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

// WithConnectContext bounds making the connection with ctx: the dial, the
// TLS handshake of IMAP4_SSL, the greeting and the first CAPABILITY, as
// well as the same steps of Open. When ctx is done the constructor
// returns at once with an error that wraps ctx.Err(), and nothing is left
// open. It does not bound the commands that follow (see WithContext).
func WithConnectContext(ctx context.Context) Option {
	return func(o *options) { o.connectCtx = ctx }
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

// WithLiteralPlus lets Append, AppendReader and AppendMany send their
// messages as non-synchronizing literals ({N+}, RFC 7888) when the server
// advertises LITERAL+ (or LITERAL-, for messages of at most 4096 bytes),
// saving the round trip that waits for the server's "+" before each
// message. Without it every literal is synchronizing, as in CPython.
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

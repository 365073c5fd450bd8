package imaplib

import "context"

// A CallOption changes how the commands of a view made by With are sent,
// as Python's keyword arguments do for one call.
type CallOption func(*callOptions)

type callOptions struct {
	ctx         context.Context
	uid         bool
	params      []any
	hasParams   bool
	keepEndings bool
}

// UID makes Copy, Move, Fetch, Store, Search, Sort, Thread and Expunge
// work on UIDs, as Python 3.16's uid=True: M.With(imaplib.UID).Fetch(...).
var UID CallOption = func(o *callOptions) { o.uid = true }

// Params supplies the values for the placeholders of the criteria or items
// of Search, Fetch, Sort, Thread and Uid, as Python 3.16's params=: "?" is
// an astring (an int a number, a []string a parenthesised list), "?f" a
// flag or []string of flags, "?s" a message set (an int, a []int, a
// SeqRange or a string), "??" a literal "?". Without Params a "?" is sent
// as it is.
func Params(values ...any) CallOption {
	return func(o *callOptions) {
		o.params = values
		o.hasParams = true
	}
}

// KeepLineEndings makes Append send the message byte for byte, as Python
// 3.16's translate_line_endings=False; by default bare CR and LF become
// CRLF.
var KeepLineEndings CallOption = func(o *callOptions) { o.keepEndings = true }

// With returns a view of the connection whose commands use opts; m itself
// is unchanged. Views share the connection, its state and its lock.
func (m *IMAP4) With(opts ...CallOption) *IMAP4 {
	v := &IMAP4{session: m.session, call: m.call}
	v.call.params = nil
	v.call.hasParams = false
	for _, o := range opts {
		o(&v.call)
	}
	return v
}

// WithContext returns a view of the connection whose commands end when ctx
// is done: a command waiting for its reply fails with ctx's error, and the
// connection is then closed, since the server's reply would otherwise
// arrive out of step. A nil ctx means context.Background().
func (m *IMAP4) WithContext(ctx context.Context) *IMAP4 {
	if ctx == nil {
		ctx = context.Background()
	}
	v := &IMAP4{session: m.session, call: m.call}
	v.call.ctx = ctx
	return v
}

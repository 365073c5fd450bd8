package imaplib

import "context"

// A CallOption changes how the commands of a view made by With are sent,
// as Python's keyword arguments do for one call. UID and KeepLineEndings
// are constants; Params makes one from values.
type CallOption interface {
	applyCall(*callOptions)
}

type callOptions struct {
	ctx         context.Context
	uid         bool
	params      []any
	hasParams   bool
	keepEndings bool
}

// callFlag is a CallOption that turns one setting on.
type callFlag uint8

const (
	// UID makes Copy, Move, Fetch, Store, Search, Sort, Thread and Expunge
	// work on UIDs, as Python 3.16's uid=True:
	// M.With(imaplib.UID).Fetch(...).
	UID callFlag = 1 << iota
	// KeepLineEndings makes Append send the message byte for byte, as
	// Python 3.16's translate_line_endings=False; by default bare CR and LF
	// become CRLF.
	KeepLineEndings
)

func (f callFlag) applyCall(o *callOptions) {
	o.uid = o.uid || f&UID != 0
	o.keepEndings = o.keepEndings || f&KeepLineEndings != 0
}

// paramsOption is the CallOption Params returns.
type paramsOption []any

func (p paramsOption) applyCall(o *callOptions) {
	o.params = p
	o.hasParams = true
}

// Params supplies the values for the placeholders of the criteria or items
// of Search, Fetch, Sort, Thread and Uid, as Python 3.16's params=: "?" is
// an astring (an int a number, a []string a parenthesised list), "?f" a
// flag or []string of flags, "?s" a message set (an int, a []int, a
// SeqRange or a string), "??" a literal "?". Without Params a "?" is sent
// as it is.
func Params(values ...any) CallOption {
	return paramsOption(values)
}

// With returns a view of the connection whose commands use opts; m itself
// is unchanged. Views share the connection, its state and its lock.
func (m *IMAP4) With(opts ...CallOption) *IMAP4 {
	v := &IMAP4{session: m.session, call: m.call}
	v.call.params = nil
	v.call.hasParams = false
	for _, o := range opts {
		if o != nil {
			o.applyCall(&v.call)
		}
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

package imaplib

import "context"

type callOptions struct {
	ctx         context.Context
	uid         bool
	params      []any
	hasParams   bool
	keepEndings bool
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

package imaplib

// idleResponse is one response delivered by an idler: Python's
// (typ, [data...]) queue entry.
type idleResponse struct {
	typ  string
	data []Datum
}

// queueIdle is Python's _append_untagged while IDLE captures responses: a
// response with literals arrives fragment by fragment and is delivered
// whole.
func (m *IMAP4) queueIdle(typ string, d Datum) {
	if n := len(m.idleQueue); n > 0 {
		last := &m.idleQueue[n-1]
		if last.data[len(last.data)-1].Kind == KindTuple {
			last.data = append(last.data, d)
			return
		}
	}
	m.idleQueue = append(m.idleQueue, idleResponse{typ: typ, data: []Datum{d}})
}

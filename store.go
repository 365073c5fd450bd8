package imaplib

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// store is Python's untagged_responses: the untagged data received and
// not yet returned by a command, by type, in the order the types first
// arrived (a Python dict's order), holding at most max bytes. It is the
// engine's sink when no command takes untagged data for itself.
type store struct {
	// mu lets UntaggedResponses copy the store while a command fills it;
	// only the goroutine running commands changes it.
	mu    sync.Mutex
	max   int64
	log   *wireLog
	byTyp map[string][]Datum
	order []string
	size  int64
}

func newStore(max int64, log *wireLog) *store {
	return &store{max: max, log: log, byTyp: make(map[string][]Datum)}
}

func (s *store) reserve(header []byte, n, _ int64) error {
	return s.room(int64(len(header)) + n)
}

// room refuses extra bytes held beside the store's own when together
// they would pass its limit.
func (s *store) room(extra int64) error {
	if need := s.size + extra; need > s.max {
		return untaggedLimit(s.max, need)
	}
	return nil
}

// put is Python's _append_untagged.
func (s *store) put(typ string, d Datum) error {
	if d.Kind == KindBytes && d.Bytes == nil {
		d.Bytes = []byte{}
	}
	add := int64(len(d.Bytes) + len(d.Literal))
	if err := s.room(add); err != nil {
		return err
	}
	if s.log.level() >= 5 {
		s.log.mesg(fmt.Sprintf(`untagged_responses[%s] %d += ["%s"]`, typ, len(s.byTyp[typ]), d))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.size += add
	l, ok := s.byTyp[typ]
	if !ok {
		s.order = append(s.order, typ)
		// Room for two: a FETCH with a literal stores its closing ")" too.
		l = make([]Datum, 0, 2)
	}
	s.byTyp[typ] = append(l, d)
	return nil
}

// has reports whether responses of type name are stored.
func (s *store) has(name string) bool {
	_, ok := s.byTyp[name]
	return ok
}

// get returns the responses stored under name and leaves them there.
func (s *store) get(name string) ([]Datum, bool) {
	d, ok := s.byTyp[name]
	return d, ok
}

// pop removes and returns the responses stored under name.
func (s *store) pop(name string) ([]Datum, bool) {
	data, ok := s.byTyp[name]
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byTyp, name)
	s.order = slices.DeleteFunc(s.order, func(k string) bool { return k == name })
	s.size -= dataSize(data)
	return data, true
}

// flush empties the store.
func (s *store) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.byTyp)
	s.order = s.order[:0]
	s.size = 0
}

// snapshot returns a copy of the store, safe to call from any goroutine.
func (s *store) snapshot() map[string][]Datum {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]Datum, len(s.byTyp))
	for k, v := range s.byTyp {
		out[k] = slices.Clone(v)
	}
	return out
}

// dump is Python's _dump_ur, in the dict's insertion order.
func (s *store) dump() {
	if len(s.byTyp) == 0 {
		return
	}
	items := make([]string, 0, len(s.byTyp))
	for _, k := range s.order {
		items = append(items, k+": "+dataListRepr(s.byTyp[k]))
	}
	s.log.mesg("untagged responses dump:" + strings.Join(items, "\n\t\t"))
}

// untaggedLimit is the failure of a store (or an IDLE response) that
// would hold got bytes, more than its limit max: the connection is given
// up.
func untaggedLimit(max, got int64) error {
	return &AbortError{
		Msg: fmt.Sprintf("untagged responses exceed the limit of %d bytes", max),
		Err: &LimitError{Limit: "untagged responses", Max: max, Got: got},
	}
}

// dataSize is the bytes data holds, as the store counts them.
func dataSize(data []Datum) int64 {
	var n int64
	for _, d := range data {
		n += int64(len(d.Bytes) + len(d.Literal))
	}
	return n
}

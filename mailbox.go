package imaplib

import (
	"strings"
	"unicode/utf8"
)

// eachResponse runs fn on a lexer over each response in data (skipping
// Python's None) and stops at the first error, which it returns.
func eachResponse(what string, data []Datum, fn func(l *lexer)) error {
	var err error
	splitResponses(data, func(resp []Datum, off int) bool {
		l := newLexer(what, resp)
		l.base = off
		fn(l)
		if l.err == nil {
			l.sp()
			if !l.atEnd() {
				l.fail("unexpected %s after the %s response", l.found(), what)
			}
		}
		if l.err != nil {
			err = l.err
			return false
		}
		return true
	})
	return err
}

// astring reads a mailbox name or other astring: an atom (NIL included,
// which is then the name "NIL"), a quoted string or a literal.
func (l *lexer) astring() []byte {
	l.sp()
	if c := l.peek(); c == '"' || c == '{' || c == '~' {
		return l.str()
	}
	return l.atom()
}

// mailboxName decodes a mailbox name as sent: modified UTF-7 unless the
// connection is in UTF-8 mode (RFC 6855), when names are UTF-8. A name
// that is not valid in its form is returned as it was, made valid UTF-8.
func mailboxName(raw string, utf8Mode bool) string {
	if !utf8Mode && strings.IndexByte(raw, '&') >= 0 {
		if s, err := decodeMailboxUTF7(raw); err == nil {
			return s
		}
	}
	if utf8.ValidString(raw) {
		return raw
	}
	return validUTF8([]byte(raw))
}

// ListMailbox is one LIST or LSUB response.
type ListMailbox struct {
	// Attrs are the name attributes as sent, e.g. \HasNoChildren,
	// \Noselect, \Sent (RFC 6154).
	Attrs []string
	// Delim is the hierarchy delimiter, "" when the server sent NIL (a
	// flat namespace).
	Delim string
	// Name is the mailbox name decoded to UTF-8; RawName is as sent, the
	// form to pass back to commands on a connection not in UTF-8 mode.
	Name    string
	RawName string
	// Extended holds RFC 5258 extended data items (CHILDINFO, OLDNAME)
	// by upper-cased tag, with their value's raw text.
	Extended map[string][]byte
}

// HasAttr reports whether the mailbox has the attribute attr, compared
// without regard to case (e.g. `\Noselect`).
func (m *ListMailbox) HasAttr(attr string) bool {
	for _, a := range m.Attrs {
		if strings.EqualFold(a, attr) {
			return true
		}
	}
	return false
}

// ParseList parses the data of List or Lsub: one ListMailbox per
// response. utf8Mode says whether the connection has enabled UTF8=ACCEPT
// (IMAP4.UTF8Enabled), in which case names are UTF-8 rather than
// modified UTF-7. Python's None (no mailboxes) gives an empty slice.
func ParseList(data []Datum, utf8Mode bool) ([]*ListMailbox, error) {
	out := []*ListMailbox{}
	err := eachResponse("LIST", data, func(l *lexer) {
		m := &ListMailbox{Attrs: flagList(l)}
		if d, isNil := l.nstring(); !isNil {
			m.Delim = l.string(d)
		}
		m.RawName = l.string(l.astring())
		m.Name = mailboxName(m.RawName, utf8Mode)
		if l.err == nil && l.accept('(') {
			m.Extended = map[string][]byte{}
			for l.err == nil && !l.accept(')') {
				tag := upperASCII(l.str())
				m.Extended[tag] = l.skipValue()
			}
		}
		if l.err == nil {
			out = append(out, m)
		}
	})
	return out, err
}

// MailboxStatus is one STATUS response. Items the server did not send
// are zero; Items has every one it sent.
type MailboxStatus struct {
	// Name is the mailbox name decoded as ParseList does; RawName is as
	// sent.
	Name    string
	RawName string
	// Messages, Recent, UIDNext, UIDValidity and Unseen are the RFC 3501
	// items; HighestModSeq is RFC 7162's, Size RFC 8438's.
	Messages, Recent, UIDNext, UIDValidity, Unseen uint32
	HighestModSeq                                  uint64
	Size                                           int64
	// Items holds every item by upper-cased name.
	Items map[string]uint64
}

// ParseStatus parses the data of Status: one MailboxStatus per response
// (one, unless unsolicited STATUS responses were mixed in). utf8Mode is
// as for ParseList.
func ParseStatus(data []Datum, utf8Mode bool) ([]*MailboxStatus, error) {
	out := []*MailboxStatus{}
	err := eachResponse("STATUS", data, func(l *lexer) {
		s := &MailboxStatus{Items: map[string]uint64{}}
		s.RawName = l.string(l.astring())
		s.Name = mailboxName(s.RawName, utf8Mode)
		l.expect('(')
		for l.err == nil && !l.accept(')') {
			name := upperASCII(l.atom())
			v := l.number(64)
			s.Items[name] = v
			switch name {
			case "MESSAGES":
				s.Messages = uint32(v)
			case "RECENT":
				s.Recent = uint32(v)
			case "UIDNEXT":
				s.UIDNext = uint32(v)
			case "UIDVALIDITY":
				s.UIDValidity = uint32(v)
			case "UNSEEN":
				s.Unseen = uint32(v)
			case "HIGHESTMODSEQ":
				s.HighestModSeq = v
			case "SIZE":
				s.Size = int64(min(v, 1<<63-1))
			}
		}
		if l.err == nil {
			out = append(out, s)
		}
	})
	return out, err
}

// ParseSearch parses the data of Search (or Uid("SEARCH", ...)) into the
// numbers found, in the order sent, across all SEARCH responses; modSeq
// is the (MODSEQ n) that RFC 7162 adds after them, 0 if none. An empty
// answer, and Python's None, give an empty, non-nil slice.
func ParseSearch(data []Datum) (nums []uint32, modSeq uint64, err error) {
	nums = []uint32{}
	err = eachResponse("SEARCH", data, func(l *lexer) {
		for l.err == nil && !l.atEnd() {
			l.sp()
			if l.accept('(') {
				if a := l.atom(); !strings.EqualFold(string(a), "MODSEQ") && l.err == nil {
					l.fail("unexpected %q in SEARCH", a)
				}
				modSeq = l.number(64)
				l.expect(')')
				continue
			}
			if !l.atEnd() {
				nums = append(nums, uint32(l.number(32)))
			}
		}
	})
	return nums, modSeq, err
}

// ParseSort parses the data of Sort (or Uid("SORT", ...)): the numbers in
// the order sent, as ParseSearch.
func ParseSort(data []Datum) ([]uint32, error) {
	nums, _, err := ParseSearch(data)
	return nums, err
}

// maxSetSize bounds how many numbers a sequence set from a server may
// expand to, so that "1:4294967295" is an error rather than 16 GiB.
const maxSetSize = 1 << 22

// ParseSeqSet expands a sequence set as servers send them in ESEARCH,
// APPENDUID and COPYUID ("2,10:12,15") into its numbers, in the order
// written (a range written high:low counts down, as COPYUID requires to
// pair source and destination UIDs). "*" has no number and is an error, as
// is a set of more than 4,194,304 numbers.
func ParseSeqSet(set string) ([]uint32, error) {
	l := newLexer("sequence set", []Datum{bytesDatum([]byte(set))})
	nums := l.seqSet(nil)
	l.sp()
	if l.err == nil && !l.atEnd() {
		l.fail("unexpected %s in a sequence set", l.found())
	}
	if l.err != nil {
		return nil, l.err
	}
	return nums, nil
}

// seqSet reads a sequence set and appends its numbers to nums.
func (l *lexer) seqSet(nums []uint32) []uint32 {
	for l.err == nil {
		a := uint32(l.number(32))
		b := a
		if l.peek() == ':' {
			l.pos++
			b = uint32(l.number(32))
		}
		if l.err != nil {
			break
		}
		n := int64(b) - int64(a)
		if n < 0 {
			n = -n
		}
		if int64(len(nums))+n+1 > maxSetSize {
			l.fail("a sequence set of more than %d numbers", maxSetSize)
			break
		}
		for v := int64(a); ; {
			nums = append(nums, uint32(v))
			if v == int64(b) {
				break
			}
			if a < b {
				v++
			} else {
				v--
			}
		}
		if l.peek() != ',' {
			break
		}
		l.pos++
	}
	return nums
}

// ESearch is one ESEARCH response (RFC 4731).
type ESearch struct {
	// Tag is the tag of the command it answers, "" if none.
	Tag string
	// UID is true when the numbers are UIDs.
	UID bool
	// Min, Max and Count are the MIN, MAX and COUNT results, zero when
	// not sent (Items says which were).
	Min, Max, Count uint32
	// All is the ALL result expanded (see ParseSeqSet for the bound).
	All []uint32
	// ModSeq is the MODSEQ result (RFC 7162).
	ModSeq uint64
	// Items lists the result names sent, upper-cased.
	Items []string
}

// ParseESearch parses ESEARCH responses (RFC 4731). After a Search whose
// criteria ask for RETURN (...) on a server with ESEARCH, Search returns
// [None], as in Python, and IMAP4.Response("ESEARCH") returns these.
func ParseESearch(data []Datum) ([]*ESearch, error) {
	out := []*ESearch{}
	err := eachResponse("ESEARCH", data, func(l *lexer) {
		e := &ESearch{}
		if l.accept('(') {
			if a := l.atom(); strings.EqualFold(string(a), "TAG") {
				e.Tag = l.sstr()
			}
			l.expect(')')
		}
		for l.err == nil && !l.atEnd() {
			name := upperASCII(l.atom())
			if name == "UID" {
				e.UID = true
				continue
			}
			e.Items = append(e.Items, name)
			switch name {
			case "MIN":
				e.Min = uint32(l.number(32))
			case "MAX":
				e.Max = uint32(l.number(32))
			case "COUNT":
				e.Count = uint32(l.number(32))
			case "ALL":
				l.sp()
				e.All = l.seqSet(nil)
			case "MODSEQ":
				e.ModSeq = l.number(64)
			default:
				l.skipValue()
			}
			l.sp()
		}
		if l.err == nil {
			out = append(out, e)
		}
	})
	return out, err
}

// Thread is one node of a THREAD response (RFC 5256): a message and the
// messages that answer it. A node with Num 0 stands for a parent the
// server did not find, whose children are siblings.
type Thread struct {
	Num      uint32
	Children []*Thread
}

// ParseThread parses the data of Thread (or Uid("THREAD", ...)) into its
// threads, one root each. "(3 6 (4 23)(44 7 96))" is 3, answered by 6,
// answered by both 4 (then 23) and 44 (then 7, then 96).
func ParseThread(data []Datum) ([]*Thread, error) {
	out := []*Thread{}
	err := eachResponse("THREAD", data, func(l *lexer) {
		for l.err == nil && !l.atEnd() {
			if t := l.thread(1); l.err == nil {
				out = append(out, t)
			}
			l.sp()
		}
	})
	return out, err
}

// thread reads one parenthesised thread at nesting depth.
func (l *lexer) thread(depth int) *Thread {
	if depth > MaxNesting {
		l.fail("threads nested more than %d deep", MaxNesting)
		return nil
	}
	if !l.expect('(') {
		return nil
	}
	root := &Thread{}
	last := root
	first := true
	for l.err == nil {
		l.sp()
		switch c := l.peek(); {
		case c == ')':
			l.pos++
			if first {
				l.fail("empty thread")
			}
			return root
		case c == '(':
			last.Children = append(last.Children, l.thread(depth+1))
		case len(last.Children) > 0:
			l.fail("a message number after nested threads")
		case first:
			root.Num = uint32(l.number(32))
		default:
			n := &Thread{Num: uint32(l.number(32))}
			last.Children = []*Thread{n}
			last = n
		}
		first = false
	}
	return root
}

// ParseCapability parses the data of Capability (or a CAPABILITY
// response code's) into the capability names, upper-cased as Python's
// IMAP4.capabilities holds them.
func ParseCapability(data []Datum) ([]string, error) {
	out := []string{}
	err := eachResponse("CAPABILITY", data, func(l *lexer) {
		for l.err == nil && !l.atEnd() {
			out = append(out, upperASCII(l.atom()))
			l.sp()
		}
	})
	return out, err
}

// QuotaResource is one resource of a QUOTA response: its name (STORAGE,
// in KiB; MESSAGE; ...), usage and limit.
type QuotaResource struct {
	Name         string
	Usage, Limit uint64
}

// Quota is one QUOTA response (RFC 9208): a quota root and its resources.
type Quota struct {
	Root      string
	Resources []QuotaResource
}

// ParseQuota parses QUOTA responses: the data of Getquota, or the second
// list of Getquotaroot's data.
func ParseQuota(data []Datum) ([]*Quota, error) {
	out := []*Quota{}
	err := eachResponse("QUOTA", data, func(l *lexer) {
		q := &Quota{Root: l.string(l.astring())}
		l.expect('(')
		for l.err == nil && !l.accept(')') {
			r := QuotaResource{Name: upperASCII(l.atom())}
			r.Usage = l.number(64)
			r.Limit = l.number(64)
			q.Resources = append(q.Resources, r)
		}
		if l.err == nil {
			out = append(out, q)
		}
	})
	return out, err
}

// ParseQuotaRoot parses a QUOTAROOT response, the first list of
// Getquotaroot's data: the mailbox (as sent) and its quota roots.
func ParseQuotaRoot(data []Datum) (mailbox string, roots []string, err error) {
	roots = []string{}
	err = eachResponse("QUOTAROOT", data, func(l *lexer) {
		mailbox = l.string(l.astring())
		for l.err == nil && !l.atEnd() {
			roots = append(roots, l.string(l.astring()))
			l.sp()
		}
	})
	return mailbox, roots, err
}

// ACL is an ACL response (RFC 4314): a mailbox (as sent) and the rights
// of each identifier, e.g. "Fred": "rwipslxetad".
type ACL struct {
	Mailbox string
	Rights  map[string]string
}

// ParseACL parses the data of Getacl.
func ParseACL(data []Datum) ([]*ACL, error) {
	out := []*ACL{}
	err := eachResponse("ACL", data, func(l *lexer) {
		a := &ACL{Mailbox: l.string(l.astring()), Rights: map[string]string{}}
		for l.err == nil && !l.atEnd() {
			id := l.string(l.astring())
			a.Rights[id] = l.string(l.astring())
			l.sp()
		}
		if l.err == nil {
			out = append(out, a)
		}
	})
	return out, err
}

// ParseMyRights parses the data of Myrights: the mailbox (as sent) and
// the rights the logged-in user has on it.
func ParseMyRights(data []Datum) (mailbox, rights string, err error) {
	err = eachResponse("MYRIGHTS", data, func(l *lexer) {
		mailbox = l.string(l.astring())
		rights = l.string(l.astring())
	})
	return mailbox, rights, err
}

// Namespace is one namespace of a NAMESPACE response: its prefix and
// hierarchy delimiter ("" for NIL).
type Namespace struct {
	Prefix string
	Delim  string
}

// Namespaces is a NAMESPACE response (RFC 2342): the personal, other
// users' and shared namespaces, each nil when the server sent NIL.
type Namespaces struct {
	Personal, Other, Shared []Namespace
}

// ParseNamespace parses the data of Namespace. Namespace response
// extensions are skipped.
func ParseNamespace(data []Datum) (*Namespaces, error) {
	ns := &Namespaces{}
	err := eachResponse("NAMESPACE", data, func(l *lexer) {
		for _, list := range []*[]Namespace{&ns.Personal, &ns.Other, &ns.Shared} {
			if !l.listStart() {
				continue
			}
			for l.err == nil && !l.accept(')') {
				l.expect('(')
				n := Namespace{Prefix: l.string(l.str())}
				if d, isNil := l.nstring(); !isNil {
					n.Delim = l.string(d)
				}
				for l.err == nil && !l.accept(')') {
					l.skipValue() // extensions
				}
				*list = append(*list, n)
			}
		}
	})
	return ns, err
}

// ParseID parses the data of Id (RFC 2971): the server's fields by name
// as sent, nil when it sent NIL.
func ParseID(data []Datum) (map[string]string, error) {
	var out map[string]string
	err := eachResponse("ID", data, func(l *lexer) {
		if !l.listStart() {
			return
		}
		out = map[string]string{}
		for l.err == nil && !l.accept(')') {
			k := l.utf8(l.str())
			out[k] = l.utf8(l.str())
		}
	})
	return out, err
}

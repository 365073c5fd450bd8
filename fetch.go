package imaplib

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// FetchMessage is what the FETCH responses for one message said. Fields of
// items the server did not send keep their zero value; Items tells which
// were sent.
type FetchMessage struct {
	// SeqNum is the message sequence number the response started with.
	SeqNum uint32
	// Items lists the data item names in the order the server sent them,
	// upper-cased, with BODY[...], BINARY[...] and BINARY.SIZE[...] written
	// in full with the section as Sections keys it ("BODY[HEADER]<0>", or
	// "BODY.PEEK[1]" if the server echoed PEEK). Use Has to ask whether an
	// item was sent, e.g. to tell "no flags" from "FLAGS not fetched".
	Items []string
	// UID is the message's UID (RFC 3501 UID item).
	UID uint32
	// Flags are the message's flags as sent (FLAGS item); not nil, but
	// possibly empty, when FLAGS was sent.
	Flags []string
	// InternalDate is the INTERNALDATE item, in the zone offset the
	// server gave.
	InternalDate time.Time
	// Size is RFC822.SIZE, the message's size in octets.
	Size int64
	// Envelope is the parsed ENVELOPE item.
	Envelope *Envelope
	// BodyStructure is the parsed BODYSTRUCTURE item, or the BODY item
	// without a section (the same tree without extension data).
	BodyStructure *BodyStructure
	// Sections holds every BODY[section]<origin> item keyed by the section
	// spec upper-cased as the server wrote it: "" for BODY[], "TEXT",
	// "1.2", "HEADER.FIELDS (SUBJECT)" (header names unquoted and spaces
	// normalised, as servers write them differently; Body looks up a spec
	// written either way). BODY.PEEK[...] is answered as
	// BODY[...]. RFC822, RFC822.HEADER and RFC822.TEXT are filed under
	// "", "HEADER" and "TEXT", their BODY equivalents (RFC 3501 6.4.5).
	Sections map[string]*Section
	// Binary holds every BINARY[section]<origin> item (RFC 3516), keyed
	// like Sections; the data is already decoded by the server.
	Binary map[string]*Section
	// BinarySize holds every BINARY.SIZE[section] item, keyed like Binary.
	BinarySize map[string]int64
	// ModSeq is the MODSEQ item (RFC 7162).
	ModSeq uint64
	// GmailMsgID, GmailThreadID and GmailLabels are Gmail's X-GM-MSGID,
	// X-GM-THRID and X-GM-LABELS items. Labels are as Gmail sends them,
	// system labels with their backslash ("\Inbox").
	GmailMsgID    uint64
	GmailThreadID uint64
	GmailLabels   []string
	// Unknown holds the items this package does not parse, by upper-cased
	// name, with their value's raw text (a value that spans a literal
	// holds "{N}\r\n" and the literal's bytes, as on the wire).
	Unknown map[string][]byte
}

// Section is one BODY[...] or BINARY[...] item of a FETCH response.
type Section struct {
	// Spec is the section spec upper-cased, as in the map key.
	Spec string
	// Partial is true when the server sent an <origin>, the answer to a
	// partial fetch such as BODY[]<0.100>; Origin is then its value.
	Partial bool
	Origin  int64
	// Data is the section's bytes; it shares memory with the Datum it
	// came from. Nil is true when the server sent NIL.
	Data []byte
	Nil  bool
}

// Has reports whether the server sent the item name (compared without
// regard to case), e.g. m.Has("FLAGS") or m.Has("BODY[1]").
func (m *FetchMessage) Has(name string) bool {
	for _, it := range m.Items {
		if strings.EqualFold(it, name) {
			return true
		}
	}
	return false
}

// Body returns the data of the BODY[spec] section (spec compared without
// regard to case) and whether the server sent it. An RFC822 item answers
// spec "".
func (m *FetchMessage) Body(spec string) ([]byte, bool) {
	s, ok := m.Sections[sectionKey([]byte(spec))]
	if !ok {
		return nil, false
	}
	return s.Data, true
}

// ParseFetch parses the data a Fetch (or Uid("FETCH", ...)) returned into
// one FetchMessage per message, in the order the messages first appear.
//
// Several FETCH responses for the same sequence number, such as an
// unsolicited "* 5 FETCH (FLAGS (\Seen))" sent while a UID FETCH was
// running, are merged into one FetchMessage: a later item replaces an
// earlier one of the same name. Such a message may therefore lack the
// items that were asked for (check Has or UID). KindNone datums (Python's
// None, which Fetch returns when there was no FETCH response) are skipped,
// so data of [None] gives an empty slice and no error. Any other datum
// must be a FETCH response, "N (items)" as imaplib files it; "* N FETCH
// (items)" is accepted too.
//
// Malformed data gives a *ParseError and the messages parsed before the
// malformed response (if that response was about a message seen before,
// the message may hold the items read before the fault).
//
// Byte slices in the result (section data, Unknown values) share memory
// with data.
func ParseFetch(data []Datum) ([]*FetchMessage, error) {
	msgs := []*FetchMessage{}
	// find returns the message seen before with sequence number seq: the
	// last one (the usual case), else by a scan of a short list or a map
	// built once the list is long.
	var bySeq map[uint32]*FetchMessage
	find := func(seq uint32) *FetchMessage {
		if n := len(msgs); n > 0 && msgs[n-1].SeqNum == seq {
			return msgs[n-1]
		}
		if bySeq == nil && len(msgs) < 8 {
			for _, p := range msgs {
				if p.SeqNum == seq {
					return p
				}
			}
			return nil
		}
		if bySeq == nil {
			bySeq = make(map[uint32]*FetchMessage, len(msgs)*2)
			for _, p := range msgs {
				bySeq[p.SeqNum] = p
			}
		}
		return bySeq[seq]
	}
	var err error
	l := newLexer("FETCH", nil) // one for all responses, to reuse its scratch space
	splitResponses(data, func(resp []Datum, off int) bool {
		*l = lexer{what: l.what, data: resp, base: off, addrs: l.addrs[:0]}
		seq := fetchPrefix(l)
		m := find(seq)
		isNew := m == nil
		if isNew {
			m = &FetchMessage{SeqNum: seq}
		}
		parseFetchItems(l, m)
		if l.err != nil {
			err = l.err
			return false
		}
		if isNew {
			msgs = append(msgs, m)
			if bySeq != nil {
				bySeq[seq] = m
			}
		}
		return true
	})
	return msgs, err
}

// fetchPrefix reads "N (" , "N FETCH (" or "* N FETCH (" and returns N.
func fetchPrefix(l *lexer) uint32 {
	l.sp()
	if l.peek() == '*' {
		l.pos++
	}
	seq := uint32(l.number(32))
	l.sp()
	if c := l.peek(); c == 'F' || c == 'f' {
		if a := l.atom(); !bytes.EqualFold(a, []byte("FETCH")) {
			l.fail("expected a FETCH response, found %q", a)
		}
	}
	l.expect('(')
	return seq
}

// parseFetchItems reads "name value" pairs up to the closing parenthesis.
func parseFetchItems(l *lexer, m *FetchMessage) {
	if m.Items == nil {
		m.Items = make([]string, 0, 8)
	}
	for l.err == nil {
		if l.accept(')') {
			l.sp()
			if !l.atEnd() {
				l.fail("text after the end of the FETCH response")
			}
			return
		}
		l.sp()
		name := itemName(l)
		if l.err != nil {
			return
		}
		if l.peek() == '[' {
			// BODY[...] and the like; the switch below sees "BODY" only as
			// the body structure.
			name = "[" + name
		}
		switch name {
		case "UID":
			m.UID = uint32(l.number(32))
		case "FLAGS":
			m.Flags = flagList(l)
		case "INTERNALDATE":
			s := l.str()
			t, ok := parseInternalDateLenient(s)
			if !ok && l.err == nil {
				l.fail("bad INTERNALDATE %q", s)
			}
			m.InternalDate = t
		case "RFC822.SIZE":
			m.Size = int64(l.number(63))
		case "ENVELOPE":
			m.Envelope = parseEnvelope(l)
		case "BODYSTRUCTURE", "BODY":
			m.BodyStructure = parseBodyStructure(l)
		case "MODSEQ":
			// RFC 7162 puts the value in parentheses; some servers do not.
			paren := l.accept('(')
			m.ModSeq = l.number(64)
			if paren {
				l.expect(')')
			}
		case "X-GM-MSGID":
			m.GmailMsgID = l.number(64)
		case "X-GM-THRID":
			m.GmailThreadID = l.number(64)
		case "X-GM-LABELS":
			m.GmailLabels = flagList(l)
		case "RFC822", "RFC822.HEADER", "RFC822.TEXT":
			spec := strings.TrimPrefix(strings.TrimPrefix(name, "RFC822"), ".")
			m.Sections = addSection(l, m.Sections, spec, -1)
		default:
			name = strings.TrimPrefix(name, "[")
			if sec, ok := sectionItem(l, m, name); ok {
				name = sec
			} else if l.err == nil {
				if m.Unknown == nil {
					m.Unknown = map[string][]byte{}
				}
				m.Unknown[name] = l.skipValue()
			}
		}
		m.Items = append(m.Items, name)
	}
}

// itemName reads a FETCH item name (letters, digits, ".", "-") and
// returns it upper-cased.
func itemName(l *lexer) string {
	l.sp()
	t := l.text()
	start := l.pos
	for l.pos < len(t) {
		c := t[l.pos]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || isDigit(c) || c == '.' || c == '-' || c == '_') {
			break
		}
		l.pos++
	}
	if l.pos == start {
		l.fail("expected a FETCH item name, found %s", l.found())
		return ""
	}
	return upperASCII(t[start:l.pos])
}

// sectionItem handles BODY[...], BODY.PEEK[...], BINARY[...] and
// BINARY.SIZE[...] whose name itemName has read. It returns the item's
// full name for Items; ok is false when name is not one of them.
func sectionItem(l *lexer, m *FetchMessage, name string) (full string, ok bool) {
	if l.peek() != '[' {
		return "", false
	}
	switch name {
	case "BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE":
	default:
		return "", false
	}
	spec := sectionKey(l.bracket())
	origin := int64(-1)
	if l.peek() == '<' {
		l.pos++
		origin = int64(l.number(63))
		l.expect('>')
	}
	if l.err != nil {
		return "", true
	}
	full = name + "[" + spec + "]"
	if origin >= 0 {
		full += "<" + strconv.FormatInt(origin, 10) + ">"
	}
	switch name {
	case "BODY", "BODY.PEEK":
		m.Sections = addSection(l, m.Sections, spec, origin)
	case "BINARY", "BINARY.PEEK":
		m.Binary = addSection(l, m.Binary, spec, origin)
	case "BINARY.SIZE":
		if m.BinarySize == nil {
			m.BinarySize = map[string]int64{}
		}
		m.BinarySize[spec] = int64(l.number(63))
	}
	return full, true
}

// addSection reads a section's nstring into to[spec].
func addSection(l *lexer, to map[string]*Section, spec string, origin int64) map[string]*Section {
	data, isNil := l.nstring()
	if l.err != nil {
		return to
	}
	if to == nil {
		to = map[string]*Section{}
	}
	to[spec] = &Section{Spec: spec, Partial: origin >= 0, Origin: max(origin, 0), Data: data, Nil: isNil}
	return to
}

// flagList reads "(flag ...)" as strings; NIL is read as no flags. Flags
// are atoms (which may hold "]", as some servers' keywords do) or, for
// X-GM-LABELS, strings.
func flagList(l *lexer) []string {
	flags := []string{}
	if !l.listStart() {
		return flags
	}
	for l.err == nil && !l.accept(')') {
		if c := l.peek(); c == '"' || c == '{' {
			flags = append(flags, l.sstr())
			continue
		}
		flags = append(flags, flagString(l, l.atom()))
	}
	return flags
}

// sectionKey returns a section spec in the form the maps are keyed by:
// upper-cased, quoted header names unquoted, runs of spaces made one and
// none inside the parentheses' edges. Servers differ in these (go-imap
// quotes the names, Dovecot does not).
func sectionKey(spec []byte) string {
	if bytes.IndexByte(spec, '"') < 0 && !bytes.Contains(spec, []byte("  ")) &&
		!bytes.Contains(spec, []byte("( ")) && !bytes.Contains(spec, []byte(" )")) {
		return upperASCII(spec)
	}
	out := make([]byte, 0, len(spec))
	for _, c := range spec {
		switch {
		case c == '"':
			continue
		case c == ' ' && (len(out) == 0 || out[len(out)-1] == ' ' || out[len(out)-1] == '('):
			continue
		case c == ')' && len(out) > 0 && out[len(out)-1] == ' ':
			out = out[:len(out)-1]
		}
		out = append(out, c)
	}
	return upperASCII(bytes.TrimRight(out, " "))
}

// parseInternalDateLenient reads "DD-Mon-YYYY HH:MM:SS +HHMM", with a
// space or nothing in place of the day's leading zero.
func parseInternalDateLenient(s []byte) (time.Time, bool) {
	s = bytes.TrimSpace(s)
	if len(s) == 25 {
		// "1-Jan-2000 ..." without the day's leading zero or space.
		s = append([]byte{'0'}, s...)
	}
	if len(s) != 26 || s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':' || s[20] != ' ' {
		return time.Time{}, false
	}
	dayDigits := s[0:2]
	if s[0] == ' ' {
		dayDigits = s[1:2]
	}
	day, ok1 := atoiSmall(dayDigits)
	year, ok2 := atoiSmall(s[7:11])
	hh, ok3 := atoiSmall(s[12:14])
	mm, ok4 := atoiSmall(s[15:17])
	ss, ok5 := atoiSmall(s[18:20])
	zone, ok6 := atoiSmall(s[22:26])
	mon := monthNumber(s[3:6])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mon == 0 || (s[21] != '+' && s[21] != '-') {
		return time.Time{}, false
	}
	off := (zone/100*60 + zone%100) * 60
	if s[21] == '-' {
		off = -off
	}
	return time.Date(year, time.Month(mon), day, hh, mm, ss, 0, fixedZone(off)), true
}

package imaplib

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Envelope is a FETCH ENVELOPE item (RFC 3501 section 7.4.2): the message's
// main header fields as the server parsed them. A field the server sent as
// NIL is empty.
type Envelope struct {
	// Date is the Date header field parsed as RFC 5322 describes, zero
	// when it could not be parsed; DateRaw is the field as sent.
	Date    time.Time
	DateRaw string
	// Subject is the Subject with its RFC 2047 encoded words decoded
	// (see DecodeHeader); SubjectRaw is as sent.
	Subject    string
	SubjectRaw string
	// From, Sender, ReplyTo, To, Cc and Bcc are the address lists.
	From, Sender, ReplyTo, To, Cc, Bcc []Address
	// InReplyTo and MessageID are the In-Reply-To and Message-ID fields
	// as sent, angle brackets included.
	InReplyTo string
	MessageID string
}

// Address is one address of an ENVELOPE address list.
//
// RFC 3501 marks an RFC 5322 group ("team: a@x, b@y;") with a pseudo
// address whose host is NIL before the members and one with every field
// NIL after them. Here the markers are folded into the members: each
// member has Group set to the group's name. A group with no members, such
// as "undisclosed-recipients:;", is one Address with only Group set.
type Address struct {
	// Name is the display name with RFC 2047 words decoded.
	Name string
	// Mailbox and Host are the local part and the domain: Addr joins them.
	Mailbox string
	Host    string
	// Group is the name of the group this address belongs to, or "".
	Group string
}

// Addr returns "mailbox@host", or the mailbox alone when there is no host,
// or "" for an empty group.
func (a Address) Addr() string {
	if a.Host == "" {
		return a.Mailbox
	}
	return a.Mailbox + "@" + a.Host
}

// parseEnvelope reads an ENVELOPE value, or NIL (giving nil).
func parseEnvelope(l *lexer) *Envelope {
	if !l.listStart() {
		return nil
	}
	e := &Envelope{}
	date := l.str()
	e.DateRaw = l.string(date)
	e.Date, _ = parseMailDate(date)
	subj := l.str()
	e.SubjectRaw = l.string(subj)
	e.Subject = l.header(subj)
	e.From = addressList(l)
	e.Sender = addressList(l)
	e.ReplyTo = addressList(l)
	e.To = addressList(l)
	e.Cc = addressList(l)
	e.Bcc = addressList(l)
	// Some servers end the envelope early; what is missing stays empty.
	if l.accept(')') {
		return e
	}
	e.InReplyTo = l.sstr()
	if l.accept(')') {
		return e
	}
	e.MessageID = l.sstr()
	// Extra fields from an odd server are skipped rather than refused.
	for l.err == nil && !l.accept(')') {
		l.skipValue()
	}
	return e
}

// addressList reads "((name adl mailbox host) ...)" or NIL.
func addressList(l *lexer) []Address {
	if l.accept(')') {
		// An envelope cut short: leave the ')' for the caller.
		l.pos--
		return nil
	}
	if !l.listStart() {
		return nil
	}
	// Collect in the lexer's scratch slice and copy out once: one
	// allocation per list, whatever its length.
	list := l.addrs[:0]
	defer func() { l.addrs = list[:0] }()
	group, groupEmpty := "", false
	for l.err == nil && !l.accept(')') {
		if l.isNIL() {
			l.atom() // a NIL among the addresses, as some servers send
			continue
		}
		if !l.expect('(') {
			return nil
		}
		name := l.header(l.str())
		l.nstring() // the source route, obsolete
		mb, mboxNil := l.nstring()
		mailbox := l.string(mb)
		h, hostNil := l.nstring()
		host := l.string(h)
		l.sp()
		for l.err == nil && !l.accept(')') {
			l.skipValue() // a server's extra fields
		}
		switch {
		case hostNil && !mboxNil:
			group, groupEmpty = DecodeHeader(mailbox), true
		case hostNil && mboxNil:
			if group != "" && groupEmpty {
				list = append(list, Address{Group: group})
			}
			group = ""
		default:
			list = append(list, Address{
				Name: name, Mailbox: mailbox, Host: host, Group: group,
			})
			groupEmpty = false
		}
	}
	if group != "" && groupEmpty {
		list = append(list, Address{Group: group}) // a group left open
	}
	if len(list) == 0 {
		return nil
	}
	return slices.Clone(list)
}

// parseMailDate parses an RFC 5322 date-time leniently: the day of the week
// may be missing or wrong, seconds may be missing, runs of spaces and
// comments such as "(UTC)" are ignored, two- and three-digit years are read
// as RFC 5322 section 4.3 says, and obsolete zone names keep their offsets
// (EST is -0500); military zones and a missing zone mean -0000 and are
// given as UTC.
func parseMailDate(b []byte) (time.Time, bool) {
	var fields [8][]byte
	n := 0
	depth := 0
	start := -1
	flush := func(i int) {
		if start >= 0 {
			if n < len(fields) {
				fields[n] = b[start:i]
			}
			n++
			start = -1
		}
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '(':
			flush(i)
			depth++
		case c == ')':
			flush(i)
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n':
			flush(i)
		case start < 0:
			start = i
		}
	}
	flush(len(b))
	if n > len(fields) {
		return time.Time{}, false
	}
	f := fields[:n]
	// A leading day name (or any word) before the day of the month.
	if len(f) > 0 && len(f[0]) > 0 && !isDigit(f[0][0]) {
		f = f[1:]
	}
	// "4-Dec-2026" as one field, as IMAP's own date form.
	if len(f) > 0 {
		if p := indexByte2(f[0], '-'); p > 0 {
			if q := indexByte2(f[0][p+1:], '-'); q > 0 {
				d, m, y := f[0][:p], f[0][p+1:p+1+q], f[0][p+2+q:]
				f = append([][]byte{d, m, y}, f[1:]...)
			}
		}
	}
	if len(f) < 4 {
		return time.Time{}, false
	}
	day, ok := atoiSmall(f[0])
	mon := monthNumber(f[1])
	year, ok2 := atoiSmall(f[2])
	if !ok || !ok2 || mon == 0 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	switch {
	case len(f[2]) <= 2 && year < 50:
		year += 2000
	case len(f[2]) <= 3:
		year += 1900
	}
	// hh:mm[:ss]
	var hms [3]int
	parts := 0
	for _, p := range splitByte(f[3], ':') {
		v, ok := atoiSmall(p)
		if !ok || parts == 3 {
			return time.Time{}, false
		}
		hms[parts] = v
		parts++
	}
	if parts < 2 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60 {
		return time.Time{}, false
	}
	off := 0
	if len(f) > 4 {
		var ok bool
		if off, ok = zoneOffset(f[4]); !ok {
			return time.Time{}, false
		}
	}
	return time.Date(year, time.Month(mon), day, hms[0], hms[1], hms[2], 0, fixedZone(off)), true
}

// zoneOffset reads "+hhmm", "-hhmm" or an RFC 5322 obsolete zone name.
func zoneOffset(z []byte) (int, bool) {
	if len(z) == 5 && (z[0] == '+' || z[0] == '-') {
		v, ok := atoiSmall(z[1:])
		if !ok || v%100 > 59 {
			return 0, false
		}
		off := (v/100*60 + v%100) * 60
		if z[0] == '-' {
			off = -off
		}
		return off, true
	}
	for _, o := range obsoleteZones {
		if strings.EqualFold(string(z), o.name) {
			return o.hours * 3600, true
		}
	}
	if len(z) == 1 && (z[0]|0x20) >= 'a' && (z[0]|0x20) <= 'z' && (z[0]|0x20) != 'j' {
		// Military zones: RFC 5322 4.3 says to read them as -0000, because
		// RFC 822 had their signs backwards.
		return 0, true
	}
	return 0, false
}

// obsoleteZones are RFC 5322 section 4.3's zone names, in hours east of
// UTC ("UTC" is not among them, but mailers write it).
var obsoleteZones = [...]struct {
	name  string
	hours int
}{
	{"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0},
	{"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7},
}

// monthNumber is 1-12 for an English month name or its abbreviation (any
// case), 0 otherwise.
func monthNumber(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	var m [3]byte
	for i := range m {
		m[i] = b[i] | 0x20
	}
	for i, name := range internalDateMonths[1:] {
		if m[0] == name[0]|0x20 && m[1] == name[1] && m[2] == name[2] {
			return i + 1
		}
	}
	return 0
}

func atoiSmall(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 6 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func indexByte2(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// splitByte splits b at c into at most 4 parts, without allocating.
func splitByte(b []byte, c byte) [][]byte {
	var out [4][]byte
	n := 0
	for n < 3 {
		i := indexByte2(b, c)
		if i < 0 {
			break
		}
		out[n] = b[:i]
		n++
		b = b[i+1:]
	}
	out[n] = b
	return out[:n+1]
}

// zones caches one *time.Location per zone offset in quarter hours from
// -16:00 to +16:00, so that parsing many dates does not make a Location
// for each.
var zones [129]atomic.Pointer[time.Location]

// fixedZone returns a Location with the offset off (seconds east of UTC);
// offset 0 is UTC.
func fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if off%900 != 0 || off < -16*3600 || off > 16*3600 {
		return time.FixedZone("", off)
	}
	i := off/900 + 64
	if z := zones[i].Load(); z != nil {
		return z
	}
	z := time.FixedZone("", off)
	zones[i].Store(z)
	return z
}
